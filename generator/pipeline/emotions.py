"""Emotions of a build: what each emotion's page shows, and the words the vocabulary did not know.

The site model calls these pure functions on the *listed* posts of a build only, so an emotion
named only in private or unlisted entries never gets a page, a count or a month in a series.
The functions read posts through small protocols, so this module needs nothing from the site model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import fmean
from typing import Generic, Protocol, TypeVar

from generator.pipeline.entries import Entry
from generator.errors import Problem, note, warning
from generator.vocabulary import Emotion, Family, Vocabulary

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
COMPANIONS = 5  # how many emotions named alongside one are shown


class Named(Protocol):
    """An emotion as a post shows it (site.Chip)."""

    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def family(self) -> Family: ...
    @property
    def emotion(self) -> str: ...


class Run(Protocol):
    """What this module reads of a listed post (site.Post)."""

    @property
    def key(self) -> str: ...
    @property
    def date(self) -> datetime | None: ...
    @property
    def emotions(self) -> Sequence[Named]: ...
    @property
    def mood_before(self) -> int | None: ...
    @property
    def mood_after(self) -> int | None: ...


class Listing(Protocol):
    """An emotion with the posts that named it (site.Term)."""

    @property
    def family(self) -> Family | None: ...
    @property
    def posts(self) -> Sequence[Run]: ...


T = TypeVar("T", bound=Listing)


@dataclass(frozen=True, slots=True)
class MonthCount:
    """How many listed runs named an emotion in one month."""

    year: int
    month: int  # 1..12
    count: int  # runs that named it (0 for a quiet month)

    @property
    def name(self) -> str:
        """Return the month as "March 2026"."""
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"


@dataclass(frozen=True, slots=True)
class Companion:
    """An emotion named on the same runs as another one."""

    slug: str
    name: str
    url: str  # its emotion page
    family: Family
    count: int  # runs that named both


@dataclass(frozen=True, slots=True)
class MoodChange:
    """How mood moved on the runs where an emotion was named (moods are 1..5)."""

    before: float | None  # average mood before, over the runs that gave one
    after: float | None  # average mood after, over the runs that gave one
    before_runs: int  # runs that gave a mood before
    after_runs: int  # runs that gave a mood after
    paired_runs: int  # runs that gave both
    shift: float | None  # average of (after - before) over the paired runs


@dataclass(frozen=True, slots=True)
class EmotionFacts:
    """What one emotion's page shows besides its list of runs."""

    months: tuple[MonthCount, ...]  # every month of the journal's span, oldest first
    companions: tuple[Companion, ...]  # most often named alongside it, most first
    mood: MoodChange

    @property
    def active_months(self) -> int:
        """Return the number of months in which it was named."""
        return sum(1 for m in self.months if m.count)

    @property
    def peak(self) -> int:
        """Return the most runs that named it in any one month."""
        return max((m.count for m in self.months), default=0)


@dataclass(frozen=True, slots=True)
class FamilyGroup(Generic[T]):
    """One family of the emotions index, with the emotions named in it."""

    family: Family
    emotions: tuple[T, ...]  # named emotions of the family, as the index orders them
    runs: int  # listed runs that named any emotion of the family
    namings: int  # how often its emotions were named in all


def named(written: Iterable[str], vocabulary: Vocabulary) -> tuple[tuple[Emotion, str], ...]:
    """Return the distinct emotions an entry named, each with the word it was named by (the first), in order."""
    seen: dict[str, tuple[Emotion, str]] = {}
    for word in written:
        emotion = vocabulary.normalise(word)
        seen.setdefault(emotion.slug, (emotion, as_written(word)))
    return tuple(seen.values())


def as_written(word: str) -> str:
    """Return an emotion word as pages show it: the writer's word, spaces collapsed, lower case."""
    return " ".join(word.split()).lower()


def grouping_notes(entries: Iterable[Entry], vocabulary: Vocabulary) -> list[Problem]:
    """Return a note, once per word, for each word the vocabulary grouped under an emotion of another name."""
    notes: list[Problem] = []
    told: set[str] = set()
    for entry in entries:
        for word in entry.emotions:
            emotion, shown = vocabulary.normalise(word), as_written(word)
            if emotion.known and shown != emotion.name.lower() and shown not in told:
                told.add(shown)
                notes.append(note(entry.source, entry.emotions_line,
                                  f'"{shown}" is grouped under the emotion "{emotion.name}" ({emotion.family.name})',
                                  f'your word is shown as written; its runs are counted on the page of "{emotion.name}"'))
    return notes


