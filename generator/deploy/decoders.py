"""Turn the bytes of an output file into the texts the audit searches, each decoder with a limit.

A file is read by what it holds, never by its name: gzip is inflated, an image gives the text of
its metadata (EXIF, XMP, IPTC, comments, PNG text chunks, colour profiles, unknown chunks), other
binary files give their runs of readable characters (UTF-8 and UTF-16), text gives itself, and
the `data:` URLs inside text are decoded and read in turn. Images are walked chunk by chunk without
decoding a pixel. Every inflation is bounded (MAX_INFLATE), so a bomb of a few kilobytes cannot
take the memory of the machine: what goes past a limit is reported, and the build refuses it.

The kinds of metadata an image carries are named too, so that the audit can refuse a static image
that still holds any (they are for the writer's eyes only, wherever they came from).
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_INFLATE = 64 * 1024 * 1024  # the most bytes one file may inflate to (gzip, compressed chunks) in all
MAX_DEPTH = 3  # gzip within gzip within a data: URL ... at most this deep
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: PNG chunks that hold pixels, colour or timing, and no words.
PNG_PLAIN = frozenset({b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"sBIT", b"sRGB", b"bKGD",
                       b"hIST", b"pHYs", b"sPLT", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCv", b"cLLI"})
JPEG_PLAIN = frozenset({0xE0, 0xE2, 0xEE})  # JFIF, ICC profile, Adobe colour transform
WEBP_PLAIN = frozenset({b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"})
GIF_PLAIN_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")
_RUNS = re.compile(rb"[\t\n\r\x20-\x7e\x80-\xff]{4,}")
_RUNS_LE = re.compile(rb"(?:[\x20-\xff]\x00){4,}")
_RUNS_BE = re.compile(rb"(?:\x00[\x20-\xff]){4,}")
_DATA_URL = re.compile(r"data:[\w/+.-]{0,64}(?:;[\w=.+-]{0,64}){0,4};base64,([A-Za-z0-9+/=]+)")


class TooBig(Exception):
    """A file that inflates past MAX_INFLATE."""


@dataclass
class Decoded:
    """What the audit reads of one file."""

    texts: list[str] = field(default_factory=list)  # the texts to search
    metadata: list[str] = field(default_factory=list)  # kinds of image metadata found ("EXIF", "PNG tEXt", ...)
    image: str | None = None  # the image format, when it is one
    too_big: bool = False  # something inflated past the limit
    inflated: int = 0  # bytes inflated so far


def decode(data: bytes, depth: int = 0, found: Decoded | None = None) -> Decoded:
    """Return the texts and metadata of a file's bytes, whatever it holds."""
    found = found if found is not None else Decoded()
    if depth > MAX_DEPTH:
        found.too_big = True
        return found
    kind = sniff(data)
    try:
        if kind == "gzip":
            decode(_inflate(data, found, wbits=47), depth + 1, found)
        elif kind in IMAGE_WALKERS:
            found.image = found.image or kind
            for what, payload in IMAGE_WALKERS[kind](data, found):
                found.metadata.append(what)
                found.texts.extend(readable_runs(payload))
        elif kind == "text":
            text = data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8", "replace")
            found.texts.append(text)
            for blob in _data_urls(text):
                decode(blob, depth + 1, found)
        else:
            found.texts.extend(readable_runs(data))
    except TooBig:
        found.too_big = True
    return found


def sniff(data: bytes) -> str:
    """Return what a file holds, from its first bytes: gzip, an image format, text or binary."""
    head = data[:16]
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith(PNG_SIGNATURE):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith((b"II*\x00", b"MM\x00*", b"BM", b"\x00\x00\x01\x00")) or head[4:12] in (b"ftypavif", b"ftypheic"):
        return "other-image"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" not in data[:4096]:
        return "text"
    return "binary"


def readable_runs(data: bytes) -> list[str]:
    """Return the runs of readable characters in binary data (UTF-8 or Latin-1, UTF-16 either way), as one text."""
    runs = [match.group(0).decode("utf-8", "replace") for match in _RUNS.finditer(data)]
    runs += [match.group(0).decode("utf-16-le") for match in _RUNS_LE.finditer(data)]
    runs += [match.group(0).decode("utf-16-be") for match in _RUNS_BE.finditer(data)]
    return ["\n".join(runs)] if runs else []


def _inflate(data: bytes, found: Decoded, wbits: int = 15) -> bytes:
    """Return data inflated (zlib, or gzip with wbits=47), counting towards the file's limit."""
    inflater = zlib.decompressobj(wbits)
    room = MAX_INFLATE - found.inflated
    try:
        out = inflater.decompress(data, room + 1)
    except zlib.error:
        return b""
    if len(out) > room:
        raise TooBig()
    found.inflated += len(out)
    return out


