"""Read what a build is made from: configuration, theme, vocabulary, entries; then the site model."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from generator.config import SiteConfig, load_config
from generator.errors import Problem, has_errors
from generator.pipeline.emotions import grouping_notes, unknown_emotion_problems
from generator.pipeline.entries import Entry, load_entries
from generator.pipeline.markdown import Audience, Rendered, render_entry
from generator.pipeline.placeholders import placeholder_problems
from generator.pipeline.result import BuildResult
from generator.pipeline.routes import route_stage
from generator.pipeline.site import Site, build_site, find_url_collisions, is_visible, url_of
from generator.pipeline.themes import StaticFile, Theme, load_theme, static_files
from generator.urls import relative_root
from generator.vocabulary import Vocabulary, load_vocabulary


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything read from disk and validated, before any rendering."""

    config: SiteConfig
    theme: Theme
    vocabulary: Vocabulary
    entries: tuple[Entry, ...]
    static: Mapping[str, StaticFile]  # the theme's and site's static files by path inside static/


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


def output_dir(cfg: SiteConfig, audience: Audience) -> Path:
    """Return the live folder of a build."""
    return cfg.output_root / audience


def read_setup(root: Path, result: BuildResult, *, drafts: bool = False) -> tuple[SiteConfig, Theme, Vocabulary] | None:
    """Load and check config, theme and vocabulary; None when there are errors. `drafts` shows drafts (journal)."""
    with result.timed("config"):
        cfg, problems = load_config(root)
        result.problems.extend(problems)
        if cfg is None:
            return None
        if drafts:
            cfg = replace(cfg, drafts=True)
        theme, problems = load_theme(cfg)
        result.problems.extend(problems)
        vocabulary, problems = load_vocabulary(cfg.section("vocabulary"), cfg.path)
        result.problems.extend(problems)
    if theme is None or has_errors(result.problems):
        return None
    return cfg, theme, vocabulary


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
        result.drafts = sum(entry.draft for entry in inputs.entries)
        result.problems.extend(placeholder_problems(inputs.config, inputs.entries))
        result.problems.extend(grouping_notes(inputs.entries, inputs.vocabulary))
        result.entries = len(inputs.entries) - result.drafts
    return result


def check_setup(root: Path) -> tuple[SiteConfig | None, Theme | None, list[Problem]]:
    """Load the configuration and the theme; the config and theme are None when there are errors."""
    result = BuildResult("journal")
    setup = read_setup(root, result)
    if setup is None:
        return None, None, result.problems
    return setup[0], setup[1], result.problems


def input_folders(cfg: SiteConfig, theme: Theme) -> list[Path]:
    """Return the folders (besides content/) whose files a build reads: the theme's and the site's own."""
    folders = list(theme.folders)
    for folder in (*theme.template_dirs, *theme.static_dirs):
        if not any(folder == f or f in folder.parents for f in folders):
            folders.append(folder)
    return folders


def watched_folders(root: Path) -> tuple[list[Path], list[Path]]:
    """Return the folders whose changes need a rebuild, and the theme folders among them."""
    cfg, theme, _ = check_setup(root)
    folders = [root / "content", root / "templates", root / "static", root / "themes"]
    if cfg is None or theme is None:
        return folders, []
    return [*folders, cfg.content_dir, *input_folders(cfg, theme)], list(theme.folders)


def render_all(entries: tuple[Entry, ...], audience: Audience, cfg: SiteConfig) -> dict[str, Rendered]:
    """Render the body of every entry this audience may see (without the cache)."""
    return {e.rel: render_entry(e, audience, relative_root(url_of(e, cfg)))
            for e in entries if is_visible(e, audience)}


def make_model(inputs: Inputs, audience: Audience, result: BuildResult, images_dir: Path | None = None) -> Site:
    """Render what this audience may see and return its site model (without the cache).

    `images_dir` receives the public build's resized images (default: the site's cache folder).
    """
    cfg = inputs.config
    with result.timed("markdown"):
        rendered = render_all(inputs.entries, audience, cfg)
        for item in rendered.values():
            result.problems.extend(item.problems)
    if audience == "public":
        rendered = public_images(inputs.entries, rendered, images_dir or cfg.cache_dir / "images", result)
    with result.timed("routes"):
        entries, routes, problems = route_stage(inputs.entries, audience, cfg)
        result.problems.extend(problems)
    with result.timed("site"):
        return build_site(entries, rendered, audience, cfg, inputs.vocabulary, routes)


def public_images(entries: tuple[Entry, ...], rendered: Mapping[str, Rendered], images_dir: Path,
                  result: BuildResult) -> dict[str, Rendered]:
    """Return the public renders with every image stripped of metadata, resized and offered with srcset."""
    safe, problems = public_images_by_entry(entries, rendered, images_dir, result)
    for found in problems.values():
        result.problems.extend(found)
    return safe


def public_images_by_entry(entries: Iterable[Entry], rendered: Mapping[str, Rendered], images_dir: Path,
                           result: BuildResult) -> tuple[dict[str, Rendered], dict[str, tuple[Problem, ...]]]:
    """Return the public renders as public_images() makes them, and the problems of each (not added to result)."""
    safe: dict[str, Rendered] = {}
    problems: dict[str, tuple[Problem, ...]] = {}
    if not any(item.assets for item in rendered.values()):  # no image: each render is its own public one
        with result.timed("images"):
            return dict(rendered), {rel: () for rel in rendered}
    from generator.outputs import images  # here: it loads Pillow, which only public builds with images need

    sources = {e.rel: e.source for e in entries}
    with result.timed("images"):
        for rel, item in rendered.items():
            safe[rel], found = images.responsive(item, images_dir, sources[rel])
            problems[rel] = tuple(found)
    return safe, problems


def shared_context(site: Site, inputs: Inputs) -> dict[str, Any]:
    """Return the variables every template receives besides its page's own (and `page_url`)."""
    return {"site": site, "config": inputs.config}
