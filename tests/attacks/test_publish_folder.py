"""`publish --to DIR` publishes only into a folder it made its own, and never deletes or writes anything else."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.attacks.published_bytes import CANARIES, STORY_PAGE, folder_files, leaks_in, story_site
from tests.conftest import snapshot

MARKER = ".footfall-publish"


def everything(folder: Path) -> dict[str, bytes]:
    """Return every file under a folder with its bytes (the site's own build folders left out)."""
    return {k: v for k, v in snapshot(folder).items() if not k.startswith((".footfall-cache/", "output/"))}


def test_a_new_folder_is_marked_and_holds_nothing_private(make_site, run_cli, tmp_path: Path) -> None:
    site = story_site(make_site)
    target = tmp_path / "new" / "www"
    result = run_cli("publish", "--to", str(target), "--site", str(site))
    assert result.exit_code == 0, result.output
    assert (target / MARKER).is_file() and (target / STORY_PAGE).is_file()
    assert not leaks_in(folder_files(target), CANARIES)


def test_an_empty_folder_is_taken_and_a_dry_run_makes_nothing(make_site, run_cli, tmp_path: Path) -> None:
    site = story_site(make_site)
    dry = run_cli("publish", "--to", str(tmp_path / "not-yet"), "--dry-run", "--site", str(site))
    assert dry.exit_code == 0, dry.output
    assert not (tmp_path / "not-yet").exists()
    (tmp_path / "empty").mkdir()
    result = run_cli("publish", "--to", str(tmp_path / "empty"), "--site", str(site))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "empty" / MARKER).is_file()


@pytest.mark.parametrize("files", [{"notes.txt": "mine"}, {".bashrc": "mine"}, {"photos/run.jpg": "mine"}])
def test_a_folder_holding_anything_without_the_marker_is_refused(make_site, run_cli, tmp_path: Path,
                                                                 files: dict[str, str]) -> None:
    site = story_site(make_site)
    target = tmp_path / "www"
    for relpath, text in files.items():
        (target / relpath).parent.mkdir(parents=True, exist_ok=True)
        (target / relpath).write_text(text)
    before = snapshot(target)
    for dry in ([], ["--dry-run"]):
        result = run_cli("publish", "--to", str(target), *dry, "--site", str(site))
        assert result.exit_code == 1, result.output
        assert "refusing to publish" in result.output and "new or empty folder" in result.output
        assert MARKER in result.output
    assert snapshot(target) == before


def test_the_home_folder_and_above_are_refused(make_site, run_cli, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    site = story_site(make_site)
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    (home / "Documents/taxes.txt").write_text("keep me")
    monkeypatch.setenv("HOME", str(home))
    for target in ("~", str(home), str(home) + "/", str(tmp_path), "/"):
        result = run_cli("publish", "--to", target, "--site", str(site))
        assert result.exit_code == 1, (target, result.output)
        assert "refusing to publish" in result.output
    (home / MARKER).write_text("a marker does not make home a publishing folder")
    assert run_cli("publish", "--to", "~", "--site", str(site)).exit_code == 1
    assert (home / "Documents/taxes.txt").read_text() == "keep me"


def test_every_folder_of_the_site_is_refused(make_site, run_cli, tmp_path: Path) -> None:
    site = story_site(make_site)
    for folder in ("templates", "static", ".git/refs", "output/public"):
        (site / folder).mkdir(parents=True, exist_ok=True)
    (site / "templates/base.html").write_text("{# mine #}")
    (site / "link-to-content").symlink_to(site / "content")
    (tmp_path / "outside-link").symlink_to(site / "templates")
    before = everything(site)
    targets = [site, site / "content", site / "content/2026", site / "templates", site / "static", site / ".git",
               site / "output", site / "output/public", site / ".footfall-cache", site / "www", site / "link-to-content",
               tmp_path / "outside-link", site.parent]
    for target in targets:
        result = run_cli("publish", "--to", str(target), "--site", str(site))
        assert result.exit_code == 1, (target, result.output)
        assert "refusing to publish" in result.output, target
    assert everything(site) == before
    assert (site / "templates/base.html").read_text() == "{# mine #}"


def test_a_git_repository_folder_is_refused(make_site, run_cli, tmp_path: Path) -> None:
    site = story_site(make_site)
    bare = tmp_path / "pages.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    before = snapshot(bare)
    for target in (bare, bare / "refs"):
        result = run_cli("publish", "--to", str(target), "--site", str(site))
        assert result.exit_code == 1 and "refusing to publish" in result.output, target
    assert snapshot(bare) == before


def test_symlinks_inside_the_published_folder_never_lead_a_write_or_delete_outside(make_site, run_cli,
                                                                                 tmp_path: Path) -> None:
    site = story_site(make_site)
    target = tmp_path / "www"
    assert run_cli("publish", "--to", str(target), "--site", str(site)).exit_code == 0
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "index.html").write_text("precious too")
    (target / "feed.xml").unlink()
    (target / "feed.xml").symlink_to(victim)  # an update would write through it
    (target / "stale.html").symlink_to(victim)  # a delete would follow it
    subprocess.run(["rm", "-r", str(target / "2026")], check=True)
    (target / "2026").symlink_to(elsewhere)  # new pages would be written through it
    result = run_cli("publish", "--to", str(target), "--site", str(site))
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "precious" and (elsewhere / "index.html").read_text() == "precious too"
    assert sorted(p.name for p in elsewhere.iterdir()) == ["index.html"]
    assert not (target / "feed.xml").is_symlink() and (target / STORY_PAGE).is_file()
    assert not (target / "2026").is_symlink() and not (target / "stale.html").exists()


def test_a_relative_folder_and_site_work_from_the_site_folder(make_site, run_cli, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    site = story_site(make_site)
    monkeypatch.chdir(site)
    result = run_cli("publish", "--to", "../www")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "www" / STORY_PAGE).is_file()
    inside = run_cli("publish", "--to", "www")
    assert inside.exit_code == 1 and "refusing to publish" in inside.output
    assert not (site / "www").exists()


def test_a_target_from_site_toml_is_checked_the_same_way(make_site, run_cli, tmp_path: Path) -> None:
    from tests.conftest import SITE_TOML

    site = story_site(make_site, SITE_TOML + '\n[publish]\nto = "content"\n')
    before = everything(site)
    result = run_cli("publish", "--site", str(site))
    assert result.exit_code == 1 and "refusing to publish" in result.output
    assert everything(site) == before
