"""No broken internal links or missing assets; every page has a language, a title and image alt text."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.quality.conftest import BUILDS, Built

LINK_ATTRIBUTES = ("href", "src", "poster", "data")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


@cache
def parse(path: Path) -> BeautifulSoup:
    """Return a built page, parsed once."""
    return BeautifulSoup(path.read_text("utf-8"), "lxml")


@cache
def ids(path: Path) -> frozenset[str]:
    """Return the ids of the elements of a built page."""
    return frozenset(str(tag["id"]) for tag in parse(path).find_all(id=True))


def references(page: BeautifulSoup) -> list[str]:
    """Return every URL a page refers to: links, sources, srcset candidates."""
    found: list[str] = []
    for tag in page.find_all(True):
        found.extend(str(tag[attr]) for attr in LINK_ATTRIBUTES if tag.has_attr(attr))
        if tag.has_attr("srcset"):
            found.extend(part.split()[0] for part in str(tag["srcset"]).split(",") if part.strip())
    return found


def target(build_root: Path, source: Path, url: str) -> tuple[Path, str] | None:
    """Return the file a local URL points to and its fragment; None for external URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return None
    path = unquote(parts.path)
    if not path:
        return source, parts.fragment
    base = build_root if path.startswith("/") else source.parent
    resolved = (base / path.lstrip("/")).resolve()
    if path.endswith("/") or resolved.is_dir():
        resolved = resolved / "index.html"
    return resolved, parts.fragment


def broken_links(built: Built) -> list[str]:
    """Return every reference from HTML and CSS that points at nothing."""
    root = built.folder.resolve()
    broken: list[str] = []
    checks = [(p, url) for p in built.html_files() for url in references(parse(p))]
    checks += [(p, url) for p in sorted(root.rglob("*.css")) for url in CSS_URL.findall(p.read_text("utf-8"))]
    for source, url in checks:
        found = target(root, source, url)
        if found is None or url.startswith("data:"):
            continue
        path, fragment = found
        where = f"{source.relative_to(root)} -> {url}"
        if root not in path.parents:
            broken.append(f"{where} (leaves the site)")
        elif not path.is_file():
            broken.append(f"{where} (no such file)")
        elif fragment and path.suffix == ".html" and fragment not in ids(path):
            broken.append(f"{where} (no element with id {fragment!r})")
    return broken


@pytest.mark.parametrize("name", BUILDS)
def test_no_broken_internal_links_or_missing_assets(builds: dict[str, Built], name: str) -> None:
    assert broken_links(builds[name]) == []


@pytest.mark.parametrize("name", BUILDS)
def test_every_page_has_a_language_a_title_and_image_alt_text(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    for path in built.html_files():
        page = parse(path)
        where = path.relative_to(built.folder)
        assert page.html and page.html.get("lang"), f"{where}: no lang"
        assert page.title and page.title.get_text(strip=True), f"{where}: no title"
        for img in page.find_all("img"):
            assert img.get("alt") is not None, f"{where}: <img src={img.get('src')!r}> has no alt"


@pytest.mark.parametrize("name", BUILDS)
def test_every_page_has_landmarks_and_a_working_skip_link(builds: dict[str, Built], name: str) -> None:
    built = builds[name]
    for path in built.html_files():
        page = parse(path)
        where = path.relative_to(built.folder)
        assert len(page.find_all("main")) == 1, f"{where}: needs exactly one <main>"
        assert page.find("header") and page.find("footer") and page.find("nav"), f"{where}: landmarks missing"
        skip = page.find("a", class_="skip-link")
        assert skip and page.find(id=skip["href"].lstrip("#")), f"{where}: skip link goes nowhere"
        assert len(page.find_all("h1")) == 1, f"{where}: needs exactly one <h1>"


def test_the_link_checker_catches_broken_links(tmp_path: Path) -> None:
    (tmp_path / "css").mkdir()
    (tmp_path / "css/site.css").write_text('@font-face { src: url("../fonts/gone.woff2"); }\n', "utf-8")
    (tmp_path / "here").mkdir()
    (tmp_path / "here/index.html").write_text('<p id="top">x</p>', "utf-8")
    (tmp_path / "index.html").write_text(
        '<link rel="stylesheet" href="css/site.css"><a href="here/">ok</a><a href="here/#top">ok</a>'
        '<a href="https://example.org/">external</a><a href="gone/">no</a><a href="here/#nowhere">no</a>'
        '<img src="missing.png" alt="" srcset="here/index.html 1x, missing@2x.png 2x">', "utf-8")
    found = broken_links(Built("test", "public", tmp_path))
    assert [line.split(" -> ")[1].split(" (")[0] for line in found] == [
        "gone/", "here/#nowhere", "missing.png", "missing@2x.png", "../fonts/gone.woff2"]
