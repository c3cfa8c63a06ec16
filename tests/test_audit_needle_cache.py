"""The audit's kept word needles: an edit never leaves them stale, so no private word gets through.

The word needles are kept between builds (deploy/needle_cache.py) while no edit can change them.
Each test builds a fixture site with the CLI, edits its entries the way a writer would, builds again
and expects the verdict a build with no cache gives: a static file of the site holds a word, so the
build must fail exactly when the word is private and nothing public holds it. After every build the
kept needles are compared with those a build of a fresh copy works out (no cache at all).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.deploy import needle_cache, source_facts
from tests.conftest import entry

WORD = "gorsewinkle"  # the word at stake: the site's static file holds it
OTHER = "brambleford"


def story(body: str = "An easy loop by the river with the dog.\n", visibility: str = "public") -> str:
    """Return a story's file."""
    return entry(f"title: A story to share\ndate: 2026-03-13\nvisibility: {visibility}", body)


def hidden(body: str = "The quiet field behind the church.\n") -> str:
    """Return a private entry's file."""
    return entry("title: Hidden\ndate: 2026-03-10\nvisibility: private", body)


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    """Return a site with a public story, a private entry and a static note that names WORD and OTHER."""
    return make_site({
        "content/2026/story.md": story(),
        "content/2026/hidden.md": hidden(),
        "static/notes.txt": f"Notes: {WORD} and {OTHER}.\n",
    })


def build(run_cli: Callable[..., Result], site: Path) -> Result:
    """Run `footfall build` on a site."""
    return run_cli("build", "--site", str(site))


def kept(site: Path) -> dict:
    """Return the needles the audit kept."""
    return json.loads((site / ".footfall-cache" / needle_cache.FOLDER / needle_cache.NAME).read_text("utf-8"))


def assert_fresh(run_cli: Callable[..., Result], site: Path, tmp_path: Path, exit_code: int) -> None:
    """Expect a fresh copy of the site (no cache) to give the same verdict and to keep the same needles."""
    copy = tmp_path / "fresh"
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir()
    for name in ("content", "static", "site.toml"):
        (shutil.copytree if (site / name).is_dir() else shutil.copy)(site / name, copy / name)
    assert build(run_cli, copy).exit_code == exit_code
    mine, theirs = kept(site), kept(copy)
    assert mine["words"] == theirs["words"] and mine["shorts"] == theirs["shorts"]
    assert {word: count for word, count in mine["counts"].items() if count} == \
        {word: count for word, count in theirs["counts"].items() if count}


def edit(path: Path, text: str) -> None:
    """Write an entry file anew."""
    path.write_text(text, "utf-8")


#: Edits around a needle: (files written, then the build's exit code), twice; then the word the second build
#: must report (None: it passes). Each build after the first reuses what the one before it kept.
SCENARIOS = {
    "a new private entry makes its words needles": (
        {}, 0, {"another.md": entry("title: Another\ndate: 2026-03-11\nvisibility: private",
                                    f"Past the {WORD} again.\n")}, 1, WORD),
    "a public story made private makes its words needles": (
        {"story.md": story(f"An easy loop by the {WORD}.\n")}, 0,
        {"story.md": story(f"An easy loop by the {WORD}.\n", visibility="private")}, 1, WORD),
    "a private block added to a public story makes its words needles": (
        {}, 0, {"story.md": story(f"An easy loop.\n\n::: private\nBy the {WORD}.\n:::\n")}, 1, WORD),
    "a changed private word is looked for": (
        {"hidden.md": hidden("The quiet field behind the windmill.\n")}, 0,
        {"hidden.md": hidden(f"The quiet field behind the {OTHER}.\n")}, 1, OTHER),
    "a word no public story holds any more becomes a needle": (  # first, the story shows the word: it may be public
        {"story.md": story(f"An easy loop by the {WORD}.\n"), "hidden.md": hidden(f"The {WORD} behind the church.\n")},
        0, {"story.md": story("An easy loop by the river.\n")}, 1, WORD),
    "a word a public story comes to hold is no needle any more": (
        {"hidden.md": hidden(f"The {WORD} behind the church.\n")}, 1,
        {"story.md": story(f"An easy loop by the {WORD}.\n")}, 0, None),
}


@pytest.mark.parametrize("before, first, after, second, word", SCENARIOS.values(), ids=SCENARIOS)
def test_the_kept_needles_follow_each_edit(site: Path, run_cli, tmp_path, before: dict[str, str], first: int,
                                           after: dict[str, str], second: int, word: str | None) -> None:
    for name, text in before.items():
        edit(site / "content/2026" / name, text)
    assert build(run_cli, site).exit_code == first
    for name, text in after.items():
        edit(site / "content/2026" / name, text)
    result = build(run_cli, site)
    assert result.exit_code == second
    if word is not None:
        assert word in result.output
    assert_fresh(run_cli, site, tmp_path, second)


