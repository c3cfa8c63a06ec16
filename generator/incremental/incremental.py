"""Incremental building: reuse what did not change since the last build, redo only what did.

Two halves, both backed by the cache:
- `EntryStore` keeps one record per source file. A file whose size and modification time are as
  recorded is not read; one whose bytes hash as recorded is not parsed; only the rest is parsed and
  rendered (through `mapper`, which a process pool can provide).
- `OutputLedger` keeps, per output file, the digest of what it was made from and how it looked on
  disk. A page whose digest and file are unchanged is neither rendered nor read; a rendered file
  whose bytes are unchanged is not written; files no longer produced are removed.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import operator
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

from generator import __version__
from generator.incremental.cache import Cache, OutputRow
from generator.config import SiteConfig
from generator.incremental.digest import Fingerprints, ReadLog, TemplateDigests, hash_bytes, hash_text, resolve, self_contained
from generator.pipeline.entries import SourceFile
from generator.errors import Problem, error, warning
from generator.pipeline.markdown import Audience
from generator.deploy.output import Staging
from generator.pipeline.pages import PlannedPage
from generator.incremental.parallel import in_background
from generator.pipeline.site import paused_gc
from generator.incremental.records import (EntryRecord, PlainRecord, Stamp, content_digest, model_shape, process_entry,
                               record_from_plain, record_to_plain, render_record)

_ROOT = re.compile(r"[^.#!?=\[]*")  # the context name a read path starts with
#: A page that reads this many attributes of a context value depends on all of it (cheaper to digest).
WHOLE_FROM = 8
#: From this many files to parse, the system is asked to read them all ahead (see read_ahead).
READ_AHEAD_FROM = 200
#: From this many output files, a quick rebuild looks at them in a forked child (see manifest_on_disk).
BACKGROUND_STAT_FROM = 2000
#: Files modified this recently (ns) are hashed again next time: their stamp cannot be trusted yet.
RACY_NS = 2_000_000_000
#: The size scan_files gives an item it could not look at: a scan holding one is never trusted.
UNSEEN = -1
Mapper = Callable[..., Iterable[EntryRecord]]


#: Libraries whose code shapes the output: an upgrade must not reuse what an older one made.
LIBRARIES = ("markdown_it", "mdit_py_plugins", "jinja2", "markupsafe", "yaml", "frontmatter")


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
    content: dict[str, Stamp]  # files under content/ by path relative to it
    setup: str | None = None  # digest of all but the entries (.md under content/); None when one is too fresh


def scan_inputs(content_dir: Path, folders: Iterable[Path], files: Iterable[Path], start_ns: int) -> InputScan:
    """Scan the inputs of a build: site.toml, everything under content/, templates/, static/ and the theme.

    A new kind of input must be added here, or a build with nothing changed would miss it.
    """
    content = scan_files(content_dir)
    listed = [(str(content_dir), content), *((str(f), scan_files(f)) for f in folders)]
    for path in files:
        try:
            status = path.stat()
            listed.append((str(path), {"": (status.st_size, status.st_mtime_ns)}))
        except OSError:
            listed.append((str(path), {"": (UNSEEN, 0)}))
    parts: list[str] = []
    setup: list[str] = []
    fresh = fresh_setup = False
    for base, found in listed:
        entries = found is content
        for rel, (size, mtime) in sorted(found.items()):
            recent = size == UNSEEN or mtime >= start_ns - RACY_NS
            part = f"{base}/{rel}:{size}:{mtime}"
            parts.append(part)
            fresh = fresh or recent
            if not (entries and rel.endswith(".md")):
                setup.append(part)
                fresh_setup = fresh_setup or recent
    return InputScan(None if fresh else hash_text(*parts), content, None if fresh_setup else hash_text(*setup))


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


class EntryStore:
    """The records of a site's source files, in memory and in the cache."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.records: dict[str, EntryRecord] = {}  # decoded records by source path
        self._stored: dict[str, PlainRecord] | None = None  # plain records not decoded yet (read on first use)
        self._audience: Audience = "journal"  # whose renders the plain records hold
        self._loaded: dict[str, EntryRecord] = {}  # records as the cache holds them
        self._stamps: Mapping[str, Stamp] = {}  # sizes and times scanned for this refresh
        self.parsed = 0  # files parsed in the last refresh
        self.read = 0  # files read in the last refresh
        self._unstored: tuple[Audience, list[EntryRecord], list[str]] | None = None  # what store() writes

    def refresh(self, sources: list[SourceFile], cfg: SiteConfig, audience: Audience, *, mapper: Mapper = map,
                stamps: Mapping[str, Stamp] | None = None, progress: Callable[[str, int, int], None] | None = None,
                store_later: bool = False) -> list[EntryRecord]:
        """Return a record per source, reusing every record whose file did not change.

        `stamps` may give each file's (size, mtime_ns) by path, as scanned; others are looked up.
        With `store_later`, the new records are written to the cache only by store() (a big build
        calls it while its workers render, when this process would otherwise wait).
        """
        start_ns, self.parsed, self.read = time.time_ns(), 0, 0
        self._stamps = stamps or {}
        if self._stored is None:
            self._stored, self._audience = self.cache.records(audience), audience
        found: dict[str, EntryRecord] = {}
        todo: list[tuple[SourceFile, bytes | None, Stamp]] = []
        with paused_gc():  # decoding and parsing make many long-lived objects, and garbage without cycles
            for source in sources:
                record, raw, stamp = self._reuse(source, cfg, audience, start_ns)
                if record is not None:
                    found[source.rel] = record
                else:
                    todo.append((source, raw, stamp))
            if len(todo) >= READ_AHEAD_FROM:
                read_ahead(source.path for source, raw, _ in todo if raw is None)
            made = mapper(read_and_process, [t[0] for t in todo], [t[1] for t in todo], repeat(cfg), repeat(audience))
            for done, ((source, _, stamp), record) in enumerate(zip(todo, made, strict=True), start=1):
                found[source.rel] = replace(record, stamp=trusted_stamp(stamp, start_ns)) if record.digest else record
                if progress is not None:
                    progress("Reading entries", done, len(todo))
            self.parsed = len(todo)
            self._hold(found, audience)
        if not store_later:
            self.store()
        return [found[s.rel] for s in sources]

    def parse(self, sources: list[SourceFile], cfg: SiteConfig, audience: Audience,
              stamps: Mapping[str, Stamp]) -> dict[str, EntryRecord]:
        """Return a fresh record per source, parsed here whatever the cache holds (for a few files)."""
        start_ns, found = time.time_ns(), {}
        for source in sources:
            try:
                stamp = stamps.get(source.rel) or _stamp(source.path)
                raw = source.path.read_bytes()
            except OSError as exc:
                found[source.rel] = _unreadable(source, exc)
                continue
            found[source.rel] = replace(process_entry(source, raw, cfg, audience), stamp=trusted_stamp(stamp, start_ns))
        self.parsed = self.read = len(found)
        return found

    def keep(self, found: Mapping[str, EntryRecord], audience: Audience) -> None:
        """Store records made by parse() and hold them as the latest of their sources."""
        self.cache.save(audience, _stored_rows(found.values(), audience), [])
        self.records.update(found)
        self._loaded.update(found)
        if self._stored:  # plain records not decoded yet: these sources have newer ones now
            for rel in found:
                self._stored.pop(rel, None)

    def _reuse(self, source: SourceFile, cfg: SiteConfig, audience: Audience,
               start_ns: int) -> tuple[EntryRecord | None, bytes | None, Stamp]:
        """Return the old record if the file is unchanged (rendering it if need be), else the file's bytes.

        A file with no old record is not read here: read_and_process reads it (in a worker, for a big build).
        """
        old = self._record(source)
        try:
            stamp = self._stamps.get(source.rel) or _stamp(source.path)
            if old is not None and old.stamp == stamp and not old.needs_render(audience):
                return old, b"", stamp
            if old is None:
                self.read += 1
                return None, None, stamp
            raw = source.path.read_bytes()
        except OSError as exc:
            return _unreadable(source, exc), b"", (0, 0)
        self.read += 1
        if old.digest != content_digest(raw):
            return None, raw, stamp
        return render_record(replace(old, stamp=trusted_stamp(stamp, start_ns)), cfg, audience), b"", stamp

    def _record(self, source: SourceFile) -> EntryRecord | None:
        """Return the record of a source file from memory or the cache, if there is a usable one."""
        rel = source.rel
        record = self.records.get(rel)
        if record is None and self._stored and rel in self._stored:
            try:
                record = record_from_plain(self._stored.pop(rel), self._audience, source.path)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                self.cache.problems.append(warning(self.cache.path, None, f"ignored an unreadable cache record for {rel}"))
                return None
            self.records[rel] = self._loaded[rel] = record
        return record if record is not None and record.rel == rel else None

    def _hold(self, found: dict[str, EntryRecord], audience: Audience) -> None:
        """Hold the new records in memory; note those that changed (with this audience's render) for store()."""
        self.store()  # what an earlier refresh left unstored goes first
        changed = [r for rel, r in found.items() if r.digest and self._loaded.get(rel) is not r]
        removed = [rel for rel in (*self._loaded, *(self._stored or ())) if rel not in found]
        self.records = {rel: r for rel, r in found.items() if r.digest}
        self._loaded = dict(self.records)
        self._stored = {}
        self._unstored = (audience, changed, removed)

    def store(self) -> None:
        """Write the records that the last refresh made or dropped to the cache (once)."""
        if self._unstored is None:
            return
        audience, changed, removed = self._unstored
        self._unstored = None
        self.cache.save(audience, _stored_rows(changed, audience), removed)


