"""The search index of a build: Pagefind run offline over the pages a build marks as searchable.

A page is searchable when its template puts `data-pagefind-body` on it (the theme does so for the
entries a build lists, and for its standalone pages). Only pages of the build being indexed are
given to Pagefind, so the public index is made from public pages alone. Pagefind writes its bundle
(`pagefind/`: the loader script, a WebAssembly search, compressed index and fragment files) into
a private temporary folder; the bundle comes back as plain `{relpath: bytes}` for the output stage.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from generator.errors import Problem, error
from generator.outputs.search_bundle import UnknownBundle, canonical_bundle

BUNDLE = "pagefind"  # the folder of the bundle in the output
MARKER = b"data-pagefind-body"  # what makes a page searchable
UNUSED = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")  # Pagefind's own UIs
RUNTIME_NAMES = frozenset({"pagefind.js", "pagefind-worker.js"})  # the loader, once at the top of the bundle
SHARDS_FILE = f"{BUNDLE}/shards.json"  # the shards, in the order the search page merges them
PAGES_SHARD = "pages"  # the shard of standalone pages (About, help)
YEAR_FILTER = re.compile(rb'data-pagefind-filter="year">(\d{1,4})<')  # the year an entry page declares
DATE_SORT = re.compile(rb'data-pagefind-sort="date">(\d{4})-(\d{2})')  # the date an entry page sorts by
MEMORY_FOLDERS = ("/dev/shm",)  # memory file systems, where scratch folders are cheap to make and remove
TIMEOUT_S = 600  # Pagefind indexes tens of thousands of pages in seconds; a hang is an error


BODY_START = re.compile(rb"<([a-zA-Z][a-zA-Z0-9-]*)\b[^>]*?\sdata-pagefind-body\b[^>]*>")  # the searchable element's tag
UNSURE_INSIDE = (b"<script", b"<style", b"<!--", b"<![cdata[", b"<textarea", b"<template", b"<title")  # text a tag count could misread
BARE_PAGE = (b"<!doctype html><html><body>", b"</body></html>")
DATA_SUFFIXES = (".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta", ".json")  # what a site's pages make
SAMPLE_PAGE = b"<!doctype html><html><body><main data-pagefind-body><p>Sample</p></main></body></html>"


class SearchIndexFailed(Exception):
    """Pagefind could not be run or did not finish."""


def is_searchable(relpath: str, page: bytes) -> bool:
    """Return whether a built file is a page the theme marked for the search index."""
    return relpath.endswith(".html") and MARKER in page


def pagefind_version() -> str:
    """Return what tells the installed Pagefind program from another (its size and time), or "" when there is none.

    Its file, not its package's metadata: that takes longer to find than an edit's whole search stage.
    """
    try:
        found = pagefind_binary().stat()
    except (SearchIndexFailed, OSError):
        return ""
    return f"{found.st_size}:{found.st_mtime_ns}"


PAGEFIND_PACKAGES = ("pagefind_bin_extended", "pagefind_bin")  # where `pagefind[bin]` puts the program, in order


def pagefind_binary() -> Path:
    """Return the Pagefind executable, found as the `pagefind` package finds it (without loading its asyncio service).

    PAGEFIND_BINARY_PATH first, then the program the `pagefind[bin]` package installed, then one on PATH.
    """
    named = os.environ.get("PAGEFIND_BINARY_PATH")
    if named:
        return Path(named)
    for package in PAGEFIND_PACKAGES:
        try:
            module = importlib.import_module(package)
        except ImportError:
            continue
        try:
            return Path(module.get_executable())
        except (FileNotFoundError, AttributeError) as exc:
            raise SearchIndexFailed("the Pagefind program was not found: reinstall Footfall") from exc
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    if found is None:
        raise SearchIndexFailed("Pagefind is not installed: reinstall Footfall (`pip install footfall`)")
    return Path(found)


def shard_of(page: bytes) -> str:
    """Return the shard of the index a searchable page belongs to: its quarter, else its year, else "pages".

    A shard is a quarter of a year so that an edit makes a few hundred pages' index again at most.
    """
    dated = DATE_SORT.search(page)
    if dated is not None:
        year, month = dated.group(1).decode(), int(dated.group(2))
        return f"{year}-q{(month - 1) // 3 + 1}"
    found = YEAR_FILTER.search(page)
    return found.group(1).decode() if found else PAGES_SHARD


def shard_order(shards: Iterable[str]) -> list[str]:
    """Return shards in the order the search page loads them: newest first, standalone pages last."""
    named = set(shards)
    return sorted(named - {PAGES_SHARD}, reverse=True) + ([PAGES_SHARD] if PAGES_SHARD in named else [])


def shards_file(shards: Iterable[str]) -> dict[str, bytes]:
    """Return the file that lists the shards for the search page (none when there is nothing to search)."""
    ordered = shard_order(shards)
    if not ordered:
        return {}
    return {SHARDS_FILE: json.dumps({"shards": ordered}, separators=(",", ":")).encode() + b"\n"}


def runtime_files(bundle: Mapping[str, bytes]) -> dict[str, bytes]:
    """Return the program files every shard shares, at the top of the bundle, from one shard's files."""
    shared = {}
    for relpath, data in bundle.items():
        name = relpath.rsplit("/", 1)[-1]
        if name in RUNTIME_NAMES:
            shared[f"{BUNDLE}/{name}"] = data
    return shared


