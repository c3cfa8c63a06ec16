"""The search index of a build: Pagefind run offline over the pages a build marks as searchable.

A page is searchable when its template puts `data-pagefind-body` on it (the theme does so for the
entries a build lists, and for its standalone pages). Only pages of the build being indexed are
given to Pagefind, so the public index is made from public pages alone. Pagefind writes its bundle
(`pagefind/`: the loader script, a WebAssembly search, compressed index and fragment files) into
a private temporary folder; the bundle comes back as plain `{relpath: bytes}` for the output stage.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from importlib import metadata
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
    """Return the version of the installed Pagefind program, or "" when it is not installed."""
    try:
        return metadata.version("pagefind_bin")
    except metadata.PackageNotFoundError:
        return ""


def pagefind_binary() -> Path:
    """Return the Pagefind executable that the `pagefind[bin]` package installed."""
    try:
        from pagefind.service import get_executable
    except ImportError as exc:
        raise SearchIndexFailed("Pagefind is not installed: reinstall Footfall (`pip install footfall`)") from exc
    try:
        found = get_executable()
    except FileNotFoundError as exc:
        raise SearchIndexFailed("the Pagefind program was not found: reinstall Footfall") from exc
    if found is None:
        raise SearchIndexFailed("the Pagefind program was not found: reinstall Footfall")
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
    bases = scratch_bases()
    for base in bases:
        try:
            made = run_in_scratch(shard, pages, language, keep_runtime, base)
            break
        except (OSError, SearchIndexFailed):
            if base is bases[-1]:
                raise
    try:
        return without_unused_wasm(canonical_bundle(made))
    except (UnknownBundle, ValueError, KeyError, EOFError, OSError) as exc:
        raise SearchIndexFailed(f"Pagefind wrote a bundle this Footfall cannot read ({exc})") from exc


def searchable_part(page: bytes) -> bytes:
    """Return a page cut down to its searchable element, or the page whole when the cut is not certain.

    Pagefind reads only that element (and the filters and meta it holds), but parses the whole page:
    the header, navigation and footer around it cost it a fifth of its time. The cut is made only when
    nothing of Pagefind's is outside the element and nothing inside it could hide a tag from a count.
    """
    found = BODY_START.search(page)
    if found is None or page.count(MARKER) != 1:
        return page
    end = element_end(page, found)
    if end is None or b"data-pagefind" in page[:found.start()] or b"data-pagefind" in page[end:]:
        return page
    part = page[found.start():end]
    if any(unsure in part.lower() for unsure in UNSURE_INSIDE):
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


def run_in_scratch(shard: str, pages: list[tuple[str, bytes]], language: str, keep_runtime: bool,
                   base: str | None) -> dict[str, bytes]:
    """Write the pages into a scratch folder under base, run Pagefind there and return the files it made."""
    with tempfile.TemporaryDirectory(prefix="footfall-search-", dir=base) as folder:
        site, bundle = Path(folder) / "site", Path(folder) / "bundle"
        for relpath, page in pages:
            target = site / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(searchable_part(page))
        run_pagefind(site, bundle, language)
        return {f"{BUNDLE}/{shard}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
                for path in sorted(bundle.rglob("*")) if path.is_file() and wanted(path.name, keep_runtime)}


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


def run_pagefind(site: Path, bundle: Path, language: str) -> None:
    """Index the HTML files under site into bundle, offline; raise SearchIndexFailed on failure."""
    command = [str(pagefind_binary()), "--site", str(site), "--output-path", str(bundle),
               "--force-language", language or "en", "--silent"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchIndexFailed(f"Pagefind did not run: {exc}") from exc
    if done.returncode != 0:
        said = (done.stderr or done.stdout).strip().splitlines()
        raise SearchIndexFailed("Pagefind failed" + (f": {said[-1]}" if said else ""))
    bundle.mkdir(exist_ok=True)


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
