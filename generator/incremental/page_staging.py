"""Stage the pages of a build: render those whose digest changed (in workers), keep the others untouched."""

from __future__ import annotations

from collections.abc import Callable

import jinja2

from generator.errors import Problem
from generator.incremental.cache import Cache
from generator.incremental.changes import TouchedPages
from generator.incremental.digest import hash_text
from generator.incremental.ledger import OutputLedger, StagedFile
from generator.incremental.page_digests import PageDigests, watch_context
from generator.incremental.template_digests import TemplateDigests
from generator.incremental.parallel import indexed_map
from generator.incremental.search_index import page_shard
from generator.pipeline.build import TEMPLATE_ERRORS
from generator.pipeline.inputs import Inputs, shared_context
from generator.pipeline.markdown import Audience
from generator.pipeline.pages import PlannedPage
from generator.pipeline.result import BuildResult
from generator.pipeline.site import Site
from generator.pipeline.themes import render_page, template_problem

Progress = Callable[[str, int, int], None]  # (what is being done, how many done, how many in all)
MOST_PROBLEMS = 50  # a build stops rendering after this many template problems


def stage_pages(env: jinja2.Environment, cache: Cache, audience: Audience, site: Site, planned: list[PlannedPage],
                inputs: Inputs, ledger: OutputLedger, result: BuildResult, dirty: frozenset[str] | None,
                progress: Progress | None = None, meanwhile: Callable[[], object] | None = None) -> None:
    """Render the pages whose digest changed (or whose file did), keep the others untouched.

    `dirty` names the entries whose body alone changed (None: more changed); `meanwhile` is this
    process's task while the workers render.
    """
    shared = shared_context(site, inputs)
    key = hash_text(cache.key, repr(sorted((n, f.output) for n, f in inputs.static.items())))
    note = f"template-references:{audience}"
    templates = TemplateDigests(env, cache.note(note))
    digests = PageDigests(templates, shared, key)
    for name in {item.template for item in planned}:
        templates.digest(name)  # here, before any worker starts: they inherit it
    if templates.learned:
        cache.set_note(note, templates.references())
    touched = None if dirty is None else TouchedPages(dirty, shared, digests.plan)
    todo, result.checked = unchanged_pages(planned, ledger, digests, touched)
    todo = listings_first(todo)
    result.rendered = len(todo)
    made = indexed_map(lambda index: stage_one(env, todo[index], digests, ledger), len(todo), meanwhile)
    for done, staged in enumerate(made, start=1):
        if isinstance(staged, Problem):
            result.problems.append(staged)
            if len(result.problems) > MOST_PROBLEMS:
                return
            continue
        ledger.record(staged)
        if progress is not None:
            progress("Rendering pages", done, len(todo))


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
    except TEMPLATE_ERRORS as exc:
        return template_problem(exc, item)
    return digests.page(item, log.paths), html.encode("utf-8"), log.paths


def stage_one(env: jinja2.Environment, item: PlannedPage, digests: PageDigests,
              ledger: OutputLedger) -> StagedFile | Problem:
    """Render one page and write it into staging; return what was staged, or the template problem.

    It runs in forked workers, so that writing the files is spread over the cores too, and only
    a small row travels back; the parent records it. The page's shard of the search index is worked
    out here too, from the bytes in hand: the index need not read the page again.
    """
    made = render_one(env, item, digests)
    if isinstance(made, Problem):
        return made
    digest, html, reads = made
    return ledger.stage(item.path, digest, html, reads)._replace(shard=page_shard(item.path, html))


def environment_key(inputs: Inputs, files: list[tuple[str, str]]) -> str:
    """Return the key of a Jinja environment: settings, theme, template files and static names."""
    return hash_text(repr(inputs.config), repr(inputs.theme), repr(files), repr(sorted(inputs.static.items())))

