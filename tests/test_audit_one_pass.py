"""The audit's one-pass text search finds exactly what its plain search finds, on hostile texts too."""

from __future__ import annotations

import html
import unicodedata
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.deploy import audit, normalise, text_search
from generator.deploy.needles import NeedleMaker, Needles, url_folders

BASE = "https://miles.example.org/"
PRIVATE_URL = "/2026/03/10/velvet-run/"
ALLOWED = {"the", "a", "old", "house", "by", "river", "we", "ran", "to", "of", "morning", "run", "and", "in"}


def make_needles() -> Needles:
    """Return needles of every kind: long private words, phrases around short ones, URLs and private pages."""
    maker = NeedleMaker(set(ALLOWED), SimpleNamespace(base_url=BASE))  # type: ignore[arg-type]
    maker.private_text("Zanzibar quill, straße and café by the old house", "private.md", "a private entry")
    maker.private_text("we ran to the mill by the river", "private.md", "a private entry")  # short "mill": phrases
    maker.private_text("Ｇｏｒｓｅ 𝐰𝐢𝐧𝐤𝐥𝐞", "names.md", "a private name", minimum=4)
    maker.url(PRIVATE_URL, "private.md", "the URL of a private entry", set())
    maker.url("/tags/hidden-hill/", "private.md", "the page of a tag only private entries name", set())
    return maker.finish()


NEEDLES = make_needles()


def verdict(text: str, needles: Needles = NEEDLES, page_dir: str = "/2026/03/11/story/") -> set[tuple[str, str, str]]:
    """Return what the plain search finds in a text (as the set of its findings)."""
    return {(needle.text, needle.what, where) for needle, where in text_search.plain_hits(text, needles, page_dir, BASE)}


def fast_verdict(text: str, needles: Needles = NEEDLES, page_dir: str = "/2026/03/11/story/") -> set[tuple[str, str, str]]:
    """Return what the one-pass search finds in a text."""
    return {(needle.text, needle.what, where) for needle, where in text_search.text_hits(text, needles, page_dir, BASE)}


def obfuscated(word: str, draw) -> str:
    """Return a word with each letter written in a hostile form: escaped, widened, accented, split by markup."""
    out = []
    for char in word:
        form = draw(st.sampled_from(["plain", "upper", "entity", "hexentity", "percent", "json", "wide", "accent",
                                     "zero-width", "soft-hyphen", "inline-tag", "empty-inline", "block-tag", "amp"]))
        code = ord(char)
        out.append({
            "plain": char, "upper": char.upper(), "entity": f"&#{code};", "hexentity": f"&#x{code:x};",
            "percent": "".join(f"%{byte:02X}" for byte in char.encode()), "json": f"\\u{code:04x}",
            "wide": chr(code + 0xFEE0) if "!" <= char <= "~" else char, "accent": char + "\u0301",
            "zero-width": char + "\u200b", "soft-hyphen": char + "\u00ad", "inline-tag": f"<b>{char}</b>",
            "empty-inline": char + "<span class='x'></span>", "block-tag": char + "<p>", "amp": f"&amp;#{code};",
        }[form])
    return "".join(out)


