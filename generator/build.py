"""Run the pipeline for one audience: config, entries, markdown, site, pages, themes, output."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2

from generator.outputs import feeds
from generator.outputs import sharing
from generator.incremental import snapshot
from generator.pipeline import timeline
from generator.incremental.cache import Cache, OutputRow, compiled_templates_home
from generator.incremental.changes import Shapes, TouchedPages, body_only_changes, entry_shapes
from generator.config import SiteConfig, load_config
from generator.incremental.digest import hash_bytes, hash_text
from generator.incremental.template_digests import TemplateDigests
from generator.pipeline.emotions import unknown_emotion_problems
from generator.pipeline.entries import Entry, SourceFile, discover, load_entries
from generator.errors import Problem, has_errors
from generator.incremental.ledger import OutputLedger, StagedFile
from generator.incremental.page_digests import PageDigests, watch_context
from generator.incremental.scan import (InputScan, cache_key, code_stamp, file_stamp, manifest_on_disk, outputs_intact,
                                        scan_inputs, trusted_stamp)
from generator.incremental.store import EntryStore, Mapper
from generator.incremental.search_index import stage_search_index
from generator.outputs.search import SearchIndexFailed, index_problem
from generator.pipeline.markdown import Audience, Rendered, render_entry
from generator.deploy.output import Staging, UnsafePath
from generator.pipeline.pages import PlannedPage, plan_pages
from generator.pipeline.routes import route_stage
from generator.incremental.parallel import fork_map, indexed_map
from generator.incremental.records import EntryRecord, decode_problem, encode_problem
from generator.incremental.graph import GraphError
from generator.incremental.snapshot import Snapshot
from generator.pipeline.site import Site, build_site, find_url_collisions, is_visible, paused_gc, url_of
from generator.pipeline.themes import (CompiledTemplates, StaticFile, Theme, load_theme, make_environment, render_page,
                              static_files, template_problem)
from generator.urls import output_path, relative_root
from generator.vocabulary import Vocabulary, load_vocabulary


class ProducerFailed(Exception):
    """A file producer that cannot make its files; carries the problem to report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


@dataclass
class BuildResult:
    """What a build did: problems found, files written, time per stage."""

    audience: Audience
    output_dir: Path | None = None  # the live build folder
    problems: list[Problem] = field(default_factory=list)
    entries: int = 0  # entries in this build
    pages: int = 0  # HTML pages planned
    written: int = 0  # files whose bytes changed
    unchanged: int = 0  # files left as they were
    removed: int = 0  # stale files deleted
    parsed: int = 0  # source files parsed again (the others came from the cache)
    rendered: int = 0  # pages rendered again (the others were unchanged)
    checked: int = 0  # pages whose digest was worked out again to see if they changed
    shapes: Shapes = field(default_factory=dict)  # each entry's digest and shape, for the next build
    produced: dict[str, list[str]] = field(default_factory=dict)  # output paths of each file producer
    cards: tuple[int, float] = (0, 0.0)  # share cards drawn (not taken from the cache), and the seconds it took
    changed: list[str] = field(default_factory=list)  # output paths written or removed
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def ok(self) -> bool:
        """Return True when the build had no errors."""
        return not has_errors(self.problems)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        """Add the time spent in a block to a stage's total."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything read from disk and validated, before any rendering."""

    config: SiteConfig
    theme: Theme
    vocabulary: Vocabulary
    entries: tuple[Entry, ...]
    static: Mapping[str, StaticFile]  # the theme's and site's static files by path inside static/
    cards_drawn: dict[str, float] = field(default_factory=dict)  # share cards drawn by this build, and the time


def output_dir(cfg: SiteConfig, audience: Audience) -> Path:
    """Return the live folder of a build."""
    return cfg.output_root / audience


def read_inputs(root: Path, result: BuildResult) -> Inputs | None:
    """Load and check config, theme, vocabulary and entries, without the cache; None when there are errors."""
    setup = read_setup(root, result)
    if setup is None:
        return None
    cfg, theme, vocabulary = setup
    with result.timed("entries"):
        entries, problems = load_entries(cfg)
        result.problems.extend(problems)
        result.problems.extend(find_url_collisions(entries, cfg))
        result.problems.extend(unknown_emotion_problems(entries, vocabulary))
    if has_errors(result.problems):
        return None
    return Inputs(cfg, theme, vocabulary, tuple(entries), static_files(theme))


