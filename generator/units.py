"""Parse and format distances, durations, paces and dates: pure functions, no IO."""

from __future__ import annotations

import math
import re
from datetime import date

METRES_PER_UNIT = {"km": 1000.0, "mi": 1609.344, "m": 1.0}
_DISTANCE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(km|k|mi|m|miles?|kilometres?|kilometers?|metres?|meters?)?\s*$", re.I)
_UNIT_ALIASES = {"mile": "mi", "miles": "mi", "kilometre": "km", "kilometres": "km", "kilometer": "km",
                 "kilometers": "km", "metre": "m", "metres": "m", "meter": "m", "meters": "m", "k": "km"}
#: Race distances runners write by name, in metres.
RACES = {"half": 21_097.5, "half marathon": 21_097.5, "half-marathon": 21_097.5, "marathon": 42_195.0}
_WORDS = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*(?:(\d+(?:\.\d+)?)\s*m(?:in(?:utes?|s)?)?)?"
                    r"\s*(?:(\d+)\s*s(?:ec(?:onds?|s)?)?)?\s*$", re.I)
_CLOCK = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{2})\s*$")


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")  # English, whatever the machine's locale (strftime's %B is not)


def long_date(value: date) -> str:
    """Return a date like "14 March 2026"."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def short_date(value: date) -> str:
    """Return a date like "14 Mar"."""
    return f"{value.day} {MONTH_NAMES[value.month - 1][:3]}"


MAX_WRITTEN = 40  # characters of a written distance or duration, spaces collapsed
MAX_MINUTES = 100_000  # the longest duration read, in minutes (about 69 days)


class UnitError(ValueError):
    """A value that cannot be read as a distance, duration or mood."""


def parse_distance(value: object, site_unit: str) -> float:
    """Return a distance in metres from a number (site unit) or text like "8.2 km", "5k" or "half"."""
    return read_distance(value, site_unit)[0]


def read_distance(value: object, site_unit: str) -> tuple[float, str]:
    """Return a distance in metres and the unit it was written in ("km", "mi" or "m"; a race name: the site's)."""
    if isinstance(value, str) and " ".join(value.lower().split()) in RACES:
        return RACES[" ".join(value.lower().split())], site_unit
    if isinstance(value, bool):
        raise UnitError(f"distance must be a number or text like \"8.2 km\", not {value!r}")
    if isinstance(value, (int, float)):
        number, unit = float(value), site_unit
    else:
        text = _short(value)
        match = _DISTANCE.match(text)
        if not match:
            raise UnitError(f"cannot read distance {text!r}: write it like 8.2, \"8.2 km\", \"5k\", \"5 mi\", "
                            "\"10000 m\", half or marathon")
        number = _number(match.group(1))
        unit = (match.group(2) or site_unit).lower()
        unit = _UNIT_ALIASES.get(unit, unit)
    if not math.isfinite(number) or number < 0 or number > 10_000:
        raise UnitError(f"distance {value!r} is out of range")
    return number * METRES_PER_UNIT[unit], unit


def _number(text: str) -> float:
    """Return a number written with a decimal point, a decimal comma or a thousands comma."""
    whole, _, fraction = text.partition(",")
    if fraction and len(fraction) == 3:
        return float(whole + fraction)
    return float(text.replace(",", "."))


def parse_duration(value: object) -> int:
    """Return a duration in seconds from "mm:ss", "h:mm:ss" or a number of minutes."""
    if isinstance(value, bool):
        raise UnitError(f"duration must be \"mm:ss\", \"h:mm:ss\" or minutes, not {value!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or value < 0 or value > MAX_MINUTES:
            raise UnitError(f"duration {value!r} is out of range")
        return round(float(value) * 60)
    text = _short(value)
    match = _CLOCK.match(text)
    if match:
        hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
        if seconds >= 60 or (match.group(1) and minutes >= 60):
            raise UnitError(f"duration {text!r} has minutes or seconds of 60 or more")
        return _in_range(hours * 3600 + minutes * 60 + seconds, text)
    words = _WORDS.match(text)
    if words and any(words.groups()):
        amounts = [float(g) if g else 0.0 for g in words.groups()]
        return _in_range(round(amounts[0] * 3600 + amounts[1] * 60 + amounts[2]), text)
    try:
        return parse_duration(float(text))
    except ValueError:
        raise UnitError(f"cannot read duration {text!r}: write it like \"45:12\", \"1:02:30\" or 45") from None


def _short(value: object) -> str:
    """Return a written value with its spaces collapsed; too long a text is no distance or duration."""
    text = " ".join(str(value).split())
    if len(text) > MAX_WRITTEN:
        raise UnitError(f"{text[:20]!r}… is too long to be a distance or a duration")
    return text


def _in_range(seconds: int, text: str) -> int:
    """Return a duration in seconds when it is at most MAX_MINUTES long."""
    if seconds > MAX_MINUTES * 60:
        raise UnitError(f"duration {text!r} is out of range")
    return seconds


def parse_mood(value: object) -> int:
    """Return a mood from 1 (low) to 5 (high)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise UnitError(f"mood must be a whole number from 1 (low) to 5 (high), not {value!r}")
    return value


def format_distance(metres: float, unit: str) -> str:
    """Return a distance like "8.2 km" in the site's unit."""
    amount = metres / METRES_PER_UNIT[unit]
    text = f"{amount:.2f}".rstrip("0").rstrip(".") if amount < 10 else f"{amount:.1f}".rstrip("0").rstrip(".")
    return f"{text} {unit}"


def format_duration(seconds: int) -> str:
    """Return a duration like "45:12" or "1:02:30"."""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def pace_seconds(metres: float | None, seconds: int | None, unit: str) -> int | None:
    """Return seconds per site unit, or None when distance or duration is missing or zero."""
    if not metres or not seconds:
        return None
    return round(seconds / (metres / METRES_PER_UNIT[unit]))


def format_pace(per_unit: int | None, unit: str) -> str:
    """Return a pace like "5:31 /km", or an empty string."""
    if per_unit is None:
        return ""
    minutes, secs = divmod(per_unit, 60)
    return f"{minutes}:{secs:02d} /{unit}"
