"""The site model: the one audience filter, then indexes, neighbours and stats.

The public Site is made only from public and unlisted entries, so no later stage can show a
private one. Listings (home, tags, emotions, archive) hold only the *listed* posts of the build.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

from generator import units
from generator.config import SiteConfig
from generator.pipeline.emotions import EmotionFacts, FamilyGroup, emotion_facts, family_groups, month_span, normalise
from generator.pipeline.entries import Entry
from generator.errors import Problem, error
from generator.pipeline.markdown import Asset, Audience, Rendered
from generator.pipeline.route_view import RouteView
from generator.urls import entry_url, page_url, slugify
from generator.vocabulary import Emotion, Family, Vocabulary

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")


@dataclass(frozen=True, slots=True)
class Link:
    """A link to another page."""

    url: str  # site URL, e.g. /2026/03/14/old-house/
    title: str  # link text


@dataclass(frozen=True, slots=True)
class Chip:
    """An emotion named on an entry, as the page shows it."""

    slug: str  # URL slug of the emotion
    name: str  # display name
    url: str  # its emotion page, or "" when this build has none
    family: Family  # family, for colour and grouping
    known: bool  # False when the vocabulary did not know the word


@dataclass(frozen=True, slots=True)
class TagRef:
    """A tag on an entry."""

    slug: str  # URL slug
    name: str  # display name
    url: str  # its tag page, or "" when this build has none


@dataclass(frozen=True, slots=True)
class Post:
    """An entry or page as one build shows it: only what this audience may see."""

    key: str  # the source path relative to content/, unique
    url: str  # site URL of its page
    title: str
    date: datetime | None  # aware; None for undated pages
    is_page: bool  # a standalone page rather than a run entry
    visibility: str  # private | unlisted | public
    listed: bool  # shown in listings of this build
    distance_m: float | None
    duration_s: int | None
    pace_s: int | None  # seconds per site unit
    distance_text: str  # "8.2 km" or ""
    duration_text: str  # "45:12" or ""
    pace_text: str  # "5:31 /km" or ""
    intention: str
    emotions: tuple[Chip, ...]
    mood_before: int | None
    mood_after: int | None
    tags: tuple[TagRef, ...]
    summary: str  # plain text
    html: str  # rendered body for this audience
    words: int  # words in the body
    assets: tuple[Asset, ...]  # images to copy beside the page
    body_scan: str = ""  # the body scan, a few words
    thoughts: tuple[str, ...] = ()  # thought labels
    previous: Link | None = None  # the older listed neighbour
    next: Link | None = None  # the newer listed neighbour
    route: RouteView | None = None  # the run's recording as this build shows it (pipeline/routes.py)


@dataclass(frozen=True, slots=True)
class Term:
    """A tag or an emotion with the listed posts that carry it, newest first."""

    slug: str
    name: str
    url: str
    posts: tuple[Post, ...]
    family: Family | None = None  # emotions only
    known: bool = True  # emotions only: known to the vocabulary
    facts: EmotionFacts | None = None  # emotions only: months, companions, mood change


@dataclass(frozen=True, slots=True)
class Month:
    """One month of the archive."""

    year: int
    month: int
    name: str  # "March"
    posts: tuple[Post, ...]  # newest first


@dataclass(frozen=True, slots=True)
class Year:
    """One year of the archive."""

    year: int
    months: tuple[Month, ...]  # newest first
    count: int  # posts in the year


@dataclass(frozen=True, slots=True)
class Stats:
    """Totals over the listed posts of a build."""

    entries: int
    distance_text: str
    duration_text: str
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True, slots=True)
class Site:
    """Everything one build may show, and nothing else."""

    audience: Audience
    config: SiteConfig
    posts: tuple[Post, ...]  # every entry of this build, newest first (listed and unlisted)
    listed: tuple[Post, ...]  # entries in listings, newest first
    pages: tuple[Post, ...]  # standalone pages of this build
    tags: tuple[Term, ...]  # by name
    emotions: tuple[Term, ...]  # by name
    families: tuple[Family, ...]  # families of the vocabulary
    archive: tuple[Year, ...]  # newest first
    stats: Stats
    emotion_families: tuple[FamilyGroup[Term], ...] = ()  # named emotions by family, vocabulary order


def is_visible(entry: Entry, audience: Audience) -> bool:
    """Return True when an entry belongs in a build for this audience."""
    return audience == "journal" or entry.visibility in ("public", "unlisted")


def is_listed(entry: Entry, audience: Audience) -> bool:
    """Return True when an entry appears in this build's listings."""
    return audience == "journal" or entry.visibility == "public"


def url_of(entry: Entry, cfg: SiteConfig) -> str:
    """Return the URL of an entry or page."""
    if entry.is_page:
        return page_url(entry.slug)
    assert entry.date is not None
    return entry_url(cfg.permalink, entry.date, entry.slug)


