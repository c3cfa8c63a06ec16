"""The emotional timeline: SVG marks and links, the table, timeline.json, scale and privacy."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from posixpath import normpath

import pytest

from generator.config import SiteConfig
from generator.pipeline.entries import Entry
from generator.pipeline.markdown import Rendered
from generator.pipeline.site import build_site
from generator.pipeline.timeline import build_timeline, layout, timeline_json, timeline_svg
from generator.vocabulary import default_vocabulary
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_folder, entry, html, snapshot
from tests.test_emotions import build, journal_files, run, write_site

PUBLIC = "output/public"
SVG = "{http://www.w3.org/2000/svg}"
#: The listed runs of journal_files() that named emotions, oldest first.
NAMED = ["/2026/01/05/alpha/", "/2026/01/20/bravo/", "/2026/02/03/charlie/", "/2026/03/15/delta/",
         "/2026/03/20/echo/", "/2026/04/02/foxtrot/", "/2026/04/10/golf/"]


def svg_of(page: Path) -> ET.Element:
    """Return the first inline SVG of a built page, parsed as XML (it must be well-formed)."""
    text = page.read_text("utf-8")
    return ET.fromstring(text[text.index("<svg"):text.index("</svg>") + len("</svg>")])


def from_timeline(href: str) -> str:
    """Return a link seen on /timeline/ as a site URL."""
    return "/" + normpath("timeline/" + href).lstrip("/") + "/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(build(write_site(tmp_path_factory.mktemp("timeline"), journal_files())), "--journal")


def test_marks_link_exactly_the_listed_runs_that_named_emotions(built: Path) -> None:
    svg = svg_of(built / PUBLIC / "timeline/index.html")
    marks = svg.findall(f".//{SVG}a")
    assert [from_timeline(a.get("href")) for a in marks] == NAMED


def test_every_mark_has_a_title_with_date_title_and_emotions(built: Path) -> None:
    svg = svg_of(built / PUBLIC / "timeline/index.html")
    titles = [a.find(f"{SVG}title").text for a in svg.findall(f".//{SVG}a")]
    assert titles[0] == "5 January 2026: Alpha. Emotions: sad, calm, anxious. Mood before 2, after 4."
    assert titles[2] == "3 February 2026: Charlie. Emotions: sad, anxiety, fizzy. Mood before 3."
    assert titles[4] == "20 March 2026: Echo. Emotions: calm."


def test_marks_are_coloured_by_family(built: Path) -> None:
    svg = svg_of(built / PUBLIC / "timeline/index.html")
    first = svg.find(f".//{SVG}a")
    dots = [c.get("fill") for c in first.findall(f"{SVG}circle") if c.get("r") == "4.5"]
    assert dots == ["#3d5a98", "#7cc6a4", "#6b4c9a"]  # sad, peaceful (calm), scared (anxious)


def test_svg_is_accessible(built: Path) -> None:
    page = html(built / PUBLIC / "timeline/index.html")
    figure = page.select_one("figure.timeline")
    assert figure.figcaption.get_text(strip=True)
    svg = svg_of(built / PUBLIC / "timeline/index.html")
    labelled = svg.get("aria-labelledby").split()
    texts = {e.get("id"): e.text for e in svg if e.get("id")}
    assert texts[labelled[0]] == "Emotional timeline"
    assert texts[labelled[1]].startswith("7 runs from Week of 5 January 2026 to Week of 6 April 2026.")


def test_mood_lines_follow_the_runs_that_gave_moods(built: Path) -> None:
    svg = svg_of(built / PUBLIC / "timeline/index.html")
    lines: dict[str, list[int]] = {}
    for line in svg.iter(f"{SVG}polyline"):
        lines.setdefault(line.find(f"{SVG}title").text, []).append(len(line.get("points").split()))
    # more than four weeks without a mood break the line; a lone run keeps its dot
    assert lines["Mood before the run"] == [3]  # Alpha, Bravo, Charlie | Foxtrot
    assert lines["Mood after the run"] == [2, 2]  # Alpha, Bravo | Delta, Foxtrot


def test_table_holds_the_same_runs_and_links(built: Path) -> None:
    page = html(built / PUBLIC / "timeline/index.html")
    table = page.select_one("table.timeline-table")
    links = [from_timeline(a["href"]) for a in table.select("td a")]
    assert links == NAMED
    row = table.select_one("tbody tr:not(.timeline-bucket)")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells == ["5 Jan", "Alpha", "sad , calm , anxious", "2", "4"]
    assert [t["id"] for t in table.select("tbody")][:2] == ["t-2026-01-05", "t-2026-01-19"]


def test_weeks_for_a_short_journal_and_months_for_a_long_one(tmp_path: Path) -> None:
    files = {"content/a.md": run("Start", "2025-01-01", "[calm]"), "content/b.md": run("End", "2026-01-01", "[sad]")}
    site = build(write_site(tmp_path, files))
    assert json.loads((site / PUBLIC / "timeline.json").read_bytes())["unit"] == "month"
    table = html(site / PUBLIC / "timeline/index.html").select("table.timeline-table tbody")
    assert [t["id"] for t in table] == ["t-2025-01", "t-2026-01"]


def test_timeline_json_holds_the_data(built: Path) -> None:
    data = json.loads((built / PUBLIC / "timeline.json").read_bytes())
    assert data["unit"] == "week" and data["title"] == "Test Journal"
    assert ["/" + e["url"] for e in data["entries"]] == NAMED
    alpha = data["entries"][0]
    assert alpha["permalink"] == "https://runs.example.org/2026/01/05/alpha/"
    assert alpha["date"] == "2026-01-05T00:00:00+00:00" and alpha["title"] == "Alpha"
    assert alpha["mood_before"] == 2 and alpha["mood_after"] == 4
    assert alpha["emotions"][0] == {"name": "sad", "slug": "sad", "url": "emotions/sad/", "family": "sad",
                                    "colour": "#3d5a98", "text_colour": "#ffffff"}
    assert data["entries"][3]["mood_before"] is None
    assert [f["slug"] for f in data["families"]] == ["joyful", "peaceful", "sad", "scared", "other"]


def test_journal_timeline_holds_every_run(built: Path) -> None:
    data = json.loads((built / "output/journal/timeline.json").read_bytes())
    assert len(data["entries"]) == len(NAMED) + 2  # the private and the unlisted run
    assert "furious" in {e["slug"] for entry in data["entries"] for e in entry["emotions"]}


def test_navigation_links_the_timeline(built: Path) -> None:
    nav = html(built / PUBLIC / "index.html").select_one("nav[aria-label=Main]")
    assert "timeline/" in [a["href"] for a in nav.select("a")]
    current = html(built / PUBLIC / "timeline/index.html").select_one("nav a[aria-current=page]")
    assert current.get_text() == "Timeline"


def test_a_journal_without_emotions_has_an_empty_timeline(tmp_path: Path) -> None:
    site = build(write_site(tmp_path, {"content/a.md": entry({"date": "2026-01-01", "visibility": "public"})}))
    page = html(site / PUBLIC / "timeline/index.html")
    assert page.select_one("svg") is None and page.select_one(".empty")
    assert json.loads((site / PUBLIC / "timeline.json").read_bytes())["entries"] == []


# --- privacy -------------------------------------------------------------------------------------


def test_private_and_unlisted_runs_are_not_on_the_public_timeline(tmp_path: Path) -> None:
    site = build(write_site(tmp_path, {
        "content/pub.md": run("Shared", "2026-03-13", "[calm]", mood_before=3, mood_after=4),
        "content/priv.md": run("Quobblesnout", "2026-03-10", "[vellichorpine, Furious]", "private",
                               mood_before=1, mood_after=1),
        "content/unl.md": run("Lanternmoss", "2026-03-12", "[elated]", "unlisted", mood_before=5, mood_after=5),
    }))
    svg = svg_of(site / PUBLIC / "timeline/index.html")
    assert [from_timeline(a.get("href")) for a in svg.iter(f"{SVG}a")] == ["/2026/03/13/shared/"]
    data = (site / PUBLIC / "timeline.json").read_bytes()
    assert len(json.loads(data)["entries"]) == 1
    timeline_files = {k: v for k, v in snapshot(site / PUBLIC).items() if "timeline" in k}
    for word in (b"quobblesnout", b"vellichorpine", b"furious", b"lanternmoss", b"elated", b"2026-03-10",
                 b"2026-03-12", b"10 Mar", b"12 Mar"):
        for relpath, content in timeline_files.items():
            assert word not in content.lower(), (word, relpath)
    assert b'fill="#b3261e"' not in b"".join(timeline_files.values())  # no "mad" mark


# --- scale ---------------------------------------------------------------------------------------


def many_runs(count: int, days_apart: float, tmp_path: Path) -> tuple:
    """Return a public Site of `count` runs, built in memory (no files, no Markdown)."""
    cfg = SiteConfig(root=tmp_path, title="Many", timezone="UTC")
    words = ["calm", "sad", "joy", "anxious", "Angry", "tired", "proud", "fizzy", "grateful", "hopeful"]
    start = datetime(2018, 1, 1, 7, tzinfo=timezone.utc)
    entries, rendered = [], {}
    for n in range(count):
        rel = f"{n:05d}.md"
        entries.append(Entry(
            source=tmp_path / rel, rel=rel, is_page=False, title=f"Run {n}",
            date=start + timedelta(days=n * days_apart), distance_m=None, duration_s=None, intention="",
            emotions=tuple(words[(n + k * 3) % len(words)] for k in range(1 + n % 4)),
            mood_before=1 + n % 5, mood_after=1 + (n + 2) % 5, tags=(), visibility="public", slug=f"run-{n}",
            summary="", body="", body_line=5,
        ))
        rendered[rel] = Rendered("", "", (), 0, ())
    return build_site(entries, rendered, "public", cfg, default_vocabulary()), cfg


def test_three_thousand_runs_stay_bounded_and_readable(tmp_path: Path) -> None:
    site, cfg = many_runs(3000, 1, tmp_path)
    timeline = build_timeline(site)
    assert timeline.unit == "month" and len(timeline.posts) == 3000
    assert layout(timeline).aggregate
    svg = ET.fromstring(timeline_svg(timeline, "/timeline/"))
    marks = svg.findall(f".//{SVG}a")
    assert len(marks) <= len(timeline.buckets) * len(timeline.families)
    assert sum(1 for _ in svg.iter()) < 4 * len(timeline.buckets) * len(timeline.families)
    ids = {b.id for b in timeline.buckets if b.posts}
    assert {a.get("href")[1:] for a in marks} == ids  # each bar links its rows of the table
    assert all(a.find(f"{SVG}title").text for a in marks)
    assert len(json.loads(timeline_json(timeline, cfg))["entries"]) == 3000


def test_a_few_runs_are_drawn_one_by_one(tmp_path: Path) -> None:
    site, _ = many_runs(10, 3, tmp_path)
    timeline = build_timeline(site)
    assert timeline.unit == "week" and not layout(timeline).aggregate
    marks = ET.fromstring(timeline_svg(timeline, "/timeline/")).findall(f".//{SVG}a")
    assert [a.get("href") for a in marks] == [f"../{p.url.lstrip('/')}" for p in timeline.posts]


def test_a_busy_half_year_is_aggregated_by_week(tmp_path: Path) -> None:
    site, _ = many_runs(400, 0.4, tmp_path)
    timeline = build_timeline(site)
    assert timeline.unit == "week" and layout(timeline).aggregate
    ET.fromstring(timeline_svg(timeline, "/timeline/"))


# --- in a browser --------------------------------------------------------------------------------

@pytest.fixture
def served(built: Path) -> Iterator[str]:
    """Serve the public build on 127.0.0.1 and return its root URL."""
    with serve_folder(built / PUBLIC) as url:
        yield url


def test_marks_are_named_links_that_open_their_runs_in_chromium(served: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").is_file():
        pytest.skip("needs Debian's chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(served + "timeline/")
            mark = page.get_by_role("figure").get_by_role("link", name="20 March 2026: Echo. Emotions: calm.")
            assert mark.count() == 1
            mark.click()
            page.wait_for_url(served + "2026/03/20/echo/")
            assert page.locator("h1").inner_text().startswith("Echo")
        finally:
            browser.close()
