"""The journal's insights: weekly distance and time, streaks and rest days, emotions lately, mood by what was named.

Pure: a Site and the build's date in, plain values out. Only the journal plans a page from them.
Everything is counted in the site's time zone, and nothing after `today` is counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from math import fsum

from generator import units
from generator.pipeline.charts import element, number, svg_element, text_child
from generator.pipeline.site import Post, Site

WEEKS_SHOWN = 12  # weeks of distance and time on the page
RECENT_DAYS, EARLIER_DAYS = 28, 84  # the last four weeks, and the twelve before them
REST_WINDOW = 28  # rest days are counted over the last four weeks
MOOD_ROWS = 12  # rows in each mood table at most
REST_TAG = "rest"


def local_day(post: Post, site: Site) -> date:
    """Return the day of a post in the site's time zone."""
    assert post.date is not None
    return post.date.astimezone(site.config.tz).date()


def is_run(post: Post) -> bool:
    """Return True for an entry of a run: it has a distance and is not tagged rest."""
    return bool(post.distance_m) and not any(tag.slug == REST_TAG for tag in post.tags)


def runs_until(site: Site, today: date) -> list[tuple[date, Post]]:
    """Return (day, post) of every listed run up to today, oldest first."""
    dated = ((local_day(p, site), p) for p in site.listed if is_run(p))
    return sorted(((day, post) for day, post in dated if day <= today), key=lambda pair: pair[0])


def streaks(days: Sequence[date]) -> list[tuple[date, date]]:
    """Return (first, last) of each run of consecutive days, oldest first."""
    found: list[tuple[date, date]] = []
    for day in days:
        if found and day - found[-1][1] == timedelta(days=1):
            found[-1] = (found[-1][0], day)
        else:
            found.append((day, day))
    return found


@dataclass(frozen=True, slots=True)
class Week:
    """Distance and time of one week (Monday to Sunday)."""

    start: date
    runs: int
    distance_m: float
    duration_s: int
    distance_text: str  # "" for a week without distance
    duration_text: str

    @property
    def name(self) -> str:
        """Return "Week of 9 Mar"."""
        return f"Week of {units.short_date(self.start)}"


@dataclass(frozen=True, slots=True)
class Streaks:
    """Runs on consecutive days, and rest."""

    longest: int  # days
    longest_end: date | None
    current: int  # the streak that ends today or yesterday, 0 when none
    rest_days: int  # days without a run in the last REST_WINDOW days
    window: int  # REST_WINDOW


@dataclass(frozen=True, slots=True)
class EmotionLately:
    """How often an emotion was named lately and in the twelve weeks before."""

    slug: str
    name: str
    url: str
    colour: str
    recent: int  # runs in the last four weeks that named it
    earlier: int  # runs in the twelve weeks before
    recent_per_week: float
    earlier_per_week: float


@dataclass(frozen=True, slots=True)
class MoodRow:
    """Average mood before and after the runs that share one emotion, tag or intention."""

    name: str
    url: str  # its page, or ""
    runs: int  # runs that gave both moods
    before: float
    after: float

    @property
    def shift(self) -> float:
        """Return after minus before."""
        return self.after - self.before


@dataclass(frozen=True, slots=True)
class Insights:
    """What the insights page shows."""

    today: date
    runs: int  # listed runs up to today
    weeks: tuple[Week, ...]  # the last WEEKS_SHOWN weeks, oldest first
    weeks_svg: str
    streaks: Streaks
    emotions: tuple[EmotionLately, ...]  # most named lately first
    emotions_svg: str
    by_emotion: tuple[MoodRow, ...]
    by_tag: tuple[MoodRow, ...]
    by_intention: tuple[MoodRow, ...]