def build_index(pages: Iterable[tuple[str, bytes]], language: str) -> dict[str, bytes]:
    """Return the search bundle for the searchable pages among `pages`, as `{relpath: bytes}`.

    The index is made in shards (one per quarter of a year, one for standalone pages), so that an edit makes
    one shard again; the search page merges them. The program files sit once at the top.
    """
    by_shard: dict[str, list[tuple[str, bytes]]] = {}
    for relpath, page in pages:
        if is_searchable(relpath, page):
            by_shard.setdefault(shard_of(page), []).append((relpath, page))
    files: dict[str, bytes] = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # each shard is a Pagefind process
        made = pool.map(lambda shard: build_shard(shard, by_shard[shard], language), sorted(by_shard))
        for shard_files in made:
            files.update(shard_files)
    return {**files, **shards_file(by_shard), **top_files(language, by_shard)}


def top_files(language: str, by_shard: Mapping[str, object]) -> dict[str, bytes]:
    """Return the program files at the top of the bundle (none when there is nothing to search)."""
    return runtime_program(language) if by_shard else {}


_samples: dict[str, dict[str, bytes]] = {}  # sample bundles by language, made once per process


def sample_bundle(language: str) -> dict[str, bytes]:
    """Return Pagefind's bundle for a one-page sample site: its program files are those of every site."""
    found = _samples.get(language)
    if found is None:
        found = _samples[language] = shard_bundle("sample", [("index.html", SAMPLE_PAGE)], language, keep_runtime=True)
    return found


def keep_sample(language: str, bundle: dict[str, bytes]) -> None:
    """Keep a sample bundle that another process made (sample_bundle there), so that this one runs no Pagefind for it."""
    _samples.setdefault(language, bundle)


def runtime_program(language: str) -> dict[str, bytes]:
    """Return Pagefind's program files (the loader and its worker), made once per process."""
    return runtime_files(sample_bundle(language))


def build_shard(shard: str, pages: list[tuple[str, bytes]], language: str) -> dict[str, bytes]:
    """Return one shard of the index: its data files and search program, under pagefind/<shard>/."""
    return shard_bundle(shard, pages, language, keep_runtime=False)


def shard_of_files(shard: str, files: list[tuple[str, str]], language: str) -> dict[str, bytes]:
    """Return one shard of the index made from page files given as (output path, file on disk): a worker's job."""
    return build_shard(shard, [(relpath, Path(file).read_bytes()) for relpath, file in files], language)


def scratch_bases() -> list[str | None]:
    """Return where a shard's scratch folder may go: a memory file system first, then the usual temporary folder.

    A shard's pages each need a folder of their own, and on a disk file system making and removing
    hundreds of folders costs seconds; in memory it costs nothing.
    """
    memory = [base for base in MEMORY_FOLDERS if os.path.isdir(base) and os.access(base, os.W_OK | os.X_OK)]
    return [*memory, None]


