"""Privacy zones and trimming: what `footfall route --public` and the public build show of a route.

Synthetic runs around a made-up home; the zone is cut around a secretly moved centre with a grown
radius, so neither a circle fitted to the visible ends nor their centroid finds the home.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.pipeline.route_privacy import Privacy, Zone, cut_of, moved, public_segments
from generator.recordings.model import Point, metres_between
from tests.conftest import SITE_TOML, entry, html

Run = Callable[..., Result]
HOME = (38.7139, -9.1394)
SCHOOL = (38.7391, -9.1012)
RADIUS = 400.0
TRIM = 200.0
PRIVACY_TOML = SITE_TOML + f"""
[privacy]
trim = "{TRIM:.0f} m"
zones = [{{ name = "Casa Amarela", lat = {HOME[0]}, lon = {HOME[1]}, radius = "{RADIUS:.0f} m" }},
         {{ name = "Escola Pombal", lat = {SCHOOL[0]}, lon = {SCHOOL[1]}, radius = "300 m" }}]
"""


def out_and_back(bearing: float, turn: float, out: float = 3000.0, step: float = 10.0,
                 home: tuple[float, float] = HOME) -> list[tuple[float, float]]:
    """Return a run leaving home along a bearing and coming back by another way (turned by `turn`)."""
    there = [moved(*home, i * step, bearing) for i in range(int(out / step) + 1)]
    bend = moved(*home, out / 2, bearing + turn)
    back: list[tuple[float, float]] = []
    for start, end in ((there[-1], bend), (bend, home)):
        count = int(math.dist(start, end) * 111_000 / step) or 1
        back.extend((start[0] + (end[0] - start[0]) * k / count, start[1] + (end[1] - start[1]) * k / count)
                    for k in range(1, count + 1))
    return there + back


def gpx(points: Sequence[tuple[float, float]]) -> str:
    """Return a GPX run through the points, one every 3 seconds."""
    start = datetime(2026, 3, 14, 7, 0, tzinfo=timezone.utc)
    rows = "".join(f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><ele>20</ele>'
                   f"<time>{(start + timedelta(seconds=3 * i)).isoformat().replace('+00:00', 'Z')}</time></trkpt>"
                   for i, (lat, lon) in enumerate(points))
    return ('<?xml version="1.0"?><gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">'
            f"<trk><name>Test run</name><type>running</type><trkseg>{rows}</trkseg></trk></gpx>")


def local_metres(lat: float, lon: float, origin: tuple[float, float] = HOME) -> tuple[float, float]:
    """Return a place in metres east and north of the origin (fine within a few km)."""
    return ((lon - origin[1]) * 111_320 * math.cos(math.radians(origin[0])), (lat - origin[0]) * 110_574)


def circle_centre(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """Return the centre of the least-squares circle through the points (Kåsa's fit, by Cramer's rule)."""
    rows = [(x, y, 1.0) for x, y in points]
    rhs = [-(x * x + y * y) for x, y in points]
    normal = [[sum(r[i] * r[j] for r in rows) for j in range(3)] for i in range(3)]
    target = [sum(r[i] * b for r, b in zip(rows, rhs)) for i in range(3)]

    def det(m: list[list[float]]) -> float:
        return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))

    whole = det(normal)
    d, e, _ = (det([[target[i] if j == k else normal[i][j] for j in range(3)] for i in range(3)]) / whole
               for k in range(3))
    return -d / 2, -e / 2


def thirty_runs(seed: int) -> list[list[tuple[float, float]]]:
    """Return 30 runs leaving home in every direction, each coming back another way."""
    rng = random.Random(seed)
    return [out_and_back(2 * math.pi * i / 30 + rng.uniform(-0.1, 0.1), rng.uniform(-0.6, 0.6)) for i in range(30)]


def assert_home_hidden(ends: list[tuple[float, float]]) -> None:
    """Check that neither a circle fit nor the centroid of the visible ends lands within a third of the radius."""
    xy = [local_metres(lat, lon) for lat, lon in ends]
    fitted = circle_centre(xy)
    centroid = (sum(x for x, _ in xy) / len(xy), sum(y for _, y in xy) / len(xy))
    assert math.hypot(*fitted) >= RADIUS / 3, fitted
    assert math.hypot(*centroid) >= RADIUS / 3, centroid
    home = Point(*HOME, None)
    assert min(metres_between(Point(lat, lon, None), home) for lat, lon in ends) >= RADIUS - 0.5  # none in the zone


@pytest.mark.parametrize("seed", range(12))
def test_the_centre_cannot_be_recovered_for_any_seed(seed: int) -> None:
    zone = Zone("home", *HOME, RADIUS)
    privacy = Privacy(TRIM, (zone,), (cut_of(zone, f"seed {seed}".encode()),))
    ends = []
    for run in thirty_runs(seed):
        kept = public_segments([[Point(lat, lon, None) for lat, lon in run]], privacy)
        ends += [(kept[0][0].lat, kept[0][0].lon), (kept[-1][-1].lat, kept[-1][-1].lon)]
    assert_home_hidden(ends)  # type: ignore[arg-type]


def route_json(run_cli: Run, root: Path, rel: str, *public: str) -> list[list[list[float]]]:
    """Return the stretches `footfall route` prints for an entry, as [lon, lat] lists."""
    result = run_cli("route", str(root / "content" / rel), "--site", str(root), *public)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["features"][0]["geometry"]["coordinates"]


def test_thirty_public_routes_through_the_cli_hide_home(make_site: Callable[..., Path], run_cli: Run) -> None:
    files: dict[str, str] = {}
    for index, run in enumerate(thirty_runs(99)):
        files[f"content/run{index}.gpx"] = gpx(run)
        files[f"content/run{index}.md"] = entry({"date": f"2026-03-{index % 28 + 1:02d}", "route": f"run{index}.gpx",
                                                 "visibility": "public", "slug": f"run-{index}"})
    root = make_site(files, PRIVACY_TOML)
    ends = []
    for index in range(30):
        stretches = route_json(run_cli, root, f"run{index}.md", "--public")
        ends += [(stretches[0][0][1], stretches[0][0][0]), (stretches[-1][-1][1], stretches[-1][-1][0])]
    assert_home_hidden(ends)


def along(points: Sequence[tuple[float, float]]) -> dict[tuple[float, float], float]:
    """Return each point's distance from the start along the track, by (lon, lat)."""
    done, out = 0.0, {}
    for index, (lat, lon) in enumerate(points):
        if index:
            done += math.dist(local_metres(*points[index - 1]), local_metres(lat, lon))
        out[(lon, lat)] = done
    return out


