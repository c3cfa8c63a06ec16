"""Browsing by emotion: emotion pages, the families index, facts, chips and unknown-emotion warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import SITE_TOML, entry, html, snapshot

PUBLIC = "output/public"


def run(title: str, day: str, emotions: str, visibility: str = "public", **more: object) -> str:
    """Return an entry file naming emotions (written as YAML, e.g. "[Sad, joy]")."""
    front = {"title": title, "date": day, "emotions": emotions, "visibility": visibility, **more}
    return entry(front, f"The {title.lower()} run.\n")


def write_site(root: Path, files: dict[str, str], site_toml: str = SITE_TOML) -> Path:
    """Write a site into root (for fixtures shared by a whole module) and return it."""
    (root / "site.toml").write_text(site_toml, "utf-8")
    for relpath, text in files.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, "utf-8")
    return root


def build(site: Path, *args: str) -> Path:
    """Build a site with the CLI (asserting success) and return it."""
    result = CliRunner().invoke(cli, ["build", *args, "--site", str(site)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return site


def journal_files() -> dict[str, str]:
    """Return the files of a journal whose emotions are written in mixed case and word forms."""
    return {
        "content/a.md": run("Alpha", "2026-01-05", "[Sad, Calm, anxious]", mood_before=2, mood_after=4),
        "content/b.md": run("Bravo", "2026-01-20", "[sadness, ' calm ', Joy]", mood_before=1, mood_after=3),
        "content/c.md": run("Charlie", "2026-02-03", "[SAD, anxiety, fizzy]", mood_before=3),
        "content/d.md": run("Delta", "2026-03-15", "[joyful, Calmness]", mood_after=5),
        "content/e.md": run("Echo", "2026-03-20", "[calm]"),
        "content/f.md": run("Foxtrot", "2026-04-02", "[Sad]", mood_before=4, mood_after=4),
        "content/g.md": run("Golf", "2026-04-10", "[sad]"),
        "content/h.md": run("Hotel", "2026-04-12", "[Sadness, furious]", "private", mood_before=1, mood_after=1),
        "content/i.md": run("India", "2026-04-14", "[sad, elated]", "unlisted", mood_before=5, mood_after=1),
        "content/j.md": entry({"title": "Juliet", "date": "2026-04-16", "visibility": "public"}, "No emotions.\n"),
    }


def listed_urls(site: Path, first_page: str) -> list[str]:
    """Return the entry URLs an emotion's listing links, page after page, as site URLs."""
    urls: list[str] = []
    page: str | None = first_page
    while page:
        soup = html(site / PUBLIC / page.lstrip("/") / "index.html")
        urls += ["/" + _resolve(page, a["href"]) for a in soup.select(".entry-card-title a")]
        following = soup.select_one('nav.pagination a[rel="next"]')
        page = "/" + _resolve(page, following["href"]) if following else None
    return urls


def _resolve(here: str, href: str) -> str:
    """Return a relative href seen on the page at `here` as a path from the site root."""
    from posixpath import normpath
    return normpath(here.lstrip("/") + href).lstrip("./") + "/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(write_site(tmp_path_factory.mktemp("emotions"), journal_files()))


def test_mixed_case_and_word_forms_fold_to_one_page(built: Path) -> None:
    emotion_dirs = sorted(p.name for p in (built / PUBLIC / "emotions").iterdir() if p.is_dir())
    assert emotion_dirs == ["anxious", "calm", "fizzy", "joyful", "sad"]


def test_emotion_page_lists_exactly_the_listed_runs_newest_first(built: Path) -> None:
    assert listed_urls(built, "/emotions/sad/") == [
        "/2026/04/10/golf/", "/2026/04/02/foxtrot/", "/2026/02/03/charlie/", "/2026/01/20/bravo/",
        "/2026/01/05/alpha/",
    ]
    assert listed_urls(built, "/emotions/calm/") == [
        "/2026/03/20/echo/", "/2026/03/15/delta/", "/2026/01/20/bravo/", "/2026/01/05/alpha/",
    ]
    assert listed_urls(built, "/emotions/anxious/") == ["/2026/02/03/charlie/", "/2026/01/05/alpha/"]


def test_emotion_listing_is_paginated(tmp_path: Path) -> None:
    site = build(write_site(tmp_path, journal_files(), SITE_TOML.replace("per_page = 5", "per_page = 2")))
    assert (site / PUBLIC / "emotions/sad/page/3/index.html").is_file()
    assert len(listed_urls(site, "/emotions/sad/")) == 5


