"""Read Garmin Training Center (TCX) files with the standard XML parser, defused."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from generator.recordings.model import Activity, Point, RecordingError, real_time, sport_of
from generator.recordings.xml import child_text, local, number, parse_xml


def read_tcx(data: bytes) -> list[Activity]:
    """Return the activities of a TCX file; each <Track> is a stretch between pauses."""
    root = parse_xml(data, "TCX")
    found = [_activity(a) for a in root.iter() if local(a.tag) == "Activity"]
    if not found:
        raise RecordingError("the TCX file holds no <Activity>")
    return found


def _activity(element: ET.Element) -> Activity:
    """Return one <Activity>: its laps' totals and its track points."""
    laps = [lap for lap in element if local(lap.tag) == "Lap"]
    segments = tuple(tuple(_point(tp) for tp in track if local(tp.tag) == "Trackpoint")
                     for lap in laps for track in lap if local(track.tag) == "Track")
    seconds = [number(child_text(lap, "TotalTimeSeconds")) for lap in laps]
    metres = [number(child_text(lap, "DistanceMeters")) for lap in laps]
    start = real_time(_time(child_text(element, "Id"))) or real_time(_time(laps[0].get("StartTime") if laps else None))
    return Activity(
        sport=sport_of(element.get("Sport", "")), start=start, segments=tuple(s for s in segments if s),
        distance_m=sum(m for m in metres if m) or None if any(metres) else None,
        moving_s=sum(s for s in seconds if s) or None if any(seconds) else None,
        avg_heart_rate=_lap_heart_rate(laps, seconds),
        activity_id=f"tcx:{child_text(element, 'Id')}" if child_text(element, "Id") else "",
    )


def _lap_heart_rate(laps: list[ET.Element], seconds: list[float | None]) -> int | None:
    """Return the laps' average heart rates weighted by the laps' times, when every lap has one."""
    rates = [number(child_text(lap, "AverageHeartRateBpm", "Value")) for lap in laps]
    if not rates or any(r is None for r in rates) or any(not s for s in seconds):
        return None
    total = sum(s for s in seconds if s)
    return round(sum(r * s for r, s in zip(rates, seconds) if r and s) / total)


def _point(element: ET.Element) -> Point:
    """Return one <Trackpoint>."""
    hr = number(child_text(element, "HeartRateBpm", "Value"))
    return Point(lat=number(child_text(element, "Position", "LatitudeDegrees")),
                 lon=number(child_text(element, "Position", "LongitudeDegrees")),
                 time=real_time(_time(child_text(element, "Time"))),
                 ele=number(child_text(element, "AltitudeMeters")), hr=int(hr) if hr else None)


def _time(text: str | None) -> datetime | None:
    """Return an aware datetime from an ISO 8601 time, UTC when it says no zone; None when unreadable."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