def find_url_collisions(entries: Iterable[Entry], cfg: SiteConfig) -> list[Problem]:
    """Return an error for every entry whose URL another entry already claims."""
    claimed: dict[str, Entry] = {}
    reserved = {"/emotions/", "/tags/", "/archive/", "/timeline/", "/page/", *("/insights/", "/year/")}
    problems: list[Problem] = []
    for entry in sorted(entries, key=lambda e: e.rel):
        url = url_of(entry, cfg)
        if url in reserved or any(url.startswith(r) for r in reserved if entry.is_page):
            problems.append(error(entry.source, 2, f"the URL {url} is reserved for Footfall's own pages",
                                  "set a different `slug:`"))
        elif url in claimed:
            first = claimed[url]
            hint = "give one of them a different `slug:`"
            problems.append(error(entry.source, 2, f"the URL {url} is already used by {first.rel}", hint))
            problems.append(error(first.source, 2, f"the URL {url} is already used by {entry.rel}", hint))
        else:
            claimed[url] = entry
    return problems


def build_site(entries: Iterable[Entry], rendered: Mapping[str, Rendered], audience: Audience,
               cfg: SiteConfig, vocabulary: Vocabulary, routes: Mapping[str, RouteView] | None = None) -> Site:
    """Return the site model for one audience; the only place entries are filtered."""
    routes = routes or {}
    visible = [e for e in entries if is_visible(e, audience)]
    runs = sorted((e for e in visible if not e.is_page), key=_newest_first)
    listed_runs = [e for e in runs if is_listed(e, audience)]
    normalised = {e.rel: normalise(e.emotions, vocabulary) for e in runs}
    emotion_pages = {em.slug for e in listed_runs for em in normalised[e.rel]}
    urls = {e.rel: url_of(e, cfg) for e in visible}
    links = _neighbours(listed_runs, urls)
    chips, tags = _Chips(emotion_pages), _Tags(_tag_names(listed_runs))
    posts = tuple(_post(e, rendered[e.rel], audience, cfg, urls[e.rel], chips.of(normalised[e.rel]), tags.of(e.tags),
                        *links.get(e.rel, (None, None))) for e in runs)
    posts = tuple(replace(p, route=routes[p.key]) if p.key in routes else p for p in posts)
    listed = tuple(p for p in posts if p.listed)
    pages = tuple(sorted((_post(e, rendered[e.rel], audience, cfg, urls[e.rel], (), _Tags({}).of(e.tags))
                          for e in visible if e.is_page), key=lambda p: p.title.casefold()))
    emotion_terms = _emotion_terms(listed)
    return Site(
        audience=audience, config=cfg, posts=posts, listed=listed, pages=pages,
        tags=_tag_terms(listed), emotions=emotion_terms, families=vocabulary.families,
        archive=_archive(listed, cfg), stats=_stats(listed, cfg),
        emotion_families=family_groups(emotion_terms, vocabulary.families),
    )


def _newest_first(entry: Entry) -> tuple[float, str]:
    """Return a sort key: newest date first, then source path."""
    assert entry.date is not None
    return (-entry.date.timestamp(), entry.rel)


@lru_cache(maxsize=4096)
def _tag_slug(written: str) -> str:
    """Return the slug of a tag as written (tags repeat across thousands of entries)."""
    return slugify(written, "tag")


def _tag_names(listed: list[Entry]) -> dict[str, str]:
    """Return slug -> display name for tags of listed entries (the most used spelling wins)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in listed:
        for tag in entry.tags:
            spellings[_tag_slug(tag)][tag] += 1
    return {slug: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for slug, c in spellings.items()}


class _Chips:
    """Makes the chips of posts, one shared Chip per emotion (they are frozen, so sharing is safe)."""

    def __init__(self, emotion_pages: set[str]) -> None:
        self.pages = emotion_pages  # slugs of the emotions this build has a page for
        self.made: dict[int, tuple[Emotion, Chip]] = {}  # by id of the (memoised) Emotion, kept alive here

    def of(self, emotions: tuple[Emotion, ...]) -> tuple[Chip, ...]:
        """Return the chips of one post's emotions."""
        return tuple((self.made.get(id(e)) or self._make(e))[1] for e in emotions)

    def _make(self, emotion: Emotion) -> tuple[Emotion, Chip]:
        """Return a new chip, remembered."""
        url = f"/emotions/{emotion.slug}/" if emotion.slug in self.pages else ""
        made = self.made[id(emotion)] = (emotion, Chip(emotion.slug, emotion.name, url, emotion.family, emotion.known))
        return made