def build_insights(site: Site, today: date) -> Insights:
    """Return the insights of a site's listed runs as of today."""
    runs = runs_until(site, today)
    weeks = _weeks(runs, today, site.config.units)
    lately = _emotions_lately(site, today)
    moods = [post for _, post in runs if post.mood_before is not None and post.mood_after is not None]
    return Insights(
        today=today, runs=len(runs), weeks=weeks, weeks_svg=weeks_svg(weeks, site.config.units),
        streaks=_streaks(sorted({day for day, _ in runs}), today), emotions=lately, emotions_svg=emotions_svg(lately),
        by_emotion=_mood_rows(moods, lambda p: ((c.emotion or c.name, c.url) for c in p.emotions)),
        by_tag=_mood_rows(moods, lambda p: ((t.name, t.url) for t in p.tags)),
        by_intention=_mood_rows(moods, lambda p: ((p.intention, ""),) if p.intention else ()),
    )


def _weeks(runs: Sequence[tuple[date, Post]], today: date, unit: str) -> tuple[Week, ...]:
    """Return the last WEEKS_SHOWN weeks up to today's, oldest first."""
    this_monday = today - timedelta(days=today.weekday())
    starts = [this_monday - timedelta(weeks=back) for back in range(WEEKS_SHOWN - 1, -1, -1)]
    grouped: dict[date, list[Post]] = defaultdict(list)
    for day, post in runs:
        grouped[day - timedelta(days=day.weekday())].append(post)
    weeks = []
    for start in starts:
        posts = grouped.get(start, [])
        metres = sum(p.distance_m or 0.0 for p in posts)
        seconds = sum(p.duration_s or 0 for p in posts)
        weeks.append(Week(start, len(posts), metres, seconds, units.format_distance(metres, unit) if metres else "",
                          units.format_duration(seconds) if seconds else ""))
    return tuple(weeks)


def _streaks(days: list[date], today: date) -> Streaks:
    """Return the streaks and rest days of the run days up to today."""
    found = streaks(days)
    longest = max(found, key=lambda s: ((s[1] - s[0]).days, s[1]), default=None)
    current = 0
    if found and today - found[-1][1] <= timedelta(days=1):
        current = (found[-1][1] - found[-1][0]).days + 1
    window_start = today - timedelta(days=REST_WINDOW - 1)
    if days:
        window_start = max(window_start, days[0])
    ran = {d for d in days if d >= window_start}
    rest = max(0, (today - window_start).days + 1 - len(ran)) if days else 0
    return Streaks((longest[1] - longest[0]).days + 1 if longest else 0, longest[1] if longest else None,
                   current, rest, REST_WINDOW)


def _emotions_lately(site: Site, today: date) -> tuple[EmotionLately, ...]:
    """Return the emotions named in the last four weeks and the twelve before, most named lately first."""
    recent: Counter[str] = Counter()
    earlier: Counter[str] = Counter()
    chips = {}
    for post in site.listed:
        age = (today - local_day(post, site)).days
        if not 0 <= age < RECENT_DAYS + EARLIER_DAYS:
            continue
        for chip in post.emotions:
            chips.setdefault(chip.slug, chip)
            (recent if age < RECENT_DAYS else earlier)[chip.slug] += 1
    rows = [EmotionLately(slug, chip.emotion or chip.name, chip.url, chip.family.colour, recent[slug], earlier[slug],
                          round(recent[slug] / (RECENT_DAYS / 7), 2), round(earlier[slug] / (EARLIER_DAYS / 7), 2))
            for slug, chip in chips.items()]
    return tuple(sorted(rows, key=lambda r: (-r.recent, -r.earlier, r.name.casefold())))


