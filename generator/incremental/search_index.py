"""Stage a build's search index, and keep the last one when no page it was made from changed.

The index is made from the bytes of the pages (outputs/search.py). Every page's content hash is in
the output ledger, so a digest of them tells, without reading a page, whether the pages are the
ones the last index was made from; then its files are kept as they are on disk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from generator.incremental.digest import hash_text
from generator.incremental.incremental import OutputLedger
from generator.outputs import search


def pages_key(ledger: OutputLedger, page_paths: Iterable[str], salt: str) -> str | None:
    """Return a digest of the pages' contents as staged; None when one has no row yet."""
    parts = [salt, search.pagefind_version()]
    for path in sorted(page_paths):
        content = ledger.content_hash(path)
        if content is None:
            return None
        parts.append(f"{path}:{content}")
    return hash_text(*parts)


def staged_pages(ledger: OutputLedger, page_paths: Iterable[str]) -> Iterator[tuple[str, bytes]]:
    """Yield each page's bytes as this build leaves it (written to staging, or kept live)."""
    staging = ledger.staging
    for path in sorted(page_paths):
        folder = staging.folder if path in staging.staged else staging.target
        yield path, (folder / path).read_bytes()


def stage_search_index(ledger: OutputLedger, page_paths: list[str], language: str, salt: str,
                       last: Any) -> tuple[list[str], dict[str, Any]]:
    """Stage the search bundle (kept when the pages are those of `last`); return its paths and the note to keep.

    `salt` names everything else the index depends on (the cache key: settings, code, libraries).
    """
    key = pages_key(ledger, page_paths, f"{salt}:{language}")
    if isinstance(last, dict) and key is not None and last.get("key") == key:
        paths = last.get("paths")
        if isinstance(paths, list) and ledger.reuse_all(paths):
            return paths, last
    bundle = search.build_index(staged_pages(ledger, page_paths), language)
    for relpath, data in bundle.items():
        ledger.put(relpath, f"search:{key}", data)
    paths = sorted(bundle)
    return paths, {"key": key, "paths": paths}

