"""Privacy zones and trimming: what of a route the public may see.

A zone cut as a plain circle around a home gives the home away: the visible ends of a few runs lie
on the circle, and a circle fitted to them has the home at its centre. So each zone is cut around a
centre moved from the given place by a secret, fixed offset (1.1 to 1.3 times the zone's radius,
in a direction drawn from the site's seed), with the radius grown by that distance so that the
whole circle the writer gave stays inside the cut. A circle fitted to the visible ends then finds
the moved centre, more than a radius away from the place. The ends of runs leaving the place in
every direction crowd on the near side of the cut, so their centroid falls back towards the place,
to about 40% of the offset (simulated over many seeds and route shapes, never below 35%): a shift
of 1.1 radii keeps it beyond 0.38 of the radius, over the third the writer is promised
(tests/test_route_privacy.py proves it with 30 runs in every direction).
The seed lives with the site's private files (.footfall/route-seed), never in any output, and is
the same at every build: a new offset per build would average out.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import units
from generator.config import SiteConfig
from generator.errors import Problem, error
from generator.recordings.model import EARTH_RADIUS_M, Point, metres_between, positioned

SEED_PATH = Path(".footfall") / "route-seed"  # relative to the site folder
SHIFT_RANGE = (1.1, 1.3)  # the secret shift, as a share of the zone's radius (see the module's notes)
DEFAULT_TRIM_M = 200.0  # metres trimmed from both ends when [privacy] says nothing


@dataclass(frozen=True, slots=True)
class Zone:
    """A place no public map may show, as the writer gave it."""

    name: str
    lat: float
    lon: float
    radius_m: float


@dataclass(frozen=True, slots=True)
class Cut:
    """The circle actually cut around a zone: a moved centre and a grown radius."""

    lat: float
    lon: float
    radius_m: float


@dataclass(frozen=True, slots=True)
class Privacy:
    """What the public build removes from every route."""

    trim_m: float  # metres removed from both ends of every public route
    zones: tuple[Zone, ...]
    cuts: tuple[Cut, ...]  # one per zone, worked out with the seed


def read_privacy(cfg: SiteConfig) -> tuple[tuple[float, tuple[Zone, ...]], list[Problem]]:
    """Return the trim and the zones of site.toml's [privacy] table, and the problems with them."""
    table: Mapping[str, Any] = cfg.section("privacy")
    problems: list[Problem] = []
    text = _read(cfg.path)
    trim = DEFAULT_TRIM_M
    if "trim" in table:
        try:
            trim = units.parse_distance(table["trim"], "m")
        except units.UnitError as exc:
            problems.append(error(cfg.path, _line(text, "trim"), f"[privacy] trim: {exc}", 'write it like trim = "200 m"'))
    zones: list[Zone] = []
    written = table.get("zones", [])
    if not isinstance(written, list):
        problems.append(error(cfg.path, _line(text, "zones"), "[privacy] zones must be a list of tables",
                              'zones = [{ name = "home", lat = 38.7139, lon = -9.1394, radius = "400 m" }]'))
        written = []
    for index, item in enumerate(written, start=1):
        zone, problem = _zone(item, index)
        if problem:
            problems.append(error(cfg.path, _line(text, "zones"), problem,
                                  'each zone needs lat, lon and radius, e.g. { name = "home", lat = 38.7139, '
                                  'lon = -9.1394, radius = "400 m" }'))
        elif zone is not None:
            zones.append(zone)
    return (trim, tuple(zones)), problems


def _zone(item: Any, index: int) -> tuple[Zone | None, str]:
    """Return one zone, or the message saying what is wrong with it."""
    if not isinstance(item, Mapping):
        return None, f"[privacy] zone {index} must be a table with lat, lon and radius"
    lat, lon = item.get("lat"), item.get("lon")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lat, lon)):
        return None, f"[privacy] zone {index} needs numeric lat and lon in decimal degrees"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):  # type: ignore[operator]
        return None, f"[privacy] zone {index}: lat must be within ±90 and lon within ±180"
    try:
        radius = units.parse_distance(item.get("radius", "400 m"), "m")
    except units.UnitError as exc:
        return None, f"[privacy] zone {index} radius: {exc}"
    if radius <= 0:
        return None, f"[privacy] zone {index} radius must be more than 0"
    return Zone(str(item.get("name", f"zone {index}")), float(lat), float(lon), radius), ""  # type: ignore[arg-type]


