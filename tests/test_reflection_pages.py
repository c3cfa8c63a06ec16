"""The journal's view of the build date, the insights page, the year in review, body scans and thought labels."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import entry, html, snapshot

FILES = {
    "content/pages/help.md": entry({"title": "Help", "slug": "help"}, "Someone to talk to.\n"),
    "content/2025/a.md": entry({"title": "Frost on the bridge", "date": "2025-06-15T07:00:00", "distance": "5 km",
                                "duration": '"30:00"', "emotions": "[calm, tired]", "mood_before": 2, "mood_after": 4,
                                "visibility": "public", "intention": "Start slow"}),
    "content/2025/b.md": entry({"title": "Quietly in the rain", "date": "2025-11-02T07:00:00", "distance": "7 km",
                                "emotions": "[sad]", "mood_before": 2, "mood_after": 3, "visibility": "private",
                                "body_scan": "sore knee, heavy arms", "thoughts": "[worry, memory]"}),
    "content/2026/c.md": entry({"title": "Hills with Ana", "date": "2026-06-01T18:00:00", "distance": "10 km",
                                "duration": '"1:00:00"', "emotions": "[joyful, calm]", "mood_before": 3,
                                "mood_after": 5, "visibility": "public", "intention": "Enjoy the climb",
                                "body_scan": "light feet, easy breath", "thoughts": "[Planning, gratitude]",
                                "tags": "[hills]"}),
    "content/2026/d.md": entry({"title": "Secret loop", "date": "2026-06-10T18:00:00", "distance": "6 km",
                                "emotions": "[anxious]", "mood_before": 2, "mood_after": 2, "visibility": "unlisted",
                                "intention": "Breathe"}),
}


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    """Return the site above."""
    return make_site(FILES)


def build(run_cli: Callable[..., Result], root: Path, *args: str, today: str = "2026-06-14") -> Result:
    """Build and assert it succeeded."""
    result = run_cli("build", *args, "--today", today, "--site", str(root))
    assert result.exit_code == 0, result.output
    return result


def test_the_journal_home_shows_on_this_day_and_recent_intentions(site: Path, run_cli: Callable[..., Result]) -> None:
    build(run_cli, site, "--journal", today="2026-06-15")
    home = html(site / "output" / "journal" / "index.html")
    remembered = home.select_one(".on-this-day")
    assert remembered is not None and "Frost on the bridge" in remembered.get_text() and "1 year ago" in remembered.get_text()
    intentions = home.select_one(".recent-intentions")
    assert intentions is not None
    assert [p.get_text() for p in intentions.select("p.intention")] == ["Breathe", "Enjoy the climb"]
    assert "after 5/5" in intentions.get_text()
    build(run_cli, site, "--journal", today="2026-06-16")
    assert html(site / "output" / "journal" / "index.html").select_one(".on-this-day") is None


def test_a_new_day_refreshes_only_what_depends_on_it(site: Path, run_cli: Callable[..., Result]) -> None:
    build(run_cli, site, "--journal", today="2026-06-14")
    first = snapshot(site / "output" / "journal")
    again = build(run_cli, site, "--journal", today="2026-06-14")
    assert "0 files written" in again.output
    assert snapshot(site / "output" / "journal") == first
    build(run_cli, site, "--journal", today="2026-06-15")
    second = snapshot(site / "output" / "journal")
    assert {path for path in first if first[path] != second.get(path)} == {"index.html", "insights/index.html"}


def test_the_date_can_come_from_the_environment(site: Path, run_cli: Callable[..., Result]) -> None:
    runner_result = run_cli("build", "--journal", "--site", str(site))
    assert runner_result.exit_code == 0
    from click.testing import CliRunner

    from generator.cli import cli

    result = CliRunner(env={"FOOTFALL_TODAY": "2026-06-15"}).invoke(cli, ["build", "--journal", "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert "15 June 2026" in html(site / "output" / "journal" / "insights" / "index.html").get_text()


def test_the_insights_page_draws_accessible_charts_with_tables(site: Path, run_cli: Callable[..., Result]) -> None:
    build(run_cli, site, "--journal")
    page = html(site / "output" / "journal" / "insights" / "index.html")
    svgs = page.select("svg[role=img]")
    assert len(svgs) == 2 and all(svg.find("title") and svg.find("desc") for svg in svgs)
    assert len(page.select("table")) >= 4
    captions = " ".join(c.get_text() for c in page.select("caption"))
    assert "by emotion" in captions and "by tag" in captions and "by intention" in captions
    rows = {row.th.get_text(): [td.get_text() for td in row.select("td")]
            for row in page.select("table")[-1].select("tbody tr")}  # by intention
    assert rows["Enjoy the climb"] == ["1", "3.0", "5.0", "+2.0"]
    lately = page.select("table")[1].get_text()
    assert "joyful" in lately and "anxious" in lately
    assert page.select_one('nav a[aria-current="page"]').get_text() == "Insights"


def test_the_year_in_review_counts_only_public_stories_in_the_public_build(site: Path,
                                                                           run_cli: Callable[..., Result]) -> None:
    build(run_cli, site)
    build(run_cli, site, "--journal")
    public = site / "output" / "public"
    year = html(public / "year" / "2026" / "index.html")
    text = year.get_text(" ")
    assert "Hills with Ana" in text and "Secret loop" not in text and "anxious" not in text
    assert year.select_one(".run-facts").get_text(" ", strip=True).startswith("Runs 1")
    assert "10 km" in text and "+2.0" in text
    assert "Quietly in the rain" not in html(public / "year" / "2025" / "index.html").get_text()
    assert year.find("a", rel="prev")["href"] == "../../year/2025/"
    archive = html(public / "archive" / "index.html")
    assert {a["href"] for a in archive.select(".year-link a")} == {"../year/2026/", "../year/2025/"}
    journal_year = html(site / "output" / "journal" / "year" / "2026" / "index.html").get_text(" ")
    assert "Secret loop" in journal_year and "Runs 2" in journal_year
    for path in public.rglob("*"):
        if path.is_file():
            assert b"Quietly in the rain" not in path.read_bytes() and b"sore knee" not in path.read_bytes()


def test_body_scan_and_thoughts_show_on_the_entry_page_in_both_themes(make_site: Callable[..., Path],
                                                                     run_cli: Callable[..., Result]) -> None:
    from tests.conftest import SITE_TOML

    for theme in ("default", "paper"):
        root = make_site(FILES, SITE_TOML + f'theme = "{theme}"\n')
        for args in (("--journal",), ()):
            build(run_cli, root, *args)
        story = html(root / "output" / "public" / "2026" / "06" / "01" / "hills-with-ana" / "index.html")
        assert story.select_one(".body-scan").get_text() == "light feet, easy breath"
        assert [li.get_text() for li in story.select(".thoughts li")] == ["planning", "gratitude"]
        private = html(root / "output" / "journal" / "2025" / "11" / "02" / "quietly-in-the-rain" / "index.html")
        assert private.select_one(".body-scan").get_text() == "sore knee, heavy arms"
        assert html(root / "output" / "journal" / "insights" / "index.html").select("svg[role=img]")


@pytest.mark.parametrize(("line", "message"), [
    ("thoughts: {a: b}", "`thoughts` must be a list"),
    ("body_scan: [tight, calves]", "`body_scan` must be a line of text"),
])
def test_a_bad_body_scan_or_thought_list_is_an_error_naming_the_line(line: str, message: str,
                                                                      make_site: Callable[..., Path],
                                                                      run_cli: Callable[..., Result]) -> None:
    root = make_site({"content/bad.md": f"---\ndate: 2026-01-01\n{line}\n---\nText.\n"})
    result = run_cli("build", "--journal", "--site", str(root))
    assert result.exit_code == 1
    assert message in result.output and "bad.md:3" in result.output


def test_reserved_urls_cannot_be_taken_by_a_page(make_site: Callable[..., Path], run_cli: Callable[..., Result]) -> None:
    root = make_site({"content/pages/insights.md": entry({"title": "Insights", "slug": "insights"}, "Mine.\n")})
    result = run_cli("build", "--journal", "--site", str(root))
    assert result.exit_code == 1
    assert "reserved" in result.output


def test_an_edit_to_a_remembered_run_shows_on_the_home_as_a_clean_build_would(site: Path,
                                                                             run_cli: Callable[..., Result]) -> None:
    import shutil

    build(run_cli, site, "--journal", today="2026-06-15")
    source = site / "content/2025/a.md"
    source.write_text(source.read_text("utf-8").replace("A run.", "Ice on every railing."), "utf-8")
    build(run_cli, site, "--journal", today="2026-06-15")
    kept = snapshot(site / "output" / "journal")
    assert "Ice on every railing." in html(site / "output" / "journal" / "index.html").select_one(".on-this-day").get_text()
    shutil.rmtree(site / "output")
    shutil.rmtree(site / ".footfall-cache")
    build(run_cli, site, "--journal", today="2026-06-15")
    assert snapshot(site / "output" / "journal") == kept
