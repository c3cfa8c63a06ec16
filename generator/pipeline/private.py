"""Find what of an entry body is private: `::: private` blocks and HTML comments, as Markdown parses them.

The public render is the render of a document in which the private parts never existed: every
HTML comment (wherever it starts and ends) is emptied, then every `::: private` block is cut out
of the source before Markdown collects link references and footnotes. A block ends only at its
own closing fence: a `:::` line inside fenced or indented code, an HTML block, a comment or a
nested `:::` container belongs to them. Every step is one linear pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

COMMENT_OPEN = "<!--"
COMMENT_CLOSE = "-->"
EMPTY_COMMENT = "<!---->"  # what a comment becomes before the private blocks are looked for
_STACK = "footfall_containers"  # env key: the `:::` containers open at the current line, innermost last
FENCE_CHAR = ":"
MIN_FENCE = 3


@dataclass(frozen=True, slots=True)
class PublicSource:
    """An entry body as the public render sees it."""

    text: str  # the body without private blocks and comments, lines kept in place
    hidden_references: frozenset[str]  # link reference labels (normalised) defined only in private blocks
    hidden_notes: frozenset[str]  # footnote labels defined only in private blocks


def comment_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, stop) of every HTML comment, from `<!--` to `-->` or to the end of the text."""
    pos = 0
    while True:
        start = text.find(COMMENT_OPEN, pos)
        if start < 0:
            return
        end = text.find(COMMENT_CLOSE, start + 2)  # from +2: `<!-->` and `<!--->` are whole comments
        stop = len(text) if end < 0 else end + len(COMMENT_CLOSE)
        yield start, stop
        pos = stop


def empty_comments(text: str) -> str:
    """Return text with every comment emptied to `<!---->`, its line breaks kept after it."""
    if COMMENT_OPEN not in text:
        return text
    pieces: list[str] = []
    pos = 0
    for start, stop in comment_spans(text):
        pieces += (text[pos:start], EMPTY_COMMENT, "\n" * text.count("\n", start, stop))
        pos = stop
    pieces.append(text[pos:])
    return "".join(pieces)


def without_comments(text: str) -> str:
    """Return text without its HTML comments (for one-line fields such as titles and summaries)."""
    if COMMENT_OPEN not in text:
        return text
    return " ".join(empty_comments(text).replace(EMPTY_COMMENT, " ").split())


def has_open_comment(line: str) -> bool:
    """Return True when a comment starts in `line` and does not end in it."""
    return any(stop == len(line) and not line.endswith(COMMENT_CLOSE) for _, stop in comment_spans(line))


def normalise_newlines(text: str) -> str:
    """Return text with the line ends and NUL characters Markdown itself would normalise."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\0", "\ufffd") if "\0" in text else text


# --- `:::` containers, at the parse level -------------------------------------------------------

@dataclass(slots=True)
class _Open:
    """A `:::` container being parsed (mutable while its lines are read)."""

    fence: int  # number of colons of its opening fence
    indent: int  # column of its opening fence
    quotes: int  # how many `>` come before its opening fence on that line
    closed_at: int | None = None  # the line of its closing fence, once found


def _fence_at(state: StateBlock, line: int) -> tuple[int, str] | None:
    """Return (colons, text after them) when a line starts with a `:::` fence (not as code); else None."""
    if state.sCount[line] - state.blkIndent >= 4:
        return None
    start = state.bMarks[line] + state.tShift[line]
    end = state.eMarks[line]
    src = state.src
    if src.startswith(":::", start) is False:
        return None
    pos = start
    while pos < end and src[pos] == FENCE_CHAR:
        pos += 1
    return pos - start, src[pos:end].strip()


def container_name(info: str) -> str:
    """Return the name of a container from its opening line's text (`private` for `::: Private note`, `{.private}`)."""
    words = info.split()
    return words[0].strip("{}.#:;,!()[]").casefold() if words else ""