def check(root: Path) -> BuildResult:
    """Validate a site without writing anything."""
    result = BuildResult("journal")
    inputs = read_inputs(root, result)
    if inputs is not None:
        for entry in inputs.entries:
            result.problems.extend(render_entry(entry, "journal").problems)
        result.problems.extend(route_stage(inputs.entries, "journal", inputs.config)[2])
        result.entries = len(inputs.entries)
    return result


def render_all(entries: tuple[Entry, ...], audience: Audience, cfg: SiteConfig) -> dict[str, Rendered]:
    """Render the body of every entry this audience may see (without the cache)."""
    return {e.rel: render_entry(e, audience, relative_root(url_of(e, cfg)))
            for e in entries if is_visible(e, audience)}


def make_model(inputs: Inputs, audience: Audience, result: BuildResult) -> Site:
    """Render what this audience may see and return its site model (without the cache)."""
    cfg = inputs.config
    with result.timed("markdown"):
        rendered = render_all(inputs.entries, audience, cfg)
        for item in rendered.values():
            result.problems.extend(item.problems)
    if audience == "public":
        rendered = public_images(inputs.entries, rendered, cfg, result)
    with result.timed("routes"):
        entries, routes, problems = route_stage(inputs.entries, audience, cfg)
        result.problems.extend(problems)
    with result.timed("site"):
        return build_site(entries, rendered, audience, cfg, inputs.vocabulary, routes)


def public_images(entries: tuple[Entry, ...], rendered: Mapping[str, Rendered], cfg: SiteConfig,
                  result: BuildResult) -> dict[str, Rendered]:
    """Return the public renders with every image stripped of metadata, resized and offered with srcset."""
    from generator.outputs import images  # here: it loads Pillow, which only public builds need

    sources = {e.rel: e.source for e in entries}
    safe: dict[str, Rendered] = {}
    with result.timed("images"):
        for rel, item in rendered.items():
            safe[rel], problems = images.responsive(item, cfg.cache_dir / "images", sources[rel])
            result.problems.extend(problems)
    return safe


Progress = Callable[[str, int, int], None]  # (what is being done, how many done, how many in all)