def read_ahead(paths: Iterable[Path]) -> None:
    """Ask the system to start reading files about to be parsed, all at once, without waiting for them.

    Where they are not in the page cache (a first build after other work), the workers would
    otherwise wait for each small file in turn; where they are, this costs about 8 µs a file.
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:  # not on Linux
        return
    for path in paths:
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError:
            continue  # read_and_process reports it
        try:
            advise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(descriptor)


def read_and_process(source: SourceFile, raw: bytes | None, cfg: SiteConfig, audience: Audience) -> EntryRecord:
    """Return the record of a source file from its bytes, read here when not given."""
    if raw is None:
        try:
            raw = source.path.read_bytes()
        except OSError as exc:
            return _unreadable(source, exc)
    return process_entry(source, raw, cfg, audience)


def _stored_rows(records: Iterable[EntryRecord], audience: Audience) -> dict[str, tuple[Any, ...]]:
    """Return what the cache stores of each record, with one audience's render, by source path."""
    return {r.rel: (r.digest, *record_to_plain(r, audience)) for r in records}


def _unreadable(source: SourceFile, exc: OSError) -> EntryRecord:
    """Return the record of a source file that cannot be read: no entry, one error."""
    problem = error(source.path, None, f"cannot read the file: {exc.strerror}")
    return EntryRecord(source.rel, "", None, None, (problem,))


