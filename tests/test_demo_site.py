"""Golden checks of the demo journal's main pages, parsed with an HTML parser."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO, html


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a copy of the demo site, built for both audiences."""
    from click.testing import CliRunner

    from generator.cli import cli

    root = tmp_path_factory.mktemp("demo")
    shutil.copy(REPO / "site.toml", root / "site.toml")
    shutil.copytree(REPO / "content", root / "content")
    runner = CliRunner()
    for args in (["build"], ["build", "--journal"]):
        result = runner.invoke(cli, [*args, "--site", str(root)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return root


def test_home_lists_public_stories_newest_first(demo: Path) -> None:
    page = html(demo / "output/public/index.html")
    assert page.html["lang"] == "en"
    assert page.title.string == "Miles and Feelings"
    titles = [a.get_text(strip=True) for a in page.select(".entry-card-title a")]
    assert len(titles) == 10
    dates = [t["datetime"] for t in page.select(".entry-card time")]
    assert dates == sorted(dates, reverse=True)
    assert page.select_one('nav.pagination a[rel="next"]')["href"] == "page/2/"


def test_entry_page_shows_the_run(demo: Path) -> None:
    page = html(demo / "output/public/2026/03/14/old-house/index.html")
    assert page.h1.get_text(strip=True) == "Past the old house"
    facts = {dt.get_text(): dd.get_text() for dt, dd in zip(page.select(".run-facts dt"), page.select(".run-facts dd"))}
    assert set(facts) >= {"Distance", "Time", "Pace"}
    assert page.select_one(".intention").get_text(strip=True).startswith("Intention")
    assert page.select(".chips .chip")
    assert page.select_one(".mood-shift")
    assert page.select_one(".private-passage") is None
    assert page.select_one('nav.neighbours a[rel="prev"]') and page.select_one('nav.neighbours a[rel="next"]')


def test_journal_shows_private_passages_and_entries(demo: Path) -> None:
    page = html(demo / "output/journal/2026/03/14/old-house/index.html")
    assert page.select_one(".private-passage")
    assert page.find("meta", attrs={"name": "robots", "content": "noindex"})
    journal_home = html(demo / "output/journal/index.html")
    assert journal_home.select(".badge-private")


def test_pages_archive_tags_and_404(demo: Path) -> None:
    out = demo / "output/public"
    assert html(out / "about/index.html").h1.get_text(strip=True) == "About"
    assert html(out / "when-running-isnt-enough/index.html").h1
    archive = html(out / "archive/index.html")
    assert [h.get_text(" ", strip=True).split()[0] for h in archive.select(".archive-year h2")] == ["2026"]
    assert archive.select(".archive-list li")
    tags = html(out / "tags/index.html")
    for link in tags.select(".term-list a"):
        assert (out / "tags" / link["href"].removeprefix("../tags/") / "index.html").is_file()
    assert html(out / "404.html").h1.get_text(strip=True) == "Page not found"
    assert (out / "robots.txt").read_text().startswith("User-agent: *")


def test_image_is_copied_with_its_page(demo: Path) -> None:
    images = list((demo / "output/public").rglob("harbour-sunrise.jpg"))
    assert len(images) == 1
    page = html(images[0].parent / "index.html")
    img = page.select_one(".entry-body img")
    assert img["src"] == "harbour-sunrise.jpg" and img["alt"]


def test_every_internal_link_resolves(demo: Path) -> None:
    for audience in ("public", "journal"):
        out = demo / "output" / audience
        for file in out.rglob("*.html"):
            if file.name == "404.html":
                continue
            for tag in html(file).select("a[href], link[href], img[src]"):
                target = tag.get("href") or tag.get("src")
                if target.startswith(("http:", "https:", "mailto:", "#")):
                    continue
                resolved = (file.parent / target.split("#")[0]).resolve()
                if resolved.is_dir():
                    resolved = resolved / "index.html"
                assert resolved.is_file(), f"{file.relative_to(out)} -> {target}"