class Builder:
    """Builds one audience's site again and again, redoing only what changed since the last build."""

    def __init__(self, root: Path, audience: Audience, *, mapper: Mapper = fork_map,
                 progress: Progress | None = None, today: date | None = None) -> None:
        self.root = root  # the site folder
        self.today = today  # the build date; None: the clock's, in the site's time zone, at each build
        self._day: date | None = None  # the date of the build under way
        self.audience: Audience = audience
        self.mapper = mapper  # runs process_entry over the files to parse (fork_map, map, or a process pool's map)
        self.progress = progress  # told how page rendering advances
        self.code = code_stamp()  # Footfall's code and libraries, as installed
        self._cache: Cache | None = None
        self._store: EntryStore | None = None
        self._manifest: dict[str, OutputRow] = {}
        self._env: tuple[str, jinja2.Environment] | None = None
        self._snapshot: Snapshot | None = None  # the journal's last full model, patched by later body edits
        self._prepared: Snapshot | None = None  # the snapshot this build wrote, kept if it succeeds
        self._shapes_due: tuple[list[EntryRecord], dict[str, Any]] | None = None  # see _settle_shapes
        self._search_note: tuple[str, dict[str, Any]] | None = None  # the search index staged, noted on commit

    def build(self) -> BuildResult:
        """Build into output/<audience>/; write nothing if there are errors."""
        gc.unfreeze()  # what the last build set aside (see below) is the collector's again
        result = BuildResult(self.audience)
        setup = read_setup(self.root, result)
        if setup is None:
            return result
        cfg, theme, vocabulary = setup
        result.output_dir = output_dir(cfg, self.audience)
        start_ns = time.time_ns()
        with result.timed("cache"), paused_gc():  # the manifest and scan: many objects, no garbage cycles
            cache = self._open(cache_key(cfg, theme.settings, self.code), cfg)
            scan = self._dated(scan_inputs(cfg.content_dir, input_folders(cfg, theme), (cfg.path,), start_ns), cfg)
            last = self._last_build(cache)
            if self._unchanged(last, scan.stamp, result):
                return self._finish(result)
            cache.set_note(f"building:{self.audience}", True)  # the last note is not trusted until this build ends well
        with paused_gc():  # a handful of pages from a loaded model: a few cycles at most, collected later
            quick = self._quick_edit(cfg, theme, vocabulary, scan, last, result)
            if quick is not None:
                gc.freeze()  # the collector need not look at the loaded model again; build() lets it go next time
        if quick is None:
            self._snapshot = None
            made = self._build(cfg, theme, vocabulary, scan, result, last, start_ns)
            if made is not None and made is self._prepared and result.ok and snapshot.commit(cache.folder):
                self._snapshot = made
            else:
                snapshot.discard(cache.folder)
            self._prepared = None
        if result.ok:
            note = {"key": cache.key, "stamp": scan.stamp, "setup": scan.setup, "shapes": result.shapes,
                    "produced": result.produced, "entries": result.entries, "pages": result.pages,
                    "problems": [encode_problem(p) for p in result.problems],
                    "snapshot": self._snapshot.token if self._snapshot is not None else None}
            cache.set_notes({f"last-build:{self.audience}": note, f"building:{self.audience}": None})
        return self._finish(result)

    def _dated(self, scan: InputScan, cfg: SiteConfig) -> InputScan:
        """Fix the build date, and make it an input of the journal: a new day is a changed setup, as a new
        setting would be, so its first build works out again which pages changed (the home, the insights)."""
        self._day = self.today or build_date(cfg)
        if self.audience != "journal":
            return scan
        day = self._day.isoformat()
        return replace(scan, stamp=scan.stamp and hash_text(scan.stamp, day), setup=scan.setup and hash_text(scan.setup, day))

    def _last_build(self, cache: Cache) -> dict[str, Any]:
        """Return the note of the last good build; empty when there is none, or a later build did not end well."""
        last = cache.note(f"last-build:{self.audience}")
        if not isinstance(last, dict) or cache.note(f"building:{self.audience}") is not None:
            return {}
        return last

    def _snapshot_to_keep(self, records: list[EntryRecord], model_problems: list[Problem],
                          visible: Mapping[str, Rendered], site: Site, scan: InputScan,
                          start_ns: int, result: BuildResult) -> Snapshot | None:
        """Return the snapshot of a journal build's model (see generator/incremental/snapshot.py); None for the public build."""
        if self.audience != "journal" or scan.setup is None or self._cache is None:
            return None
        stamps = {rel: trusted_stamp(stamp, start_ns) for rel, stamp in scan.content.items()}
        return Snapshot(self._cache.key, scan.setup, stamps, result.shapes, {r.rel: r.problems for r in records},
                        model_problems, {rel: item.problems for rel, item in visible.items()}, site)

    def _prepare(self, made: Snapshot) -> None:
        """Write the snapshot, to be kept if the build succeeds (while the workers render, when there are some)."""
        assert self._cache is not None
        if snapshot.prepare(made, self._cache.folder):
            self._prepared = made

    def _quick_edit(self, cfg: SiteConfig, theme: Theme, vocabulary: Vocabulary, scan: InputScan,
                    last: dict[str, Any], result: BuildResult) -> Snapshot | None:
        """Rebuild from the journal's snapshot when only entry bodies changed since it; None when that cannot be.

        The changed files are parsed and their bodies put into the snapshot's posts; the rest is as
        for any build whose changes are body edits (see generator/incremental/changes.py).
        """
        assert self._cache is not None and self._store is not None
        token = last.get("snapshot")
        if (self.audience != "journal" or not isinstance(token, str) or scan.setup is None
                or last.get("key") != self._cache.key or last.get("setup") != scan.setup):
            return None
        assert result.output_dir is not None
        held = self._snapshot if self._snapshot is not None and self._snapshot.token == token else None
        on_disk = None if held is not None else manifest_on_disk(result.output_dir, self._manifest)  # while it loads
        try:
            with result.timed("snapshot"):
                made = held or snapshot.load(self._cache.folder, token, self._cache.key, scan.setup,
                                              self._cache.problems)
                changed = made.changed(scan.content) if made is not None else None
            if made is None or not changed:
                return None
            return self._patch_and_write(made, changed, cfg, theme, vocabulary, scan, last, result, on_disk)
        finally:
            if on_disk is not None:
                on_disk()  # reaps the child, if the build did not ask for its result

    def _patch_and_write(self, made: Snapshot, changed: list[str], cfg: SiteConfig, theme: Theme,
                         vocabulary: Vocabulary, scan: InputScan, last: dict[str, Any], result: BuildResult,
                         on_disk: Callable[[], dict[str, tuple[int, int]]] | None) -> Snapshot | None:
        """Parse the changed files into the snapshot and write what changed; None when their front matter did not fit."""
        assert self._store is not None
        with result.timed("entries"):
            records = self._store.parse([SourceFile(cfg.content_dir / rel, rel) for rel in changed], cfg,
                                        self.audience, scan.content)
            if any(r.entry is None or has_errors(r.problems) for r in records.values()):
                return None
            shapes = made.fits(records)
            if shapes is None:
                return None
        with result.timed("snapshot"):
            try:
                site, planned, problems = made.patched(records, cfg, self._day)
            except GraphError as exc:
                result.problems.append(snapshot.damaged(self._cache.folder, exc))
                return None
        self._snapshot = made
        self._store.keep(records, self.audience)
        result.parsed, result.shapes = len(records), shapes
        result.problems.extend(problems)
        result.entries, result.pages = len(site.posts), len(planned)
        produced = last.get("produced")
        inputs = Inputs(cfg, theme, vocabulary, (), static_files(theme))  # the entries are only audited (public)
        self._write(site, planned, inputs, result, frozenset(changed),
                    produced if isinstance(produced, dict) else {}, on_disk=on_disk)
        return made

    def _open(self, key: str, cfg: SiteConfig) -> Cache:
        """Return the cache for this key, opening it (and forgetting what was held) when the key changed."""
        if self._cache is None or self._cache.key != key:
            if self._cache is not None:
                self._cache.close()
            self._cache = Cache(cfg.cache_dir, key)
            self._store = EntryStore(self._cache)
            self._manifest = self._cache.outputs(self.audience)
        return self._cache

    def _unchanged(self, note: dict[str, Any], stamp: str | None, result: BuildResult) -> bool:
        """Return True (with the last build's figures) when no input changed and the output is intact."""
        assert self._cache is not None
        if stamp is None or note.get("key") != self._cache.key or note.get("stamp") != stamp:
            return False
        assert result.output_dir is not None
        if not outputs_intact(result.output_dir, self._manifest):
            return False
        try:
            problems = [decode_problem(p) for p in note["problems"]]
            result.entries, result.pages = int(note["entries"]), int(note["pages"])
        except (KeyError, TypeError, ValueError):
            return False
        result.problems.extend(problems)
        result.unchanged = len(self._manifest)
        return True

    def _finish(self, result: BuildResult) -> BuildResult:
        """Report the cache's warnings once."""
        if self._cache is not None:
            result.problems.extend(self._cache.problems)
            self._cache.problems.clear()
        return result

    def _build(self, cfg: SiteConfig, theme: Theme, vocabulary: Vocabulary, scan: InputScan,
               result: BuildResult, last: dict[str, Any], start_ns: int) -> Snapshot | None:
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
                made = self._build_model(cfg, theme, vocabulary, scan, result, last, start_ns)
            gc.freeze()  # nor need it walk them after the build: build() lets them go next time
            return made
        finally:
            self._store.store()

    def _build_model(self, cfg: SiteConfig, theme: Theme, vocabulary: Vocabulary, scan: InputScan,
                     result: BuildResult, last: dict[str, Any], start_ns: int) -> Snapshot | None:
        """Do the work of _build()."""
        assert self._store is not None and self._cache is not None
        with result.timed("entries"):
            records = self._store.refresh(discover(cfg.content_dir), cfg, self.audience, mapper=self.mapper,
                                          stamps=scan.content, progress=self.progress, store_later=True)
            result.parsed = self._store.parsed
            dirty = self._body_edits(last, scan, records, result)
        entries = tuple(r.entry for r in records if r.entry is not None)
        result.problems.extend(p for r in records for p in r.problems)
        model_problems = [*find_url_collisions(entries, cfg), *unknown_emotion_problems(entries, vocabulary)]
        result.problems.extend(model_problems)
        if has_errors(result.problems):
            return None
        rendered = {r.rel: r.rendered(self.audience) for r in records if r.entry is not None}
        visible = {rel: item for rel, item in rendered.items() if item is not None}
        for item in visible.values():
            result.problems.extend(item.problems)
        if self.audience == "public":
            visible = public_images(entries, visible, cfg, result)
        with result.timed("routes"):
            entries, routes, problems = route_stage(entries, self.audience, cfg)
            result.problems.extend(problems)
        with result.timed("site"):
            site = build_site(entries, visible, self.audience, cfg, vocabulary, routes)
            planned, problems = plan_pages(site, self._day)
            result.problems.extend(problems)
            result.entries, result.pages = len(site.posts), len(planned)
        if has_errors(result.problems):
            return None
        produced = last.get("produced") if dirty is not None else None
        made = self._snapshot_to_keep(records, model_problems, visible, site, scan, start_ns, result)
        self._write(site, planned, Inputs(cfg, theme, vocabulary, entries, static_files(theme)), result, dirty,
                    produced if isinstance(produced, dict) else {}, meanwhile=lambda: self._meanwhile(made, result))
        self._settle_shapes(result)
        return made

    def _meanwhile(self, made: Snapshot | None, result: BuildResult) -> None:
        """Do this process's own part of a build while the workers render: store the records, work out the
        entries' shapes if they are due, write the snapshot."""
        assert self._store is not None
        self._store.store()
        self._settle_shapes(result)
        if made is not None:
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

    def _write(self, site: Site, planned: list[PlannedPage], inputs: Inputs, result: BuildResult,
               dirty: frozenset[str] | None = None, produced: Mapping[str, Any] | None = None,
               meanwhile: Callable[[], object] | None = None,
               on_disk: Callable[[], dict[str, tuple[int, int]]] | None = None) -> None:
        """Render what changed, stage every file, then swap them in, or drop them on error.

        `dirty` names the entries whose body alone changed (None: more changed); `produced`, what each
        file producer made last time, so that those that never read a body can be skipped;
        `meanwhile`, a task for this process while the workers render; `on_disk`, the live files of
        the manifest when they are being looked at already (with `dirty` only).
        """
        assert result.output_dir is not None and self._cache is not None
        staging = Staging(result.output_dir, protected=(inputs.config.content_dir,))
        try:
            staging.begin()
            ledger = OutputLedger(staging, self._manifest, walk=dirty is None,  # a body edit keeps the set of files
                                  on_disk=on_disk)
            files = _FilesAlongside(site, planned, inputs, ledger, produced or {}, result)
            with result.timed("templates"):
                self._stage_pages(site, planned, inputs, ledger, result, dirty, lambda: files.stage(meanwhile))
            result.produced = files.finish()
            if not has_errors(result.problems):  # the index is made from the pages: all of them
                with result.timed("search"):
                    self._stage_search(planned, ledger, inputs.config.language)
            result.cards = (int(inputs.cards_drawn.get("count", 0)), inputs.cards_drawn.get("seconds", 0.0))
            if self.audience == "public" and not has_errors(result.problems):
                with result.timed("audit"):
                    result.problems.extend(privacy_audit(site, inputs, staging))
        except UnsafePath as exc:
            result.problems.append(Problem(None, None, str(exc)))
        except ProducerFailed as exc:
            result.problems.append(exc.problem)
        if has_errors(result.problems):
            staging.abandon()
            return
        with result.timed("output"):
            removed = ledger.commit()
        with result.timed("cache"):
            if self._search_note is not None:
                self._cache.set_note(*self._search_note)
                self._search_note = None
            changed, forgotten = ledger.changes()
            self._cache.save_outputs(self.audience, changed, forgotten)
            self._manifest = ledger.rows
        result.written, result.unchanged, result.removed = len(staging.staged), len(staging.kept), len(removed)
        result.changed = sorted({*ledger.written, *removed})

    def _stage_search(self, planned: list[PlannedPage], ledger: OutputLedger, language: str) -> None:
        """Stage the search index of the pages (the last one, when they did not change)."""
        assert self._cache is not None
        note = f"search-index:{self.audience}"
        pages = [item.path for item in planned if item.path.endswith(".html")]
        try:
            made = stage_search_index(ledger, pages, language, self._cache.key, self._cache.note(note))
        except SearchIndexFailed as exc:
            raise ProducerFailed(index_problem(exc)) from exc
        self._search_note = (note, made)

    def _environment(self, inputs: Inputs) -> jinja2.Environment:
        """Return the Jinja environment, kept between builds while no template file and no setting changed."""
        files = [(str(p), hash_bytes(p.read_bytes()))
                 for folder in inputs.theme.template_dirs for p in sorted(folder.rglob("*")) if p.is_file()]
        key = hash_text(repr(inputs.config), repr(inputs.theme), repr(files), repr(sorted(inputs.static.items())))
        if self._env is None or self._env[0] != key:
            compiled = CompiledTemplates(compiled_templates_home(), self.code)
            self._env = (key, make_environment(inputs.theme, inputs.config, inputs.static, compiled))
        return self._env[1]

    def _stage_pages(self, site: Site, planned: list[PlannedPage], inputs: Inputs, ledger: OutputLedger,
                     result: BuildResult, dirty: frozenset[str] | None,
                     meanwhile: Callable[[], object] | None = None) -> None:
        """Render the pages whose digest changed (or whose file did), keep the others untouched."""
        assert self._cache is not None
        env = self._environment(inputs)
        shared = shared_context(site, inputs)
        key = hash_text(self._cache.key, repr(sorted((n, f.output) for n, f in inputs.static.items())))
        note = f"template-references:{self.audience}"
        templates = TemplateDigests(env, self._cache.note(note))
        digests = PageDigests(templates, shared, key)
        for name in {item.template for item in planned}:
            templates.digest(name)  # here, before any worker starts: they inherit it
        if templates.learned:
            self._cache.set_note(note, templates.references())
        touched = None if dirty is None else TouchedPages(dirty, shared, digests.plan)
        todo, result.checked = unchanged_pages(planned, ledger, digests, touched)
        todo = listings_first(todo)
        result.rendered = len(todo)
        made = indexed_map(lambda index: stage_one(env, todo[index], digests, ledger), len(todo), meanwhile)
        for done, staged in enumerate(made, start=1):
            if isinstance(staged, Problem):
                result.problems.append(staged)
                if len(result.problems) > 50:
                    return
                continue
            ledger.record(staged)
            if self.progress is not None:
                self.progress("Rendering pages", done, len(todo))