def shard_bundle(shard: str, pages: list[tuple[str, bytes]], language: str, *, keep_runtime: bool) -> dict[str, bytes]:
    """Run Pagefind over some pages and return its bundle under pagefind/<shard>/."""
    return StartedShard(shard, pages, language, keep_runtime=keep_runtime).result()


class StartedShard:
    """One shard being indexed by a Pagefind process of its own: started when made, its bundle taken by result().

    Its scratch folder goes in memory when it can (scratch_bases); should Pagefind fail there, the
    shard is made again in the next place when its result is asked for.
    """

    def __init__(self, shard: str, pages: list[tuple[str, bytes]], language: str, *, keep_runtime: bool = False) -> None:
        self.shard, self.pages, self.language, self.keep_runtime = shard, pages, language, keep_runtime
        self.bases = scratch_bases()
        self.run: ScratchRun | None = None
        self.failure: Exception | None = None
        self._start()

    def _start(self) -> None:
        """Start Pagefind in the next scratch place (noting why it could not start, if it could not)."""
        try:
            self.run = ScratchRun(self.pages, self.language, self.bases.pop(0))
        except (OSError, SearchIndexFailed) as exc:
            self.run, self.failure = None, exc

    def result(self) -> dict[str, bytes]:
        """Wait for Pagefind, then return the shard's bundle under pagefind/<shard>/; raise SearchIndexFailed."""
        made = None
        while made is None:
            try:
                made = self._files()
            except (OSError, SearchIndexFailed):
                if not self.bases:
                    raise
                self._start()
        mine = {f"{BUNDLE}/{self.shard}/{relpath}": data for relpath, data in made.items()
                if wanted(relpath.rsplit("/", 1)[-1], self.keep_runtime)}
        try:
            return without_unused_wasm(canonical_bundle(mine))
        except (UnknownBundle, ValueError, KeyError, EOFError, OSError) as exc:
            raise SearchIndexFailed(f"Pagefind wrote a bundle this Footfall cannot read ({exc})") from exc

    def _files(self) -> dict[str, bytes]:
        """Return the files the Pagefind run made; raise what stopped it."""
        if self.run is None:
            assert self.failure is not None
            raise self.failure
        return self.run.files()

    def cancel(self) -> None:
        """Stop Pagefind, if it still runs, and remove its scratch folder."""
        if self.run is not None:
            self.run.close()


class ScratchRun:
    """Pagefind over some pages written into a scratch folder under `base`: started when made, waited for by files()."""

    def __init__(self, pages: list[tuple[str, bytes]], language: str, base: str | None) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="footfall-search-", dir=base)
        try:
            self.site, self.bundle = Path(self.folder.name) / "site", Path(self.folder.name) / "bundle"
            for relpath, page in pages:
                target = self.site / relpath
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(searchable_part(page))
            self.process = start_pagefind(self.site, self.bundle, language)
        except BaseException:
            self.folder.cleanup()
            raise

    def files(self) -> dict[str, bytes]:
        """Wait for Pagefind; return the files it made by their paths in the bundle (raise SearchIndexFailed)."""
        try:
            finish_pagefind(self.process)
            self.bundle.mkdir(exist_ok=True)
            return {path.relative_to(self.bundle).as_posix(): path.read_bytes()
                    for path in sorted(self.bundle.rglob("*")) if path.is_file()}
        finally:
            self.close()

    def close(self) -> None:
        """Stop Pagefind if it still runs, and remove the scratch folder."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()
        self.folder.cleanup()


def searchable_part(page: bytes) -> bytes:
    """Return a page cut down to its searchable element, or the page whole when the cut is not certain.

    Pagefind reads only that element (and the filters and meta it holds), but parses the whole page:
    the header, navigation and footer around it cost it a fifth of its time. The cut is made only when
    nothing of Pagefind's is outside the element and nothing inside it could hide a tag from a count.
    """
    if page.count(MARKER) != 1:
        return page
    found = BODY_START.search(page, page.rfind(b">", 0, page.find(MARKER)) + 1)  # its tag holds the one marker
    if found is None:
        return page
    end = element_end(page, found)
    if end is None or b"data-pagefind" in page[:found.start()] or b"data-pagefind" in page[end:]:
        return page
    part = page[found.start():end]
    lowered = part.lower()
    if any(unsure in lowered for unsure in UNSURE_INSIDE):
        return page
    return BARE_PAGE[0] + part + BARE_PAGE[1]


def element_end(page: bytes, start: re.Match[bytes]) -> int | None:
    """Return where the element opened at `start` closes, counting its own tag's nesting; None if it never does."""
    tags = re.compile(rb"<(/?)" + re.escape(start.group(1)) + rb"(?=[\s/>])", re.IGNORECASE)
    depth = 0
    for tag in tags.finditer(page, start.start()):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            close = page.find(b">", tag.end())
            return None if close < 0 else close + 1
    return None


