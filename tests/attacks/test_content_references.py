"""Link references, image references and footnotes defined only in private blocks do not exist for the public render."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.attacks.content_scan import Scanned, assert_absent, assert_present, build, run, story, write_site
from tests.conftest import html


def jpeg() -> bytes:
    """Return a small JPEG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 140, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


STORIES = {
    "links": (
        "I found [the old track][trk] again, and [another][two].\n\n"
        "::: private\n"
        "[trk]: https://quarnelby.example.org/brindlecote \"the veltranor path\"\n"
        "[two]: <https://example.org/mistlehaven?who=ostrevin>\n"
        ":::\n",
        ["quarnelby", "brindlecote", "veltranor", "mistlehaven", "ostrevin"]),
    "image reference": (
        "The view: ![a view][view] and the end.\n\n"
        "::: private\n"
        "[view]: karvelstone.jpg \"taken at ploughwyn\"\n"
        ":::\n",
        ["karvelstone", "ploughwyn"]),
    "footnotes": (
        "First[^a], hidden[^grimsworth] and last[^b].\n\n"
        "[^a]: A shared note.\n"
        "[^b]: Another shared note.\n\n"
        "::: private\n"
        "[^grimsworth]: The note about tollybrack.\n"
        ":::\n",
        ["grimsworth", "tollybrack"]),
    "only footnote private": (
        "A sentence with a note[^x].\n\n"
        "::: private\n"
        "[^x]: The wendrasson note.\n"
        "A mark of my own[^y] and an inline one^[about hobbleswick].\n\n"
        "[^y]: lanterfell\n"
        ":::\n",
        ["wendrasson", "lanterfell", "hobbleswick"]),
    "nested and quoted": (
        "See [here][deep] and [there][quoted].\n\n"
        "::: private\n"
        "::: aside\n"
        "[deep]: https://example.org/cobbleranth\n"
        ":::\n"
        ":::\n\n"
        "> ::: private\n"
        "> [quoted]: https://example.org/sparrowgild\n"
        "> :::\n",
        ["cobbleranth", "sparrowgild"]),
    "defined twice": (
        "::: private\n"
        "[home]: https://example.org/hollowmarch\n"
        ":::\n\n"
        "Back [home][home].\n\n"
        "[home]: https://example.org/public-home\n",
        ["hollowmarch"]),
}
LABELS = {"grimsworth"}  # footnote labels: the journal shows their numbers, not them


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Scanned, Scanned]:
    """Build one site with every story (and the image only a private block names): (public, journal)."""
    files: dict[str, str | bytes] = {f"content/{name.replace(' ', '-')}.md": story(body, title=name)
                                     for name, (body, _) in STORIES.items()}
    files["content/karvelstone.jpg"] = jpeg()
    site = write_site(tmp_path_factory.mktemp("references"), files)
    return Scanned(build(run, site)), Scanned(build(run, site, journal=True))


def page(output: Scanned, name: str):
    """Return a story's page, parsed."""
    return html(output.folder / f"2026/03/14/{name.replace(' ', '-')}/index.html")


@pytest.mark.parametrize("name", STORIES)
def test_definitions_inside_private_blocks_do_not_reach_the_public_site(built, name: str) -> None:
    public, journal = built
    assert_absent(public, STORIES[name][1])
    assert_present(journal, [w for w in STORIES[name][1] if w not in LABELS])


def test_a_link_to_a_private_definition_keeps_only_its_text(built) -> None:
    story_page = page(built[0], "links")
    body = story_page.select_one("main") or story_page
    assert "the old track" in body.get_text()
    assert not [a for a in body.find_all("a") if a.get_text() in ("the old track", "another")]
    assert "[trk]" not in body.get_text()


def test_an_image_named_only_in_a_private_block_is_neither_shown_nor_copied(built) -> None:
    public = built[0]
    assert not list(public.folder.rglob("*.jpg"))
    assert not page(public, "image reference").select("article img, main img")
    assert list(built[1].folder.rglob("karvelstone*"))


def test_private_footnotes_leave_no_gap_and_no_empty_note(built) -> None:
    story_page = page(built[0], "footnotes")
    marks = [a.get_text() for a in story_page.select("sup.footnote-ref a")]
    assert marks == ["[1]", "[2]"]
    notes = [li.get_text(" ", strip=True) for li in story_page.select("li.footnote-item")]
    assert len(notes) == 2 and "A shared note." in notes[0] and "Another shared note." in notes[1]
    alone = page(built[0], "only footnote private")
    assert not alone.select(".footnotes, .footnote-ref, .footnotes-sep")
    assert "[^x]" not in alone.get_text() and "A sentence with a note." in alone.get_text()


def test_a_public_definition_wins_over_a_private_one(built) -> None:
    links = [a.get("href") for a in page(built[0], "defined twice").find_all("a")]
    assert "https://example.org/public-home" in links
