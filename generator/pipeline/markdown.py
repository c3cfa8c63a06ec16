"""Render entry bodies to HTML for one audience; the public render drops private passages."""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from generator.pipeline.entries import Entry
from generator.errors import Problem, warning
from generator.urls import slugify

Audience = Literal["public", "journal"]
SUMMARY_LENGTH = 220
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Asset:
    """A file next to an entry that its page refers to relatively."""

    source: Path  # absolute path of the file in content/ (or of a resized copy)
    name: str  # path relative to the entry's page folder, forward slashes
    made_from: str = ""  # the name of the image a resized copy was made from ("" for the file itself)


@dataclass(frozen=True, slots=True)
class Rendered:
    """An entry body rendered for one audience."""

    html: str  # the body as HTML
    summary: str  # plain text for listings and share cards
    assets: tuple[Asset, ...]  # images to copy beside the page
    words: int  # word count of what this audience sees
    problems: tuple[Problem, ...]  # warnings found while rendering (missing images)
    missing: tuple[Path, ...] = ()  # local images referenced but not found (a cache re-checks them)


def _private_open(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """Render the start of a ``::: private`` block in the journal."""
    if tokens[idx].nesting == 1:
        return '<aside class="private-passage" aria-label="Private passage">\n<p class="private-label">Private</p>\n'
    return "</aside>\n"


def _is_private_fence(params: str, *args: Any) -> bool:
    """Return True for the opening of a private block, whatever its case (``::: Private``)."""
    words = params.strip().split()
    return bool(words) and words[0].casefold() == "private"


def _drop_private_blocks(state: StateCore) -> None:
    """Remove ``::: private`` blocks and HTML comment blocks from the public render."""
    if state.env.get("audience") != "public":
        return
    kept: list[Token] = []
    depth = 0
    for token in state.tokens:
        if token.type == "container_private_open":
            depth += 1
        elif token.type == "container_private_close":
            depth -= 1
        elif depth == 0:
            if token.type == "html_block":
                token.content = _COMMENT.sub("", token.content)
                if not token.content.strip():
                    continue
            kept.append(token)
    state.tokens = kept


def _drop_inline_comments(state: StateCore) -> None:
    """Remove inline HTML comments from the public render."""
    if state.env.get("audience") != "public":
        return
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = [c for c in token.children
                              if not (c.type == "html_inline" and c.content.startswith("<!--"))]


@cache
def markdown_parser() -> MarkdownIt:
    """Return the one configured parser of this process."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin, enabled=False, label=True)  # the label names the checkbox
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=lambda s: slugify(s, "section"),
           permalink=True, permalinkSymbol="#", permalinkBefore=False)
    md.use(container_plugin, "private", render=_private_open, validate=_is_private_fence)
    md.core.ruler.after("block", "footfall_private", _drop_private_blocks)
    md.core.ruler.after("inline", "footfall_comments", _drop_inline_comments)
    return md


def render_entry(entry: Entry, audience: Audience, root: str = "/") -> Rendered:
    """Render an entry's body for one audience; `root` is the relative path from its page to the site root."""
    md = markdown_parser()
    env: dict[str, Any] = {"audience": audience}
    tokens = md.parse(entry.body, env)
    every = _every_token(tokens)
    assets, problems, missing = _collect_images(every, entry)
    _relative_site_links(every, root)
    body_html = md.renderer.render(tokens, md.options, env)
    summary = entry.summary or _first_paragraph(tokens)
    return Rendered(body_html, _shorten(summary), assets, _count_words(every), tuple(problems), missing)


def _every_token(tokens: list[Token]) -> list[Token]:
    """Return every token in document order, children included (each one right after its parent)."""
    found: list[Token] = []
    for token in tokens:
        found.append(token)
        if token.children:
            found.extend(_every_token(token.children))
    return found


def _collect_images(every: list[Token], entry: Entry) -> tuple[tuple[Asset, ...], list[Problem], tuple[Path, ...]]:
    """Return the local images the body refers to, warnings for missing ones, and their paths."""
    assets: dict[str, Asset] = {}
    problems: list[Problem] = []
    missing: dict[Path, None] = {}
    line = entry.body_line
    folder = entry.source.parent
    for token in every:
        if token.map:
            line = entry.body_line + token.map[0]
        if token.type != "image":
            continue
        src = str(token.attrs.get("src", ""))
        name = _local_name(src)
        if name is None:
            continue
        source = (folder / unquote(src)).resolve()
        if not source.is_file():
            problems.append(warning(entry.source, line, f"image {src!r} not found next to the entry",
                                    "check the file name; it is left out of the page"))
            missing[source] = None
            continue
        token.attrs["src"] = name
        assets[name] = Asset(source, name)
    return tuple(assets.values()), problems, tuple(missing)


def _relative_site_links(every: list[Token], root: str) -> None:
    """Rewrite site-root links (/about/) relative to the page, so the site works under any path."""
    for token in every:
        attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
        value = str(token.attrs.get(attr, "")) if attr else ""
        if value.startswith("/") and not value.startswith("//"):
            token.attrs[attr] = (root + value[1:]) or "./"


def _local_name(src: str) -> str | None:
    """Return the output name of a relative image reference, or None for URLs and absolute paths."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or src.startswith(("/", "#")) or not parts.path:
        return None
    normal = posixpath.normpath(unquote(parts.path))
    if normal.startswith("../") or normal == "..":
        normal = posixpath.basename(normal)
    return normal


def _first_paragraph(tokens: list[Token]) -> str:
    """Return the plain text of the first top-level paragraph."""
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0 and index + 1 < len(tokens):
            text = _plain_text(tokens[index + 1])
            if text:
                return text
    return ""


def _plain_text(inline: Token) -> str:
    """Return the text of an inline token, without markup."""
    return " ".join("".join(_ordered_text(inline)).split())


def _ordered_text(inline: Token) -> list[str]:
    """Return the text pieces of an inline token in order."""
    pieces: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            pieces.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            pieces.append(" ")
        elif child.type == "image":
            pieces.append(child.content)
    return pieces


def _shorten(text: str) -> str:
    """Return text cut at a word boundary to at most SUMMARY_LENGTH characters."""
    text = " ".join(text.split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    cut = text[:SUMMARY_LENGTH].rsplit(" ", 1)[0].rstrip(",.;:—-")
    return cut + "…"


def _count_words(every: list[Token]) -> int:
    """Return the number of words in the rendered text."""
    return len(" ".join([t.content for t in every if t.type == "text" or t.type == "code_inline"]).split())


def plain(html_text: str) -> str:
    """Return text without tags (for meta descriptions built from HTML)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", html_text)).split())
