"""Keep what was read from each recording, keyed by its bytes, so builds do not decode FIT files again."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from generator.recordings.model import HIKE, RUN, WALK, Activity, Point, RecordingError
from generator.recordings.read import main_activity, read_bytes

FORMAT = 2  # bump when the readers change what they read
DRAWN_SPORTS = frozenset({RUN, WALK, HIKE})


def route_activity(path: Path, cache_dir: Path | None) -> Activity:
    """Return the leg of a recording that an entry shows (its run, walk or hike), read once and kept."""
    return _chosen(_recording(path), path.name, cache_dir)


def route_places(path: Path, cache_dir: Path | None) -> list[tuple[float, float]]:
    """Return the latitude and longitude of every located point of route_activity(path, cache_dir), in order.

    A kept activity gives them without making its points (the privacy audit reads every recording).
    """
    data = _recording(path)
    kept = _kept_file(cache_dir, data)
    if kept is not None:
        try:
            plain = json.loads(kept.read_text("utf-8"))
            return [(lat, lon) for segment in plain["segments"] for lat, lon, _time, _ele, _hr in segment
                    if lat is not None and lon is not None]
        except (OSError, ValueError, KeyError, TypeError):
            pass  # not kept (or damaged): read as route_activity reads it
    activity = _chosen(data, path.name, cache_dir)
    return [(p.lat, p.lon) for p in activity.points if p.lat is not None and p.lon is not None]


def _recording(path: Path) -> bytes:
    """Return a recording's bytes, or raise RecordingError."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RecordingError(f"cannot read the recording: {exc.strerror}") from exc


def _kept_file(cache_dir: Path | None, data: bytes) -> Path | None:
    """Return where what was read from a recording with these bytes is kept (None: nothing is kept)."""
    return cache_dir / f"{FORMAT}-{hashlib.sha256(data).hexdigest()}.json" if cache_dir is not None else None


def _chosen(data: bytes, name: str, cache_dir: Path | None) -> Activity:
    """Return the leg to show of a recording's bytes, kept (by them) or read now and kept."""
    kept_file = _kept_file(cache_dir, data)
    kept = _load(kept_file) if kept_file is not None else None
    if kept is not None:
        return kept
    activities = read_bytes(data, name)
    chosen = main_activity(activities, DRAWN_SPORTS) or activities[0]
    if kept_file is not None:
        _save(kept_file, chosen)
    return chosen


def _load(path: Path) -> Activity | None:
    """Return a kept activity, or None when there is none or it cannot be read (it is then read again)."""
    try:
        plain = json.loads(path.read_text("utf-8"))
        return _activity(plain)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save(path: Path, activity: Activity) -> None:
    """Keep an activity (atomically; a failure only means reading the recording again next time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp", encoding="utf-8") as out:
            out.write(json.dumps(_plain(activity), separators=(",", ":")))  # in one piece: json.dump encodes in Python
        os.replace(out.name, path)
    except OSError:
        pass


def _stamp(value: datetime | None) -> float | None:
    """Return a time as seconds since the epoch."""
    return value.timestamp() if value is not None else None


def _time(value: float | None) -> datetime | None:
    """Return an aware UTC time from seconds since the epoch."""
    return datetime.fromtimestamp(value, timezone.utc) if value is not None else None


def _plain(a: Activity) -> dict[str, Any]:
    """Return an activity as JSON-ready data."""
    return {"sport": a.sport, "start": a.start.isoformat() if a.start else None,
            "segments": [[[p.lat, p.lon, _stamp(p.time), p.ele, p.hr] for p in s] for s in a.segments],
            "figures": [a.distance_m, a.moving_s, a.elapsed_s, a.elevation_gain_m, a.avg_heart_rate],
            "text": [a.title, a.activity_id, a.description]}


def _activity(plain: dict[str, Any]) -> Activity:
    """Return an activity from the data _plain made."""
    segments = tuple(tuple(Point(lat, lon, _time(t), ele, hr) for lat, lon, t, ele, hr in s) for s in plain["segments"])
    distance, moving, elapsed, gain, hr = plain["figures"]
    title, activity_id, description = plain["text"]
    start = datetime.fromisoformat(plain["start"]) if plain["start"] else None
    return Activity(plain["sport"], start, segments, distance, moving, elapsed, gain, hr, title, activity_id, description)
