"""Read every public byte and path the way an adversary hides text in them, apart from the audit's own code."""

from __future__ import annotations

import gzip
import html
import io
import re
import sys
import unicodedata
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote

from PIL import Image

MOST_INFLATED = 50_000_000  # bytes: fixtures never need more
_JSON = re.compile(r"\\u([0-9a-fA-F]{4})")
_TAG = re.compile(r"<[^<>]*>")
_HIDDEN = dict.fromkeys(c for c in range(0x30000) if unicodedata.category(chr(c)) == "Cf")


def readings(data: bytes) -> Iterator[str]:
    """Yield every reading of some bytes: as text, inflated, as image metadata, as UTF-16."""
    yield data.decode("utf-8", "replace")
    yield data.decode("latin-1")
    yield data.decode("utf-16-le", "replace").replace("\x00", "")
    yield data.decode("utf-16-be", "replace").replace("\x00", "")
    if data[:2] == b"\x1f\x8b":
        inflated = zlib.decompressobj(47).decompress(data, MOST_INFLATED)
        yield from readings(inflated)
    yield from _image_readings(data)


def _image_readings(data: bytes) -> Iterator[str]:
    """Yield the metadata Pillow reads from an image: info, every EXIF directory, XMP."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            for value in image.info.values():
                yield value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                if isinstance(value, bytes):
                    yield value.decode("utf-16-le", "replace")
            exif = image.getexif()
            yield " ".join(str(v) for v in exif.values())
            for ifd in (0x8769, 0x8825):
                yield " ".join(str(v) for v in exif.get_ifd(ifd).values())
            yield str(getattr(image, "text", ""))
    except Exception:  # not an image: nothing more to read
        return


def plain_forms(text: str) -> Iterator[str]:
    """Yield a text undone of escapes (twice over), hidden characters and markup, case-folded."""
    for _ in range(2):
        text = html.unescape(unquote(_JSON.sub(lambda m: chr(int(m[1], 16)), text)))
    text = unicodedata.normalize("NFKD", text.translate(_HIDDEN))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    yield text
    yield _TAG.sub("", text)


def canaries_in(folder: Path, canaries: list[str]) -> list[str]:
    """Return "path: canary" for every canary in any path or byte under folder, however it is hidden."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relpath = path.relative_to(folder).as_posix()
        texts = [form for reading in [relpath, *readings(path.read_bytes())] for form in plain_forms(reading)]
        found += [f"{relpath}: {c}" for c in canaries if any(c.casefold() in text for text in texts)]
    return found


@contextmanager
def swapped(name: str, replacement: object) -> Iterator[None]:
    """Swap a function for another in every Footfall module that imported it, then put it back."""
    changed = []
    original = None
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("generator") and hasattr(module, name):
            original = original or getattr(module, name)
            if getattr(module, name) is original:
                changed.append(module)
                setattr(module, name, replacement)
    try:
        yield
    finally:
        for module in changed:
            setattr(module, name, original)


def json_escaped(text: str) -> str:
    """Return text as a JSON string with every letter escaped."""
    return "".join(f"\\u{ord(c):04x}" for c in text)


def gzipped(text: str) -> bytes:
    """Return text compressed with gzip."""
    return gzip.compress(text.encode())