def test_index_groups_emotions_by_family_with_counts_and_colours(built: Path) -> None:
    page = html(built / PUBLIC / "emotions/index.html")
    families = [s["id"] for s in page.select("section.emotion-family")]
    assert families == ["family-joyful", "family-peaceful", "family-sad", "family-scared", "family-other"]
    sad = page.select_one("#family-sad")
    assert "5 runs" in sad.h2.get_text(" ", strip=True)
    chip = sad.select_one("a.chip")
    assert chip.get_text(strip=True) == "sad" and chip["href"] == "../emotions/sad/"
    assert "--chip-bg: #3d5a98" in chip["style"] and chip.find_next_sibling(class_="count").get_text() == "5"
    joyful = page.select_one("#family-joyful")
    assert "2 runs" in joyful.h2.get_text(" ", strip=True)
    other = page.select_one("#family-other a.chip")
    assert other.get_text(strip=True) == "fizzy" and other["href"] == "../emotions/fizzy/"


def test_month_series_companions_and_mood(built: Path) -> None:
    page = html(built / PUBLIC / "emotions/sad/index.html")
    months = {row.th.get_text(): row.td.get_text() for row in page.select(".emotion-months-table tbody tr")}
    assert months == {"January 2026": "2", "February 2026": "1", "April 2026": "2"}
    assert "Named in 3 of 4 months" in page.select_one(".emotion-months figcaption").get_text()
    companions = [(li.a.get_text(strip=True), li.select_one(".count").get_text()) for li in page.select(".companions li")]
    assert companions == [("anxious", "2 runs together"), ("calm", "2 runs together"),
                          ("fizzy", "1 run together"), ("joyful", "1 run together")]
    mood = {div.dt.get_text(): div.dd.get_text() for div in page.select(".mood-change div")}
    # before: Alpha 2, Bravo 1, Charlie 3, Foxtrot 4 -> 2.5; after: 4, 3, 4 -> 3.7; paired: +2, +2, 0 -> +1.3
    assert mood == {"Before, on average": "2.5/5", "After, on average": "3.7/5", "Change per run": "+1.3"}


def test_month_chart_is_an_accessible_well_formed_svg(built: Path) -> None:
    import xml.etree.ElementTree as ET

    text = (built / PUBLIC / "emotions/calm/index.html").read_text("utf-8")
    svg = ET.fromstring(text[text.index("<svg"):text.index("</svg>") + 6])
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.get("role") == "img"
    assert svg.find(f"{ns}title").text == "How often “calm” was named, month by month"
    assert svg.find(f"{ns}desc").text== (
        "Named in 2 of 4 months, from January 2026 to April 2026; most in January 2026 (2 runs).")
    assert [r.find(f"{ns}title").text for r in svg.iter(f"{ns}rect")] == [
        "January 2026: 2 runs", "March 2026: 2 runs"]


def test_chips_link_emotion_pages_in_family_colours(built: Path) -> None:
    page = html(built / PUBLIC / "2026/02/03/charlie/index.html")
    chips = {c.get_text(strip=True): c for c in page.select(".chips .chip")}
    assert list(chips) == ["sad", "anxiety", "fizzy"]  # the words as written
    assert chips["sad"]["href"] == "../../../../emotions/sad/"
    assert "--chip-bg: #3d5a98" in chips["sad"]["style"] and "--chip-fg: #ffffff" in chips["sad"]["style"]
    assert "--chip-bg: #d6d3ce" in chips["fizzy"]["style"]


def test_a_recoloured_family_reaches_chips_index_and_timeline(tmp_path: Path) -> None:
    toml = SITE_TOML + '\n[vocabulary.families.sad]\ncolour = "#10305a"\ntext_colour = "#ffffff"\n'
    site = build(write_site(tmp_path, journal_files(), toml))
    chip = html(site / PUBLIC / "2026/01/05/alpha/index.html").select_one(".chips a.chip")
    assert "--chip-bg: #10305a" in chip["style"]
    assert "--chip-bg: #10305a" in html(site / PUBLIC / "emotions/index.html").select_one("#family-sad a.chip")["style"]
    assert b'fill="#10305a"' in (site / PUBLIC / "timeline/index.html").read_bytes()


def test_check_warns_about_unknown_emotions_with_file_line_and_closest_words(make_site, run_cli) -> None:
    site = make_site({"content/a.md": entry("""
        title: Words of my own
        date: 2026-03-01
        emotions: [calm, anxios, fizzy]
        """)})
    result = run_cli("check", "--site", str(site))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    anxios = lines.index('1. warning content/a.md:4: the vocabulary does not know the emotion "anxios"')
    assert lines[anxios + 1].startswith('   → did you mean "anxious"')
    assert lines[anxios + 1].endswith("Otherwise it is kept as written, in the family Other")
    assert '2. warning content/a.md:4: the vocabulary does not know the emotion "fizzy"' in lines
    assert "Checked 1 entry: no errors, 2 warnings." in result.output
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0 and 'the emotion "anxios"' in built.output


def test_unknown_emotion_keeps_the_writers_words(make_site, run_cli) -> None:
    site = make_site({"content/a.md": run("Own words", "2026-03-01", "['Bone  Tired', Calm]")})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    page = html(site / PUBLIC / "emotions/bone-tired/index.html")
    assert page.h1.select_one(".chip").get_text() == "bone tired"
    assert "Other" in page.select_one(".count-line").get_text()


