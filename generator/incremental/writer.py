"""Write one build's files: check every claim, render the pages that changed, stage the rest, swap them in."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import jinja2

from generator.config import user_cache_home
from generator.deploy.output import Staging
from generator.errors import Problem, has_errors
from generator.incremental.cache import Cache, OutputRow
from generator.incremental.digest import hash_bytes
from generator.incremental.file_staging import FAILURES, FilesAlongside
from generator.incremental.ledger import OutputLedger
from generator.incremental.page_staging import Progress, environment_key, stage_pages
from generator.incremental.parallel import (Background, can_fork, give_back_free_memory, in_background, in_thread,
                                            indexed_map, workers)
from generator.incremental.partials import FootfallEnvironment
from generator.incremental.search_index import stage_search_index
from generator.outputs import redirects
from generator.outputs.files import Making, ProducerFailed
from generator.outputs.search import SearchIndexFailed, index_problem
from generator.outputs.registry import check_claims, claims
from generator.pipeline.inputs import Inputs
from generator.pipeline.markdown import Audience
from generator.pipeline.pages import PlannedPage
from generator.pipeline.result import BuildResult
from generator.pipeline.site import Site
from generator.pipeline.themes import CompiledTemplates, make_environment

if TYPE_CHECKING:
    from generator.deploy.audit import Sought
    from generator.deploy.staged_audit import StagedAudit


class OutputWriter:
    """Writes the builds of one audience, keeping the last good build's rows and the Jinja environment."""

    def __init__(self, cache: Cache, audience: Audience, code: str, progress: Progress | None = None) -> None:
        self.cache = cache
        self.audience: Audience = audience
        self.code = code  # Footfall's code stamp: compiled templates are kept per stamp
        self.progress = progress  # told how page rendering advances
        self.manifest: dict[str, OutputRow] = cache.outputs(audience)  # the last good build's rows
        self._env: tuple[str, jinja2.Environment] | None = None
        self._search_note: tuple[str, dict[str, Any]] | None = None  # the search index staged, noted on commit

    def write(self, site: Site, planned: list[PlannedPage], inputs: Inputs, result: BuildResult,
               dirty: frozenset[str] | None = None, produced: Mapping[str, Any] | None = None,
               meanwhile: Callable[[], object] | None = None,
               on_disk: Callable[[], dict[str, tuple[int, int]]] | None = None) -> None:
        """Check every output path's claim, render what changed, stage every file, then swap them in, or drop them.

        `dirty` names the entries whose body alone changed (None: more changed); `produced`, what each
        file producer made last time, so that those that never read a body can be skipped;
        `meanwhile`, a task for this process while the workers render; `on_disk`, the live files of
        the manifest when they are being looked at already (with `dirty` only).
        """
        early = self._audit_early(inputs) if self.manifest else None  # an edit's: on the other core
        ahead = [early] if early is not None else []  # else a thread starts once Pagefind indexes (_write)
        try:
            self._write(site, planned, inputs, result, ahead, dirty, produced, meanwhile, on_disk)
        finally:
            if ahead and ahead[0] is not None:
                _reap(ahead[0])

    def _write(self, site: Site, planned: list[PlannedPage], inputs: Inputs, result: BuildResult,
               ahead: list[Callable[[], Sought] | None], dirty: frozenset[str] | None,
               produced: Mapping[str, Any] | None, meanwhile: Callable[[], object] | None,
               on_disk: Callable[[], dict[str, tuple[int, int]]] | None) -> None:
        """Write the build (see write), with what the audit looks for being worked out in `ahead`, if begun."""
        assert result.output_dir is not None

        def start_audit_work() -> None:  # once: in a thread, unless a child does it already
            if not ahead:
                ahead.append(self._audit_ahead(inputs))

        begun: list[StagedAudit | None] = []

        def while_indexing() -> None:  # a child worked out what the audit seeks: search the kept files now
            if ahead:
                begun.append(self._audit_kept(site, inputs, staging, ahead[0]))
            start_audit_work()

        making = Making(site, planned, inputs, card_cache=inputs.config.cache_dir / "cards", card_workers=None,
                        card_map=draw_cards)
        claimed, problems = check_claims(claims(making))
        if problems:
            result.problems.extend(problems)
            return
        staging = Staging(result.output_dir, protected=(inputs.config.content_dir,))
        try:
            staging.begin()
            ledger = OutputLedger(staging, self.manifest, walk=not dirty,  # a body edit keeps the set of files; with
                                  on_disk=on_disk)  # none, the output itself changed (no no-op): files not ours go
            files = FilesAlongside(making, claimed, ledger, produced or {}, result)
            with result.timed("templates"):
                stage_pages(self._environment(inputs), self.cache, self.audience, site, planned, inputs, ledger,
                            result, dirty, self.progress, lambda: files.stage(meanwhile))
            give_back_free_memory()  # what rendering freed, before the card workers fork (and for the rest)
            result.produced = files.finish()
            if not has_errors(result.problems):  # the index is made from the pages: all of them
                with result.timed("search"):  # the audit's work starts once Pagefind indexes (while_indexing)
                    self._stage_search(planned, ledger, inputs.config.language, while_indexing)
            result.cards = (int(making.cards_drawn.get("count", 0)), making.cards_drawn.get("seconds", 0.0))
            if not has_errors(result.problems):
                start_audit_work()  # the public build is audited, whatever the search stage did
                self._audit(site, inputs, staging, result, ahead[0], begun[0] if begun else None)
        except FAILURES as exc:
            result.problems.append(getattr(exc, "problem", None) or Problem(None, None, str(exc)))
        if has_errors(result.problems):
            staging.abandon()
            return
        self._commit(ledger, staging, result, site)

    def _audit_ahead(self, inputs: Inputs) -> Callable[[], Sought] | None:
        """Start working out what the public audit looks for in a thread, while Pagefind indexes (None: no audit).

        The needles and the recorded coordinates come from the sources alone, and Pagefind runs as
        processes of its own, so this process is free meanwhile. The journal is never audited. Call
        the result to wait for them.
        """
        if self.audience != "public":
            return None
        from generator.deploy.staged_audit import audit_sought  # here: the journal never loads the audit

        return in_thread(lambda: audit_sought(inputs))

    def _audit_early(self, inputs: Inputs) -> Background[Sought] | None:
        """Start working out what the public audit looks for in a forked child (None: no audit).

        For a build after an earlier one (an edit, mostly), whose pages are few: a thread would wait
        for this process's work on them, and they for it. The child works on the other core, and
        what it found comes back pickled. (A cold build has no core to spare and memory to keep: it
        starts a thread once Pagefind indexes, see _audit_ahead.)
        """
        if self.audience != "public" or not can_fork():
            return None
        from generator.deploy.staged_audit import audit_sought  # here: the journal never loads the audit

        return in_background(lambda: audit_sought(inputs))

    def _audit_kept(self, site: Site, inputs: Inputs, staging: Staging,
                    sought: Callable[[], Sought] | None) -> StagedAudit | None:
        """Begin the audit of the staged public build: search the live files it keeps (None: no audit).

        Done while Pagefind indexes an edit's shard: the kept files are most of the build, and
        the build never writes them (staged_audit.StagedAudit).
        """
        if sought is None:
            return None
        from generator.deploy.staged_audit import StagedAudit  # here: the journal never loads the audit

        begun = StagedAudit(site, inputs, staging, sought=sought())
        begun.check_kept()
        return begun

    def _audit(self, site: Site, inputs: Inputs, staging: Staging, result: BuildResult,
               sought: Callable[[], Sought] | None, begun: StagedAudit | None = None) -> None:
        """Audit the staged public build for private content (the rest of it, when `begun`), with what the audit
        looks for worked out ahead."""
        if sought is None:
            return  # the journal is never audited
        from generator.deploy.staged_audit import StagedAudit  # here: the journal never loads the audit

        with result.timed("audit"):
            audit = begun or StagedAudit(site, inputs, staging, sought=sought())
            result.problems.extend(audit.problems())

    def _commit(self, ledger: OutputLedger, staging: Staging, result: BuildResult, site: Site) -> None:
        """Swap the staged files in, record the public URLs in the site's ledger, note the output rows in the cache."""
        assert self.cache is not None
        with result.timed("output"):
            removed = ledger.commit()
            redirects.record_urls(site)  # what is live is in the URL ledger (outputs/redirects.py)
        with result.timed("cache"):
            if self._search_note is not None:
                self.cache.set_note(*self._search_note)
                self._search_note = None
            changed, forgotten = ledger.changes()
            self.cache.save_outputs(self.audience, changed, forgotten)
            self.manifest = ledger.rows
        result.written, result.unchanged, result.removed = len(staging.staged), len(staging.kept), len(removed)
        result.changed = sorted({*ledger.written, *removed})

    def _stage_search(self, planned: list[PlannedPage], ledger: OutputLedger, language: str,
                      meanwhile: Callable[[], object]) -> None:
        """Stage the search index of the pages (the last one, when they did not change), doing `meanwhile` meanwhile."""
        note = f"search-index:{self.audience}"
        pages = [item.path for item in planned if item.path.endswith(".html")]
        try:
            made = stage_search_index(ledger, pages, language, self.cache.key, self.cache.note(note), meanwhile)
        except SearchIndexFailed as exc:
            raise ProducerFailed(index_problem(exc)) from exc
        self._search_note = (note, made)

    def _environment(self, inputs: Inputs) -> jinja2.Environment:
        """Return the Jinja environment, kept between builds while no template file and no setting changed."""
        files = [(str(p), hash_bytes(p.read_bytes()))
                 for folder in inputs.theme.template_dirs for p in sorted(folder.rglob("*")) if p.is_file()]
        key = environment_key(inputs, files)
        if self._env is None or self._env[0] != key:
            compiled = CompiledTemplates(user_cache_home(), self.code)  # code: in the user's own cache, never a site's
            self._env = (key, make_environment(inputs.theme, inputs.config, inputs.static, compiled,
                                               kind=FootfallEnvironment))
        return self._env[1]


def draw_cards(job: Callable[[int], Any], count: int) -> Iterator[Any]:
    """Spread the drawing of share cards over forked workers and this process, one process per core.

    This process draws its share between taking the cards (parallel.indexed_map), so one worker
    fewer is forked than a pool of one per core has: one copy fewer of what they write.
    """
    return indexed_map(job, count, processes=workers(), in_order=True)  # a card is big: few wait to be taken


def _reap(sought: Callable[[], Sought]) -> None:
    """Wait for what the audit looks for, worked out ahead, whether or not the build used it: so a child is reaped."""
    try:
        sought()  # once taken, kept: the audit of a build that went well does not wait twice
    except Exception:  # noqa: BLE001 - the build that failed says why; this work was for its audit only
        pass
