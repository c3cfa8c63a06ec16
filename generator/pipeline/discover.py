"""Find a journal's Markdown files: every one, in a stable order, whatever else the folders hold."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A discovered Markdown file."""

    path: Path  # absolute path
    rel: str  # relative to content/, forward slashes


def discover(content_dir: Path) -> list[SourceFile]:
    """Return every .md file under content_dir, sorted, skipping names starting with _ or . and what is not a file.

    Each name is looked at on its own, and nothing cuts the scan short: a FIFO, socket or device
    is skipped (reading it could hang), a symlink that leads nowhere or in a loop is kept (reading it
    reports it), and a folder that cannot be listed, or is gone, is left out alone.
    """
    found: list[SourceFile] = []
    _discover_in(os.fspath(content_dir), "", found)
    return found


def _discover_in(folder: str, prefix: str, found: list[SourceFile]) -> None:
    """Add the entries of one folder, then those of its subfolders, each sorted by name."""
    try:
        with os.scandir(folder) as listing:
            items = sorted((item for item in listing if not item.name.startswith(("_", "."))), key=lambda i: i.name)
    except OSError:
        return
    base = Path(folder)  # one path per folder: joining a name to it is much cheaper than parsing a whole path
    subfolders: list[os.DirEntry[str]] = []
    for item in items:
        try:
            if item.is_dir(follow_symlinks=False):
                subfolders.append(item)
            elif item.name.endswith(".md") and _is_entry_file(item):
                found.append(SourceFile(base / item.name, prefix + item.name))
        except OSError:
            continue  # gone mid-scan
    for item in subfolders:
        _discover_in(item.path, f"{prefix}{item.name}/", found)


def _is_entry_file(item: os.DirEntry[str]) -> bool:
    """Return True for a file (or a symlink to one), and for a symlink that cannot be followed."""
    try:
        if item.is_file():
            return True
    except OSError:
        pass  # a symlink loop, say: looked at below
    if not item.is_symlink():
        return False  # a FIFO, a socket or a device
    try:
        os.stat(item.path)
    except OSError:
        return True  # dangling or a loop: reading it names the problem
    return False  # a symlink to a folder or a special file
