"""The records of a site's source files: reuse every record whose file did not change, parse the rest.

A file whose stamp is as recorded (see scan.py) is not read; one whose bytes hash as recorded is
not parsed; only the rest is parsed and rendered (through `mapper`, which a process pool can provide).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from itertools import repeat
from pathlib import Path
from typing import Any

from generator.config import SiteConfig
from generator.errors import error, warning
from generator.incremental.cache import Cache
from generator.incremental.records import (EntryRecord, PlainRecord, Stamp, content_digest, process_entry,
                                           record_from_plain, record_to_plain, render_record)
from generator.incremental.scan import file_stamp, trusted_stamp
from generator.pipeline.entries import SourceFile
from generator.pipeline.markdown import Audience
from generator.incremental.memory import paused_gc

#: From this many files to parse, the system is asked to read them all ahead (see read_ahead).
READ_AHEAD_FROM = 200
Mapper = Callable[..., Iterable[EntryRecord]]


class EntryStore:
    """The records of a site's source files, in memory and in the cache."""

    def __init__(self, cache: Cache) -> None:
        self.cache = cache
        self.records: dict[str, EntryRecord] = {}  # decoded records by source path
        self._stored: dict[str, PlainRecord] | None = None  # plain records not decoded yet (read on first use)
        self._audience: Audience = "journal"  # whose renders the plain records hold
        self._loaded: dict[str, EntryRecord] = {}  # records as the cache holds them
        self._stamps: Mapping[str, Stamp] = {}  # stamps scanned for this refresh
        self.parsed = 0  # files parsed in the last refresh
        self.read = 0  # files read in the last refresh
        self._unstored: tuple[Audience, list[EntryRecord], list[str]] | None = None  # what store() writes

    def refresh(self, sources: list[SourceFile], cfg: SiteConfig, audience: Audience, *, mapper: Mapper = map,
                stamps: Mapping[str, Stamp] | None = None, progress: Callable[[str, int, int], None] | None = None,
                store_later: bool = False) -> list[EntryRecord]:
        """Return a record per source, reusing every record whose file did not change.

        `stamps` may give each file's stamp by path, as scanned; others are looked up.
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
                stamp = stamps.get(source.rel) or file_stamp(source.path)
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
            stamp = self._stamps.get(source.rel) or file_stamp(source.path)
            if old is not None and old.stamp == stamp and not old.needs_render(audience):
                return old, b"", stamp
            if old is None:
                self.read += 1
                return None, None, stamp
            raw = source.path.read_bytes()
        except OSError as exc:
            return _unreadable(source, exc), b"", (0, 0, 0, 0)
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