def unchanged_pages(planned: list[PlannedPage], ledger: OutputLedger, digests: PageDigests,
                    touched: TouchedPages | None = None) -> tuple[list[PlannedPage], int]:
    """Keep the pages made from the same things as last time; return the others and how many were checked.

    Digests are worked out in workers. With `touched` (only entry bodies changed), a page that
    cannot show a changed body keeps its digest without working it out again.
    """
    rows = [(item, ledger.intact(item.path)) for item in planned]
    known = [(item, row) for item, row in rows if row is not None]
    kept: set[str] = set()
    if touched is not None:
        kept = {item.path for item, row in known if not touched.touches(item, row) and ledger.keep(item.path, row)}
        known = [(item, row) for item, row in known if item.path not in kept]
    made = indexed_map(lambda index: digests.page(known[index][0], known[index][1].reads), len(known))
    kept.update(item.path for (item, _), digest in zip(known, made) if ledger.reuse_page(item.path, digest))
    return [item for item in planned if item.path not in kept], len(known)


def listings_first(pages: list[PlannedPage]) -> list[PlannedPage]:
    """Return the pages with the listings (pages given `posts`) first, each group in its order.

    A worker takes pages from the front and this process from the back (parallel.indexed_map), so
    the listings mostly fall to one worker. Each process draws a post's card once and keeps it
    (partials.ReusedPartial): listings split between the processes had both of them draw nearly
    every card. The processes then meet among the entry pages, quick ones, so neither waits long
    for the other at the end.
    """
    return [item for item in pages if "posts" in item.context] + [item for item in pages if "posts" not in item.context]


