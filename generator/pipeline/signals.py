"""Gentle signals: patterns in the journal that may be worth a pause, never a diagnosis.

Pure: a Site, the build's date and the thresholds of `[signals]` in site.toml in, signals out.
Each signal has a stable id (`no-rest`, `guilt-on-rest`, `injury-ignored`, `low-mood-persisting`,
`only-time-okay`); docs/reflection.md says how each is worked out. Only the journal shows them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from generator import units
from generator.errors import Problem, error, warning
from generator.pipeline.insights import is_run, local_day, streaks
from generator.pipeline.site import Post, Site

SIGNAL_IDS = ("no-rest", "guilt-on-rest", "injury-ignored", "low-mood-persisting", "only-time-okay")
NOT_A_DIAGNOSIS = ("These notes are patterns in what you wrote, not a diagnosis, and they may be wrong. "
                   "If one rings true, be kind to yourself; if things feel heavy, talking to someone can help.")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The thresholds of the signals; every one can be set under `[signals]` in site.toml."""

    no_rest_days: int = 14  # no-rest: runs on this many consecutive days
    rest_tag: str = "rest"  # guilt-on-rest: a rest day is an entry with this tag, or without a distance
    rest_emotions: tuple[str, ...] = ("guilty", "guilt", "ashamed", "shame", "anxious", "anxiety")
    injury_tag: str = "injury"  # injury-ignored: an entry with this tag, or a body scan naming one of the words
    injury_words: tuple[str, ...] = ("pain", "injur", "hurt", "sprain", "strain", "ache", "aching", "twinge", "niggl")
    injury_days: int = 7  # ...followed, within this many days, by
    injury_runs: int = 3  # this many runs or more
    low_mood_weeks: int = 3  # low-mood-persisting: over the last this many weeks,
    low_mood_max: int = 2  # mood after at this or below
    low_mood_share: float = 0.5  # on more than this share of the runs (most of them),
    low_mood_runs_per_week: float = 3  # while running this often a week or more
    okay_weeks: int = 4  # only-time-okay: over the last this many weeks,
    okay_before_max: int = 2  # mood before at this or below
    okay_after_min: int = 4  # and mood after at this or above
    okay_share: float = 0.8  # on at least this share of the runs that gave both moods
    min_runs: int = 3  # the two mood signals need at least this many runs to say anything
    help_page: str = "help"  # the slug of the page each signal links to (content/pages/help.md)


@dataclass(frozen=True, slots=True)
class Signal:
    """One gentle signal raised by the journal."""

    id: str  # one of SIGNAL_IDS, shown as data-signal="ID"
    title: str
    message: str  # what was noticed, gently
    since: date | None  # the first day it concerns
    until: date | None  # the last day it concerns
    help_url: str  # the site's help page, or ""


def load_thresholds(section: Mapping[str, Any], path: Path) -> tuple[Thresholds, list[Problem]]:
    """Read `[signals]` from site.toml; an unknown key is a warning, a value of the wrong kind an error."""
    defaults = Thresholds()
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    kinds = {f.name: type(getattr(defaults, f.name)) for f in fields(Thresholds)}
    for key, value in section.items():
        kind = kinds.get(key)
        if kind is None:
            problems.append(warning(path, None, f"unknown setting `{key}` in [signals]",
                                    "see docs/reflection.md for the signals' settings"))
        elif kind is tuple and isinstance(value, list) and all(isinstance(v, str) for v in value):
            values[key] = tuple(v.casefold() for v in value)
        elif kind is float and isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 100:
            values[key] = float(value)
        elif kind is int and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            values[key] = value
        elif kind is str and isinstance(value, str):
            values[key] = value.strip()
        else:
            wanted = {tuple: "a list of words", float: "a number", int: "a whole number, 0 or more", str: "text"}[kind]
            problems.append(error(path, None, f"`{key}` in [signals] must be {wanted}, not {value!r}"))
    return replace(defaults, **values), problems


def find_signals(site: Site, today: date, limits: Thresholds) -> tuple[Signal, ...]:
    """Return the signals the journal raises as of today, in SIGNAL_IDS order; nothing for a public site."""
    if site.audience != "journal":
        return ()
    help_url = help_page_url(site, limits)
    dated = [(local_day(p, site), p) for p in site.listed]
    entries = sorted(((day, p) for day, p in dated if day <= today), key=lambda pair: pair[0])
    found = [_no_rest(entries, limits), _guilt_on_rest(entries, limits), _injury_ignored(entries, limits),
             _low_mood(entries, today, limits), _only_time_okay(entries, today, limits)]
    return tuple(replace(s, help_url=help_url) for s in found if s is not None)


def help_page_url(site: Site, limits: Thresholds) -> str:
    """Return the site URL of the help page the signals link to, or "" when this build has none."""
    return next((p.url for p in site.pages if p.url.strip("/") == limits.help_page.strip("/")), "")


def _no_rest(entries: list[tuple[date, Post]], limits: Thresholds) -> Signal | None:
    """Raise no-rest: runs on no_rest_days or more consecutive days (the latest such stretch)."""
    long = [s for s in streaks(sorted({d for d, p in entries if is_run(p)})) if (s[1] - s[0]).days + 1 >= limits.no_rest_days]
    if not long:
        return None
    first, last = long[-1]
    days = (last - first).days + 1
    return Signal("no-rest", "Runs without a rest day",
                  f"You ran on {days} days in a row, from {units.long_date(first)} to {units.long_date(last)}. "
                  "Rest days are part of training, and of looking after yourself.", first, last, "")


