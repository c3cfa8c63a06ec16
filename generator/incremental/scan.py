"""What a build reads from disk, looked at without reading it: every input file's stamp, the output's state.

A stamp is what git compares to tell whether a file changed without reading it: size, modification
time, change time and inode (`file_stamp`). The change time cannot be set back by a program (`cp -p`,
`touch -r`, `os.utime` all set it to now), so an edit that restores size and modification time is
still seen. A stamp with a part the system does not give (0), or one too recent to be trusted, is
no stamp: such a file is read and hashed.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import __version__
from generator.config import SiteConfig
from generator.incremental.cache import OutputRow
from generator.incremental.digest import hash_text
from generator.incremental.parallel import in_background
from generator.incremental.records import Stamp, content_digest, model_shape

#: From this many output files, a quick rebuild looks at them in a forked child (see manifest_on_disk).
BACKGROUND_STAT_FROM = 2000
#: Files modified this recently (ns) are hashed again next time: their stamp cannot be trusted yet.
RACY_NS = 2_000_000_000
#: The size scan_files gives an item it could not look at: a scan holding one is never trusted.
UNSEEN = -1


#: Libraries whose code shapes the output: an upgrade must not reuse what an older one made.
LIBRARIES = ("markdown_it", "mdit_py_plugins", "jinja2", "markupsafe", "yaml", "frontmatter", "feedgen", "PIL")


def code_stamp() -> str:
    """Return a digest of Footfall's own files and the libraries it renders with, as installed."""
    package = Path(__file__).resolve().parent.parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.origin:
            files.append(Path(spec.origin))
    stats = ((str(p), p.stat()) for p in files)
    return hash_text(__version__, sys.version, *(f"{p}:{s.st_size}:{s.st_mtime_ns}" for p, s in stats))


def cache_key(cfg: SiteConfig, theme_settings: object, code: str) -> str:
    """Return the key of everything cached data depends on besides the files themselves."""
    return hash_text(code, model_shape(), repr(cfg), repr(theme_settings))


@dataclass(frozen=True, slots=True)
class InputScan:
    """Every input file of a build with its size and time, read in one pass."""

    stamp: str | None  # digest of all of them; None when one is too fresh to trust
    content: dict[str, Stamp]  # files under content/ by path relative to it, with their stamps
    setup: str | None = None  # digest of the bytes of all but the entries (setup_digest); None when one is unseen
    hashes: dict[str, list[Any]] | None = None  # the setup files' hashes by path, with their stamps, for the next scan
    read: dict[str, str] | None = None  # the digest of each file under content/ but the entries, as this scan read it


def scan_inputs(content_dir: Path, folders: Iterable[Path], files: Iterable[Path], start_ns: int,
                known: Mapping[str, Any] | None = None) -> InputScan:
    """Scan the inputs of a build: site.toml, everything under content/, templates/, static/ and the theme.

    `known` gives the setup files' hashes the last scan kept (InputScan.hashes: see setup_digest).
    A new kind of input must be added here, or a build with nothing changed would miss it.
    """
    content = scan_files(content_dir)
    listed = [(str(content_dir), content), *((str(f), scan_files(f)) for f in folders)]
    for path in files:
        try:
            listed.append((str(path), {"": file_stamp(path)}))
        except OSError:
            listed.append((str(path), {"": (UNSEEN, 0, 0, 0)}))
    parts: list[str] = []
    setup: list[tuple[str, Stamp]] = []
    fresh = False
    for base, found in listed:
        entries = found is content
        for rel, stamp in sorted(found.items()):
            parts.append(f"{base}/{rel}:{':'.join(map(str, stamp))}")
            fresh = fresh or stamp[0] == UNSEEN or trusted_stamp(stamp, start_ns) is None
            if not (entries and rel.endswith(".md")):
                setup.append((f"{base}/{rel}" if rel else base, stamp))
    read: dict[str, str] = {}
    digest, hashes = setup_digest(setup, known or {}, start_ns, read)
    inside = str(content_dir) + "/"
    others = {path.removeprefix(inside): found for path, found in read.items() if path.startswith(inside)}
    return InputScan(None if fresh else hash_text(*parts), content, digest, hashes, others)


#: A file's bytes as last hashed for the setup digest: (size, mtime_ns, ctime_ns, inode, hash) by path.
KnownHashes = dict[str, list[Any]]


def setup_digest(files: Iterable[tuple[str, Stamp]], known: Mapping[str, Any],
                 start_ns: int, read: dict[str, str] | None = None) -> tuple[str | None, KnownHashes]:
    """Return the digest of the setup files' bytes, and each file's hash with its stamp, for the next build.

    The digest is of what the files hold, not of their stamps, so that a build made right after the
    site was copied or checked out (every stamp too fresh to trust) knows the setup of the next one
    as its own. A file whose stamp is trusted and as `known` has it is not read again; a fresh one is
    read every time, and its hash not kept. None when a file cannot be read. `read`, when given,
    receives each file's digest by path.
    """
    parts: list[str] = []
    hashes: KnownHashes = {}
    for path, stamp in files:
        if stamp[0] == UNSEEN:
            return None, hashes
        old = known.get(path)
        trusted = trusted_stamp(stamp, start_ns) is not None
        if trusted and isinstance(old, list) and len(old) == 5 and tuple(old[:4]) == stamp:
            digest = str(old[4])
        else:
            try:
                with open(path, "rb") as handle:
                    digest = content_digest(handle.read())
            except OSError:
                return None, hashes
        if trusted:
            hashes[path] = [*stamp, digest]
        if read is not None:
            read[path] = digest
        parts.append(f"{path}:{digest}")
    return hash_text(*parts), hashes