def render_one(env: jinja2.Environment, item: PlannedPage, digests: PageDigests) -> tuple[str, bytes, set[str]] | Problem:
    """Render one page; return its digest, bytes and read paths, or the template problem (pure: runs in workers)."""
    log, watched_shared = digests.new_log()
    try:
        html = render_page(env, watch_context(item, log), watched_shared)
    except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
        return template_problem(exc, item)
    return digests.page(item, log.paths), html.encode("utf-8"), log.paths


def stage_one(env: jinja2.Environment, item: PlannedPage, digests: PageDigests,
              ledger: OutputLedger) -> StagedFile | Problem:
    """Render one page and write it into staging; return what was staged, or the template problem.

    It runs in forked workers, so that writing the files is spread over the cores too, and only
    a small row travels back; the parent records it.
    """
    made = render_one(env, item, digests)
    if isinstance(made, Problem):
        return made
    digest, html, reads = made
    return ledger.stage(item.path, digest, html, reads)


def privacy_audit(site: Site, inputs: Inputs, staging: Staging) -> list[Problem]:
    """Return a problem for every piece of private text in the staged build (changed files and kept ones)."""
    files = [(relpath, (staging.folder if relpath in staging.staged else staging.target) / relpath)
             for relpath in sorted(staging.staged | staging.kept)]
    from generator.deploy import audit  # here: only public builds need it

    return audit.audit_files(files, staging.target, site, inputs.entries, inputs.vocabulary, inputs.theme,
                             inputs.config.path)


