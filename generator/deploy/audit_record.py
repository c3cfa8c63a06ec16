"""What the privacy audit found clean before: output files by their bytes, under the needles they were searched for.

A rebuild that changed one entry changes a few output files. When the audit looks for the very same
needles as last time, with the very same code, a file whose bytes are the same as those it searched
then needs no new search. The record lives in the site's cache folder under the digest of the audit's
code and of every needle (words, URLs, pages, folders, image names and bytes, route coordinates, the
base URL): any change to one starts an empty record, and any change to a file's bytes gives the file
another digest. Only files found clean are kept in it.

Reading every byte of a large site only to digest it takes long, so a file's stamp (inode, size,
modification and change times) stands for the digest it had, but only when the file's last change
was well before (MARGIN) the moment the stamp was taken: a change written afterwards always moves the
change time, which no program can set back, and a stamp taken too soon after a change (the "racy"
case of git's index) is not kept, so that file is read and digested again next time.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__

FOLDER = "audit"  # in the site's cache folder
NAME = "clean.json"
MARGIN_NS = 2_000_000_000  # a stamp is kept only when the file last changed at least this long before it was taken
_OWN_CODE = ("deploy/audit.py", "deploy/audit_record.py", "deploy/needles.py", "deploy/needle_cache.py", "deploy/source_facts.py",
             "deploy/regions.py", "deploy/decoders.py", "deploy/normalise.py", "deploy/staged_audit.py", "deploy/text_search.py",
             "outputs/svg.py", "outputs/search.py", "outputs/search_bundle.py", "outputs/route_needles.py",
             "outputs/sharing.py", "pipeline/entries.py", "pipeline/front_matter.py", "pipeline/discover.py",
             "pipeline/site.py", "urls.py", "vocabulary.py", "config.py")  # the audit and the readers it calls
_GENERATOR = Path(__file__).resolve().parent.parent

Stamp = tuple[int, int, int, int]


def stamp_of(status: os.stat_result) -> Stamp:
    """Return what stands for a file's bytes while it is not written to: inode, size, mtime, ctime."""
    return (status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def settled(status: os.stat_result, taken_ns: int) -> bool:
    """Return True when a stamp taken at taken_ns may stand for the bytes read after it (no change can share it)."""
    return status.st_ctime_ns < taken_ns - MARGIN_NS and status.st_mtime_ns < taken_ns - MARGIN_NS


def code_digest() -> str:
    """Return the digest of the audit's own code: a record made by other code is never trusted."""
    digest = hashlib.sha256(__version__.encode())
    for name in _OWN_CODE:
        try:
            digest.update(name.encode() + b"\0" + (_GENERATOR / name).read_bytes() + b"\0")
        except OSError:
            digest.update(name.encode() + b"\0missing\0")
    return digest.hexdigest()


def key_of(parts: Iterable[Iterable[str]]) -> str:
    """Return the digest of some collections of strings, each taken in sorted order (the needles)."""
    digest = hashlib.sha256(code_digest().encode())
    for part in parts:
        digest.update(b"\1")
        for item in sorted(part):
            digest.update(item.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


@dataclass
class Clean:
    """The files found clean under one key: relpath -> [sha256 of the bytes, *stamp when settled]."""

    key: str
    files: dict[str, list] = field(default_factory=dict)

    def by_stamp(self, relpath: str, status: os.stat_result) -> bool:
        """Return True when the file is known clean by its stamp alone."""
        known = self.files.get(relpath)
        return known is not None and len(known) == 5 and tuple(known[1:]) == stamp_of(status)

    def by_digest(self, relpath: str, digest: str) -> bool:
        """Return True when the file with these bytes was found clean."""
        known = self.files.get(relpath)
        return known is not None and known[0] == digest


def open_record(cache_dir: Path, key: str) -> Clean:
    """Return the record of clean files for this key; an empty one when there is none, it is another key's or damaged."""
    try:
        kept = json.loads((cache_dir / FOLDER / NAME).read_text("utf-8"))
        if kept.get("key") == key and isinstance(kept.get("files"), dict):
            return Clean(key, kept["files"])
    except (OSError, ValueError, AttributeError):
        pass
    return Clean(key)


def read_and_digest(path: Path) -> tuple[bytes, str, Stamp | None]:
    """Return a file's bytes, their digest and its stamp when that may stand for them later (else None)."""
    taken = time.time_ns()
    with open(path, "rb") as handle:
        status = os.fstat(handle.fileno())
        data = handle.read()
    return data, hashlib.sha256(data).hexdigest(), stamp_of(status) if settled(status, taken) else None


def save_record(cache_dir: Path, record: Clean, found: dict[str, list | None], present: Iterable[str]) -> None:
    """Keep what this audit learnt (None: not clean) for the files present now; a cache that cannot be written is no error."""
    files = {relpath: record.files[relpath] for relpath in present if relpath in record.files}
    for relpath, known in found.items():
        if known is None:
            files.pop(relpath, None)
        else:
            files[relpath] = known
    try:
        folder = cache_dir / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f"{NAME}.{os.getpid()}.tmp"
        temporary.write_text(json.dumps({"key": record.key, "files": files}, separators=(",", ":")), "utf-8")
        os.replace(temporary, folder / NAME)
    except OSError:
        pass