def _stamp(path: Path) -> Stamp:
    """Return a file's (size, mtime_ns)."""
    status = os.stat(path)
    return status.st_size, status.st_mtime_ns


def trusted_stamp(stamp: Stamp, start_ns: int) -> Stamp | None:
    """Return the stamp if the file is old enough for size and time to identify its bytes."""
    return stamp if stamp[1] < start_ns - RACY_NS else None


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


def scan_files(folder: Path) -> dict[str, tuple[int, int]]:
    """Return every file under folder as relative path -> (size, mtime_ns).

    Each item is looked at on its own: one that cannot be (a dangling symlink such as an editor's
    lock file `.#entry.md`, a symlink loop, a file gone mid-scan) is listed with the size UNSEEN,
    and so is a folder that cannot be listed (by its path with a trailing "/"); the rest of the
    scan goes on. A scan holding UNSEEN is never trusted to mean "nothing changed" (scan_inputs).
    """
    found: dict[str, tuple[int, int]] = {}
    stack = [(str(folder), "")]
    while stack:
        current, prefix = stack.pop()
        try:
            with os.scandir(current) as items:
                listed = list(items)
        except FileNotFoundError:
            if prefix:
                found[prefix] = (UNSEEN, 0)  # a folder gone mid-scan (a missing top folder is simply empty)
            continue
        except OSError:
            found[prefix] = (UNSEEN, 0)
            continue
        for item in listed:
            try:
                if item.is_dir(follow_symlinks=False):
                    stack.append((item.path, f"{prefix}{item.name}/"))
                    continue
                status = item.stat()
                found[prefix + item.name] = (status.st_size, status.st_mtime_ns)
            except OSError:
                found[prefix + item.name] = (UNSEEN, 0)
    return found


