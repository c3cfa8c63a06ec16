"""Build the public site from scratch into a new folder, for publishing: no shortcut of any kind.

Every entry is found and read again, every page rendered, every image and share card made anew
(into a scratch folder that goes away), nothing is taken from the cache or a snapshot, and no
file of an earlier build is kept. The privacy audit runs over the finished files before they
count as built. It is the plain pipeline, one stage after the other.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import jinja2

from generator.build import (FILE_PRODUCERS, BuildResult, Inputs, ProducerFailed, card_files, privacy_audit,
                             read_inputs, render_all, shared_context)
from generator.deploy.output import Staging, UnsafePath
from generator.errors import Problem, has_errors
from generator.outputs import search, sharing
from generator.pipeline.pages import PlannedPage, plan_pages
from generator.pipeline.site import Site, build_site
from generator.pipeline.themes import make_environment, render_page, template_problem


def build_fresh(root: Path, folder: Path) -> BuildResult:
    """Build the public site of the site at root into folder, which must not exist yet; audit it first.

    On any problem the folder is left out (nothing is built).
    """
    result = BuildResult("public", output_dir=folder)
    inputs = read_inputs(root, result)  # finds and parses every entry: no cache
    if inputs is None:
        return result
    with tempfile.TemporaryDirectory(prefix="footfall-fresh-") as scratch:
        site = _model(inputs, Path(scratch), result)
        if site is None:
            return result
        with result.timed("site"):
            planned, problems = plan_pages(site)
            result.problems.extend(problems)
            result.entries, result.pages = len(site.posts), len(planned)
        if not has_errors(result.problems):
            _write(site, planned, inputs, result)
    return result


def _model(inputs: Inputs, scratch: Path, result: BuildResult) -> Site | None:
    """Render every public entry and return the public site model; None when there are errors."""
    from generator.outputs import images  # here: it loads Pillow

    cfg = inputs.config
    with result.timed("markdown"):
        rendered = render_all(inputs.entries, "public", cfg)
        for item in rendered.values():
            result.problems.extend(item.problems)
    sources = {e.rel: e.source for e in inputs.entries}
    with result.timed("images"):
        for rel, item in list(rendered.items()):
            rendered[rel], problems = images.responsive(item, scratch / "images", sources[rel])
            result.problems.extend(problems)
    if has_errors(result.problems):
        return None
    with result.timed("site"):
        return build_site(inputs.entries, rendered, "public", cfg, inputs.vocabulary)


def _write(site: Site, planned: list[PlannedPage], inputs: Inputs, result: BuildResult) -> None:
    """Render and stage every page and file, audit them all, then make the folder; on problems, make nothing."""
    assert result.output_dir is not None
    staging = Staging(result.output_dir, protected=(inputs.config.content_dir,))
    try:
        staging.begin()
        pages: dict[str, bytes] = {}
        with result.timed("templates"):
            result.problems.extend(_stage_pages(site, planned, inputs, staging, pages))
        with result.timed("files"):
            for relpath, data in _files(site, planned, inputs):
                staging.add(relpath, data.read_bytes() if isinstance(data, Path) else data)
        if not has_errors(result.problems):  # the index is made from the pages: all of them
            with result.timed("search"):
                _stage_search(pages, inputs.config.language, staging)
        if not has_errors(result.problems):
            with result.timed("audit"):
                result.problems.extend(privacy_audit(site, inputs, staging))
    except UnsafePath as exc:
        result.problems.append(Problem(None, None, str(exc)))
    except ProducerFailed as exc:
        result.problems.append(exc.problem)
    except search.SearchIndexFailed as exc:
        result.problems.append(search.index_problem(exc))
    if has_errors(result.problems):
        staging.abandon()
        return
    with result.timed("output"):
        staging.commit()
    result.written = len(staging.staged)
    result.changed = sorted(staging.staged)


def _stage_search(pages: dict[str, bytes], language: str, staging: Staging) -> None:
    """Stage the search index of the HTML pages, made anew."""
    html = [(path, data) for path, data in sorted(pages.items()) if path.endswith(".html")]
    for relpath, data in search.build_index(html, language).items():
        staging.add(relpath, data)


def _stage_pages(site: Site, planned: list[PlannedPage], inputs: Inputs, staging: Staging,
                 pages: dict[str, bytes]) -> list[Problem]:
    """Render every planned page into staging, and into pages; return the template problems."""
    env = make_environment(inputs.theme, inputs.config, inputs.static)  # no compiled templates kept
    shared = shared_context(site, inputs)
    problems: list[Problem] = []
    for item in planned:
        try:
            html = render_page(env, item, shared)
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
            problems.append(template_problem(exc, item))
            continue
        pages[item.path] = html.encode("utf-8")
        staging.add(item.path, pages[item.path])
    return problems


def _files(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield the files that are not pages, from every producer; share cards are drawn, never taken from a cache."""
    for producer in FILE_PRODUCERS:
        yield from (_fresh_cards(site, inputs) if producer is card_files else producer(site, planned, inputs))


def _fresh_cards(site: Site, inputs: Inputs) -> Iterable[tuple[str, bytes | Path]]:
    """Yield a share card beside every story, each drawn now."""
    if not site.posts:
        return []
    try:
        style = sharing.card_style(inputs.theme.folders)
    except ValueError as exc:
        raise ProducerFailed(Problem(None, None, f"cannot draw share cards: {exc}",
                                     "fix the [card] table of the theme's theme.toml")) from exc
    specs = {sharing.card_path(post): sharing.card_spec(post, inputs.config) for post in site.posts}
    from generator.outputs import cards  # here: it loads Pillow

    return cards.render_cards(specs, style, None).items()

