"""The tree reader of GPX files gives exactly what gpxpy gives, or hands the file to gpxpy.

A differential test: generated GPX documents (1.0 and 1.1, namespaced or not, with and without
elevation, times of every shape gpxpy knows, heart rates in Garmin's, Garmin Connect's and plain
extensions, odd whitespace, several tracks and segments, empty ones, waypoints and routes, fields
gpxpy refuses) read through read_gpx and through gpxpy alone give the same activities, down to
the repr of each time's zone, or the same error.
"""

from __future__ import annotations

import gzip
import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.recordings import gpx as gpx_module
from generator.recordings.gpx import read_gpx, read_with_gpxpy
from generator.recordings.gpx_tree import read_tree
from generator.recordings.model import RecordingError
from generator.recordings.xml import parse_xml
from tests.test_recordings import HERE, SHARED

GPX10, GPX11 = "http://www.topografix.com/GPX/1/0", "http://www.topografix.com/GPX/1/1"
TPX = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


def outcome(read, data: bytes) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Return what a reader makes of the bytes: the repr of its activities, or its error."""
    try:
        return "read", repr(read(data))
    except Exception as exc:  # noqa: BLE001 - any error, so long as both paths give the same one
        return type(exc).__name__, str(exc)


def plain(data: bytes) -> object:
    """Return what the plain path gives: parse_xml's refusal first, then gpxpy."""
    parse_xml(data, "GPX")
    return read_with_gpxpy(data)


def same_as_gpxpy(data: bytes) -> bool:
    """Assert read_gpx gives what gpxpy gives; return True when the tree reader read the file itself."""
    assert outcome(read_gpx, data) == outcome(plain, data), data.decode("utf-8", "replace")
    try:
        root = parse_xml(data, "GPX")
    except RecordingError:
        return False
    return read_tree(data, root) is not None


# -- generated documents ------------------------------------------------------------------------------

def rarely(one_in: int) -> st.SearchStrategy[bool]:
    """Return a strategy that is True about once in `one_in` draws (and False is what it shrinks to)."""
    return st.sampled_from([False] * (one_in - 1) + [True])


def mostly(usual: st.SearchStrategy, odd: st.SearchStrategy, one_in: int = 12) -> st.SearchStrategy:
    """Return a strategy drawing from `usual`, and from `odd` about once in `one_in` draws."""
    return rarely(one_in).flatmap(lambda take_odd: odd if take_odd else usual)


blank = st.sampled_from(["", "", "\n", "\n  ", "\t", " \r\n "])
numbers = mostly(
    st.one_of(st.floats(-89.9, 89.9, allow_nan=False).map(lambda x: f"{x:.7f}"),
              st.floats(-1000, 9000, allow_nan=False).map(repr),
              st.sampled_from(["0", "12", "-0.0", " 12.5 ", "\n3.25\t", "1e2", "+5", "1_000"])),
    st.sampled_from(["nan", "inf", "", "abc", "12,5", "\u0665", "0x10"]), one_in=40)
plain_times = st.datetimes(min_value=datetime(1975, 1, 1), max_value=datetime(2040, 1, 1))
times = mostly(plain_times.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")), st.one_of(
    plain_times.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")),
    st.builds(lambda d, f: d.strftime("%Y-%m-%dT%H:%M:%S") + "." + f + "Z", plain_times,
              st.from_regex(r"[0-9]{1,16}", fullmatch=True)),
    st.builds(lambda d, z: d.strftime("%Y-%m-%dT%H:%M:%S") + z, plain_times,
              st.sampled_from(["", "+01:00", "-05:30", "+0100", "+01", "\u221201:00", "-00:00", "+14:00", "Z\n",
                               " ", "z", "+1:00"])),
    plain_times.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    plain_times.map(lambda d: f"{d.year}-{d.month}-{d.day}T{d.hour}:{d.minute}:{d.second}Z"),
    st.sampled_from(["2020-02-30T10:00:00Z", "2020-13-01T10:00:00Z", "2020-01-01T24:00:00Z", "2020-01-01T10:00:60Z",
                     "1901-12-13T20:45:52.2073437Z", "0000-01-01T00:00:00Z", "yesterday", "", " 2020-01-01T10:00:00Z",
                     "2020-01-01", "\u0662020-01-01T10:00:00Z"]),
), one_in=3)
heart = st.sampled_from(["150", "74", " 160 ", "19", "256", "300", "abc", "", "120.7", "nan"])


