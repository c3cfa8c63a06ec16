"""Entries that name a recording by hand: figures filled at build time, the writer's own words winning."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from click.testing import Result
from bs4 import BeautifulSoup

from tests.conftest import entry, html
from tests.test_recordings import fixture

Run = Callable[..., Result]


def facts(page: BeautifulSoup) -> dict[str, str]:
    """Return the run facts and route figures shown on an entry page."""
    return {div.dt.text: div.dd.text for div in page.select("dl.run-facts div")}


def test_missing_fields_come_from_the_recording(make_site: Callable[..., Path], run_cli: Run) -> None:
    root = make_site({"content/2013/feb.md": entry({"date": "2013-02-06T12:11:14Z", "route": "run.fit",
                                                    "distance": "5 km", "slug": "feb"})})
    shutil.copy(fixture("garmin-fr110-run.fit"), root / "content/2013/run.fit")
    built = run_cli("build", "--journal", "--site", str(root))
    assert built.exit_code == 0, built.output
    shown = facts(html(root / "output/journal/2013/02/06/feb/index.html"))
    assert shown["Distance"] == "5 km"  # what the writer wrote wins
    assert shown["Time"] == "43:45" and shown["Average heart rate"] == "147 bpm"  # the rest from the recording
    assert shown["Climb"] == "168 m" and shown["Elapsed"] == "43:45"
    assert (root / "output/journal/2013/02/06/feb/run.fit").read_bytes() == fixture("garmin-fr110-run.fit").read_bytes()
    assert not any(p.suffix == ".fit" for p in (root / "content").rglob("*") if p.name != "run.fit")  # nothing written


def test_a_missing_recording_is_named_with_its_line(make_site: Callable[..., Path], run_cli: Run) -> None:
    root = make_site({"content/a.md": entry("date: 2026-03-14\ntitle: A\nroute: gone.gpx\n")})
    built = run_cli("build", "--site", str(root))
    assert built.exit_code == 1
    assert "content/a.md:4: the recording 'gone.gpx' is not beside the entry" in built.output


def test_an_unreadable_recording_is_an_error(make_site: Callable[..., Path], run_cli: Run) -> None:
    root = make_site({"content/a.md": entry("date: 2026-03-14\nroute: bad.fit\n")})
    shutil.copy(fixture("corrupt-truncated-eof.fit"), root / "content/bad.fit")
    built = run_cli("build", "--journal", "--site", str(root))
    assert built.exit_code == 1 and "content/a.md:3: cannot read the recording 'bad.fit'" in built.output


def test_route_fields_are_checked(make_site: Callable[..., Path], run_cli: Run) -> None:
    root = make_site({"content/a.md": entry("date: 2026-03-14\nroute: ../x.gpx\nroute_visibility: friends\n"
                                            "elevation_gain: lots\navg_heart_rate: 400\nelapsed: soon\n")})
    built = run_cli("build", "--site", str(root))
    assert built.exit_code == 1
    for expected in ("a.md:3: `route` must name a recording beside the entry",
                     "a.md:4: `route_visibility` must be public or private",
                     "a.md:5: cannot read elevation gain 'lots'",
                     "a.md:6: avg_heart_rate must be beats per minute from 20 to 250",
                     "a.md:7: cannot read duration 'soon'"):
        assert expected in built.output


def test_imported_fields_read_back(make_site: Callable[..., Path], run_cli: Run) -> None:
    root = make_site({"content/a.md": entry("date: 2026-03-14\nduration: '40:00'\nelapsed: '1:02:03'\n"
                                            "elevation_gain: 280 ft\navg_heart_rate: 151\nslug: a\n")})
    built = run_cli("build", "--journal", "--site", str(root))
    assert built.exit_code == 0, built.output
    page = html(root / "output/journal/2026/03/14/a/index.html")
    assert page.select_one("figure.route") is None  # no recording, no map


def test_route_prints_exactly_the_points_the_map_draws(make_site: Callable[..., Path], run_cli: Run) -> None:
    import json

    root = make_site({"content/w.md": entry("date: 2025-05-02\nroute: w.gpx\nslug: w\nvisibility: public\n")})
    shutil.copy(fixture("apple-watch-run-pauses.gpx"), root / "content/w.gpx")
    for flags, build, output in (((), ("--journal",), "journal"), (("--public",), (), "public")):
        printed = run_cli("route", str(root / "content/w.md"), "--site", str(root), *flags)
        assert printed.exit_code == 0, printed.output
        lines = json.loads(printed.stdout)["features"][0]["geometry"]["coordinates"]
        assert run_cli("build", *build, "--site", str(root)).exit_code == 0
        svg = html(root / f"output/{output}/2025/05/02/w/index.html").select_one("svg.route-map")
        if not lines:
            assert svg is None  # 88 m of track, shorter than twice the public trim: nothing to show
            continue
        drawn = svg.select_one("path")["d"].split("M")[1:]
        assert [len(part.split("L")) for part in drawn] == [len(line) for line in lines]