def build(root: Path, audience: Audience, *, mapper: Mapper = fork_map, progress: Progress | None = None,
          today: date | None = None) -> BuildResult:
    """Build one audience's site into output/<audience>/, reusing the site's cache."""
    return Builder(root, audience, mapper=mapper, progress=progress, today=today).build()


TODAY_VARIABLE = "FOOTFALL_TODAY"  # an ISO date that stands for today (for tests, and for a look at another day)


def build_date(cfg: SiteConfig) -> date:
    """Return the build date: $FOOTFALL_TODAY if set, else today in the site's time zone (the one place a build
    reads the clock)."""
    given = os.environ.get(TODAY_VARIABLE, "").strip()
    if given:
        try:
            return date.fromisoformat(given)
        except ValueError:
            pass  # the CLI reports a bad value before any build starts
    return datetime.now(cfg.tz).date()


def check_setup(root: Path) -> tuple[SiteConfig | None, Theme | None, list[Problem]]:
    """Load the configuration and the theme; the config and theme are None when there are errors."""
    result = BuildResult("journal")
    setup = read_setup(root, result)
    if setup is None:
        return None, None, result.problems
    return setup[0], setup[1], result.problems


def watched_folders(root: Path) -> tuple[list[Path], list[Path]]:
    """Return the folders whose changes need a rebuild, and the theme folders among them."""
    cfg, theme, _ = check_setup(root)
    folders = [root / "content", root / "templates", root / "static", root / "themes"]
    if cfg is None or theme is None:
        return folders, []
    return [*folders, cfg.content_dir, *input_folders(cfg, theme)], list(theme.folders)


