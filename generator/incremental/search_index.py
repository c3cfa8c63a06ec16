"""Stage a build's search index, making again only the shards whose pages changed.

The index is made from the bytes of the pages (outputs/search.py), in shards: one per quarter of a year and one
for standalone pages. Every page's content hash is in the output ledger, and the note of the last
build says which shard each page was in, so only the pages whose bytes changed are read to learn
their shard; a shard whose pages all kept their bytes keeps its files as they are on disk.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import BrokenExecutor, Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.incremental import parallel
from generator.incremental.digest import hash_text
from generator.incremental.ledger import OutputLedger
from generator.outputs import search

if TYPE_CHECKING:  # a small edit's build never starts a process pool, and need not load it
    from concurrent.futures import ProcessPoolExecutor

NOT_SEARCHABLE = ""  # the "shard" of a page the index does not hold
SHARD_PROCESSES = 2  # shards made at a time
WORKERS_FROM = 1000  # pages: from this many, shards are made by small worker processes (see _made_shards)


class SearchPages:
    """The pages of one build as the index sees them: each page's content hash and shard."""

    def __init__(self, ledger: OutputLedger, page_paths: list[str], last_pages: Mapping[str, Any]) -> None:
        self.ledger = ledger
        self.pages: dict[str, list[str]] = {}  # path -> [content hash, shard or NOT_SEARCHABLE]
        for path in sorted(page_paths):
            content = ledger.content_hash(path)
            before = last_pages.get(path)
            if content is not None and isinstance(before, list) and len(before) == 2 and before[0] == content:
                self.pages[path] = before
            else:
                shard = ledger.shards.get(path)  # a page made in this build: its shard, worked out then
                self.pages[path] = [content or "", page_shard(path, self.read(path)) if shard is None else shard]

    def read(self, path: str) -> bytes:
        """Return a page's bytes as this build leaves it (written to staging, or kept live)."""
        return self.file(path).read_bytes()

    def file(self, path: str) -> Path:
        """Return the file of a page as this build leaves it (in staging, or the live one)."""
        staging = self.ledger.staging
        return (staging.folder if path in staging.staged else staging.target) / path

    def shards(self) -> dict[str, list[str]]:
        """Return the paths of each shard's pages."""
        found: dict[str, list[str]] = {}
        for path, (_, shard) in self.pages.items():
            if shard != NOT_SEARCHABLE:
                found.setdefault(shard, []).append(path)
        return found

    def key(self, salt: str, paths: list[str]) -> str:
        """Return a digest of some pages' contents: equal keys make equal shards."""
        return hash_text(salt, *(f"{path}:{self.pages[path][0]}" for path in paths))

    def contents(self, paths: list[str]) -> Iterator[tuple[str, bytes]]:
        """Yield some pages with their bytes."""
        for path in paths:
            yield path, self.read(path)


def page_shard(path: str, page: bytes) -> str:
    """Return the shard of a page's bytes (NOT_SEARCHABLE when the theme did not mark it)."""
    return search.shard_of(page) if search.is_searchable(path, page) else NOT_SEARCHABLE


def stage_search_index(ledger: OutputLedger, page_paths: list[str], language: str, salt: str,
                       last: Any, meanwhile: Callable[[], object] = lambda: None) -> dict[str, Any]:
    """Stage the search bundle, keeping the shards and files that did not change; return the note to keep.

    `salt` names everything else the index depends on (the cache key: settings, code, libraries).
    `meanwhile` is called once Pagefind indexes (every shard to make handed to the workers, or the
    first ones started here): work for this process meanwhile. (Started before, a thread of it would
    slow the reading of the pages here: each file read hands the interpreter to it and waits to get
    it back.)
    """
    last = last if isinstance(last, dict) else {}
    salt = hash_text(salt, language, search.pagefind_version())
    pages = SearchPages(ledger, page_paths, last.get("pages") or {})
    shards, last_shards = pages.shards(), last.get("shards") or {}
    note: dict[str, Any] = {"pages": pages.pages, "shards": {}}
    todo = []
    for shard, paths in sorted(shards.items()):
        key = pages.key(salt, paths)
        before = last_shards.get(shard)
        if isinstance(before, dict) and before.get("key") == key and ledger.reuse_all(list(before.get("paths", []))):
            note["shards"][shard] = before
        else:
            todo.append((shard, key, paths))
    pool = parallel.small_workers(SHARD_PROCESSES) if len(pages.pages) >= WORKERS_FROM and len(todo) > 1 else None
    jobs = [(shard, paths) for shard, _, paths in todo]
    here = ShardsHere(pages, jobs if pool is None else [], language)
    try:
        here.start()  # Pagefind indexes the first shards from now on
        made = here.made() if pool is None else _made_shards(pages, jobs, language, pool,
                                                             _submitted(pages, jobs, language, pool))
        meanwhile()
        for (shard, key, _), files in zip(todo, made):
            _put(ledger, files, f"search:{key}")
            note["shards"][shard] = {"key": key, "paths": sorted(files)}
        note["top"] = _stage_top(ledger, shards, language, salt, last.get("top"), pool)
    finally:
        here.cancel()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        parallel.stop_small_server()  # no search worker is needed any more in this build
    return note


