"""`footfall import`: entries written from recordings, never twice, never over anything; exports too."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import frontmatter
from click.testing import Result

from tests.conftest import html
from tests.test_recordings import fixture

Run = Callable[..., Result]


def imported(root: Path) -> dict[str, dict[str, object]]:
    """Return the front matter of every entry under content/, by path relative to it."""
    return {p.relative_to(root / "content").as_posix(): frontmatter.load(p).metadata
            for p in sorted((root / "content").rglob("*.md"))}


def batch(tmp_path: Path, *names: str) -> Path:
    """Return a folder holding copies of some fixtures."""
    folder = tmp_path / "watch"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(fixture(name), folder / name)
    return folder


def test_a_fit_run_becomes_an_entry_with_its_recording_beside_it(make_site: Callable[..., Path], run_cli: Run) -> None:
    root = make_site({})
    source = fixture("garmin-fenix2-run.fit")
    result = run_cli("import", str(source), "--site", str(root))
    assert result.exit_code == 0, result.output
    entry = root / "content/2015/2015-08-15-afternoon-run.md"
    meta = frontmatter.load(entry).metadata
    # the session's own totals: 9008.22 m, 2832 s timer and elapsed, 64 m of climb
    assert "\ndate: 2015-08-15T15:45:08+01:00\n" in entry.read_text("utf-8")  # 14:45 UTC in Lisbon's summer time
    assert (meta["distance"], meta["duration"], meta["elapsed"], meta["elevation_gain"]) == (
        "9.01 km", "47:12", "47:12", "64 m")
    assert meta["route"] == "2015-08-15-afternoon-run.fit" and meta["slug"] == "afternoon-run"
    assert meta["visibility"] == "private" and meta["intention"] == "" and meta["emotions"] == []
    assert isinstance(meta["avg_heart_rate"], int)
    assert (root / "content/2015" / meta["route"]).read_bytes() == source.read_bytes()  # bytes unchanged
    assert "<!--" in frontmatter.load(entry).content  # the prompt never reaches a public page
    built = run_cli("build", "--journal", "--site", str(root))
    assert built.exit_code == 0, built.output


def test_each_fixture_imports_with_its_figures(make_site: Callable[..., Path], run_cli: Run, tmp_path: Path) -> None:
    root = make_site({})
    folder = batch(tmp_path, "garmin-fr110-run.fit", "garmin-fr920xt-triathlon-chained.fit",
                   "garmin-fenix5-run-short.fit.gz", "garmin-fr410-run.tcx", "garmin-fr305-run-multi-track.tcx",
                   "strava-export-run.gpx", "apple-watch-run-pauses.gpx", "gpsbabel-hike-no-times.gpx",
                   "garmin-vivoactive-sup-sport-other.tcx")
    result = run_cli("import", str(folder), "--site", str(root))
    assert result.exit_code == 0, result.output
    got = {path.split("/", 1)[1]: meta for path, meta in imported(root).items()}
    fr110 = got["2013-02-06-afternoon-run.md"]
    assert (fr110["distance"], fr110["duration"], fr110["avg_heart_rate"]) == ("4.84 km", "43:45", 147)
    tri = got["2018-05-27-morning-run.md"]  # the triathlon's run leg: 9.81 km in 47:31
    assert (tri["distance"], tri["duration"]) == ("9.81 km", "47:31")
    assert got["2017-06-11-afternoon-run.md"]["route"].endswith(".fit.gz")
    assert got["2017-06-11-afternoon-run.md"]["duration"] == "0:57"
    assert (got["2012-12-26-evening-run.md"]["distance"], got["2012-12-26-evening-run.md"]["duration"]) == (
        "4.69 km", "33:13")
    assert got["2007-08-07-night-run.md"]["duration"] == "38:45"  # the lap's timer, not the trimmed points
    strava = got["2015-01-19-greeting-sf-with-a-dumb-dumb-route.md"]
    assert strava["title"] == "Greeting SF with a dumb, dumb route" and strava["distance"] == "0.13 km"
    assert "duration" not in got["2010-08-05-active-log.md"]  # times stripped: no duration rather than a wrong one
    assert "apple" not in " ".join(got) and len(got) == 8  # the paddle (Sport="Other") was skipped
    assert "skipped 1 other" in result.output


def test_reimport_is_a_no_op(make_site: Callable[..., Path], run_cli: Run, tmp_path: Path) -> None:
    root = make_site({})
    folder = batch(tmp_path, "garmin-fr110-run.fit", "strava-export-run.gpx", "strava-export-run.gpx.gz")
    first = run_cli("import", str(folder), "--site", str(root))
    assert first.exit_code == 0, first.output
    assert len(imported(root)) == 2 and "1 already in the journal" in first.output  # the .gz is the same run
    before = {p: p.read_bytes() for p in (root / "content").rglob("*")  if p.is_file()}
    again = run_cli("import", str(folder), "--site", str(root))
    assert again.exit_code == 0 and "0 new entries, 3 already in the journal" in again.output
    assert {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()} == before


def test_same_title_same_day_never_overwrites(make_site: Callable[..., Path], run_cli: Run, tmp_path: Path) -> None:
    root = make_site({"content/2013/2013-02-06-afternoon-run.md": "---\ndate: 2013-02-06\nslug: afternoon-run\n---\nMine.\n"})
    result = run_cli("import", str(fixture("garmin-fr110-run.fit")), "--site", str(root))
    assert result.exit_code == 0, result.output
    assert (root / "content/2013/2013-02-06-afternoon-run.md").read_text("utf-8").endswith("Mine.\n")
    assert (root / "content/2013/2013-02-06-afternoon-run-2.md").is_file()
    assert run_cli("build", "--journal", "--site", str(root)).exit_code == 0


def test_a_corrupt_file_mid_batch_is_named_and_the_rest_imported(make_site: Callable[..., Path], run_cli: Run,
                                                                 tmp_path: Path) -> None:
    root = make_site({})
    folder = batch(tmp_path, "apple-watch-run-pauses.gpx", "corrupt-truncated-eof.fit", "garmin-fr110-run.fit",
                   "strava-export-run-truncated.gpx")
    result = run_cli("import", str(folder), "--site", str(root))
    assert result.exit_code == 1
    assert "corrupt-truncated-eof.fit: cannot read the recording: the FIT file ends early" in result.output
    assert "strava-export-run-truncated.gpx: cannot read the recording" in result.output
    assert "Traceback" not in result.output
    assert len(imported(root)) == 2


def test_dry_run_writes_nothing(make_site: Callable[..., Path], run_cli: Run) -> None:
    root = make_site({})
    result = run_cli("import", str(fixture("garmin-fr110-run.fit")), "--dry-run", "--site", str(root))
    assert result.exit_code == 0
    assert "Would write content/2013/2013-02-06-afternoon-run.md" in result.output
    assert not (root / "content").exists() or not list((root / "content").rglob("*"))


def test_a_recording_without_a_date_is_named(make_site: Callable[..., Path], run_cli: Run) -> None:
    root = make_site({})
    result = run_cli("import", str(fixture("garmin-fr70-footpod-run-no-gps.fit")), "--site", str(root))
    assert result.exit_code == 1 and "has no calendar date" in result.output


def make_export(folder: Path) -> Path:
    """Write a small Strava export: a run (gzipped GPX), a walk (FIT), a ride and a manual run."""
    (folder / "activities").mkdir(parents=True)
    shutil.copy(fixture("strava-export-run.gpx.gz"), folder / "activities/111.gpx.gz")
    shutil.copy(fixture("garmin-fr110-run.fit"), folder / "activities/222.fit")
    (folder / "activities.csv").write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,Filename,"
        "Distance\n"
        '111,"Jan 19, 2015, 9:24:20 PM",Harbour loop,Run,"Cold, windy",41,0.12,activities/111.gpx.gz,125.0\n'
        '222,"Feb 6, 2013, 12:11:14 PM",Slow one with Ana,Walk,,2625,4.84,activities/222.fit,4835.4\n'
        '333,"Mar 1, 2013, 8:00:00 AM",Commute,Ride,,1200,8.0,activities/333.fit.gz,8000\n'
        '444,"Mar 2, 2013, 8:00:00 AM",Treadmill,Run,,1800,5.0,,5000\n', "utf-8")
    return folder


def test_strava_export_folder(make_site: Callable[..., Path], run_cli: Run, tmp_path: Path) -> None:
    root = make_site({})
    export = make_export(tmp_path / "export")
    result = run_cli("import", str(export), "--site", str(root))
    assert result.exit_code == 0, result.output
    got = imported(root)
    assert list(got) == ["2015/2015-01-19-harbour-loop.md"]  # the walk waits for --include walk
    assert "skipped 1 no recording, 1 ride, 1 walk" in result.output
    body = (root / "content/2015/2015-01-19-harbour-loop.md").read_text("utf-8")
    assert "Cold, windy" in body
    walks = run_cli("import", str(export), "--include", "walk", "--site", str(root))
    assert walks.exit_code == 0, walks.output
    walk = imported(root)["2013/2013-02-06-slow-one-with-ana.md"]
    assert walk["tags"] == ["walk"] and walk["distance"] == "4.84 km"


def test_strava_export_zip(make_site: Callable[..., Path], run_cli: Run, tmp_path: Path) -> None:
    root = make_site({})
    export = make_export(tmp_path / "export_2024")
    archive = tmp_path / "export_2024.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(export.rglob("*")):
            if path.is_file():
                out.write(path, f"export_2024/{path.relative_to(export).as_posix()}")
    result = run_cli("import", str(archive), "--include", "walk,hike", "--site", str(root))
    assert result.exit_code == 0, result.output
    assert sorted(imported(root)) == ["2013/2013-02-06-slow-one-with-ana.md", "2015/2015-01-19-harbour-loop.md"]
    recording = root / "content/2015/2015-01-19-harbour-loop.gpx.gz"
    assert recording.read_bytes() == (export / "activities/111.gpx.gz").read_bytes()
    again = run_cli("import", str(archive), "--include", "walk", "--site", str(root))
    assert "0 new entries, 2 already in the journal" in again.output


def test_imported_run_shows_its_map_in_the_journal(make_site: Callable[..., Path], run_cli: Run) -> None:
    root = make_site({})
    assert run_cli("import", str(fixture("garmin-fr110-run.fit")), "--site", str(root)).exit_code == 0
    built = run_cli("build", "--journal", "--site", str(root))
    assert built.exit_code == 0, built.output
    page = root / "output/journal/2013/02/06/afternoon-run/index.html"
    soup = html(page)
    svg = soup.select_one("figure.route svg.route-map")
    assert svg is not None and svg.find("title").text and svg.find("desc").text
    assert svg["role"] == "img" and svg["aria-labelledby"] == "route-title route-desc"
    link = soup.select_one("a.route-recording")
    assert link is not None and (page.parent / link["href"]).read_bytes() == fixture("garmin-fr110-run.fit").read_bytes()
    assert len(soup.select("g.route-marker")) == 4  # 4.84 km: markers at 1, 2, 3 and 4 km
