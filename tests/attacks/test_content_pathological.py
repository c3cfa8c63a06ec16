"""Pathological bodies and front matter build in linear time (sizes at which a quadratic scan takes minutes)."""

from __future__ import annotations

import pytest

from tests.attacks.content_scan import PUBLIC_SITE_TOML, assert_absent, assert_present, build, story

KB = 1024

#: name -> body; each is large enough that a scan quadratic in it would take minutes
BODIES = {
    "private lines": "Shared start.\n\n" + "::: private\n" * (480 * KB // 12) + "gorwenstall\n",
    "bare fences": "::: private\ngorwenstall\n" + ":::\n" * (40 * KB // 4),
    "image openers": "Shared start.\n\n" + "![" * (100 * KB // 2),
    "image openers closed": "Shared start.\n\n" + "![" * (20 * KB // 2) + "]",
    "link openers": "[" * (100 * KB),
    "footnote marks": "A note[^n].\n\n[^n]: The note.\n\n" + "[^" * (100 * KB // 2),
    "long footnote labels": "A note[^n].\n\n[^n]: The note.\n\n" + "[^abcdefgh" * (60 * KB // 10) + "]",
    "inline footnotes": "^[" * (60 * KB // 2),
    "comments": "Shared. " + "<!--" * (100 * KB // 4),
    "comment ends": "Shared. " + "-->" * (60 * KB // 3),
    "nested quotes": ">" * (100 * KB) + " deep\n",
    "nested lists": "".join("  " * i + "- x\n" for i in range(400)),
    "nested containers": "".join(f"::: box{i}\n" for i in range(20 * KB // 10)) + "gorwenstall\n",
    "nested privates": "::: private\n" + "".join(f"{':' * (3 + i % 5)} note\n" for i in range(5000)) + "gorwenstall\n",
    "heading of spaces": "# Hills" + " " * (200 * KB) + "x\n\nText.\n",
    "heading of hashes": "# Hills" + "#" * (200 * KB) + "\n\nText.\n",
    "emphasis": "*_" * (40 * KB // 2),
    "table": "|" * (20 * KB) + "\n" + "|-" * (10 * KB) + "\n",
    "angle brackets": "<" * (50 * KB),
    "reference definitions": "".join(f"[r{i}]: /x{i}\n" for i in range(5000)) + "[r1] and [r2].\n",
    "image paths": "".join(f"![x](../{'a/' * 50}{i}.png)" for i in range(2000)),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    """Return a site with every pathological story."""
    from tests.attacks.content_scan import write_site

    files = {f"content/{name.replace(' ', '-')}.md": story(body, title=name, date=f"2026-05-{i % 28 + 1:02d}")
             for i, (name, body) in enumerate(BODIES.items())}
    files["content/front-spaces.md"] = ("---\ntitle: \"Spaces" + " " * (100 * KB) + "x\"\ndate: 2026-06-01\n"
                                         "visibility: public\nduration: \"1 h" + " " * (50 * KB) + "x\"\n---\nBody.\n")
    files["content/front-long.md"] = ("---\ntitle: Long\ndate: 2026-06-02\nvisibility: public\nsummary: "
                                      + "a: " * (50 * KB) + "\n---\nBody.\n")
    return write_site(tmp_path_factory.mktemp("patho"), files)


def test_check_finds_only_the_real_problems(site, run_cli) -> None:
    result = run_cli("check", "--site", str(site))
    assert result.exit_code == 1
    assert "front-spaces.md" in result.output and "front-long.md" in result.output
    assert "image-paths.md" in result.output and "Traceback" not in result.output


def test_pathological_stories_build_and_keep_their_private_words(site, run_cli) -> None:
    for name in ("front-spaces.md", "front-long.md", "image-paths.md"):
        (site / "content" / name).unlink()
    assert run_cli("check", "--site", str(site)).exit_code == 0
    assert_absent(build(run_cli, site), ["gorwenstall"])
    assert_present(build(run_cli, site, journal=True), ["gorwenstall"])
