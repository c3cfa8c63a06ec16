"""Search one text of an output file for every needle: the plain way, and the same verdict in one pass.

The plain way (plain_hits) reads a text as the audit defines it: every view of it (normalise.py:
as written, and as read with markup taken out) is turned into a string of its words, and the
needles are looked for in that; URLs and links are looked for in the text as written.

The one-pass way (text_hits) finds the same needles with less work. One automaton (made once
per audit by `one_pass`) holds the single private words, the URLs, the words links start with and
the key words of the private phrases; it runs once over the text as written, and a word counts
only where it stands alone (no letter or digit on either side), which is exactly where the word
string would hold it. Links are matched only where a link word starts (link_matches). Only in the rare text that needs them is more done:

- a private word longer than LONGEST is left to the word string of every text (the automaton's
  search would slow down with it);

- the private phrases are looked for in the word string, when one of their key words (the short
  private word a phrase is made around) stands alone in the text: a phrase cannot be there without it;
- the view without markup is searched, when a key word is there or when taking an inline tag out
  joins letters into a private or key word ("zan<b></b>zibar"): otherwise every word of that view
  is a word of the text as written (in the same order) or a joined word that is no needle, so it
  holds nothing the first search did not find.

tests/test_audit_one_pass.py holds the two ways to the same verdict on hostile texts.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import ahocorasick

from generator.deploy.normalise import INLINE_PATTERN, fold, unescape, views, without_markup, word_string

Needle = Any  # needles.Needle (which imports this module)

HOLDS = "the file holds"
LINKS_TO = "a link in the file goes to"
_LINK = re.compile(r"""\b(?:href|src|action|poster|xlink:href)[ \t\r\n]*=[ \t\r\n]*["']?([^"'\s<>]+)""")
LINK_WORDS = ("href", "src", "action", "poster", "xlink:href")  # where a match of _LINK can start
_ALNUM_RUN = re.compile(r"[^\W_]*")  # letters and digits: str.isalnum, character for character
_URL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-._~%/:@")  # a match next to one is part of another
#: An inline tag, or a run of them, with a letter or digit on both sides: taking it out joins two words.
#: Matched in folded text (normalise.fold), where every tag is in lower case: as written, it is 2.5 times
#: faster than matched ignoring case.
_JOIN = re.compile(r"<(?<=[^\W_]<)(?:%s)(?:<%s)*+(?=[^\W_])" % (INLINE_PATTERN, INLINE_PATTERN))
WORD, KEY, URL = range(3)  # what an entry of the one-pass automaton is
#: The longest word the one-pass automaton holds. Its search walks back along a word's repeats (the
#: automaton's failure links) at each character, so a word of 400,000 x's would make it quadratic.
LONGEST = 64


class Needles(Protocol):
    """What the search needs of needles.Needles."""

    words: ahocorasick.Automaton
    urls: ahocorasick.Automaton
    pages: dict[str, Needle]
    page_ends: set[str]
    scan: OnePass | None


@dataclass(frozen=True, slots=True)
class OnePass:
    """The one-pass search of the needles of one audit."""

    automaton: ahocorasick.Automaton  # single words, phrase key words, URLs -> ((kind, key, needle), ...)
    every_text: bool  # some word needle is too long for it: every text is searched through its word string too


# --- the plain way ------------------------------------------------------------------------------

def plain_hits(text: str, needles: Needles, page_dir: str, base_url: str) -> Iterator[tuple[Needle, str]]:
    """Yield (needle, where) for what one text holds, view by view through word strings (the reference)."""
    for number, view in enumerate(views(text)):
        if len(needles.words):
            for _, found in needles.words.iter(word_string(view)):
                yield found[0], HOLDS
        if number:
            continue  # URLs and links are read as written
        if len(needles.urls):
            for end, (key, needle) in needles.urls.iter(view):
                if _whole_url(view, end - len(key) + 1, end):
                    yield needle, HOLDS
        if needles.pages and ("href" in view or "src" in view):
            for match in _LINK.finditer(view):
                yield from _link_hit(match, needles, page_dir, base_url)


# --- the one-pass way ---------------------------------------------------------------------------

def one_pass(words: Mapping[str, Sequence[Needle]], urls: Mapping[str, Needle], keys: Iterable[str]) -> OnePass:
    """Return the one-pass search: single words, phrase key words and URLs in one automaton."""
    entries: dict[str, list[tuple[int, str, object]]] = {}
    every_text = False
    for key, found in words.items():
        word = key.strip()
        if len(word) > LONGEST:
            every_text = True
        elif " " not in word:
            entries.setdefault(word, []).append((WORD, word, found[0]))
    for word in keys:
        if len(word) > LONGEST:
            every_text = True
        else:
            entries.setdefault(word, []).append((KEY, word, None))
    for key, needle in urls.items():
        entries.setdefault(key, []).append((URL, key, needle))
    automaton = ahocorasick.Automaton()
    for key, found in entries.items():
        automaton.add_word(key, tuple(found))
    if len(automaton):
        automaton.make_automaton()
    return OnePass(automaton, every_text)


def phrase_keys(phrases: Iterable[str], shorts: set[str]) -> set[str]:
    """Return the words that stand for the phrases: each phrase's short private words (all its words if none)."""
    keys: set[str] = set()
    for phrase in phrases:
        found = phrase.split()
        keys.update([word for word in found if word in shorts] or found)
    return keys


def text_hits(text: str, needles: Needles, page_dir: str, base_url: str) -> Iterator[tuple[Needle, str]]:
    """Yield (needle, where) for what one text holds: the needles plain_hits finds, in one pass over the text."""
    if not (len(needles.words) or len(needles.urls) or needles.pages):
        return
    plain = fold(unescape(text))
    keyed = needles.scan.every_text
    for end, entries in needles.scan.automaton.iter(plain) if len(needles.scan.automaton) else ():
        for kind, key, needle in entries:
            start = end - len(key) + 1
            if kind == URL:
                if _whole_url(plain, start, end):
                    yield needle, HOLDS
            elif _alone(plain, start, end):
                if kind == KEY:
                    keyed = True
                else:
                    yield needle, HOLDS
    if needles.pages and ("href" in plain or "src" in plain):
        for match in link_matches(plain):
            yield from _link_hit(match, needles, page_dir, base_url)
    if keyed:
        for _, found in needles.words.iter(word_string(plain)):
            yield found[0], HOLDS
    if len(needles.words) and "<" in plain and (keyed or _joins_a_needle(plain, needles.scan.automaton)):
        for _, found in needles.words.iter(word_string(without_markup(plain))):
            yield found[0], HOLDS


def _joins_a_needle(view: str, automaton: ahocorasick.Automaton) -> bool:
    """Return True when taking out inline tags may join the letters around them into a needle or a key word."""
    return bool(len(automaton)) and any(automaton.exists(word) for word in joined_words(view))


def joined_words(view: str) -> Iterator[str]:
    """Yield the words that taking out inline tags makes ("zanzibar" of "zan<b></b>zi<i>bar</i>"), in a folded view.

    Each is made as if no other tag took it out, so some may not be in the view without markup at
    all: more words than that view holds, never fewer.
    """
    pieces: list[str] = []
    end = -1  # where the letters after the last joining tags end
    for match in _JOIN.finditer(view):
        if match.start() != end:  # another word: the letters before its first joining tags
            if pieces:
                yield "".join(pieces)
            start = match.start()
            while start and view[start - 1].isalnum():
                start -= 1
            pieces = [view[start:match.start()]]
        end = _ALNUM_RUN.match(view, match.end()).end()
        pieces.append(view[match.end():end])
    if pieces:
        yield "".join(pieces)


def _alone(view: str, start: int, end: int) -> bool:
    """Return True when view[start:end + 1] is a whole word: no letter or digit just before or after it."""
    return ((start == 0 or not view[start - 1].isalnum())
            and (end + 1 == len(view) or not view[end + 1].isalnum()))


def link_matches(view: str) -> Iterator[re.Match[str]]:
    """Yield what _LINK.finditer finds in a text, trying _LINK only where a link word starts.

    A link can only start where one of its words does, so the first match from where the last
    ended is found among those places (str.find finds them faster than the regex engine, which
    cannot skip ahead past the leading \b).
    """
    starts = []
    for word in LINK_WORDS:
        at = view.find(word)
        while at >= 0:
            starts.append(at)
            at = view.find(word, at + 1)
    position = 0
    for start in sorted(starts):
        if start >= position:
            match = _LINK.match(view, start)
            if match is not None:
                position = match.end()
                yield match


def _link_hit(match: re.Match[str], needles: Needles, page_dir: str, base_url: str) -> Iterator[tuple[Needle, str]]:
    """Yield the private page a link goes to, if it goes to one."""
    if _last_segment(match.group(1)) in needles.page_ends:
        page = linked_page(match.group(1), page_dir, base_url)
        if page in needles.pages:
            yield needles.pages[page], LINKS_TO


# --- URLs and links -----------------------------------------------------------------------------

def _whole_url(view: str, start: int, end: int) -> bool:
    """Return True when a URL found at view[start:end + 1] is not part of a longer URL."""
    before = view[start - 1] if start > 0 else " "
    after = view[end + 1] if end + 1 < len(view) else " "
    if before in _URL_CHARS:
        return False
    return after not in _URL_CHARS or view.startswith("index.html", end + 1)


def _last_segment(ref: str) -> str:
    """Return the last path segment a link names ("velvet-run" of "../velvet-run/index.html#top")."""
    path = ref.split("#", 1)[0].split("?", 1)[0]
    if path.endswith("index.html"):
        path = path[:-len("index.html")]
    return path.rstrip("/").rsplit("/", 1)[-1]


def linked_page(ref: str, page_dir: str, base_url: str) -> str | None:
    """Return the site path a link goes to ("/help/"), or None for a link to elsewhere."""
    ref = ref.split("#", 1)[0].split("?", 1)[0]
    if base_url and ref.startswith(base_url):
        ref = "/" + ref[len(base_url):]
    elif ":" in ref.split("/", 1)[0] or ref.startswith("//") or not ref:
        return None
    elif not ref.startswith("/"):
        ref = posixpath.join(page_dir, ref)
    path = posixpath.normpath(ref)
    if path.endswith("/index.html"):
        path = path[:-len("index.html")]
    return path.rstrip("/") + "/"
