"""footfall publish: build afresh, audit, then deploy to a folder or a git branch; refuse when anything fails."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SITE_TOML, entry, snapshot
from tests.test_privacy import PRIVATE_CANARIES, canary_site

STORY = "2026/03/13/a-story-to-share/index.html"


@pytest.fixture(autouse=True)
def no_enclosing_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep git from finding a repository above the test's folder."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def git(repo: Path, *args: str) -> str:
    """Run git in repo and return its output."""
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def published(folder: Path) -> dict[str, bytes]:
    """Return the files of a published folder, without the marker that makes it publish's own."""
    return {k: v for k, v in snapshot(folder).items() if k != ".footfall-publish"}


def built(site: Path, run_cli) -> dict[str, bytes]:
    """Build the public site as `footfall build` does and return its files."""
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    return snapshot(site / "output/public")


def make_private(site: Path) -> None:
    """Turn the public story private."""
    story = site / "content/2026/public.md"
    story.write_text(story.read_text().replace("visibility: public", "visibility: private"))


def test_publish_to_a_folder_delivers_exactly_the_public_build(make_site, run_cli, tmp_path: Path) -> None:
    site = canary_site(make_site)
    target = tmp_path / "www"
    result = run_cli("publish", "--to", str(target), "--site", str(site))
    assert result.exit_code == 0, result.output
    assert "Published" in result.output
    assert not (site / "output/public").exists()  # built from scratch elsewhere: the last build is not used
    assert published(target) == built(site, run_cli)
    assert (target / ".footfall-publish").is_file()
    for relpath, data in snapshot(target).items():
        for canary in PRIVATE_CANARIES:
            assert canary not in relpath and canary.encode() not in data.lower(), relpath


def test_second_publish_deletes_a_story_that_became_private(make_site, run_cli, tmp_path: Path) -> None:
    site = canary_site(make_site)
    target = tmp_path / "www"
    assert run_cli("publish", "--to", str(target), "--site", str(site)).exit_code == 0
    (target / ".git").mkdir(parents=True)
    (target / ".git/keep").write_text("not ours")
    assert (target / STORY).is_file()
    make_private(site)
    dry = run_cli("publish", "--to", str(target), "--dry-run", "--site", str(site))
    assert dry.exit_code == 0 and f"delete {STORY}" in dry.output
    assert (target / STORY).is_file()
    result = run_cli("publish", "--to", str(target), "--site", str(site))
    assert result.exit_code == 0, result.output
    assert not (target / STORY).exists() and not (target / STORY).parent.exists()
    assert b"a-story-to-share" not in b"".join(snapshot(target).values())
    assert {k: v for k, v in published(target).items() if not k.startswith(".git")} == built(site, run_cli)
    assert (target / ".git/keep").read_text() == "not ours"


def test_publish_replaces_folders_and_files_that_stand_in_the_way(make_site, run_cli, tmp_path: Path) -> None:
    site = canary_site(make_site)
    target = tmp_path / "www"
    assert run_cli("publish", "--to", str(target), "--site", str(site)).exit_code == 0
    (target / "feed.xml").unlink()
    (target / "feed.xml").mkdir()
    (target / "feed.xml/old.txt").write_text("stale")
    shutil.rmtree(target / "2026")
    (target / "2026").write_text("a stale file where a folder goes")
    result = run_cli("publish", "--to", str(target), "--site", str(site))
    assert result.exit_code == 0, result.output
    assert published(target) == built(site, run_cli)


def test_publish_refuses_folders_inside_the_site(make_site, run_cli) -> None:
    site = canary_site(make_site)
    for target in (site, site / "content/www", site / "output", site / "output/public", site.parent):
        result = run_cli("publish", "--to", str(target), "--site", str(site))
        assert result.exit_code == 1, target
        assert "refusing to publish" in result.output


def test_publish_needs_a_target(make_site, run_cli) -> None:
    site = canary_site(make_site)
    result = run_cli("publish", "--site", str(site))
    assert result.exit_code == 2 and "--to" in result.output


def test_publish_refuses_when_the_build_fails(make_site, run_cli, tmp_path: Path) -> None:
    site = canary_site(make_site)
    target = tmp_path / "www"
    assert run_cli("publish", "--to", str(target), "--site", str(site)).exit_code == 0
    before = snapshot(target)
    (site / "content/2026/bad.md").write_text(entry("title: Bad\ndate: not a date\nvisibility: public"))
    result = run_cli("publish", "--to", str(target), "--site", str(site))
    assert result.exit_code == 1 and "Nothing was published" in result.output
    assert snapshot(target) == before


