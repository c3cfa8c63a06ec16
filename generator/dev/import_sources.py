"""Find the recordings an import is given: files, folders of them, Strava exports (folder or zip)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.recordings.model import Activity, RecordingError
from generator.recordings.read import kind_of, read_bytes
from generator.recordings.strava import Export, ExportItem, is_export


@dataclass(frozen=True, slots=True)
class Source:
    """One recording to import: where it came from, its bytes, and what an export says of it."""

    label: str  # what the writer is told: a path, or an export and the file inside it
    name: str  # the file name (its suffixes say its kind, e.g. 1234.fit.gz)
    data: bytes  # the bytes, copied unchanged beside the entry
    item: ExportItem | None = None  # the export's row, for exports

    def activities(self) -> list[Activity]:
        """Return the activities of the recording."""
        return read_bytes(self.data, self.name)


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A path that could not be read at all, and why."""

    label: str
    reason: str


@dataclass(frozen=True, slots=True)
class Skipped:
    """An export row skipped without reading its file (a ride, a swim, a manual entry)."""

    label: str
    sport: str


Found = Source | Unreadable | Skipped


def count_sources(paths: list[Path]) -> int:
    """Return about how many recordings the paths hold (for the progress bar)."""
    total = 0
    for path in paths:
        if path.is_dir() and not is_export(path):
            total += sum(1 for p in path.rglob("*") if p.is_file() and kind_of(p.name))
        elif is_export(path):
            export = Export(path)
            try:
                total += len(export.items())
            except RecordingError:
                pass
            finally:
                export.close()
        else:
            total += 1
    return total


def find_sources(paths: list[Path], wanted: frozenset[str]) -> Iterator[Found]:
    """Yield every recording under the paths, in order; exports skip the rows of sports not wanted."""
    for path in paths:
        if not path.exists():
            yield Unreadable(str(path), "no such file or folder")
        elif is_export(path):
            yield from _export(path, wanted)
        elif path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if kind_of(file.name):
                    yield _file(file)
        elif kind_of(path.name):
            yield _file(path)
        else:
            yield Unreadable(str(path), "not a recording (use .gpx, .tcx or .fit, optionally .gz, a folder, "
                             "or a Strava export folder or .zip)")


def _file(path: Path) -> Found:
    """Return one recording file."""
    try:
        return Source(str(path), path.name, path.read_bytes())
    except OSError as exc:
        return Unreadable(str(path), f"cannot read the file: {exc.strerror}")


def _export(path: Path, wanted: frozenset[str]) -> Iterator[Found]:
    """Yield the activities of a Strava export, read from its folder or zip."""
    try:
        export = Export(path)
    except (RecordingError, OSError) as exc:
        yield Unreadable(str(path), str(exc))
        return
    try:
        try:
            items = export.items()
        except RecordingError as exc:
            yield Unreadable(f"{path}/activities.csv", str(exc))
            return
        for item in items:
            label = f"{path} › {item.filename or f'activities.csv line {item.line}'}"
            if item.sport not in wanted:
                yield Skipped(label, item.sport)
            elif not item.filename:
                yield Skipped(label, "no recording")
            else:
                try:
                    yield Source(label, item.filename.rsplit("/", 1)[-1], export.read(item.filename), item)
                except RecordingError as exc:
                    yield Unreadable(label, str(exc))
    finally:
        export.close()
