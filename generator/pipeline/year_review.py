"""A year in review: runs, distance, time, the emotions most named, the mood shift and the stories of a year.

Pure: made from a Site's listed posts only, so the public review counts the listed public stories
and nothing else.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from statistics import fmean

from generator import units
from generator.pipeline.site import Chip, Post, Site

TOP_EMOTIONS = 8


@dataclass(frozen=True, slots=True)
class NamedCount:
    """An emotion and how many runs of the year named it."""

    chip: Chip
    count: int


@dataclass(frozen=True, slots=True)
class YearReview:
    """One year of the journal (or of the public stories)."""

    year: int
    url: str
    entries: int  # posts of the year
    runs: int  # those with a distance or a time
    distance_text: str
    duration_text: str
    emotions: tuple[NamedCount, ...]  # most named first
    mood_before: float | None  # average over the posts that gave one
    mood_after: float | None
    mood_shift: float | None  # average of after minus before, over the posts that gave both
    mood_runs: int  # posts that gave both
    posts: tuple[Post, ...]  # the year's posts, oldest first
    previous_year: int = 0  # the nearest earlier year with a review, 0 when none
    next_year: int = 0  # the nearest later year with a review, 0 when none


def year_url(year: int) -> str:
    """Return the URL of a year's review."""
    return f"/year/{year}/"


def build_reviews(site: Site) -> tuple[YearReview, ...]:
    """Return a review for every year with a listed post, newest first."""
    by_year: dict[int, list[Post]] = {}
    for post in site.listed:
        assert post.date is not None
        by_year.setdefault(post.date.astimezone(site.config.tz).year, []).append(post)
    years = sorted(by_year, reverse=True)
    reviews = []
    for index, year in enumerate(years):
        newer = years[index - 1] if index > 0 else 0
        older = years[index + 1] if index + 1 < len(years) else 0
        reviews.append(_review(year, by_year[year][::-1], site, older, newer))
    return tuple(reviews)


def _review(year: int, posts: list[Post], site: Site, previous_year: int, next_year: int) -> YearReview:
    """Return the review of one year's posts (oldest first)."""
    unit = site.config.units
    metres = sum(p.distance_m or 0.0 for p in posts)
    seconds = sum(p.duration_s or 0 for p in posts)
    counts: Counter[str] = Counter()
    chips: dict[str, Chip] = {}
    for post in posts:
        for chip in post.emotions:
            counts[chip.slug] += 1
            if chip.slug not in chips:
                chips[chip.slug] = replace(chip, name=chip.emotion or chip.name)  # the emotion, not a word
    named = sorted(counts.items(), key=lambda kv: (-kv[1], chips[kv[0]].name.casefold()))[:TOP_EMOTIONS]
    before = [p.mood_before for p in posts if p.mood_before is not None]
    after = [p.mood_after for p in posts if p.mood_after is not None]
    paired = [p.mood_after - p.mood_before for p in posts if p.mood_before is not None and p.mood_after is not None]
    return YearReview(
        year=year, url=year_url(year), entries=len(posts), runs=sum(1 for p in posts if p.distance_m or p.duration_s),
        distance_text=units.format_distance(metres, unit) if metres else "",
        duration_text=units.format_duration(seconds) if seconds else "",
        emotions=tuple(NamedCount(chips[slug], count) for slug, count in named),
        mood_before=round(fmean(before), 1) if before else None, mood_after=round(fmean(after), 1) if after else None,
        mood_shift=round(fmean(paired), 1) if paired else None, mood_runs=len(paired),
        posts=tuple(posts), previous_year=previous_year, next_year=next_year,
    )