class StagedFile(NamedTuple):
    """One file of a build after staging: its row, and whether its bytes were written (or the live file kept).

    A tuple of plain values, which the garbage collector stops looking at once it has seen it: a
    big build holds one per page while it renders.
    """

    path: str
    row: OutputRow
    written: bool


class OutputLedger:
    """The output files of one build, checked against the manifest of the last good one."""

    def __init__(self, staging: Staging, manifest: dict[str, OutputRow], *, walk: bool = True,
                 on_disk: Callable[[], dict[str, tuple[int, int]]] | None = None) -> None:
        """Look at the live folder: every file in it (`walk`), or only the manifest's files.

        Without the walk (when the build makes the same set of files as the last one), files that
        the manifest does not list are left alone, as a no-op build leaves them; `on_disk` gives
        them when they were looked at already (manifest_on_disk).
        """
        self.staging = staging
        self.manifest = manifest  # the last good build's rows
        if walk:
            self.on_disk = scan_files(staging.target)  # the live files
        else:
            self.on_disk = on_disk() if on_disk is not None else stat_files(staging.target, manifest)
        self.rows: dict[str, OutputRow] = {}  # this build's rows, by output path
        self._written: dict[str, OutputRow] = {}  # rows of the files written to staging, taken in on commit
        self._reads: dict[tuple[str, ...], tuple[str, ...]] = {}  # each list of read paths made, as one tuple: pages
        # share a handful of them, so the rows sent back by workers carry each once per batch (pickle sees the same)

    def intact(self, path: str) -> OutputRow | None:
        """Return the manifest row of a file that is on disk exactly as the last build left it."""
        row = self.manifest.get(path)
        if row is not None and self.on_disk.get(path) == (row.size, row.mtime_ns):
            return row
        return None

    def reuse(self, path: str, digest: str) -> bool:
        """Keep a file untouched, without reading it, when it was made from the same things; return True if kept."""
        row = self.intact(path)
        if row is None or row.digest != digest:
            return False
        return self.keep(path, row)

    def keep(self, path: str, row: OutputRow) -> bool:
        """Keep a file untouched with the row intact() gave for it; return True."""
        self.staging.keep(path)
        self.rows[path] = row
        return True

    def reuse_all(self, paths: list[Any]) -> bool:
        """Keep files as the last build left them, with their digests, if every one is intact; return True if kept."""
        rows = [(path, self.intact(path)) for path in paths if isinstance(path, str)]
        if len(rows) != len(paths) or any(row is None for _, row in rows):
            return False
        for path, row in rows:
            assert row is not None
            self.reuse(path, row.digest)
        return True

    def content_hash(self, path: str) -> str | None:
        """Return the hash of a file's bytes as this build leaves it; None when it has no row yet."""
        row = self._written.get(path) or self.rows.get(path)
        return row.hash if row is not None else None

    def put(self, path: str, digest: str, data: bytes, reads: Iterable[str] = ()) -> None:
        """Stage a file's bytes; unchanged bytes leave the live file as it is."""
        self.record(self.stage(path, digest, data, reads))

    def stage(self, path: str, digest: str, data: bytes, reads: Iterable[str] = ()) -> StagedFile:
        """Write a file into staging unless the live one has its bytes; record nothing (safe in forked workers)."""
        content = hash_bytes(data)
        row = self.intact(path)
        mtime = None if row is not None and row.hash == content else self.staging.write(path, data)
        written = mtime is not None
        size, mtime = (len(data), mtime) if mtime is not None else self.on_disk.get(path, (len(data), 0))
        return StagedFile(path, OutputRow(digest, content, size, mtime, self._shared_reads(tuple(sorted(reads)))),
                          written)

    def _shared_reads(self, reads: tuple[str, ...]) -> tuple[str, ...]:
        """Return the one tuple of these read paths that this ledger hands out."""
        return self._reads.setdefault(reads, reads)

    def record(self, staged: StagedFile) -> None:
        """Take a staged file into this build's rows (in the process that commits)."""
        row = staged.row
        shared = self._reads.get(row.reads) or self._shared_reads(tuple(map(sys.intern, row.reads)))
        if row.reads is not shared:
            row = row._replace(reads=shared)
        self.staging.note(staged.path, staged.written)
        if staged.written:
            self._written[staged.path] = row
        else:
            self.rows[staged.path] = row

    def commit(self) -> list[str]:
        """Swap staged files in, remove stale ones, take in the rows of the written files; return removed paths."""
        removed = self.staging.commit(existing=self.on_disk)
        self.rows.update(self._written)  # each with the size and time its file was written with (a move keeps them)
        return removed

    @property
    def written(self) -> list[str]:
        """Return the paths whose bytes this build changed."""
        return sorted(self._written)

    def changes(self) -> tuple[dict[str, OutputRow], list[str]]:
        """Return the rows that differ from the manifest and the paths it no longer has."""
        changed = {p: r for p, r in self.rows.items() if self.manifest.get(p) != r}
        return changed, [p for p in self.manifest if p not in self.rows]


