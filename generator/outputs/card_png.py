"""Encode share cards as PNG: no metadata, and the bands the text leaves blank compressed once."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

from PIL import Image

BAND_ROWS = 10  # PNG rows compressed together; bands the text leaves blank are reused


def encode_png(image: Image.Image, blank: Sequence[tuple[bytes, bytes]]) -> bytes:
    """Encode an RGB image as a PNG without metadata, reusing the blank backdrop's compressed bands."""
    width, height = image.size
    rows = png_rows(image)
    step = BAND_ROWS * (width * 3 + 1)
    parts, run = [b"\x78\x01"], 0  # a zlib header; where the current run of changed bands starts
    for index, start in enumerate(range(0, len(rows), step)):
        band, packed = blank[index]
        if rows.startswith(band, start):
            parts += [deflate(rows[run:start]), packed]
            run = start + step
    parts += [deflate(rows[run:]), b"\x03\x00"]  # the last block, empty
    parts.append(struct.pack(">I", zlib.adler32(rows)))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    chunks = _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + chunks


def png_bands(image: Image.Image) -> tuple[tuple[bytes, bytes], ...]:
    """Return an image's PNG rows in bands of BAND_ROWS, each raw and compressed."""
    rows, step = png_rows(image), BAND_ROWS * (image.width * 3 + 1)
    bands = (rows[i : i + step] for i in range(0, len(rows), step))
    return tuple((band, deflate(band)) for band in bands)


def png_rows(image: Image.Image) -> bytes:
    """Return the image's pixel rows, each after a zero byte (PNG filter "none")."""
    padded = image.tobytes("raw", "RGB", image.width * 3 + 1)  # each row then a zero byte
    return b"\x00" + padded[:-1]


def deflate(data: bytes) -> bytes:
    """Compress data into raw deflate blocks ending on a byte boundary, ready to be joined."""
    if not data:
        return b""
    packer = zlib.compressobj(1, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_FULL_FLUSH)


def _chunk(kind: bytes, body: bytes) -> bytes:
    """Return one PNG chunk: length, type, body and checksum."""
    checksum = zlib.crc32(body, zlib.crc32(kind))
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)
