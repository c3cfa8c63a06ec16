"""axe-core in headless Chromium on the main kinds of page, in light and dark; screenshots for people."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.quality.conftest import BUILDS, SCREENSHOTS, Built
from tests.quality.test_links import parse

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
SCHEMES = ("light", "dark")
BLOCKING = ("serious", "critical")


def first_link(built: Built, page: str, selector: str) -> str | None:
    """Return the page a link on another page leads to, as a path relative to the build."""
    source = built.folder / page
    link = parse(source).select_one(selector)
    if link is None:
        return None
    target = (source.parent / str(link["href"])).resolve()
    return (target / "index.html" if target.is_dir() else target).relative_to(built.folder.resolve()).as_posix()


def pages_to_check(built: Built) -> dict[str, str]:
    """Return the home, an entry, an emotion page, the timeline when there is one, and pages with task lists."""
    entry = first_link(built, "index.html", ".entry-card-title a")
    pages = {"home": "index.html", "entry": entry}
    pages["emotion"] = first_link(built, entry, ".chips a.chip") if entry else None
    pages["timeline"] = "timeline/index.html" if (built.folder / "timeline/index.html").is_file() else None
    tasks = [p for p in built.html_files() if parse(p).select_one(".task-list-item")]
    pages["tasks"] = tasks[0].relative_to(built.folder).as_posix() if tasks else None
    return {name: page for name, page in pages.items() if page}


@dataclass(frozen=True)
class Visit:
    """What one visit to a page found."""

    page: str  # path in the build
    viewport: str  # "phone" or "desktop"
    scheme: str  # "light" or "dark"
    violations: tuple[str, ...]  # serious and critical axe-core violations
    requests: tuple[str, ...]  # every URL the page asked for


@dataclass(frozen=True)
class Pass:
    """One way of looking at pages: a viewport and colour scheme, the axe-core rules, what to photograph."""

    viewport: str  # a key of VIEWPORTS
    scheme: str  # "light" or "dark"
    checked: tuple[str, ...]  # pages to run axe-core on ("*" for all of them)
    rules: tuple[str, ...]  # axe-core rules to run; () for all
    photographed: tuple[str, ...]  # pages to save a screenshot of


PASSES = (
    Pass("desktop", "light", ("*",), (), ("home", "entry", "emotion", "timeline")),
    Pass("phone", "light", (), (), ("home", "entry", "emotion", "timeline")),
    Pass("phone", "dark", ("home", "entry", "emotion"), ("color-contrast", "link-in-text-block"), ("home", "entry")),
)


def look(tab: Any, built: Built, how: Pass, name: str, page: str) -> Visit:
    """Open a page, run axe-core if this pass checks it, and save a screenshot if it photographs it."""
    requests: list[str] = []

    def record(request: Any) -> None:
        requests.append(request.url)

    tab.on("request", record)
    tab.goto((built.folder / page).resolve().as_uri())
    tab.evaluate("document.fonts.ready.then(() => true)")
    violations: list[dict[str, Any]] = []
    if "*" in how.checked or name in how.checked:
        tab.add_script_tag(path=str(AXE))
        options = {"resultTypes": ["violations"], **({"runOnly": list(how.rules)} if how.rules else {})}
        violations = tab.evaluate("options => axe.run(document, options)", options)["violations"]
    if name in how.photographed:
        suffix = "-dark" if how.scheme == "dark" else ""
        tab.screenshot(path=str(SCREENSHOTS / f"{built.name}-{name}-{how.viewport}{suffix}.png"), full_page=True)
    tab.remove_listener("request", record)
    found = tuple(f"{page} ({how.viewport}, {how.scheme}): {v['id']} [{v['impact']}] {v['help']}: "
                  + "; ".join(str(n["target"]) for n in v["nodes"][:5])
                  for v in violations if v["impact"] in BLOCKING)
    return Visit(page, how.viewport, how.scheme, found, tuple(requests))


@pytest.fixture(scope="module")
def visits(browser: Any, builds: dict[str, Built]) -> dict[str, list[Visit]]:
    """Look at the main pages of every build in each pass: axe-core results, and screenshots saved."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)  # only this run's pictures, nothing stale
    SCREENSHOTS.mkdir(parents=True)
    found: dict[str, list[Visit]] = {name: [] for name in builds}
    for how in PASSES:
        context = browser.new_context(viewport=VIEWPORTS[how.viewport], color_scheme=how.scheme,
                                      reduced_motion="reduce")
        tab = context.new_page()
        try:
            for name, built in builds.items():
                for page_name, page in pages_to_check(built).items():
                    if "*" in how.checked or page_name in how.checked or page_name in how.photographed:
                        found[name].append(look(tab, built, how, page_name, page))
        finally:
            context.close()
    return found


@pytest.mark.parametrize("name", BUILDS)
def test_no_serious_accessibility_violations(builds: dict[str, Built], visits: dict[str, list[Visit]],
                                             name: str) -> None:
    assert {"home", "entry", "emotion"} <= set(pages_to_check(builds[name]))
    assert [v for found in visits[name] for v in found.violations] == []


@pytest.mark.parametrize("name", BUILDS)
def test_pages_make_no_external_requests(visits: dict[str, list[Visit]], name: str) -> None:
    asked = {url for found in visits[name] for url in found.requests}
    assert any(url.endswith(".css") for url in asked) and any(url.endswith(".woff2") for url in asked)
    assert sorted(url for url in asked if not url.startswith(("file:", "data:"))) == []


@pytest.mark.parametrize("name", BUILDS)
def test_screenshots_at_phone_and_desktop_widths(builds: dict[str, Built], visits: dict[str, list[Visit]],
                                                 name: str) -> None:
    shots = sorted(SCREENSHOTS.glob(f"{name}-*.png"))
    names = {p.stem.removeprefix(f"{name}-") for p in shots}
    assert {"home-phone", "home-desktop", "entry-phone", "entry-desktop", "emotion-phone", "emotion-desktop",
            "home-phone-dark", "entry-phone-dark"} <= names
    assert all(p.stat().st_size > 1000 for p in shots)


def test_axe_catches_a_bad_page(browser: Any, tmp_path: Path) -> None:
    bad = Built("test", "public", tmp_path)
    (tmp_path / "index.html").write_text(
        '<!doctype html><html><title>x</title><img src="a.png"><input type="checkbox">', "utf-8")
    context = browser.new_context()
    try:
        found = look(context.new_page(), bad, PASSES[0], "bad", "index.html")
    finally:
        context.close()
    assert {v.split(": ")[1].split(" ")[0] for v in found.violations} >= {"image-alt", "label", "html-has-lang"}