class PageDigests:
    """The digest of each planned page: its templates, its plain context values, the model values it read."""

    def __init__(self, templates: TemplateDigests, shared: Mapping[str, Any], key: str) -> None:
        self.templates = templates
        self.prints = Fingerprints()
        self.shared = shared  # what every page receives (the Site, the config)
        parts = [key]
        for name, value in shared.items():
            parts.append(name)
            if not watched(value):
                self.prints.add(value, parts)
        self.base = hash_text(*parts)
        self._plans: dict[frozenset[str], list[tuple[str, tuple[str, ...], Callable[[Any], Any] | None]]] = {}
        self._shared_parts: dict[str, list[str]] = {}
        self._items: dict[tuple[int, tuple[str, ...]], tuple[Any, str]] = {}  # (item id, paths) -> its digest
        self._log = ReadLog()  # what each page render here reads, emptied for the next (see new_log)
        self._watched_shared = watch_values(shared, self._log)  # their stand-ins remember what they read for every page
        self._shared_paths = frozenset(self._log.paths)

    def new_log(self) -> tuple[ReadLog, dict[str, Any]]:
        """Return the read log, emptied for a page render, and the shared values watched for it.

        The shared values' stand-ins serve every page: what one page read of them, the next finds at
        once, and notes in the same log.
        """
        self._log.paths = set(self._shared_paths)
        return self._log, self._watched_shared

    def page(self, item: PlannedPage, reads: Iterable[str]) -> str:
        """Return the digest of a page whose render read these paths."""
        parts = [self.base, self.templates.digest(item.template), item.url, item.path, item.template]
        for key, value in item.context.items():
            parts.append(key)
            if not watched(value):
                self.prints.add(value, parts)
        for root, paths, getter in self._plan(reads):
            if root in self.shared and root not in item.context:
                parts.extend(self._shared_part(paths))
            elif getter is None:
                self._add_paths(item.context, paths, parts)
            else:
                self._add_reads(item.context, root, paths, getter, parts)
        return hash_text(*parts)

    def _plan(self, reads: Iterable[str]) -> list[tuple[str, tuple[str, ...], Callable[[Any], Any] | None]]:
        """Return the read paths grouped by root: plain attribute paths with one getter for all, the rest alone."""
        key = reads if isinstance(reads, frozenset) else frozenset(reads)
        if key not in self._plans:
            plain: dict[str, list[str]] = {}
            special: dict[str, list[str]] = {}
            for path in sorted(key):
                root = _ROOT.match(path).group(0)  # type: ignore[union-attr]
                simple = "." in path and "[]" not in path and not path.endswith(("#len", "!", "?", "="))
                (plain if simple else special).setdefault(root, []).append(path)
            for root in [r for r, ps in plain.items() if r not in self.shared and _fields_read(ps) >= WHOLE_FROM]:
                special.setdefault(root, []).insert(0, root)  # most of it is read: digest all of it (memoised)
                del plain[root]
            groups = [(r, tuple(ps), _getter(ps)) for r, ps in sorted(plain.items())]
            self._plans[key] = groups + [(r, tuple(ps), None) for r, ps in sorted(special.items())]
        return self._plans[key]

    def _add_reads(self, context: dict[str, Any], root: str, paths: tuple[str, ...],
                   getter: Callable[[Any], Any], parts: list[str]) -> None:
        """Append the values a page read under one root of its context."""
        parts.extend(paths)
        try:
            values = getter(context[root])
        except (AttributeError, KeyError, TypeError):
            values = tuple(resolve(context, path) for path in paths)
        for value in values:
            self.prints.add(value, parts)

    def _shared_part(self, paths: tuple[str, ...]) -> list[str]:
        """Return the parts for read paths under a shared value (the same for every page of a build)."""
        out: list[str] = []
        for path in paths:
            if path not in self._shared_parts:
                self._shared_parts[path] = []
                self._add_paths(self.shared, (path,), self._shared_parts[path])
            out.extend(self._shared_parts[path])
        return out

    def _add_paths(self, roots: Mapping[str, Any], paths: Iterable[str], parts: list[str]) -> None:
        """Append read paths and what they stand for; the paths below one `[]` go item by item (`_add_items`)."""
        below: dict[str, list[str]] = {}
        for path in paths:
            if "[]" in path:
                head, _, rest = path.partition("[]")
                below.setdefault(head, []).append(rest)
            else:
                parts.append(path)
                self.prints.add(resolve(roots, path), parts)
        for head, rests in below.items():
            self._add_items(roots, head, tuple(rests), parts)

    def _add_items(self, roots: Mapping[str, Any], head: str, rests: tuple[str, ...], parts: list[str]) -> None:
        """Append what some paths stand for in each item of a tuple; each item's part is made once per build."""
        parts.append(head + "[]")
        parts.extend(rests)
        items = resolve(roots, head + "=")
        if not isinstance(items, (tuple, list)):
            parts.append("<no items>")
            return
        parts.append(f"[{len(items)}")
        paths = tuple("_" + rest for rest in rests)  # the same paths, from one item
        for item in items:
            hit = self._items.get((id(item), paths))
            if hit is None:
                inner: list[str] = []
                self._add_paths({"_": item}, paths, inner)
                hit = self._items[(id(item), paths)] = (item, hash_text(*inner))  # the item keeps its id its own
            parts.append(hit[1])


