"""The search index of a build: Pagefind run offline over the pages a build marks as searchable.

A page is searchable when its template puts `data-pagefind-body` on it (the theme does so for the
entries a build lists, and for its standalone pages). Only pages of the build being indexed are
given to Pagefind, so the public index is made from public pages alone. Pagefind writes its bundle
(`pagefind/`: the loader script, a WebAssembly search, compressed index and fragment files) into
a private temporary folder; the bundle comes back as plain `{relpath: bytes}` for the output stage.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from generator.errors import Problem, error
from generator.outputs.search_bundle import UnknownBundle, canonical_bundle

BUNDLE = "pagefind"  # the folder of the bundle in the output
MARKER = b"data-pagefind-body"  # what makes a page searchable
UNUSED = ("pagefind-ui", "pagefind-component-ui", "pagefind-modular-ui", "pagefind-highlight")  # Pagefind's own UIs
TIMEOUT_S = 600  # Pagefind indexes tens of thousands of pages in seconds; a hang is an error


DATA_SUFFIXES = (".pf_fragment", ".pf_index", ".pf_filter", ".pf_meta", ".json")  # what a site's pages make
SAMPLE_PAGE = b"<!doctype html><html><body><main data-pagefind-body><p>Sample</p></main></body></html>"


class SearchIndexFailed(Exception):
    """Pagefind could not be run or did not finish."""


def is_searchable(relpath: str, page: bytes) -> bool:
    """Return whether a built file is a page the theme marked for the search index."""
    return relpath.endswith(".html") and MARKER in page


def pages_digest(pages: Iterable[tuple[str, bytes]]) -> str:
    """Return a digest of the searchable pages: equal digests make equal indexes."""
    digest = hashlib.sha256()
    for relpath, page in sorted(pages):
        if is_searchable(relpath, page):
            for part in (relpath.encode(), page):
                digest.update(len(part).to_bytes(8, "big"))
                digest.update(part)
    return digest.hexdigest()


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


def build_index(pages: Iterable[tuple[str, bytes]], language: str) -> dict[str, bytes]:
    """Return the search bundle for the searchable pages among `pages`, as `{relpath: bytes}`."""
    searchable = [(relpath, page) for relpath, page in pages if is_searchable(relpath, page)]
    if not searchable:
        return {}  # nothing to search yet: the search page says so
    with tempfile.TemporaryDirectory(prefix="footfall-search-") as folder:
        site, bundle = Path(folder) / "site", Path(folder) / BUNDLE
        for relpath, page in searchable:
            target = site / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(page)
        run_pagefind(site, bundle, language)
        made = {f"{BUNDLE}/{path.relative_to(bundle).as_posix()}": path.read_bytes()
                for path in sorted(bundle.rglob("*")) if path.is_file() and not path.name.startswith(UNUSED)}
    try:
        return canonical_bundle(made)
    except (UnknownBundle, ValueError, KeyError, EOFError, OSError) as exc:
        raise SearchIndexFailed(f"Pagefind wrote a bundle this Footfall cannot read ({exc})") from exc


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
    bundle = build_index([("index.html", SAMPLE_PAGE)], language)
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
