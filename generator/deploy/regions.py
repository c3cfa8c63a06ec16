"""Split raw Markdown into what may be public and what must stay private, for the audit alone.

This is the audit's own reading of the source, written apart from the renderer on purpose: it
shares none of markdown.py's handling of private blocks and comments, so that a mistake there is
caught here. Where the two could disagree, it leans to the private side:

- a `::: private` block (any case, three or more colons) ends only at a bare fence of at least as
  many colons that is its own: fences inside fenced code, HTML comments, HTML blocks and nested
  `:::` containers of the block do not end it; a block never closed runs to the end of the text;
- an HTML comment runs from `<!--` to the next `-->` (or to the end of the text), wherever it
  starts and ends, except inside fenced code outside any private block.

One pass over the lines, and one search per comment: linear in the length of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FENCE_OPEN = re.compile(r" {0,3}(`{3,}|~{3,})")
_CONTAINER = re.compile(r" {0,3}(:{3,})[ \t]*(\S*)")
_PRIVATE_NAME = re.compile(r"\{?\.?private\b", re.IGNORECASE)
_HTML_RAW = re.compile(r" {0,3}<(pre|script|style|textarea)\b", re.IGNORECASE)
_HTML_BLOCK = re.compile(r" {0,3}</?[A-Za-z][\w-]*")
COMMENT_OPEN = "<!--"
COMMENT_CLOSE = "-->"


@dataclass(frozen=True, slots=True)
class Split:
    """A text split into its public and private parts."""

    public: str  # everything a public render may show
    private: str  # the `::: private` blocks and HTML comments


def split_private(text: str) -> Split:
    """Return the public and the private parts of a Markdown text."""
    if COMMENT_OPEN not in text and ":::" not in text:
        return Split(text, "")  # no comment and no container: every line is public, as split_lines finds
    return split_lines(text)


def split_lines(text: str) -> Split:
    """Return the public and the private parts of a Markdown text, line by line (see split_private)."""
    public: list[str] = []
    private: list[str] = []
    pos, size = 0, len(text)
    while pos < size:
        eol = _line_end(text, pos)
        line = text[pos:eol]
        if pos == 0 or text[pos - 1] == "\n":
            opening = _FENCE_OPEN.match(line)
            if opening:
                end = _fence_end(text, eol, opening.group(1))
                public.append(text[pos:end])
                pos = end
                continue
            container = _CONTAINER.match(line)
            if container and _PRIVATE_NAME.match(container.group(2)):
                end = _private_end(text, eol, len(container.group(1)))
                private.append(text[pos:end])
                pos = end
                continue
        start = line.find(COMMENT_OPEN)
        if start < 0:
            public.append(line)
            pos = eol
            continue
        public.append(line[:start])
        close = text.find(COMMENT_CLOSE, pos + start + len(COMMENT_OPEN))
        end = size if close < 0 else close + len(COMMENT_CLOSE)
        private.append(text[pos + start:end])
        pos = end
    return Split("".join(public), "".join(private))


def _line_end(text: str, pos: int) -> int:
    """Return the offset just after the line that holds `pos`."""
    newline = text.find("\n", pos)
    return len(text) if newline < 0 else newline + 1


def _closes_fence(line: str, fence: str) -> bool:
    """Return True when a line closes a fenced code block opened with `fence`."""
    stripped = line.strip()
    return (len(line) - len(line.lstrip(" ")) < 4 and len(stripped) >= len(fence)
            and set(stripped) == {fence[0]})


def _fence_end(text: str, pos: int, fence: str) -> int:
    """Return the offset after the line that closes a code fence (or the end of the text)."""
    while pos < len(text):
        eol = _line_end(text, pos)
        if _closes_fence(text[pos:eol], fence):
            return eol
        pos = eol
    return len(text)


def _private_end(text: str, pos: int, colons: int) -> int:
    """Return the offset after the fence that closes a private block opened with `colons` colons."""
    nested: list[int] = []
    while pos < len(text):
        eol = _line_end(text, pos)
        line = text[pos:eol]
        skipped = _skip_inner(text, pos, eol, line)
        if skipped is not None:
            pos = skipped
            continue
        container = _CONTAINER.match(line)
        if container and container.group(2):
            nested.append(len(container.group(1)))
        elif container and nested and len(container.group(1)) >= nested[-1]:
            nested.pop()
        elif container and not nested and len(container.group(1)) >= colons and not line[container.end():].strip():
            return eol
        pos = eol
    return len(text)


def _skip_inner(text: str, pos: int, eol: int, line: str) -> int | None:
    """Return the offset after a code block, comment or HTML block starting on this line; None if none does."""
    opening = _FENCE_OPEN.match(line)
    if opening:
        return _fence_end(text, eol, opening.group(1))
    start = line.find(COMMENT_OPEN)
    if start >= 0:
        close = text.find(COMMENT_CLOSE, pos + start + len(COMMENT_OPEN))
        return len(text) if close < 0 else _line_end(text, close)
    raw = _HTML_RAW.match(line)
    if raw:
        closing = re.compile(rf"</{raw.group(1)}\s*>", re.IGNORECASE).search(text, pos)
        return len(text) if closing is None else _line_end(text, closing.start())
    if _HTML_BLOCK.match(line):
        while pos < len(text) and text[pos:eol].strip():
            pos, eol = eol, _line_end(text, eol)
        return pos
    return None