def test_zones_and_trim_in_route_public(make_site: Callable[..., Path], run_cli: Run) -> None:
    """A run that starts and ends inside the home zone and passes the school on its way."""
    there = [moved(*HOME, i * 10.0, math.atan2(*local_metres(*SCHOOL))) for i in range(600)]
    run = there + there[::-1][1:]
    root = make_site({"content/school.gpx": gpx(run),
                      "content/school.md": entry({"date": "2026-03-14", "route": "school.gpx", "visibility": "public"})},
                     PRIVACY_TOML)
    journal = route_json(run_cli, root, "school.md")
    assert sum(len(s) for s in journal) == len(run)  # the journal draws every point
    public = route_json(run_cli, root, "school.md", "--public")
    marks = along([(round(lat, 7), round(lon, 7)) for lat, lon in run])
    total = max(marks.values())
    points = [tuple(p) for s in public for p in s]
    assert points and len(public) >= 2  # the line breaks where the school's points were cut
    for lon, lat in points:
        assert metres_between(Point(lat, lon, None), Point(*HOME, None)) >= RADIUS - 0.5
        assert metres_between(Point(lat, lon, None), Point(*SCHOOL, None)) >= 300 - 0.5
        assert TRIM <= marks[(lon, lat)] <= total - TRIM


def test_a_track_shorter_than_twice_the_trim_shows_nothing(make_site: Callable[..., Path], run_cli: Run) -> None:
    far = (38.80, -9.30)  # far from every zone
    run = [moved(*far, i * 10.0, 1.0) for i in range(35)]  # 340 m
    root = make_site({"content/short.gpx": gpx(run),
                      "content/short.md": entry({"date": "2026-03-14", "route": "short.gpx", "visibility": "public",
                                                 "slug": "short"})}, PRIVACY_TOML)
    assert route_json(run_cli, root, "short.md", "--public") == []
    assert run_cli("build", "--site", str(root)).exit_code == 0
    page = html(root / "output/public/2026/03/14/short/index.html")
    assert page.select_one("figure.route svg") is None


def canary_site(make_site: Callable[..., Path], extra: dict[str, str] | None = None) -> tuple[Path, list]:
    """Return a site with a public and a private run near home, and the runs' points."""
    public_run = out_and_back(0.7, 0.4)
    private_run = out_and_back(2.5, -0.3)
    files = {"content/2026/a.gpx": gpx(public_run), "content/2026/b.gpx": gpx(private_run),
             "content/2026/a.md": entry({"date": "2026-03-14", "route": "a.gpx", "visibility": "public",
                                         "slug": "along-the-river"}),
             "content/2026/b.md": entry({"date": "2026-03-15", "route": "b.gpx", "visibility": "private"}),
             **(extra or {})}
    return make_site(files, PRIVACY_TOML), [*public_run, *private_run, HOME, SCHOOL]