def test_public_edits_that_move_no_private_word_keep_the_needles(site: Path, run_cli, tmp_path, monkeypatch) -> None:
    edit(site / "content/2026/hidden.md", hidden(f"The {WORD} behind the church.\n"))
    assert build(run_cli, site).exit_code == 1
    carried: list[bool] = []
    original = needle_cache.carry
    monkeypatch.setattr(needle_cache, "carry", lambda *args: carried.append(original(*args)) or carried[-1])
    for number in range(2):
        edit(site / "content/2026/story.md", story(f"An easy loop by the river, lap {number} of a windy morning.\n"))
        result = build(run_cli, site)
        assert result.exit_code == 1 and WORD in result.output
    assert carried == [True, True]
    assert_fresh(run_cli, site, tmp_path, 1)


@pytest.mark.parametrize("gone", ["needles.json", "sources-*.json", "*"])
def test_a_deleted_cache_still_finds_the_private_word(site: Path, run_cli, tmp_path, gone: str) -> None:
    assert build(run_cli, site).exit_code == 0
    edit(site / "content/2026/hidden.md", hidden(f"The {WORD} behind the church.\n"))
    for path in (site / ".footfall-cache" / "audit").glob(gone):
        path.unlink()
    result = build(run_cli, site)
    assert result.exit_code == 1 and WORD in result.output
    assert_fresh(run_cli, site, tmp_path, 1)


def test_a_deleted_share_of_the_kept_facts_is_read_again(site: Path, run_cli, tmp_path) -> None:
    edit(site / "content/2026/hidden.md", hidden(f"The {WORD} behind the church.\n"))
    assert build(run_cli, site).exit_code == 1
    edit(site / "content/2026/story.md", story("An easy loop by the river, twice.\n"))
    (site / ".footfall-cache" / "audit" / source_facts.NAME.format(source_facts.share_of(
        str(site / "content/2026/hidden.md")))).unlink()
    result = build(run_cli, site)
    assert result.exit_code == 1 and WORD in result.output
    assert_fresh(run_cli, site, tmp_path, 1)


def test_needles_kept_for_other_entry_files_are_not_taken(site: Path, run_cli, tmp_path) -> None:
    edit(site / "content/2026/hidden.md", hidden(f"The {WORD} behind the church.\n"))
    assert build(run_cli, site).exit_code == 1
    stale = kept(site)
    edit(site / "content/2026/hidden.md", hidden(f"The {OTHER} behind the church.\n"))
    assert build(run_cli, site).exit_code == 1
    (site / ".footfall-cache" / "audit" / needle_cache.NAME).write_text(json.dumps(stale), "utf-8")  # needles of before
    result = build(run_cli, site)
    assert result.exit_code == 1 and OTHER in result.output
    assert_fresh(run_cli, site, tmp_path, 1)


@pytest.mark.parametrize("damage", [{"counts": {WORD: "many"}}, {"words": {f" {WORD} ": [WORD]}}, {"shorts": [1]},
                                    {"state": None}])
def test_damaged_kept_needles_are_worked_out_anew(site: Path, run_cli, tmp_path, damage: dict) -> None:
    edit(site / "content/2026/hidden.md", hidden(f"The {WORD} behind the church.\n"))
    assert build(run_cli, site).exit_code == 1
    path = site / ".footfall-cache" / "audit" / needle_cache.NAME
    path.write_text(json.dumps({**kept(site), **damage}), "utf-8")
    edit(site / "content/2026/story.md", story("An easy loop by the river, twice.\n"))
    result = build(run_cli, site)
    assert result.exit_code == 1 and WORD in result.output
    assert_fresh(run_cli, site, tmp_path, 1)


def test_footfall_own_words_are_kept_in_the_user_cache_for_a_fresh_copy_of_any_site(tmp_path, monkeypatch) -> None:
    from generator.config import user_cache_home
    from generator.deploy import needles

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    folders = (needles.GENERATOR_DIR / "deploy",)
    worked: list[str] = []
    original = needles._read_words
    monkeypatch.setattr(needles, "_read_words", lambda key, found: worked.append(key) or original.__wrapped__(key, found))
    cache = user_cache_home() / needles.WORDS_FOLDER
    first = needles.footfall_words(folders, cache)
    second = needles.footfall_words(folders, cache)  # any site, any fresh copy: the same user's cache
    assert first == second and len(worked) == 1 and cache.is_relative_to(tmp_path / "user-cache")
    for kept in (tmp_path / "user-cache").rglob("words-*.json"):
        kept.write_text("{damaged", "utf-8")
    assert needles.footfall_words(folders, cache) == first and len(worked) == 2
