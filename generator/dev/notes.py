"""The journal's gentle signals as notes for `footfall check`: shown to the writer, never written anywhere."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from generator.pipeline.inputs import build_date, make_model, read_inputs
from generator.pipeline.result import BuildResult
from generator.errors import Problem, has_errors
from generator.pipeline.signals import NOT_A_DIAGNOSIS, Signal, find_signals, load_thresholds

if TYPE_CHECKING:
    from rich.console import Console


def journal_notes(root: Path, today: date | None) -> tuple[tuple[Signal, ...], list[Problem]]:
    """Return the signals the journal raises as of today (the build date), and any problem with [signals]."""
    result = BuildResult("journal")
    inputs = read_inputs(root, result)
    if inputs is None:
        return (), []
    site = make_model(inputs, "journal", result)
    limits, problems = load_thresholds(inputs.config.section("signals"), inputs.config.path)
    if has_errors(problems):
        return (), problems
    return find_signals(site, today or build_date(inputs.config), limits), problems


def show_notes(notes: tuple[Signal, ...], out: Console) -> None:
    """Print each signal as a gentle note, with the help page and what the notes are not."""
    if not notes:
        return
    out.print("\nNotes from your journal:", highlight=False)
    for note in notes:
        out.print(f"  [{note.id}] {note.title}: {note.message}", highlight=False, markup=False)
    help_url = next((n.help_url for n in notes if n.help_url), "")
    if help_url:
        out.print(f"  Where to find support: the page {help_url} of your journal.", highlight=False, markup=False)
    out.print(f"  {NOT_A_DIAGNOSIS}", highlight=False, markup=False)