def without_unused_wasm(bundle: dict[str, bytes]) -> dict[str, bytes]:
    """Return a shard without the search programs of languages its entry file does not name."""
    entries = [json.loads(data) for relpath, data in bundle.items() if relpath.endswith("/pagefind-entry.json")]
    used = {f"wasm.{language.get('wasm')}.pagefind" for entry in entries for language in entry["languages"].values()}
    return {relpath: data for relpath, data in bundle.items()
            if not relpath.endswith(".pagefind") or relpath.rsplit("/", 1)[-1] in used}


def wanted(name: str, keep_runtime: bool) -> bool:
    """Return whether a file Pagefind wrote belongs in a shard (its UIs never do; the loader only once)."""
    if name.startswith(UNUSED):
        return False
    return keep_runtime or name not in RUNTIME_NAMES


def start_pagefind(site: Path, bundle: Path, language: str) -> subprocess.Popen[str]:
    """Start indexing the HTML files under site into bundle, offline (finish_pagefind waits); raise SearchIndexFailed."""
    command = [str(pagefind_binary()), "--site", str(site), "--output-path", str(bundle),
               "--force-language", language or "en", "--silent"]
    try:
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        raise SearchIndexFailed(f"Pagefind did not run: {exc}") from exc


def finish_pagefind(process: subprocess.Popen[str]) -> None:
    """Wait for a Pagefind run; raise SearchIndexFailed when it fails or takes too long."""
    try:
        out, err = process.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        process.kill()
        process.communicate()
        raise SearchIndexFailed(f"Pagefind did not run: {exc}") from exc
    if process.returncode != 0:
        said = (err or out).strip().splitlines()
        raise SearchIndexFailed("Pagefind failed" + (f": {said[-1]}" if said else ""))


def index_problem(exc: SearchIndexFailed) -> Problem:
    """Return the build problem for a search index that could not be made."""
    return error(None, None, f"the search index could not be made: {exc}",
                 hint="check that Footfall is installed with its dependencies, then build again")


def kept_bundle(previous: Mapping[str, bytes]) -> dict[str, bytes]:
    """Return the files of an earlier bundle (those under `pagefind/`), to reuse unchanged."""
    prefix = BUNDLE + "/"
    return {relpath: data for relpath, data in previous.items() if relpath.startswith(prefix)}


def is_bundle_data(relpath: str) -> bool:
    """Return whether a built file is a data file of the search bundle (made from the site's pages)."""
    return relpath.startswith(BUNDLE + "/") and relpath.endswith(DATA_SUFFIXES)


@lru_cache(maxsize=8)
def runtime_digests(language: str) -> frozenset[str]:
    """Return the digests of Pagefind's own program files for a language: the same for every site."""
    bundle = sample_bundle(language)
    return frozenset(hashlib.sha256(data).hexdigest() for relpath, data in bundle.items()
                     if not is_bundle_data(relpath))


def is_runtime_file(relpath: str, data: bytes, language: str) -> bool:
    """Return whether a built file is one of Pagefind's own program files, byte for byte (nothing of the site)."""
    if not relpath.startswith(BUNDLE + "/") or is_bundle_data(relpath):
        return False
    try:
        return hashlib.sha256(data).hexdigest() in runtime_digests(language)
    except SearchIndexFailed:
        return False