def _read(path: Path) -> str:
    """Return site.toml's text (for line numbers), or ''."""
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _line(text: str, key: str) -> int | None:
    """Return the line of a key inside the [privacy] table, if found."""
    start = text.find("[privacy]")
    match = re.compile(rf"^\s*{key}\s*=", re.MULTILINE).search(text, max(start, 0))
    return text.count("\n", 0, match.start()) + 1 if match else None


def route_seed(root: Path, *, create: bool = True) -> bytes | None:
    """Return the site's secret route seed, making it on first need (None when it cannot be had)."""
    path = root / SEED_PATH
    try:
        seed = path.read_bytes().strip()
        if seed:
            return seed
    except OSError:
        pass
    if not create:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(handle, "wb") as out:
            out.write(secrets.token_hex(32).encode("ascii") + b"\n")
    except FileExistsError:
        pass
    except OSError:
        return None
    return path.read_bytes().strip() or None


def load_privacy(cfg: SiteConfig) -> tuple[Privacy | None, list[Problem]]:
    """Return the site's privacy settings with each zone's cut worked out, or None with the problems."""
    (trim, zones), problems = read_privacy(cfg)
    if problems:
        return None, problems
    if not zones:
        return Privacy(trim, (), ()), []
    seed = route_seed(cfg.root)
    if seed is None:
        return None, [error(cfg.root / SEED_PATH, None, "cannot read or make the secret seed of the privacy zones",
                            "make sure the site folder is writable, or create the file with a line of random text")]
    return Privacy(trim, zones, tuple(cut_of(zone, seed) for zone in zones)), []


def cut_of(zone: Zone, seed: bytes) -> Cut:
    """Return the circle cut around a zone: its centre moved by the secret offset, its radius grown to match."""
    digest = hmac.new(seed, f"{zone.lat:.7f},{zone.lon:.7f}".encode("ascii"), hashlib.sha256).digest()
    angle = int.from_bytes(digest[:8], "big") / 2**64 * 2 * math.pi
    low, high = SHIFT_RANGE
    shift = zone.radius_m * (low + (high - low) * int.from_bytes(digest[8:16], "big") / 2**64)
    lat, lon = moved(zone.lat, zone.lon, shift, angle)
    return Cut(lat, lon, zone.radius_m + shift)


def moved(lat: float, lon: float, metres: float, bearing: float) -> tuple[float, float]:
    """Return the place a distance away along a bearing (radians from north), on a sphere."""
    p1, l1, d = math.radians(lat), math.radians(lon), metres / EARTH_RADIUS_M
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
    l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def public_segments(segments: Sequence[Sequence[Point]], privacy: Privacy) -> list[list[Point]]:
    """Return what the public may see of a route: ends trimmed, zones cut, the line broken where points went."""
    located = [positioned(s) for s in segments]
    along = _distances(located)
    total = max((marks[-1] for marks in along if marks), default=0.0)
    kept: list[list[Point]] = []
    for segment, marks in zip(located, along):
        run: list[Point] = []
        for point, mark in zip(segment, marks):
            if privacy.trim_m <= mark <= total - privacy.trim_m and not _inside(point, privacy.cuts):
                run.append(point)
            elif run:
                kept.append(run)
                run = []
        if run:
            kept.append(run)
    return [run for run in kept if len(run) >= 2]


def _distances(segments: list[list[Point]]) -> list[list[float]]:
    """Return each point's distance along the route from its start (pauses not bridged)."""
    done, marks = 0.0, []
    for segment in segments:
        row: list[float] = []
        for index, point in enumerate(segment):
            if index:
                done += metres_between(segment[index - 1], point)
            row.append(done)
        marks.append(row)
    return marks


def _inside(point: Point, cuts: Sequence[Cut]) -> bool:
    """Return True when a point lies within any zone's cut."""
    return any(metres_between(point, Point(c.lat, c.lon, None)) <= c.radius_m for c in cuts)
