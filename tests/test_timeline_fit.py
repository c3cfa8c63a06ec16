"""The timeline fits its column at phone and desktop widths, and its mood line breaks across long gaps."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, entry, serve_folder

EMOTIONS = ["calm", "joy", "sad", "anxious", "grateful", "tired"]


def runs(first: date, count: int, step: int) -> dict[str, str]:
    """Return `count` public runs every `step` days from `first`, each with emotions and moods."""
    files = {}
    for n in range(count):
        day = first + timedelta(days=n * step)
        files[f"content/{day:%Y-%m-%d}-run.md"] = entry({
            "title": f"Run {day:%d %b %Y}", "date": f"{day:%Y-%m-%d}", "visibility": "public",
            "emotions": "[" + ", ".join(EMOTIONS[(n + k) % 6] for k in range(1 + n % 3)) + "]",
            "mood_before": 1 + n % 5, "mood_after": 1 + (n + 2) % 5})
    return files


@pytest.fixture(scope="module", params=["demo", "gap", "busy"])
def public(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a public site (the demo journal, one with a nine-month gap, one busy year) and return its folder."""
    from click.testing import CliRunner

    from generator.cli import cli

    root = tmp_path_factory.mktemp(request.param)
    if request.param == "demo":
        shutil.copy(REPO / "site.toml", root / "site.toml")
        shutil.copytree(REPO / "content", root / "content")
    else:
        files = (runs(date(2025, 1, 6), 8, 4) | runs(date(2025, 11, 3), 8, 3) if request.param == "gap"
                 else runs(date(2025, 1, 1), 300, 1))
        (root / "site.toml").write_text('title = "T"\nbase_url = "https://r.footfall.test/"\n', "utf-8")
        for relpath, text in files.items():
            (root / relpath).parent.mkdir(parents=True, exist_ok=True)
            (root / relpath).write_text(text, "utf-8")
    result = CliRunner().invoke(cli, ["build", "--site", str(root)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return root / "output" / "public"


MEASURE = """() => {
  const svg = document.querySelector('.timeline svg');
  const box = svg.parentElement.getBoundingClientRect();
  const table = document.querySelector('.timeline-table').getBoundingClientRect();
  const main = document.querySelector('main').getBoundingClientRect();
  return {scroll: document.scrollingElement.scrollWidth, client: document.scrollingElement.clientWidth,
          svgRight: svg.getBoundingClientRect().right, boxRight: box.right, svgWidth: svg.getBoundingClientRect().width,
          tableRight: table.right, mainRight: main.right};
}"""


def test_the_timeline_fits_its_column(public: Path) -> None:
    """At 320, 390, 1366 and 1920 px: no horizontal scroll; the chart and the table end inside their column."""
    if not Path(CHROMIUM).is_file():
        pytest.skip("needs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with serve_folder(public) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for width in (320, 390, 1366, 1920):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(url + "timeline/")
                found = page.evaluate(MEASURE)
                page.close()
                assert found["scroll"] <= found["client"], (width, found)
                assert found["svgRight"] <= found["boxRight"] + 0.5, (width, found)
                assert found["tableRight"] <= found["mainRight"] + 0.5, (width, found)
        finally:
            browser.close()

def test_the_mood_line_breaks_across_a_long_gap_and_ends_at_the_last_run(public: Path) -> None:
    """Nine quiet months leave the lines broken; no line goes past the last run's mark."""
    import xml.etree.ElementTree as ET

    text = (public / "timeline/index.html").read_text("utf-8")
    svg = ET.fromstring(text[text.index("<svg"):text.index("</svg>") + 6])
    ns = "{http://www.w3.org/2000/svg}"
    lines = [[float(p.split(",")[0]) for p in line.get("points").split()] for line in svg.iter(f"{ns}polyline")]
    marks = [float(c.get("cx")) for c in svg.iter(f"{ns}circle") if c.get("r") == "2.5"]
    assert lines and max(x for line in lines for x in line) <= max(marks)
    if public.parent.name.startswith("gap"):
        assert len(lines) == 4  # before and after, each in two stretches
