"""The `footfall import` and `footfall route` commands (registered on the CLI group in cli.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from generator.terminal import EXIT_PROBLEMS, console, escape, show_problems, site_option
from generator.config import load_config
from generator.errors import Problem, error
from generator.recordings.model import HIKE, WALK

PROGRESS_FROM = 20  # recordings: a progress bar for imports larger than this, in a terminal
INCLUDABLE = {"walk": WALK, "walks": WALK, "hike": HIKE, "hikes": HIKE}


def _include(value: str) -> frozenset[str]:
    """Return the extra sports of --include walk,hike."""
    words = [w.strip().lower() for w in value.split(",") if w.strip()]
    unknown = [w for w in words if w not in INCLUDABLE]
    if unknown:
        raise click.BadParameter(f"{unknown[0]!r}: only walk and hike can be included (runs always are)")
    return frozenset(INCLUDABLE[w] for w in words)


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="List the entries that would be written; write nothing.")
@click.option("--include", default="", metavar="walk,hike", help="Import walks and hikes too (runs always are).")
@site_option
def import_command(paths: tuple[Path, ...], dry_run: bool, include: str, site_dir: Path) -> None:
    """Import runs from GPX, TCX or FIT files, folders of them or a Strava export (folder or .zip)."""
    from generator.dev.import_sources import count_sources
    from generator.dev.importer import plan_import, write_planned

    cfg, problems = load_config(site_dir)
    if cfg is None:
        show_problems(problems, site_dir)
        sys.exit(EXIT_PROBLEMS)
    wanted = _include(include)
    bar = _Bar(count_sources(list(paths)))
    try:
        result = plan_import(list(paths), cfg, wanted, progress=bar.advance)
    finally:
        bar.close()
    if not dry_run:
        result.problems.extend(write_planned(result.planned))
    out = console()
    verb = "Would write" if dry_run else "Wrote"
    for item in result.planned:
        out.print(f"{verb} {escape(_shown(item.entry, site_dir))} (from {escape(item.label)})", highlight=False)
    _report(result.problems, site_dir)
    skipped = ", ".join(f"{count} {sport}" for sport, count in sorted(result.skipped.items()))
    out.print(f"{'Dry run: ' if dry_run else ''}{len(result.planned)} new "
              f"{'entry' if len(result.planned) == 1 else 'entries'}, {len(result.duplicates)} already in the journal"
              + (f", skipped {skipped}" if skipped else "") + ".", highlight=False)
    if any(p.is_error for p in result.problems):
        sys.exit(EXIT_PROBLEMS)


def _report(problems: list[Problem], root: Path) -> None:
    """Print each problem of an import, numbered, with the file and the way out."""
    out = console()
    for number, problem in enumerate(sorted(problems, key=lambda p: not p.is_error), start=1):
        style = "bold red" if problem.is_error else "yellow"
        out.print(f"[{style}]{number}. {problem.severity}[/] {escape(problem.location(root))}: "
                  f"{escape(problem.message)}", markup=True, highlight=False)
        if problem.hint:
            out.print(f"   [dim]→ {escape(problem.hint)}[/]", markup=True)


def _shown(path: Path, root: Path) -> str:
    """Return a path relative to the site folder when it is inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


class _Bar:
    """A progress bar on stderr for big imports, shown only in a terminal."""

    def __init__(self, total: int) -> None:
        self.progress: Any = None
        if total > PROGRESS_FROM and console().is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self.progress = Progress(TextColumn("Importing"), BarColumn(), MofNCompleteColumn(), console=console(),
                                     transient=True)
            self.progress.start()
            self.task = self.progress.add_task("import", total=total)

    def advance(self, label: str) -> None:
        """Count one recording done."""
        if self.progress is not None:
            self.progress.advance(self.task)

    def close(self) -> None:
        """Remove the bar."""
        if self.progress is not None:
            self.progress.stop()


@click.command("route")
@click.argument("entry", type=click.Path(path_type=Path))
@click.option("--public", is_flag=True, help="Show what the public build draws (zones cut, ends trimmed).")
@site_option
def route_command(entry: Path, public: bool, site_dir: Path) -> None:
    """Print as GeoJSON exactly the points of ENTRY's route that the journal (or public) build draws."""
    from generator.pipeline.entries import SourceFile, load_entry
    from generator.pipeline.route_privacy import load_privacy
    from generator.pipeline.routes import drawn_segments, read_route
    from generator.pipeline.site import is_visible

    cfg, problems = load_config(site_dir)
    path = entry if entry.is_absolute() or entry.exists() else site_dir / entry
    if cfg is None or not path.is_file():
        show_problems(problems or [error(path, None, "no such entry", "give the path of the entry's .md file")],
                      site_dir)
        sys.exit(EXIT_PROBLEMS)
    content = cfg.content_dir.resolve()
    rel = path.resolve().relative_to(content).as_posix() if content in path.resolve().parents else path.name
    parsed, problems = load_entry(SourceFile(path.resolve(), rel), cfg)
    if parsed is not None and not parsed.route:
        problems.append(error(path, None, "the entry names no recording", "add `route: FILE` beside the entry"))
    activity = None
    if parsed is not None and parsed.route:
        activity, found = read_route(parsed, cfg)
        problems.extend(found)
    privacy = None
    if public:
        privacy, found = load_privacy(cfg)
        problems.extend(found)
    if parsed is None or activity is None or any(p.is_error for p in problems):
        show_problems(problems, site_dir)
        sys.exit(EXIT_PROBLEMS)
    shown = not public or (is_visible(parsed, "public") and parsed.route_visibility == "public")
    segments = drawn_segments(activity, "public" if public else "journal", privacy) if shown else []
    click.echo(json.dumps(geojson(segments, parsed.title, "public" if public else "journal"), indent=1))


def geojson(segments: list[list[Any]], title: str, audience: str) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection of the drawn stretches (longitude first, as GeoJSON has it)."""
    lines = [[[p.lon, p.lat] for p in s] for s in segments if len(s) >= 2]
    feature = {"type": "Feature", "properties": {"title": title, "build": audience, "stretches": len(lines)},
               "geometry": {"type": "MultiLineString", "coordinates": lines}}
    return {"type": "FeatureCollection", "features": [feature]}
