"""Search: a Pagefind index in both builds, the public one made from listed public stories only."""

from __future__ import annotations

import gzip
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.incremental import parallel, search_index
from generator.outputs.search_bundle import readable_text
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, entry, html, serve_folder, snapshot

PUBLIC_WORD = "heronfeather"
PRIVATE_WORD = "quillmarrow"
UNLISTED_WORD = "velvetdusk"
PASSAGE_WORD = "mossbracken"


def journal_files() -> dict[str, str]:
    """Return a small journal: public stories, a private entry, an unlisted one, a private passage."""
    return {
        "content/2026/03-01-shore.md": entry(
            {"title": "Along the shore", "date": "2026-03-01", "distance": "6 km", "emotions": "[calm, grateful]",
             "tags": "[easy]", "visibility": "public"},
            f"The tide was out and a {PUBLIC_WORD} lay on the sand.\n\n::: private\n{PASSAGE_WORD} stays mine.\n:::\n"),
        "content/2026/03-08-hill.md": entry(
            {"title": "Up the hill", "date": "2026-03-08", "distance": "12 km", "emotions": "[angry]",
             "tags": "[hills]", "visibility": "public"},
            "Legs burning, the anger went out with every step of the climb.\n"),
        "content/2026/03-10-secret.md": entry(
            {"title": "Kept to myself", "date": "2026-03-10", "distance": "5 km", "emotions": "[grief]",
             "visibility": "private"},
            f"A {PRIVATE_WORD} of a day.\n"),
        "content/2025/11-02-frost.md": entry(
            {"title": "First frost", "date": "2025-11-02", "distance": "8 km", "emotions": "[angry, cold]",
             "tags": "[easy]", "visibility": "public"},
            "Frost on the path and the anger of the week on my back.\n"),
        "content/2026/03-12-link.md": entry(
            {"title": "For one friend", "date": "2026-03-12", "distance": "4 km", "emotions": "[calm]",
             "visibility": "unlisted"},
            f"Only for the person with the link: {UNLISTED_WORD}.\n"),
    }


def every_text(folder: Path) -> Iterator[tuple[str, str]]:
    """Yield each built file's path and its text: decompressed and decoded where it is a search file."""
    for relpath, data in snapshot(folder).items():
        text = readable_text(data) if relpath.startswith("pagefind/") else None
        if text is None and data[:2] == b"\x1f\x8b":
            text = gzip.decompress(data).decode("utf-8", "replace")
        yield relpath, relpath + "\n" + (text if text is not None else data.decode("utf-8", "replace"))


@pytest.fixture
def site(make_site, run_cli) -> Path:
    """Return a built site (public and journal builds, both checked to succeed)."""
    root = make_site(journal_files())
    for flags in ((), ("--journal",)):
        result = run_cli("build", "--site", str(root), *flags)
        assert result.exit_code == 0, result.output
    return root


def fragments_text(folder: Path) -> str:
    """Return the text of every search fragment of a build (in every shard)."""
    return "\n".join(readable_text(p.read_bytes()) or "" for p in sorted((folder / "pagefind").rglob("*.pf_fragment")))


def test_both_builds_have_an_index_and_a_search_page(site: Path) -> None:
    for audience in ("public", "journal"):
        out = site / "output" / audience
        assert (out / "pagefind/pagefind.js").is_file()
        shards = json.loads((out / "pagefind/shards.json").read_text("utf-8"))["shards"]
        assert shards[:2] == ["2026-q1", "2025-q4"]
        for shard in shards:
            assert (out / "pagefind" / shard / "pagefind-entry.json").is_file()
        page = html(out / "search/index.html")
        assert page.find("h1").get_text() == "Search"
        assert page.select_one("form.search-form input#search-q[type=search]") is not None
        fallback = page.find("noscript")
        assert fallback is not None and "archive/" in str(fallback)


def test_every_page_has_a_search_field_in_its_header(site: Path) -> None:
    for page_path in ("index.html", "archive/index.html", "2026/03/01/along-the-shore/index.html"):
        form = html(site / "output/public" / page_path).select_one("header .site-search")
        assert form is not None and form.get("role") == "search"
        assert form.get("action").endswith("search/")
        label = form.find("label")
        assert label is not None and label.get("for") == form.find("input").get("id")


