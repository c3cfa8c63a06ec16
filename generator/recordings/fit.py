"""Read Garmin FIT files (chained, multisport, paused) with fitdecode."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from generator.recordings.model import LONG_GAP_S, Activity, Point, RecordingError, sport_of

if TYPE_CHECKING:  # fitdecode is loaded when a FIT file is read: most builds read none, and loading it costs
    import fitdecode

SEMICIRCLE = 180.0 / 2**31  # degrees per FIT semicircle
_STOPS = {"stop", "stop_all", "stop_disable", "stop_disable_all"}


@dataclass
class _Scan:
    """What one pass over a FIT file gathers."""

    sessions: list[dict[str, Any]] = field(default_factory=list)
    segments: list[list[Point]] = field(default_factory=lambda: [[]])
    file_id: str = ""
    sports: list[str] = field(default_factory=list)  # from `sport` messages, for files without sessions

    def add(self, point: Point) -> None:
        """Add a record, starting a new segment after a long silence."""
        last = self.segments[-1][-1] if self.segments[-1] else None
        if last is not None and last.time and point.time and (point.time - last.time).total_seconds() > LONG_GAP_S:
            self.pause()
        self.segments[-1].append(point)

    def pause(self) -> None:
        """Break the track: the timer stopped."""
        if self.segments[-1]:
            self.segments.append([])


def read_fit(data: bytes) -> list[Activity]:
    """Return one activity per session of a FIT file (a multisport file has one per leg)."""
    scan = _scan(data)
    segments = tuple(tuple(s) for s in scan.segments if s)
    if not scan.sessions:
        sport = scan.sports[0] if scan.sports else ""
        return [Activity(sport=sport_of(sport), start=_first_time(segments), segments=segments,
                         activity_id=scan.file_id)]
    return [_session(values, index, segments, scan.file_id) for index, values in enumerate(scan.sessions)]


def _scan(data: bytes) -> _Scan:
    """Decode every message; a damaged file raises RecordingError with the decoder's reason."""
    import fitdecode

    scan = _Scan()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # fields that do not fit their definition: read leniently, as devices expect
            reader = fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.ENABLED,
                                         error_handling=fitdecode.ErrorHandling.IGNORE)
            with reader:
                for frame in reader:
                    if isinstance(frame, fitdecode.FitDataMessage):
                        _message(frame, scan)
    except fitdecode.FitCRCError as exc:
        raise RecordingError(f"the FIT file is damaged: its checksum does not match ({exc})") from exc
    except fitdecode.FitEOFError as exc:
        raise RecordingError(f"the FIT file ends early, cut short ({exc})") from exc
    except fitdecode.FitError as exc:
        raise RecordingError(f"the FIT file cannot be decoded ({exc})") from exc
    return scan


def _message(frame: fitdecode.FitDataMessage, scan: _Scan) -> None:
    """Take what matters from one data message."""
    name = frame.name
    if name == "record":
        scan.add(_point(frame))
    elif name == "event" and _value(frame, "event") == "timer" and _value(frame, "event_type") in _STOPS:
        scan.pause()
    elif name == "session":
        scan.sessions.append({key: _value(frame, key) for key in (
            "sport", "sub_sport", "start_time", "timestamp", "total_distance", "total_timer_time",
            "total_elapsed_time", "total_ascent", "avg_heart_rate")})
    elif name == "sport":
        scan.sports.append(str(_value(frame, "sport") or ""))
    elif name == "file_id" and not scan.file_id:
        serial, created = _value(frame, "serial_number"), _value(frame, "time_created")
        if serial is not None or isinstance(created, datetime):
            stamp = created.isoformat() if isinstance(created, datetime) else created
            scan.file_id = f"fit:{_value(frame, 'manufacturer')}:{serial}:{stamp}"


def _value(frame: fitdecode.FitDataMessage, key: str) -> Any:
    """Return a field's value, or None when the message lacks it."""
    return frame.get_value(key, fallback=None)


def _point(frame: fitdecode.FitDataMessage) -> Point:
    """Return one record: semicircles made degrees, device-relative times dropped."""
    lat, lon = _value(frame, "position_lat"), _value(frame, "position_long")
    when = _value(frame, "timestamp")
    ele = _value(frame, "enhanced_altitude")
    ele = _value(frame, "altitude") if ele is None else ele
    hr = _value(frame, "heart_rate")
    located = isinstance(lat, int) and isinstance(lon, int) and abs(lat) < 2**31 - 1 and abs(lon) < 2**31 - 1
    return Point(lat=lat * SEMICIRCLE if located else None, lon=lon * SEMICIRCLE if located else None,
                 time=when if isinstance(when, datetime) else None,
                 ele=float(ele) if isinstance(ele, (int, float)) else None,
                 hr=int(hr) if isinstance(hr, (int, float)) and 20 <= hr <= 255 else None)


def _first_time(segments: tuple[tuple[Point, ...], ...]) -> datetime | None:
    """Return the first real time among the points."""
    return next((p.time for s in segments for p in s if p.time is not None), None)


def _session(values: dict[str, Any], index: int, segments: tuple[tuple[Point, ...], ...], file_id: str) -> Activity:
    """Return the activity of one session, with the points recorded during it."""
    start = values["start_time"] if isinstance(values["start_time"], datetime) else None
    elapsed = _number(values["total_elapsed_time"])
    if start is not None and elapsed is not None:
        end = start + timedelta(seconds=elapsed)
        inside = (tuple(p for p in s if p.time is not None and start <= p.time <= end) for s in segments)
        segments = tuple(s for s in inside if s)
    elif start is None:
        segments = tuple(s for s in segments if any(p.lat is not None for p in s))
    ascent = _number(values["total_ascent"])
    return Activity(
        sport=sport_of(str(values["sport"] or "")), start=start, segments=segments,
        distance_m=_number(values["total_distance"]), moving_s=_number(values["total_timer_time"]),
        elapsed_s=elapsed, elevation_gain_m=ascent,
        avg_heart_rate=int(values["avg_heart_rate"]) if values["avg_heart_rate"] else None,
        activity_id=f"{file_id}:{index}" if file_id else "",
    )


def _number(value: Any) -> float | None:
    """Return a numeric field as a float, or None."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