class _Tags:
    """Makes the tag references of posts, one shared TagRef per written tag."""

    def __init__(self, tag_names: dict[str, str]) -> None:
        self.names = tag_names  # slug -> display name, for the tags this build has a page for
        self.made: dict[str, TagRef] = {}

    def of(self, written: tuple[str, ...]) -> tuple[TagRef, ...]:
        """Return the distinct tag references of one post's tags, in the order written."""
        return tuple(dict.fromkeys(self.made.get(t) or self._make(t) for t in written))

    def _make(self, written: str) -> TagRef:
        """Return a TagRef, linked only when this build has a page for the tag, remembered."""
        slug = _tag_slug(written)
        made = TagRef(slug, self.names[slug], f"/tags/{slug}/") if slug in self.names else TagRef(slug, written, "")
        self.made[written] = made
        return made


def _post(entry: Entry, rendered: Rendered, audience: Audience, cfg: SiteConfig, url: str, chips: tuple[Chip, ...],
          tags: tuple[TagRef, ...], previous: Link | None = None, next_: Link | None = None) -> Post:
    """Return the Post for one visible entry."""
    pace = units.pace_seconds(entry.distance_m, entry.duration_s, cfg.units)
    return Post(
        entry.rel, url, entry.title, entry.date, entry.is_page, entry.visibility,
        is_listed(entry, audience) and not entry.is_page, entry.distance_m, entry.duration_s, pace,
        units.format_distance(entry.distance_m, cfg.units) if entry.distance_m else "",
        units.format_duration(entry.duration_s) if entry.duration_s else "",
        units.format_pace(pace, cfg.units), entry.intention, chips, entry.mood_before, entry.mood_after, tags,
        rendered.summary, rendered.html, rendered.words, rendered.assets, entry.body_scan, entry.thoughts,
        previous, next_,
    )


def _neighbours(listed: list[Entry], urls: Mapping[str, str]) -> dict[str, tuple[Link | None, Link | None]]:
    """Return (previous, next) links by source path among the listed runs (newest first)."""
    own = [Link(urls[e.rel], e.title) for e in listed]
    last = len(own) - 1
    return {e.rel: (own[i + 1] if i < last else None, own[i - 1] if i > 0 else None) for i, e in enumerate(listed)}


def _tag_terms(listed: tuple[Post, ...]) -> tuple[Term, ...]:
    """Return the tags of the listed posts with their posts."""
    groups: dict[str, list[Post]] = defaultdict(list)
    names: dict[str, str] = {}
    for post in listed:
        for tag in post.tags:
            groups[tag.slug].append(post)
            names[tag.slug] = tag.name
    terms = (Term(slug, names[slug], f"/tags/{slug}/", tuple(ps)) for slug, ps in groups.items())
    return tuple(sorted(terms, key=lambda t: (t.name.casefold(), t.slug)))


def _emotion_terms(listed: tuple[Post, ...]) -> tuple[Term, ...]:
    """Return the emotions named in listed posts with their posts and facts."""
    groups: dict[str, list[Post]] = defaultdict(list)
    chips: dict[str, Chip] = {}
    for post in listed:
        for chip in post.emotions:
            groups[chip.slug].append(post)
            chips.setdefault(chip.slug, chip)
    span = month_span(listed)
    terms = (Term(slug, chips[slug].name, chips[slug].url, tuple(ps), chips[slug].family, chips[slug].known,
                  emotion_facts(slug, ps, span))
             for slug, ps in groups.items())
    return tuple(sorted(terms, key=lambda t: (t.name.casefold(), t.slug)))


def _archive(listed: tuple[Post, ...], cfg: SiteConfig) -> tuple[Year, ...]:
    """Return the listed posts grouped by year and month, newest first."""
    by_month: dict[tuple[int, int], list[Post]] = defaultdict(list)
    for post in listed:
        assert post.date is not None
        by_month[(post.date.year, post.date.month)].append(post)
    years: dict[int, list[Month]] = defaultdict(list)
    for (year, month), posts in sorted(by_month.items(), reverse=True):
        years[year].append(Month(year, month, MONTH_NAMES[month - 1], tuple(posts)))
    return tuple(Year(y, tuple(ms), sum(len(m.posts) for m in ms)) for y, ms in years.items())


def _stats(listed: tuple[Post, ...], cfg: SiteConfig) -> Stats:
    """Return totals over the listed posts."""
    metres = sum(p.distance_m or 0.0 for p in listed)
    seconds = sum(p.duration_s or 0 for p in listed)
    dates = [p.date for p in listed if p.date]
    return Stats(
        entries=len(listed), distance_text=units.format_distance(metres, cfg.units) if metres else "",
        duration_text=units.format_duration(seconds) if seconds else "",
        first=min(dates) if dates else None, last=max(dates) if dates else None,
    )

