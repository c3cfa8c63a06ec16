"""Read the GPX files watches and phones write straight from the defused tree, exactly as gpxpy reads them.

gpxpy (generator/recordings/gpx.py) stays the reference, and it is slow: it parses the text a second
time and builds an object per field. This reader takes the points from the tree parse_xml already made,
and only from documents it is certain gpxpy 1.6 reads to the same Activity; for any other it returns
None and the whole file goes to gpxpy. What it must be certain of, since gpxpy (under lxml):
- parses the text after dropping the first `xmlns="..."` it finds, so the names it looks up are the
  unprefixed ones of that one default namespace: declarations must be few and plain (`_namespace`);
- refuses names over 50,000 characters, text near 10 MB and nesting deeper than 256 (libxml2's limits):
  blind subtrees are kept small (`MAX_BLIND`) and big files left to it;
- reads every field of every point and fails the whole file on one it cannot convert, so each field
  gpxpy converts is converted here the same way (`Tags`), and a failure declines;
- reads the GPX version from the `version` attribute (not the namespace): only 1.1 gives track types,
  point extensions (heart rate) and `<metadata><time>`;
- reads waypoints and routes too (which the activity never uses): they are checked as gpxpy converts them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from functools import lru_cache

from generator.recordings.model import Activity, Point, real_time, sport_of
from generator.recordings.xml import is_heart_rate, number

GPXPY_FOLLOWED = "1.6."  # the gpxpy whose reading this reader repeats; with any other, gpxpy reads every file
GPX_NAMESPACES = frozenset({"", "http://www.topografix.com/GPX/1/0", "http://www.topografix.com/GPX/1/1"})
MAX_BYTES = 8_000_000  # libxml2 refuses a text node or attribute value near 10 MB; bigger files go to gpxpy
MAX_NAME = 50_000  # libxml2 refuses longer names (expat takes them)
MAX_BLIND = 200  # elements in a subtree read without looking inside: keeps nesting far below libxml2's 256
FIXES = frozenset({"none", "2d", "3d", "dgps", "pps", "3"})  # gpxpy refuses any other <fix>

_DECLARATION = re.compile(r"<\?xml\s+version\s*=\s*(['\"])1\.0\1(?:\s+encoding\s*=\s*(['\"])([A-Za-z0-9._-]+)\2)?"
                          r"(?:\s+standalone\s*=\s*(['\"])(?:yes|no)\4)?\s*\?>[ \t\r\n]*")
_ROOT = re.compile(r"<gpx[ \t\r\n/>]")  # the root element, without a prefix
_NAMESPACE = re.compile(r"xmlns(?::([A-Za-z_][A-Za-z0-9_.-]*))?=(?:\"([^\"<&]*)\"|'([^'<&]*)')")
_GPXPY_DROPS = re.compile(r"""\sxmlns=(['"])([^'"]+)\1""")  # the declaration gpxpy removes (parser.py)
_PLAIN_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9._~:/-]*\Z")  # one lxml's register_namespace takes
_PLAIN_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?Z?\Z")


class Declined(Exception):
    """A document this reader leaves to gpxpy."""


def read_tree(data: bytes, root: ET.Element) -> list[Activity] | None:
    """Return the activity gpxpy would read from a GPX file, from parse_xml's tree; None to leave it to gpxpy."""
    namespace = _namespace(data, root)
    if namespace is None or not _gpxpy_known():
        return None
    try:
        return [_activity(root, _tags(namespace, root.get("version") == "1.1"))]
    except (Declined, ValueError):
        return None


@lru_cache(maxsize=1)
def _gpxpy_known() -> bool:
    """Return True when the gpxpy installed is the one this reader follows (1.6): another may read otherwise."""
    import gpxpy

    return str(gpxpy.__version__).startswith(GPXPY_FOLLOWED)


def _namespace(data: bytes, root: ET.Element) -> str | None:
    """Return the GPX namespace of a document gpxpy sees as this tree does, else None."""
    if len(data) > MAX_BYTES:
        return None
    try:
        text = data.decode("utf-8-sig")  # what gpxpy gets (decoded with "replace") is then these very characters
    except UnicodeDecodeError:
        return None
    if "<!" in text or not _names_short(text):  # comments, CDATA, a DTD: lxml and expat may disagree there
        return None
    start = len(text) - len(text.lstrip(" \t\r\n"))  # white space may come before the root (no declaration)
    if text.startswith("<?"):
        declaration = _DECLARATION.match(text)
        if declaration is None or (declaration[3] or "utf-8").lower() != "utf-8":
            return None
        start = declaration.end()
    if text.find("<?", start) >= 0 or not _ROOT.match(text, start):
        return None  # processing instructions, or a root element with a prefix
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if namespace not in GPX_NAMESPACES or root.tag != _qualified(namespace, "gpx"):
        return None
    return namespace if _declarations_plain(text, namespace) else None


