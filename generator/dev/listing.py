"""List the journal's entries, one line each, filtered by visibility, emotion, tag, year or draft."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from generator.config import load_config
from generator.errors import Problem
from generator.pipeline.emotions import as_written
from generator.pipeline.entries import Entry, load_entries
from generator.units import format_distance
from generator.urls import slugify
from generator.vocabulary import Vocabulary, load_vocabulary

if TYPE_CHECKING:
    from rich.table import Table

COLUMNS = ("date", "title", "visibility", "distance", "emotions", "file")


@dataclass(frozen=True, slots=True)
class Filters:
    """What `footfall list` was asked to show (None: any)."""

    visibility: str | None = None  # private | unlisted | public
    emotion: str | None = None  # a word; matches the words grouped under the same emotion
    tag: str | None = None  # a tag, matched by its slug
    year: int | None = None
    drafts: bool = False  # only drafts


@dataclass(frozen=True, slots=True)
class Row:
    """One entry as the list shows it."""

    date: str  # 2026-03-14
    title: str
    visibility: str  # private | unlisted | public, with " (draft)" for a draft
    distance: str  # as written: "8.2 km", "" when none
    emotions: str  # the words as written, comma-separated
    file: str  # relative to content/

    def cells(self) -> tuple[str, ...]:
        """Return the row's values in COLUMNS order."""
        return (self.date, self.title, self.visibility, self.distance, self.emotions, self.file)


def list_entries(root: Path, filters: Filters) -> tuple[list[Row], list[Problem]]:
    """Return the run entries that match the filters, oldest first, and the errors of files that cannot be read."""
    cfg, problems = load_config(root)
    if cfg is None:
        return [], problems
    vocabulary, found = load_vocabulary(cfg.section("vocabulary"), cfg.path)
    entries, found_in_entries = load_entries(replace(cfg, drafts=False))
    errors = [p for p in [*problems, *found, *found_in_entries] if p.is_error]
    runs = sorted((e for e in entries if not e.is_page and e.date is not None), key=lambda e: (e.date, e.rel))
    rows = [_row(e, cfg.units) for e in runs if _matches(e, filters, vocabulary)]
    return rows, errors


def _matches(entry: Entry, filters: Filters, vocabulary: Vocabulary) -> bool:
    """Return True when an entry passes every filter given."""
    assert entry.date is not None
    if filters.drafts and not entry.draft:
        return False
    if filters.visibility is not None and entry.visibility != filters.visibility:
        return False
    if filters.year is not None and entry.date.year != filters.year:
        return False
    if filters.tag is not None and slugify(filters.tag, "tag") not in {slugify(t, "tag") for t in entry.tags}:
        return False
    return filters.emotion is None or _names(entry.emotions, filters.emotion, vocabulary)


def _names(words: Iterable[str], wanted: str, vocabulary: Vocabulary) -> bool:
    """Return True when one of the words is the wanted word or is grouped under the same emotion."""
    slug = vocabulary.normalise(wanted).slug
    return any(as_written(w) == as_written(wanted) or vocabulary.normalise(w).slug == slug for w in words)


def _row(entry: Entry, site_unit: str) -> Row:
    """Return the list's row for an entry."""
    assert entry.date is not None
    distance = format_distance(entry.distance_m, entry.distance_unit or site_unit) if entry.distance_m else ""
    visibility = entry.visibility + (" (draft)" if entry.draft else "")
    return Row(f"{entry.date:%Y-%m-%d}", entry.title, visibility, distance,
               ", ".join(as_written(w) for w in entry.emotions), entry.rel)


def tab_separated(rows: Iterable[Row]) -> str:
    """Return the rows as tab-separated lines, with a header line (tabs and newlines in values become spaces)."""
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(" ".join(cell.split()) for cell in row.cells()) for row in rows]
    return "\n".join(lines) + "\n"


def rich_table(rows: Iterable[Row]) -> Table:
    """Return the rows as a rich table for a terminal."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(*(column.capitalize() for column in COLUMNS), box=None, header_style="bold")
    for row in rows:
        table.add_row(*(escape(cell) for cell in row.cells()))
    return table
