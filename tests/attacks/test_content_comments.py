"""An HTML comment never reaches a public byte, wherever it starts and ends, in the body or the front matter."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.attacks.content_scan import Scanned, assert_absent, assert_present, build, run, story, write_site
from tests.conftest import html


def png() -> bytes:
    """Return a small PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (10, 160, 90)).save(buffer, "PNG")
    return buffer.getvalue()


#: name -> (body, canaries, whether the journal's HTML keeps the comment)
BODIES: dict[str, tuple[str, list[str], bool]] = {
    "image alt": ("![The hill <!-- quellingford --> at dawn](view.png) and on we went.\n", ["quellingford"], False),
    "image alt across the bracket": ("![Hill <!-- smeltharrow ](view.png) -->](view.png) onwards.\n",
                                     ["smeltharrow"], False),
    "image alt across lines": ("![Hill <!-- prossingdell\n\nbaxtermoor --> top](view.png) onwards.\n",
                               ["prossingdell", "baxtermoor"], False),
    "mid-line across a blank line": ("We ran <!-- trevennick\n\nand wolsterby --> to the river.\n\nAfter.\n",
                                     ["trevennick", "wolsterby"], False),
    "link text": ("A [good <!-- amblethorpe --> route](https://example.org/route) today.\n", ["amblethorpe"], True),
    "link title": ("A [route](https://example.org/r \"see <!-- crundlewick --> it\") today.\n", ["crundlewick"], False),
    "heading": ("Intro.\n\n## Hills <!-- vannersby --> and dales\n\nText.\n", ["vannersby"], True),
    "never closed": ("Shared words.\n\nMore <!-- hestercombe to the very end\n\nand gorrowdale.\n",
                     ["hestercombe", "gorrowdale"], True),
    "block comment": ("Before.\n\n<!--\nmellinshaw\n\n\nfarrowdene\n-->\n\nAfter.\n", ["mellinshaw", "farrowdene"], True),
    "table, list and quote": ("| a | b |\n|---|---|\n| x <!-- pendlemoth --> | y |\n\n- item <!-- arkengarth -->\n\n"
                              "> quote <!-- swaledown -->\n", ["pendlemoth", "arkengarth", "swaledown"], True),
    "odd comment forms": ("A <!--> short one, a <!---> dashed one, and <!--- threlkeldin ---> end.\n",
                          ["threlkeldin"], True),
    "inside a private block": ("Open.\n\n::: private\nSecret <!-- dorringcote -->\n:::\n\nShut <!-- fellbarrow -->.\n",
                               ["dorringcote", "fellbarrow"], True),
    "comment hides a fence": ("::: private\nsecret <!-- \n:::\n-->\nbramblingham\n:::\nPublic.\n", ["bramblingham"], True),
    "first thing in the body": ("<!-- kettlewhin --> The day began.\n", ["kettlewhin"], True),
    "in code": ("```html\n<!-- skelbrooke -->\n```\n\nInline `<!-- wrayholme -->` too.\n", ["skelbrooke", "wrayholme"], True),
}

FRONT = {
    "title": ("title: Hills <!-- gransmoor --> again\n", ["gransmoor"]),
    "summary and intention": ("summary: Legs <!-- hawkshead summary --> fine\nintention: calm <!-- ribblesdown -->\n",
                              ["hawkshead", "ribblesdown"]),
    "tags and emotions": ("tags: [hills, \"<!-- scarthwaite -->\"]\nemotions: [calm, \"glad <!-- ulpha -->\"]\n",
                          ["scarthwaite", "ulpha"]),
    "heading title": ("", ["caldbergh", "tebaythorn"]),
}
HEADING_BODY = "# Up <!-- caldbergh --> the fell\n\nA <!-- tebaythorn --> day.\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scanned, Scanned]:
    """Build one site with every story: (public, journal)."""
    files: dict[str, str | bytes] = {"content/view.png": png()}
    for index, (name, (body, _, _)) in enumerate(BODIES.items()):
        files[f"content/body-{index}.md"] = story(body, title=f"Body {index}")
    for index, (name, (front, _)) in enumerate(FRONT.items()):
        body = HEADING_BODY if name == "heading title" else "A run.\n"
        title = "" if name == "heading title" or front.startswith("title") else f"title: Front {index}\n"
        files[f"content/front-{index}.md"] = f"---\n{title}date: 2026-04-{index + 1:02d}\nvisibility: public\n{front}---\n{body}"
    site = write_site(tmp_path_factory.mktemp("comments"), files)
    return Scanned(build(run, site)), Scanned(build(run, site, journal=True))


@pytest.mark.parametrize("name", BODIES)
def test_no_comment_in_a_body_reaches_the_public_site(built, name: str) -> None:
    body, canaries, journal_keeps = BODIES[name]
    assert_absent(built[0], canaries)
    if journal_keeps:
        assert_present(built[1], canaries[:1])


@pytest.mark.parametrize("name", FRONT)
def test_no_comment_in_the_front_matter_reaches_the_public_site(built, name: str) -> None:
    assert_absent(built[0], FRONT[name][1])


def test_the_text_around_comments_is_still_published(built) -> None:
    alt = html(built[0].folder / "2026/03/14/body-0/index.html").select_one("article img, main img")
    assert alt is not None and " ".join(alt["alt"].split()) == "The hill at dawn"
    heading = html(built[0].folder / "2026/04/04/up-the-fell/index.html")
    assert "Up the fell" in heading.title.get_text()
    river = html(built[0].folder / "2026/03/14/body-3/index.html").get_text(" ")
    assert "We ran" in river and "to the river." in river and "After." in river


def test_a_comment_in_an_image_alt_is_not_in_the_feeds_or_share_tags(built) -> None:
    for name in ("feed.xml", "feed.json"):
        text = (built[0].folder / name).read_text("utf-8")
        assert "The hill" in text and "quellingford" not in text
    meta = html(built[0].folder / "2026/03/14/body-0/index.html").find("meta", attrs={"property": "og:description"})
    assert meta is not None and "<!--" not in meta["content"]