PIECES = ["zanzibar", "quill", "straße", "strasse", "café", "cafe", "gorse", "winkle", "mill", "the", "river", "by",
          "we ran to the", "to the mill by", "mill by the river", " ", "  ", "\n", "-", "_", ".", "/", "<", ">", "&",
          "%", "\\", "<b>", "</b>", "<em>", "<span>", "</span>", "<p>", "<br>", "<a href='x'>", "</a>", "<<b>>",
          "<wbr>", "<tspan>", "<B>", "<I >", "\u200b", "\u00ad", "\u0301", "ｚ", "𝐳", "ß", "Σ", "ς", "\ud800",
          "\U0001f600", "&amp;", "&#122;", "%7a", "\\u007a", "\\ud83d\\ude00", "%e2%80%8b", "&shy;", "&zwnj;",
          f'href="{PRIVATE_URL}"', f"href='..{PRIVATE_URL[5:]}'", 'href="../velvet-run/index.html#top"',
          f"src={BASE}2026/03/10/velvet-run/", "xlink:href=\"/tags/hidden-hill\"", "action=/tags/hidden-hill/",
          "poster='/2026/03/10/velvet-run/'", 'href="src=/tags/hidden-hill/"', "ahref=/tags/hidden-hill/",
          f"{BASE}2026/03/10/velvet-run/", PRIVATE_URL, PRIVATE_URL + "index.html", PRIVATE_URL + "x",
          "x" + PRIVATE_URL, "/tags/hidden-hill/", "%2Ftags%2Fhidden-hill%2F", "&#47;tags&#47;hidden-hill&#47;",
          "velvet-run", "hidden-hill", "1", "0", "é"]


@st.composite
def hidden_words(draw) -> str:
    """Return a private word (or a word of a phrase) written in hostile forms."""
    return obfuscated(draw(st.sampled_from(["zanzibar", "straße", "mill", "quill", "gorse", "ran"])), draw)


def hostile_texts() -> st.SearchStrategy[str]:
    """Return texts of pieces that make needles, break them, hide them or look like them."""
    pieces = st.one_of(st.sampled_from(PIECES), st.text(max_size=4), hidden_words())
    return st.lists(pieces, max_size=24).map("".join)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_texts())
@example("zan<b></b>zibar")
@example("zanzibar")
@example("Zan<span class=x>zi</span>bar")
@example("we ran to the <em>mill</em> by the river")
@example("we <b>ran</b> to the mill<br>by the river")
@example("to the mi<b></b>ll by")
@example('<a href="src=/2026/03/10/velvet-run/">')
@example('<a href="../../10/velvet-run/">x</a>')
@example("straße strasse STRASSE")
@example("&amp;#122;anzibar %257a")
@example("<<b>>zanzibar<<b>>")
@example("quil<b>l</b>")
@example("ｇｏｒｓｅ")
def test_the_one_pass_search_finds_what_the_plain_search_finds(text: str) -> None:
    assert fast_verdict(text) == verdict(text)


@pytest.mark.parametrize("text, found", [
    ("zan<b></b>zibar", "zanzibar"),  # a word joined through an inline tag: only the view without markup
    ("ZAN<B></B>ZIBAR", "zanzibar"),  # tags in upper case: the text is folded before tags are looked for
    ("zan<SPAN Class=x>zi</Span>bar", "zanzibar"),
    ("we ran to the <em>mill</em> by the river", "to the mill"),  # a phrase across markup
    ("to the mi<i>ll</i> by", "to the mill"),  # a short word joined through markup, in a phrase
    ("we ran to the mill by", "the mill by"),
    ("Zanzibar!", "zanzibar"),
])
def test_the_one_pass_search_finds_words_and_phrases_through_markup(text: str, found: str) -> None:
    texts = {needle_text for needle_text, _, _ in fast_verdict(text)}
    assert found in texts
    assert fast_verdict(text) == verdict(text)


@pytest.mark.parametrize("text", ["zanzibars", "xzanzibar", "zanzibar2", "the mill", "millby the river",
                                  "/2026/03/10/velvet-run/extra", "ahref='/tags/hidden-hill/'"])
def test_the_one_pass_search_leaves_what_is_not_a_needle(text: str) -> None:
    assert fast_verdict(text) == verdict(text)
    assert not any(what.startswith("the private word") and needle == "zanzibar" for needle, what, _ in fast_verdict(text))


@pytest.mark.parametrize("text", ['<a href="../velvet-run/">', '<a href="/tags/hidden-hill">',
                                  f'<img src="{BASE}2026/03/10/velvet-run/index.html">',
                                  '<svg><use xlink:href="/tags/hidden-hill/"/></svg>'])