def _guilt_on_rest(entries: list[tuple[date, Post]], limits: Thresholds) -> Signal | None:
    """Raise guilt-on-rest: an entry for a rest day that names guilt, shame or anxiety."""
    words = set(limits.rest_emotions)
    rest_days = [(day, post) for day, post in entries if _is_rest(post, limits)
                 and any(c.slug in words or c.name.casefold() in words for c in post.emotions)]
    if not rest_days:
        return None
    first, last = rest_days[0][0], rest_days[-1][0]
    count = len(rest_days)
    return Signal("guilt-on-rest", "Hard feelings on rest days",
                  f"{'A rest day' if count == 1 else f'{count} rest days'} came with guilt, shame or anxiety "
                  f"(the latest on {units.long_date(last)}). Resting is not failing; it may help to notice what "
                  "the feeling asks of you.", first, last, "")


def _is_rest(post: Post, limits: Thresholds) -> bool:
    """Return True for an entry of a rest day: tagged rest, or without a distance."""
    return not post.distance_m or any(t.slug == limits.rest_tag or t.name.casefold() == limits.rest_tag
                                      for t in post.tags)


def _injury_ignored(entries: list[tuple[date, Post]], limits: Thresholds) -> Signal | None:
    """Raise injury-ignored: pain or an injury named, then injury_runs or more runs in the injury_days after."""
    run_days = [day for day, post in entries if is_run(post)]  # in order: entries are sorted by day
    window = timedelta(days=limits.injury_days)
    latest: tuple[date, int] | None = None
    for day, post in entries:
        named = any(t.slug == limits.injury_tag or t.name.casefold() == limits.injury_tag
                    or names_pain(t.name, limits.injury_words) for t in post.tags) or \
            names_pain(post.body_scan, limits.injury_words)
        if not named:
            continue
        after = bisect_right(run_days, day + window) - bisect_right(run_days, day)  # runs in (day, day + window]
        if after >= limits.injury_runs:
            latest = (day, after)
    if latest is None:
        return None
    day, after = latest
    return Signal("injury-ignored", "Running on with pain",
                  f"On {units.long_date(day)} you wrote of pain or an injury, and ran {after} times in the "
                  f"{limits.injury_days} days after. Pain is the body asking for care; a rest or a word with "
                  "someone who knows injuries may help it heal.", day, day + timedelta(days=limits.injury_days), "")


_NEGATION = re.compile(r"\b(?:no|not|without|zero|nothing)\s+(?:\w+\s+)?$", re.IGNORECASE)
_FREE = re.compile(r"\w*[- ]?free\b", re.IGNORECASE)


@lru_cache(maxsize=8)
def _pain_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Return the pattern of a word starting with one of `words` (made once per set of words)."""
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)


def names_pain(text: str, words: tuple[str, ...]) -> bool:
    """Return True when a word of the text starts with one of `words`, unless it is denied ("no pain", "pain-free")."""
    if not words or not text:
        return False
    for match in _pain_pattern(words).finditer(text):
        if _NEGATION.search(text, 0, match.start()) is None and _FREE.match(text, match.end()) is None:
            return True
    return False


def _recent_runs(entries: list[tuple[date, Post]], today: date, weeks: int) -> tuple[date, list[Post]]:
    """Return the first day of the last `weeks` weeks and the runs since (that day counted: a run a week ago today
    is in the last week)."""
    start = today - timedelta(days=weeks * 7)
    return start, [post for day, post in entries if day >= start and is_run(post)]


def _low_mood(entries: list[tuple[date, Post]], today: date, limits: Thresholds) -> Signal | None:
    """Raise low-mood-persisting: mood after low on most runs of the last weeks, while running often."""
    start, runs = _recent_runs(entries, today, limits.low_mood_weeks)
    rated = [p for p in runs if p.mood_after is not None]
    if len(rated) < max(1, limits.min_runs) or len(runs) < limits.low_mood_runs_per_week * limits.low_mood_weeks:
        return None
    low = sum(1 for p in rated if p.mood_after is not None and p.mood_after <= limits.low_mood_max)
    if low <= limits.low_mood_share * len(rated):
        return None
    return Signal("low-mood-persisting", "A low mood that stays",
                  f"After {low} of your last {len(rated)} runs you gave your mood {limits.low_mood_max} or lower, "
                  f"while running {len(runs)} times in {limits.low_mood_weeks} weeks. Running helps many people, "
                  "but it is not meant to carry a heavy time alone.", start, today, "")


def _only_time_okay(entries: list[tuple[date, Post]], today: date, limits: Thresholds) -> Signal | None:
    """Raise only-time-okay: low before and good after on at least okay_share of the recent runs."""
    start, runs = _recent_runs(entries, today, limits.okay_weeks)
    rated = [p for p in runs if p.mood_before is not None and p.mood_after is not None]
    if len(rated) < max(1, limits.min_runs):
        return None
    lifted = sum(1 for p in rated if (p.mood_before or 0) <= limits.okay_before_max
                 and (p.mood_after or 0) >= limits.okay_after_min)
    if lifted < limits.okay_share * len(rated):
        return None
    return Signal("only-time-okay", "Running as the only time you feel okay",
                  f"On {lifted} of your last {len(rated)} runs you started low and finished feeling good. "
                  "That lift is real; if running is the only time things feel okay, that is worth sharing "
                  "with someone you trust.", start, today, "")
