"""Run the pipeline for one audience: config, entries, markdown, site, pages, themes, output."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import jinja2

from generator import audit, cards, feeds, images, sharing, timeline
from generator.config import SiteConfig, load_config
from generator.emotions import unknown_emotion_problems
from generator.entries import Entry, load_entries
from generator.errors import Problem, has_errors
from generator.markdown import Audience, Rendered, render_entry
from generator.output import Staging, UnsafePath
from generator.pages import PlannedPage, plan_pages
from generator.site import Site, build_site, find_url_collisions, is_visible, url_of
from generator.themes import StaticFile, Theme, load_theme, make_environment, render_page, static_files, template_problem
from generator.urls import output_path, relative_root
from generator.vocabulary import Vocabulary, load_vocabulary


GENERATOR_DIR = Path(__file__).resolve().parent  # Footfall's own source: words it may write itself


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


def output_dir(cfg: SiteConfig, audience: Audience) -> Path:
    """Return the live folder of a build."""
    return cfg.output_root / audience


def read_inputs(root: Path, result: BuildResult) -> Inputs | None:
    """Load and check config, theme, vocabulary and entries; None when there are errors."""
    with result.timed("config"):
        cfg, problems = load_config(root)
        result.problems.extend(problems)
        if cfg is None:
            return None
        theme, problems = load_theme(cfg)
        result.problems.extend(problems)
        vocabulary, problems = load_vocabulary(cfg.section("vocabulary"), cfg.path)
        result.problems.extend(problems)
    with result.timed("entries"):
        entries, problems = load_entries(cfg)
        result.problems.extend(problems)
        result.problems.extend(find_url_collisions(entries, cfg))
        result.problems.extend(unknown_emotion_problems(entries, vocabulary))
    if theme is None or has_errors(result.problems):
        return None
    return Inputs(cfg, theme, vocabulary, tuple(entries), static_files(theme))


def check(root: Path) -> BuildResult:
    """Validate a site without writing anything."""
    result = BuildResult("journal")
    inputs = read_inputs(root, result)
    if inputs is not None:
        for entry in inputs.entries:
            result.problems.extend(render_entry(entry, "journal").problems)
        result.entries = len(inputs.entries)
    return result


def build(root: Path, audience: Audience) -> BuildResult:
    """Build one audience's site into output/<audience>/; write nothing if there are errors."""
    result = BuildResult(audience)
    inputs = read_inputs(root, result)
    if inputs is None:
        return result
    result.output_dir = output_dir(inputs.config, audience)
    site = make_model(inputs, audience, result)
    with result.timed("site"):
        planned, problems = plan_pages(site)
        result.problems.extend(problems)
        result.entries, result.pages = len(site.posts), len(planned)
    if has_errors(result.problems):
        return result
    write_site(site, planned, inputs, result)
    return result


def make_model(inputs: Inputs, audience: Audience, result: BuildResult) -> Site:
    """Render what this audience may see and return its site model."""
    cfg = inputs.config
    with result.timed("markdown"):
        rendered = render_all(inputs.entries, audience, cfg)
        for item in rendered.values():
            result.problems.extend(item.problems)
    if audience == "public":
        with result.timed("images"):
            rendered = public_images(inputs.entries, rendered, cfg, result)
    with result.timed("site"):
        return build_site(inputs.entries, rendered, audience, cfg, inputs.vocabulary)


def audit_public(root: Path) -> BuildResult:
    """Audit the existing public build (output/public) against the current content."""
    result = BuildResult("public")
    inputs = read_inputs(root, result)
    if inputs is None:
        return result
    result.output_dir = output_dir(inputs.config, "public")
    site = make_model(inputs, "public", result)
    result.entries = len(site.posts)
    if not result.output_dir.is_dir():
        result.problems.append(Problem(None, None, f"there is no public build in {result.output_dir} to audit",
                                       "run `footfall build` first"))
    elif not has_errors(result.problems):
        with result.timed("audit"):
            files = audit.folder_files(result.output_dir)
            result.problems.extend(privacy_audit(site, inputs, files, result.output_dir))
    return result


def privacy_audit(site: Site, inputs: Inputs, files: list[tuple[str, Path]], output: Path) -> list[Problem]:
    """Return a problem for every piece of private text found in the public output files."""
    needles = audit.collect_needles(inputs.entries, site, public_words(site, inputs), inputs.vocabulary)
    return audit.leak_problems(audit.scan(files, needles), output)


def public_words(site: Site, inputs: Inputs) -> frozenset[str]:
    """Return every word the public build may hold: its stories, settings, theme and Footfall's own words."""
    theme = inputs.theme
    folders = [*theme.folders, *theme.template_dirs, *theme.static_dirs, GENERATOR_DIR]
    texts = chain(audit.public_texts(site), audit.fixed_texts(inputs.vocabulary),
                  audit.file_texts(folders, [inputs.config.path]))
    return audit.allowed_words(texts)