def test_the_one_pass_search_follows_links(text: str) -> None:
    wheres = {where for _, _, where in fast_verdict(text, page_dir="/2026/03/10/story/")}
    assert text_search.LINKS_TO in wheres
    assert fast_verdict(text, page_dir="/2026/03/10/story/") == verdict(text, page_dir="/2026/03/10/story/")


def test_a_link_word_inside_a_link_does_not_start_another() -> None:
    text = '<a href="src=../hidden-hill/">'  # one link, "src=../hidden-hill/"; never "../hidden-hill/" on its own
    assert fast_verdict(text, page_dir="/tags/x/") == verdict(text, page_dir="/tags/x/") == set()
    assert verdict('<a src="../hidden-hill/">', page_dir="/tags/x/")  # the link it would have been


@pytest.mark.parametrize("text", ["x" * 2000, "x" * 99, "x" * 100, "y" + "x" * 100, "ab" * 60, "ab" * 61 + "a",
                                  "<b>" + "ab" * 30 + "</b>" + "ab" * 30, "x" * 100 + "<i>x</i>"])
def test_a_private_word_too_long_for_the_automaton_is_found_the_plain_way(text: str) -> None:
    maker = NeedleMaker(set(), SimpleNamespace(base_url=BASE))  # type: ignore[arg-type]
    maker.private_text("x" * 100 + " " + "ab" * 61, "long.md", "a private entry")
    long = maker.finish()
    assert long.scan is not None and long.scan.every_text
    assert fast_verdict(text, long) == verdict(text, long)


@pytest.mark.parametrize("text", ["ahref=src=../hidden-hill/", "xsrc=/x/ src=../hidden-hill/", "data-src=../hidden-hill/",
                                  "_href=../hidden-hill/ href=../hidden-hill/", "éhref=../hidden-hill/",
                                  "href=ahref=../hidden-hill/", "hrefhref=../hidden-hill/", "src = '../hidden-hill/'",
                                  "<a href=../hidden-hill/ src=../hidden-hill/index.html>", "1src=../hidden-hill/"])
def test_links_are_read_where_the_plain_reading_finds_them(text: str) -> None:
    assert [m.span() for m in text_search.link_matches(text)] == [m.span() for m in text_search._LINK.finditer(text)]
    assert fast_verdict(text, page_dir="/tags/x/") == verdict(text, page_dir="/tags/x/")


def test_needles_without_words_or_pages_find_nothing() -> None:
    empty = NeedleMaker(set(), SimpleNamespace(base_url=BASE)).finish()  # type: ignore[arg-type]
    assert fast_verdict("zanzibar /2026/03/10/velvet-run/", empty) == verdict("zanzibar /2026/03/10/velvet-run/", empty) == set()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_texts())
def test_a_file_gets_the_same_leaks_either_way(text: str) -> None:
    data = f"<html><body><p>{text}</p></body></html>".encode("utf-8", "surrogatepass")
    plain = Needles(NEEDLES.words, NEEDLES.urls, NEEDLES.pages, NEEDLES.page_ends, NEEDLES.folders, NEEDLES.names,
                    NEEDLES.files, NEEDLES.count, scan=None)
    fast = {leak.message for leak in audit.scan_file("2026/03/11/story/index.html", data, NEEDLES, BASE)}
    assert fast == {leak.message for leak in audit.scan_file("2026/03/11/story/index.html", data, plain, BASE)}


# --- the text brought to one plain form: the faster ways give the bytes the definitions give ----

def unescape_by_definition(text: str) -> str:
    """Return text unescaped as normalise.unescape defines it: every run of %XX decoded as one."""
    for _ in range(normalise.ROUNDS):
        before = text
        if "\\" in text:
            text = normalise._JSON_ESCAPE.sub(normalise._json_char, text)
        if "&" in text:
            text = html.unescape(text)
        if "%" in text:
            text = normalise._PERCENT.sub(normalise._unquote_run, text)
        if text == before:
            break
    return text