def test_publish_refuses_when_the_audit_fails(make_site, run_cli, tmp_path: Path) -> None:
    site = canary_site(make_site)
    story = site / "content/2026/public.md"
    story.write_text(story.read_text() + "\nSee [that run](/2026/03/10/the-zanzibarquill-morning/).\n")
    target = tmp_path / "www"
    result = run_cli("publish", "--to", str(target), "--site", str(site))
    assert result.exit_code == 1 and "privacy audit" in result.output
    assert not target.exists()


def test_publish_settings_come_from_site_toml(make_site, run_cli, tmp_path: Path) -> None:
    target = tmp_path / "from-config"
    site = canary_site(lambda files: make_site(files, SITE_TOML + f'\n[publish]\nto = "{target}"\n'))
    result = run_cli("publish", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert (target / STORY).is_file()


@pytest.fixture
def repo_site(make_site, tmp_path: Path) -> tuple[Path, Path]:
    """Return a site in a git repository with a commit, and an empty bare repository as its remote."""
    site = canary_site(make_site)
    git(site, "init", "--quiet", "--initial-branch", "main")
    git(site, "config", "user.name", "Test Runner")
    git(site, "config", "user.email", "runner@example.org")
    (site / ".gitignore").write_text("/output/\n/.footfall-cache/\n")
    git(site, "add", "-A")
    git(site, "commit", "--quiet", "-m", "journal")
    bare = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    return site, bare


def test_publish_to_git_commits_a_branch_without_touching_the_work_tree(repo_site, run_cli) -> None:
    site, bare = repo_site
    status_before = git(site, "status", "--porcelain")
    result = run_cli("publish", "--to", "git", "--remote", str(bare), "--site", str(site))
    assert result.exit_code == 0, result.output
    assert git(site, "status", "--porcelain") == status_before
    assert git(site, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    files = set(git(bare, "ls-tree", "-r", "--name-only", "gh-pages").split())
    assert ".nojekyll" in files and STORY in files and "feed.xml" in files
    assert files - {".nojekyll"} == set(built(site, run_cli))
    message = git(bare, "log", "-1", "--format=%an|%s", "gh-pages")
    assert message.startswith("Test Runner|Publish Test Journal: 2 entries")
    assert git(bare, "rev-parse", "gh-pages") == git(site, "rev-parse", "gh-pages")


def test_second_git_publish_deletes_a_story_that_became_private(repo_site, run_cli) -> None:
    site, bare = repo_site
    assert run_cli("publish", "--to", "git", "--remote", str(bare), "--site", str(site)).exit_code == 0
    first = git(bare, "rev-parse", "gh-pages").strip()
    again = run_cli("publish", "--to", "git", "--remote", str(bare), "--site", str(site))
    assert again.exit_code == 0 and "nothing to publish" in again.output
    make_private(site)
    result = run_cli("publish", "--to", "git", "--remote", str(bare), "--site", str(site))
    assert result.exit_code == 0, result.output
    files = set(git(bare, "ls-tree", "-r", "--name-only", "gh-pages").split())
    assert STORY not in files and not [f for f in files if "a-story-to-share" in f]
    assert git(bare, "rev-parse", "gh-pages^").strip() == first
    feed = git(bare, "show", "gh-pages:feed.xml")
    assert "a-story-to-share" not in feed


def test_git_publish_dry_run_changes_nothing(repo_site, run_cli) -> None:
    site, bare = repo_site
    result = run_cli("publish", "--to", "git", "--branch", "pages", "--dry-run", "--site", str(site))
    assert result.exit_code == 0 and f"add    {STORY}" in result.output
    assert git(site, "branch", "--list", "pages") == ""


def test_git_publish_without_identity_uses_a_fallback(make_site, run_cli, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    site = canary_site(make_site)
    git(site, "init", "--quiet")
    result = run_cli("publish", "--to", "git", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert git(site, "log", "-1", "--format=%an", "gh-pages").strip() == "Test Runner"


def test_git_publish_refuses_a_branch_that_is_checked_out(repo_site, run_cli) -> None:
    site, _ = repo_site
    result = run_cli("publish", "--to", "git", "--branch", "main", "--site", str(site))
    assert result.exit_code == 1 and "checked out" in result.output


def test_a_site_outside_git_can_still_push_to_a_remote(make_site, run_cli, tmp_path: Path) -> None:
    site = canary_site(make_site)
    bare = tmp_path / "pages.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(bare)], check=True)
    result = run_cli("publish", "--to", "git", "--remote", str(bare), "--site", str(site))
    assert result.exit_code == 0, result.output
    assert STORY in git(bare, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert not (site / ".git").exists()
    alone = run_cli("publish", "--to", "git", "--site", str(site))
    assert alone.exit_code == 1 and "not in a git repository" in alone.output
