"""Bring text to one plain form before the audit compares it: escapes undone, hidden characters out.

Private text can hide in the public output behind character entities (`&#122;`), URL-encoding
(`%7a`), JSON escapes (`\\u007a`), soft hyphens and zero-width characters, accents added as
combining marks, full-width or other compatibility letters, and markup in the middle of a word
(`zan<b></b>zibar`). Every function here is one linear pass (regular expressions without nested
repeats, str.translate, unicodedata), so that no input can make the audit slow.

Words are compared as case-folded runs of letters and digits, joined by single spaces and framed
by spaces (" a few words "), so a needle " weir " matches a whole word and never part of one.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import cache

_JSON_ESCAPE = re.compile(r"\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})|\\u([0-9a-fA-F]{4})"
                          r"|\\x([0-9a-fA-F]{2})|\\([/\"'\\])|\\[nrtbf]")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_ONE_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
#: The escapes of ASCII characters but "%" and hex digits, in either case ("%2f", "%2F") -> the character.
_PLAIN_ESCAPES = {form: chr(code) for code in range(128) if chr(code) not in "%0123456789ABCDEFabcdef"
                  for form in (f"%{code:02x}", f"%{code:02X}")}
_TAG = re.compile(r"<[^<>]*+>")  # possessive: linear on "<aaaa…"
_ASCII_BYTES = bytes(range(128))
_ASCII_SPACES = bytes(code if chr(code).isalnum() else 32 for code in range(128)) + bytes(range(128, 256))
#: Elements a word may run through: "zan<b></b>zibar" reads "zanzibar"; any other tag parts words.
INLINE_TAGS = frozenset({"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i",
                         "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time",
                         "tspan", "u", "var", "wbr"})
#: Characters that show nothing (soft hyphen, zero-width, direction marks, BOM, variation selectors): dropped.
_FORMAT_BLOCKS = (range(0x10000), range(0x110B0, 0x110D0), range(0x13430, 0x13460), range(0x1BCA0, 0x1BCA4),
                  range(0x1D173, 0x1D17B), range(0xE0000, 0xE01F0))


@cache  # here, not at import: most text is ASCII, which never needs the table (65,000 characters looked at)
def _invisible() -> frozenset[str]:
    """Return the characters that show nothing (see _FORMAT_BLOCKS)."""
    return frozenset(chr(code) for block in _FORMAT_BLOCKS for code in block
                     if unicodedata.category(chr(code)) == "Cf" or 0xFE00 <= code <= 0xFE0F or code == 0x034F
                     or 0xE0100 <= code)


#: Combining marks (accents written as their own character): dropped after NFKD, so "zánzibar" reads "zanzibar".
@cache  # here, not at import, as _invisible()
def _combining() -> frozenset[str]:
    """Return the combining marks."""
    return frozenset(chr(code) for block in (range(0x300, 0x10000), range(0x1D165, 0x1D1AE))
                     for code in block if unicodedata.combining(chr(code)))


#: The tag of an inline element after its "<" (matched in any case).
INLINE_PATTERN = r"/?(?:%s)(?![\w:-])[^<>]*+>" % "|".join(sorted(INLINE_TAGS, key=len, reverse=True))
#: The tags of inline elements alone (taken out before the others).
_INLINE_TAG = re.compile("<" + INLINE_PATTERN, re.IGNORECASE)
ROUNDS = 3  # escapes are undone this many times over, for text escaped twice ("&amp;#122;")


def fold(text: str) -> str:
    """Return text without invisible characters or accents, compatibility forms made plain, case-folded."""
    if text.isascii():
        return text.lower()  # casefold() of ASCII, faster
    odd = odd_characters(text)
    hidden = odd & _invisible()
    if hidden:
        text = text.translate(dict.fromkeys(map(ord, hidden)))
        odd -= hidden
    if any(unicodedata.decomposition(char) for char in odd):
        text, odd = _decomposed(text, odd)
    marks = odd & _combining()
    if marks:
        text = text.translate(dict.fromkeys(map(ord, marks)))
        odd -= marks
    return _casefolded(text, odd)


def _casefolded(text: str, odd: set[str]) -> str:
    """Return text.casefold(), its non-ASCII characters being `odd`: ASCII lowered as bytes, each odd one in place.

    Case folding goes character by character and leaves a folded character as it is, so the order
    in which the kinds of characters are folded does not matter.
    """
    text = text.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")
    for char in odd:
        folded = char.casefold()
        if folded != char:
            text = text.replace(char, folded)
    return text


def _decomposed(text: str, odd: set[str]) -> tuple[str, set[str]]:
    """Return NFKD of a text whose non-ASCII characters are `odd`, and its non-ASCII characters then.

    NFKD is each character's decomposition, then combining marks put in their canonical order; when
    no mark is there to order, the decompositions are put in place one kind of character at a time.
    """
    parts = {char: unicodedata.normalize("NFKD", char) for char in odd}
    if any(unicodedata.combining(part) for decomposed in parts.values() for part in decomposed):
        text = unicodedata.normalize("NFKD", text)
        return text, odd_characters(text)
    for char, decomposed in parts.items():
        if decomposed != char:
            text = text.replace(char, decomposed)
    return text, {part for decomposed in parts.values() for part in decomposed if not part.isascii()}


def odd_characters(text: str) -> set[str]:
    """Return the kinds of non-ASCII characters in a text (ASCII bytes dropped before the set is made)."""
    return set(text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass"))


def word_string(text: str) -> str:
    """Return the words of a text (already folded) as one string: " word word word "."""
    data = text.encode("utf-8", "surrogatepass").translate(_ASCII_SPACES)  # ASCII but letters and digits: spaces
    if not text.isascii():
        for char in odd_characters(text):
            if not char.isalnum():  # `[\W_]`: neither a letter nor a digit of any script
                data = data.replace(char.encode("utf-8", "surrogatepass"), b" ")
    return f" {b' '.join(data.split()).decode('utf-8', 'surrogatepass')} "


def words(text: str) -> list[str]:
    """Return the folded words of a text."""
    return word_string(fold(text)).split()


def unescape(text: str) -> str:
    """Return text with JSON, HTML and URL escapes undone, a few times over (escapes within escapes)."""
    for _ in range(ROUNDS):
        before = text
        if "\\" in text:
            text = _JSON_ESCAPE.sub(_json_char, text)
        if "&" in text:
            text = html.unescape(text)
        if "%" in text:
            text = _unquote(text)
        if text == before:
            break
    return text


def _json_char(match: re.Match[str]) -> str:
    """Return the character of one JSON or JavaScript escape."""
    high, low, single, hex_byte, plain = match.groups()
    if high:
        return chr(0x10000 + ((int(high, 16) - 0xD800) << 10) + int(low, 16) - 0xDC00)
    if single or hex_byte:
        return chr(int(single or hex_byte, 16))
    return plain or " "


def _unquote(text: str) -> str:
    """Return text with its runs of %XX escapes decoded (each escape in place when all are plain ASCII)."""
    escapes = set(_ONE_PERCENT.findall(text))
    if not escapes.issubset(_PLAIN_ESCAPES):
        return _PERCENT.sub(_unquote_run, text)
    for escape in escapes:  # none makes "%" or a hex digit, so none makes a new escape of another
        text = text.replace(escape, _PLAIN_ESCAPES[escape])
    return text


def _unquote_run(match: re.Match[str]) -> str:
    """Return a run of %XX escapes decoded, or as it was when it is not UTF-8 (so "100%effort" stays)."""
    try:
        return bytes.fromhex(match.group(0).replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return bytes.fromhex(match.group(0).replace("%", "")).decode("latin-1")


def without_markup(text: str) -> str:
    """Return what a reader sees of markup: tags out, words running through inline elements joined."""
    if "<" not in text:
        return text
    return _TAG.sub(" ", _INLINE_TAG.sub("", text))


def views(text: str) -> tuple[str, ...]:
    """Return the folded forms of a text to search: as written, and as read with markup taken out."""
    plain = fold(unescape(text))
    if "<" not in plain:
        return (plain,)
    return (plain, without_markup(plain))