def _data_urls(text: str) -> Iterator[bytes]:
    """Yield the bytes of every base64 `data:` URL in a text."""
    if "base64," not in text:
        return
    for match in _DATA_URL.finditer(text):
        try:
            yield base64.b64decode(match.group(1) + "==", validate=False)
        except (binascii.Error, ValueError):
            continue


# --- images, chunk by chunk -----------------------------------------------------------------------

def png_chunks(data: bytes, found: Decoded) -> Iterator[tuple[str, bytes]]:
    """Yield the metadata chunks of a PNG, with compressed text inflated."""
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        start, position = position + 8, position + 12 + length
        if kind in PNG_PLAIN:
            continue  # pixels, colour or timing: not copied, not read
        body = data[start:start + length]
        if kind == b"iCCP":
            found.texts.extend(readable_runs(_inflate(body.partition(b"\0")[2][1:], found)))
        else:
            yield f"PNG {kind.decode('latin-1')}", _png_text(kind, body, found)


def _png_text(kind: bytes, body: bytes, found: Decoded) -> bytes:
    """Return the text of one PNG chunk, compressed text inflated."""
    key, _, rest = body.partition(b"\0")
    if kind == b"zTXt":
        return key + b" " + _inflate(rest[1:], found)
    if kind == b"iTXt":
        flag, rest = rest[:1], rest[2:]
        language, _, rest = rest.partition(b"\0")
        translated, _, text = rest.partition(b"\0")
        text = _inflate(text, found) if flag == b"\1" else text
        return b" ".join((key, language, translated, text))
    return body


def jpeg_segments(data: bytes, found: Decoded) -> Iterator[tuple[str, bytes]]:
    """Yield the metadata segments of a JPEG (APPn but JFIF, ICC and Adobe; comments), up to the pixels."""
    position = 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            position += 2
            continue
        if marker in (0xDA, 0xD9):
            return
        length = int.from_bytes(data[position + 2:position + 4], "big")
        body = data[position + 4:position + 2 + length]
        position += 2 + length
        if marker == 0xFE:
            yield "JPEG comment", body
        elif 0xE0 <= marker <= 0xEF:
            label = {0xE1: "EXIF or XMP", 0xED: "IPTC"}.get(marker, f"APP{marker - 0xE0}")
            if marker in JPEG_PLAIN:
                found.texts.extend(readable_runs(body))  # searched, but no reason to refuse
            else:
                yield f"JPEG {label}", body


def gif_blocks(data: bytes, found: Decoded) -> Iterator[tuple[str, bytes]]:
    """Yield the comment, text and application extensions of a GIF (but the animation loop)."""
    position = 13
    if len(data) > 10 and data[10] & 0x80:
        position += 3 * (2 << (data[10] & 7))
    while position < len(data):
        introducer = data[position]
        if introducer == 0x21 and position + 1 < len(data):
            label = data[position + 1]
            body, position = _sub_blocks(data, position + 2)
            if label == 0xFE:
                yield "GIF comment", body
            elif label == 0x01:
                yield "GIF plain text", body
            elif label == 0xFF and not body[1:].startswith(GIF_PLAIN_APPS) and not body.startswith(GIF_PLAIN_APPS):
                yield "GIF application data (XMP)", body
        elif introducer == 0x2C and position + 10 <= len(data):
            flags = data[position + 9]
            position += 10 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0) + 1
            _, position = _sub_blocks(data, position)
        else:
            return


def _sub_blocks(data: bytes, position: int) -> tuple[bytes, int]:
    """Return the joined data sub-blocks of a GIF from `position`, and the position after them."""
    pieces: list[bytes] = []
    while position < len(data) and data[position]:
        size = data[position]
        pieces.append(data[position + 1:position + 1 + size])
        position += 1 + size
    return b"".join(pieces), position + 1


def webp_chunks(data: bytes, found: Decoded) -> Iterator[tuple[str, bytes]]:
    """Yield the metadata chunks of a WebP (EXIF, XMP and any unknown chunk)."""
    position = 12
    while position + 8 <= len(data):
        kind = data[position:position + 4]
        length = int.from_bytes(data[position + 4:position + 8], "little")
        body = data[position + 8:position + 8 + length]
        position += 8 + length + (length & 1)
        if kind == b"ICCP":
            found.texts.extend(readable_runs(body))
        elif kind not in WEBP_PLAIN:
            yield f"WebP {kind.decode('latin-1').strip()}", body


def other_image(data: bytes, found: Decoded) -> Iterator[tuple[str, bytes]]:
    """Yield the readable runs of an image in a format walked by no one here (TIFF, BMP, ICO, AVIF)."""
    runs = readable_runs(data)
    if runs:
        found.texts.extend(runs)
    return iter(())


IMAGE_WALKERS = {"png": png_chunks, "jpeg": jpeg_segments, "gif": gif_blocks, "webp": webp_chunks,
                 "other-image": other_image}