def start_workers() -> None:
    """Start the server the search workers of a big build are forked from (now, while this process is small)."""
    parallel.start_small_server([search.__name__])


def _submitted(pages: SearchPages, todo: list[tuple[str, list[str]]], language: str,
               pool: ProcessPoolExecutor | None) -> list[Future[dict[str, bytes]]]:
    """Hand the shards to make to the small workers (`pool`, parallel.small_workers), which read the pages from disk.

    Return the futures of those handed over: all of them, or the first few when a worker could not start.
    """
    futures: list[Future[dict[str, bytes]]] = []
    if pool is None:
        return futures
    try:
        for shard, paths in todo:
            files = [(path, str(pages.file(path))) for path in paths]
            futures.append(pool.submit(search.shard_of_files, shard, files, language))
    except (BrokenExecutor, OSError):
        pass  # no worker could start: the rest is made here
    return futures


class ShardsHere:
    """Shards indexed by Pagefind processes this process starts, two at a time, the first ones at once.

    For a few pages (an edit's shard, a small site): writing them for Pagefind is this process's
    work, done before it turns to other work (stage_search_index's `meanwhile`) rather than by
    threads alongside it, which would wait for the interpreter at each file.
    """

    def __init__(self, pages: SearchPages, todo: list[tuple[str, list[str]]], language: str) -> None:
        self.pages, self.language = pages, language
        self.waiting = deque(todo)
        self.running: deque[search.StartedShard] = deque()

    def start(self) -> None:
        """Start Pagefind on the next shards, up to SHARD_PROCESSES running."""
        while self.waiting and len(self.running) < SHARD_PROCESSES:
            shard, paths = self.waiting.popleft()
            self.running.append(search.StartedShard(shard, list(self.pages.contents(paths)), self.language))

    def made(self) -> Iterator[dict[str, bytes]]:
        """Yield the files of each shard, in order."""
        while self.running:
            files = self.running[0].result()
            self.running.popleft()
            self.start()
            yield files

    def cancel(self) -> None:
        """Stop the Pagefind processes still running (a build that failed meanwhile)."""
        while self.running:
            self.running.popleft().cancel()


def _made_shards(pages: SearchPages, todo: list[tuple[str, list[str]]], language: str,
                 pool: ProcessPoolExecutor, futures: list[Future[dict[str, bytes]]]) -> Iterator[dict[str, bytes]]:
    """Yield the files of each shard to make, in order, from the small workers their shards were handed to
    (`futures`), two at a time (each is a Pagefind process of its own). A shard a broken worker lost is made here.
    """
    for index, (shard, paths) in enumerate(todo):
        try:
            if index < len(futures):
                yield futures[index].result()
                continue
        except (BrokenExecutor, OSError):
            pass
        yield search.build_shard(shard, list(pages.contents(paths)), language)


def _stage_top(ledger: OutputLedger, shards: Mapping[str, list[str]], language: str, salt: str,
               before: Any, pool: ProcessPoolExecutor | None = None) -> dict[str, Any]:
    """Stage the shard list and the loader at the top of the bundle (kept when the shards are the same).

    The loader comes from a Pagefind run over a sample page: by a small worker, when there is a `pool`.
    """
    key = hash_text(salt, *sorted(shards))
    if isinstance(before, dict) and before.get("key") == key and ledger.reuse_all(list(before.get("paths", []))):
        return before
    if pool is not None and shards:
        try:  # this process keeps it: the audit reads it too
            search.keep_sample(language, pool.submit(search.sample_bundle, language).result())
        except (BrokenExecutor, OSError):
            pass  # made here
    top = {**search.shards_file(shards), **search.top_files(language, shards)}
    _put(ledger, top, f"search:{key}")
    return {"key": key, "paths": sorted(top)}


def _put(ledger: OutputLedger, files: Mapping[str, bytes], digest: str) -> None:
    """Stage files of the bundle (unchanged bytes leave the live files as they are)."""
    for relpath, data in files.items():
        ledger.put(relpath, digest, data)
