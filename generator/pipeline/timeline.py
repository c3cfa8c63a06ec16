"""The journal's emotional timeline: listed runs in weeks or months, drawn as inline SVG, given as JSON.

Made from a Site's listed posts only, so the public timeline never holds a private or unlisted run.
The SVG is written with charts.element, which escapes everything, so it is always well-formed XML. With few runs, each run is a
stack of dots (one per emotion, coloured by family) linking to its page; when the runs would not
fit, each week or month becomes a bar per family that links to its rows of the table below it.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import Any, Literal

from generator.pipeline.charts import element, number, svg_element, text_child
from generator.config import SiteConfig
from generator.pipeline.emotions import MONTH_NAMES
from generator.pipeline.site import Chip, Post, Site
from generator.urls import absolute, relative_root
from generator.vocabulary import Family

Unit = Literal["week", "month"]
WEEKS_UP_TO_DAYS = 182  # a journal spanning up to ~26 weeks is drawn week by week

# Geometry of the timeline, in SVG px.
LEFT, RIGHT, TOP = 34, 28, 10  # margins (the left one holds the mood scale, the right one a last label)
DOT_R, DOT_STEP, ENTRY_W = 4.5, 11, 13  # one run: dots of this radius, stacked this far apart
PLOT, MAX_COL, AGG_COL = 600, 90, 10  # the plot's aimed-for width; widest column; narrowest bar column
MAX_WIDTH, MAX_STACK = 1200, 10  # beyond these, runs are aggregated into bars
AGG_BAND, MOOD_H, LABEL_W = 140, 56, 36  # bar area height, mood band height, room for a tick label


@dataclass(frozen=True, slots=True)
class Bucket:
    """One week or month of the timeline."""

    start: date  # the Monday of the week, or the first day of the month
    unit: Unit
    posts: tuple[Post, ...]  # listed runs of the bucket that named emotions, oldest first

    @property
    def id(self) -> str:
        """Return the HTML id of the bucket's rows in the table, e.g. "t-2026-03"."""
        start = self.start  # what strftime's %Y-%m(-%d) gives, without its cost (it consults the time zone)
        return f"t-{start.year}-{start.month:02d}" if self.unit == "month" else \
            f"t-{start.year}-{start.month:02d}-{start.day:02d}"

    @property
    def name(self) -> str:
        """Return "March 2026" or "Week of 9 March 2026"."""
        month = MONTH_NAMES[self.start.month - 1]
        if self.unit == "month":
            return f"{month} {self.start.year}"
        return f"Week of {self.start.day} {month} {self.start.year}"


@dataclass(frozen=True, slots=True)
class Timeline:
    """The emotional timeline of a build's listed runs."""

    unit: Unit  # "week" or "month", chosen by the span of the journal
    buckets: tuple[Bucket, ...]  # every week or month from the first run to the last, oldest first
    families: tuple[Family, ...]  # families of the emotions named, in the vocabulary's order

    @property
    def posts(self) -> tuple[Post, ...]:
        """Return every run on the timeline, oldest first."""
        return tuple(p for b in self.buckets for p in b.posts)

    @property
    def moods(self) -> bool:
        """Return True when any run on the timeline gave a mood."""
        return any(p.mood_before is not None or p.mood_after is not None for p in self.posts)


def build_timeline(site: Site) -> Timeline:
    """Return the timeline of the listed runs that named at least one emotion."""
    runs = sorted((p.date, p.key, p) for p in site.listed if p.emotions and p.date is not None)
    if not runs:
        return Timeline("month", (), ())
    first, last = runs[0][0].date(), runs[-1][0].date()
    unit: Unit = "week" if (last - first).days <= WEEKS_UP_TO_DAYS else "month"
    starts = _bucket_starts(_start(first, unit), _start(last, unit), unit)
    grouped: dict[date, list[Post]] = {start: [] for start in starts}
    for when, _, post in runs:
        grouped[_start(when.date(), unit)].append(post)
    named = {chip.family.slug for _, _, post in runs for chip in post.emotions}
    families = tuple(f for f in site.families if f.slug in named)
    return Timeline(unit, tuple(Bucket(s, unit, tuple(grouped[s])) for s in starts), families)


def _start(day: date, unit: Unit) -> date:
    """Return the first day of the week (Monday) or month holding day."""
    return day - timedelta(days=day.weekday()) if unit == "week" else day.replace(day=1)


def _bucket_starts(first: date, last: date, unit: Unit) -> list[date]:
    """Return the start of every week or month from first to last."""
    starts, current = [], first
    while current <= last:
        starts.append(current)
        if unit == "week":
            current += timedelta(days=7)
        else:
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return starts


# --- timeline.json --------------------------------------------------------------------------------