# --- privacy: emotions named only in private or unlisted entries --------------------------------

PRIVATE_ONLY = ["furious", "vellichorpine"]  # a known word and a word of the writer's own
UNLISTED_ONLY = ["elated", "lanternmoss"]


@pytest.fixture(scope="module")
def canaries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = write_site(tmp_path_factory.mktemp("canaries"), {
        "content/public.md": run("Shared", "2026-03-13", "[Calm, relieved]", mood_before=2, mood_after=4),
        "content/private.md": run("Hidden", "2026-03-10", "[furious, vellichorpine, calm]", "private",
                                  mood_before=1, mood_after=2),
        "content/default.md": entry({"title": "Default", "date": "2026-03-11", "emotions": "[Furious]"}),
        "content/early.md": run("Early", "2025-11-20", "[calm, Relieved]", "private", mood_before=1, mood_after=1),
        "content/unlisted.md": run("By link", "2026-03-12", "[elated, lanternmoss, Calm]", "unlisted",
                                   mood_before=5, mood_after=5),
    })
    return build(build(site), "--journal")


@pytest.mark.parametrize("word", PRIVATE_ONLY)
def test_emotion_named_only_privately_is_nowhere_in_the_public_build(canaries: Path, word: str) -> None:
    for relpath, data in snapshot(canaries / PUBLIC).items():
        assert word not in relpath and word.encode() not in data.lower(), relpath
    assert (canaries / "output/journal/emotions" / word / "index.html").is_file()


@pytest.mark.parametrize("word", UNLISTED_ONLY)
def test_emotion_named_only_unlisted_has_no_page_count_link_or_mark(canaries: Path, word: str) -> None:
    unlisted = "2026/03/12/by-link/index.html"
    for relpath, data in snapshot(canaries / PUBLIC).items():
        if relpath != unlisted:
            assert word not in relpath and word.encode() not in data.lower(), relpath
    chips = html(canaries / PUBLIC / unlisted).select(".chips .chip")
    own = [c for c in chips if c.get_text(strip=True) == word]
    assert own and own[0].name == "span", "a chip of the run's own page, linking nowhere"
    assert [c.get_text(strip=True) for c in chips if c.name == "a"] == ["calm"]


def test_counts_and_moods_come_from_listed_runs_only(canaries: Path) -> None:
    index = html(canaries / PUBLIC / "emotions/index.html")
    counts = {li.a.get_text(strip=True): li.select_one(".count").get_text() for li in index.select(".emotion-list li")}
    assert counts == {"calm": "1", "relieved": "1"}
    calm = html(canaries / PUBLIC / "emotions/calm/index.html")
    mood = {div.dt.get_text(): div.dd.get_text() for div in calm.select(".mood-change div")}
    assert mood == {"Before, on average": "2.0/5", "After, on average": "4.0/5", "Change per run": "+2.0"}
    assert [li.a.get_text(strip=True) for li in calm.select(".companions li")] == ["relieved"]


def test_private_runs_do_not_stretch_the_months_of_an_emotion(canaries: Path) -> None:
    calm = html(canaries / PUBLIC / "emotions/calm/index.html")
    assert [row.th.get_text() for row in calm.select(".emotion-months-table tbody tr")] == ["March 2026"]
    assert "Named in 1 of 1 month of the journal." in calm.select_one(".emotion-months figcaption").get_text()
    for relpath, data in snapshot(canaries / PUBLIC).items():
        if relpath.endswith((".html", ".xml", ".json", ".txt")):
            assert b"2025" not in data and b"November" not in data, relpath


# --- the writer's words ------------------------------------------------------------------------


def test_chips_show_the_word_as_written_and_the_emotion_page_lists_the_words(make_site, run_cli) -> None:
    site = make_site({"content/a.md": run("First", "2026-03-01", "[nervous, Shame]"),
                      "content/b.md": run("Second", "2026-03-02", "[anxious]")})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    story = html(site / PUBLIC / "2026/03/01/first/index.html")
    chips = [chip.get_text() for chip in story.select(".chip")]
    assert "nervous" in chips and "shame" in chips and "anxious" not in chips and "ashamed" not in chips
    page = html(site / PUBLIC / "emotions/anxious/index.html")
    assert page.h1.select_one(".chip").get_text() == "anxious"
    assert "Named on 2 runs" in page.select_one(".count-line").get_text()
    assert [w.get_text() for w in page.select(".words-line .word")] == ["anxious", "nervous"]
    checked = run_cli("check", "--site", str(site))
    assert checked.exit_code == 0
    assert checked.stdout.count('"nervous" is grouped under the emotion "anxious"') == 1
    assert checked.stdout.count('"shame" is grouped under the emotion "ashamed"') == 1
    assert "no errors, 2 notes." in checked.stdout
