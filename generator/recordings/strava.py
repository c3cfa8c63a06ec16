"""Read a Strava bulk export (its folder or .zip): activities.csv names each activity and its recording."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.recordings.model import RecordingError, sport_of

MAX_MEMBER = 256 * 1024 * 1024  # bytes: a recording inside a zip larger than this is refused


@dataclass(frozen=True, slots=True)
class ExportItem:
    """One activity listed in an export's activities.csv."""

    activity_id: str  # Strava's id
    title: str  # "Activity Name"
    sport: str  # Footfall's sport for "Activity Type"
    description: str  # "Activity Description"
    filename: str  # path inside the export, e.g. activities/123.fit.gz; empty for manual activities
    line: int  # line of activities.csv


def is_export(path: Path) -> bool:
    """Return True for a Strava export folder or zip (it holds activities.csv)."""
    if path.is_dir():
        return (path / "activities.csv").is_file()
    if path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return _csv_name(archive) is not None
    return False


def _csv_name(archive: zipfile.ZipFile) -> str | None:
    """Return the name of activities.csv inside a zip (at its top or one folder down)."""
    names = [n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "activities.csv" and n.count("/") <= 1]
    return min(names, key=len) if names else None


class Export:
    """A Strava export, read from its folder or its zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip = zipfile.ZipFile(path) if path.is_file() else None
        self._prefix = ""
        if self._zip is not None:
            name = _csv_name(self._zip)
            if name is None:
                raise RecordingError("the zip holds no activities.csv: not a Strava export")
            self._prefix = name[: -len("activities.csv")]

    def close(self) -> None:
        """Close the zip, if any."""
        if self._zip is not None:
            self._zip.close()

    def items(self) -> list[ExportItem]:
        """Return the activities listed in activities.csv."""
        text = self.read("activities.csv").decode("utf-8-sig", "replace")
        return list(_rows(text))

    def read(self, name: str) -> bytes:
        """Return the bytes of a file of the export."""
        if self._zip is None:
            target = (self.path / name).resolve()
            if self.path.resolve() not in target.parents:
                raise RecordingError(f"{name!r} points outside the export")
            try:
                return target.read_bytes()
            except OSError as exc:
                raise RecordingError(f"cannot read {name}: {exc.strerror}") from exc
        try:
            info = self._zip.getinfo(self._prefix + name)
        except KeyError as exc:
            raise RecordingError(f"the export lists {name} but does not hold it") from exc
        if info.file_size > MAX_MEMBER:
            raise RecordingError(f"{name} unpacks to more than 256 MB; that is no run")
        return self._zip.read(info)


def _rows(text: str) -> Iterator[ExportItem]:
    """Yield the activities of activities.csv (whose header repeats some names: the first one counts)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, [])
    where: dict[str, int] = {}
    for index, name in enumerate(header):
        where.setdefault(name.strip(), index)
    if "Activity ID" not in where:
        raise RecordingError("activities.csv has no `Activity ID` column: not a Strava export")

    def cell(row: list[str], name: str) -> str:
        index = where.get(name)
        return row[index].strip() if index is not None and index < len(row) else ""

    for row in reader:
        if not any(row):
            continue
        yield ExportItem(activity_id=cell(row, "Activity ID"), title=cell(row, "Activity Name"),
                         sport=sport_of(cell(row, "Activity Type")), description=cell(row, "Activity Description"),
                         filename=cell(row, "Filename"), line=reader.line_num)
