"""The plain clean build: inputs in, every output file's bytes out; the reference every faster path equals.

No cache, no workers, no partials kept between pages, no read logs: each stage runs once, in order.
`generator/incremental/` makes the same files quicker, and tests hold it to this, byte for byte.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import jinja2

from generator.errors import Problem, has_errors
from generator.outputs import search
from generator.outputs.files import Making, ProducerFailed, file_bytes
from generator.outputs.registry import FILE_PRODUCERS, UnclaimedFile, check_claims, claimed_files, claims
from generator.pipeline.inputs import Inputs, build_date, make_model, read_inputs, shared_context
from generator.pipeline.markdown import Audience
from generator.pipeline.pages import PlannedPage, plan_pages
from generator.pipeline.placeholders import placeholder_problems
from generator.pipeline.result import BuildResult
from generator.pipeline.site import Site
from generator.pipeline.themes import make_environment, render_page, template_problem

TEMPLATE_ERRORS = (jinja2.TemplateError, TypeError, ValueError, AttributeError, KeyError)


@dataclass
class CleanBuild:
    """A build's files by output path, and the problems found on the way (no files when there are errors)."""

    audience: Audience
    files: dict[str, bytes] = field(default_factory=dict)  # output path -> bytes
    problems: list[Problem] = field(default_factory=list)
    site: Site | None = None  # the model the files were made from
    pages: int = 0  # HTML pages planned

    @property
    def ok(self) -> bool:
        """Return True when the build had no errors."""
        return not has_errors(self.problems)


def clean_build(root: Path, audience: Audience, today: date | None = None) -> CleanBuild:
    """Read a site and make every file of one audience's build, writing nothing but scratch images.

    `today` is the build date (default: build_date(), the clock's in the site's time zone).
    """
    result = BuildResult(audience)
    inputs = read_inputs(root, result)
    if inputs is None:
        return CleanBuild(audience, problems=result.problems)
    with tempfile.TemporaryDirectory(prefix="footfall-images-") as scratch:
        made = build_files(inputs, audience, Path(scratch), today=today or build_date(inputs.config))
    made.problems[:0] = result.problems
    if has_errors(made.problems):
        made.files = {}
    return made


def build_files(inputs: Inputs, audience: Audience, images_dir: Path, *, today: date | None = None,
                card_workers: int | None = 1) -> CleanBuild:
    """Make every file of one audience's build from checked inputs.

    `images_dir` receives the public build's resized images; their bytes are read before returning.
    `today` is the build date the journal's home and insights show (None: nothing dated);
    `card_workers` processes draw the share cards (None: one per core); each is drawn anew.
    """
    made = CleanBuild(audience)
    result = BuildResult(audience)
    site = make_model(inputs, audience, result, images_dir)
    made.problems.extend(result.problems)
    if audience == "public":  # warnings: an example base_url, template text in a shared story
        made.problems.extend(placeholder_problems(inputs.config, inputs.entries))
    planned, problems = plan_pages(site, today)
    made.problems.extend(problems)
    made.site, made.pages = site, len(planned)
    if has_errors(made.problems):
        return made
    making = Making(site, planned, inputs, card_workers=card_workers)
    claimed, problems = check_claims(claims(making))
    made.problems.extend(problems)
    if problems:
        return made
    made.problems.extend(render_pages(site, planned, inputs, made.files))
    try:
        for producer in FILE_PRODUCERS:
            for path, data in claimed_files(producer, making, claimed):
                made.files[path] = file_bytes(data)
    except ProducerFailed as exc:
        made.problems.append(exc.problem)
    except UnclaimedFile as exc:
        made.problems.append(Problem(None, None, str(exc)))
    if not has_errors(made.problems):  # the index is made from the pages: all of them
        made.problems.extend(search_index(planned, made.files, inputs.config.language))
    return made


def search_index(planned: list[PlannedPage], files: dict[str, bytes], language: str) -> list[Problem]:
    """Add the search index of the rendered pages to files; return the problem when it cannot be made."""
    pages = [(item.path, files[item.path]) for item in sorted(planned, key=lambda item: item.path)
             if item.path.endswith(".html")]
    try:
        files.update(search.build_index(pages, language))
    except search.SearchIndexFailed as exc:
        return [search.index_problem(exc)]
    return []


def render_pages(site: Site, planned: list[PlannedPage], inputs: Inputs, files: dict[str, bytes]) -> list[Problem]:
    """Render every planned page into files; return the template problems."""
    env = make_environment(inputs.theme, inputs.config, inputs.static)
    shared = shared_context(site, inputs)
    problems: list[Problem] = []
    for item in planned:
        try:
            files[item.path] = render_page(env, item, shared).encode("utf-8")
        except TEMPLATE_ERRORS as exc:
            problems.append(template_problem(exc, item))
    return problems
