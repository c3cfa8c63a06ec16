"""Feeds and the sitemap: exactly the listed public stories, newest first, absolute URLs, dates from entries."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from tests.conftest import entry, snapshot
from tests.test_images import png_with_text
from tests.test_privacy import COMMENT_CANARY, PASSAGE_CANARY, PRIVATE_CANARIES, canary_site
from tests.test_sharing import build_both, site_writer

BASE = "https://runs.example.org/"
LISTED = [BASE + "2026/04/02/with-a-picture/", BASE + "2026/03/13/a-story-to-share/"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the canary site plus a story with an image and site links, built for both audiences."""
    make = site_writer(tmp_path_factory.mktemp("feeds") / "site")
    site = canary_site(make)
    make({
        "content/2026/picture.md": entry("""
            title: With a picture
            date: 2026-04-02T18:30:00+01:00
            emotions: [calm, hopeful]
            tags: [evening]
            visibility: public
            """, "See ![the badge](badge.png) and [about](/about/) and [a note](#note).\n"),
        "content/2026/badge.png": png_with_text(),
        "content/pages/about.md": entry("title: About\nvisibility: public", "About me.\n"),
    })
    return build_both(site)


def test_atom_feed_has_exactly_the_listed_stories_newest_first(built: Path) -> None:
    feed = feedparser.parse((built / "output/public/feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    assert feed.feed.title == "Test Journal" and feed.feed.link == BASE
    assert [e.link for e in feed.entries] == LISTED
    assert [e.id for e in feed.entries] == LISTED
    assert feed.feed.updated == "2026-04-02T18:30:00+01:00"
    first = feed.entries[0]
    assert first.published == "2026-04-02T18:30:00+01:00" and first.author == "Test Runner"
    assert {t.term for t in first.tags} == {"evening", "calm", "hopeful"}


def atom_contents(path: Path) -> list[str]:
    """Return the raw HTML content of each entry of an Atom feed (feedparser would sanitise it)."""
    root = etree.fromstring(path.read_bytes())
    return [c.text for c in root.findall("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content")]


def check_json_feed(feed: dict) -> None:
    """Fail unless a parsed JSON Feed follows version 1.1's required fields and types."""
    assert feed["version"] == "https://jsonfeed.org/version/1.1" and isinstance(feed["title"], str)
    for key in ("home_page_url", "feed_url"):
        assert feed[key].startswith("https://"), key
    assert isinstance(feed["items"], list)
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert isinstance(item.get("content_html"), str) or isinstance(item.get("content_text"), str)
        for key in ("url", "image"):
            assert item.get(key, "https://").startswith("https://"), key
        datetime.fromisoformat(item["date_published"])
        assert all(isinstance(tag, str) for tag in item.get("tags", []))


def test_feed_content_is_full_public_text_with_absolute_urls(built: Path) -> None:
    feed = feedparser.parse((built / "output/public/feed.xml").read_bytes())
    picture, story = feed.entries
    content = atom_contents(built / "output/public/feed.xml")[0]
    assert f'src="{LISTED[0]}badge.png"' in content and f'srcset="{LISTED[0]}badge.png 300w"' in content
    assert f'href="{BASE}about/"' in content and f'href="{LISTED[0]}#note"' in content
    text = story.content[0].value
    assert "The public part of the story." in text and "More public words" in text
    assert PASSAGE_CANARY not in text and COMMENT_CANARY not in text


def test_json_feed_is_version_1_1_with_the_listed_stories(built: Path) -> None:
    feed = json.loads((built / "output/public/feed.json").read_text("utf-8"))
    check_json_feed(feed)
    assert feed["title"] == "Test Journal" and feed["home_page_url"] == BASE
    assert feed["feed_url"] == BASE + "feed.json" and feed["authors"] == [{"name": "Test Runner"}]
    items = feed["items"]
    assert [i["id"] for i in items] == LISTED and [i["url"] for i in items] == LISTED
    for item in items:
        assert item["title"] and item["content_html"] and item["date_published"]
        assert item["image"] == item["url"] + "card.png"
    assert items[0]["date_published"] == "2026-04-02T18:30:00+01:00"
    assert f'src="{LISTED[0]}badge.png"' in items[0]["content_html"]


def test_each_listed_emotion_has_an_atom_feed(built: Path) -> None:
    out = built / "output/public/emotions"
    feeds = sorted(p.parent.name for p in out.glob("*/feed.xml"))
    pages = sorted(p.parent.name for p in out.glob("*/index.html"))
    assert feeds == pages and "calm" in feeds
    calm = feedparser.parse((out / "calm/feed.xml").read_bytes())
    assert not calm.bozo and [e.link for e in calm.entries] == LISTED
    hopeful = feedparser.parse((out / "hopeful/feed.xml").read_bytes())
    assert [e.link for e in hopeful.entries] == LISTED[:1] and hopeful.feed.title.startswith("hopeful")
    assert hopeful.feed.links[1].href == BASE + "emotions/hopeful/feed.xml"


def test_sitemap_lists_exactly_the_listed_pages(built: Path) -> None:
    root = etree.fromstring((built / "output/public/sitemap.xml").read_bytes())
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert len(locs) == len(set(locs))
    stories = [u for u in locs if u.startswith(BASE + "2026/")]
    assert sorted(stories) == sorted(LISTED)
    assert BASE in locs and BASE + "about/" in locs and BASE + "emotions/calm/" in locs
    assert not [u for u in locs if "shared-by-link" in u or "404" in u]
    robots = (built / "output/public/robots.txt").read_text()
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_journal_build_has_no_feeds(built: Path) -> None:
    journal = built / "output/journal"
    assert not (journal / "feed.xml").exists() and not (journal / "feed.json").exists()
    assert not list(journal.glob("emotions/*/feed.xml"))


def test_feeds_are_deterministic_and_dated_by_entries(built: Path, run_cli) -> None:
    before = snapshot(built / "output/public")
    assert run_cli("build", "--site", str(built)).exit_code == 0
    after = snapshot(built / "output/public")
    for name in ("feed.xml", "feed.json", "sitemap.xml", "emotions/calm/feed.xml"):
        assert before[name] == after[name], name
    assert b"1970" not in before["feed.xml"]


def test_an_empty_public_site_still_has_valid_feeds(make_site, run_cli) -> None:
    site = make_site({"content/a.md": entry("title: Only mine\ndate: 2026-03-13")})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    feed = feedparser.parse((site / "output/public/feed.xml").read_bytes())
    assert not feed.bozo and feed.entries == [] and feed.feed.updated.startswith("1970-01-01")
    empty = json.loads((site / "output/public/feed.json").read_text())
    check_json_feed(empty)
    assert empty["items"] == []


@pytest.mark.parametrize("canary", [*PRIVATE_CANARIES, PASSAGE_CANARY, COMMENT_CANARY, "lanternmoss", "shared-by-link"])
def test_feeds_hold_no_private_or_unlisted_canary(built: Path, canary: str) -> None:
    files = snapshot(built / "output/public")
    for name, data in files.items():
        if name.endswith(("feed.xml", "feed.json", "sitemap.xml")):
            assert canary.encode() not in data.lower(), name


def test_feeds_hold_the_newest_twenty_stories_and_the_sitemap_every_one(make_site, run_cli) -> None:
    files = {f"content/2025/{day:02d}-run.md": entry(
        {"title": f"Run on day {day}", "date": f"2025-03-{day:02d}", "emotions": "[calm]", "visibility": "public"},
        f"Day {day} of the month.\n") for day in range(1, 26)}
    root = make_site(files)
    result = run_cli("build", "--site", str(root))
    assert result.exit_code == 0, result.output
    out = root / "output/public"
    newest = [f"Run on day {day}" for day in range(25, 5, -1)]
    assert [e.title for e in feedparser.parse((out / "feed.xml").read_bytes()).entries] == newest
    assert [e.title for e in feedparser.parse((out / "emotions/calm/feed.xml").read_bytes()).entries] == newest
    assert [item["title"] for item in json.loads((out / "feed.json").read_text("utf-8"))["items"]] == newest
    assert (out / "sitemap.xml").read_text("utf-8").count("/2025/03/") == 25
