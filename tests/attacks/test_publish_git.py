"""`publish --to git`: no remote or branch is ever an option, a relative site works, the journal's remote is flagged."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.attacks.published_bytes import (CANARIES, STORY_PAGE, branch_files, git, leaks_in, repository_objects,
                                           story_site)
from tests.conftest import SITE_TOML

WARNING = "must stay private"


@pytest.fixture(autouse=True)
def no_enclosing_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep git from finding a repository above the test's folder, and give it an identity."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for key, value in {"GIT_AUTHOR_NAME": "Runner", "GIT_AUTHOR_EMAIL": "runner@example.org",
                       "GIT_COMMITTER_NAME": "Runner", "GIT_COMMITTER_EMAIL": "runner@example.org"}.items():
        monkeypatch.setenv(key, value)


def bare(path: Path) -> Path:
    """Make an empty bare repository and return it."""
    subprocess.run(["git", "init", "--quiet", "--bare", str(path)], check=True)
    return path


def journal_repository(site: Path) -> None:
    """Make the site a git repository with the journal committed on main."""
    git(site, "init", "--quiet", "--initial-branch", "main")
    (site / ".gitignore").write_text("/output/\n/.footfall-cache/\n")
    git(site, "add", "-A")
    git(site, "commit", "--quiet", "-m", "journal")


@pytest.mark.parametrize("option, value", [
    ("--remote", "--upload-pack=touch {pwned}"),
    ("--remote", "-u touch {pwned}"),
    ("--remote", "--receive-pack=touch {pwned}"),
    ("--branch", "--upload-pack=touch {pwned}"),
    ("--branch", "-f"),
])
def test_a_remote_or_branch_that_looks_like_an_option_is_refused(make_site, run_cli, tmp_path: Path,
                                                                 option: str, value: str) -> None:
    site = story_site(make_site)
    journal_repository(site)
    pwned = tmp_path / "pwned"
    remote = [] if option == "--remote" else ["--remote", str(bare(tmp_path / "pages.git"))]
    result = run_cli("publish", "--to", "git", *remote, f"{option}={value.format(pwned=pwned)}", "--site", str(site))
    assert result.exit_code == 1, result.output
    assert "starts with '-'" in result.output
    assert not pwned.exists()
    assert git(site, "branch", "--list").split() == ["*", "main"]


def test_a_remote_option_from_site_toml_is_refused_too(make_site, run_cli, tmp_path: Path) -> None:
    pwned = tmp_path / "pwned"
    site = story_site(make_site, SITE_TOML + f'\n[publish]\nto = "git"\nremote = "--upload-pack=touch {pwned}"\n')
    journal_repository(site)
    result = run_cli("publish", "--site", str(site))
    assert result.exit_code == 1 and "starts with '-'" in result.output
    assert not pwned.exists()


def test_publish_to_a_separate_repository_from_the_site_folder(make_site, run_cli, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    site = story_site(make_site)
    journal_repository(site)
    pages = bare(tmp_path / "pages.git")
    monkeypatch.chdir(site)  # --site is "." as the README shows
    result = run_cli("publish", "--to", "git", "--remote", str(pages))
    assert result.exit_code == 0, result.output
    assert WARNING not in result.output
    files = dict(branch_files(pages, "gh-pages"))
    assert STORY_PAGE in files and ".nojekyll" in files
    assert git(pages, "for-each-ref", "--format=%(refname)").split() == ["refs/heads/gh-pages"]
    assert not leaks_in(repository_objects(pages), CANARIES)  # not one private byte in the public repository
    assert git(site, "status", "--porcelain") == ""
    again = run_cli("publish", "--to", "git", "--remote", "../pages.git")  # a relative remote path, from the site
    assert again.exit_code == 0 and "nothing to publish" in again.output, again.output


def test_publish_to_the_site_repository_with_a_relative_site(make_site, run_cli, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    site = story_site(make_site)
    journal_repository(site)
    monkeypatch.chdir(site.parent)
    result = run_cli("publish", "--to", "git", "--site", site.name)
    assert result.exit_code == 0, result.output
    files = dict(branch_files(site, "gh-pages"))
    assert STORY_PAGE in files
    assert not leaks_in(list(files.items()), CANARIES)


@pytest.mark.parametrize("remote", ["origin", "{bare}", "{bare}/", "file://{bare}"])
def test_pushing_where_the_journal_lives_warns_to_keep_it_private(make_site, run_cli, tmp_path: Path,
                                                                  remote: str) -> None:
    site = story_site(make_site)
    journal_repository(site)
    shared = bare(tmp_path / "journal.git")
    git(site, "remote", "add", "origin", str(shared))
    git(site, "push", "--quiet", "-u", "origin", "main")
    result = run_cli("publish", "--to", "git", "--remote", remote.format(bare=shared), "--site", str(site))
    assert result.exit_code == 0, result.output
    assert WARNING in result.output and "separate repository" in result.output
    assert "GitHub Pages" in result.output
    files = dict(branch_files(shared, "gh-pages"))
    assert STORY_PAGE in files and not leaks_in(list(files.items()), CANARIES)


def test_a_journal_pushed_without_tracking_is_still_recognised(make_site, run_cli, tmp_path: Path) -> None:
    site = story_site(make_site)
    journal_repository(site)
    shared = bare(tmp_path / "journal.git")
    git(site, "push", "--quiet", str(shared), "main")  # no remote configured, no upstream
    result = run_cli("publish", "--to", "git", "--remote", str(shared), "--site", str(site))
    assert result.exit_code == 0 and WARNING in result.output, result.output


def test_the_journal_repositorys_own_remote_warns_before_anything_was_pushed_to_it(make_site, run_cli,
                                                                                   tmp_path: Path) -> None:
    site = story_site(make_site)
    journal_repository(site)
    shared = bare(tmp_path / "journal.git")
    git(site, "remote", "add", "origin", str(shared))
    result = run_cli("publish", "--to", "git", "--remote", "origin", "--site", str(site))
    assert result.exit_code == 0 and WARNING in result.output, result.output
    assert "separate repository" in result.output
