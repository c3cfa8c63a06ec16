"""Watch a site's inputs: sort changed paths (ignoring editors' temporary files), debounce, call back.

`classify` and `Debouncer` are pure and carry the rules; `Watcher` is the thin watchdog edge.
Editors save in bursts (a temporary file, a rename over the original, a few modify events), so
changes are gathered until things are quiet for a moment, then handed over as one batch.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from watchdog.events import (DirCreatedEvent, DirDeletedEvent, DirMovedEvent, FileClosedEvent, FileCreatedEvent,
                             FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileSystemEvent,
                             FileSystemEventHandler)
from watchdog.observers import Observer


class ChangeKind(Enum):
    """What kind of input a changed path is."""

    CONTENT = "content"  # an entry, a page or an image under content/
    TEMPLATE = "template"  # a template of the site or its theme
    STATIC = "static"  # a static file of the site or its theme
    THEME = "theme"  # theme.toml or another file of a theme
    CONFIG = "config"  # site.toml


#: Folders of the site root that hold no input (output, the cache, version control).
IGNORED_FOLDERS = frozenset({"output", ".footfall-cache", ".git", ".hg", ".svn", "node_modules", "__pycache__"})
_TEMP_NAME = re.compile(
    r"""^(?:\.\#.*          # emacs lock file
        |\#.*\#             # emacs auto-save
        |4913               # vim's check that it may write the folder
        |\.~lock\..*        # LibreOffice lock
        |\.goutputstream-.* # gedit
        |.*~                # backup copies
        |.*\.sw[a-p]        # vim swap files
        |.*\.(?:tmp|temp|bak|orig|part|crdownload|kate-swp)
        |.*___jb_(?:tmp|old)___  # JetBrains safe write
        |\.DS_Store|Thumbs\.db|desktop\.ini
        )$""", re.VERBOSE | re.IGNORECASE)


def is_temp_name(name: str) -> bool:
    """Return True for the names editors and systems give to temporary and lock files."""
    return bool(_TEMP_NAME.match(name))


def classify(path: Path, root: Path, theme_folders: Iterable[Path] = ()) -> ChangeKind | None:
    """Return what kind of input a changed path is, or None when no build reads it."""
    if is_temp_name(path.name):
        return None
    for folder in theme_folders:
        if folder == path or folder in path.parents:
            return _in_theme(path.relative_to(folder).parts)
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return None
    if not parts or parts[0] in IGNORED_FOLDERS or any(p.startswith(".") for p in parts):
        return None
    if parts == ("site.toml",):
        return ChangeKind.CONFIG
    first = {"content": ChangeKind.CONTENT, "templates": ChangeKind.TEMPLATE, "static": ChangeKind.STATIC}.get(parts[0])
    if first is not None:
        return first
    return _in_theme(parts[2:]) if parts[0] == "themes" and len(parts) > 1 else None


def _in_theme(parts: tuple[str, ...]) -> ChangeKind | None:
    """Return the kind of a path inside a theme folder."""
    if any(p.startswith(".") for p in parts):
        return None
    if parts[:1] == ("templates",):
        return ChangeKind.TEMPLATE
    if parts[:1] == ("static",):
        return ChangeKind.STATIC
    return ChangeKind.THEME


@dataclass
class Debouncer:
    """Gathers changes until none came for `quiet` seconds (or `longest` since the first), then hands them over."""

    quiet: float = 0.15  # seconds without a new change before a batch is due
    longest: float = 2.0  # a batch is due this long after its first change, even if changes keep coming
    pending: dict[Path, ChangeKind] = field(default_factory=dict)  # changed paths not handed over yet
    first: float | None = None  # when the pending batch began
    last: float | None = None  # when its latest change came

    def add(self, path: Path, kind: ChangeKind, now: float) -> None:
        """Note one change at time `now`."""
        self.pending[path] = kind
        self.first = now if self.first is None else self.first
        self.last = now

    def wait(self, now: float) -> float | None:
        """Return the seconds until the batch is due (0 if due now), or None when nothing is pending."""
        if self.first is None or self.last is None:
            return None
        return max(0.0, min(self.last + self.quiet, self.first + self.longest) - now)

    def take(self, now: float) -> dict[Path, ChangeKind] | None:
        """Return and clear the batch when it is due, else None."""
        if self.wait(now) != 0.0:
            return None
        batch, self.pending, self.first, self.last = self.pending, {}, None, None
        return batch


Batch = dict[Path, ChangeKind]
_EVENTS = [FileCreatedEvent, FileModifiedEvent, FileDeletedEvent, FileMovedEvent, FileClosedEvent,
           DirCreatedEvent, DirDeletedEvent, DirMovedEvent]


class Watcher(FileSystemEventHandler):
    """Watches folders with watchdog and calls `on_change` with each debounced batch, from its own thread."""

    def __init__(self, root: Path, on_change: Callable[[Batch], None], *, quiet: float = 0.15) -> None:
        self.root = root.resolve()
        self.on_change = on_change
        self.theme_folders: tuple[Path, ...] = ()
        self._debouncer = Debouncer(quiet=quiet)
        self._wake = threading.Condition()
        self._observer: Any = Observer()
        self._watches: dict[tuple[Path, bool], Any] = {}
        self._running = False
        self._thread = threading.Thread(target=self._loop, name="footfall-watch", daemon=True)

    def watch(self, folders: Iterable[Path], theme_folders: Iterable[Path] = ()) -> None:
        """Watch the site root (its files only) and these folders (recursively), dropping other watches."""
        self.theme_folders = tuple(f.resolve() for f in theme_folders)
        wanted = {(self.root, False), *((f.resolve(), True) for f in folders if f.is_dir())}
        for key in set(self._watches) - wanted:
            self._observer.unschedule(self._watches.pop(key))
        for folder, recursive in sorted(wanted - set(self._watches)):
            if not any(recursive and other != folder and other in folder.parents for other, r in wanted if r):
                self._watches[(folder, recursive)] = self._observer.schedule(
                    self, str(folder), recursive=recursive, event_filter=_EVENTS)

    def start(self) -> None:
        """Start watching."""
        self._running = True
        self._observer.start()
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and wait for the threads to end."""
        with self._wake:
            self._running = False
            self._wake.notify_all()
        self._observer.stop()
        self._observer.join(timeout=5)
        self._thread.join(timeout=5)

    def on_any_event(self, event: FileSystemEvent) -> None:
        """Note the paths of an event that a build reads."""
        if event.is_directory and event.event_type == "modified":
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        for raw in filter(None, paths):
            path = Path(os.fsdecode(raw))  # a name that is not UTF-8 is still a change, never an error that stops the watch
            kind = classify(path, self.root, self.theme_folders)
            if kind is not None:
                with self._wake:
                    self._debouncer.add(path, kind, time.monotonic())
                    self._wake.notify_all()

    def _loop(self) -> None:
        """Hand over each batch when it is due."""
        while True:
            with self._wake:
                while self._running and (delay := self._debouncer.wait(time.monotonic())) != 0.0:
                    self._wake.wait(timeout=delay)
                if not self._running:
                    return
                batch = self._debouncer.take(time.monotonic())
            if batch:
                self.on_change(batch)
