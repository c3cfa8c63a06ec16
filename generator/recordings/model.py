"""The plain model of a recording: its points in segments, and the figures the device or the points give."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG), the usual one for great-circle sums
MOVING_SPEED = 0.5  # m/s: slower than this between two points counts as standing still
LONG_GAP_S = 60.0  # seconds: a longer silence between two points is a pause (the watch stopped recording)
CLIMB_STEP_M = 3.0  # metres: elevation changes smaller than this are taken for altimeter noise

#: Sports as Footfall sorts them: runs are imported, walks and hikes when asked, the rest skipped.
RUN, WALK, HIKE, OTHER = "run", "walk", "hike", "other"


class RecordingError(Exception):
    """A recording that cannot be read; the message says why, for the writer."""


@dataclass(frozen=True, slots=True)
class Point:
    """One recorded moment."""

    lat: float | None  # degrees, None when the device had no position
    lon: float | None
    time: datetime | None  # aware (UTC); None when the file has no usable time
    ele: float | None = None  # metres
    hr: int | None = None  # beats per minute


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity from a recording, with the figures a journal entry takes from it."""

    sport: str  # run | walk | hike | other, or the device's own word for anything else ("cycling")
    start: datetime | None  # aware; None when the file carries no real date
    segments: tuple[tuple[Point, ...], ...]  # points between pauses
    distance_m: float | None = None  # what the device says, else the sum over the points
    moving_s: float | None = None  # timer time (pauses left out)
    elapsed_s: float | None = None  # first to last moment
    elevation_gain_m: float | None = None
    avg_heart_rate: int | None = None
    title: str = ""  # the name the device or app gave it
    activity_id: str = ""  # what identifies it on the device or service, if known
    description: str = ""  # the app's notes (Strava exports)

    @property
    def points(self) -> tuple[Point, ...]:
        """Return every point, in order."""
        return tuple(p for segment in self.segments for p in segment)

    @property
    def has_route(self) -> bool:
        """Return True when the activity has at least two positions to draw."""
        return sum(1 for p in self.points if p.lat is not None) >= 2


def metres_between(a: Point, b: Point) -> float:
    """Return the great-circle distance between two positioned points (haversine)."""
    assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def positioned(points: Iterable[Point]) -> list[Point]:
    """Return the points that have a position."""
    return [p for p in points if p.lat is not None and p.lon is not None]


def track_distance(segments: Sequence[Sequence[Point]]) -> float:
    """Return the great-circle length of the segments (pauses not bridged)."""
    total = 0.0
    for segment in segments:
        located = positioned(segment)
        total += sum(metres_between(a, b) for a, b in zip(located, located[1:]))
    return total


def elapsed_seconds(segments: Sequence[Sequence[Point]]) -> float | None:
    """Return the seconds from the first timed point to the last."""
    times = [p.time for s in segments for p in s if p.time is not None]
    return (max(times) - min(times)).total_seconds() if len(times) >= 2 else None


def moving_seconds(segments: Sequence[Sequence[Point]]) -> float | None:
    """Return the seconds spent moving: steps faster than MOVING_SPEED, pauses and long gaps left out."""
    total, timed = 0.0, False
    for segment in segments:
        located = [p for p in positioned(segment) if p.time is not None]
        for a, b in zip(located, located[1:]):
            assert a.time is not None and b.time is not None
            step = (b.time - a.time).total_seconds()
            timed = timed or step > 0
            if 0 < step <= LONG_GAP_S and metres_between(a, b) / step >= MOVING_SPEED:
                total += step
    return total if timed else None


def elevation_gain(segments: Sequence[Sequence[Point]]) -> float | None:
    """Return the metres climbed, ignoring changes smaller than CLIMB_STEP_M (altimeter noise)."""
    heights = [p.ele for s in segments for p in s if p.ele is not None]
    if len(heights) < 2:
        return None
    gain, base = 0.0, heights[0]
    for height in heights[1:]:
        if height - base >= CLIMB_STEP_M:
            gain, base = gain + height - base, height
        elif base - height >= CLIMB_STEP_M:
            base = height
    return gain


def mean_heart_rate(segments: Sequence[Sequence[Point]]) -> int | None:
    """Return the mean of the recorded heart rates, or None."""
    rates = [p.hr for s in segments for p in s if p.hr]
    return round(sum(rates) / len(rates)) if rates else None


def real_time(value: datetime | None) -> datetime | None:
    """Return a timestamp unless it is a placeholder (before 1980, as GPS-less devices and tools write)."""
    return value if value is not None and value.year >= 1980 else None


def completed(activity: Activity) -> Activity:
    """Return the activity with every figure the device left out worked out from its points."""
    segments = tuple(s for s in activity.segments if s)
    timed = _mostly_timed(segments)
    starts = [p.time for p in (q for s in segments for q in s) if p.time is not None]
    return replace(
        activity, segments=segments,
        start=activity.start or (min(starts) if starts else None),
        distance_m=activity.distance_m if activity.distance_m is not None else (track_distance(segments) or None),
        elapsed_s=_at_least(activity.elapsed_s if activity.elapsed_s is not None
                            else elapsed_seconds(segments) if timed else None, activity.moving_s),
        moving_s=activity.moving_s if activity.moving_s is not None else moving_seconds(segments) if timed else None,
        elevation_gain_m=(activity.elevation_gain_m if activity.elevation_gain_m is not None
                          else elevation_gain(segments)),
        avg_heart_rate=activity.avg_heart_rate or mean_heart_rate(segments),
    )


def _mostly_timed(segments: Sequence[Sequence[Point]]) -> bool:
    """Return True when most points carry a time (a track whose times were stripped gives no duration)."""
    points = [p for s in segments for p in s]
    return sum(p.time is not None for p in points) * 2 >= len(points)


def _at_least(elapsed: float | None, moving: float | None) -> float | None:
    """Return the elapsed time, never less than the moving time (a track trimmed short of its laps)."""
    if elapsed is None or moving is None:
        return elapsed
    return max(elapsed, moving)


def sport_of(word: str) -> str:
    """Return Footfall's sport for a device's or app's word: run, walk, hike, other or the word itself."""
    folded = word.strip().casefold().replace("_", " ")
    if not folded or folded in {"generic", "unknown"}:
        return RUN  # a runner's journal: a recording that does not say is taken for a run
    if "run" in folded or "jog" in folded or folded in {"9", "treadmill"}:
        return RUN
    if "walk" in folded:
        return WALK
    if "hik" in folded:
        return HIKE
    if folded in {"other", "transition"}:
        return OTHER
    if "cycl" in folded or "bik" in folded or "ride" in folded:
        return "ride"
    if "swim" in folded:
        return "swim"
    return folded