def input_folders(cfg: SiteConfig, theme: Theme) -> list[Path]:
    """Return the folders (besides content/) whose files a build reads: the theme's and the site's own."""
    folders = list(theme.folders)
    for folder in (*theme.template_dirs, *theme.static_dirs):
        if not any(folder == f or f in folder.parents for f in folders):
            folders.append(folder)
    return folders


def read_setup(root: Path, result: BuildResult) -> tuple[SiteConfig, Theme, Vocabulary] | None:
    """Load and check config, theme and vocabulary; None when there are errors."""
    with result.timed("config"):
        cfg, problems = load_config(root)
        result.problems.extend(problems)
        if cfg is None:
            return None
        theme, problems = load_theme(cfg)
        result.problems.extend(problems)
        vocabulary, problems = load_vocabulary(cfg.section("vocabulary"), cfg.path)
        result.problems.extend(problems)
    if theme is None or has_errors(result.problems):
        return None
    return cfg, theme, vocabulary


class _FilesAlongside:
    """Stages the files that are not template pages, most of them while the workers render the pages.

    This process's share of the page rendering waits meanwhile: the files it stages first (the
    timeline's data, the feeds...) then cost no time of their own in a parallel build. The share
    cards come after the pages: they are drawn by workers of their own.
    """

    def __init__(self, site: Site, planned: list[PlannedPage], inputs: Inputs, ledger: OutputLedger,
                 kept_from: Mapping[str, Any], result: BuildResult) -> None:
        self.args = (site, planned, inputs, ledger, kept_from)
        self.result = result  # its "files" stage times what is staged after the pages
        self.produced: dict[str, list[str]] = {}
        self.failed: Exception | None = None  # raised by finish(), once the pages are done

    def stage(self, meanwhile: Callable[[], object] | None) -> None:
        """Do this process's other task, if any, then stage the files that need no worker."""
        if meanwhile is not None:
            meanwhile()
        try:  # timed with the pages: the stages' times add up to the build's
            self.produced.update(_stage_files(*self.args, producers=ALONGSIDE_PAGES))
        except (ProducerFailed, UnsafePath) as exc:
            self.failed = exc

    def finish(self) -> dict[str, list[str]]:
        """Stage the remaining files (the cards); return the paths each producer made, in FILE_PRODUCERS order."""
        if self.failed is not None:
            raise self.failed
        with self.result.timed("files"):
            rest = tuple(p for p in FILE_PRODUCERS if p not in ALONGSIDE_PAGES or p.__name__ not in self.produced)
            self.produced.update(_stage_files(*self.args, producers=rest))
        return {p.__name__: self.produced[p.__name__] for p in FILE_PRODUCERS}