def _declarations_plain(text: str, namespace: str) -> bool:
    """Return True when the only default namespace is the root's own, declared once where gpxpy drops it."""
    declarations = list(_NAMESPACE.finditer(text))
    if len(declarations) != text.count("xmlns"):
        return False  # "xmlns" where no plain declaration starts (or one swallowed by another): not certain
    defaults = [d for d in declarations if d[1] is None]
    if len(defaults) != (1 if namespace else 0):
        return False
    for declaration in declarations:
        uri = declaration[2] if declaration[2] is not None else declaration[3]
        if not _PLAIN_URI.match(uri) or (declaration[1] is not None and (
                uri == namespace or declaration[1].lower().startswith("xml"))):
            return False
    if not namespace:
        return True
    dropped = _GPXPY_DROPS.match(text, defaults[0].start() - 1)  # no "xmlns=" before it: gpxpy's first match
    return dropped is not None and dropped[2] == namespace


def _names_short(text: str) -> bool:
    """Return True when no name can be longer than MAX_NAME: every stretch of MAX_NAME / 2 characters holds a "<".

    A name holds no "<", and any stretch of MAX_NAME characters covers a whole one of these stretches.
    """
    step = MAX_NAME // 2
    return all(text.find("<", start, start + step) >= 0 for start in range(0, len(text) - step + 1, step))


def _qualified(namespace: str, name: str) -> str:
    """Return an element's tag as ElementTree spells it."""
    return f"{{{namespace}}}{name}" if namespace else name


@dataclass(frozen=True, slots=True)
class Tags:
    """The tags of one GPX namespace and version, and the point fields gpxpy converts in it."""

    v11: bool  # version="1.1": gpxpy reads track types, point extensions and <metadata>
    q: dict[str, str]  # local name -> tag as ElementTree spells it
    track_point: dict[str, object]  # tag -> how gpxpy converts it: float, int, FIXES, "ele", "time", "extensions"
    place: dict[str, object]  # the same for waypoints and route points (GPX 1.0 has no course and speed there)


@lru_cache(maxsize=8)
def _tags(namespace: str, v11: bool) -> Tags:
    """Return the tags the reader looks for, and each point field gpxpy converts with how it converts it."""
    floats = ["magvar", "geoidheight", "hdop", "vdop", "pdop", "ageofdgpsdata"]
    place = {name: float for name in floats} | {"ele": "ele", "sat": int, "dgpsid": int, "fix": FIXES, "time": "time"}
    if v11:
        place["extensions"] = "extensions"
    track_point = place if v11 else place | {"course": float, "speed": float}
    q = {name: _qualified(namespace, name) for name in ("trk", "trkseg", "trkpt", "rte", "rtept", "wpt", "name",
                                                       "type", "number", "time", "metadata", "bounds")}
    return Tags(v11, q, {_qualified(namespace, k): v for k, v in track_point.items()},
                {_qualified(namespace, k): v for k, v in place.items()})


def _activity(root: ET.Element, tags: Tags) -> Activity:
    """Return the activity of the document's tracks, as read_gpx makes it from gpxpy's."""
    q = tags.q
    tracks, doc_time = [], None
    for child in root:
        if child.tag == q["trk"]:
            tracks.append(_track(child, tags))
        elif child.tag == q["rte"]:
            _route(child, tags)
        elif child.tag == q["wpt"]:
            _point(child, tags.place)  # unused, but gpxpy fails the file on a waypoint it cannot read
        else:
            _blind(child)
    head = _first(root, q["metadata"]) if tags.v11 else root
    if head is not None:
        _check_bounds(_first(head, q["bounds"]))
        doc_time = _time(_text(_first(head, q["time"])))
    segments = tuple(s for track in tracks for s in track[2] if s)
    if not segments:
        raise Declined("no track points: gpxpy says so")
    title = next((name for name, _, _ in tracks if name), None)
    typed = next((kind for _, kind, _ in tracks if kind), "") if tags.v11 else ""
    start = min((p.time for s in segments for p in s if p.time is not None), default=None)
    if start is None:
        start = real_time(doc_time)
    return Activity(sport=sport_of(typed or ""), start=start, segments=segments,
                    title=title.strip() if title else "")