def timeline_json(timeline: Timeline, cfg: SiteConfig) -> bytes:
    """Return timeline.json; entry `url`s are relative to the file (it sits at the site root)."""
    chips: dict[int, dict[str, Any]] = {}  # each emotion's data, made once: runs share their emotion values
    data = {
        "version": 1,
        "title": cfg.title,
        "home_page_url": absolute(cfg.base_url, "/"),
        "unit": timeline.unit,
        "families": [_family_data(f) for f in timeline.families],
        "entries": [_entry_data(p, b.id.removeprefix("t-"), cfg, chips) for b in timeline.buckets for p in b.posts],
    }
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")  # compact: C-fast


def _family_data(family: Family) -> dict[str, str]:
    """Return a family as JSON data."""
    return {"slug": family.slug, "name": family.name, "valence": family.valence,
            "colour": family.colour, "text_colour": family.text_colour}


def _entry_data(post: Post, bucket: str, cfg: SiteConfig, chips: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Return one run of the timeline as JSON data."""
    assert post.date is not None
    return {
        "url": post.url.lstrip("/"), "permalink": absolute(cfg.base_url, post.url), "date": post.date.isoformat(),
        "title": post.title,
        "bucket": bucket, "emotions": [chips.get(id(c)) or _chip_data(c, chips) for c in post.emotions],
        "mood_before": post.mood_before, "mood_after": post.mood_after,
    }


def _chip_data(emotion: Chip, chips: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """Return an emotion as JSON data, remembered by identity (the emotion is alive while the post is)."""
    family = emotion.family
    data = chips[id(emotion)] = {"name": emotion.name, "slug": emotion.slug, "url": emotion.url.lstrip("/") or None,
                                 "family": family.slug, "colour": family.colour, "text_colour": family.text_colour}
    return data


# --- the SVG --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things go in the timeline's SVG."""

    aggregate: bool  # True: one bar per family per bucket; False: one stack of dots per run
    col: float  # width of one bucket
    band: float  # height of the emotion band
    moods: bool  # whether any run gave a mood (then a mood band is drawn)

    @property
    def mood_top(self) -> float:
        """Return the top of the mood band."""
        return TOP + self.band + 26

    @property
    def axis_y(self) -> float:
        """Return the y of the time axis."""
        return (self.mood_top + MOOD_H + 6) if self.moods else TOP + self.band + 6

    def height(self) -> float:
        """Return the height of the drawing."""
        return self.axis_y + 34

    def mood_y(self, mood: float) -> float:
        """Return the y of a mood from 1 (low) to 5 (high)."""
        return self.mood_top + (5 - mood) / 4 * MOOD_H


def layout(timeline: Timeline) -> Layout:
    """Return the layout: runs as dots when they fit, else bars per family per bucket."""
    buckets = max(1, len(timeline.buckets))
    most = max((len(b.posts) for b in timeline.buckets), default=1)
    stack = max((len(p.emotions) for p in timeline.posts), default=1)
    moods = timeline.moods
    fair = min(MAX_COL, PLOT / buckets)
    col = max(most * ENTRY_W, fair)
    if buckets * col <= MAX_WIDTH and stack <= MAX_STACK:
        return Layout(False, col, max(3, stack) * DOT_STEP + 4, moods)
    return Layout(True, max(AGG_COL, fair), AGG_BAND, moods)


def timeline_svg(timeline: Timeline, here: str) -> str:
    """Return the timeline as an SVG element; links are relative to the page at URL `here`."""
    box = layout(timeline)
    width = LEFT + len(timeline.buckets) * box.col + RIGHT
    parts = [text_child("title", "Emotional timeline", id="timeline-title"),
             text_child("desc", _description(timeline, box), id="timeline-desc"),
             _axis(timeline, box)]
    if box.moods:
        parts.append(_mood_scale(timeline, box))
    if box.aggregate:
        _bars(parts, timeline, box)
    else:
        root = relative_root(here)
        _dots(parts, timeline, box, lambda url: root + url.lstrip("/"))
    return svg_element(width, box.height(), *parts, **{"class": "timeline-svg",  # role: the implicit graphics-document
                                                      "aria-labelledby": "timeline-title timeline-desc"})


def _description(timeline: Timeline, box: Layout) -> str:
    """Return the SVG's <desc>: what is drawn and how to read it."""
    runs, unit = len(timeline.posts), timeline.unit
    first, last = timeline.buckets[0].name, timeline.buckets[-1].name
    what = (f"Each bar shows, per {unit}, how often the emotions of each family were named"
            if box.aggregate else f"Each run is a stack of dots, one per emotion named, coloured by family, per {unit}")
    mood = "; the lines show the average mood before (dashed) and after (solid), 1 to 5" if box.moods else ""
    count = f"{runs} {'run' if runs == 1 else 'runs'}"
    return f"{count} from {first} to {last}. {what}{mood}. The table below holds the same."


def _x(index: float, box: Layout) -> float:
    """Return the x of a position within the buckets (0 is the left edge of the first)."""
    return LEFT + index * box.col


MoodPoint = tuple[float, float, date, date]  # x, y, and the first and last day of the runs it stands for
MOOD_GAP = timedelta(weeks=4)  # the mood lines break where no run gave a mood for longer than this


def _dots(svg: list[str], timeline: Timeline, box: Layout, link: Callable[[str], str]) -> None:
    """Add each run as a stack of dots linking to its page, and its moods."""
    before: list[MoodPoint] = []
    after: list[MoodPoint] = []
    for index, bucket in enumerate(timeline.buckets):
        for place, post in enumerate(bucket.posts):
            x = _x(index + (place + 0.5) / len(bucket.posts), box)
            mark = [text_child("title", _post_title(post))]
            for level, chip in enumerate(post.emotions):
                mark.append(element("circle", {"cx": number(x), "cy": number(TOP + box.band - (level + 0.5) * DOT_STEP),
                                               "r": number(DOT_R), "fill": chip.family.colour,
                                               "stroke": "currentColor", "stroke-opacity": "0.45"}))
            for mood, points, fill in ((post.mood_before, before, "none"), (post.mood_after, after, "currentColor")):
                if mood is not None:
                    assert post.date is not None
                    points.append((x, box.mood_y(mood), post.date.date(), post.date.date()))
                    mark.append(element("circle", {"cx": number(x), "cy": number(box.mood_y(mood)), "r": "2.5",
                                                   "fill": fill, "stroke": "currentColor"}))
            svg.append(element("a", {"href": link(post.url), "class": "timeline-mark"}, *mark))
    svg.extend(_mood_lines(before, after))


def _post_title(post: Post) -> str:
    """Return the tooltip of one run: date, title, emotions and moods."""
    assert post.date is not None
    day = f"{post.date.day} {MONTH_NAMES[post.date.month - 1]} {post.date.year}"
    moods = _moods(post.mood_before, post.mood_after)
    named = ", ".join(c.name for c in post.emotions)
    return f"{day}: {post.title}. Emotions: {named}." + (f" Mood {moods}." if moods else "")


def _moods(before: float | None, after: float | None) -> str:
    """Return "before 2, after 4" for the moods that were given."""
    given = (("before", before), ("after", after))
    return ", ".join(f"{label} {number(value)}" for label, value in given if value is not None)


def _bars(svg: list[str], timeline: Timeline, box: Layout) -> None:
    """Add each bucket as stacked bars per family, linking to its rows of the table, and moods."""
    order = {f.slug: i for i, f in enumerate(timeline.families)}
    top = max((sum(len(p.emotions) for p in b.posts) for b in timeline.buckets), default=1) or 1
    before: list[MoodPoint] = []
    after: list[MoodPoint] = []
    for index, bucket in enumerate(timeline.buckets):
        if not bucket.posts:
            continue
        names = Counter(c.name for p in bucket.posts for c in p.emotions)
        by_family: dict[str, list[str]] = {}
        for chip in sorted({c.name: c for p in bucket.posts for c in p.emotions}.values(),
                           key=lambda c: (-names[c.name], c.name)):
            by_family.setdefault(chip.family.slug, []).append(chip.name)
        base = TOP + box.band
        for family in sorted((f for f in timeline.families if f.slug in by_family), key=lambda f: order[f.slug]):
            count = sum(names[n] for n in by_family[family.slug])
            height = max(1.5, count / top * (box.band - 4))
            base -= height
            words = ", ".join(f"{n} {names[n]}" for n in by_family[family.slug])
            tip = text_child("title", f"{bucket.name}, {len(bucket.posts)} runs. {family.name}: {words}.")
            bar = element("rect", {"x": number(_x(index, box) + 2), "y": number(base),
                                   "width": number(box.col - 4), "height": number(height), "fill": family.colour,
                                   "stroke": "currentColor", "stroke-opacity": "0.35"})
            svg.append(element("a", {"href": f"#{bucket.id}", "class": "timeline-mark"}, tip, bar))
        svg.extend(_bucket_moods(bucket, _x(index + 0.5, box), box, before, after))
    svg.extend(_mood_lines(before, after))


def _bucket_moods(bucket: Bucket, x: float, box: Layout, before: list[MoodPoint], after: list[MoodPoint]) -> list[str]:
    """Add a bucket's average moods to the lines; return a dot that says the numbers (if any)."""
    low = [p.mood_before for p in bucket.posts if p.mood_before is not None]
    high = [p.mood_after for p in bucket.posts if p.mood_after is not None]
    if not low and not high:
        return []
    mean_low, mean_high = (fmean(low) if low else None), (fmean(high) if high else None)
    group = [text_child("title", f"{bucket.name}: average mood {_moods(mean_low, mean_high)}.")]
    for mood, points, fill, key in ((mean_low, before, "none", "mood_before"), (mean_high, after, "currentColor", "mood_after")):
        if mood is not None:
            days = [p.date.date() for p in bucket.posts if p.date is not None and getattr(p, key) is not None]
            points.append((x, box.mood_y(mood), min(days), max(days)))
            group.append(element("circle", {"cx": number(x), "cy": number(box.mood_y(mood)), "r": "2.5",
                                            "fill": fill, "stroke": "currentColor"}))
    return [element("g", {"class": "timeline-mood"}, *group)]


def _mood_lines(before: list[MoodPoint], after: list[MoodPoint]) -> list[str]:
    """Return the lines of mood before (dashed) and after (solid) the runs, broken where weeks went by without one."""
    lines = []
    for points, label, dash in ((before, "Mood before the run", "4 3"), (after, "Mood after the run", "")):
        for stretch in _stretches(points):
            if len(stretch) < 2:
                continue
            attrs = {"points": " ".join(f"{number(x)},{number(y)}" for x, y, _, _ in stretch), "fill": "none",
                     "stroke": "currentColor", "stroke-width": "1.5", "class": "timeline-mood-line"}
            if dash:
                attrs["stroke-dasharray"] = dash
            lines.append(element("polyline", attrs, text_child("title", label)))
    return lines


def _stretches(points: list[MoodPoint]) -> list[list[MoodPoint]]:
    """Return the points in runs of consecutive ones no more than MOOD_GAP apart."""
    stretches: list[list[MoodPoint]] = []
    for point in points:
        if stretches and point[2] - stretches[-1][-1][3] <= MOOD_GAP:
            stretches[-1].append(point)
        else:
            stretches.append([point])
    return stretches


def _mood_scale(timeline: Timeline, box: Layout) -> str:
    """Return the mood band's grid lines and its 1 to 5 scale."""
    right = _x(len(timeline.buckets), box)
    scale = []
    for mood in range(1, 6):
        y = box.mood_y(mood)
        scale.append(element("line", {"x1": number(LEFT), "x2": number(right), "y1": number(y), "y2": number(y),
                                      "stroke": "currentColor", "stroke-opacity": "0.15"}))
        scale.append(text_child("text", str(mood), x=number(LEFT - 6), y=number(y + 4), fill="currentColor",
                                **{"text-anchor": "end"}))
    scale.append(text_child("text", "mood", x="2", y=number(box.mood_top - 10), fill="currentColor"))
    return element("g", {"class": "timeline-scale", "aria-hidden": "true"}, *scale)


def _axis(timeline: Timeline, box: Layout) -> str:
    """Return the time axis with a label every few weeks or months (the year under the first and each new one)."""
    right = _x(len(timeline.buckets), box)
    y = number(box.axis_y)
    axis = [element("line", {"x1": number(LEFT), "x2": number(right), "y1": y, "y2": y,
                             "stroke": "currentColor", "stroke-opacity": "0.5"})]
    last_year = None
    for index, bucket in _ticks(timeline, box):
        x = _x(index + 0.5, box) if box.col >= LABEL_W else _x(index, box)
        anchor = "middle" if box.col >= LABEL_W else "start"
        short = MONTH_NAMES[bucket.start.month - 1][:3]
        label = short if bucket.unit == "month" else f"{bucket.start.day} {short}"
        axis.append(text_child("text", label, x=number(x), y=number(box.axis_y + 14), fill="currentColor",
                               **{"text-anchor": anchor}))
        if bucket.start.year != last_year:
            axis.append(text_child("text", str(bucket.start.year), x=number(x), y=number(box.axis_y + 28),
                                   fill="currentColor", **{"text-anchor": anchor, "font-weight": "600"}))
            last_year = bucket.start.year
    return element("g", {"class": "timeline-axis", "aria-hidden": "true"}, *axis)


def _ticks(timeline: Timeline, box: Layout) -> list[tuple[int, Bucket]]:
    """Return the buckets that get a label: every bucket when there is room, else every few."""
    step = max(1, math.ceil(LABEL_W / box.col))
    if timeline.unit == "month":
        step = next((d for d in (1, 2, 3, 4, 6, 12) if d >= step), 12 * math.ceil(step / 12))
        return [(i, b) for i, b in enumerate(timeline.buckets)
                if (b.start.year * 12 + b.start.month - 1) % step == 0]
    return [(i, b) for i, b in enumerate(timeline.buckets) if i % step == 0]