def _mood_rows(posts: Iterable[Post], keys: Callable[[Post], Iterable[tuple[str, str]]]) -> tuple[MoodRow, ...]:
    """Return average moods before and after, grouped by what `keys` gives for each post; most runs first."""
    groups: dict[str, list[Post]] = defaultdict(list)
    names: dict[str, tuple[str, str]] = {}
    folded: dict[str, str] = {}  # name -> its key: posts share a few dozen names
    for post in posts:
        for name, url in keys(post):
            key = folded.get(name)
            if key is None:
                key = folded[name] = " ".join(name.casefold().split())
            groups[key].append(post)
            names.setdefault(key, (name, url))
    rows = [MoodRow(names[k][0], names[k][1], len(ps), round(fsum([p.mood_before or 0 for p in ps]) / len(ps), 1),
                    round(fsum([p.mood_after or 0 for p in ps]) / len(ps), 1)) for k, ps in groups.items()]  # as fmean
    return tuple(sorted(rows, key=lambda r: (-r.runs, r.name.casefold()))[:MOOD_ROWS])


def weeks_svg(weeks: Sequence[Week], unit: str) -> str:
    """Return a bar chart of the distance of each week (role img; the table beside it has the numbers)."""
    col, bars, base, left = 44, 80, 96, 40
    peak = max((w.distance_m for w in weeks), default=0.0) or 1.0
    width = left + len(weeks) * col + 10
    total = units.format_distance(sum(w.distance_m for w in weeks), unit) if any(w.distance_m for w in weeks) else "none"
    parts = [text_child("title", f"Distance week by week, the last {len(weeks)} weeks", id="weeks-title"),
             text_child("desc", f"In all: {total}; {sum(w.runs for w in weeks)} runs.", id="weeks-desc"),
             element("line", {"x1": str(left), "x2": number(width - 10), "y1": str(base), "y2": str(base),
                              "stroke": "currentColor", "stroke-opacity": "0.5"})]
    for index, week in enumerate(weeks):
        x, height = left + index * col, week.distance_m / peak * bars
        if week.distance_m:
            tip = text_child("title", f"{week.name}: {week.distance_text}, {week.runs} {'run' if week.runs == 1 else 'runs'}")
            parts.append(element("rect", {"x": number(x + 4), "y": number(base - height), "width": number(col - 8),
                                          "height": number(height), "fill": "currentColor", "fill-opacity": "0.55"}, tip))
        parts.append(text_child("text", units.short_date(week.start), x=number(x + 2), y=str(base + 14),
                                fill="currentColor", **{"font-size": "9"}))
    return svg_element(width, base + 22, *parts, role="img",
                       **{"class": "insights-svg", "aria-labelledby": "weeks-title weeks-desc"})


def emotions_svg(rows: Sequence[EmotionLately], limit: int = 10) -> str:
    """Return paired bars per emotion: named per week lately, and in the twelve weeks before (role img)."""
    shown = list(rows[:limit])
    if not shown:
        return ""
    line, label_w, plot = 26, 120, 360
    peak = max(max(r.recent_per_week, r.earlier_per_week) for r in shown) or 1.0
    parts = [text_child("title", "Emotions named per week: the last four weeks beside the twelve before",
                        id="lately-title"),
             text_child("desc", "Each emotion has two bars: the upper one the last four weeks, the lower one the "
                        "twelve weeks before, in runs per week.", id="lately-desc")]
    for index, row in enumerate(shown):
        y = 8 + index * line
        parts.append(text_child("text", row.name, x="0", y=number(y + 12), fill="currentColor"))
        for offset, value, opacity, when in ((0, row.recent_per_week, "1", "last four weeks"),
                                             (10, row.earlier_per_week, "0.45", "twelve weeks before")):
            tip = text_child("title", f"{row.name}, {when}: {value:g} per week")
            parts.append(element("rect", {"x": str(label_w), "y": number(y + offset), "height": "8",
                                          "width": number(max(1.0, value / peak * plot)), "fill": row.colour,
                                          "fill-opacity": opacity, "stroke": "currentColor",
                                          "stroke-opacity": "0.35"}, tip))
    return svg_element(label_w + plot + 10, 16 + len(shown) * line, *parts, role="img",
                       **{"class": "insights-svg", "aria-labelledby": "lately-title lately-desc"})
