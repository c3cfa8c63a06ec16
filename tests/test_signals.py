"""Gentle signals: each raised by a journal made to raise it, and by no journal made not to; never public."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import SITE_TOML, entry, html

TODAY = date(2026, 6, 30)
HELP = entry({"title": "Where to find help", "slug": "help", "visibility": "private"}, "Call someone.\n")
SIGNALS = ("no-rest", "guilt-on-rest", "injury-ignored", "low-mood-persisting", "only-time-okay")


def run(day: date, n: int, *, distance: str | None = "5 km", before: int | None = 3, after: int | None = 4,
        emotions: str = "[calm]", tags: str = "[easy]", body_scan: str = "", visibility: str = "private") -> tuple[str, str]:
    """Return (path, text) of one entry."""
    front = {"title": f"Run {day.isoformat()} {n}", "date": f"{day.isoformat()}T07:00:00", "emotions": emotions,
             "tags": tags, "visibility": visibility}
    if distance:
        front["distance"] = distance
    if before is not None:
        front["mood_before"] = before
    if after is not None:
        front["mood_after"] = after
    if body_scan:
        front["body_scan"] = body_scan
    return f"content/{day.isoformat()}-{n}.md", entry(front)


def journal(*entries: tuple[str, str]) -> dict[str, str]:
    """Return the files of a journal: the help page and the entries."""
    return {"content/pages/help.md": HELP, **dict(entries)}


def every_other_day(last: date, weeks: int, **kwargs: object) -> list[tuple[str, str]]:
    """Return runs every other day for some weeks, the last on `last`."""
    return [run(last - timedelta(days=2 * i), i, **kwargs) for i in range(weeks * 7 // 2)]  # type: ignore[arg-type]


def calm() -> list[tuple[str, str]]:
    """Return a calm journal: runs every other day, feeling fine, rest days without guilt."""
    rest = [run(TODAY - timedelta(days=9), 900, distance=None, emotions="[content]", tags="[rest]")]
    return [*every_other_day(TODAY, 8), *rest]


CASES: dict[str, tuple[Callable[[], Iterable[tuple[str, str]]], Callable[[], Iterable[tuple[str, str]]]]] = {
    "no-rest": (
        lambda: [*calm(), *(run(date(2026, 5, 1) + timedelta(days=i), 100 + i) for i in range(14))],
        lambda: [*calm(), *(run(date(2026, 5, 1) + timedelta(days=i), 100 + i) for i in range(13))],
    ),
    "guilt-on-rest": (
        lambda: [*calm(), run(TODAY - timedelta(days=4), 200, distance=None, emotions="[guilty, restless]", tags="[]")],
        lambda: [*calm(), run(TODAY - timedelta(days=3), 200, emotions="[guilty]"),
                 run(TODAY - timedelta(days=4), 201, distance=None, emotions="[calm]", tags="[rest]")],
    ),
    "injury-ignored": (
        lambda: [*calm(), run(TODAY - timedelta(days=11), 300, body_scan="a stabbing pain in the left knee")],
        lambda: [*calm()[4:], run(TODAY - timedelta(days=11), 300, body_scan="a stabbing pain in the left knee",
                                  distance=None, tags="[rest]")],
    ),
    "low-mood-persisting": (
        lambda: [*every_other_day(TODAY, 8, before=3, after=2)],
        lambda: [*every_other_day(TODAY, 8, before=3, after=3)],
    ),
    "only-time-okay": (
        lambda: [*every_other_day(TODAY, 8, before=2, after=4)],
        lambda: [*every_other_day(TODAY, 8, before=3, after=4)],
    ),
}


def build_journal(make_site: Callable[..., Path], run_cli: Callable[..., Result],
                  entries: Iterable[tuple[str, str]]) -> Path:
    """Build a journal as of TODAY and return its site folder."""
    root = make_site(journal(*entries))
    result = run_cli("build", "--journal", "--today", TODAY.isoformat(), "--site", str(root))
    assert result.exit_code == 0, result.output
    return root


def raised(root: Path) -> set[str]:
    """Return the ids of the signals on the journal's insights page."""
    page = html(root / "output" / "journal" / "insights" / "index.html")
    return {tag["data-signal"] for tag in page.select("[data-signal]")}


