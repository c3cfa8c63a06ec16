"""docs/themes.md documents every variable each template receives, every model field and every filter."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
import types
import typing
from collections import defaultdict
from typing import Any

import jinja2
import pytest

from generator.pipeline.inputs import read_inputs, render_all, shared_context
from generator.pipeline.result import BuildResult
from generator.pipeline.pages import Pagination, plan_pages
from generator.pipeline.site import Site, build_site
from generator.pipeline.timeline import Timeline
from generator.pipeline.insights import Insights
from generator.pipeline.on_this_day import Today
from generator.pipeline.signals import Signal
from generator.pipeline.year_review import YearReview
from generator.config import load_config
from generator.pipeline.themes import SHIPPED_THEMES, load_theme, make_environment, render_page
from tests.conftest import REPO

DOC = REPO / "docs" / "themes.md"
EVERY_PAGE = "Every page"
FILTERS = "Filters and functions"


def documented() -> dict[str, set[str]]:
    """Return each heading of docs/themes.md with the `names` in the first column of its tables."""
    sections: dict[str, set[str]] = defaultdict(set)
    current = ""
    for line in DOC.read_text("utf-8").splitlines():
        heading = re.match(r"^#{2,4}\s+`?([^`]+?)`?\s*$", line)
        if heading:
            current = heading.group(1)
            continue
        name = re.match(r"^\|\s*`([A-Za-z_][\w.]*)`", line)
        if name:
            sections[current].add(name.group(1))
    return sections


@pytest.fixture(scope="module")
def received() -> dict[str, set[str]]:
    """Render every planned page of both demo builds with a template that records its variables."""
    seen: dict[str, set[str]] = defaultdict(set)
    env = jinja2.Environment(loader=jinja2.FunctionLoader(lambda name: "{{ record() }}"))

    @jinja2.pass_context
    def record(context: jinja2.runtime.Context) -> str:
        seen[str(context.name)].update(k for k in context.get_all() if k not in env.globals)
        return ""

    env.globals["record"] = record
    for audience in ("public", "journal"):
        result = BuildResult(audience)
        inputs = read_inputs(REPO, result)
        assert inputs is not None, result.problems
        rendered = render_all(inputs.entries, audience, inputs.config)
        site = build_site(inputs.entries, rendered, audience, inputs.config, inputs.vocabulary)
        for planned in plan_pages(site, date(2026, 7, 20))[0]:
            render_page(env, planned, shared_context(site, inputs))
    return seen


def page_templates() -> set[str]:
    """Return the page templates of the shipped themes (not base.html or partials)."""
    return {p.name for p in SHIPPED_THEMES.glob("*/templates/*.html") if p.name != "base.html"}


def test_every_page_template_has_a_section(received: dict[str, set[str]]) -> None:
    missing = (page_templates() | set(received)) - set(documented())
    assert not missing, f"add a `### \\`name\\`` section to {DOC.name} for: {sorted(missing)}"


def test_every_variable_a_template_receives_is_documented(received: dict[str, set[str]]) -> None:
    docs = documented()
    missing = {template: sorted(names - docs[EVERY_PAGE] - docs[template]) for template, names in received.items()}
    missing = {template: names for template, names in sorted(missing.items()) if names}
    assert not missing, f"document these variables under each template's section (or '{EVERY_PAGE}') in {DOC.name}"


def test_no_documented_variable_is_stale(received: dict[str, set[str]]) -> None:
    docs = documented()
    everywhere = set.intersection(*received.values())
    assert docs[EVERY_PAGE] == everywhere
    for template, names in received.items():
        assert docs[template] <= names, f"{DOC.name} documents variables `{template}` does not receive"


def models() -> dict[str, type]:
    """Return every dataclass a template can reach from its variables, by name."""
    found: dict[str, type] = {}
    todo: list[Any] = [Site, Pagination, Timeline, Today, YearReview, Insights, Signal]
    while todo:
        hint = todo.pop()
        if dataclasses.is_dataclass(hint) and isinstance(hint, type):
            if hint.__name__ not in found:
                found[hint.__name__] = hint
                todo.extend(typing.get_type_hints(hint).values())
        elif isinstance(hint, types.UnionType) or typing.get_origin(hint) is not None:
            todo.extend((typing.get_origin(hint), *typing.get_args(hint)))
    return found


def properties(cls: type) -> set[str]:
    """Return the public properties of a class, which templates read like fields."""
    return {name for name, value in vars(cls).items() if isinstance(value, property) and not name.startswith("_")}


def test_every_model_field_is_documented() -> None:
    docs = documented()
    assert {"Site", "Post", "Chip", "Term", "Family", "Pagination", "SiteConfig"} <= set(models())
    undocumented, stale = {}, {}
    for name, cls in sorted(models().items()):
        fields = {f.name for f in dataclasses.fields(cls)} | properties(cls)
        undocumented[name] = sorted(fields - docs.get(name, set()))
        stale[name] = sorted(docs.get(name, set()) - fields)
    assert {k: v for k, v in undocumented.items() if v} == {}, f"document these models' fields in {DOC.name}"
    assert {k: v for k, v in stale.items() if v} == {}, f"{DOC.name} documents fields these models do not have"


def test_every_filter_and_function_is_documented() -> None:
    cfg, _ = load_config(REPO)
    assert cfg is not None
    theme, _ = load_theme(cfg)
    assert theme is not None
    env, plain = make_environment(theme, cfg), jinja2.Environment()
    ours = (set(env.filters) - set(plain.filters)) | (set(env.globals) - set(plain.globals))
    assert ours == documented()[FILTERS]
