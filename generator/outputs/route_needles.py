"""What the privacy audit looks for besides private text: the coordinates of every recording.

Every recording under content/ (whether an entry names it or not) and every privacy zone's place
is learnt; the public output is then searched for decimal degrees at 3 to 7 places, rounded or cut
short, with either sign convention (-9.1394 or 9.1394 W). A number in the output counts as a
coordinate when it lies within one unit of its last place of any recorded latitude or longitude.
The theme's static files are not searched: Footfall never writes a coordinate there.

The sorted coordinates are kept in the cache folder under a digest of every recording's name and
bytes and of the zones: a build whose recordings are as before reads them back in one piece
instead of reading, merging and sorting millions of numbers again (seconds, for years of runs).
"""

from __future__ import annotations

import hashlib
import os
import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from generator.config import SiteConfig
from generator.errors import Problem, error
from generator.pipeline.route_privacy import read_privacy
from generator.recordings import cache as recordings_cache
from generator.recordings.model import RecordingError
from generator.recordings.cache import route_places
from generator.recordings.read import kind_of

PLACES = range(3, 8)  # decimal places searched for
_DECIMAL = re.compile(r"(?<![\d.])(\d{1,3})\.(\d{3,})")  # what a coordinate looks like in a text
_DOT_DIGITS = re.compile(r"\.(\d{3,})")  # its second half: found fast, as it starts with a plain "."
SKIPPED_FOLDERS = ("static/",)
KEPT_FORMAT = 1  # bump when what is kept of the coordinates changes (see site_search)
KEPT_PREFIX, KEPT_SUFFIX = "coordinates-", ".f64"  # the kept file: the sorted coordinates as 8-byte floats


def recordings_under(content_dir: Path) -> list[Path]:
    """Return every recording file under content/, in a stable order (symlinked folders are not followed)."""
    found = []
    for folder, _, names in os.walk(content_dir):
        for name in names:
            if kind_of(name) and os.path.isfile(path := os.path.join(folder, name)):  # by name first: no stat of each entry
                found.append(Path(path))
    return sorted(found)


def recording_coordinates(recordings: Iterable[Path], cache_dir: Path | None) -> list[float]:
    """Return the absolute latitudes and longitudes of every point of the recordings (unreadable ones give none)."""
    values: list[float] = []
    for path in recordings:
        try:
            places = route_places(path, cache_dir)
        except RecordingError:
            continue
        for lat, lon in places:
            values.extend((abs(lat), abs(lon)))
    return values


def needle_strings(values: Iterable[float], places: Iterable[int] = PLACES) -> frozenset[str]:
    """Return each coordinate written at each number of places, rounded and cut short, with and without a minus."""
    found: set[str] = set()
    for value in values:
        for count in places:
            rounded = f"{abs(value):.{count}f}"
            whole, _, decimals = f"{abs(value):.12f}".partition(".")
            for text in (rounded, f"{whole}.{decimals[:count]}"):
                found.update((text, "-" + text))
    return frozenset(found)


def decimal_numbers(text: str) -> Iterator[tuple[str, str]]:
    """Yield the whole and decimal digits of each number _DECIMAL finds in a text, in order, as it finds them.

    A number is 1 to 3 digits (not after a digit or a dot), a dot, then 3 or more digits. Each dot
    followed by 3 digits is found first, then the digits before it are looked at: far fewer places
    to try than every character, which the pattern's look-behind makes the regular expression do.
    """
    for match in _DOT_DIGITS.finditer(text):
        dot = start = match.start()
        while start > 0 and dot - start < 4 and text[start - 1].isdecimal():
            start -= 1
        if 0 < dot - start <= 3 and (start == 0 or text[start - 1] != "."):
            if start == 0 or not text[start - 1].isdecimal():
                yield text[start:dot], match.group(1)


class CoordinateSearch:
    """Finds numbers that are a recorded coordinate at 3 to 7 places, in any text."""

    def __init__(self, values: Iterable[float]) -> None:
        self.values = array("d", sorted({abs(v) for v in values}))

    @classmethod
    def of_sorted(cls, values: array) -> CoordinateSearch:
        """Return the search for coordinates already made absolute, distinct and sorted (a kept search's values)."""
        search = cls(())
        search.values = values
        return search

    def digest(self) -> str:
        """Return a digest of the coordinates searched for."""
        return hashlib.sha256(self.values.tobytes()).hexdigest()

    def __bool__(self) -> bool:
        return bool(self.values)

    def found(self, text: str) -> list[str]:
        """Return the numbers in a text that are recorded coordinates."""
        return [f"{whole}.{decimals}" for whole, decimals in decimal_numbers(text) if self._near(whole, decimals)]

    def _near(self, whole: str, decimals: str) -> bool:
        """Return True when the number, cut to any of 3..7 places, is within its last place of a coordinate."""
        for count in PLACES:
            if len(decimals) < count:
                break
            value, unit = float(f"{whole}.{decimals[:count]}"), 10.0 ** -count
            index = bisect_left(self.values, value - unit)
            if index < len(self.values) and self.values[index] <= value + unit:
                return True
        return False


def site_search(cfg: SiteConfig) -> CoordinateSearch:
    """Return the search for every recording's and every zone's coordinates of a site (kept: see the module's notes)."""
    recordings = recordings_under(cfg.content_dir)
    (_, zones), _ = read_privacy(cfg)
    zone_values = [value for zone in zones for value in (abs(zone.lat), abs(zone.lon))]
    folder = cfg.cache_dir / "recordings"
    kept = folder / f"{KEPT_PREFIX}{_kept_key(recordings, cfg.content_dir, zone_values)}{KEPT_SUFFIX}"
    search = _read_kept(kept)
    if search is None:
        search = CoordinateSearch([*recording_coordinates(recordings, folder), *zone_values])
        _keep(kept, search)
    return search


def _kept_key(recordings: list[Path], content_dir: Path, zone_values: list[float]) -> str:
    """Return the digest of what the coordinates come from: each recording's name and bytes, and the zones."""
    digest = hashlib.sha256(f"{KEPT_FORMAT} {recordings_cache.FORMAT} {zone_values!r}".encode())
    for path in recordings:
        try:
            data = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            data = "unreadable"
        digest.update(f"\n{path.relative_to(content_dir).as_posix()}\0{data}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _read_kept(path: Path) -> CoordinateSearch | None:
    """Return the kept search at path, or None when there is none or it is damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    values = array("d")
    if len(data) % values.itemsize:
        return None
    values.frombytes(data)
    return CoordinateSearch.of_sorted(values)


def _keep(path: Path, search: CoordinateSearch) -> None:
    """Keep a search's coordinates at path, in place of any kept before (a cache that cannot be written is skipped)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(search.values.tobytes())
        os.replace(temporary, path)
        for old in path.parent.glob(f"{KEPT_PREFIX}*{KEPT_SUFFIX}"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        temporary.unlink(missing_ok=True)


def first_coordinate(relpath: str, data: bytes, text_of: Callable[[bytes, str], str],
                     search: CoordinateSearch) -> str | None:
    """Return the first recorded coordinate a public file holds (`text_of(data, relpath)` reads it), or None."""
    if not search or relpath.startswith(SKIPPED_FOLDERS):
        return None
    hits = search.found(text_of(data, relpath))
    return hits[0] if hits else None


def coordinate_problem(path: Path, hit: str) -> Problem:
    """Return the error for a public file that holds a recorded coordinate."""
    return error(path, None, f"privacy audit: the file holds {hit}, a coordinate of a recorded route or a privacy "
                 "zone", "a route map must use the drawing's own units; if a story's text holds it, take it out")
