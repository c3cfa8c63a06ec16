"""The front matter fields of a run's recording: `route`, `route_visibility` and the figures an import writes."""

from __future__ import annotations

import re
from typing import Any, Protocol

from generator import units

ROUTE_KEYS = ("route", "route_visibility", "elapsed", "elevation_gain", "avg_heart_rate")
ROUTE_VISIBILITIES = ("public", "private")
RECORDING_SUFFIXES = (".gpx", ".tcx", ".fit", ".gpx.gz", ".tcx.gz", ".fit.gz")
_HEIGHT = re.compile(r"^\s*([0-9]+(?:[.,][0-9]+)?)\s*(m|metres|meters|ft|feet)?\s*$", re.IGNORECASE)
FEET = 0.3048


class Fields(Protocol):
    """What entries.py's field reader offers (text, parsed values, failures at a key's line)."""

    meta: Any

    def text(self, key: str) -> str: ...
    def parsed(self, key: str, parser: Any, *args: Any) -> Any: ...
    def fail(self, key: str, message: str, hint: str = "") -> None: ...


def route_fields(fields: Fields) -> dict[str, Any]:
    """Return the Entry's route fields, read and checked (problems go to `fields`)."""
    return {
        "route": _route(fields),
        "route_visibility": _route_visibility(fields),
        "elapsed_s": fields.parsed("elapsed", units.parse_duration),
        "elevation_gain_m": fields.parsed("elevation_gain", parse_height),
        "avg_heart_rate": fields.parsed("avg_heart_rate", parse_heart_rate),
    }


def _route(fields: Fields) -> str:
    """Return the recording's path relative to the entry's folder, checked."""
    written = fields.text("route")
    if not written:
        return ""
    parts = written.replace("\\", "/").split("/")
    if written.startswith("/") or "://" in written or ".." in parts:
        fields.fail("route", f"`route` must name a recording beside the entry, not {written!r}",
                    "copy the file next to the entry and write its name, e.g. `route: 2026-03-14-run.fit`")
        return ""
    if not written.lower().endswith(RECORDING_SUFFIXES):
        fields.fail("route", f"`route` {written!r} is not a recording Footfall reads",
                    "use a .gpx, .tcx or .fit file (optionally gzipped, .gz)")
        return ""
    return "/".join(parts)


def _route_visibility(fields: Fields) -> str:
    """Return "public" (the map shows wherever the story does) or "private" (only in the journal)."""
    written = fields.text("route_visibility").lower()
    if written and written not in ROUTE_VISIBILITIES:
        fields.fail("route_visibility", f"`route_visibility` must be public or private, not {written!r}",
                    "write `route_visibility: private` to keep the map out of the public story")
        return "private"
    return written or "public"


def parse_height(value: object) -> float:
    """Return metres climbed from a number (metres) or text like "85 m" or "280 ft"."""
    if isinstance(value, bool):
        raise units.UnitError(f"elevation gain must be metres like \"85 m\", not {value!r}")
    if isinstance(value, (int, float)):
        number, unit = float(value), "m"
    else:
        match = _HEIGHT.match(str(value))
        if not match:
            raise units.UnitError(f"cannot read elevation gain {value!r}: write it like 85, \"85 m\" or \"280 ft\"")
        number, unit = float(match.group(1).replace(",", ".")), (match.group(2) or "m").lower()
    if not 0 <= number <= 100_000:
        raise units.UnitError(f"elevation gain {value!r} is out of range")
    return number * FEET if unit.startswith("f") else number


def parse_heart_rate(value: object) -> int:
    """Return an average heart rate in beats per minute, 20 to 250."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 20 <= value <= 250:
        raise units.UnitError(f"avg_heart_rate must be beats per minute from 20 to 250, not {value!r}")
    return value
