"""Encode share cards as PNG: no metadata, the frame's rows compressed once, a card's own rows quickly.

A card differs from its frame only in some bands of rows. Its PNG stream is the frame's own bands
where the card has the frame's rows, and the runs of bands it differs in, each compressed on its own
(with zlib-ng's quick deflate when it is installed, else zlib's): raw deflate blocks that each end on
a byte boundary, so that they join into one zlib stream. Its checksum is put together from the
parts' checksums.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from types import ModuleType

from PIL import Image

try:
    from zlib_ng import zlib_ng
except ImportError:  # pragma: no cover - where no build of zlib-ng installs, zlib does the work, slower
    zlib_ng = None

BAND_ROWS = 10  # PNG rows compressed together; a card's own rows start and end on a band
ADLER_BASE = 65521
SIGNATURE = b"\x89PNG\r\n\x1a\n"
FAST: ModuleType = zlib_ng or zlib  # deflates a card's own rows (its output, like zlib's, depends on its input alone)


@dataclass(frozen=True, slots=True)
class FrameRows:
    """A frame's PNG rows, in bands of BAND_ROWS rows, with what it takes to splice a card's rows in."""

    size: tuple[int, int]  # width and height in pixels
    raw: bytes  # every row, each after its filter byte (0, "none")
    packed: tuple[bytes, ...]  # each band deflated on its own, ending on a byte boundary
    before: tuple[int, ...]  # adler32 of the rows before band i (one more entry than bands)
    after: tuple[int, ...]  # adler32 of the rows from band i on, counted on their own (likewise)


def engine() -> str:
    """Return the compressors whose output a card's bytes depend on."""
    if zlib_ng is None:
        return f"zlib {zlib.ZLIB_VERSION}"
    return f"zlib {zlib.ZLIB_VERSION}, zlib-ng {zlib_ng.ZLIBNG_VERSION}"


def frame_rows(image: Image.Image) -> FrameRows:
    """Return a frame's PNG rows in bands, each compressed once, well."""
    raw = png_rows(image)
    step = band_bytes(image.width)
    bands = [raw[i : i + step] for i in range(0, len(raw), step)]
    before, after, length = [1], [1], 0
    for band in bands:
        before.append(zlib.adler32(band, before[-1]))
    for band in reversed(bands):
        after.append(adler32_combine(zlib.adler32(band), after[-1], length))
        length += len(band)
    packed = tuple(_deflate(zlib, 9, band) for band in bands)
    return FrameRows(image.size, raw, packed, tuple(before), tuple(reversed(after)))