def _container(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Parse a `::: name` container up to its own closing fence (or the end of its parent)."""
    fence = _fence_at(state, start_line)
    if fence is None or not fence[1]:
        return False  # a bare `:::` opens nothing
    if silent:
        return True
    stack: list[_Open] = state.env.setdefault(_STACK, [])
    opened = _Open(fence[0], state.sCount[start_line], _quote_depth(state, start_line))
    name = container_name(fence[1])
    kind = "container_private" if name == "private" else "container_named"
    token = state.push(f"{kind}_open", "div", 1)
    token.markup, token.info, token.block = FENCE_CHAR * fence[0], fence[1], True
    old_parent = state.parentType
    state.parentType = "container"  # type: ignore[assignment]
    stack.append(opened)
    try:
        state.md.block.tokenize(state, start_line + 1, end_line)
    finally:
        stack.pop()
        state.parentType = old_parent
    end = opened.closed_at + 1 if opened.closed_at is not None else max(state.line, start_line + 1)
    token.map = [start_line, end]
    close = state.push(f"{kind}_close", "div", -1)
    close.markup, close.block = token.markup, True
    state.line = end
    return True


def _close(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Recognise the closing fence of the innermost open container, and end its content there."""
    stack: list[_Open] | None = state.env.get(_STACK)
    if not stack:
        return False
    opened = stack[-1]
    start = state.bMarks[start_line] + state.tShift[start_line]
    if state.src.startswith(":::", start) is False or state.sCount[start_line] - opened.indent >= 4:
        return False
    fence = _fence_at(state, start_line)
    if fence is None or fence[1] or fence[0] < opened.fence or _quote_depth(state, start_line) != opened.quotes \
            or opened.quotes < 0:
        return False
    if not silent:
        opened.closed_at = start_line
        state.line = end_line  # ends the token loops in between, up to the container's own
    return True


def _quote_depth(state: StateBlock, line: int) -> int:
    """Return how many `>` come before the text of a line (past list markers); -1 when other text does."""
    start = state.bMarks[line] + state.tShift[line]
    prefix = state.src[state.src.rfind("\n", 0, start) + 1:start]
    return prefix.count(">") if not prefix.strip(" \t>-*+.)0123456789") else -1


def container_plugin(md: MarkdownIt) -> None:
    """Add `:::` containers that nest and end only at their own fence."""
    md.block.ruler.before("table", "container_close", _close,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.block.ruler.before("fence", "container", _container,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})


# --- the public source ------------------------------------------------------------------------

@cache
def structure_parser() -> MarkdownIt:
    """Return a block-only parser (no inline pass) that knows containers, references and footnotes."""
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table"])
    md.use(footnote_plugin)
    container_plugin(md)
    md.core.ruler.enableOnly(["normalize", "block"])
    return md


def private_ranges(tokens: list[Token]) -> list[tuple[int, int]]:
    """Return the (start, stop) line ranges of the outermost private containers."""
    ranges: list[tuple[int, int]] = []
    reach = -1
    for token in tokens:
        if token.type == "container_private_open" and token.map and token.map[0] >= reach:
            ranges.append((token.map[0], token.map[1]))
            reach = token.map[1]
    return ranges


def public_source(body: str) -> PublicSource:
    """Return the body as the public render must see it: no comments, no private blocks."""
    text = empty_comments(normalise_newlines(body))
    if ":::" not in text:
        return PublicSource(text.replace(EMPTY_COMMENT, ""), frozenset(), frozenset())
    env: dict[str, Any] = {}
    tokens = structure_parser().parse(text, env)
    ranges = private_ranges(tokens)
    if not ranges:
        return PublicSource(text.replace(EMPTY_COMMENT, ""), frozenset(), frozenset())
    lines = text.split("\n")
    for start, stop in ranges:
        keep = _quote_prefix(lines[start])
        lines[start:stop] = [keep] * (stop - start)
    public = "\n".join(lines).replace(EMPTY_COMMENT, "")
    public_env: dict[str, Any] = {}
    structure_parser().parse(public, public_env)
    return PublicSource(public, _labels(env, "references") - _labels(public_env, "references"),
                        _labels(env, "footnotes") - _labels(public_env, "footnotes"))


def _quote_prefix(line: str) -> str:
    """Return the `>` markers a removed line stood behind, so a quote around a private block holds together."""
    head = line[:len(line) - len(line.lstrip(" >"))]
    return head[:head.rfind(">") + 1] if ">" in head else ""


def _labels(env: dict[str, Any], kind: str) -> frozenset[str]:
    """Return the reference labels (`references`) or footnote labels (`footnotes`) a parse defined."""
    if kind == "references":
        return frozenset(env.get("references", {}))
    refs = env.get("footnotes", {}).get("refs", {})
    return frozenset(label[1:] for label in refs)
