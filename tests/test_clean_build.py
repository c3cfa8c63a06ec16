"""The plain clean build (generator/pipeline/build.py) is the reference: every build the CLI makes equals it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.pipeline.build import clean_build
from generator.pipeline.markdown import Audience
from tests.conftest import REPO, SITE_TOML, entry, snapshot
from tests.test_images import photo_with_gps

AUDIENCES: tuple[Audience, ...] = ("public", "journal")


def build_args(root: Path, audience: Audience) -> list[str]:
    """Return the CLI arguments that build one audience of a site."""
    return ["build", "--site", str(root), *(["--journal"] if audience == "journal" else [])]


def assert_equals_clean(root: Path, audience: Audience, run_cli: Callable[..., Result]) -> None:
    """Build through the CLI and check every output file against the clean build, byte for byte."""
    result = run_cli(*build_args(root, audience))
    assert result.exit_code == 0, result.output
    made = clean_build(root, audience)
    assert made.ok, made.problems
    built = snapshot(root / "output" / audience)
    assert sorted(built) == sorted(made.files)
    assert [path for path in built if built[path] != made.files[path]] == []


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file (the size changes, so no build can miss it)."""
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """Return a copy of the demo site (content/ and site.toml)."""
    root = tmp_path / "demo"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.toml", root / "site.toml")
    return root


@pytest.mark.parametrize("audience", AUDIENCES)
def test_the_demo_site_builds_as_the_clean_build_makes_it(demo: Path, audience: Audience,
                                                          run_cli: Callable[..., Result]) -> None:
    assert_equals_clean(demo, audience, run_cli)
    story = next(p for p in sorted((demo / "content").rglob("*.md")) if "visibility: public" in p.read_text("utf-8"))
    with story.open("a", encoding="utf-8") as out:
        out.write("\nOne more line, written after the run.\n")
    assert_equals_clean(demo, audience, run_cli)  # a body edit (the journal's quick path)
    edit(story, "title:", "title: Renamed,")
    assert_equals_clean(demo, audience, run_cli)  # a front matter edit


def fixture_site(make_site: Callable[..., Path], site_toml: str = SITE_TOML) -> Path:
    """Return a small site: runs of every visibility, a page, a photo, a private passage, pagination."""
    files: dict[str, str | bytes] = {
        "content/pages/about.md": entry("title: About\nvisibility: public", "About me. [Home](/)\n"),
        "content/2026/river.jpg": photo_with_gps(700, 400),
        "content/2026/river.md": entry("title: By the river\ndate: 2026-03-02T07:00:00\nvisibility: public\n"
                                       "emotions: [calm, Grateful]\ntags: [river]\ndistance: 8 km\nduration: '44:00'",
                                       "Along the water. ![the river](river.jpg)\n\n::: private\nNot for them.\n:::\n"),
    }
    for n in range(9):
        visibility = ("public", "private", "unlisted")[n % 3]
        files[f"content/2026/run-{n}.md"] = entry(
            f"title: Run {n}\ndate: 2026-02-{n + 1:02d}\nvisibility: {visibility}\n"
            f"emotions: [{('grief', 'joy', 'anxious')[n % 3]}, calm]\ntags: [easy, 'tag {n % 2}']\nmood_before: 2\n"
            f"mood_after: {1 + n % 5}", f"Run number {n}.\n")
    return make_site(files, site_toml)


SITES = {
    "default": SITE_TOML,
    "paper, under a path": SITE_TOML.replace("https://runs.example.org/", "https://example.org/runs/")
    + 'theme = "paper"\n',
}


@pytest.mark.parametrize("site_toml", SITES.values(), ids=SITES.keys())
def test_fixture_sites_build_as_the_clean_build_makes_them(make_site: Callable[..., Path], site_toml: str,
                                                           run_cli: Callable[..., Result]) -> None:
    root = fixture_site(make_site, site_toml)
    for audience in AUDIENCES:
        assert_equals_clean(root, audience, run_cli)
    edit(root / "content/2026/run-3.md", "Run number 3.", "Run number three, slower.")
    edit(root / "content/2026/run-4.md", "title: Run 4", "title: Run four")
    for audience in AUDIENCES:
        assert_equals_clean(root, audience, run_cli)


def test_a_macro_imported_without_context_links_from_the_page_it_is_used_on(make_site: Callable[..., Path],
                                                                            run_cli: Callable[..., Result]) -> None:
    root = fixture_site(make_site)
    (root / "templates/partials").mkdir(parents=True)
    (root / "templates/partials/home.html").write_text('{% macro home() %}<a class="home" href="{{ "/" | rel }}">'
                                                       "home</a>{% endmacro %}\n", "utf-8")
    (root / "templates/page.html").write_text('{% extends "default/page.html" %}{% from "partials/home.html" import '
                                              "home %}{% block main %}{{ home() }}{{ super() }}{% endblock %}\n",
                                              "utf-8")
    assert_equals_clean(root, "journal", run_cli)
    assert '<a class="home" href="../">' in (root / "output/journal/about/index.html").read_text("utf-8")


@pytest.mark.parametrize("audience", AUDIENCES)
def test_many_recorded_routes_build_as_the_clean_build_makes_them(make_site: Callable[..., Path], audience: Audience,
                                                                  run_cli: Callable[..., Result]) -> None:
    """Enough routes that the build reads, cuts and draws them over the cores; one recording is broken."""
    from tests.test_route_privacy import PRIVACY_TOML, gpx, out_and_back

    files: dict[str, str | bytes] = {}
    for n in range(12):
        files[f"content/2026/r{n}.gpx"] = gpx(out_and_back(0.3 * n, 0.2 + 0.05 * n, out=3000.0))
        files[f"content/2026/r{n}.md"] = entry(
            f"title: Route {n}\ndate: 2026-03-{n + 1:02d}T07:00:00\nvisibility: {('public', 'private')[n % 2]}\n"
            f"route: r{n}.gpx\nslug: r{n}", f"Loop {n}.\n")
    files["content/2026/r11.gpx"] = "<gpx>not a run"
    root = make_site(files, PRIVACY_TOML)
    result = run_cli(*build_args(root, audience))
    assert result.exit_code == 1 and "cannot read the recording 'r11.gpx'" in " ".join(result.output.split())
    (root / "content/2026/r11.gpx").write_text(gpx(out_and_back(2.0, 0.4, out=900.0)), "utf-8")
    assert_equals_clean(root, audience, run_cli)
    page = (root / "output" / audience / "2026/03/01/r0/index.html").read_text("utf-8")
    assert "<svg" in page
