"""Read one recording file of any kind Footfall knows, gzipped or not."""

from __future__ import annotations

import zlib
from pathlib import Path

from generator.recordings.fit import read_fit
from generator.recordings.gpx import read_gpx
from generator.recordings.model import RUN, Activity, RecordingError, completed
from generator.recordings.tcx import read_tcx

READERS = {".gpx": read_gpx, ".tcx": read_tcx, ".fit": read_fit}
MAX_UNPACKED = 512 * 1024 * 1024  # bytes: a gzip that unpacks to more is refused (a zip bomb, not a run)


def kind_of(name: str) -> str | None:
    """Return ".gpx", ".tcx" or ".fit" for a recording's file name (".gz" allowed after it), else None."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    suffix = "." + lower.rsplit(".", 1)[-1] if "." in lower else ""
    return suffix if suffix in READERS else None


def unpack(data: bytes, name: str) -> bytes:
    """Return the bytes of a recording, gunzipped when its name ends in .gz."""
    if not name.lower().endswith(".gz"):
        return data
    try:
        unpacker = zlib.decompressobj(wbits=31)
        inner = unpacker.decompress(data, MAX_UNPACKED)
    except zlib.error as exc:
        raise RecordingError(f"the file is not valid gzip ({exc})") from exc
    if unpacker.unconsumed_tail:
        raise RecordingError("the gzip file unpacks to more than 512 MB; that is no run")
    if not unpacker.eof:
        raise RecordingError("the gzip file is cut short")
    return inner


def read_bytes(data: bytes, name: str) -> list[Activity]:
    """Return the activities of a recording given its bytes and file name, figures completed from the points."""
    kind = kind_of(name)
    if kind is None:
        raise RecordingError("not a recording Footfall reads (use .gpx, .tcx or .fit, optionally gzipped)")
    activities = [completed(a) for a in READERS[kind](unpack(data, name))]
    return activities


def read_file(path: Path) -> list[Activity]:
    """Return the activities of a recording file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RecordingError(f"cannot read the file: {exc.strerror}") from exc
    return read_bytes(data, path.name)


def main_activity(activities: list[Activity], wanted: frozenset[str] = frozenset({RUN})) -> Activity | None:
    """Return the leg to take from a recording: its first of the wanted sports (a triathlon's run), else None."""
    return next((a for a in activities if a.sport in wanted), None)


__all__ = ["RecordingError", "kind_of", "main_activity", "read_bytes", "read_file", "unpack"]
