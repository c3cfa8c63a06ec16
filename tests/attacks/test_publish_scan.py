"""An unreadable file in content/ never cuts the scan short, never feeds "nothing changed", and publish never trusts a shortcut."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from generator.incremental.scan import UNSEEN, scan_inputs
from generator.pipeline.entries import discover
from tests.attacks.published_bytes import (CANARIES, STORY_PAGE, STORY_WORD, branch_files, folder_files, leaks_in,
                                           repository_objects, story_site)
from tests.conftest import entry, snapshot

PAST = time.time() - 3600  # older than any "too recent to trust" window


def age(site: Path) -> None:
    """Set site.toml and every file and symlink of the content an hour into the past, so that their stamps are trusted."""
    for path in [site / "site.toml", *(site / "content").rglob("*")]:
        os.utime(path, (PAST, PAST), follow_symlinks=False)


def lock_files(folder: Path) -> None:
    """Give every entry in folder an editor's lock file: a symlink to a target that does not exist."""
    for path in sorted(folder.glob("*.md")):
        (folder / f".#{path.name}").symlink_to(f"runner@laptop.{path.stem}:1712345678")


def turn_private(site: Path) -> None:
    """Turn the public story private, keeping its age."""
    story = site / "content/2026/story.md"
    story.write_text(story.read_text().replace("visibility: public", "visibility: private"))
    age(site)


def test_a_dangling_lock_file_never_hides_a_story_turned_private(make_site, run_cli, tmp_path: Path) -> None:
    site = story_site(make_site)
    target = tmp_path / "www"
    lock_files(site / "content/2026")
    age(site)
    for _ in range(2):  # the second build is a no-change build: the shortcut is armed
        built = run_cli("build", "--site", str(site))
        assert built.exit_code == 0, built.output
    assert " 0 files written" in built.output
    first = run_cli("publish", "--to", str(target), "--site", str(site))
    assert first.exit_code == 0, first.output
    assert (target / STORY_PAGE).is_file()

    turn_private(site)
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    assert "Built public: 1 entry" in built.output
    assert not leaks_in(folder_files(site / "output/public"), [STORY_WORD, *CANARIES])
    result = run_cli("publish", "--to", str(target), "--site", str(site))
    assert result.exit_code == 0, result.output
    assert not (target / STORY_PAGE).exists()
    assert not leaks_in(folder_files(target), [STORY_WORD, *CANARIES])


def test_publish_to_git_after_a_lock_file_drops_the_story(make_site, run_cli, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    site = story_site(make_site)
    bare = tmp_path / "pages.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    age(site)
    assert run_cli("publish", "--to", "git", "--remote", str(bare), "--site", str(site)).exit_code == 0
    lock_files(site / "content/2026")
    turn_private(site)
    result = run_cli("publish", "--to", "git", "--remote", str(bare), "--site", str(site))
    assert result.exit_code == 0, result.output
    tip = branch_files(bare, "gh-pages")
    assert tip and STORY_PAGE not in dict(tip)
    assert not leaks_in(tip, [STORY_WORD, *CANARIES])
    assert not leaks_in(repository_objects(bare), CANARIES)  # no private byte in any commit ever pushed


def test_publish_builds_from_scratch_whatever_the_cache_and_the_last_build_hold(make_site, run_cli,
                                                                                tmp_path: Path) -> None:
    site = story_site(make_site)
    age(site)
    for _ in range(2):
        assert run_cli("build", "--site", str(site)).exit_code == 0
    planted = site / "output/public/notes-crumhallow.txt"
    planted.write_text("bramblefax in a file no build made")
    os.utime(planted, (PAST, PAST))
    for path in (site / ".footfall-cache").rglob("*"):
        if path.is_file():
            path.write_bytes(path.read_bytes() + b" tindlewort")  # a damaged or crafted cache is never read
    turn_private(site)
    target = tmp_path / "www"
    result = run_cli("publish", "--to", str(target), "--site", str(site))
    assert result.exit_code == 0, result.output
    assert not (target / STORY_PAGE).exists() and not (target / planted.name).exists()
    assert not leaks_in(folder_files(target), [STORY_WORD, *CANARIES])
    assert planted.is_file()  # publish leaves the last build alone: it made its own


def test_special_files_are_skipped_and_broken_links_reported_each_on_its_own(make_site, run_cli,
                                                                              tmp_path: Path) -> None:
    site = story_site(make_site)
    content = site / "content/2026"
    os.mkfifo(content / "a-fifo.md")  # reading it would wait forever
    (content / "b-folder.md").mkdir()  # a folder with a Markdown name
    (content / "b-folder.md/inner.md").write_text(entry("title: Inside a folder\ndate: 2026-03-01\nvisibility: public"))
    lock_files(content)
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert "Built public: 3 entries" in result.output
    assert [s.rel for s in discover(site / "content")] == ["2026/other.md", "2026/secret.md", "2026/story.md",
                                                           "2026/b-folder.md/inner.md"]

    (content / "c-gone.md").symlink_to(content / "nowhere.md")
    (content / "d-loop.md").symlink_to(content / "d-loop.md")
    target = tmp_path / "www"
    failed = run_cli("publish", "--to", str(target), "--site", str(site))
    assert failed.exit_code == 1
    assert "c-gone.md: cannot read the file" in failed.output and "d-loop.md: cannot read the file" in failed.output
    assert "Nothing was published" in failed.output and not target.exists()


def test_the_scan_lists_every_file_past_one_it_cannot_look_at(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    names = [f"{letter}.md" for letter in "abcdefgh"]
    for name in names:
        (content / name).write_text("x")
        (content / f".#{name}").symlink_to(tmp_path / "gone" / name)  # looks like a file that vanished mid-scan
    start = time.time_ns() + 10 * 10**9  # every file is old enough to be trusted
    scan = scan_inputs(content, [], [], start)
    assert set(names) <= set(scan.content)
    assert scan.content[".#a.md"][0] == UNSEEN
    assert scan.stamp is None  # a scan that could not look at everything never says "nothing changed"
    assert scan.setup is not None  # the lock files are no setting: a body edit can still be quick
    for name in names:
        (content / f".#{name}").unlink()
    assert scan_inputs(content, [], [], start).stamp is not None


def test_the_published_folder_equals_a_clean_build(make_site, run_cli, tmp_path: Path) -> None:
    site = story_site(make_site)
    target = tmp_path / "www"
    assert run_cli("publish", "--to", str(target), "--site", str(site)).exit_code == 0
    assert run_cli("build", "--site", str(site)).exit_code == 0
    published = {k: v for k, v in snapshot(target).items() if k != ".footfall-publish"}
    assert published == snapshot(site / "output/public")