def normalise(written: Iterable[str], vocabulary: Vocabulary) -> tuple[Emotion, ...]:
    """Return the distinct emotions an entry named, in the order written."""
    seen: dict[str, Emotion] = {}
    for word in written:
        emotion = vocabulary.normalise(word)
        seen.setdefault(emotion.slug, emotion)
    return tuple(seen.values())


def unknown_emotion_problems(entries: Iterable[Entry], vocabulary: Vocabulary) -> list[Problem]:
    """Return a warning for every emotion the vocabulary does not know, with the closest words."""
    problems: list[Problem] = []
    hints: dict[str, str] = {}  # the same unknown word comes back often: look for close words once
    for entry in entries:
        for word in entry.emotions:
            if not vocabulary.normalise(word).known:
                hint = hints.get(word) or hints.setdefault(word, _unknown_hint(word, vocabulary))
                problems.append(warning(entry.source, entry.emotions_line,
                                        f'the vocabulary does not know the emotion "{word}"', hint))
    return problems


def _unknown_hint(word: str, vocabulary: Vocabulary) -> str:
    """Return the hint for one unknown emotion, naming the closest known words."""
    close = [f'"{c}"' for c in vocabulary.suggestions(word)]
    keep = "it is kept as written, in the family Other"
    if close:
        options = close[0] if len(close) == 1 else f"{', '.join(close[:-1])} or {close[-1]}"
        return f"did you mean {options}? Otherwise {keep}"
    return f'{keep}; to give it a family, add "{word}" = "<family>" under [vocabulary.emotions] in site.toml'


def month_span(runs: Iterable[Run]) -> tuple[tuple[int, int], ...]:
    """Return every (year, month) from the first run's month to the last's, oldest first."""
    dates = [r.date for r in runs if r.date is not None]
    if not dates:
        return ()
    first, last = min(dates), max(dates)
    months: list[tuple[int, int]] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)


def month_series(runs: Iterable[Run], span: Sequence[tuple[int, int]]) -> tuple[MonthCount, ...]:
    """Return how many of runs fall in each month of span."""
    counts = Counter((r.date.year, r.date.month) for r in runs if r.date is not None)
    return tuple(MonthCount(year, month, counts[(year, month)]) for year, month in span)


def companions(slug: str, runs: Iterable[Run], limit: int = COMPANIONS) -> tuple[Companion, ...]:
    """Return the emotions most often named on the same runs as `slug`, most first, then by name."""
    counts: Counter[str] = Counter()
    chips: dict[str, Named] = {}
    for run in runs:
        for chip in run.emotions:
            if chip.slug != slug:
                counts[chip.slug] += 1
                chips.setdefault(chip.slug, chip)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], chips[kv[0]].emotion.casefold(), kv[0]))
    return tuple(Companion(s, chips[s].emotion, chips[s].url, chips[s].family, n) for s, n in ranked[:limit])


def mood_change(runs: Iterable[Run]) -> MoodChange:
    """Return the average mood before and after over runs (each where it was given)."""
    runs = list(runs)
    before = [r.mood_before for r in runs if r.mood_before is not None]
    after = [r.mood_after for r in runs if r.mood_after is not None]
    shifts = [r.mood_after - r.mood_before for r in runs if r.mood_before is not None and r.mood_after is not None]
    return MoodChange(
        before=fmean(before) if before else None, after=fmean(after) if after else None,
        before_runs=len(before), after_runs=len(after), paired_runs=len(shifts),
        shift=fmean(shifts) if shifts else None,
    )


def emotion_facts(slug: str, runs: Sequence[Run], span: Sequence[tuple[int, int]]) -> EmotionFacts:
    """Return the facts of one emotion from the listed runs that named it."""
    return EmotionFacts(months=month_series(runs, span), companions=companions(slug, runs), mood=mood_change(runs))


def family_groups(emotions: Iterable[T], families: Sequence[Family]) -> tuple[FamilyGroup[T], ...]:
    """Return the named emotions grouped by family, in the vocabulary's family order."""
    order = {family.slug: index for index, family in enumerate(families)}
    members: dict[str, list[T]] = {}
    found: dict[str, Family] = {}
    for emotion in emotions:
        if emotion.family is not None:
            members.setdefault(emotion.family.slug, []).append(emotion)
            found.setdefault(emotion.family.slug, emotion.family)
    groups = []
    for slug in sorted(members, key=lambda s: (order.get(s, len(order)), s)):
        terms = tuple(members[slug])
        runs = {post.key for term in terms for post in term.posts}
        groups.append(FamilyGroup(found[slug], terms, len(runs), sum(len(t.posts) for t in terms)))
    return tuple(groups)
