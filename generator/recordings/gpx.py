"""Read GPX files (GPX 1.0 and 1.1, with Garmin's and others' heart-rate extensions) with gpxpy.

gpxpy is the plain path. The files watches and phones write are read from the defused tree instead
(gpx_tree.read_tree), which takes only what it reads exactly as gpxpy does and hands the rest back.
"""

from __future__ import annotations

from datetime import timezone
from typing import TYPE_CHECKING

from generator.recordings.gpx_tree import read_tree
from generator.recordings.model import Activity, Point, RecordingError, real_time, sport_of
from generator.recordings.xml import is_heart_rate, number, parse_xml

if TYPE_CHECKING:  # gpxpy is loaded when a GPX file is read: most builds read none, and loading it costs
    import gpxpy.gpx


def read_gpx(data: bytes) -> list[Activity]:
    """Return the activity of a GPX file (all its tracks, each track segment a stretch between pauses)."""
    root = parse_xml(data, "GPX")  # refuses entity tricks before either reader sees the text
    quick = read_tree(data, root)
    if quick is not None:
        return quick
    return read_with_gpxpy(data)


def read_with_gpxpy(data: bytes) -> list[Activity]:
    """Return the activity of a GPX file as gpxpy reads it (the plain path; parse_xml has accepted the bytes)."""
    import gpxpy
    import gpxpy.gpx

    try:
        doc = gpxpy.parse(data.decode("utf-8-sig", "replace"))
    except gpxpy.gpx.GPXException as exc:
        raise RecordingError(f"not a GPX file gpxpy can read ({exc})") from exc
    segments = tuple(tuple(_point(p) for p in segment.points)
                     for track in doc.tracks for segment in track.segments if segment.points)
    if not segments:
        raise RecordingError("the GPX file has no track points")
    named = next((t for t in doc.tracks if t.name), None)
    typed = next((t.type for t in doc.tracks if t.type), "")
    start = min((p.time for s in segments for p in s if p.time is not None), default=None)
    if start is None:
        start = real_time(_utc(doc.time))
    return [Activity(sport=sport_of(typed or ""), start=start, segments=segments,
                     title=named.name.strip() if named and named.name else "")]


def _utc(value: object) -> object:
    """Return a datetime made aware in UTC when it is naive (GPX times are UTC)."""
    if value is None or not hasattr(value, "tzinfo"):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)  # type: ignore[union-attr]


def _point(p: gpxpy.gpx.GPXTrackPoint) -> Point:
    """Return one GPX point, with its heart rate from any extension that carries one."""
    when = _utc(p.time)
    return Point(lat=p.latitude, lon=p.longitude, time=real_time(when),  # type: ignore[arg-type]
                 ele=p.elevation, hr=_heart_rate(p.extensions))


def _heart_rate(extensions: list[object]) -> int | None:
    """Return the heart rate in a point's extensions (gpxtpx:hr, ns3:hr, or a plain <hr>)."""
    for element in extensions:
        for node in element.iter():  # type: ignore[attr-defined]
            if is_heart_rate(node.tag):
                value = number(node.text)
                if value and 20 <= value <= 255:
                    return int(value)
    return None
