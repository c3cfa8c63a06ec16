"""The search index is the same whether Pagefind reads whole pages or only their searchable part."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.outputs import search
from tests.conftest import snapshot
from tests.test_search import journal_files


def built_pages(root: Path, audience: str) -> list[tuple[str, bytes]]:
    """Return a build's pages as the index is given them."""
    return sorted((relpath, data) for relpath, data in snapshot(root / "output" / audience).items()
                  if relpath.endswith(".html"))


@pytest.mark.parametrize("audience", ["public", "journal"])
def test_cutting_pages_to_their_searchable_part_gives_the_same_index(make_site, run_cli, monkeypatch,
                                                                     audience: str) -> None:
    root = make_site(journal_files())
    flags = ("--journal",) if audience == "journal" else ()
    result = run_cli("build", "--site", str(root), *flags)
    assert result.exit_code == 0, result.output
    pages = built_pages(root, audience)
    searchable = [page for relpath, page in pages if search.is_searchable(relpath, page)]
    assert searchable and all(len(search.searchable_part(page)) < len(page) for page in searchable)
    cut = search.build_index(pages, "en")
    monkeypatch.setattr(search, "searchable_part", lambda page: page)
    assert search.build_index(pages, "en") == cut


PAGE = (b'<html><head><title>T</title></head><body><nav>menu</nav>'
        b'<article class="entry" data-pagefind-body><h1>Title</h1><article>inner</article><p>text</p></article>'
        b'<footer>foot</footer></body></html>')


def test_the_cut_keeps_the_whole_element_with_nested_tags_of_its_name() -> None:
    cut = search.searchable_part(PAGE)
    assert b"<nav>" not in cut and b"<footer>" not in cut
    assert b"<article>inner</article><p>text</p></article></body>" in cut


@pytest.mark.parametrize("page", [
    PAGE.replace(b"<footer>", b'<footer data-pagefind-meta="author">'),  # Pagefind data outside the element
    PAGE.replace(b"<p>text</p>", b"<script>let a = '</article>';</script>"),  # a tag name inside a script
    PAGE.replace(b"<p>text</p>", b"<!-- </article> -->"),
    PAGE.replace(b"<p>text</p>", b"<ARTICLE>unclosed"),  # never closes
    PAGE.replace(b"</body>", b'<div data-pagefind-body>two</div></body>'),  # two searchable elements
    b"<html><body><p>no marker</p></body></html>",
    PAGE.replace(b" data-pagefind-body", b' title="data-pagefind-body"'),  # the one marker, in no searchable tag
    PAGE.replace(b" data-pagefind-body", b"").replace(b"<h1>", b"<h1>data-pagefind-body "),  # the one marker, in text
])
def test_a_page_the_cut_is_not_sure_of_is_given_whole(page: bytes) -> None:
    assert search.searchable_part(page) == page


def test_without_a_memory_file_system_the_index_is_made_on_disk(make_site, run_cli, monkeypatch) -> None:
    root = make_site(journal_files())
    result = run_cli("build", "--site", str(root))
    assert result.exit_code == 0, result.output
    pages = built_pages(root, "public")
    in_memory = search.build_index(pages, "en")
    monkeypatch.setattr(search, "MEMORY_FOLDERS", (str(root / "nowhere"),))
    assert search.scratch_bases() == [None]
    assert search.build_index(pages, "en") == in_memory


def test_a_full_memory_file_system_falls_back_to_disk(make_site, run_cli, monkeypatch, tmp_path: Path) -> None:
    root = make_site(journal_files())
    result = run_cli("build", "--site", str(root))
    assert result.exit_code == 0, result.output
    pages = built_pages(root, "public")
    expected = search.build_index(pages, "en")
    full = tmp_path / "full"
    full.mkdir()
    monkeypatch.setattr(search, "MEMORY_FOLDERS", (str(full),))

    class NoSpace(search.ScratchRun):
        def __init__(self, pages, language, base):
            if base == str(full):
                raise OSError(28, "No space left on device")
            super().__init__(pages, language, base)

    monkeypatch.setattr(search, "ScratchRun", NoSpace)
    assert search.build_index(pages, "en") == expected
