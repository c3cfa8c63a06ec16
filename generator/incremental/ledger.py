"""The output files of a build, checked against the manifest of the last good one.

Each output file has a row: the digest of what it was made from and how it looked on disk. A page
whose digest and file are unchanged is neither rendered nor read; a rendered file whose bytes are
unchanged is not written; files no longer produced are removed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from generator.deploy.output import Staging
from generator.incremental.cache import OutputRow
from generator.incremental.digest import hash_bytes
from generator.incremental.plan_digest import PLAN_DIGEST
from generator.incremental.scan import scan_files, stat_files


class StagedFile(NamedTuple):
    """One file of a build after staging: its row, and whether its bytes were written (or the live file kept).

    A tuple of plain values, which the garbage collector stops looking at once it has seen it: a
    big build holds one per page while it renders.
    """

    path: str
    row: OutputRow
    written: bool
    shard: str | None = None  # a page's shard of the search index, when worked out as it was made (search_index)


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
        if walk:  # the live files
            self.on_disk = {path: stamp[:2] for path, stamp in scan_files(staging.target).items()}
        else:
            self.on_disk = on_disk() if on_disk is not None else stat_files(staging.target, manifest)
        self.rows: dict[str, OutputRow] = {}  # this build's rows, by output path
        self._written: dict[str, OutputRow] = {}  # rows of the files written to staging, taken in on commit
        self.shards: dict[str, str] = {}  # page -> its shard of the search index, as worked out when it was made
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

    def reuse_page(self, path: str, digest: str) -> bool:
        """Keep a page as reuse() does, its plan digest aside; return True if kept.

        A page's digest starts with the digest of its plan (page_digests.PageDigests.page): only the
        rest, what the page was made from, must be as it was; the kept row takes the new plan digest.
        """
        row = self.intact(path)
        if row is None or row.digest[PLAN_DIGEST:] != digest[PLAN_DIGEST:] or len(row.digest) != len(digest):
            return False
        return self.keep(path, row if row.digest == digest else row._replace(digest=digest))

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

    def put(self, path: str, digest: str | None, data: bytes, reads: Iterable[str] = ()) -> None:
        """Stage a file's bytes; unchanged bytes leave the live file as it is."""
        self.record(self.stage(path, digest, data, reads))

    def stage(self, path: str, digest: str | None, data: bytes, reads: Iterable[str] = ()) -> StagedFile:
        """Write a file into staging unless the live one has its bytes; record nothing (safe in forked workers).

        `digest` is what the file is made from; None: its bytes alone (their hash, made once).
        """
        content = hash_bytes(data)
        digest = content if digest is None else digest
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
        if staged.shard is not None:
            self.shards[staged.path] = staged.shard
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
