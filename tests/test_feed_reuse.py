"""A public build keeps each live feed made from the same stories and settings, and still makes the clean build's bytes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import Result

from generator.outputs import feeds
from generator.pipeline.build import clean_build
from generator.pipeline.site import Site
from tests.conftest import SITE_TOML, entry
from tests.test_clean_build import assert_equals_clean, edit

EMOTIONS = ("grief", "joy", "anxious")
STORIES = 24  # more than a feed holds: the oldest stories are in no feed


def story(n: int) -> str:
    """Return a public story with a date, a tag and two emotions (the oldest four: calm alone, in no feed)."""
    emotions = "calm" if n < 4 else f"calm, {EMOTIONS[n % 3]}"
    return entry(f"title: Run {n}\nslug: run-{n}\ndate: 2026-03-{n + 1:02d}\nvisibility: public\n"
                 f"tags: [trail]\nemotions: [{emotions}]", f"Run number {n}.\n")


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    """Return a site of more public stories than a feed holds, and a private run."""
    files = {f"content/run-{n}.md": story(n) for n in range(STORIES)}
    files["content/secret.md"] = entry("title: Not shared\ndate: 2026-03-28\nvisibility: private\nemotions: [joy]")
    return make_site(files, SITE_TOML)


def feed_stamps(site: Path) -> dict[str, int]:
    """Return the modification time of every feed of the public build, by path."""
    out = site / "output/public"
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns
            for p in [out / "feed.xml", out / "feed.json", *out.glob("emotions/*/feed.xml")]}


def append(site: Path, n: int, text: str = "One more line, written after the run.") -> None:
    """Add a line to story n's body."""
    with (site / f"content/run-{n}.md").open("a", encoding="utf-8") as out:
        out.write(f"\n{text}\n")


def counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Return the paths of the feeds made from now on (their bytes, not kept)."""
    made: list[str] = []
    make = feeds.feed_bytes

    def feed_bytes(site: Site, feed: feeds.Feed) -> bytes:
        made.append(feed.path)
        return make(site, feed)

    monkeypatch.setattr(feeds, "feed_bytes", feed_bytes)
    return made


def test_a_body_edit_of_a_story_in_no_feed_makes_no_feed(site: Path, run_cli: Callable[..., Result],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    assert_equals_clean(site, "public", run_cli)
    before = feed_stamps(site)
    made = counting(monkeypatch)
    append(site, 0)  # the oldest story: in no feed
    assert run_cli("build", "--site", str(site)).exit_code == 0
    assert made == []
    assert feed_stamps(site) == before
    monkeypatch.undo()
    assert_equals_clean(site, "public", run_cli)


def test_a_body_edit_makes_the_feeds_that_hold_the_story_alone(site: Path, run_cli: Callable[..., Result],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert_equals_clean(site, "public", run_cli)
    made = counting(monkeypatch)
    append(site, STORIES - 1, "A line only the newest story has.")  # the newest: in the site's feeds and two emotions'
    assert run_cli("build", "--site", str(site)).exit_code == 0
    monkeypatch.undo()
    assert_equals_clean(site, "public", run_cli)
    assert sorted(made) == sorted(["emotions/calm/feed.xml", f"emotions/{EMOTIONS[(STORIES - 1) % 3]}/feed.xml",
                                   "feed.json", "feed.xml"])
    out = site / "output/public"
    for path in made:
        assert "A line only the newest story has." in (out / path).read_text("utf-8")


CHANGES = {
    "site title": lambda site: edit(site / "site.toml", 'title = "Test Journal"', 'title = "Other Journal"'),
    "base URL": lambda site: edit(site / "site.toml", "https://", "http://"),
    "story title": lambda site: edit(site / "content/run-22.md", "title: Run 22", "title: Second wind"),
    "story date": lambda site: edit(site / "content/run-21.md", "date: 2026-03-22", "date: 2026-03-22T18:30:00"),
    "summary": lambda site: edit(site / "content/run-20.md", "visibility: public", "visibility: public\nsummary: Hills"),
    "tag": lambda site: edit(site / "content/run-19.md", "tags: [trail]", "tags: [road]"),
    "emotion": lambda site: edit(site / "content/run-18.md", "emotions: [calm, ", "emotions: [relieved, "),
    "made private": lambda site: edit(site / "content/run-23.md", "visibility: public", "visibility: private"),
    "a private run gone": lambda site: (site / "content/secret.md").unlink(),
    "a new story": lambda site: (site / "content/run-99.md").write_text(story(27), "utf-8"),
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_feeds_after_a_change_are_the_clean_builds(site: Path, change: str, run_cli: Callable[..., Result]) -> None:
    assert_equals_clean(site, "public", run_cli)
    CHANGES[change](site)
    assert_equals_clean(site, "public", run_cli)


def test_every_field_a_feed_shows_is_in_its_digest(site: Path) -> None:
    made = clean_build(site, "public")
    assert made.ok and made.site is not None, made.problems
    model = made.site
    digests = feeds.feed_digests(model, feeds.site_feeds(model))
    newest = model.listed[0]
    other = {"title": "Another", "url": "/elsewhere/", "summary": "Another summary", "html": "<p>Another</p>",
             "date": newest.date and newest.date.replace(hour=5), "tags": (), "emotions": newest.emotions[:1]}
    for field, value in other.items():
        posts = tuple(replace(p, **{field: value}) if p is newest else p for p in model.listed)
        changed = replace(model, listed=posts)
        again = feeds.feed_digests(changed, feeds.site_feeds(changed))
        assert again["feed.xml"] != digests["feed.xml"], field
        assert again["feed.json"] != digests["feed.json"], field
    moved = replace(model, config=replace(model.config, base_url="https://elsewhere.example/"))
    assert feeds.feed_digests(moved, feeds.site_feeds(moved)).keys() == digests.keys()
    assert all(a != b for a, b in zip(feeds.feed_digests(moved, feeds.site_feeds(moved)).values(), digests.values()))
