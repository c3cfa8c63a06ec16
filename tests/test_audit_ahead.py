"""What the audit of a public edit looks for is worked out in a forked child from the start of the write.

The child must find what the audit looks for as the build process would, leave no process behind
whether the build went well or not, and the edit must be audited just the same where nothing can fork.
The files an edit keeps are searched while Pagefind indexes its shard; a file staged after that is
searched as staged, and a private word in a page the edit renders is still found.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.deploy import staged_audit
from generator.deploy.output import Staging
from generator.incremental import page_staging, writer
from generator.outputs import search
from generator.outputs.search import SearchIndexFailed
from tests.test_audit_needle_cache import WORD, build, hidden, site, story  # noqa: F401 - site: the fixture
from tests.test_parallel import children


def leak_in_an_edit(site: Path) -> None:
    """Make the private entry name WORD, which the public site's static note holds: a leak."""
    (site / "content/2026/hidden.md").write_text(hidden(f"Past the {WORD} again.\n"), "utf-8")


def edit_story(site: Path) -> None:
    """Edit the public story's body: an edit's build."""
    (site / "content/2026/story.md").write_text(story("An easy loop by the river, twice.\n"), "utf-8")


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Return a list that grows by one each time the writer forks a child for the audit's work."""
    forked: list[bool] = []
    started = writer.in_background
    monkeypatch.setattr(writer, "in_background", lambda job: forked.append(True) or started(job))
    return forked


def test_an_edit_is_audited_by_a_forked_child_that_is_reaped(site: Path, run_cli, forks: list[bool]) -> None:
    assert build(run_cli, site).exit_code == 0
    forks.clear()
    before = children()
    edit_story(site)
    assert build(run_cli, site).exit_code == 0
    leak_in_an_edit(site)
    result = build(run_cli, site)
    assert result.exit_code == 1 and WORD in result.output
    assert forks == [True, True]
    assert children() <= before  # every child was reaped, after the build that went well and the one that failed


def test_an_edit_that_fails_before_its_audit_reaps_the_child(site: Path, run_cli, monkeypatch) -> None:
    assert build(run_cli, site).exit_code == 0

    def broken(*args: object, **kwargs: object) -> None:
        raise SearchIndexFailed("Pagefind failed")

    monkeypatch.setattr(writer, "stage_search_index", broken)
    before = children()
    edit_story(site)
    result = build(run_cli, site)
    assert result.exit_code == 1 and "search index" in result.output
    assert children() <= before


def test_an_edit_is_audited_where_nothing_can_fork(site: Path, run_cli, monkeypatch) -> None:
    assert build(run_cli, site).exit_code == 0
    monkeypatch.setattr(writer, "can_fork", lambda: False)
    leak_in_an_edit(site)
    result = build(run_cli, site)
    assert result.exit_code == 1 and WORD in result.output


def test_an_edit_searches_its_kept_files_while_pagefind_indexes(site: Path, run_cli, monkeypatch) -> None:
    assert build(run_cli, site).exit_code == 0
    events: list[str] = []
    taken, kept = search.StartedShard.result, staged_audit.StagedAudit.check_kept
    monkeypatch.setattr(search.StartedShard, "result", lambda self: events.append("shard") or taken(self))
    monkeypatch.setattr(staged_audit.StagedAudit, "check_kept", lambda self: events.append("kept") or kept(self))
    edit_story(site)
    leak_in_an_edit(site)  # the static note, a file the edit keeps as it is, now holds a private word
    result = build(run_cli, site)
    assert result.exit_code == 1 and WORD in result.output and "notes.txt" in result.output
    assert events == ["kept", "shard"]  # the kept files were searched before the edit's shard was taken


def test_a_kept_file_staged_afterwards_is_searched_as_staged(tmp_path: Path, monkeypatch) -> None:
    searched: list[list[tuple[str, str]]] = []

    class Recorder:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def check(self, files: list[tuple[str, str]]) -> None:
            searched.append(list(files))

        def problems(self, present: list[str]) -> list:
            searched.append([(relpath, "present") for relpath in present])
            return []

    monkeypatch.setattr(staged_audit.audit, "FileAudit", Recorder)
    live = tmp_path / "out"
    live.mkdir()
    (live / "a.html").write_text("old", "utf-8")
    (live / "c.html").write_text("same", "utf-8")
    staging = Staging(live)
    staging.begin()
    staging.keep("a.html")
    staging.add("b.html", b"new")
    staging.add("c.html", b"same")  # the live file's bytes: kept
    inputs = SimpleNamespace(entries=(), vocabulary=None, theme=None)
    begun = staged_audit.StagedAudit(SimpleNamespace(), inputs, staging)
    begun.check_kept()
    staging.add("a.html", b"changed after all")
    assert begun.problems() == []
    staged = f"{staging.folder}{os.sep}"
    assert searched == [
        [("a.html", f"{live}{os.sep}a.html"), ("c.html", f"{live}{os.sep}c.html")],
        [("a.html", staged + "a.html"), ("b.html", staged + "b.html")],
        [("a.html", "present"), ("b.html", "present"), ("c.html", "present")],
    ]


def test_an_edit_that_cannot_be_patched_in_is_audited_by_a_child_that_is_reaped(site: Path, run_cli,
                                                                                   forks: list[bool]) -> None:
    assert build(run_cli, site).exit_code == 0
    forks.clear()
    before = children()
    story_file = site / "content/2026/story.md"
    story_file.write_text(story().replace("A story to share", "A story renamed"), "utf-8")  # front matter: no patch
    leak_in_an_edit(site)
    result = build(run_cli, site)
    assert result.exit_code == 1 and WORD in result.output
    assert forks == [True]  # by the full build's write, after the edit did not patch in
    assert children() <= before


def test_a_private_word_in_a_page_an_edit_renders_is_found_after_pagefind(site: Path, run_cli,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (site / "static/notes.txt").write_text("Notes: nothing private.\n", "utf-8")  # the word is in no kept file
    leak_in_an_edit(site)
    assert build(run_cli, site).exit_code == 0
    real = page_staging.render_page
    monkeypatch.setattr(page_staging, "render_page",  # the filter failing: the page shows the private word
                        lambda *args, **kwargs: real(*args, **kwargs) + f"<p>{WORD}</p>")
    edit_story(site)
    result = build(run_cli, site)
    assert result.exit_code == 1 and WORD in result.output and "index.html" in result.output
    assert not any(WORD in path.read_text("utf-8") for path in (site / "output/public").rglob("*.html"))  # last good
