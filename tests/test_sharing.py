"""Story pages built to be shared: Open Graph, Twitter and JSON-LD meta, share links, and nothing private."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from hypothesis import example, given, settings
from hypothesis import strategies as st
from PIL import Image

from generator.outputs.sharing import _query, script_json
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, serve_folder, SITE_TOML, html, snapshot
from tests.test_privacy import COMMENT_CANARY, PASSAGE_CANARY, PRIVATE_CANARIES, canary_site

STORY = "2026/03/13/a-story-to-share/"
UNLISTED = "2026/03/12/a-shared-by-link-run/"
BASE = "https://runs.example.org/"


def site_writer(root: Path):
    """Return a make_site-like function writing into root (for module-scoped fixtures)."""

    def make(files, site_toml: str = SITE_TOML) -> Path:
        root.mkdir(parents=True, exist_ok=True)
        (root / "site.toml").write_text(site_toml, "utf-8")
        for relpath, content in files.items():
            path = root / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, "utf-8")
        return root

    return make


def build_both(site: Path) -> Path:
    """Build a site for both audiences through the CLI."""
    from click.testing import CliRunner

    from generator.cli import cli

    for args in (["build"], ["build", "--journal"]):
        result = CliRunner().invoke(cli, [*args, "--site", str(site)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the canary site, built for both audiences."""
    return build_both(canary_site(site_writer(tmp_path_factory.mktemp("sharing") / "site")))


def meta(page: BeautifulSoup, key: str) -> str:
    """Return the content of a <meta property|name=key>."""
    tag = page.find("meta", attrs={"property": key}) or page.find("meta", attrs={"name": key})
    assert tag is not None, key
    return str(tag["content"])


def json_ld(page: BeautifulSoup) -> dict:
    """Return the one JSON-LD object of a page."""
    scripts = page.find_all("script", attrs={"type": "application/ld+json"})
    assert len(scripts) == 1
    return json.loads(scripts[0].string)


def test_story_has_open_graph_and_twitter_meta(built: Path) -> None:
    page = html(built / "output/public" / STORY / "index.html")
    assert meta(page, "og:type") == "article"
    assert meta(page, "og:title") == "A story to share"
    assert meta(page, "og:description") == "The public part of the story."
    assert meta(page, "og:url") == BASE + STORY
    assert meta(page, "og:image") == BASE + STORY + "card.png"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
    assert meta(page, "article:published_time") == "2026-03-13T08:00:00+01:00"
    assert meta(page, "twitter:card") == "summary_large_image"
    assert meta(page, "twitter:image") == meta(page, "og:image")
    assert page.find("link", rel="canonical")["href"] == BASE + STORY


def test_story_has_a_valid_blog_posting(built: Path) -> None:
    data = json_ld(html(built / "output/public" / STORY / "index.html"))
    assert data["@context"] == "https://schema.org" and data["@type"] == "BlogPosting"
    assert data["headline"] == "A story to share" and data["description"] == "The public part of the story."
    assert data["datePublished"] == "2026-03-13T08:00:00+01:00"
    assert data["url"] == BASE + STORY and data["author"] == {"@type": "Person", "name": "Test Runner"}
    assert data["image"]["url"] == BASE + STORY + "card.png"
    run = data["about"]
    assert run["@type"] == "ExerciseAction" and run["exerciseType"] == "Running" and run["distance"] == "5 km"


def test_json_ld_cannot_close_its_script(make_site, run_cli) -> None:
    from tests.conftest import entry

    site = make_site({"content/a.md": entry("title: Ends </script><b>bold\ndate: 2026-03-13\nvisibility: public")})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    page = next((site / "output/public/2026/03/13").glob("*/index.html")).read_text()
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(script)["headline"] == "Ends </script><b>bold"


def test_share_links_carry_the_url_title_and_hashtag(built: Path) -> None:
    page = html(built / "output/public" / STORY / "index.html")
    links = {a["class"][1]: a["href"] for a in page.select(".share-links a")}
    assert set(links) == {"share-email", "share-bluesky", "share-mastodon", "share-x", "share-facebook", "share-whatsapp"}
    url = BASE + STORY
    text = "A story to share #JoggingTherapy"
    mail = urlsplit(links["share-email"])
    assert mail.scheme == "mailto" and parse_qs(mail.query)["body"] == [f"{text}\n\n{url}"]
    assert parse_qs(urlsplit(links["share-bluesky"]).query)["text"] == [f"{text} {url}"]
    assert links["share-bluesky"].startswith("https://bsky.app/intent/compose?")
    assert parse_qs(urlsplit(links["share-mastodon"]).query)["text"] == [f"{text} {url}"]
    assert parse_qs(urlsplit(links["share-x"]).query) == {"text": [text], "url": [url]}
    assert parse_qs(urlsplit(links["share-facebook"]).query) == {"u": [url]}
    assert parse_qs(urlsplit(links["share-whatsapp"]).query)["text"] == [f"{text} {url}"]
    assert "%20" in links["share-email"] and "+" not in links["share-email"]


def test_native_share_button_is_hidden_without_javascript(built: Path) -> None:
    out = built / "output/public"
    page = html(out / STORY / "index.html")
    box = page.select_one(".share-native")
    assert box.has_attr("hidden") and box.button["data-url"] == BASE + STORY
    script = page.select_one('script[src*="static/js/share."]')
    assert (out / STORY / script["src"]).resolve().is_file() and script.has_attr("defer")
    assert not page.select('script[src^="http"]')


def test_unlisted_story_is_shareable_but_noindex(built: Path) -> None:
    page = html(built / "output/public" / UNLISTED / "index.html")
    assert page.find("meta", attrs={"name": "robots", "content": "noindex"})
    assert meta(page, "og:image") == BASE + UNLISTED + "card.png"
    assert page.select(".share-links a") and json_ld(page)["url"] == BASE + UNLISTED


