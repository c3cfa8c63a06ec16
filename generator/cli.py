"""The `footfall` command: parse options, run a stage, show problems with rich, set the exit code."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from generator import __version__
from generator.build import BuildResult, build, check
from generator.errors import Problem
from generator.scaffold import create_entry, create_site

EXIT_PROBLEMS = 1
site_option = click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
                           show_default=True, help="The site folder (holds site.toml and content/).")


def console() -> Console:
    """Return the console for messages (stderr keeps stdout clean for pipes)."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def show_problems(problems: list[Problem], root: Path) -> None:
    """Print every problem, errors first, numbered, with file and line."""
    out = console()
    ordered = sorted(problems, key=lambda p: (not p.is_error, str(p.path), p.line or 0))
    for number, problem in enumerate(ordered, start=1):
        style = "bold red" if problem.is_error else "yellow"
        out.print(f"[{style}]{number}. {problem.severity}[/] {escape(problem.location(root))}: "
                  f"{escape(problem.message)}", markup=True, highlight=False)
        if problem.hint:
            out.print(f"   [dim]→ {escape(problem.hint)}[/]", markup=True)
    errors = sum(p.is_error for p in problems)
    if errors:
        out.print(f"[bold red]Found {errors} error(s).[/] Nothing was written; the last good output is untouched.")


def summary_line(result: BuildResult) -> str:
    """Return the one-line summary of a build."""
    seconds = sum(result.timings.values())
    return (f"Built {result.audience}: {result.entries} entries, {result.pages} pages, "
            f"{result.written} files written, {result.unchanged} unchanged, {result.removed} removed "
            f"in {seconds:.2f}s → {result.output_dir}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="footfall")
def cli() -> None:
    """Footfall turns a running journal into a website."""


@cli.command("build")
@click.option("--journal", is_flag=True, help="Build the full journal (everything) into output/journal/.")
@click.option("--profile", is_flag=True, help="Print the time spent in each stage.")
@site_option
def build_command(journal: bool, profile: bool, site_dir: Path) -> None:
    """Build the public site into output/public/ (or the journal with --journal)."""
    result = build(site_dir, "journal" if journal else "public")
    show_problems(result.problems, site_dir)
    if not result.ok:
        sys.exit(EXIT_PROBLEMS)
    console().print(summary_line(result), highlight=False)
    if profile:
        for stage, seconds in result.timings.items():
            console().print(f"  {stage:<10} {seconds:8.3f}s", highlight=False)


@cli.command("check")
@site_option
def check_command(site_dir: Path) -> None:
    """Validate the configuration and every entry, write nothing, print every problem."""
    result = check(site_dir)
    show_problems(result.problems, site_dir)
    if not result.ok:
        sys.exit(EXIT_PROBLEMS)
    warnings = len(result.problems)
    console().print(f"Checked {result.entries} entries: no errors" + (f", {warnings} warning(s)." if warnings else "."))


@cli.command("new")
@click.argument("title")
@click.option("--intention", default=None, help="The intention for the run (asked for in a terminal).")
@site_option
def new_command(title: str, intention: str | None, site_dir: Path) -> None:
    """Start a new entry for today, with the fields to fill in."""
    if intention is None and sys.stdin.isatty():
        intention = click.prompt("Intention for this run", default="", show_default=False)
    path, problems = create_entry(site_dir, title, intention or "", now=datetime.now().astimezone())
    if path is None:
        show_problems(problems, site_dir)
        sys.exit(EXIT_PROBLEMS)
    console().print(f"Created {path}")


@cli.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="My running journal", show_default=True, help="The site's title.")
def init_command(directory: Path, title: str) -> None:
    """Create a new site in DIRECTORY, ready to build."""
    problems = create_site(directory, title)
    if problems:
        show_problems(problems, directory)
        sys.exit(EXIT_PROBLEMS)
    result = build(directory, "public")
    show_problems(result.problems, directory)
    if not result.ok:
        sys.exit(EXIT_PROBLEMS)
    console().print(f"Created a new site in {directory}. {summary_line(result)}")
    console().print(f"Next: cd {directory} && footfall new \"My first run\"")


def main() -> None:
    """Run the CLI."""
    cli(prog_name="footfall")
