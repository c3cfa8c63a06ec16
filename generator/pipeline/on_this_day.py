"""What the journal's home shows of the day it was built: runs on this day in earlier years, recent intentions.

Pure: a Site and the build's date (in the site's time zone) in, plain values out.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from generator.pipeline.insights import local_day
from generator.pipeline.site import Post, Site

INTENTION_WEEKS = 4  # intentions of the last four weeks are shown on the home page
INTENTIONS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Remembered:
    """An entry written on today's month and day in an earlier year."""

    years_ago: int
    post: Post


@dataclass(frozen=True, slots=True)
class Today:
    """The journal home's view of the build date."""

    day: date  # the build date in the site's time zone
    on_this_day: tuple[Remembered, ...]  # most recent year first
    intentions: tuple[Post, ...]  # runs of the last weeks that set an intention, newest first
    weeks: int  # INTENTION_WEEKS


def same_day(day: date, today: date) -> bool:
    """Return True for the same month and day in an earlier year (29 February is remembered on 28 February)."""
    if day.year >= today.year:
        return False
    if (day.month, day.day) == (today.month, today.day):
        return True
    leap_day = (day.month, day.day) == (2, 29)
    return leap_day and (today.month, today.day) == (2, 28) and not calendar.isleap(today.year)


def build_today(site: Site, today: date) -> Today:
    """Return what the home page shows for the build date."""
    remembered = tuple(Remembered(today.year - local_day(p, site).year, p)
                       for p in site.listed if same_day(local_day(p, site), today))
    since = today - timedelta(weeks=INTENTION_WEEKS)
    intentions = tuple(p for p in site.listed if p.intention and since < local_day(p, site) <= today)
    return Today(today, remembered, intentions[:INTENTIONS_SHOWN], INTENTION_WEEKS)
