"""Fill in missing front matter fields and append to the body, leaving every other byte of the file as it was.

The text is edited, never dumped again from parsed YAML, so comments, order, quoting and line ends
stay the writer's own. A field counts as missing when its key is absent or holds nothing (`key:`,
`key: []`, `key: ""`, `key: ~`, `key: null`); a missing key is filled on its own line, keeping any
comment after it, and an absent one is added as the last line of the front matter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

FieldValue = str | int | Sequence[str]

_FENCE = re.compile(r"^-{3,}[ \t]*\r?$", re.MULTILINE)
_EMPTY_VALUES = ("", "[]", '""', "''", "~", "null", "Null", "NULL")
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'()/-]*")  # a block-context plain scalar that is always text
_PLAIN_ITEM = re.compile(r"[A-Za-z][A-Za-z0-9 .'/-]*")  # the same inside a flow list
_NOT_TEXT = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


class EditError(ValueError):
    """The file's front matter cannot be edited safely (no front matter, or a key written twice)."""


def split(text: str) -> tuple[int, int]:
    """Return the offsets of the start and end of the front matter's fields (between the two `---` lines)."""
    opening = _FENCE.match(text)
    if opening is None:
        raise EditError("the file has no front matter (it must start with a line `---`)")
    start = text.index("\n", opening.start()) + 1 if "\n" in text[opening.start():] else len(text)
    closing = _FENCE.search(text, start)
    if closing is None:
        raise EditError("the front matter is never closed with a line `---`")
    return start, closing.start()


def _key_line(text: str, start: int, end: int, key: str) -> re.Match[str] | None:
    """Return the match of a top-level `key:` line in the front matter, or None when absent."""
    pattern = re.compile(rf"^{re.escape(key)}[ \t]*:(?P<value>[^\r\n]*?)(?P<comment>[ \t]+#[^\r\n]*)?(?P<end>\r?)$",
                         re.MULTILINE)
    found = [m for m in pattern.finditer(text, start, end)]
    if len(found) > 1:
        raise EditError(f"`{key}` is written twice in the front matter")
    return found[0] if found else None


def is_missing(text: str, key: str) -> bool:
    """Return True when the key is absent from the front matter or holds nothing on its own line."""
    start, end = split(text)
    match = _key_line(text, start, end, key)
    if match is None:
        return True
    return match.group("value").strip() in _EMPTY_VALUES and not _continues(text, match.end(), end)


def _continues(text: str, after: int, end: int) -> bool:
    """Return True when the lines after a key are indented (a block list or text that belongs to it)."""
    rest = text[after:end].lstrip("\r\n")
    return rest.startswith((" ", "\t", "- "))


def yaml_value(value: FieldValue) -> str:
    """Return a value as one line of YAML: plain when that reads back as the same text, else quoted."""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _scalar(value, _PLAIN)
    return "[" + ", ".join(_scalar(item, _PLAIN_ITEM) for item in value) + "]"


def _scalar(text: str, plain: re.Pattern[str]) -> str:
    """Return text as a plain scalar when safe, else as a double-quoted one (JSON's form is valid YAML)."""
    if plain.fullmatch(text) and text == text.strip() and text.casefold() not in _NOT_TEXT:
        return text
    return json.dumps(text, ensure_ascii=False)


def fill(text: str, values: Mapping[str, FieldValue]) -> str:
    """Return the text with each missing field set to its value; fields already filled are left alone."""
    newline = "\r\n" if "\r\n" in text[:split(text)[1]] else "\n"
    added: list[str] = []
    for key, value in values.items():
        if not is_missing(text, key):
            continue
        start, end = split(text)
        match = _key_line(text, start, end, key)
        line = f"{key}: {yaml_value(value)}"
        if match is None:
            added.append(line)
            continue
        comment = match.group("comment") or ""
        if comment:
            width = match.end("comment") - len(comment.lstrip(" \t")) - match.start()  # the comment's column, kept
            # when the value fits
            line = line.ljust(width) if len(line) < width else line + " "
            comment = comment.lstrip(" \t")
        text = text[:match.start()] + line + comment + match.group("end") + text[match.end():]
    if added:
        end = split(text)[1]
        text = text[:end] + "".join(line + newline for line in added) + text[end:]
    return text


def append_body(text: str, writing: str) -> str:
    """Return the text with a paragraph of free writing added at the end of the body."""
    writing = writing.strip()
    if not writing:
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    writing = newline.join(writing.splitlines())
    if not text.endswith("\n"):
        text += newline
    body = text[split(text)[1]:]
    gap = "" if body.count("\n") <= 1 or text.endswith(newline * 2) else newline  # one blank line before it
    return text + gap + writing + newline
