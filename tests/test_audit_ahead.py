"""What the audit of a public edit looks for is worked out in a forked child from the start of the write.

The child must find what the audit looks for as the build process would, leave no process behind
whether the build went well or not, and the edit must be audited just the same where nothing can fork.
"""

from __future__ import annotations

from pathlib import Path

from generator.incremental import writer
from generator.outputs.search import SearchIndexFailed
from tests.test_audit_needle_cache import WORD, build, hidden, site, story  # noqa: F401 - site: the fixture
from tests.test_parallel import children


def leak_in_an_edit(site: Path) -> None:
    """Make the private entry name WORD, which the public site's static note holds: a leak."""
    (site / "content/2026/hidden.md").write_text(hidden(f"Past the {WORD} again.\n"), "utf-8")


def test_an_edit_is_audited_by_a_forked_child_that_is_reaped(site: Path, run_cli, monkeypatch) -> None:
    assert build(run_cli, site).exit_code == 0
    forked: list[bool] = []
    started = writer.in_background
    monkeypatch.setattr(writer, "in_background", lambda job: forked.append(True) or started(job))
    before = children()
    (site / "content/2026/story.md").write_text(story("An easy loop by the river, twice.\n"), "utf-8")
    assert build(run_cli, site).exit_code == 0
    leak_in_an_edit(site)
    result = build(run_cli, site)
    assert result.exit_code == 1 and WORD in result.output
    assert forked == [True, True]
    assert children() <= before  # every child was reaped, after the build that went well and the one that failed


def test_an_edit_that_fails_before_its_audit_reaps_the_child(site: Path, run_cli, monkeypatch) -> None:
    assert build(run_cli, site).exit_code == 0

    def broken(*args: object, **kwargs: object) -> None:
        raise SearchIndexFailed("Pagefind failed")

    monkeypatch.setattr(writer, "stage_search_index", broken)
    before = children()
    (site / "content/2026/story.md").write_text(story("An easy loop by the river, twice.\n"), "utf-8")
    result = build(run_cli, site)
    assert result.exit_code == 1 and "search index" in result.output
    assert children() <= before


def test_an_edit_is_audited_where_nothing_can_fork(site: Path, run_cli, monkeypatch) -> None:
    assert build(run_cli, site).exit_code == 0
    monkeypatch.setattr(writer, "can_fork", lambda: False)
    leak_in_an_edit(site)
    result = build(run_cli, site)
    assert result.exit_code == 1 and WORD in result.output