def number_formats(value: float) -> set[str]:
    """Return a coordinate as decimal degrees at 3 to 7 places, rounded and cut short, with either sign."""
    texts = set()
    for places in range(3, 8):
        whole, _, decimals = f"{abs(value):.12f}".partition(".")
        for text in (f"{abs(value):.{places}f}", f"{whole}.{decimals[:places]}"):
            texts.update((text, f"-{text}"))
    return texts


def numbers_in(text: str) -> set[str]:
    """Return every way a decimal number in a text could be read: each ending of its whole part, each cut of its decimals."""
    found = set()
    for whole, decimals in re.findall(r"(\d+)\.(\d+)", text):
        for start in range(max(0, len(whole) - 3), len(whole)):
            found.update(f"{whole[start:]}.{decimals[:places]}" for places in range(3, min(len(decimals), 7) + 1))
    return found


def test_canary_coordinates_never_reach_public_bytes(make_site: Callable[..., Path], run_cli: Run) -> None:
    root, points = canary_site(make_site)
    built = run_cli("build", "--site", str(root))
    assert built.exit_code == 0, built.output
    assert_no_canaries(root, points)


def test_canary_coordinates_of_many_routes_drawn_over_the_cores_never_reach_public_bytes(
        make_site: Callable[..., Path], run_cli: Run) -> None:
    """Enough routes for the build to read, cut and draw them in forked workers: the cut holds there too."""
    extra: dict[str, str] = {}
    runs = [out_and_back(0.4 * n, 0.3 + 0.02 * n) for n in range(10)]
    for n, run in enumerate(runs):
        extra[f"content/2026/r{n}.gpx"] = gpx(run)
        extra[f"content/2026/r{n}.md"] = entry({"date": f"2026-03-{n + 1:02d}", "route": f"r{n}.gpx",
                                                "visibility": ("public", "private")[n % 2], "slug": f"r{n}"})
    root, points = canary_site(make_site, extra)
    built = run_cli("build", "--site", str(root))
    assert built.exit_code == 0, built.output
    assert_no_canaries(root, [*points, *(point for run in runs for point in run)], [f"r{n}.gpx" for n in range(10)])


def assert_no_canaries(root: Path, points: Sequence[tuple[float, float]], names: Sequence[str] = ()) -> None:
    """Check the public build: the story's map drawn, and no recorded point, seed, zone name or file name in any byte."""
    page = html(root / "output/public/2026/03/14/along-the-river/index.html")
    svg = page.select_one("figure.route svg.route-map")
    assert svg is not None and page.select_one("a.route-recording") is None
    canaries = {text for lat, lon in points for value in (lat, lon) for text in number_formats(value)}
    seed = (root / ".footfall/route-seed").read_bytes().strip()
    files = [p for p in (root / "output/public").rglob("*") if p.is_file()]
    assert not [p for p in files if p.suffix in (".gpx", ".fit", ".tcx", ".gz")]
    for path in files:
        data = path.read_bytes()
        text = data.decode("utf-8", "replace")
        found = [n for n in numbers_in(text) if n in canaries and not path.name.endswith((".woff2", ".ttf"))]
        assert not found, (path, found[:3])
        assert seed not in data and b"amarela" not in data.lower() and b"pombal" not in data.lower()
        assert not [name for name in ("a.gpx", "b.gpx", *names) if name.encode() in data], path


def test_the_seed_is_kept_and_the_build_is_stable(make_site: Callable[..., Path], run_cli: Run) -> None:
    root, _ = canary_site(make_site)
    assert run_cli("build", "--site", str(root)).exit_code == 0
    seed = root / ".footfall/route-seed"
    first = (root / "output/public/2026/03/14/along-the-river/index.html").read_bytes()
    assert seed.stat().st_mode & 0o077 == 0  # readable by the writer alone
    (root / "output").rename(root / "old-output")
    assert run_cli("build", "--site", str(root)).exit_code == 0
    assert (root / "output/public/2026/03/14/along-the-river/index.html").read_bytes() == first


def test_the_audit_finds_a_recorded_coordinate_in_a_story(make_site: Callable[..., Path], run_cli: Run) -> None:
    lat, lon = out_and_back(0.7, 0.4)[150]
    story = entry({"date": "2026-03-20", "visibility": "public", "slug": "note"},
                  f"We met at {lat:.5f} N {abs(lon):.5f} W, by the fountain.\n")
    root, _ = canary_site(make_site, {"content/2026/note.md": story})
    built = run_cli("build", "--site", str(root))
    assert built.exit_code == 1
    assert f"privacy audit: the file holds {lat:.5f}, a coordinate of a recorded route" in built.output


