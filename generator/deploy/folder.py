"""Publish into a folder: only a folder Footfall made its own, synced without touching anything beside it.

A folder becomes Footfall's when it is new or empty the first time it is published to: a marker
file (MARKER) is written into it, and later publishes sync it (add, replace, delete). A folder
that holds anything else without the marker is refused, and so is every folder of the site itself,
a git repository's folder, the user's home and any folder above it: syncing deletes what the
build does not hold, and none of these may lose a file. Names starting with a dot are left alone.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.config import SiteConfig

MARKER = ".footfall-publish"
MARKER_TEXT = ("This folder holds a site published by Footfall.\n"
               "`footfall publish --to` keeps it in sync with the public build: it adds, replaces and deletes\n"
               "the files here (names starting with a dot are left alone). Keep nothing else in it.\n")
START_HINT = "publish into a new or empty folder: Footfall marks it with .footfall-publish and keeps it in sync from then on"


class FolderRefused(Exception):
    """A folder that must not be published into; carries the message and a hint."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True, slots=True)
class Change:
    """One file that a deploy adds, updates or deletes."""

    action: str  # "add", "update" or "delete"
    path: str  # relative to the published folder


def check_folder(folder: Path, cfg: SiteConfig) -> None:
    """Refuse a folder of the site, a git folder, the home folder or above it, and a foreign non-empty folder."""
    target = _resolved(folder)
    _refuse_site_folders(folder, target, cfg)
    if ".git" in target.parts or (target / "HEAD").is_file() and (target / "objects").is_dir():
        raise FolderRefused(f"refusing to publish into {folder}: it is a git repository's own folder",
                            "publish to a folder of its own, or use --to git")
    home = _home()
    if home is not None and (target == home or target in home.parents):
        raise FolderRefused(f"refusing to publish into {folder}: it is your home folder or holds it",
                            "publish to a folder of its own, such as ~/www")
    if target.exists() and not target.is_dir():
        raise FolderRefused(f"refusing to publish into {folder}: it is a file, not a folder", START_HINT)
    if target.is_dir() and not is_marked(target) and _holds_anything(target, folder):
        raise FolderRefused(f"refusing to publish into {folder}: it already holds files that footfall publish "
                            f"did not put there (it has no {MARKER} file)", START_HINT)


def _holds_anything(target: Path, folder: Path) -> bool:
    """Return True when a folder holds any file or folder; refuse one that cannot be read."""
    try:
        return any(target.iterdir())
    except OSError as exc:
        raise FolderRefused(f"refusing to publish into {folder}: it cannot be read ({exc.strerror})", START_HINT) from exc


def _refuse_site_folders(folder: Path, target: Path, cfg: SiteConfig) -> None:
    """Refuse the site folder, anything inside it, anything holding it, and its content/ and output/ wherever they are."""
    protected = {"the site folder": cfg.root, "content/": cfg.content_dir, "output/": cfg.output_root,
                 "the build cache": cfg.cache_dir}
    for name, path in protected.items():
        real = _resolved(path)
        if target == real or real in target.parents:
            raise FolderRefused(f"refusing to publish into {folder}: it is inside {name}",
                                "publish to a folder of its own, outside the site")
        if target in real.parents:
            raise FolderRefused(f"refusing to publish into {folder}: it holds {name}",
                                "publish to a folder of its own, outside the site")


def _resolved(path: Path) -> Path:
    """Return the absolute path with symlinks followed (as far as they lead)."""
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return Path(os.path.abspath(path.expanduser()))


def _home() -> Path | None:
    """Return the user's home folder, if it can be known."""
    try:
        return _resolved(Path.home())
    except RuntimeError:
        return None


def is_marked(folder: Path) -> bool:
    """Return True when a folder carries the marker of an earlier publish (a plain file, not a symlink)."""
    marker = folder / MARKER
    return marker.is_file() and not marker.is_symlink()


def _visible_files(folder: Path) -> dict[str, Path]:
    """Return relpath -> file for the files (and symlinks) of a folder, leaving out anything under a dot-name."""
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(current, d)))
        links = [d for d in os.listdir(current) if not d.startswith(".") and os.path.islink(os.path.join(current, d))]
        for name in sorted({*files, *links}):
            if not name.startswith("."):
                path = Path(current) / name
                found[path.relative_to(folder).as_posix()] = path
    return found


def plan_sync(source: Path, folder: Path) -> list[Change]:
    """Return the changes that make folder hold exactly the files of source (dot-names left alone)."""
    new, old = _visible_files(source), _visible_files(folder)
    changes = [Change("add", p) for p in new if p not in old]
    changes += [Change("update", p) for p in new if p in old and not _same_file(new[p], old[p])]
    changes += [Change("delete", p) for p in old if p not in new]
    return sorted(changes, key=lambda c: (c.path, c.action))


def _same_file(new: Path, old: Path) -> bool:
    """Return True when old is a plain file with the bytes of new (a symlink never is)."""
    return not old.is_symlink() and old.is_file() and filecmp.cmp(new, old, shallow=False)


def apply_sync(source: Path, folder: Path, changes: list[Change]) -> None:
    """Mark the folder, copy added and updated files, delete stale ones and the folders they leave empty.

    Paths are followed one folder at a time and never through a symlink: a symlink standing where
    a folder or a file goes is replaced (what it points to is never touched).
    """
    folder.mkdir(parents=True, exist_ok=True)
    if not is_marked(folder):
        _clear(folder / MARKER)
        (folder / MARKER).write_text(MARKER_TEXT, "utf-8")
    deletes_first = sorted(changes, key=lambda c: c.action != "delete")  # a stale folder may stand where a file goes
    for change in deletes_first:
        path = folder / change.path
        if change.action == "delete":
            if _real_parent(folder, change.path, make=False):
                _clear(path)
                _remove_empty_parents(path.parent, folder)
            continue
        _real_parent(folder, change.path, make=True)
        _clear(path)
        shutil.copy2(source / change.path, path)


def _real_parent(folder: Path, relpath: str, *, make: bool) -> bool:
    """Return True when every folder on the way to relpath is a real folder, making (or replacing) them if asked."""
    current = folder
    for part in Path(relpath).parts[:-1]:
        current = current / part
        if current.is_dir() and not current.is_symlink():
            continue
        if not make:
            return False
        _clear(current)
        current.mkdir()
    return True


def _clear(path: Path) -> None:
    """Remove what stands at path inside the published folder: a file, a symlink (not its target) or a folder."""
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    """Remove folder and its parents up to root while they are empty."""
    while folder != root and root in folder.parents and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