def _stage_files(site: Site, planned: list[PlannedPage], inputs: Inputs, ledger: OutputLedger,
                 kept_from: Mapping[str, Any], producers: Iterable[Producer]) -> dict[str, list[str]]:
    """Stage the files of some producers: static files, images, feeds and the like.

    A producer in `BODY_FREE` listed in `kept_from` (what it made last time, given only when entry
    bodies alone changed since) is not run when its files are still on disk as it left them.
    Return the paths each producer made.
    """
    now_ns = time.time_ns()
    produced: dict[str, list[str]] = {}
    for producer in producers:
        name = producer.__name__
        before = kept_from.get(name)
        if producer in BODY_FREE and isinstance(before, list) and ledger.reuse_all(before):
            produced[name] = before
            continue
        paths = produced[name] = []
        for relpath, data in producer(site, planned, inputs):
            paths.append(relpath)
            if isinstance(data, Path):
                digest = copy_digest(data, now_ns)
                if not ledger.reuse(relpath, digest):
                    ledger.put(relpath, digest, data.read_bytes())
            else:
                ledger.put(relpath, hash_bytes(data), data)
    return produced


def copy_digest(source: Path, now_ns: int) -> str:
    """Return what a copied file is made from: its path and stamp (never trusted when unknown or very recent)."""
    stamp = trusted_stamp(file_stamp(source), now_ns)
    if stamp is None:
        return f"copy:{source}:recent:{now_ns}"
    return f"copy:{source}:{':'.join(map(str, stamp))}"


def shared_context(site: Site, inputs: Inputs) -> dict[str, Any]:
    """Return the variables every template receives besides its page's own (and `page_url`)."""
    return {"site": site, "config": inputs.config}


def theme_static(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield the theme's static files (the site's own static/ wins), CSS and JS under fingerprinted names."""
    for item in inputs.static.values():
        yield item.output, item.source


def entry_assets(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield the images beside each post of this build."""
    for post in (*site.posts, *site.pages):
        if not post.assets:
            continue
        folder = output_path(post.url).rsplit("/", 1)[0]
        for asset in post.assets:
            yield f"{folder}/{asset.name}", asset.source


def route_files(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield each run's recording beside its page: the journal's only (the public build never holds one)."""
    if site.audience != "journal":
        return
    for post in site.posts:
        if post.route is not None and post.route.source is not None:
            yield f"{output_path(post.url).rsplit('/', 1)[0]}/{post.route.recording}", post.route.source


def crawler_files(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield robots.txt and, for the public build, the sitemap."""
    yield "robots.txt", feeds.robots_txt(site)
    if site.audience == "public":
        yield "sitemap.xml", feeds.sitemap_xml(site, planned)


def timeline_data(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield timeline.json: the emotional timeline of the listed runs, for themes to draw."""
    planned_timeline = next((item.context.get("timeline") for item in planned if item.url == "/timeline/"), None)
    drawn = planned_timeline if isinstance(planned_timeline, timeline.Timeline) else timeline.build_timeline(site)
    yield "timeline.json", timeline.timeline_json(drawn, site.config)


def feed_files(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield the public build's Atom and JSON feeds."""
    yield from feeds.feed_files(site)


def card_files(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield a 1200x630 share card beside every story of the public build (drawn only when it changed)."""
    if site.audience != "public" or not site.posts:
        return
    try:
        style = sharing.card_style(inputs.theme.folders)
    except ValueError as exc:
        raise ProducerFailed(Problem(None, None, f"cannot draw share cards: {exc}",
                                     "fix the [card] table of the theme's theme.toml")) from exc
    specs = {sharing.card_path(post): sharing.card_spec(post, inputs.config) for post in site.posts}
    from generator.outputs import cards  # here: it loads Pillow, which only public builds need

    yield from cards.render_cards(specs, style, inputs.config.cache_dir / "cards", drawn=inputs.cards_drawn).items()


Producer = Callable[[Site, list[PlannedPage], Inputs], Iterable[tuple[str, bytes | Path]]]

#: Each producer yields (output path, bytes or a source file to copy). Add new kinds of file here.
FILE_PRODUCERS: tuple[Producer, ...] = (
    theme_static, entry_assets, route_files, crawler_files, timeline_data, feed_files, card_files,
)

#: The producers run while the workers render the pages: all but the cards, which have workers of their own.
ALONGSIDE_PAGES = frozenset(FILE_PRODUCERS) - {card_files}

#: The producers whose files come from settings, the theme and front matter alone, never an entry's
#: body: an edit to entry text keeps their files as they are.
BODY_FREE = frozenset({theme_static, crawler_files, timeline_data})
