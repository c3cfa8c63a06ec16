"""Each real device recording reads with the figures its fixture README gives.

Tolerances: figures a device writes itself (FIT sessions, TCX laps) must match to the second and
to the README's last digit; figures summed over GPS points ("≈" in the README) get 2%, since the
README's own sums were made with a different great-circle formula and no smoothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.recordings.model import RUN, RecordingError
from generator.recordings.read import main_activity, read_file

HERE = Path(__file__).resolve().parent / "fixtures" / "activities"
REPO = Path(__file__).resolve().parent.parent
#: shared/ lies beside the repository in CI (and one folder further up beside a worktree)
SHARED = [folder / "shared" / "fixtures" / "activities" for folder in (REPO.parent, REPO.parent.parent)]


def fixture(name: str) -> Path:
    """Return a fixture: the tests' own copy, else the shared one (skipped when neither is here)."""
    for folder in (HERE, *SHARED):
        if (folder / name).is_file():
            return folder / name
    pytest.skip(f"{name} is only in shared/fixtures, which is not beside this checkout")


def clock(seconds: float | None) -> str:
    """Return seconds as h:mm:ss, rounded to the second."""
    assert seconds is not None
    whole = round(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


# name, sport, date, km (device total, to the README's digits), moving, elapsed, avg HR (None: any)
DEVICE_FIGURES = [
    ("garmin-fenix2-run.fit", "run", "2015-08-15", 9.01, "0:47:12", "0:47:12", None),
    ("garmin-fr110-run.fit", "run", "2013-02-06", 4.84, "0:43:45", "0:43:45", 147),
    ("garmin-fr920xt-triathlon-chained.fit", "run", "2018-05-27", 9.81, "0:47:31", "0:47:31", None),
    ("garmin-fenix5-run-short.fit.gz", "run", None, 0.158, "0:00:57", "0:00:57", None),
    ("garmin-fr410-run.tcx", "run", "2012-12-26", 4.69, "0:33:13", "0:33:13", None),
    ("garmin-fr305-run-multi-track.tcx", "run", "2007-08-07", 8.35, "0:38:45", "0:38:45", None),
    ("garmin-vivoactive-sup-sport-other.tcx", "other", "2022-07-16", 1.16, "0:18:32", "0:18:32", None),
    ("wahoo-elemnt-ride-pauses.fit", "ride", "2019-02-17", 78.9, "3:44:31", "6:33:15", None),
    ("coros-pace2-ride-misaligned-fields.fit", "ride", "2020-10-25", 32.1, "3:08:07", "3:31:59", None),
    ("mapmyride-app-ride.tcx", "ride", "2022-11-12", 15.35, "0:51:51", "0:51:51", None),
]


@pytest.mark.parametrize("name, sport, day, km, moving, elapsed, hr", DEVICE_FIGURES,
                         ids=[row[0] for row in DEVICE_FIGURES])
def test_device_figures(name: str, sport: str, day: str | None, km: float, moving: str, elapsed: str,
                        hr: int | None) -> None:
    activities = read_file(fixture(name))
    activity = main_activity(activities, frozenset({sport})) or activities[0]
    assert activity.sport == sport
    if day:
        assert activity.start is not None and activity.start.date().isoformat() == day
    places = len(str(km).split(".")[1])
    assert round(activity.distance_m / 1000, places) == km
    assert clock(activity.moving_s) == moving
    assert clock(activity.elapsed_s) == elapsed
    if hr is not None:
        assert activity.avg_heart_rate == hr


def test_multisport_file_yields_its_run_leg() -> None:
    activities = read_file(fixture("garmin-fr920xt-triathlon-chained.fit"))
    assert [a.sport for a in activities] == ["swim", "other", "ride", "other", "run"]
    run = main_activity(activities)
    assert run is not None and run.sport == RUN and run.avg_heart_rate is not None
    assert run.points and all(p.time >= run.start for p in run.points if p.time)  # only the run leg's records


def test_no_gps_and_no_date() -> None:
    (activity,) = read_file(fixture("garmin-fr70-footpod-run-no-gps.fit"))
    assert activity.start is None  # device-relative timestamps: no calendar date to recover
    assert not activity.has_route
    assert round(activity.distance_m / 1000, 2) == 10.25
    assert (clock(activity.moving_s), clock(activity.elapsed_s), activity.avg_heart_rate) == ("1:02:53", "1:04:43", 170)


# name, date, ≈ km over points, elapsed (None: no duration), segments, HR present
POINT_FIGURES = [
    ("strava-export-run.gpx", "2015-01-19", 0.125, "0:00:41", 1, True),
    ("strava-export-run.gpx.gz", "2015-01-19", 0.125, "0:00:41", 1, True),
    ("garmin-connect-run.gpx", "2017-07-29", 12.8, "1:31:38", 1, True),
    ("apple-watch-run-pauses.gpx", "2025-05-02", 0.088, None, 3, True),
    ("apple-health-export-walk.gpx", "2019-12-15", 0.068, "0:00:43", 1, False),
    ("gpsbabel-hike-multi-track.gpx", "2010-08-05", 4.6, None, 7, False),
    ("gpsbabel-hike-no-times.gpx", None, 4.6, None, 7, False),
    ("gpsbabel-hike-bogus-1901-times.gpx", "2010-12-14", 2.7, None, 1, False),
]


@pytest.mark.parametrize("name, day, km, elapsed, segments, heart", POINT_FIGURES, ids=[r[0] for r in POINT_FIGURES])
def test_point_figures(name: str, day: str | None, km: float, elapsed: str | None, segments: int, heart: bool) -> None:
    (activity,) = read_file(fixture(name))
    if day:
        assert activity.start is not None and activity.start.date().isoformat() == day
    assert activity.distance_m / 1000 == pytest.approx(km, rel=0.02)
    if elapsed:
        assert clock(activity.elapsed_s) == elapsed
    assert len(activity.segments) == segments
    assert (activity.avg_heart_rate is not None) == heart


def test_pauses_and_missing_times() -> None:
    (watch,) = read_file(fixture("apple-watch-run-pauses.gpx"))
    assert watch.elapsed_s > 38 * 60 and watch.moving_s < 60  # a 39-minute gap between stretches is not moving
    assert all(p.hr is None for p in watch.segments[0])  # the first stretch has no heart rate
    (stripped,) = read_file(fixture("gpsbabel-hike-no-times.gpx"))
    assert stripped.moving_s is None and stripped.elapsed_s is None  # 5 of 296 points timed: no duration
    (bogus,) = read_file(fixture("gpsbabel-hike-bogus-1901-times.gpx"))
    assert bogus.moving_s is None and bogus.elapsed_s is None
    (empty,) = read_file(fixture("ridewithgps-empty-ele.gpx"))
    assert not empty.distance_m and empty.elevation_gain_m is None


@pytest.mark.parametrize("name, reason", [
    ("corrupt-truncated-eof.fit", "ends early"),
    ("corrupt-bad-crc.fit", "checksum does not match"),
    ("strava-android-app-run.fit", "cannot be decoded"),
    ("sigma-ride-unterminated.fit", "ends early"),
    ("strava-export-run-truncated.gpx", "not well-formed XML"),
])
def test_damaged_files_say_why(name: str, reason: str) -> None:
    with pytest.raises(RecordingError, match=reason):
        read_file(fixture(name))


def test_entity_bombs_are_refused(tmp_path: Path) -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            '<gpx version="1.1" creator="x"><trk><name>&b;</name></trk></gpx>')
    for suffix in (".gpx", ".tcx"):
        path = tmp_path / f"bomb{suffix}"
        path.write_text(bomb, "utf-8")
        with pytest.raises(RecordingError, match="entities"):
            read_file(path)


@pytest.mark.parametrize("name", ["apple-watch-run-pauses.gpx", "garmin-fr410-run.tcx", "garmin-fenix2-run.fit",
                                  "garmin-fr70-footpod-run-no-gps.fit", "gpsbabel-hike-multi-track.gpx"])
def test_the_places_of_a_route_are_those_of_its_points_kept_or_not(tmp_path: Path, name: str) -> None:
    """The audit reads every recording's places: from the kept activity when there is one, else from the file."""
    from generator.recordings.cache import route_activity, route_places

    points = route_activity(fixture(name), None).points
    wanted = [(p.lat, p.lon) for p in points if p.lat is not None and p.lon is not None]
    kept = tmp_path / "recordings"
    assert route_places(fixture(name), None) == wanted
    assert route_places(fixture(name), kept) == wanted  # read, then kept
    assert route_places(fixture(name), kept) == wanted  # from what was kept
    for damaged in kept.glob("*.json"):
        damaged.write_text('{"segments": [[[1.0, 2.0]]]}', "utf-8")  # not what is kept: read again
    assert route_places(fixture(name), kept) == wanted
