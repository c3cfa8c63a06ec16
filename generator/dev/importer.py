"""`footfall import`: turn recordings into new journal entries, each with its recording beside it.

Runs are imported (walks and hikes when asked), other sports skipped and counted. An entry is
never overwritten, and an activity already in the journal (the same device activity id, else the
same start time and distance) is left alone, so importing again does nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from generator.config import SiteConfig
from generator.dev.import_sources import Skipped, Source, Unreadable, find_sources
from generator.dev.import_text import entry_text, title_for
from generator.errors import Problem, error, warning
from generator.pipeline.entries import Entry, load_entries
from generator.pipeline.routes import recording_path
from generator.recordings.cache import route_activity
from generator.recordings.model import RUN, Activity, RecordingError
from generator.recordings.read import main_activity
from generator.urls import slugify

SAME_START = timedelta(seconds=90)  # two recordings starting this close ...
SAME_DISTANCE = 0.03  # ... and this close in distance (a share) are one activity


@dataclass(frozen=True, slots=True)
class Planned:
    """An entry to write."""

    entry: Path  # content/{year}/{date}-{slug}.md
    recording: Path  # the recording beside it
    text: str  # the entry's Markdown
    data: bytes  # the recording's bytes, unchanged
    label: str  # where it came from


@dataclass
class ImportResult:
    """What an import did, or would do."""

    planned: list[Planned] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # labels of activities already in the journal
    skipped: Counter[str] = field(default_factory=Counter)  # sport -> how many were skipped
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Known:
    """What the journal holds already: activity ids, starts and distances, taken paths and URLs."""

    ids: set[str] = field(default_factory=set)
    runs: list[tuple[datetime, float | None]] = field(default_factory=list)
    paths: set[Path] = field(default_factory=set)
    urls: set[tuple[str, str]] = field(default_factory=set)  # (date, slug)

    def has(self, activity: Activity) -> bool:
        """Return True when the activity is in the journal already."""
        if activity.activity_id and activity.activity_id in self.ids:
            return True
        return any(abs(start - activity.start) <= SAME_START and _close(distance, activity.distance_m)
                   for start, distance in self.runs if activity.start is not None)

    def add(self, activity: Activity, entry: Path, recording: Path, day: str, slug: str) -> None:
        """Remember a planned entry, so one batch does not import an activity twice."""
        if activity.activity_id:
            self.ids.add(activity.activity_id)
        if activity.start is not None:
            self.runs.append((activity.start, activity.distance_m))
        self.paths.update((entry, recording))
        self.urls.add((day, slug))


def _close(a: float | None, b: float | None) -> bool:
    """Return True when two distances agree (both unknown counts as agreeing)."""
    if not a or not b:
        return not a and not b
    return abs(a - b) <= SAME_DISTANCE * max(a, b)


def known_activities(entries: list[Entry], cfg: SiteConfig) -> _Known:
    """Return what the journal's entries (and the recordings they name) say is there already."""
    known = _Known()
    for entry in entries:
        if entry.date is not None:
            known.runs.append((entry.date, entry.distance_m))
            known.urls.add((entry.date.date().isoformat(), entry.slug))
        known.paths.add(entry.source)
        if entry.route:
            known.paths.add(recording_path(entry))
            try:
                activity = route_activity(recording_path(entry), cfg.cache_dir / "recordings")
            except RecordingError:
                continue
            if activity.activity_id:
                known.ids.add(activity.activity_id)
            if activity.start is not None:
                known.runs.append((activity.start, activity.distance_m))
    return known


def plan_import(paths: list[Path], cfg: SiteConfig, include: frozenset[str] = frozenset(),
                progress: Callable[[str], None] | None = None) -> ImportResult:
    """Read every recording under the paths and plan the entries to write (nothing is written)."""
    wanted = frozenset({RUN}) | include
    result = ImportResult()
    entries, _ = load_entries(cfg)
    known = known_activities(entries, cfg)
    for found in find_sources(paths, wanted):
        if progress is not None:
            progress(found.label)
        if isinstance(found, Unreadable):
            result.problems.append(error(Path(found.label), None, found.reason))
        elif isinstance(found, Skipped):
            result.skipped[found.sport] += 1
        else:
            _plan_one(found, wanted, cfg, known, result)
    return result


def _plan_one(source: Source, wanted: frozenset[str], cfg: SiteConfig, known: _Known, result: ImportResult) -> None:
    """Plan the entry of one recording, or note why there is none."""
    try:
        activities = source.activities()
    except RecordingError as exc:
        result.problems.append(error(Path(source.label), None, f"cannot read the recording: {exc}",
                                     "export it again from the watch or app; the other recordings are imported regardless"))
        return
    item = source.item
    if item is not None:  # the export's word on the sport and name wins over the file's
        activities = [replace(a, sport=item.sport, title=item.title or a.title, description=item.description,
                              activity_id=f"strava:{item.activity_id}") for a in activities[:1]]
    activity = main_activity(activities, wanted)
    if activity is None:
        result.skipped[activities[0].sport if activities else "empty"] += 1
        return
    if activity.start is None:
        result.problems.append(error(Path(source.label), None, "the recording has no calendar date (the device "
                                     "kept only its own clock)", "write this run's entry by hand with `footfall new`"))
        return
    if known.has(activity):
        result.duplicates.append(source.label)
        return
    result.planned.append(_planned(source, activity, cfg, known))


def _planned(source: Source, activity: Activity, cfg: SiteConfig, known: _Known) -> Planned:
    """Return the entry of one new activity, at a path and URL nothing else holds."""
    assert activity.start is not None
    local = activity.start.astimezone(cfg.tz)
    day = local.date().isoformat()
    title = title_for(activity, local)
    base = slugify(title, "run")
    folder = cfg.content_dir / f"{local.year:04d}"
    suffix = source.name[source.name.index("."):] if "." in source.name else ""
    for number in range(1, 1000):
        slug = base if number == 1 else f"{base}-{number}"
        entry, recording = folder / f"{day}-{slug}.md", folder / f"{day}-{slug}{suffix.lower()}"
        if (day, slug) not in known.urls and not ({entry, recording} & known.paths) \
                and not entry.exists() and not recording.exists():
            break
    known.add(activity, entry, recording, day, slug)
    text = entry_text(activity, local, title, slug, recording.name, cfg)
    return Planned(entry, recording, text, source.data, source.label)


def write_planned(planned: list[Planned]) -> list[Problem]:
    """Write each planned entry and its recording, never over an existing file."""
    problems: list[Problem] = []
    for item in planned:
        try:
            item.entry.parent.mkdir(parents=True, exist_ok=True)
            with open(item.recording, "xb") as out:
                out.write(item.data)
            with open(item.entry, "x", encoding="utf-8", newline="\n") as out:
                out.write(item.text)
        except FileExistsError as exc:
            problems.append(warning(Path(exc.filename), None, "already there; left as it was"))
        except OSError as exc:
            problems.append(error(item.entry, None, f"cannot write the entry: {exc.strerror}"))
    return problems