def test_route_visibility_private_keeps_the_map_out(make_site: Callable[..., Path], run_cli: Run) -> None:
    run = out_and_back(1.0, 0.2)
    root = make_site({"content/r.gpx": gpx(run),
                      "content/r.md": entry({"date": "2026-03-14", "route": "r.gpx", "visibility": "public",
                                             "route_visibility": "private", "slug": "r"})}, PRIVACY_TOML)
    assert run_cli("build", "--site", str(root)).exit_code == 0
    assert run_cli("build", "--journal", "--site", str(root)).exit_code == 0
    assert html(root / "output/public/2026/03/14/r/index.html").select_one("figure.route svg") is None
    assert html(root / "output/journal/2026/03/14/r/index.html").select_one("figure.route svg") is not None
    assert route_json(run_cli, root, "r.md", "--public") == []


@settings(max_examples=800, deadline=None)
@given(st.text(alphabet="0123456789.-,e \u0663\u00b2x", max_size=40))
@example("1.2345.678 12.345 1234.567 .123 -9.14321 ٣.١٢٣ 8.12")
def test_the_coordinate_search_finds_the_numbers_its_pattern_finds(text: str) -> None:
    """The fast search for decimal numbers (a dot first, then the digits before it) finds what the pattern finds."""
    from generator.outputs.route_needles import _DECIMAL, decimal_numbers

    assert list(decimal_numbers(text)) == [match.groups() for match in _DECIMAL.finditer(text)]


def coordinate_story(point: tuple[float, float]) -> str:
    """Return a public story whose text holds a place as decimal degrees (a leak the audit must stop)."""
    lat, lon = point
    return entry({"date": "2026-03-20", "visibility": "public", "slug": "note"},
                 f"We met at {lat:.5f} N {abs(lon):.5f} W, by the fountain.\n")


def test_the_coordinates_are_kept_and_a_changed_recording_is_searched_for_again(
        make_site: Callable[..., Path], run_cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.incremental import writer
    from generator.outputs import route_needles

    read: list[str] = []
    places = route_needles.route_places
    monkeypatch.setattr(route_needles, "route_places", lambda path, cache: read.append(path.name) or places(path, cache))
    monkeypatch.setattr(writer, "can_fork", lambda: False)  # what the audit seeks is worked out here, where `read` is
    root, _ = canary_site(make_site)
    assert run_cli("build", "--site", str(root)).exit_code == 0
    assert sorted(read) == ["a.gpx", "b.gpx"]
    kept = list((root / ".footfall-cache/recordings").glob("coordinates-*.f64"))
    assert len(kept) == 1
    read.clear()
    leak = out_and_back(2.5, -0.3)[200]  # a point of the private run
    (root / "content/2026/note.md").write_text(coordinate_story(leak), "utf-8")
    built = run_cli("build", "--site", str(root))
    assert built.exit_code == 1 and f"the file holds {leak[0]:.5f}, a coordinate of a recorded route" in built.output
    assert read == []  # the kept coordinates: no recording read again
    moved_run = out_and_back(1.6, 0.2, out=2000.0)  # the private run, recorded again along another way
    (root / "content/2026/b.gpx").write_text(gpx(moved_run), "utf-8")
    (root / "content/2026/note.md").write_text(coordinate_story(moved_run[120]), "utf-8")
    built = run_cli("build", "--site", str(root))
    assert built.exit_code == 1 and f"the file holds {moved_run[120][0]:.5f}" in built.output
    assert read and set(read) <= {"a.gpx", "b.gpx"}
    assert [path.name for path in (root / ".footfall-cache/recordings").glob("coordinates-*.f64")] != [kept[0].name]
    assert len(list((root / ".footfall-cache/recordings").glob("coordinates-*.f64"))) == 1  # the old one let go


def test_damaged_kept_coordinates_are_worked_out_again(make_site: Callable[..., Path], run_cli: Run) -> None:
    root, _ = canary_site(make_site)
    assert run_cli("build", "--site", str(root)).exit_code == 0
    [kept] = (root / ".footfall-cache/recordings").glob("coordinates-*.f64")
    kept.write_bytes(kept.read_bytes()[:-3])  # cut short
    leak = out_and_back(0.7, 0.4)[150]
    (root / "content/2026/note.md").write_text(coordinate_story(leak), "utf-8")
    built = run_cli("build", "--site", str(root))
    assert built.exit_code == 1 and f"the file holds {leak[0]:.5f}, a coordinate of a recorded route" in built.output
    assert len(kept.read_bytes()) % 8 == 0
