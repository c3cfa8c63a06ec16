"""Render entry bodies to HTML for one audience; the public render drops private passages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from generator.pipeline.bounded import bounded_plugin
from generator.pipeline.entries import Entry
from generator.errors import Problem, error, warning
from generator.pipeline.local_files import LocalImage, Refused, content_root, local_image
from generator.pipeline.private import PublicSource, container_name, container_plugin, public_source
from generator.urls import slugify

Audience = Literal["public", "journal"]
SUMMARY_LENGTH = 220
HIDDEN = "footfall:hidden"  # the destination given to references defined only in private blocks
_TAG = re.compile(r"<[^<>]*>")


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


def _container_tag(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """Render a `:::` container: a private passage in the journal, else a div named for it."""
    token = tokens[idx]
    if token.type.startswith("container_private"):
        if token.nesting == 1:
            return '<aside class="private-passage" aria-label="Private passage">\n<p class="private-label">Private</p>\n'
        return "</aside>\n"
    if token.nesting == -1:
        return "</div>\n"
    return f'<div class="{slugify(container_name(token.info), "container")}">\n'


def _drop_private_blocks(state: StateCore) -> None:
    """Remove any private block left in a public render (the source has none: a second line of defence)."""
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
            kept.append(token)
    state.tokens = kept


def _drop_hidden_references(state: StateCore) -> None:
    """Remove links, images and footnote marks whose definition lives only in a private block."""
    if state.env.get("audience") != "public":
        return
    hidden = state.env.get("footfall_hidden_notes", frozenset())
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _without_hidden(token.children, hidden)
    _renumber_notes(state.tokens, state.env)


def _without_hidden(children: list[Token], hidden_notes: frozenset[str]) -> list[Token]:
    """Return inline tokens without hidden images and footnote marks, hidden links reduced to their text."""
    kept: list[Token] = []
    open_links: list[bool] = []
    for child in children:
        if child.type == "link_open":
            open_links.append(child.attrs.get("href") == HIDDEN)
            if open_links[-1]:
                continue
        elif child.type == "link_close" and open_links and open_links.pop():
            continue
        elif child.type == "image" and child.attrs.get("src") == HIDDEN:
            continue
        elif child.type == "footnote_ref" and child.meta.get("label") in hidden_notes:
            continue
        kept.append(child)
    return kept


def _renumber_notes(tokens: list[Token], env: dict[str, Any]) -> None:
    """Number the footnotes left after hidden ones are dropped 1, 2, 3 as if those never existed."""
    notes = env.get("footnotes")
    hidden = env.get("footfall_hidden_notes")
    if not notes or not hidden:
        return
    old = notes.get("list", {})
    kept = {i: note for i, note in old.items() if note.get("label") not in hidden}
    numbers = {i: n for n, i in enumerate(kept)}
    notes["list"] = {numbers[i]: note for i, note in kept.items()}
    notes["refs"] = {key: numbers.get(i, -1) for key, i in notes.get("refs", {}).items() if key[1:] not in hidden}
    for token in tokens:
        for child in token.children or ():
            if child.type == "footnote_ref":
                child.meta["id"] = numbers.get(child.meta["id"], child.meta["id"])


@cache
def markdown_parser() -> MarkdownIt:
    """Return the one configured parser of this process."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin).use(tasklists_plugin, enabled=False, label=True)  # the label names the checkbox
    md.use(anchors_plugin, min_level=2, max_level=4, slug_func=lambda s: slugify(s, "section"),
           permalink=True, permalinkSymbol="#", permalinkBefore=False)
    container_plugin(md)
    bounded_plugin(md)
    for kind in ("container_private_open", "container_private_close", "container_named_open", "container_named_close"):
        md.add_render_rule(kind, _container_tag)
    md.core.ruler.after("block", "footfall_private", _drop_private_blocks)
    md.core.ruler.after("inline", "footfall_hidden", _drop_hidden_references)
    return md


def render_entry(entry: Entry, audience: Audience, root: str = "/") -> Rendered:
    """Render an entry's body for one audience; `root` is the relative path from its page to the site root."""
    md = markdown_parser()
    env: dict[str, Any] = {"audience": audience}
    if audience == "public":
        tokens = md.parse(_public_body(public_source(entry.body), env), env)
    else:
        tokens = md.parse(entry.body, env)
    every = _every_token(tokens)
    assets, problems, missing = _collect_images(every, entry)
    _relative_site_links(every, root)
    body_html = md.renderer.render(tokens, md.options, env)
    summary = entry.summary or _first_paragraph(tokens)
    return Rendered(body_html, _shorten(summary), assets, _count_words(every), tuple(problems), missing)


def _public_body(source: PublicSource, env: dict[str, Any]) -> str:
    """Return the public text, with references defined only in private blocks marked hidden in env."""
    if source.hidden_references:
        env["references"] = {label: {"href": HIDDEN, "title": ""} for label in source.hidden_references}
    if source.hidden_notes:
        env["footnotes"] = {"refs": {":" + label: -1 for label in source.hidden_notes}, "list": {}}
        env["footfall_hidden_notes"] = source.hidden_notes
    return source.text


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
    folder, root = entry.source.parent, content_root(entry.source, entry.rel)
    for token in every:
        if token.map:
            line = entry.body_line + token.map[0]
        if token.type != "image":
            continue
        src = str(token.attrs.get("src", ""))
        found = local_image(src, folder, root)
        if isinstance(found, Refused):
            problems.append(error(entry.source, line, f"image {src!r} {found.reason}",
                                  "keep images inside content/, next to the entry or in a folder below it"))
            _erase(token)
        elif isinstance(found, LocalImage) and not found.source.is_file():
            problems.append(warning(entry.source, line, f"image {src!r} not found next to the entry",
                                    "check the file name; it is left out of the page"))
            missing[found.source] = None
        elif isinstance(found, LocalImage):
            token.attrs["src"] = found.name
            assets[found.name] = Asset(found.source, found.name)
    return tuple(assets.values()), problems, tuple(missing)


def _erase(token: Token) -> None:
    """Turn a token into empty text, so nothing of it is rendered."""
    token.type, token.tag, token.content, token.children, token.attrs = "text", "", "", None, {}


def _relative_site_links(every: list[Token], root: str) -> None:
    """Rewrite site-root links (/about/) relative to the page, so the site works under any path."""
    for token in every:
        attr = "href" if token.type == "link_open" else "src" if token.type == "image" else None
        value = str(token.attrs.get(attr, "")) if attr else ""
        if value.startswith("/") and not value.startswith("//"):
            token.attrs[attr] = (root + value[1:]) or "./"


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
            pieces.extend(_ordered_text(child))
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
    return " ".join(html.unescape(_TAG.sub(" ", html_text)).split())