def test_public_index_holds_public_stories_only(site: Path) -> None:
    public = fragments_text(site / "output/public")
    assert PUBLIC_WORD in public
    for hidden in (PRIVATE_WORD, UNLISTED_WORD, PASSAGE_WORD, "Kept to myself", "For one friend"):
        assert hidden not in public
    for relpath, text in every_text(site / "output/public"):
        for hidden in (PRIVATE_WORD, PASSAGE_WORD):
            assert hidden not in text.casefold(), relpath
        if not relpath.startswith("2026/03/12/for-one-friend/"):  # an unlisted story lives at its own URL only
            assert UNLISTED_WORD not in text.casefold(), relpath


def test_journal_index_holds_everything(site: Path) -> None:
    journal = fragments_text(site / "output/journal")
    for word in (PUBLIC_WORD, PRIVATE_WORD, UNLISTED_WORD, PASSAGE_WORD):
        assert word in journal


def test_filters_carry_emotion_tag_year_and_distance(site: Path) -> None:
    texts = [readable_text(p.read_bytes()) or "" for p in (site / "output/public/pagefind").rglob("*.pf_filter")]
    joined = "\n".join(texts)
    for value in ("calm", "grateful", "angry", "easy", "hills", "2026", "5 to 10 km", "10 to 21 km"):
        assert value in joined.splitlines(), value
    assert "grief" not in joined  # named only on a private entry


def bundle_times(out: Path) -> dict[Path, int]:
    """Return the modification time of every file of a build's search bundle."""
    return {p: p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*") if p.is_file()}


def test_a_no_op_build_keeps_the_index_and_an_edit_makes_one_shard_again(site: Path, run_cli) -> None:
    out = site / "output/public"
    before = bundle_times(out)
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert bundle_times(out) == before
    story = site / "content/2026/03-08-hill.md"
    story.write_text(story.read_text("utf-8").replace("the climb", "the climb past a lanternfish"), "utf-8")
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert "lanternfish" in fragments_text(out)
    after = bundle_times(out)
    assert all(after[p] == time for p, time in before.items() if "/2025-q4/" in p.as_posix() and p in after)
    assert any(after.get(p) != time for p, time in before.items() if "/2026-q1/" in p.as_posix())


def test_the_index_after_edits_is_the_index_of_a_clean_build(site: Path, run_cli, tmp_path: Path) -> None:
    story = site / "content/2026/03-01-shore.md"
    story.write_text(story.read_text("utf-8").replace("[easy]", "[easy, sea]"), "utf-8")
    assert run_cli("build", "--site", str(site)).exit_code == 0
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".footfall-cache"))
    assert run_cli("build", "--site", str(clean)).exit_code == 0
    assert snapshot(site / "output/public") == snapshot(clean / "output/public")


@pytest.mark.parametrize("flags", [(), ("--journal",)])
def test_the_index_reads_no_page_the_build_made_to_learn_its_shard(make_site, run_cli, tmp_path: Path,
                                                                  monkeypatch, flags) -> None:
    """Each page's shard is worked out as it is made; the index is the one made by reading every page."""
    root = make_site(journal_files())
    read = tmp_path / "read"
    shutil.copytree(root, read)
    read_for_shard: list[str] = []  # the pages the index reads to learn their shards
    real_shard = search_index.page_shard
    monkeypatch.setattr(search_index, "page_shard", lambda path, page: read_for_shard.append(path) or real_shard(path, page))
    assert run_cli("build", "--site", str(root), *flags).exit_code == 0
    assert read_for_shard == []
    monkeypatch.setattr(search_index.OutputLedger, "record", forgetting_shards(search_index.OutputLedger.record))
    assert run_cli("build", "--site", str(read), *flags).exit_code == 0
    assert read_for_shard  # every page read, as for pages an earlier build made
    audience = "journal" if flags else "public"
    assert snapshot(read / "output" / audience) == snapshot(root / "output" / audience)


def forgetting_shards(record):
    """Return OutputLedger.record taking in staged files as if their shards were never worked out."""
    return lambda self, staged: record(self, staged._replace(shard=None))


@pytest.mark.parametrize("flags", [(), ("--journal",)])
def test_shards_made_by_small_workers_are_the_shards_made_by_threads(make_site, run_cli, tmp_path: Path,
                                                                     monkeypatch, flags) -> None:
    root = make_site(journal_files())
    big = tmp_path / "big"
    shutil.copytree(root, big)
    assert run_cli("build", "--site", str(root), *flags).exit_code == 0
    pools = []
    real = parallel.small_workers
    monkeypatch.setattr(search_index, "WORKERS_FROM", 1)  # the way of a big build: shards made by small workers
    monkeypatch.setattr(parallel, "small_workers", lambda processes: pools.append(real(processes)) or pools[-1])
    assert run_cli("build", "--site", str(big), *flags).exit_code == 0
    assert pools and pools[0] is not None
    audience = "journal" if flags else "public"
    assert snapshot(big / "output" / audience) == snapshot(root / "output" / audience)


