"""The speed layer's build: the pipeline's stages, redoing only what changed since the last build.

It makes exactly the files `generator.pipeline.build` makes (tests hold it to that, byte for
byte), reusing the cache's records, each audience's snapshot, page digests and kept partials, with
forked workers for parsing and rendering.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from generator.config import SiteConfig
from generator.errors import has_errors
from generator.incremental import search_index, snapshot
from generator.incremental.cache import Cache, OutputRow
from generator.incremental.changes import body_only_changes, entry_shapes
from generator.incremental.digest import hash_text
from generator.incremental.graph import GraphError
from generator.incremental.scan import InputScan, cache_key, code_stamp, manifest_on_disk, outputs_intact, scan_inputs
from generator.incremental.store import EntryStore, Mapper
from generator.incremental.memory import paused_gc
from generator.incremental.page_staging import Progress
from generator.incremental.parallel import fork_map, spread
from generator.incremental.quick_edit import assets_present, fresh_parts, placeholder_parts, sections, snapshot_of
from generator.incremental.records import EntryRecord, decode_problem, encode_problem
from generator.incremental.snapshot import Snapshot
from generator.incremental.writer import OutputWriter
from generator.pipeline.emotions import unknown_emotion_problems
from generator.pipeline.entries import SourceFile, discover
from generator.pipeline.inputs import Inputs, build_date, input_folders, output_dir, public_images_by_entry, read_setup
from generator.pipeline.markdown import Audience
from generator.pipeline.pages import PlannedPage, plan_pages
from generator.pipeline.result import BuildResult
from generator.pipeline.routes import route_stage
from generator.pipeline.site import Site, build_site, find_url_collisions
from generator.pipeline.themes import Theme, static_files
from generator.vocabulary import Vocabulary

Setup = tuple[SiteConfig, Theme, Vocabulary]
SETUP_NOTE = "setup-hashes"  # the hashes of the setup files' bytes, by path with their stamps (scan.setup_digest)


class Builder:
    """Builds one audience's site again and again, redoing only what changed since the last build."""

    def __init__(self, root: Path, audience: Audience, *, mapper: Mapper = fork_map,
                 progress: Progress | None = None, today: date | None = None, drafts: bool = False) -> None:
        self.root = root  # the site folder
        self.drafts = drafts and audience == "journal"  # show drafts (`serve --drafts`): never in the public build
        self.today = today  # the build date; None: the clock's, in the site's time zone, at each build
        self._day: date | None = None  # the date of the build under way
        self.audience: Audience = audience
        self.mapper = mapper  # runs process_entry over the files to parse (fork_map, map, or a process pool's map)
        self.progress = progress  # told how page rendering advances
        self.code = code_stamp()  # Footfall's code and libraries, as installed
        self._cache: Cache | None = None
        self._store: EntryStore | None = None
        self._writer: OutputWriter | None = None  # renders, stages and swaps in the files of each build
        self._snapshot: Snapshot | None = None  # the last full model, patched by later body edits
        self._prepared: Snapshot | None = None  # the snapshot this build wrote, kept if it succeeds
        self._shapes_due: tuple[list[EntryRecord], dict[str, Any]] | None = None  # see _settle_shapes

    def __enter__(self) -> Builder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the cache (a later build opens it again)."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def build(self) -> BuildResult:
        """Build into output/<audience>/; write nothing if there are errors."""
        gc.unfreeze()  # what the last build set aside (see below) is the collector's again
        result = BuildResult(self.audience)
        setup = read_setup(self.root, result, drafts=self.drafts)
        if setup is None:
            return result
        cfg, theme, _ = setup
        result.output_dir = output_dir(cfg, self.audience)
        start_ns = time.time_ns()
        with result.timed("cache"), paused_gc():  # the manifest and scan: many objects, no garbage cycles
            cache = self._open(cache_key(cfg, theme.settings, self.code), cfg)
            scan = self._dated(self._scan(cfg, theme, cache, start_ns), cfg)
            last = self._last_build(cache)
            if self._unchanged(last, scan.stamp, result):
                return self._finish(result)
            cache.set_note(f"building:{self.audience}", True)  # the last note is not trusted until this build ends well
        with paused_gc():  # a handful of pages from a loaded model: a few cycles at most, collected later
            quick = self._quick_edit(setup, scan, last, result)
            if quick is not None:
                gc.freeze()  # the collector need not look at the loaded model again; build() lets it go next time
        if quick is None:
            self._full_build(setup, scan, result, last, start_ns, cache)
            scan = self._settled(scan, setup, cache)
        if result.ok:
            self._note_success(cache, scan, result)
        return self._finish(result)

    def _scan(self, cfg: SiteConfig, theme: Theme, cache: Cache, start_ns: int) -> InputScan:
        """Scan the inputs, the setup files known by the hashes the last scan kept (scan.setup_digest); keep this one's."""
        known = cache.note(SETUP_NOTE)
        known = known if isinstance(known, dict) else {}
        scan = scan_inputs(cfg.content_dir, input_folders(cfg, theme), (cfg.path,), start_ns, known)
        if scan.hashes != known:
            cache.set_note(SETUP_NOTE, scan.hashes)
        return scan

    def _dated(self, scan: InputScan, cfg: SiteConfig) -> InputScan:
        """Fix the build date, and make it an input of the journal: a new day is a changed setup, as a new
        setting would be, so its first build works out again which pages changed (the home, the insights)."""
        self._day = self.today or build_date(cfg)
        return self._with_day(scan)

    def _with_day(self, scan: InputScan) -> InputScan:
        """Return the scan with the build date among its inputs (the journal's), as _dated fixed it."""
        if self.audience != "journal":
            return scan
        day = self._day.isoformat()
        return replace(scan, stamp=scan.stamp and hash_text(scan.stamp, day), setup=scan.setup and hash_text(scan.setup, day))

    def _full_build(self, setup: Setup, scan: InputScan, result: BuildResult, last: dict[str, Any], start_ns: int,
                    cache: Cache) -> None:
        """Build from the records, keeping the model's snapshot when it was written and the build succeeded."""
        self._snapshot = None
        if len(scan.content) >= search_index.WORKERS_FROM:
            search_index.start_workers()  # now, while this process is small (see parallel.start_small_server)
        made = self._build(setup, scan, result, last, start_ns)
        if made is not None and made is self._prepared and result.ok and snapshot.commit(cache.folder, self.audience):
            self._snapshot = made
        else:
            snapshot.discard(cache.folder, self.audience)
        self._prepared = None

    def _settled(self, scan: InputScan, setup: Setup, cache: Cache) -> InputScan:
        """Return the scan with a stamp, when it had none only because its files were too fresh and none moved since.

        After a copy or a checkout every input is newer than the trust window, so the build could not
        stamp its inputs, and the next build with nothing changed would take the long way. When every
        file is now old enough, every entry has the stamp it had when scanned and holds the bytes the
        build read (the snapshot's settled stamps), and the setup files hold the same bytes, a new
        scan's stamp is this build's.
        """
        made = self._snapshot
        if scan.stamp is not None or scan.setup is None or made is None:
            return scan
        cfg, theme, _ = setup
        if not made.settle(cfg.content_dir, scan.content, scan.read):
            return scan
        again = self._with_day(self._scan(cfg, theme, cache, time.time_ns()))
        if again.stamp is None or again.content != scan.content or again.setup != scan.setup:
            return scan
        return replace(scan, stamp=again.stamp)

    def _note_success(self, cache: Cache, scan: InputScan, result: BuildResult) -> None:
        """Note what this good build was made from, for the next one to compare with."""
        note = {"key": cache.key, "stamp": scan.stamp, "setup": scan.setup, "shapes": result.shapes,
                "produced": result.produced, "entries": result.entries, "pages": result.pages,
                "problems": [encode_problem(p) for p in result.problems],
                "snapshot": self._snapshot.token if self._snapshot is not None else None}
        cache.set_notes({f"last-build:{self.audience}": note, f"building:{self.audience}": None})

    def _last_build(self, cache: Cache) -> dict[str, Any]:
        """Return the note of the last good build; empty when there is none, or a later build did not end well."""
        last = cache.note(f"last-build:{self.audience}")
        if not isinstance(last, dict) or cache.note(f"building:{self.audience}") is not None:
            return {}
        return last

    def _prepare(self, made: Snapshot) -> None:
        """Write the snapshot, to be kept if the build succeeds (while the workers render, when there are some)."""
        assert self._cache is not None
        side = snapshot.prepare(made, self._cache.folder)
        if side:  # the public snapshot: what is not its model goes with the records
            self._cache.set_note(snapshot.SIDE_NOTE, side)
        self._prepared = made if side is not None else None

    def _quick_edit(self, setup: Setup, scan: InputScan, last: dict[str, Any], result: BuildResult) -> Snapshot | None:
        """Rebuild from the snapshot when only entry bodies changed since it; None when that cannot be.

        The changed files are parsed and their bodies put into the snapshot's posts; the rest is as
        for any build whose changes are body edits (see generator/incremental/changes.py).
        """
        cache = self._cache
        assert cache is not None and self._store is not None
        token = last.get("snapshot")
        if (not isinstance(token, str) or scan.setup is None
                or last.get("key") != self._cache.key or last.get("setup") != scan.setup):
            return None
        assert result.output_dir is not None
        held = self._snapshot if self._snapshot is not None and self._snapshot.token == token else None
        on_disk = None if held is not None else manifest_on_disk(result.output_dir, self._manifest())  # while it loads
        try:
            with result.timed("snapshot"):
                made = held or snapshot.load(self._cache.folder, token, self._cache.key, scan.setup, self._cache.problems,
                                              self.audience, lambda: cache.note(snapshot.SIDE_NOTE))
                changed = made.changed(scan.content, setup[0].content_dir) if made is not None else None
            if made is None or not changed:  # nothing changed, yet no no-op: the usual way sees to the output
                return None
            return self._patch_and_write(made, changed, setup, scan, last, result, on_disk)
        finally:
            if on_disk is not None:
                on_disk()  # reaps the child, if the build did not ask for its result

    def _patch_and_write(self, made: Snapshot, changed: list[str], setup: Setup, scan: InputScan,
                         last: dict[str, Any], result: BuildResult,
                         on_disk: Callable[[], dict[str, tuple[int, int]]] | None) -> Snapshot | None:
        """Parse the changed files into the snapshot and write what changed; None when their front matter did not fit."""
        assert self._store is not None and self._cache is not None
        cfg, theme, vocabulary = setup
        with result.timed("entries"):
            records = self._store.parse([SourceFile(cfg.content_dir / rel, rel) for rel in changed], cfg,
                                        self.audience, scan.content)
            if any(r.entry is None or has_errors(r.problems) for r in records.values()):
                return None
            shapes = made.fits(records)
            if shapes is None:
                return None
            bodies, fresh = fresh_parts(records, self.audience, cfg.cache_dir / "images", result)
        with result.timed("snapshot"):
            try:
                site, planned, problems = made.patched(bodies, fresh, cfg, self._day)
            except GraphError as exc:
                result.problems.append(snapshot.damaged(self._cache.folder, exc, self.audience))
                return None
        if self.audience != "journal" and not assets_present(site):
            return None  # a resized image in the cache is gone: the usual way makes it again
        self._snapshot = made
        self._store.keep(records, self.audience)
        result.parsed, result.shapes = len(records), shapes
        result.problems.extend(problems)
        result.entries, result.pages = len(site.posts), len(planned)
        produced = last.get("produced")
        self._write(site, planned, Inputs(cfg, theme, vocabulary, (), static_files(theme)), result, frozenset(changed),
                    produced if isinstance(produced, dict) else {}, on_disk=on_disk)  # no entries: the audit reads them
        return made

    def _open(self, key: str, cfg: SiteConfig) -> Cache:
        """Return the cache for this key, opening it (and forgetting what was held) when the key changed."""
        if self._cache is None or self._cache.key != key:
            if self._cache is not None:
                self._cache.close()
            self._cache = Cache(cfg.cache_dir, key)
            self._store = EntryStore(self._cache)
            self._writer = OutputWriter(self._cache, self.audience, self.code, self.progress)
        return self._cache

    def _unchanged(self, note: dict[str, Any], stamp: str | None, result: BuildResult) -> bool:
        """Return True (with the last build's figures) when no input changed and the output is intact."""
        assert self._cache is not None
        if stamp is None or note.get("key") != self._cache.key or note.get("stamp") != stamp:
            return False
        assert result.output_dir is not None
        if not outputs_intact(result.output_dir, self._manifest()):
            return False
        try:
            problems = [decode_problem(p) for p in note["problems"]]
            result.entries, result.pages = int(note["entries"]), int(note["pages"])
        except (KeyError, TypeError, ValueError):
            return False
        result.problems.extend(problems)
        result.unchanged = len(self._manifest())
        return True

    def _manifest(self) -> dict[str, OutputRow]:
        """Return the output rows of the last good build."""
        return self._writer.manifest if self._writer is not None else {}

    def _write(self, site: Site, planned: list[PlannedPage], inputs: Inputs, result: BuildResult,
               dirty: frozenset[str] | None = None, produced: Mapping[str, Any] | None = None,
               meanwhile: Callable[[], object] | None = None,
               on_disk: Callable[[], dict[str, tuple[int, int]]] | None = None) -> None:
        """Write a build's files (see OutputWriter.write)."""
        assert self._writer is not None
        self._writer.write(site, planned, inputs, result, dirty, produced, meanwhile, on_disk)

    def _finish(self, result: BuildResult) -> BuildResult:
        """Report the cache's warnings once."""
        if self._cache is not None:
            result.problems.extend(self._cache.problems)
            self._cache.problems.clear()
        return result

    def _build(self, setup: Setup, scan: InputScan, result: BuildResult, last: dict[str, Any],
               start_ns: int) -> Snapshot | None:
        """Refresh the entries, make the site model and write what changed; return the model made, if any.

        The new records are stored in the cache while the workers render (or at the end, at the latest).
        The garbage collector is paused throughout: the records, the model and the rows of the pages are
        many long-lived objects, which it would walk again and again, and building them makes no
        garbage cycles with the shipped themes (checked); a theme that makes some keeps them until
        the next build.
        """
        assert self._store is not None and self._cache is not None
        try:
            with paused_gc():
                made = self._build_model(setup, scan, result, last, start_ns)
            gc.freeze()  # nor need it walk them after the build: build() lets them go next time
            return made
        finally:
            self._store.store()

    def _build_model(self, setup: Setup, scan: InputScan, result: BuildResult, last: dict[str, Any],
                     start_ns: int) -> Snapshot | None:
        """Do the work of _build()."""
        assert self._store is not None and self._cache is not None
        cfg, theme, vocabulary = setup
        with result.timed("entries"):
            records = self._store.refresh(discover(cfg.content_dir), cfg, self.audience, mapper=self.mapper,
                                          stamps=scan.content, progress=self.progress, store_later=True)
            result.parsed = self._store.parsed
            dirty = self._body_edits(last, scan, records, result)
        entries = tuple(r.entry for r in records if r.entry is not None)
        result.problems.extend(p for r in records for p in r.problems)
        model_problems = [*find_url_collisions(entries, cfg), *unknown_emotion_problems(entries, vocabulary)]
        result.problems.extend(model_problems)
        public = self.audience == "public"
        placeholders = placeholder_parts(entries, cfg) if public else {}
        result.problems.extend(p for found in placeholders.values() for p in found)
        if has_errors(result.problems):
            return None
        rendered = {r.rel: r.rendered(self.audience) for r in records if r.entry is not None}
        renders = visible = {rel: item for rel, item in rendered.items() if item is not None}
        for item in visible.values():
            result.problems.extend(item.problems)
        visible, images = public_images_by_entry(entries, visible, cfg.cache_dir / "images", result) if public else \
            (visible, {})
        result.problems.extend(p for found in images.values() for p in found)
        with result.timed("routes"):
            entries, routes, route_problems = route_stage(entries, self.audience, cfg, map_routes=spread)
            result.problems.extend(route_problems)
        with result.timed("site"):
            site = build_site(entries, visible, self.audience, cfg, vocabulary, routes)
            planned, problems = plan_pages(site, self._day)
            result.problems.extend(problems)
            result.entries, result.pages = len(site.posts), len(planned)
        if has_errors(result.problems):
            return None
        produced = last.get("produced") if dirty is not None else None
        made = None
        if scan.setup is not None:
            found = sections(records, model_problems, renders, (placeholders, images, route_problems) if public else None)
            made = snapshot_of(self._cache.key, scan.setup, scan.content, start_ns, result.shapes, found, site)
        self._write(site, planned, Inputs(cfg, theme, vocabulary, entries, static_files(theme)), result, dirty,
                    produced if isinstance(produced, dict) else {},
                    meanwhile=lambda: self._meanwhile(made, result, cfg.content_dir, scan))
        self._settle_shapes(result)
        return made

    def _meanwhile(self, made: Snapshot | None, result: BuildResult, content_dir: Path, scan: InputScan) -> None:
        """Do this process's own part of a build while the workers render: store the records, work out the
        entries' shapes if they are due, write the snapshot (with the stamps of the files read too soon after
        they were written, if they have settled since: see scan.settle_stamps)."""
        assert self._store is not None
        self._store.store()
        self._settle_shapes(result)
        if made is not None:
            made.settle(content_dir, scan.content, scan.read)
            self._prepare(made)

    def _body_edits(self, last: dict[str, Any], scan: InputScan, records: list[EntryRecord],
                    result: BuildResult) -> frozenset[str] | None:
        """Return the sources whose body alone changed since the last good build; None when more changed.

        Every input besides the entries (settings, theme, templates, images) must be as it was then.
        When some is not, no page needs the entries' shapes: they are worked out later (_settle_shapes).
        """
        assert self._cache is not None
        before = last.get("shapes")
        before = before if isinstance(before, dict) else {}
        self._shapes_due = None  # what a failed build left
        if last.get("key") != self._cache.key or scan.setup is None or last.get("setup") != scan.setup:
            result.shapes, self._shapes_due = {}, (records, before)
            return None
        result.shapes = entry_shapes(records, before)
        return body_only_changes(before, result.shapes)

    def _settle_shapes(self, result: BuildResult) -> None:
        """Work out the entries' shapes that _body_edits left for later, into result.shapes itself (a snapshot holds it)."""
        if self._shapes_due is not None:
            records, before = self._shapes_due
            self._shapes_due = None
            result.shapes.update(entry_shapes(records, before))


def build(root: Path, audience: Audience, *, mapper: Mapper = fork_map, progress: Progress | None = None,
          today: date | None = None, drafts: bool = False) -> BuildResult:
    """Build one audience's site into output/<audience>/, reusing the site's cache."""
    with Builder(root, audience, mapper=mapper, progress=progress, today=today, drafts=drafts) as builder:
        return builder.build()

