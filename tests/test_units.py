"""Reading what runners write: distances, durations, moods."""

from __future__ import annotations

import pytest

from generator.units import UnitError, format_distance, format_duration, format_pace, parse_distance, parse_duration, parse_mood, pace_seconds


@pytest.mark.parametrize("written, unit, metres", [
    (8.2, "km", 8200), (5, "mi", 8046.72), ("8.2 km", "mi", 8200), ("5 mi", "km", 8046.72),
    ("10000 m", "km", 10000), ("10,000 m", "km", 10000), ("8,2 km", "km", 8200), ("3 miles", "km", 4828.032),
    ("12", "km", 12000), (0, "km", 0),
])
def test_distances(written, unit, metres) -> None:
    assert parse_distance(written, unit) == pytest.approx(metres)


@pytest.mark.parametrize("written", ["far", "-3 km", "5 parsecs", True, "1e9 km"])
def test_bad_distances(written) -> None:
    with pytest.raises(UnitError):
        parse_distance(written, "km")


@pytest.mark.parametrize("written, seconds", [
    ("45:12", 2712), ("1:02:30", 3750), (45, 2700), (45.5, 2730), ("45", 2700), ("45 min", 2700),
    ("1h 5m", 3900), ("90s", 90), ("1 hour 2 minutes", 3720),
])
def test_durations(written, seconds) -> None:
    assert parse_duration(written) == seconds


@pytest.mark.parametrize("written", ["45:99", "1:75:00", "soon", "", True])
def test_bad_durations(written) -> None:
    with pytest.raises(UnitError):
        parse_duration(written)


@pytest.mark.parametrize("written, mood", [(1, 1), (5, 5), ("3", 3)])
def test_moods(written, mood) -> None:
    assert parse_mood(written) == mood


@pytest.mark.parametrize("written", [0, 6, 2.5, "high", True])
def test_bad_moods(written) -> None:
    with pytest.raises(UnitError):
        parse_mood(written)


def test_formatting() -> None:
    assert format_distance(8200, "km") == "8.2 km"
    assert format_distance(21097.5, "km") == "21.1 km"
    assert format_distance(8046.72, "mi") == "5 mi"
    assert format_duration(2712) == "45:12" and format_duration(3750) == "1:02:30"
    assert format_pace(pace_seconds(8200, 2712, "km"), "km") == "5:31 /km"
    assert pace_seconds(0, 100, "km") is None