def test_a_site_with_nothing_public_builds_without_an_index(make_site, run_cli) -> None:
    files = {key: value for key, value in journal_files().items() if "secret" in key}
    root = make_site(files)
    result = run_cli("build", "--site", str(root))
    assert result.exit_code == 0, result.output
    assert (root / "output/public/search/index.html").is_file()
    assert not (root / "output/public/pagefind").exists()


# --- in a browser -----------------------------------------------------------------------------------

@pytest.fixture
def browser() -> Iterator[object]:
    """Yield a headless Chromium driven by Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).is_file():
        pytest.skip("needs Debian's chromium")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def search_results(page: object, query: str) -> list[str]:
    """Type a query into the search page and return the titles of the results."""
    page.fill("#search-q", query)  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => { const s = document.querySelector('.search-status').textContent;"
        " return s && s !== 'Searching…'; }", timeout=15000)
    return page.locator(".search-result h2 a").all_inner_texts()  # type: ignore[attr-defined]


def test_search_finds_public_words_and_never_private_ones_in_chromium(site: Path, browser) -> None:
    with serve_folder(site / "output/public") as root:
        page = browser.new_page()
        page.goto(root + "search/")
        page.wait_for_selector("form.search-form:not([hidden])")
        assert search_results(page, PUBLIC_WORD) == ["Along the shore"]
        mark = page.locator(".search-excerpt mark").first.inner_text()
        assert mark.casefold() == PUBLIC_WORD
        meta = page.locator(".search-result-meta").first.inner_text()
        assert "2026" in meta and "calm" in meta
        for hidden in (PRIVATE_WORD, UNLISTED_WORD, PASSAGE_WORD):
            assert search_results(page, hidden) == []
            assert "Nothing found" in page.locator(".search-status").inner_text()


def test_the_journal_search_finds_private_entries_in_chromium(site: Path, browser) -> None:
    with serve_folder(site / "output/journal") as root:
        page = browser.new_page()
        page.goto(root + "search/")
        page.wait_for_selector("form.search-form:not([hidden])")
        assert search_results(page, PRIVATE_WORD) == ["Kept to myself"]
        assert search_results(page, UNLISTED_WORD) == ["For one friend"]


def test_an_emotion_filter_narrows_the_results_in_chromium(site: Path, browser) -> None:
    with serve_folder(site / "output/public") as root:
        page = browser.new_page()
        page.goto(root + "search/")
        page.wait_for_selector("form.search-form:not([hidden])")
        assert sorted(search_results(page, "the")) == ["Along the shore", "First frost", "Up the hill"]
        page.select_option("#search-emotion", "angry")
        page.wait_for_function("() => document.querySelectorAll('.search-result').length === 2", timeout=15000)
        assert sorted(page.locator(".search-result h2 a").all_inner_texts()) == ["First frost", "Up the hill"]
        page.select_option("#search-year", "2025")
        page.wait_for_function("() => document.querySelectorAll('.search-result').length === 1", timeout=15000)
        assert page.locator(".search-result h2 a").all_inner_texts() == ["First frost"]
        assert "emotion=angry" in page.url


def test_the_header_field_searches_with_the_keyboard_in_chromium(site: Path, browser) -> None:
    with serve_folder(site / "output/public") as root:
        page = browser.new_page()
        page.goto(root)
        page.focus("#site-search-q")
        page.keyboard.type(PUBLIC_WORD)
        page.keyboard.press("Enter")
        page.wait_for_selector(".search-result h2 a", timeout=15000)
        assert "search/" in page.url
        assert page.input_value("#search-q") == PUBLIC_WORD
        assert page.locator(".search-status").get_attribute("role") == "status"
        page.locator(".search-result h2 a").first.click()
        page.wait_for_url("**/along-the-shore/")


def test_without_javascript_the_search_page_points_to_the_archive_in_chromium(site: Path, browser) -> None:
    with serve_folder(site / "output/public") as root:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(root + "search/?q=tide")
        assert not page.locator("form.search-form").is_visible()
        link = page.locator(".search-fallback a", has_text="Browse the archive")
        assert link.is_visible()
        link.click()
        page.wait_for_url("**/archive/")
        context.close()
