"""What the command line prints: problems numbered with file and line, a build's summary, a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from generator.errors import Problem
from generator.pipeline.result import BuildResult

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

EXIT_PROBLEMS = 1  # the exit status of a command that found problems
WARNINGS_SHOWN = 20  # a build prints this many warnings at most; `footfall check` prints them all
PROGRESS_FROM = 200  # show a progress bar when a build has more than this many files to parse or pages to render
site_option = click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
                           show_default=True, help="The site folder (holds site.toml and content/).")


def console() -> Console:
    """Return the console for messages (stderr keeps stdout clean for pipes)."""
    from rich.console import Console  # here: a build with nothing to report prints plain lines (echo)

    return Console(stderr=True, highlight=False, soft_wrap=True)


def escape(text: str) -> str:
    """Return text with rich's markup escaped."""
    from rich.markup import escape as escape_markup

    return escape_markup(text)


def echo(line: str) -> None:
    """Print a plain line where the console prints (stderr), without loading rich."""
    click.echo(line, err=True)


def show_problems(problems: list[Problem], root: Path, warning_limit: int | None = WARNINGS_SHOWN) -> None:
    """Print every error and the first warnings, numbered, with file and line; say how many warnings were left out."""
    if not problems:
        return
    out = console()
    ordered = sorted(problems, key=lambda p: (not p.is_error, str(p.path), p.line or 0))
    errors = sum(p.is_error for p in problems)
    shown = ordered if warning_limit is None else ordered[:errors + warning_limit]
    for number, problem in enumerate(shown, start=1):
        style = "bold red" if problem.is_error else "yellow"
        out.print(f"[{style}]{number}. {problem.severity}[/] {escape(problem.location(root))}: "
                  f"{escape(problem.message)}", markup=True, highlight=False)
        if problem.hint:
            out.print(f"   [dim]→ {escape(problem.hint)}[/]", markup=True)
    if len(shown) < len(ordered):
        out.print(f"[yellow]… and {len(ordered) - len(shown)} more warning(s).[/] "
                  "Run `footfall check` to list them all.", markup=True, highlight=False)
    if errors:
        out.print(f"[bold red]Found {errors} error(s).[/] Nothing was written; the last good output is untouched.")


def summary_line(result: BuildResult) -> str:
    """Return the one-line summary of a build."""
    seconds = sum(result.timings.values())
    return (f"Built {result.audience}: {result.entries} entries, {result.pages} pages, "
            f"{result.written} files written, {result.unchanged} unchanged, {result.removed} removed "
            f"in {seconds:.2f}s → {result.output_dir}")


class ProgressBar:
    """A rich progress bar for the long stages of big builds, shown only in a terminal."""

    def __init__(self, out: Console | None = None) -> None:
        self.out = out  # made when a stage is long enough to show (a quick rebuild never loads rich)
        self.bar: Progress | None = None
        self.stage = ""
        self.in_terminal: bool | None = None  # asked once: rich's check is too slow to make for every page

    def __call__(self, stage: str, done: int, total: int) -> None:
        """Show how far a stage has come."""
        if self.bar is None or stage != self.stage:
            self.close()
            if total <= PROGRESS_FROM or not self._shown():
                return
            self.stage = stage
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeElapsedColumn(), console=self.out, transient=True)
            self.bar.start()
            self.bar.add_task(stage, total=total)
        self.bar.update(self.bar.task_ids[0], completed=done)
        if done >= total:
            self.close()

    def _shown(self) -> bool:
        """Return True when the console is a terminal (the bar is shown only there)."""
        if self.in_terminal is None:
            self.out = self.out or console()
            self.in_terminal = self.out.is_terminal
        return self.in_terminal

    def close(self) -> None:
        """Remove the bar."""
        if self.bar is not None:
            self.bar.stop()
            self.bar = None