def render_all(entries: tuple[Entry, ...], audience: Audience, cfg: SiteConfig) -> dict[str, Rendered]:
    """Render the body of every entry this audience may see."""
    return {e.rel: render_entry(e, audience, relative_root(url_of(e, cfg)))
            for e in entries if is_visible(e, audience)}


def public_images(entries: tuple[Entry, ...], rendered: dict[str, Rendered], cfg: SiteConfig,
                  result: BuildResult) -> dict[str, Rendered]:
    """Return the public renders with every image stripped of metadata, resized and offered with srcset."""
    sources = {e.rel: e.source for e in entries}
    cache = cfg.cache_dir / "images"
    safe: dict[str, Rendered] = {}
    for rel, item in rendered.items():
        safe[rel], problems = images.responsive(item, cache, sources[rel])
        result.problems.extend(problems)
    return safe


def write_site(site: Site, planned: list[PlannedPage], inputs: Inputs, result: BuildResult) -> None:
    """Render templates and stage every file, then swap them in, or drop them on error."""
    assert result.output_dir is not None
    staging = Staging(result.output_dir, protected=(inputs.config.content_dir,))
    try:
        staging.begin()
        with result.timed("templates"):
            _stage_pages(site, planned, inputs, staging, result)
        with result.timed("files"):
            _stage_files(site, planned, inputs, staging)
        if site.audience == "public" and not has_errors(result.problems):
            with result.timed("audit"):
                result.problems.extend(privacy_audit(site, inputs, _staged_files(staging), staging.target))
    except UnsafePath as exc:
        result.problems.append(Problem(None, None, str(exc)))
    except ProducerFailed as exc:
        result.problems.append(exc.problem)
    if has_errors(result.problems):
        staging.abandon()
        return
    with result.timed("output"):
        removed = staging.commit()
    result.written, result.unchanged, result.removed = len(staging.staged), len(staging.kept), len(removed)


def _staged_files(staging: Staging) -> list[tuple[str, Path]]:
    """Return every file of a staged build (changed ones in staging, the rest live)."""
    return [(relpath, (staging.folder if relpath in staging.staged else staging.target) / relpath)
            for relpath in sorted(staging.staged | staging.kept)]


def _stage_pages(site: Site, planned: list[PlannedPage], inputs: Inputs, staging: Staging,
                 result: BuildResult) -> None:
    """Render every planned page into the staging folder."""
    env = make_environment(inputs.theme, inputs.config, inputs.static)
    shared = shared_context(site, inputs)
    for item in planned:
        try:
            html = render_page(env, item, shared)
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError) as exc:
            result.problems.append(template_problem(exc, item))
            if len(result.problems) > 50:
                return
            continue
        staging.add(item.path, html.encode("utf-8"))


def shared_context(site: Site, inputs: Inputs) -> dict[str, Any]:
    """Return the variables every template receives besides its page's own (and `page_url`)."""
    return {"site": site, "config": inputs.config}


def _stage_files(site: Site, planned: list[PlannedPage], inputs: Inputs, staging: Staging) -> None:
    """Stage every file that is not a template page: static files, images, feeds and the like."""
    for producer in FILE_PRODUCERS:
        for relpath, data in producer(site, planned, inputs):
            if isinstance(data, Path):
                staging.add_copy(relpath, data)
            else:
                staging.add(relpath, data)


def theme_static(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield the theme's static files (the site's own static/ wins), CSS and JS under fingerprinted names."""
    for item in inputs.static.values():
        yield item.output, item.source


def entry_assets(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield the images beside each post of this build."""
    for post in (*site.posts, *site.pages):
        folder = output_path(post.url).rsplit("/", 1)[0]
        for asset in post.assets:
            yield f"{folder}/{asset.name}", asset.source


def crawler_files(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield robots.txt and, for the public build, the sitemap."""
    yield "robots.txt", feeds.robots_txt(site)
    if site.audience == "public":
        yield "sitemap.xml", feeds.sitemap_xml(site, planned)


def feed_files(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield the public build's Atom and JSON feeds."""
    yield from feeds.feed_files(site)


def timeline_data(site: Site, planned: list[PlannedPage], inputs: Inputs) -> Iterator[tuple[str, bytes | Path]]:
    """Yield timeline.json: the emotional timeline of the listed runs, for themes to draw."""
    yield "timeline.json", timeline.timeline_json(timeline.build_timeline(site), site.config)


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
    yield from cards.render_cards(specs, style, inputs.config.cache_dir / "cards").items()


#: Each producer yields (output path, bytes or a source file to copy). Add new kinds of file here.
FILE_PRODUCERS: tuple[Callable[[Site, list[PlannedPage], Inputs], Iterable[tuple[str, bytes | Path]]], ...] = (
    theme_static, entry_assets, crawler_files, timeline_data, feed_files, card_files,
)
