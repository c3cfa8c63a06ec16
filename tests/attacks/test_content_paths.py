"""An image that names a file outside content/ is an error naming the entry and line, and is never copied."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from tests.attacks.content_scan import PUBLIC_SITE_TOML, assert_absent, build, story
from tests.conftest import SITE_TOML

SECRET = "yarnsworthle"  # the text of the file outside content/


def png(text: str = SECRET) -> bytes:
    """Return a small PNG whose text chunk holds `text` (the secret, unless told otherwise)."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 20, 20)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


#: name -> (image reference as written in the entry, or a reference definition)
REFERENCES = {
    "climbing": "![x](../outside/secret.png)",
    "climbing far": "![x](../../../../../../../../etc/passwd)",
    "climbing after a folder": "![x](pics/../../outside/secret.png)",
    "percent encoded dots": "![x](%2e%2e/outside/secret.png)",
    "percent encoded slash": "![x](..%2foutside%2fsecret.png)",
    "mixed case encoding": "![x](%2E%2e/outside/secret.png)",
    "backslashes": "![x](..\\outside\\secret.png)",
    "encoded backslash": "![x](..%5coutside%5csecret.png)",
    "angle brackets": "![x](<../outside/secret.png>)",
    "reference definition": "![x][pic]\n\n[pic]: ../outside/secret.png",
    "inside a private block": "Shared.\n\n::: private\n![x](../outside/secret.png)\n:::",
    "symlink to a file outside": "![x](link.png)",
    "symlink to a folder outside": "![x](door/secret.png)",
    "encoded absolute path": "![x](%2Fetc%2Fpasswd)",
}


def site_with(tmp_path: Path, reference: str, *, visibility: str = "public") -> Path:
    """Return a site whose one entry (on its line 6) names an image through `reference`."""
    root = tmp_path / "site"
    (root / "content").mkdir(parents=True)
    (root / "outside").mkdir()
    (root / "outside" / "secret.png").write_bytes(png())
    (root / "site.toml").write_text(SITE_TOML, "utf-8")
    os.symlink(root / "outside" / "secret.png", root / "content" / "link.png")
    os.symlink(root / "outside", root / "content" / "door")
    (root / "content" / "run.md").write_text(
        f"---\ntitle: Out\ndate: 2026-03-14\nvisibility: {visibility}\n---\n{reference}\n", "utf-8")
    return root


@pytest.mark.parametrize("name", REFERENCES)
@pytest.mark.parametrize("visibility", ["public", "private"])
def test_an_image_outside_content_is_an_error_in_check_and_both_builds(tmp_path, run_cli, name: str,
                                                                       visibility: str) -> None:
    site = site_with(tmp_path, REFERENCES[name], visibility=visibility)
    line = 6 + REFERENCES[name].split("\n").index(next(p for p in REFERENCES[name].split("\n") if "!" in p))
    if name == "inside a private block":
        line = 9
    for args in (["check"], ["build"], ["build", "--journal"]):
        result = run_cli(*args, "--site", str(site))
        assert result.exit_code == 1, (args, result.output)
        assert f"run.md:{line}" in result.output
        assert "content/" in result.output
    assert not (site / "output").exists() or not any((site / "output").rglob("*.png"))


def test_nothing_of_a_file_outside_content_is_ever_copied(tmp_path, run_cli) -> None:
    site = site_with(tmp_path, "![x](../outside/secret.png)")
    assert run_cli("build", "--site", str(site)).exit_code == 1
    (site / "content" / "run.md").write_text("---\ntitle: Out\ndate: 2026-03-14\nvisibility: public\n---\nFine.\n")
    (site / "content" / "link.png").unlink()
    (site / "content" / "door").unlink()
    for audience in ("public", "journal"):
        folder = build(run_cli, site, journal=audience == "journal")
        assert_absent(folder, [SECRET, "secret.png"])


GOOD = {
    "beside the entry": ("2026/run.md", "![x](pic.png)", "2026/pic.png"),
    "in a folder below": ("2026/run.md", "![x](pics/pic.png)", "2026/pics/pic.png"),
    "in a sibling folder": ("2026/run.md", "![x](../shared/pic.png)", "shared/pic.png"),
    "encoded space": ("run.md", "![x](my%20pic.png)", "my pic.png"),
    "site root and URL": ("run.md", "![x](/static/logo.png) ![y](https://example.org/a.png)", None),
    "dots in a name": ("run.md", "![x](pic..png) and a link [up](../../)", "pic..png"),
}


@pytest.mark.parametrize("name", GOOD)
def test_images_inside_content_and_links_still_work(make_site, run_cli, name: str) -> None:
    entry_path, reference, image = GOOD[name]
    files: dict[str, str | bytes] = {f"content/{entry_path}": story(reference + "\n")}
    if image:
        files[f"content/{image}"] = png("a shared picture")
    site = make_site(files, PUBLIC_SITE_TOML)
    assert run_cli("check", "--site", str(site)).exit_code == 0
    public = build(run_cli, site)
    if image:
        assert list(public.rglob("*.png")) or list(public.rglob("*.webp")) or list(public.rglob("*.jpg"))


@pytest.mark.parametrize("theme", ["../../x", "..", "/etc", "default/../default", "a/b", "x\\y", ""])
def test_a_theme_is_a_name_not_a_path(make_site, run_cli, theme: str) -> None:
    site = make_site({"content/run.md": story("Hi.\n")}, PUBLIC_SITE_TOML + f"theme = {theme!r}\n")
    for command in ("check", "build"):
        result = run_cli(command, "--site", str(site))
        assert result.exit_code == 1
        assert "`theme` must be the name of a theme" in " ".join(result.output.split())
