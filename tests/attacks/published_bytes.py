"""Search everything a publish shipped for private canary words, in every form a byte can hide them."""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import unquote_plus

from tests.conftest import SITE_TOML, entry

HIDDEN = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")  # soft hyphen, zero-width characters
JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
MOST_INFLATED = 50_000_000  # bytes: a decompression bomb in a test fixture would be a bug of its own


def readings(data: bytes) -> Iterator[str]:
    """Yield the text of some bytes in every reading a canary could hide in (lower case)."""
    yield from _text_readings(data.decode("utf-8", "replace"))
    if data[:2] == b"\x1f\x8b":
        try:
            yield from readings(gzip.decompress(data)[:MOST_INFLATED])
        except (OSError, EOFError):
            pass
    if data.startswith(b"\x89PNG"):
        for body in _png_compressed(data):
            yield from _text_readings(body.decode("utf-8", "replace"))


def _text_readings(text: str) -> Iterator[str]:
    """Yield text plain, unescaped from HTML, URL-decoded and JSON-decoded, without hiding characters."""
    for _ in range(2):
        text = html.unescape(unquote_plus(JSON_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text)))
    yield HIDDEN.sub("", text).lower()


def _png_compressed(data: bytes) -> Iterator[bytes]:
    """Yield the inflated bodies of a PNG's compressed text chunks."""
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        if kind in (b"zTXt", b"iTXt"):
            start = body.find(b"x\x9c") if kind == b"iTXt" else body.find(b"\0") + 2
            try:
                yield zlib.decompressobj().decompress(body[max(start, 0):], MOST_INFLATED)
            except zlib.error:
                pass
        position += 12 + length


def leaks_in(files: Iterable[tuple[str, bytes]], canaries: Iterable[str]) -> list[str]:
    """Return "path: canary" for every canary found in a path or the bytes of a file."""
    words = [c.lower() for c in canaries]
    found = []
    for path, data in files:
        texts = [*_text_readings(path), *readings(data)]
        found += [f"{path}: {word}" for word in words if any(word in text for text in texts)]
    return found


def folder_files(folder: Path) -> list[tuple[str, bytes]]:
    """Return every file under a folder (dot-files too) with its bytes."""
    return [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]


def repository_objects(repo: Path) -> list[tuple[str, bytes]]:
    """Return every object a git repository holds (commits, trees with their names, blobs), loose or packed."""
    listing = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch-all-objects", "--batch-check"],
                             capture_output=True, text=True, check=True).stdout.split()
    names = listing[0::3]
    objects = []
    for name in names:
        data = subprocess.run(["git", "-C", str(repo), "cat-file", "-p", name], capture_output=True, check=True).stdout
        objects.append((name, data))
    return objects


def branch_files(repo: Path, branch: str) -> list[tuple[str, bytes]]:
    """Return every file at the tip of a branch with its bytes."""
    names = git(repo, "ls-tree", "-r", "--name-only", branch).splitlines()
    return [(name, subprocess.run(["git", "-C", str(repo), "show", f"{branch}:{name}"], capture_output=True,
                                  check=True).stdout) for name in names]


def git(repo: Path, *args: str) -> str:
    """Run git in repo and return its output (raising when it fails)."""
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


#: Words that exist only in private places of the sites below: none may reach a published byte.
CANARIES = ["bramblefax", "snorkelvine", "tindlewort", "mossbegotten", "crumhallow"]
#: A word of the public story only: gone from every published byte once the story turns private.
STORY_WORD = "quillowmere"
STORY_PAGE = "2026/03/13/a-story-to-share/index.html"


def story_site(make_site, site_toml: str = SITE_TOML):
    """Return a site with one public story, a private entry, a private passage and a comment, all with canaries."""
    return make_site({
        "content/2026/story.md": entry("""
            title: A story to share
            date: 2026-03-13T08:00:00+01:00
            emotions: [calm]
            visibility: public
            """, """\
            The public part of the story, about the quillowmere hill.

            ::: private
            The bramblefax passage stays in the journal.
            :::

            <!-- snorkelvine note to self -->
            """),
        "content/2026/secret.md": entry("""
            title: The tindlewort morning
            date: 2026-03-10T07:00:00
            intention: mossbegotten
            visibility: private
            """, "A crumhallow body.\n"),
        "content/2026/other.md": entry("""
            title: Another open run
            date: 2026-03-12
            visibility: public
            """, "Plain words.\n"),
    }, site_toml)