@st.composite
def extensions(draw: st.DrawFn) -> str:
    """Return a point's <extensions>, in one of the shapes devices write."""
    hr = draw(heart)
    return draw(st.sampled_from([
        f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr><gpxtpx:cad>80</gpxtpx:cad>"
        "</gpxtpx:TrackPointExtension></extensions>",
        f"<extensions><ns3:TrackPointExtension><ns3:cad>0</ns3:cad><ns3:hr>{hr}</ns3:hr></ns3:TrackPointExtension>"
        "</extensions>",
        f"<extensions><hr>{hr}</hr></extensions>",
        f"<extensions><heartrate>{hr}</heartrate><speed>1.3</speed></extensions>",
        "<extensions><speed>1.31</speed><course>101.7</course><hAcc>1.8</hAcc></extensions>",
        f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr></gpxtpx:TrackPointExtension>"
        "</extensions><extensions><hr>99</hr></extensions>",
        "<extensions/>",
    ]))


@st.composite
def point(draw: st.DrawFn, tag: str = "trkpt") -> str:
    """Return one point element, its fields in any order, some of them what gpxpy refuses."""
    attributes = []
    if not draw(rarely(201)):
        attributes.append(f'lat="{draw(numbers)}"')
    if not draw(rarely(201)):
        attributes.append(f"lon='{draw(numbers)}'")
    draw(st.randoms()).shuffle(attributes)
    fields = []
    if draw(st.booleans()):
        fields.append(draw(st.sampled_from(["<ele/>", "<ele></ele>", "<ele> </ele>"]))
                      if draw(rarely(9)) else f"<ele>{draw(numbers)}</ele>")
    if not draw(rarely(6)):
        fields.append(f"<time>{draw(times)}</time>")
    if draw(st.booleans()):
        fields.append(draw(extensions()))
    if draw(rarely(31)):
        fields.append(draw(st.sampled_from([
            "<sat>7</sat>", "<sat>seven</sat>", "<fix>3d</fix>", "<fix>4d</fix>", "<fix> 2d</fix>", "<fix/>",
            "<hdop>1.2</hdop>", "<hdop>x</hdop>", "<course>12</course>", "<speed>fast</speed>", "<name>a</name>",
            "<magvar>bad</magvar>", "<dgpsid>+3</dgpsid>", "<cmt>bad</cmt>", "<ele>2</ele>", "<time>x</time>",
            "<link href='x'><text>t</text></link>", "<desc><b>bold</b></desc>"])))
    draw(st.randoms()).shuffle(fields)
    gap = draw(blank)
    return f"<{tag} {' '.join(attributes)}>{gap}{gap.join(fields)}{gap}</{tag}>"