def settle_stamps(folder: Path, stamps: dict[str, Stamp | None], scanned: Mapping[str, Stamp],
                  digests: Mapping[str, str]) -> None:
    """Trust, in place, the stamps left untrusted when their files were read too soon after being written.

    A file whose stamp is as scanned and now old enough, and whose bytes still hash as those read
    (`digests`), is known by that stamp from now on: without this, a build made right after the site
    was copied would leave the next one to read and hash every file again.
    """
    now = time.time_ns()
    for rel, stamp in stamps.items():
        seen = scanned.get(rel)
        if stamp is not None or seen is None or rel not in digests or trusted_stamp(seen, now) is None:
            continue
        path = folder / rel
        try:
            raw = path.read_bytes()
            if file_stamp(path) != seen:
                continue
        except OSError:
            continue
        if content_digest(raw) == digests[rel]:
            stamps[rel] = seen


def outputs_intact(folder: Path, manifest: dict[str, OutputRow]) -> bool:
    """Return True when every file of the manifest is on disk as the last build left it."""
    base = str(folder) + os.sep
    try:
        for path, row in manifest.items():
            status = os.stat(base + path)
            if status.st_size != row.size or status.st_mtime_ns != row.mtime_ns:
                return False
    except OSError:
        return False
    return bool(manifest)


def file_stamp(path: Path) -> Stamp:
    """Return a file's stamp: (size, mtime_ns, ctime_ns, inode), what git compares to see a change unread."""
    return _stamp_of(os.stat(path))


def _stamp_of(status: os.stat_result) -> Stamp:
    """Return the stamp of a file's status."""
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


def trusted_stamp(stamp: Stamp, start_ns: int) -> Stamp | None:
    """Return the stamp if it identifies the file's bytes: every part known, and neither time too recent.

    A part the system leaves unknown (0) means the bytes must be hashed; so does a time within
    RACY_NS of the build's start, when the file may still change within the clock's resolution.
    """
    _, mtime, ctime, inode = stamp
    if not (ctime and inode) or max(mtime, ctime) >= start_ns - RACY_NS:
        return None
    return stamp


def stat_files(folder: Path, paths: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Return the listed files that exist under folder as relative path -> (size, mtime_ns)."""
    base, found = f"{folder}{os.sep}", {}
    for path in paths:
        try:
            status = os.stat(base + path)
        except OSError:
            continue
        found[path] = (status.st_size, status.st_mtime_ns)
    return found


def manifest_on_disk(folder: Path, manifest: Mapping[str, OutputRow]) -> Callable[[], dict[str, tuple[int, int]]]:
    """Start looking at the manifest's files on disk; return the function giving what stat_files would.

    A big manifest is looked at in a forked child while this process goes on (loading the snapshot,
    say): the child sends back only the files that differ from their rows, usually none. Call the
    function in any case: that reaps the child.
    """
    if len(manifest) < BACKGROUND_STAT_FROM:
        found = stat_files(folder, manifest)
        return lambda: found
    differing = in_background(lambda: _differing(folder, manifest))

    found: dict[str, tuple[int, int]] = {}

    def on_disk() -> dict[str, tuple[int, int]]:
        if not found:
            found.update((path, (row.size, row.mtime_ns)) for path, row in manifest.items())
            for path, status in differing().items():
                if status is None:
                    del found[path]
                else:
                    found[path] = status
        return found

    return on_disk


def _differing(folder: Path, manifest: Mapping[str, OutputRow]) -> dict[str, tuple[int, int] | None]:
    """Return the manifest's files whose size or time differ from their rows: (size, mtime_ns), None if gone."""
    on_disk = stat_files(folder, manifest)
    return {path: on_disk.get(path) for path, row in manifest.items() if on_disk.get(path) != (row.size, row.mtime_ns)}


def scan_files(folder: Path) -> dict[str, Stamp]:
    """Return every file under folder as relative path -> its stamp (see file_stamp).

    Each item is looked at on its own: one that cannot be (a dangling symlink such as an editor's
    lock file `.#entry.md`, a symlink loop, a file gone mid-scan) is listed with the size UNSEEN,
    and so is a folder that cannot be listed (by its path with a trailing "/"); the rest of the
    scan goes on. A scan holding UNSEEN is never trusted to mean "nothing changed" (scan_inputs).
    """
    found: dict[str, Stamp] = {}
    stack = [(str(folder), "")]
    while stack:
        current, prefix = stack.pop()
        try:
            with os.scandir(current) as items:
                listed = list(items)
        except FileNotFoundError:
            if prefix:
                found[prefix] = (UNSEEN, 0, 0, 0)  # a folder gone mid-scan (a missing top folder is simply empty)
            continue
        except OSError:
            found[prefix] = (UNSEEN, 0, 0, 0)
            continue
        for item in listed:
            try:
                if item.is_dir(follow_symlinks=False):
                    stack.append((item.path, f"{prefix}{item.name}/"))
                    continue
                found[prefix + item.name] = _stamp_of(item.stat())
            except OSError:
                found[prefix + item.name] = (UNSEEN, 0, 0, 0)
    return found