def encode_png(frame: FrameRows, canvas: Image.Image | None, top: int) -> bytes:
    """Encode a card: the frame, with its rows from `top` on replaced by the canvas's (None: none).

    The canvas is as wide as the frame, and starts and ends on a band (or at the frame's bottom). Its
    bands that differ from the frame's are compressed in runs; every other band is the frame's own.
    """
    width, height = frame.size
    runs: list[tuple[int, int, memoryview]] = []
    if canvas is not None:
        bottom = top + canvas.height
        if canvas.width != width or top % BAND_ROWS or (bottom % BAND_ROWS and bottom != height) or bottom > height:
            raise ValueError(f"a canvas of {canvas.size} at row {top} is not a run of whole bands")
        runs = changed_runs(frame, png_rows(canvas), top // BAND_ROWS)
    parts: list[bytes] = []
    checksum, done = 1, 0  # the adler32 of the rows so far (of none: 1), and the bands they make
    for first, last, piece in runs:
        parts.extend(frame.packed[done:first])
        checksum = _with_frame_bands(frame, checksum, done, first)
        parts.append(_deflate(FAST, 1, piece))
        checksum, done = adler32_combine(checksum, FAST.adler32(piece), len(piece)), last
    parts.extend(frame.packed[done:])
    checksum = _with_frame_bands(frame, checksum, done, len(frame.packed))
    stream = b"".join([b"\x78\x01", *parts, b"\x03\x00", struct.pack(">I", checksum)])  # then an empty last block
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")


def changed_runs(frame: FrameRows, rows: bytes, first_band: int) -> list[tuple[int, int, memoryview]]:
    """Return the runs of bands in which rows (starting at band `first_band`) differ from the frame's.

    Each run is (its first band, the band after it, its rows), bands counted from the frame's top.
    """
    step = band_bytes(frame.size[0])
    start = first_band * step
    runs: list[tuple[int, int, memoryview]] = []
    whole = memoryview(rows)  # bands compared and taken as views: no band is copied
    for offset in range(0, len(rows), step):
        if frame.raw.startswith(whole[offset : offset + step], start + offset):
            continue
        band = first_band + offset // step
        if runs and runs[-1][1] == band:  # the run goes on
            low = (runs[-1][0] - first_band) * step
            runs[-1] = (runs[-1][0], band + 1, whole[low : offset + step])
        else:
            runs.append((band, band + 1, whole[offset : offset + step]))
    return runs


def _with_frame_bands(frame: FrameRows, checksum: int, first: int, last: int) -> int:
    """Return the adler32 `checksum` of rows followed by the frame's own bands first..last-1."""
    if first >= last:
        return checksum
    step = band_bytes(frame.size[0])
    low, high = first * step, min(last * step, len(frame.raw))
    if first == 0:
        return adler32_combine(checksum, frame.before[last], high - low)
    if last == len(frame.packed):
        return adler32_combine(checksum, frame.after[first], high - low)
    return adler32_combine(checksum, FAST.adler32(memoryview(frame.raw)[low:high]), high - low)


def band_bytes(width: int) -> int:
    """Return the bytes of one band of PNG rows of that width (each row after its filter byte)."""
    return BAND_ROWS * (width * 3 + 1)


def is_whole_png(data: bytes, size: tuple[int, int]) -> bool:
    """Return True when data is a PNG of that size whose every chunk is there with its checksum right."""
    if not data.startswith(SIGNATURE):
        return False
    at, kinds = len(SIGNATURE), []
    while at + 12 <= len(data):
        (length,), kind = struct.unpack_from(">I", data, at), data[at + 4 : at + 8]
        end = at + 8 + length
        if end + 4 > len(data) or zlib.crc32(data[at + 4 : end]) != struct.unpack_from(">I", data, end)[0]:
            return False
        kinds.append(kind)
        if kind == b"IHDR" and struct.unpack_from(">II", data, at + 8) != size:
            return False
        at = end + 4
    return at == len(data) and kinds[:1] == [b"IHDR"] and kinds[-1:] == [b"IEND"] and b"IDAT" in kinds


def png_rows(image: Image.Image) -> bytes:
    """Return the image's pixel rows, each after a zero byte (PNG filter "none")."""
    padded = image.tobytes("raw", "RGB", image.width * 3 + 1)  # each row then a zero byte
    return b"\x00" + memoryview(padded)[:-1]  # one copy of the rows, not two


def adler32_combine(first: int, second: int, length: int) -> int:
    """Return the adler32 of two byte strings joined, from theirs and the second's length (as zlib does)."""
    remainder = length % ADLER_BASE
    low = (first & 0xFFFF) + (second & 0xFFFF) + ADLER_BASE - 1
    high = (remainder * (first & 0xFFFF)) % ADLER_BASE
    high += (first >> 16) + (second >> 16) + ADLER_BASE - remainder
    return (low % ADLER_BASE) | ((high % ADLER_BASE) << 16)


def _deflate(module: ModuleType, level: int, data: bytes | memoryview) -> bytes:
    """Compress data into raw deflate blocks ending on a byte boundary, ready to be joined."""
    packer = module.compressobj(level, module.DEFLATED, -15)
    return packer.compress(data) + packer.flush(module.Z_FULL_FLUSH)


def _chunk(kind: bytes, body: bytes) -> bytes:
    """Return one PNG chunk: length, type, body and checksum."""
    checksum = zlib.crc32(body, zlib.crc32(kind))
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", checksum)
