"""Write a build's files safely: stage everything, then swap it in only when the build succeeded.

Files whose bytes did not change are left alone (same bytes, same times); stale files disappear;
nothing is written outside the build folder, and never into content/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.urls import is_safe_relpath


class UnsafePath(ValueError):
    """A path that would leave the output folder or enter the content folder."""


@dataclass
class Staging:
    """A build in progress: changed files go to a staging folder until commit()."""

    target: Path  # the live build folder, e.g. output/public
    protected: tuple[Path, ...] = ()  # folders never written (content/)
    staged: set[str] = field(default_factory=set)  # paths written to staging
    kept: set[str] = field(default_factory=set)  # paths whose live bytes are already right
    _folders: set[str] = field(default_factory=set, repr=False)  # staging folders made so far
    _base: str = field(default="", repr=False)  # the staging folder's path with a trailing separator
    _live: str | None = field(default=None, repr=False)  # the live folder's, or None when there is none yet

    @property
    def folder(self) -> Path:
        """Return the staging folder beside the live one."""
        return self.target.parent / f".{self.target.name}.staging"

    def begin(self) -> None:
        """Start with an empty staging folder."""
        self._check_target()
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        self._folders = {""}
        self._base = f"{self.folder}{os.sep}"
        self._live = f"{self.target}{os.sep}" if self.target.is_dir() else None

    def _check_target(self) -> None:
        """Refuse a target inside a protected folder."""
        resolved = self.target.resolve()
        for folder in self.protected:
            if resolved == folder.resolve() or folder.resolve() in resolved.parents:
                raise UnsafePath(f"refusing to write into {folder}")

    def add(self, relpath: str, data: bytes) -> bool:
        """Stage one file; return True when it differs from the live file."""
        written = self.write(relpath, data) is not None
        self.note(relpath, written)
        return written

    def write(self, relpath: str, data: bytes) -> int | None:
        """Write one file into staging unless the live file has these bytes; return its mtime_ns, or None if not written.

        It records nothing, so forked workers can write their pages: the parent then calls note().
        Moving the file into place later keeps that time.
        """
        if not is_safe_relpath(relpath):
            raise UnsafePath(f"refusing to write outside the output folder: {relpath!r}")
        if self._live is not None and _same_bytes(self._live + relpath, data):
            return None
        self._make_folders(relpath)
        return _write(self._base + relpath, data)

    def note(self, relpath: str, written: bool) -> None:
        """Record a file staged by write(): written to staging, or kept as the live file is."""
        (self.staged if written else self.kept).add(relpath)

    def _make_folders(self, relpath: str) -> None:
        """Create the staging folders of a path, asking the file system once per folder."""
        parts = relpath.split("/")[:-1]
        depth = len(parts)
        while depth and "/".join(parts[:depth]) not in self._folders:
            depth -= 1
        for end in range(depth + 1, len(parts) + 1):
            folder = "/".join(parts[:end])
            try:
                os.mkdir(self._base + folder)  # its parent was made just before (or is known)
            except FileExistsError:
                if not os.path.isdir(self._base + folder):
                    raise
            self._folders.add(folder)

    def keep(self, relpath: str) -> None:
        """Mark a live file as part of this build, as it is, without reading it."""
        if not is_safe_relpath(relpath):
            raise UnsafePath(f"refusing to write outside the output folder: {relpath!r}")
        self.kept.add(relpath)

    def add_copy(self, relpath: str, source: Path) -> bool:
        """Stage a copy of a file (an image or a static asset)."""
        return self.add(relpath, source.read_bytes())

    def commit(self, existing: Iterable[str] | None = None) -> list[str]:
        """Move staged files into place, delete stale ones; return the removed paths.

        `existing` lists the files the live folder held before the build (saves walking it).
        """
        if not self.target.exists() and not self.kept:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.folder, self.target)  # a first build: the staging folder becomes the build
            return []
        self.target.mkdir(parents=True, exist_ok=True)
        for relpath in sorted(self.staged):
            live = self.target / relpath
            if live.is_dir():
                shutil.rmtree(live)
            _make_parents(self.target, relpath)
            os.replace(self.folder / relpath, live)
        wanted = self.staged | self.kept
        if existing is None:
            removed = _remove_stale(self.target, wanted)
        else:
            removed = _remove_listed(self.target, sorted(set(existing) - wanted))
        shutil.rmtree(self.folder, ignore_errors=True)
        return removed

    def abandon(self) -> None:
        """Drop everything staged; the live folder stays as it was."""
        shutil.rmtree(self.folder, ignore_errors=True)


def _same_bytes(path: str, data: bytes) -> bool:
    """Return True when a file exists with exactly these bytes."""
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as file:
            return file.read() == data
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return False


def _write(path: str, data: bytes) -> int:
    """Write a new file in as few system calls as it takes (no buffering, no terminal check); return its mtime_ns."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        return os.fstat(fd).st_mtime_ns
    finally:
        os.close(fd)


def _make_parents(target: Path, relpath: str) -> None:
    """Create the folders of a live path, replacing any file that stands where a folder must go."""
    parent = (target / relpath).parent
    if parent.is_dir():
        return
    for folder in reversed((target / relpath).relative_to(target).parents[:-1]):
        path = target / folder
        if path.exists() and not path.is_dir():
            path.unlink()
    parent.mkdir(parents=True, exist_ok=True)


def _remove_listed(target: Path, stale: list[str]) -> list[str]:
    """Delete the listed files under target, then the folders they leave empty."""
    folders: set[Path] = set()
    removed: list[str] = []
    for relpath in stale:
        path = target / relpath
        try:
            path.unlink()
        except (FileNotFoundError, NotADirectoryError):
            continue
        except IsADirectoryError:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(relpath)
        folders.update(path.parents[:len(Path(relpath).parents) - 1])
    for folder in sorted(folders, key=lambda f: len(f.parts), reverse=True):
        try:
            folder.rmdir()
        except OSError:
            pass
    return removed


def _remove_stale(target: Path, wanted: Iterable[str]) -> list[str]:
    """Delete files under target that this build did not produce, then empty folders."""
    keep = set(wanted)
    removed: list[str] = []
    for folder, dirs, files in os.walk(target, topdown=False):
        base = Path(folder)
        for name in files:
            relpath = (base / name).relative_to(target).as_posix()
            if relpath not in keep:
                (base / name).unlink()
                removed.append(relpath)
        if base != target and not any(base.iterdir()):
            base.rmdir()
    return sorted(removed)
