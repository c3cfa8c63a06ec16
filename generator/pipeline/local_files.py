"""Decide which files an entry's images may name: only files inside content/, by forward-slash paths.

An image written `../../../etc/passwd`, `%2e%2e/secret.jpg`, `..\\x.png` or naming a symlink that
leads out of content/ is refused with an error naming the entry and the line; it is never copied.
Site-root paths (`/images/x.png`) and URLs are links for the browser, not files to copy.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt

from generator.errors import Problem, error
from generator.pipeline.bounded import bounded_plugin
from generator.pipeline.private import container_plugin

#: A link or image destination after `](` or a reference's `]:` (a cheap, linear first look).
_DESTINATION = re.compile(r"\][(:][ \t\n]*<?([^\s)>]*)")


@dataclass(frozen=True, slots=True)
class LocalImage:
    """An image file an entry may use."""

    source: Path  # the file in content/, symlinks resolved
    name: str  # its path beside the page, forward slashes


@dataclass(frozen=True, slots=True)
class Refused:
    """An image reference that names a file outside content/ (or in a way that could)."""

    reason: str  # what is wrong, for the message


def content_root(entry_source: Path, rel: str) -> Path:
    """Return the content/ folder of an entry from its path and its path inside content/."""
    return entry_source.parents[rel.count("/")]


def is_local(src: str) -> bool:
    """Return True when an image reference names a file (not a URL, a site-root path or an anchor)."""
    parts = urlsplit(src)
    return not (parts.scheme or parts.netloc or src.startswith(("/", "#")) or not parts.path)


def local_image(src: str, folder: Path, root: Path) -> LocalImage | Refused | None:
    """Return the file a relative image reference names, a refusal, or None for URLs and site-root paths."""
    if not is_local(src.replace("\\", "/")):
        return None
    path = unquote(urlsplit(src).path)
    if "\\" in path or "\x00" in path:
        return Refused("uses a backslash; write paths with forward slashes")
    if path.startswith("/"):
        return Refused("names an absolute path in an encoded form")
    lexical = posixpath.normpath(posixpath.join(folder.relative_to(root).as_posix(), path))
    if lexical == ".." or lexical.startswith("../"):
        return Refused("climbs out of content/")
    try:
        source = (folder / path).resolve()
    except (OSError, RuntimeError, ValueError):
        return Refused("cannot be followed (a symbolic link loop?)")
    if not source.is_relative_to(root.resolve()):
        return Refused("leads out of content/ through a symbolic link")
    name = posixpath.normpath(path)
    if name.startswith("../") or name == "..":
        name = posixpath.basename(name)
    return LocalImage(source, name)


def _suspicious(destination: str, folder: Path, root: Path) -> bool:
    """Return True when a destination might name a file outside content/ (a quick look, before parsing)."""
    if "\\" in destination or ".." in unquote(destination):
        return True
    return bool(destination) and isinstance(local_image(destination, folder, root), Refused)


@cache
def _image_parser() -> MarkdownIt:
    """Return a parser that resolves every image of a body as the renders do (private blocks included)."""
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    container_plugin(md)
    bounded_plugin(md)
    return md


def image_problems(body: str, path: Path, rel: str, body_line: int) -> list[Problem]:
    """Return an error for every image of a body that names a file outside content/."""
    folder, root = path.parent, content_root(path, rel)
    if not any(_suspicious(m.group(1), folder, root) for m in _DESTINATION.finditer(body)):
        return []
    problems: list[Problem] = []
    line = body_line
    stack = list(reversed(_image_parser().parse(body, {})))
    while stack:
        token = stack.pop()
        if token.map:
            line = body_line + token.map[0]
        if token.children:
            stack.extend(reversed(token.children))
        if token.type != "image":
            continue
        src = str(token.attrs.get("src", ""))
        found = local_image(src, folder, root)
        if isinstance(found, Refused):
            problems.append(error(path, line, f"image {src!r} {found.reason}",
                                  "keep images inside content/, next to the entry or in a folder below it"))
    return problems
