"""The privacy audit: search every byte and path of the public output for text that must stay private.

A second line behind the structural filter of site.py, independent of it: what counts as private
and what may be public are worked out from the source files (needles.py, with its own reading of
private blocks and comments in regions.py), never from the site model the pages were made from.

Each output file is read by what it holds (decoders.py: gzip, image metadata, binary runs, data:
URLs, all with limits), its text brought to one plain form (normalise.py: escapes undone, hidden
characters out, markup taken out too) and searched once with an Aho-Corasick automaton for every
needle at the same time (text_search.py), so the audit is linear in the size of the output. Its
path is searched too, and its links are followed to the pages they name.

Besides leaks of private text, the audit refuses what the public build must not ship whatever it
says: an image that still carries metadata (EXIF, XMP, comments, text chunks), an SVG that is not
plain drawing (svg.py), and a file that inflates past the decoders' limit.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from generator.config import SiteConfig
from generator.deploy.audit_record import Clean, key_of, open_record, read_and_digest, save_record
from generator.deploy.decoders import MAX_INFLATE, Decoded, decode
from generator.deploy.needles import Needle, Needles, derive
from generator.deploy.normalise import views, word_string
from generator.deploy.text_search import plain_hits, text_hits
from generator.errors import Problem, error
from generator.incremental.parallel import indexed_map
from generator.outputs import search, search_bundle, svg
from generator.outputs.route_needles import CoordinateSearch, coordinate_problem, first_coordinate, site_search
from generator.outputs.sharing import CARD_NAME
from generator.pipeline.entries import Entry
from generator.pipeline.site import Site
from generator.pipeline.themes import Theme
from generator.vocabulary import Vocabulary

PARALLEL_BYTES = 16 * 1024 * 1024  # scan in worker processes, one per this much output
FOOTFALL_NAMES = (CARD_NAME, "index.html", "feed.xml", "feed.json")  # file names Footfall gives its own files
WORD_STEMS = ".pf_index"  # search index files of word stems: the fragments beside them hold the pages' text in full
LEAK_HINT = ("take it out of the public story or template that shows it, or make the entry public on purpose; "
             "if neither shows it, report a bug")
METADATA_HINT = ("save the image again without metadata (an image editor's \"export for web\", or "
                 "`exiftool -all= FILE`), or keep it out of static/")


@dataclass(frozen=True, slots=True)
class Leak:
    """Something in the public output that must not be there."""

    path: str  # output file, relative to the output folder
    message: str  # what was found
    hint: str = LEAK_HINT


def _leak(path: str, needle: Needle, where: str = "the file holds") -> Leak:
    """Return the leak of one needle."""
    return Leak(path, f"{where} {needle.what} \"{needle.text}\" (from {needle.source})")


# --- one file -------------------------------------------------------------------------------------

def scan_file(relpath: str, data: bytes, needles: Needles, base_url: str) -> list[Leak]:
    """Return what must not be in one file, by its path and its bytes."""
    return scan_decoded(relpath, data, decode_file(relpath, data), needles, base_url)


def decode_file(relpath: str, data: bytes) -> Decoded:
    """Return what a file holds as the audit reads it (the search index's word stems unread: see WORD_STEMS)."""
    found = decode(b"" if relpath.endswith(WORD_STEMS) else data)
    if search.is_bundle_data(relpath) and not relpath.endswith(WORD_STEMS):  # the search index: its CBOR strings read whole (length bytes apart)
        bundle_text = search_bundle.readable_text(data)
        found.texts = found.texts if bundle_text is None else [bundle_text]
    return found


def scan_decoded(relpath: str, data: bytes, found: Decoded, needles: Needles, base_url: str) -> list[Leak]:
    """Return what must not be in one file, by its path, its bytes and what they hold (decode_file)."""
    leaks = list(_in_path(relpath, needles))
    if needles.files and any(size == len(data) for size, _ in needles.files):
        needle = needles.files.get((len(data), hashlib.sha256(data).hexdigest()))
        if needle is not None:
            leaks.append(_leak(relpath, needle, "the file is a copy of"))
    if found.too_big:
        leaks.append(Leak(relpath, f"the file inflates to more than {MAX_INFLATE // 2**20} MB; it cannot be read "
                                   "whole, so it is refused", "remove it, or store it uncompressed"))
    if found.metadata:
        kinds = ", ".join(sorted(set(found.metadata)))
        leaks.append(Leak(relpath, f"the image carries metadata ({kinds}), which the public build never ships",
                          METADATA_HINT))
    if svg.looks_like_svg(data):
        leaks.extend(Leak(relpath, f"line {line}: {message}", svg.HINT) for line, message in svg.unsafe(data))
    seen: set[str] = set()
    page_dir = "/" + posixpath.dirname(relpath)
    for text in found.texts:
        for leak in _in_text(relpath, text, needles, page_dir, base_url.casefold()):
            if leak.message not in seen:
                seen.add(leak.message)
                leaks.append(leak)
    return leaks


def _in_path(relpath: str, needles: Needles) -> Iterator[Leak]:
    """Yield the leaks in an output path: private folders, private image names, private words."""
    folded = relpath.casefold()
    for end, char in enumerate(folded):
        if char == "/" and folded[:end + 1] in needles.folders:
            yield _leak(relpath, needles.folders[folded[:end + 1]], "the file name holds")
            break
    name = folded.rsplit("/", 1)[-1]
    if name in needles.names and not folded.startswith("static/") and name not in FOOTFALL_NAMES:
        yield _leak(relpath, needles.names[name], "the file name holds")
    for view in views(relpath):
        for _, found in needles.words.iter(word_string(view)) if len(needles.words) else ():
            yield _leak(relpath, found[0], "the file name holds")


def _in_text(relpath: str, text: str, needles: Needles, page_dir: str, base_url: str) -> Iterator[Leak]:
    """Yield the leaks in one text of a file: private words and phrases, URLs, links to private pages."""
    search = plain_hits if needles.scan is None else text_hits
    for needle, where in search(text, needles, page_dir, base_url):
        yield _leak(relpath, needle, where)


# --- every file -----------------------------------------------------------------------------------

def scan(files: Sequence[tuple[str, Path]], needles: Needles, base_url: str, *, workers: int | None = None,
         record: Clean | None = None, learnt: dict[str, list | None] | None = None,
         coordinates: CoordinateSearch | None = None, held: list[tuple[str, str]] | None = None) -> list[Leak]:
    """Return every leak in output files given as (path relative to the output, file on disk).

    With a record of the files found clean under these needles, a file it names by the digest of its
    bytes is not searched again (those it knows by their stamps are left out by the caller:
    unknown_files); what this scan finds goes into `learnt`. With `coordinates`, every file read is
    also searched for them, and `held` receives (path, the first found), in the order of the files.
    """
    size = sum(path.stat().st_size for _, path in files) if len(files) > 1 else 0
    workers = min(workers or os.cpu_count() or 1, max(1, size // PARALLEL_BYTES))
    if workers < 2:
        parts = [_scan_files(files, needles, base_url, record, coordinates)]
    else:  # forked workers inherit the needles and the record, and this process takes a share
        parts = list(indexed_map(lambda index: _scan_files(files[index:index + 1], needles, base_url, record,
                                                           coordinates), len(files), processes=workers))
    found = [leak for leaks, _, _ in parts for leak in leaks]
    if learnt is not None:
        for _, known, _ in parts:
            learnt.update(known)
    if held is not None:
        held.extend(hit for _, _, hits in parts for hit in hits)
    order = {relpath: index for index, (relpath, _) in enumerate(files)}
    return sorted(found, key=lambda leak: order[leak.path])


def unknown_files(record: Clean, files: Sequence[tuple[str, str | Path]]) -> list[tuple[str, str | Path]]:
    """Return the files the record does not know clean by their stamps (a file it names with no stamp is not looked at)."""
    unknown = []
    for relpath, path in files:
        known = record.files.get(relpath)
        if known is None or len(known) != 5 or not _clean_by_stamp(record, relpath, path):
            unknown.append((relpath, path))
    return unknown


def _clean_by_stamp(record: Clean, relpath: str, path: str | Path) -> bool:
    """Return True when the record knows the file clean by its stamp."""
    try:
        return record.by_stamp(relpath, os.stat(path))
    except OSError:
        return False


def _scan_files(files: Sequence[tuple[str, Path]], needles: Needles, base_url: str, record: Clean | None = None,
                coordinates: CoordinateSearch | None = None) -> tuple[list[Leak], dict[str, list | None], list[tuple[str, str]]]:
    """Return the leaks in some files, one after the other, what was learnt of each (None: not clean),
    and the files that hold a recorded coordinate, with the first one."""
    leaks: list[Leak] = []
    learnt: dict[str, list | None] = {}
    held: list[tuple[str, str]] = []
    for relpath, path in files:
        if record is None:
            data, clean = path.read_bytes(), False
        else:
            data, digest, stamp = read_and_digest(path)
            clean = record.by_digest(relpath, digest)
        found = None if clean else decode_file(relpath, data)
        leaks_here = [] if found is None else scan_decoded(relpath, data, found, needles, base_url)
        leaks.extend(leaks_here)
        if record is not None:
            learnt[relpath] = None if leaks_here else [digest, *(stamp or ())]
        hit = _coordinate(relpath, data, found, coordinates) if coordinates else None
        if hit is not None:
            held.append((relpath, hit))
            learnt[relpath] = None  # a file holding a coordinate is not clean either
    return leaks, learnt, held


def _coordinate(relpath: str, data: bytes, found: Decoded | None, coordinates: CoordinateSearch) -> str | None:
    """Return the first recorded coordinate in a file, reading the texts the scan decoded when it did (file_texts)."""
    if found is None or relpath.endswith(WORD_STEMS):
        return first_coordinate(relpath, data, file_texts, coordinates)
    return first_coordinate(relpath, data, lambda _data, _relpath: "\n".join(found.texts), coordinates)


def folder_files(folder: Path) -> list[tuple[str, Path]]:
    """Return every file under an output folder, in a stable order."""
    return [(p.relative_to(folder).as_posix(), p) for p in sorted(folder.rglob("*")) if p.is_file()]


def audit_files(files: Sequence[tuple[str, str | Path]], output: Path, site: Site, entries: Iterable[Entry],
                vocabulary: Vocabulary, theme: Theme, *, remember: bool = True,
                sought: Sought | None = None) -> list[Problem]:
    """Return a problem for everything in the public output files that must not be there.

    Only the site's settings are taken from `site`; the entries are read again from content/ when
    none are given (a build that patched its model in place). With `remember`, files found clean by
    an earlier audit that looked for the very same needles, with the same bytes, are not searched
    again (audit_record.py); without it every file is searched and nothing is recorded. `sought`,
    when given, is what `seek` returns for these entries, worked out ahead.
    """
    found = FileAudit(output, site, entries, vocabulary, theme, remember=remember, sought=sought)
    found.check(files)
    return found.problems([relpath for relpath, _ in files])


class FileAudit:
    """An audit of output files searched in parts (check), its problems told at the end (problems): see audit_files."""

    def __init__(self, output: Path, site: Site, entries: Iterable[Entry], vocabulary: Vocabulary, theme: Theme, *,
                 remember: bool = True, sought: Sought | None = None) -> None:
        self.output = output
        self.cfg = cfg = site.config
        self.needles, self.coordinates = sought or seek(entries, cfg, vocabulary, theme)
        key = needle_key(self.needles, cfg.base_url, self.coordinates)
        self.record = open_record(cfg.cache_dir, key) if remember else None
        self.leaks: dict[str, list[Leak]] = {}  # by file, in the order found
        self.held: dict[str, str] = {}  # file -> the first recorded coordinate it holds
        self.learnt: dict[str, list | None] = {}  # file -> what the record keeps of it (None: not clean)

    def check(self, files: Sequence[tuple[str, str | Path]]) -> None:
        """Search some files (path relative to the output, file on disk), again if searched before."""
        if self.record is not None:  # what is known clean by its stamp is not read at all
            files = unknown_files(self.record, files)
        cfg = self.cfg
        files = [(relpath, Path(path)) for relpath, path in files if not _search_program(relpath, path, cfg.language)]
        learnt: dict[str, list | None] = {}
        held: list[tuple[str, str]] = []
        leaks = scan(files, self.needles, cfg.base_url, record=self.record, learnt=learnt,
                     coordinates=self.coordinates, held=held)
        for relpath, _ in files:
            self.leaks.pop(relpath, None)
            self.held.pop(relpath, None)
        for leak in leaks:
            self.leaks.setdefault(leak.path, []).append(leak)
            learnt[leak.path] = None
        self.held.update(held)
        self.learnt.update(learnt)

    def problems(self, present: Sequence[str]) -> list[Problem]:
        """Return a problem per finding in the files present, in their order; keep what was learnt of them."""
        leaks = [leak for relpath in present for leak in self.leaks.get(relpath, ())]
        problems = [coordinate_problem(self.output / relpath, self.held[relpath])
                    for relpath in present if relpath in self.held]
        learnt = {relpath: self.learnt[relpath] for relpath in present if relpath in self.learnt}
        if self.record is not None and learnt:
            save_record(self.cfg.cache_dir, self.record, learnt, present)
        return leak_problems(leaks, self.output) + problems


class Sought(NamedTuple):
    """What the audit looks for, worked out from the sources alone."""

    needles: Needles  # private words, phrases, URLs, folders, names and files
    coordinates: CoordinateSearch  # recorded routes' coordinates, and the privacy zones'


def seek(entries: Iterable[Entry], cfg: SiteConfig, vocabulary: Vocabulary, theme: Theme) -> Sought:
    """Return what the audit of a site looks for (no entries given: source_facts.py reads content/ itself)."""
    return Sought(derive(entries, cfg, vocabulary, theme), site_search(cfg))


def needle_key(needles: Needles, base_url: str, coordinates: CoordinateSearch) -> str:
    """Return the digest of everything the audit looks for (and of its code): what a clean verdict holds under."""
    return key_of([needles.words.keys() if len(needles.words) else (), needles.urls.keys() if len(needles.urls) else (),
                   needles.pages, needles.page_ends, needles.folders, needles.names,
                   (f"{size}:{digest}" for size, digest in needles.files), (base_url.casefold(),),
                   (coordinates.digest(),)])


def file_texts(data: bytes, relpath: str) -> str:
    """Return every text a file holds, decoded (what the coordinate search reads)."""
    if search.is_bundle_data(relpath):
        bundle_text = search_bundle.readable_text(data)
        if bundle_text is not None:
            return bundle_text
    return "\n".join(decode(data).texts)


def _search_program(relpath: str, path: str | Path, language: str) -> bool:
    """Return True for one of Pagefind's own program files, byte for byte (nothing of the site is in it)."""
    return (relpath.startswith(search.BUNDLE + "/") and not search.is_bundle_data(relpath)
            and search.is_runtime_file(relpath, Path(path).read_bytes(), language))


def leak_problems(leaks: list[Leak], output: Path, limit: int = 50) -> list[Problem]:
    """Return one problem per distinct finding (naming its first file and how many more), up to limit."""
    grouped: dict[tuple[str, str], list[Leak]] = {}
    for leak in leaks:
        grouped.setdefault((leak.message, leak.hint), []).append(leak)
    problems = []
    for (message, hint), found in list(grouped.items())[:limit]:
        more = f" (and {len(found) - 1} more file(s))" if len(found) > 1 else ""
        problems.append(error(output / found[0].path, None, f"privacy audit: {message}{more}", hint))
    if len(grouped) > limit:
        problems.append(error(output, None, f"privacy audit: {len(grouped) - limit} more finding(s) not shown"))
    return problems