def _track(element: ET.Element, tags: Tags) -> tuple[str | None, str | None, list[tuple[Point, ...]]]:
    """Return a track's name, its type and its segments' points."""
    q = tags.q
    segments = []
    for child in element:
        if child.tag == q["trkseg"]:
            segments.append(_points(child, q["trkpt"], tags.track_point))
        else:
            _blind(child)
    _check_number(_first(element, q["number"]))
    return _text(_first(element, q["name"])), _text(_first(element, q["type"])), segments


def _route(element: ET.Element, tags: Tags) -> None:
    """Decline a route gpxpy cannot read (the activity does not use routes, but gpxpy reads them)."""
    _points(element, tags.q["rtept"], tags.place)
    _check_number(_first(element, tags.q["number"]))


def _check_number(element: ET.Element | None) -> None:
    """Decline a track or route number gpxpy cannot convert."""
    text = _text(element)
    if text is not None:
        int(text.strip())


def _points(element: ET.Element, tag: str, fields: dict[str, object]) -> tuple[Point, ...]:
    """Return the points (children with a tag) of a segment or route."""
    points = []
    for child in element:
        if child.tag == tag:
            points.append(_point(child, fields))
        elif len(child):
            _blind(child)
    return tuple(points)


def _point(element: ET.Element, fields: dict[str, object]) -> Point:
    """Return one point, checking each field gpxpy converts (only the first child of a name counts, as in gpxpy)."""
    lat, lon = element.get("lat"), element.get("lon")
    if lat is None or lon is None:
        raise Declined("gpxpy fails a point without lat and lon")
    ele = when = hr = None
    seen: set[str] = set()
    for child in element:
        tag = child.tag
        kind = fields.get(tag)
        if kind is None or tag in seen:
            if len(child):
                _blind(child)
            continue
        seen.add(tag)
        if kind == "extensions":
            hr = _heart_rate(child)
            continue
        if len(child):
            _blind(child)
        text = child.text
        if kind == "ele":
            ele = float(text.strip()) if text is not None else None  # gpxpy's FloatConverter
        elif kind == "time":
            when = _time(text)
        elif text is None:
            continue
        elif kind is FIXES:
            if text not in FIXES:
                raise Declined("gpxpy fails an unknown <fix>")
        else:
            kind(text.strip())  # type: ignore[operator]  # float or int, as gpxpy converts it: a failure declines
    return Point(lat=float(lat.strip()), lon=float(lon.strip()), time=real_time(when), ele=ele, hr=hr)


def _heart_rate(extensions: ET.Element) -> int | None:
    """Return the heart rate in a point's extensions, as gpx._heart_rate finds it, keeping the subtree small."""
    found, count = None, 0
    for node in extensions.iter():
        count += 1
        if found is None and is_heart_rate(node.tag) and node is not extensions:
            value = number(node.text)
            if value and 20 <= value <= 255:
                found = int(value)
    if count > MAX_BLIND:
        raise Declined("a large extension")
    return found


def _blind(element: ET.Element) -> None:
    """Decline when a subtree read without looking inside is large enough to nest too deep for libxml2."""
    if len(element) and sum(1 for _ in element.iter()) > MAX_BLIND:  # a leaf nests nothing
        raise Declined("a large subtree")


def _first(element: ET.Element | None, tag: str) -> ET.Element | None:
    """Return an element's first child with a tag (as find does for gpxpy)."""
    return None if element is None else next((c for c in element if c.tag == tag), None)


def _text(element: ET.Element | None) -> str | None:
    """Return an element's text, None when it is missing."""
    return None if element is None else element.text


def _check_bounds(bounds: ET.Element | None) -> None:
    """Decline bounds gpxpy cannot convert."""
    for name in ("minlat", "maxlat", "minlon", "maxlon"):
        value = bounds.get(name) if bounds is not None else None
        if value is not None:
            float(value.strip())


def _time(text: str | None) -> datetime | None:
    """Return a time as gpxpy's parse_time gives it (None when unreadable), made aware in UTC when naive."""
    if not text:
        return None
    if _PLAIN_TIME.match(text):  # 2026-03-14T07:10:00(.123)Z, as watches write: the same value gpxpy makes
        zone = _zulu() if text.endswith("Z") else timezone.utc
        try:
            return datetime.fromisoformat(text.removesuffix("Z")).replace(tzinfo=zone)
        except ValueError:  # 30 February: gpxpy's datetime() fails the same way, and it gives None
            return None
    from gpxpy import gpxfield

    value = gpxfield.TIME_TYPE.from_string(text)
    return value if value is None or value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


@lru_cache(maxsize=1)
def _zulu() -> tzinfo:
    """Return the zone gpxpy gives a time ending in Z (its own SimpleTZ, offset 0)."""
    from gpxpy import gpxfield

    return gpxfield.SimpleTZ("Z")