@st.composite
def track(draw: st.DrawFn) -> str:
    """Return a <trk>: a name, a type, a number, segments (some empty)."""
    parts = []
    if draw(st.booleans()):
        parts.append(f"<name>{draw(st.sampled_from(['Morning Run', '  Corrida à noite ', ' ', '', 'a &amp; b']))}</name>")
    if draw(st.booleans()):
        parts.append(f"<type>{draw(st.sampled_from(['running', '9', 'cycling', 'Hiking', '', 'walk']))}</type>")
    if draw(rarely(13)):
        parts.append(f"<number>{draw(st.sampled_from(['1', ' 2 ', 'one']))}</number>")
    if draw(rarely(7)):
        parts.append("<extensions><x>1</x></extensions>")
    gap = draw(blank)
    for _ in range(draw(mostly(st.integers(1, 3), st.just(0)))):
        points = draw(mostly(st.lists(point(), min_size=1, max_size=6), st.just([]), one_in=5))
        parts.append(f"<trkseg>{gap}{gap.join(points)}{gap}</trkseg>")
    if draw(rarely(7)):
        draw(st.randoms()).shuffle(parts)
    return f"<trk>{gap}{gap.join(parts)}{gap}</trk>"


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """Return a GPX document in one of the shapes watches, phones and tools write, or a little off them."""
    version = draw(st.sampled_from(["1.1", "1.1", "1.0", "1.0", None, "1.2"]))
    namespace = draw(st.sampled_from([GPX11, GPX10, None, GPX11 if version == "1.0" else GPX10]))
    quote = draw(st.sampled_from(['"', '"', "'"]))
    attributes = [f"version={quote}{version}{quote}"] if version else []
    attributes.append('creator="Footfall test"')
    if namespace:
        attributes.append(f"xmlns={quote}{namespace}{quote}")
    declared = draw(st.lists(st.sampled_from([
        f'xmlns:gpxtpx="{TPX}"', f'xmlns:ns3="{TPX}"', f'xmlns:xsi="{XSI}"',
        'xmlns:gpxx="http://www.garmin.com/xmlschemas/GpxExtensions/v3"',
        f'xsi:schemaLocation="{GPX11} {GPX11}/gpx.xsd"']), unique=True))
    if draw(rarely(16)):
        declared.append(f"xmlns:gpx='{GPX11}'")
    for prefix in ("gpxtpx", "ns3", "xsi"):
        if f"xmlns:{prefix}=" not in " ".join(declared):
            declared.append(f'xmlns:{prefix}="{TPX if prefix != "xsi" else XSI}"')
    attributes += declared
    draw(st.randoms()).shuffle(attributes)
    gap = draw(blank)
    head = []
    when = f"<time>{draw(times)}</time>" if draw(st.booleans()) else ""
    bounds = draw(mostly(st.sampled_from(["", '<bounds minlat="1" maxlat="2" minlon="3" maxlon=" 4"/>']),
                         st.just('<bounds minlat="x"/>')))
    if draw(st.booleans()):
        head.append(f"<metadata>{gap}<name>m</name>{when}{bounds}<link href='x'><text>t</text></link></metadata>")
    else:
        head.append(f"<name>n</name>{when}{bounds}")
    body = draw(mostly(st.lists(track(), min_size=1, max_size=3), st.lists(track(), max_size=1), one_in=6))
    extra = draw(mostly(st.just([]), st.lists(st.one_of(
        point("wpt"), st.just("<rte></rte>"),
        st.lists(point("rtept"), max_size=2).map(lambda ps: "<rte><name>r</name>" + "".join(ps) + "</rte>"),
        st.just("<extensions><a><b>deep</b></a></extensions>"), st.just("<!-- a comment -->"),
        st.just("<gpx:trk><gpx:trkseg><gpx:trkpt lat='1' lon='2'/></gpx:trkseg></gpx:trk>"),
        st.just("<?pi data?>")), min_size=1, max_size=2), one_in=3))
    parts = head + body + extra
    if draw(rarely(5)):
        draw(st.randoms()).shuffle(parts)
    prolog = draw(mostly(st.sampled_from(['<?xml version="1.0" encoding="UTF-8"?>\n', ""]), st.sampled_from([
        "<?xml version='1.0' encoding='utf-8'?>", '<?xml version="1.0"?>\n', "\n  ", "\r\n",
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n', '<?xml version="1.0" standalone="yes"?>']), one_in=3))
    text = f"{prolog}<gpx {' '.join(attributes)}>{gap}{gap.join(parts)}{gap}</gpx>\n"
    if "<gpx:" in text and "xmlns:gpx=" not in text:
        text = text.replace("<gpx ", f"<gpx xmlns:gpx='{GPX11}' ", 1)
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if draw(rarely(11)) else data


WATCH = ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Garmin Connect" '
         f'xmlns="{GPX11}" xmlns:ns3="{TPX}" xmlns:xsi="{XSI}">\n <metadata><time>2026-03-14T07:10:00.000Z</time>'
         '</metadata>\n <trk><name>Morning Run</name><type>running</type><trkseg>\n'
         + "\n".join(f'  <trkpt lat="38.71{i:02d}" lon="-9.13{i:02d}"><ele>{20 + i / 10}</ele>'
                     f"<time>2026-03-14T07:10:{i:02d}.000Z</time><extensions><ns3:TrackPointExtension>"
                     f"<ns3:hr>{140 + i}</ns3:hr></ns3:TrackPointExtension></extensions></trkpt>" for i in range(40))
         + "\n </trkseg></trk>\n</gpx>\n").encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents())
@example(WATCH)
def test_read_gpx_gives_what_gpxpy_gives(data: bytes) -> None:
    same_as_gpxpy(data)


@pytest.mark.long
@settings(max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents())
def test_read_gpx_gives_what_gpxpy_gives_long(data: bytes) -> None:
    same_as_gpxpy(data)


def test_the_generated_documents_mostly_take_the_tree_reader() -> None:
    """The differential test means something only when the tree reader reads most documents itself."""
    read = []

    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(documents())
    def count(data: bytes) -> None:
        read.append(same_as_gpxpy(data))

    count()
    assert sum(read) >= len(read) // 4, f"the tree reader read {sum(read)} of {len(read)}"


# -- real recordings ----------------------------------------------------------------------------------

def recordings() -> list[Path]:
    """Return every GPX recording among the fixtures (the tests' own and the shared ones)."""
    found = {p.name: p for folder in (*reversed(SHARED), HERE) if folder.is_dir()
             for p in sorted(folder.glob("*.gpx*"))}
    return [found[name] for name in sorted(found)]


@pytest.mark.parametrize("path", recordings(), ids=lambda p: p.name)
def test_each_recording_reads_as_gpxpy_reads_it(path: Path) -> None:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    taken = same_as_gpxpy(data)
    if "truncated" not in path.name:  # every whole recording here is one the tree reader is meant for
        assert taken, f"{path.name} went to gpxpy"


def test_a_watch_file_is_read_from_the_tree() -> None:
    assert same_as_gpxpy(WATCH)
    (activity,) = read_gpx(WATCH)
    assert activity.title == "Morning Run" and activity.sport == "run" and len(activity.segments[0]) == 40
    assert activity.segments[0][0].hr == 140 and activity.segments[0][0].ele == 20.0
    assert repr(activity.start.tzinfo) == "SimpleTZ('Z')"  # gpxpy's own zone, not an equal one


# -- what the tree reader leaves to gpxpy -------------------------------------------------------------

DECLINED = {
    "a comment": WATCH.replace(b"<trk>", b"<!-- lap 1 --><trk>"),
    "a processing instruction": WATCH.replace(b"<trk>", b"<?garmin x?><trk>"),
    "a prefixed root": WATCH.replace(b"<gpx ", b"<g:gpx xmlns:g='x' ").replace(b"</gpx>", b"</g:gpx>"),
    "a fix gpxpy refuses": WATCH.replace(b"<ele>20.0</ele>", b"<ele>20.0</ele><fix>4d</fix>"),
    "a point without lat": WATCH.replace(b'lat="38.7100" ', b""),
    "an elevation gpxpy cannot read": WATCH.replace(b"<ele>20.0</ele>", b"<ele>twenty</ele>"),
    "a track number gpxpy cannot read": WATCH.replace(b"<name>Morning Run</name>", b"<number>one</number>"),
    "a Latin-1 file": WATCH.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"').replace(b"Morning", b"Ma\xf1ana"),
    "the GPX namespace under a prefix too": WATCH.replace(b"<gpx ", f"<gpx xmlns:gpx='{GPX11}' ".encode()),
    "a namespace lxml cannot register": WATCH.replace(b"<gpx ", b'<gpx xmlns:odd="not a uri" '),
    "no track points": WATCH[:WATCH.index(b"<trk>")] + b"</gpx>\n",
    "a deep extension": WATCH.replace(b"<ns3:hr>140</ns3:hr>", b"<x>" * 300 + b"</x>" * 300),
}


@pytest.mark.parametrize("name", DECLINED)
def test_what_the_tree_reader_declines_gpxpy_reads(name: str) -> None:
    data = DECLINED[name]
    root = parse_xml(data, "GPX")
    assert read_tree(data, root) is None
    assert outcome(read_gpx, data) == outcome(plain, data)


TRICKY = {  # name: (document, whether the tree reader reads it itself)
    "xmlns with spaces around =": (WATCH.replace(f'xmlns="{GPX11}"'.encode(), f'xmlns = "{GPX11}"'.encode()), False),
    "a track in the default namespace again": (WATCH.replace(b"<trk>", f'<trk xmlns="{GPX11}">'.encode()), False),
    "a segment out of any namespace": (WATCH.replace(b"<trkseg>", b'<trkseg xmlns="">'), False),
    "a namespace whose address holds xmlns": (WATCH.replace(b"<gpx ", b'<gpx xmlns:foaf="http://xmlns.com/foaf/0.1/" '),
                                              False),
    "xmlns in a name": (WATCH.replace(b"Morning Run", b' xmlns="http://www.topografix.com/GPX/1/1"'), False),
    "a default namespace in single quotes": (WATCH.replace(f'xmlns="{GPX11}"'.encode(), f"xmlns='{GPX11}'".encode()),
                                             True),
    "no namespace at all": (WATCH.replace(f'xmlns="{GPX11}" '.encode(), b""), True),
    "version 1.0 in the 1.1 namespace (no heart rate)": (WATCH.replace(b'version="1.1"', b'version="1.0"'), True),
    "GPX 1.0 course and speed": (WATCH.replace(b'version="1.1"', b'version="1.0"').replace(
        b"<ele>20.0</ele>", b"<ele>20.0</ele><course>12.5</course><speed> 3.1 </speed>"), True),
    "GPX 1.0 speed gpxpy cannot read": (WATCH.replace(b'version="1.1"', b'version="1.0"').replace(
        b"<ele>20.0</ele>", b"<ele>20.0</ele><speed>fast</speed>"), False),
    "GPX 1.1 speed (not a 1.1 field)": (WATCH.replace(b"<ele>20.0</ele>", b"<ele>20.0</ele><speed>fast</speed>"),
                                        True),
    "times with offsets": (WATCH.replace(b".000Z</time>", b"+01:00</time>"), True),
    "a second elevation gpxpy never reads": (WATCH.replace(b"<ele>20.0</ele>", b"<ele>20.0</ele><ele>x</ele>"), True),
    "metadata nested deeper than libxml2 goes": (WATCH.replace(
        b"<metadata>", b"<metadata><extensions>" + b"<x>" * 300 + b"</x>" * 300 + b"</extensions>"), False),
    "a name longer than libxml2 takes": (WATCH.replace(b"<ns3:hr>140</ns3:hr>", b"<" + b"n" * 50_001 + b"/>"), False),
    "a bad waypoint": (WATCH.replace(b"<trk>", b"<wpt lat='x' lon='1'/><trk>"), False),
    "an empty route, as Garmin Connect writes": (WATCH.replace(b"</gpx>", b"<rte></rte></gpx>"), True),
    "no point times: the document's time": (re.sub(rb"<time>[^<]*</time></extensions>", b"</extensions>",
                                                   re.sub(rb"<trkpt([^>]*)><ele>([^<]*)</ele><time>[^<]*</time>",
                                                          rb"<trkpt\1><ele>\2</ele>", WATCH)), True),
    "GPX 1.0, no point times: the document's time": (re.sub(
        rb"<ele>([^<]*)</ele><time>[^<]*</time>", rb"<ele>\1</ele>", WATCH.replace(b'version="1.1"', b'version="1.0"')
        .replace(b"<metadata><time>2026-03-14T07:10:00.000Z</time></metadata>", b"<time>2026-03-14T06:00:00Z</time>")),
        True),
    "white space before the root": (WATCH[WATCH.index(b"<gpx"):].join([b"\n\n", b""]), True),
}


@pytest.mark.parametrize("name", TRICKY)
def test_tricky_documents_read_as_gpxpy_reads_them(name: str) -> None:
    data, taken = TRICKY[name]
    assert same_as_gpxpy(data) == taken
    if "document's time" in name:
        (activity,) = read_gpx(data)
        assert all(p.time is None for p in activity.segments[0]) and activity.start is not None


def test_a_declined_file_still_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    (activity,) = read_gpx(DECLINED["a comment"])
    assert len(activity.segments[0]) == 40 and activity.title == "Morning Run"
    with pytest.raises(RecordingError, match="no track points"):
        read_gpx(DECLINED["no track points"])
    with pytest.raises(RecordingError, match="gpxpy can read"):
        read_gpx(DECLINED["a fix gpxpy refuses"])


def test_the_tree_reader_never_sees_what_parse_xml_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr(gpx_module, "read_tree", lambda data, root: seen.append(data))
    bomb = (b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b'<gpx version="1.1" creator="x"><trk><name>&b;</name></trk></gpx>')
    for data in (bomb, WATCH[:-40]):
        with pytest.raises(RecordingError):
            read_gpx(data)
    assert seen == []


def test_another_gpxpy_reads_every_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tree reader repeats gpxpy 1.6's reading: under another gpxpy, gpxpy reads every file itself."""
    import gpxpy

    from generator.recordings import gpx_tree

    assert read_tree(WATCH, parse_xml(WATCH, "GPX")) is not None
    monkeypatch.setattr(gpxpy, "__version__", "1.7.0")
    gpx_tree._gpxpy_known.cache_clear()
    try:
        assert read_tree(WATCH, parse_xml(WATCH, "GPX")) is None
        assert outcome(read_gpx, WATCH) == outcome(plain, WATCH)
    finally:
        monkeypatch.undo()
        gpx_tree._gpxpy_known.cache_clear()
