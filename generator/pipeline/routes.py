"""The route stage: fill an entry's missing figures from its recording, and draw its map for one audience.

An entry names a recording beside it with `route:`. What the writer wrote always wins; any of
distance, duration, elapsed time, climb and heart rate left out is taken from the recording. The
journal's map shows the whole route and links the recording; the public map is drawn from what
the privacy zones and trimming leave (generator/pipeline/route_privacy.py), never with the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from generator import units
from generator.config import SiteConfig
from generator.errors import Problem, error, warning
from generator.outputs.route_maps import route_svg, split_paces
from generator.pipeline.entries import Entry
from generator.pipeline.markdown import Audience
from generator.pipeline.route_privacy import Privacy, load_privacy, public_segments, read_privacy
from generator.pipeline.route_view import RouteView
from generator.pipeline.site import is_visible
from generator.recordings.model import Activity, Point, RecordingError

PUBLIC_NOTE = "The ends of the route and private places are left out."
RouteResult = tuple[Entry, RouteView | None, list[Problem]]  # what routed_entry returns
RouteMap = Callable[[Callable[[Entry], RouteResult], Sequence[Entry]], Iterable[RouteResult]]


def recording_path(entry: Entry) -> Path:
    """Return the recording an entry names."""
    return entry.source.parent / entry.route


def read_route(entry: Entry, cfg: SiteConfig) -> tuple[Activity | None, list[Problem]]:
    """Return the activity of an entry's recording, or a problem at its `route:` line."""
    path = recording_path(entry)
    if not path.is_file():
        return None, [error(entry.source, entry.route_line, f"the recording {entry.route!r} is not beside the entry",
                            f"put the file in {path.parent.name or 'the entry’s folder'}/ or fix the name")]
    from generator.recordings.cache import route_activity  # here: it loads every format's reader; an edit reads none

    try:
        return route_activity(path, cfg.cache_dir / "recordings"), []
    except RecordingError as exc:
        return None, [error(entry.source, entry.route_line, f"cannot read the recording {entry.route!r}: {exc}",
                            "export the run again from the watch or app, or remove `route:`")]


def filled(entry: Entry, activity: Activity) -> Entry:
    """Return the entry with the figures it left out taken from its recording."""
    def whole(value: float | None) -> int | None:
        return round(value) if value else None

    return replace(
        entry,
        distance_m=entry.distance_m if entry.distance_m is not None else activity.distance_m or None,
        duration_s=entry.duration_s if entry.duration_s is not None else whole(activity.moving_s),
        elapsed_s=entry.elapsed_s if entry.elapsed_s is not None else whole(activity.elapsed_s),
        elevation_gain_m=entry.elevation_gain_m if entry.elevation_gain_m is not None else activity.elevation_gain_m,
        avg_heart_rate=entry.avg_heart_rate if entry.avg_heart_rate is not None else activity.avg_heart_rate,
    )


def drawn_segments(activity: Activity, audience: Audience, privacy: Privacy | None) -> list[list[Point]]:
    """Return exactly the points a build draws: all of them in the journal, what privacy leaves in public."""
    if audience == "journal":
        located = ([p for p in s if p.lat is not None and p.lon is not None] for s in activity.segments)
        return [s for s in located if len(s) >= 2]  # a lone point draws no line
    if privacy is None:
        return []
    return public_segments(activity.segments, privacy)


def route_stage(entries: Iterable[Entry], audience: Audience, cfg: SiteConfig,
                map_routes: RouteMap | None = None) -> tuple[tuple[Entry, ...], dict[str, RouteView], list[Problem]]:
    """Return the entries with figures filled from their recordings, each visible route's view, and problems.

    `map_routes(job, entries)`, when given, yields job(entry) for each entry in order, as map() does
    (the speed layer's spreads them over the cores): each recording is read, cut and drawn on its own.
    """
    entries = tuple(entries)
    if not any(e.route for e in entries):
        return entries, {}, read_privacy(cfg)[1]
    privacy, problems = (load_privacy(cfg) if audience == "public" else (None, read_privacy(cfg)[1]))
    routed = [entry for entry in entries if entry.route]
    made = iter((map_routes or _in_order)(lambda entry: routed_entry(entry, audience, privacy, cfg), routed))
    out: list[Entry] = []
    views: dict[str, RouteView] = {}
    for entry in entries:
        if entry.route:
            entry, view, found = next(made)
            problems.extend(found)
            if view is not None:
                views[entry.rel] = view
        out.append(entry)
    if privacy is not None and not privacy.zones and any(view.svg for view in views.values()):
        problems.append(warning(cfg.path, None, "public route maps are drawn with no privacy zones: only their "
                                "ends are trimmed", "add [privacy] zones around home, work or school (README: "
                                "Privacy zones), or set `route_visibility: private` on those entries"))
    return tuple(out), views, problems


def routed_entry(entry: Entry, audience: Audience, privacy: Privacy | None,
                 cfg: SiteConfig) -> tuple[Entry, RouteView | None, list[Problem]]:
    """Return an entry with a `route:`, its figures filled from the recording, its route's view if visible, and problems."""
    activity, problems = read_route(entry, cfg)
    if activity is None:
        return entry, None, problems
    entry = filled(entry, activity)
    return entry, route_view(entry, activity, audience, privacy, cfg) if is_visible(entry, audience) else None, problems


def _in_order(job: Callable[[Entry], RouteResult], entries: Sequence[Entry]) -> Iterator[RouteResult]:
    """Yield job(entry) for each entry, here, in order."""
    return map(job, entries)


def route_view(entry: Entry, activity: Activity, audience: Audience, privacy: Privacy | None,
               cfg: SiteConfig) -> RouteView:
    """Return what the entry's page shows of its route in this build."""
    journal = audience == "journal"
    shown = journal or entry.route_visibility == "public"
    segments = drawn_segments(activity, audience, privacy) if shown else []
    svg = route_svg(segments, cfg.units, entry.title, note="" if journal else PUBLIC_NOTE)
    name = Path(entry.route).name
    return RouteView(svg, _figures(entry, segments if journal else [], cfg), name if journal else "",
                     recording_path(entry) if journal else None)


def _figures(entry: Entry, segments: Sequence[Sequence[Point]], cfg: SiteConfig) -> tuple[tuple[str, str], ...]:
    """Return the figures shown beside the map: elapsed time, climb, heart rate, fastest split (journal)."""
    figures: list[tuple[str, str]] = []
    if entry.elapsed_s:
        figures.append(("Elapsed", units.format_duration(entry.elapsed_s)))
    pace = units.pace_seconds(entry.distance_m, entry.duration_s, cfg.units)
    if pace:
        figures.append(("Average pace", units.format_pace(pace, cfg.units)))
    splits = split_paces(segments, cfg.units) if segments else []
    if splits:
        figures.append((f"Fastest {cfg.units}", units.format_pace(round(min(splits)), cfg.units)))
    if entry.elevation_gain_m is not None:
        figures.append(("Climb", f"{round(entry.elevation_gain_m)} m"))
    if entry.avg_heart_rate:
        figures.append(("Average heart rate", f"{entry.avg_heart_rate} bpm"))
    return tuple(figures)