def test_journal_has_no_share_ui_or_social_meta(built: Path) -> None:
    for file in (built / "output/journal").rglob("*.html"):
        page = html(file)
        assert not page.select(".share, script[type='application/ld+json']"), file
        assert not page.find("meta", attrs={"property": "og:url"}), file
        assert not page.find("link", rel="canonical"), file


def test_other_public_pages_have_website_meta_and_feed_discovery(built: Path) -> None:
    out = built / "output/public"
    home = html(out / "index.html")
    assert meta(home, "og:type") == "website" and meta(home, "og:url") == BASE
    feeds = {link["type"]: link["href"] for link in home.find_all("link", rel="alternate")}
    assert feeds == {"application/atom+xml": "feed.xml", "application/feed+json": "feed.json"}
    emotion = html(out / "emotions/calm/index.html")
    alternates = [link["href"] for link in emotion.find_all("link", rel="alternate")]
    assert alternates == ["../../feed.xml", "../../feed.json", "../../emotions/calm/feed.xml"]
    assert (out / "emotions/calm/feed.xml").is_file()
    assert not html(out / "404.html").find("link", rel="canonical")


@pytest.mark.parametrize("canary", [*PRIVATE_CANARIES, PASSAGE_CANARY, COMMENT_CANARY])
def test_share_outputs_hold_no_private_canary(built: Path, canary: str) -> None:
    for relpath, data in snapshot(built / "output/public").items():
        assert canary not in relpath.lower(), relpath
        assert canary.encode() not in data.lower(), relpath
    page = html(built / "output/public" / STORY / "index.html")
    shared = " ".join([json.dumps(json_ld(page)), *(a["href"] for a in page.select(".share a")),
                       *(m.get("content", "") for m in page.find_all("meta"))])
    assert canary not in shared.lower()


def test_every_shared_story_has_a_card_and_private_ones_none(built: Path) -> None:
    out = built / "output/public"
    cards = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.png"))
    assert cards == [UNLISTED + "card.png", STORY + "card.png"]
    for card in cards:
        with Image.open(out / card) as image:
            assert image.format == "PNG" and image.size == (1200, 630)
            colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
            assert colours is not None and len(colours) > 20  # text and chips, not a blank fill
            assert not image.getexif() and not {"exif", "xmp", "comment"} & set(image.info)


def test_cards_are_drawn_once_and_redrawn_only_when_they_change(make_site, run_cli) -> None:
    from tests.conftest import entry

    site = make_site({"content/a.md": entry("title: First light\ndate: 2026-03-13\nvisibility: public\ndistance: 5 km")})
    assert run_cli("build", "--site", str(site)).exit_code == 0
    cache = site / ".footfall-cache/cards"
    stamps = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    assert len(stamps) == 1
    card = site / "output/public/2026/03/13/first-light/card.png"
    drawn = card.read_bytes()
    card.unlink()
    assert run_cli("build", "--site", str(site)).exit_code == 0
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == stamps
    assert card.read_bytes() == drawn
    (site / "content/a.md").write_text(entry("title: First light\ndate: 2026-03-13\nvisibility: public\ndistance: 6 km"))
    assert run_cli("build", "--site", str(site)).exit_code == 0
    assert len(list(cache.iterdir())) == 2 and card.read_bytes() != drawn


# --- in a browser --------------------------------------------------------------------------------

@pytest.fixture
def served(built: Path) -> Iterator[str]:
    """Serve the public build on 127.0.0.1 and return its root URL."""
    with serve_folder(built / "output/public") as url:
        yield url


@pytest.mark.parametrize("javascript", [False, True], ids=["without-js", "with-js"])
def test_share_button_is_progressive_enhancement_in_chromium(served: str, javascript: bool) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").is_file():
        pytest.skip("needs Debian's chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(java_script_enabled=javascript)
            if javascript:
                context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served.rstrip("/"))
            page = context.new_page()
            page.goto(served + STORY)
            assert page.get_by_role("link", name="Bluesky").is_visible()
            button = page.locator(".share-button")
            if not javascript:
                assert not button.is_visible()
                return
            assert button.is_visible()
            label = button.inner_text()
            assert label in ("Copy link", "Share…")
            if label == "Copy link":
                button.click()
                # The copy is asynchronous: wait for the message instead of reading it at once.
                sync_api.expect(page.locator(".share-status")).to_have_text("Link copied.")
                assert page.evaluate("navigator.clipboard.readText()") == BASE + STORY
        finally:
            browser.close()


# --- the share links and JSON-LD are made in fewer steps, to the same characters ------------------

_LEAF = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text()
_TREE = st.recursive(_LEAF, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
                     | st.dictionaries(st.integers(), inner, max_size=2), max_leaves=20)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=5), _TREE, max_size=6))
def test_json_ld_text_is_what_json_dumps_gives(data: dict) -> None:  # type: ignore[type-arg]
    expected = json.dumps(data, ensure_ascii=False, indent=1)
    assert script_json(data) == expected.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@settings(max_examples=400, deadline=None)
@given(st.text(), st.text(alphabet=st.characters(max_codepoint=127)))
@example("Past the old house #JoggingTherapy", "https://runs.example.org/2026/03/13/a-story-to-share/")
@example("100% \u00fcber \U0001f3c3", "a%20b")
def test_share_link_queries_are_what_urlencode_gives(text: str, url: str) -> None:
    try:
        expected = urlencode({"text": text, "url": url}, quote_via=quote)
    except UnicodeEncodeError:  # a lone surrogate: no URL can hold it
        with pytest.raises(UnicodeEncodeError):
            _query(text=text, url=url)
        return
    assert _query(text=text, url=url) == expected