def _fields_read(paths: list[str]) -> int:
    """Return how many different attributes of a root value some read paths use."""
    return len({p.split(".", 2)[1] for p in paths})


def _getter(paths: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """Return a function giving the values of attribute paths (root.a.b) under one root, all at once."""
    get = operator.attrgetter(*(p.split(".", 1)[1] for p in paths))
    return (lambda value: (get(value),)) if len(paths) == 1 else get


def watched(value: Any) -> bool:
    """Return True for context values whose reads are followed (dataclasses and tuples), not digested whole."""
    return type(value) in (tuple, list) or (dataclasses.is_dataclass(value) and not isinstance(value, type))


def watch_values(values: Mapping[str, Any], log: ReadLog) -> dict[str, Any]:
    """Return template variables with dataclass and tuple values replaced by stand-ins noting reads.

    A self-contained value (see digest.self_contained) is given as it is and noted whole (`post=`):
    a page given one as its own (an entry's page, its post) shows most of it, and its fields need
    not be watched one by one while it renders.
    """
    watching: dict[str, Any] = {}
    for name, value in values.items():
        if not watched(value):
            watching[name] = value
        elif self_contained(type(value)):
            log.paths.add(name + "=")
            watching[name] = value
        else:
            watching[name] = log.watch(value, name)
    return watching


def watch_context(item: PlannedPage, log: ReadLog) -> PlannedPage:
    """Return the page with its dataclass and tuple context values replaced by stand-ins noting reads."""
    return replace(item, context=watch_values(item.context, log))