def fold_by_definition(text: str) -> str:
    """Return text folded as normalise.fold defines it: NFKD of the whole text."""
    if text.isascii():
        return text.lower()
    odd = normalise.odd_characters(text)
    hidden = odd & normalise._invisible()
    if hidden:
        text = text.translate(dict.fromkeys(map(ord, hidden)))
    if any(unicodedata.decomposition(char) for char in odd - hidden):
        text = unicodedata.normalize("NFKD", text)
        odd = normalise.odd_characters(text)
    marks = odd & normalise._combining()
    if marks:
        text = text.translate(dict.fromkeys(map(ord, marks)))
    return text.casefold()


ESCAPES = ["%20", "%2f", "%2F", "%25", "%41", "%4", "%%41", "%2%35", "%c3%a9", "%C3", "%e2%80%8b", "%ff", "%0a",
           "%7A", "%7a%61", "%25%37%61", "&amp;", "&#37;", "&#x25;41", "\\u0025", "\\x41", "100%", "%3", "%3G"]
ODD = ["…", "é", "é", "ﬁ", "①", "Å", "가", "각", "ᄀ", "\u0301", "\u0327\u0301", "a\u0301\u0327", "ǅ", "ß", "ẞ",
       "Σ", "ς", "İ", "\u200b", "\u00ad", "𝐳", "ｚ", "\U0001d165", "\ud800", "\u0345", "ΐ", "ﷺ", "\u0f73", "…é",
       "Ａ", "\u212a", "ﬀ", "Ǆ", "ᾈ", "Ω", "ẞ", "ŉ", "Ⓐ", "\U00010400"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(ESCAPES), st.sampled_from(ODD), st.text(max_size=3)), max_size=20).map("".join))
@example("%2%35%25%37%61")
@example("2%33%3%4%%332%33%35%32")  # an escape made by another in the same round
@example("a%41%2f%c3%a9")
def test_unescape_undoes_every_run_of_percent_escapes_as_one(text: str) -> None:
    assert normalise.unescape(text) == unescape_by_definition(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(ODD), st.text(max_size=3), st.sampled_from(["ab", "A", " "])),
                max_size=20).map("".join))
@example("…" + "a\u0301\u0327")
@example("가…")
@example("\u0f73…")
@example("…a\U0001e000\U00010a0d")  # marks that stay, put in their canonical order
@example("Straße ẞ İ ﬀ Ǆ ᾈ \U00010400 ABC")  # folded to more than one character, or to ASCII
def test_fold_gives_what_nfkd_of_the_whole_text_gives(text: str) -> None:
    assert normalise.fold(text) == fold_by_definition(text)


@pytest.mark.parametrize("text, words", [
    ("zan<b></b>zibar", ["zanzibar"]),
    ("zan<b>zi</b>bar and <i>x</i>y", ["zanzibar", "xy"]),
    ("a<b>b</b>-c<i>d", ["ab", "cd"]),
    ("2018</span><span class=x>tired", ["2018tired"]),
    ("<b>x</b> y", []),
    ("ab<b></b>", []),
    ("x<b>" + "y" * 10 + "<i>z", ["x" + "y" * 10 + "z"]),
])
def test_joined_words_are_the_words_inline_tags_join(text: str, words: list[str]) -> None:
    assert list(text_search.joined_words(text)) == words


@given(st.lists(st.text(alphabet="/aB.-é", max_size=12), max_size=6))
@example(["/2026/03/14/old-house/", "/Tags/x/", "", "//", "a/b"])
def test_url_folders_are_every_folder_above_a_url(urls: list[str]) -> None:
    assert url_folders(urls) == {url[1:end + 1].casefold() for url in urls for end in range(len(url)) if url[end] == "/"}