@pytest.mark.parametrize("signal", SIGNALS)
def test_a_journal_made_to_raise_a_signal_raises_it_alone(signal: str, make_site: Callable[..., Path],
                                                           run_cli: Callable[..., Result]) -> None:
    root = build_journal(make_site, run_cli, CASES[signal][0]())
    assert raised(root) == {signal}
    note = html(root / "output" / "journal" / "insights" / "index.html").select_one(f'[data-signal="{signal}"]')
    assert note is not None and note.find("a", href="../help/") is not None  # each links to the help page
    checked = run_cli("check", "--today", TODAY.isoformat(), "--site", str(root))
    assert checked.exit_code == 0, checked.output
    assert f"[{signal}]" in checked.output and "not a diagnosis" in checked.output


@pytest.mark.parametrize("signal", SIGNALS)
def test_a_journal_made_not_to_raise_a_signal_does_not(signal: str, make_site: Callable[..., Path],
                                                        run_cli: Callable[..., Result]) -> None:
    root = build_journal(make_site, run_cli, CASES[signal][1]())
    assert signal not in raised(root)


def test_a_calm_journal_raises_none_and_says_what_the_notes_are_not(make_site: Callable[..., Path],
                                                                     run_cli: Callable[..., Result]) -> None:
    root = build_journal(make_site, run_cli, calm())
    assert raised(root) == set()
    page = html(root / "output" / "journal" / "insights" / "index.html")
    assert "not a diagnosis" in page.get_text()
    checked = run_cli("check", "--today", TODAY.isoformat(), "--site", str(root))
    assert checked.exit_code == 0 and "Notes from your journal" not in checked.output


@pytest.mark.parametrize(("body_scan", "expected"), [
    ("hip pain, heavy legs", {"injury-ignored"}), ("an injured ankle", {"injury-ignored"}),
    ("no pain at all", set()), ("pain-free, light", set()), ("sore calves", set()),
])
def test_pain_named_in_the_body_scan(body_scan: str, expected: set[str], make_site: Callable[..., Path],
                                     run_cli: Callable[..., Result]) -> None:
    root = build_journal(make_site, run_cli, [*calm(), run(TODAY - timedelta(days=11), 300, body_scan=body_scan)])
    assert raised(root) == expected


def test_thresholds_are_set_in_site_toml(make_site: Callable[..., Path], run_cli: Callable[..., Result]) -> None:
    entries = [*calm(), *(run(date(2026, 5, 1) + timedelta(days=i), 100 + i) for i in range(10))]
    root = make_site(journal(*entries), SITE_TOML + "\n[signals]\nno_rest_days = 10\n")
    result = run_cli("build", "--journal", "--today", TODAY.isoformat(), "--site", str(root))
    assert result.exit_code == 0, result.output
    assert raised(root) == {"no-rest"}


def test_a_bad_threshold_is_an_error_naming_it(make_site: Callable[..., Path], run_cli: Callable[..., Result]) -> None:
    root = make_site(journal(*calm()), SITE_TOML + "\n[signals]\nno_rest_days = \"many\"\n")
    result = run_cli("build", "--journal", "--today", TODAY.isoformat(), "--site", str(root))
    assert result.exit_code == 1
    assert "no_rest_days" in result.output and "whole number" in result.output


@pytest.mark.parametrize("signal", SIGNALS)
def test_the_public_build_holds_no_trace_of_insights_or_signals(signal: str, make_site: Callable[..., Path],
                                                                 run_cli: Callable[..., Result]) -> None:
    entries = [(path, text.replace("visibility: private", "visibility: public") if index % 2 else text)
               for index, (path, text) in enumerate(CASES[signal][0]())]
    root = make_site(journal(*entries))
    for args in (("build", "--journal"), ("build",)):
        result = run_cli(*args, "--today", TODAY.isoformat(), "--site", str(root))
        assert result.exit_code == 0, result.output
    assert raised(root) == {signal}
    public = root / "output" / "public"
    assert (public / "index.html").is_file() and not (public / "insights").exists()
    for path in public.rglob("*"):
        assert "insight" not in path.relative_to(public).as_posix().lower()
        if path.is_file():
            data = path.read_bytes().lower()
            for needle in (b"insight", b"data-signal", b"worth a pause", b"diagnosis", *(s.encode() for s in SIGNALS)):
                assert needle not in data, (path, needle)
