"""Render a listing's partials once: the same card for the same post at the same depth is reused.

A run appears on several listings (the home pages, its tags', its emotions'), each with its card.
A reused partial is rendered the first time a set of values is seen and its HTML is kept, keyed by
the values of every variable the partial (and what it imports or includes) names, and by where
relative links start from: the site root for root-relative pages, the top folder, or any folder
below it. Below the top, a partial is rendered once for every depth: where its relative links
start ("../", "../../") it writes a marker, replaced by the page's own start each time it is used.
The reads it noted while rendering are noted again on every page that reuses it, so each page's
read log, and so its digest, is exactly what rendering it afresh would give.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, MutableMapping
from contextlib import nullcontext
from datetime import date, datetime
from types import CodeType
from typing import Any, Callable, NamedTuple

import jinja2
import jinja2.meta
from jinja2.runtime import Context
from markupsafe import Markup, escape

from generator.incremental.readlog import ReadLog, log_of, path_of, real_value
from generator.pipeline.links import LINKS
from generator.pipeline.themes import ThemeEnvironment, ThemeTemplate

#: Partials rendered once per set of values they use (and per page depth), then reused.
REUSED_PARTIALS = frozenset({"partials/entry_card.html"})
_VALUES = (str, int, float, bool, type(None), datetime, date)  # keyed by value (with their type)
_MISSING: Any = object()
Render = Callable[[Context], Iterator[str]]
Key = tuple[Any, ...]
DEEP = "deep"  # where relative links start on any page below the top folder


class MarkerLinks:
    """The links of a reused partial rendered for every depth: a marker where the page's link start goes.

    It counts the markers it wrote, so that a marker the page's own text happened to hold is never
    mistaken for one. Each reused partial has its own, handed to the render in the context.
    """

    MARKER = "\x00\x01link-start\x01\x00"

    def __init__(self) -> None:
        self.written = 0  # markers written since the partial's render began

    def to(self, url: str) -> str:
        """Return the marker followed by the URL's path from the site root."""
        self.written += 1
        return self.MARKER + url.lstrip("/")


def quick_escape(value: Any) -> Markup:
    """Return value escaped for HTML, as markupsafe's escape() does; text (the common case) in fewer steps.

    Every `{{ ... }}` of an autoescaped template calls this: a page calls it hundreds of times.
    """
    if type(value) is str:
        return _new_text(Markup, _escape_text(value))
    return escape(value)


try:  # the function behind markupsafe's escape() for text (compiled, in MarkupSafe 3)
    from markupsafe import _escape_inner as _escape_text
except ImportError:  # another MarkupSafe: templates keep its escape() (see FootfallTemplate)
    _escape_text = None
_new_text = str.__new__


class FootfallTemplate(ThemeTemplate):
    """A Jinja template; the reused partials among them remember what they rendered."""

    @classmethod
    def from_code(cls, environment: jinja2.Environment, code: CodeType, globals: MutableMapping[str, Any],
                  uptodate: Callable[[], bool] | None = None) -> jinja2.Template:
        """Create the template, escaping with quick_escape; wrap the render function of a reused partial."""
        template = super().from_code(environment, code, globals, uptodate)
        namespace = template.root_render_func.__globals__  # the module of the compiled template
        if _escape_text is not None and namespace.get("escape") is escape:
            namespace["escape"] = quick_escape
        if template.name in REUSED_PARTIALS and not template.blocks:
            template.root_render_func = ReusedPartial(template, template.root_render_func)  # type: ignore[method-assign]
        return template


class FootfallEnvironment(ThemeEnvironment):
    """A Jinja environment whose templates' globals are plain dicts, set before the first template loads.

    Jinja's are chain maps over the environment's globals, which every new template context (one per
    include and import) copies key by key in Python. Footfall sets its globals once, up front.
    """

    template_class = FootfallTemplate

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """Return the environment's globals overlaid with a template's own, as one dict."""
        return {**self.globals, **(d or {})}


class ReusedPartial:
    """The render function of a partial that keeps its HTML and reads per key, for one site model."""

    def __init__(self, template: jinja2.Template, render: Render) -> None:
        self.template = template
        self.render = render
        self.names: tuple[str, ...] | None = None  # the variables the partial names; None until known
        self.reusable = True  # False when it cannot be keyed (a computed template name, exported names)
        self.site: Any = _MISSING  # the site model the kept renders belong to
        self.made: dict[Key, Made] = {}
        self.links = MarkerLinks()  # the links of its renders for every depth
        self.exported = False  # whether the last render exported names (a module others import from)

    def __call__(self, context: Context) -> Iterator[str]:
        """Yield the partial's HTML: kept from an earlier render with the same key, or rendered now."""
        log = log_of(context.parent.values())
        key, keep = self._key(context, log) if self.reusable else (None, ())
        if key is None:
            yield from self.render(context)
            return
        found = self.made.get(key)
        if found is None:
            found = self._render(context, log, keep, deep=key[1] == DEEP)
            if found is None:
                yield from self.render(context)
                return
            if self.exported or context.exported_vars:
                self.reusable = False  # a module others import from: its names must be set each time
            else:
                self.made[key] = found
        elif log is not None:
            log.paths |= found.reads
        yield found.html_for(context)

    def _render(self, context: Context, log: ReadLog | None, keep: tuple[Any, ...], *, deep: bool) -> Made | None:
        """Render the partial (with the link-start marker when deep); None when a marker cannot be told apart."""
        links = self.links
        if deep:
            links.written = 0
            context = self.template.new_context({**context.get_all(), LINKS: links}, shared=True)
        with (log.apart() if log is not None else nullcontext(set[str]())) as reads:
            html = jinja2.utils.concat(self.render(context))
        markers = links.written if deep else 0
        if html.count(MarkerLinks.MARKER) != markers:
            self.reusable = False  # the page's own text holds the marker: render this partial afresh each time
            return None
        self.exported = bool(context.exported_vars)
        return Made(html, frozenset(reads), keep, markers)

    def _key(self, context: Context, log: ReadLog | None) -> tuple[Key | None, tuple[Any, ...]]:
        """Return the key of a render (None when a value cannot be keyed) and the values to keep alive."""
        if self.names is None:
            self.names = used_names(self.template.environment, self.template.name or "")
            if self.names is None:
                self.reusable = False
                return None, ()
        site = real_value(context.get("site", _MISSING))
        if site is not self.site:
            self.site, self.made = site, {}
        where = _where(context)
        if where is None:
            return None, ()
        parts: list[Any] = [log is not None, where]
        keep: list[Any] = []
        for name in self.names:
            part = _part(context.get(name, _MISSING), self.template.environment.globals.get(name, _MISSING), keep)
            if part is None:
                return None, ()
            parts.append(part)
        return tuple(parts), tuple(keep)


class Made(NamedTuple):
    """A reused partial's render: its HTML, the reads it noted, the values its key holds, its markers."""

    html: str
    reads: frozenset[str]
    keep: tuple[Any, ...]
    markers: int  # link-start markers in html, 0 when it was rendered for one depth

    def html_for(self, context: Context) -> str:
        """Return the HTML for the page being rendered: its markers replaced by where its links start."""
        if not self.markers:
            return self.html
        links = context.get(LINKS)
        if isinstance(links, MarkerLinks):  # inside another partial rendered for every depth
            links.written += self.markers
            return self.html
        return self.html.replace(MarkerLinks.MARKER, "../" * (context.get("page_url").count("/") - 1))


def _where(context: Context) -> Any:
    """Return where relative links of this page start: the site root, the top folder or deeper (DEEP)."""
    if context.get("root_relative"):
        return "root"
    here = context.get("page_url", "/")
    if type(here) is not str:
        return None
    depth = here.count("/")
    return depth if depth <= 1 else DEEP


def _part(value: Any, global_value: Any, keep: list[Any]) -> Any:
    """Return one variable's part of a key: its value, or the identity of an immutable model value."""
    kind = type(value)
    if kind in _VALUES:
        return (kind, value)
    if value is _MISSING:
        return "missing"
    if value is global_value:
        return "global"
    watched = path_of(value)
    real = real_value(value)
    if not _immutable(real):
        return None
    keep.append(real)
    return (watched, id(real))


def _immutable(value: Any) -> bool:
    """Return True for values that cannot change: tuples, frozensets and frozen dataclass instances."""
    kind = type(value)
    if kind in (tuple, frozenset):
        return True
    params = getattr(kind, "__dataclass_params__", None)
    return params is not None and params.frozen and dataclasses.is_dataclass(kind)


def used_names(env: jinja2.Environment, name: str) -> tuple[str, ...] | None:
    """Return the variables a template and all it imports or includes name; None when a name is computed."""
    names: set[str] = set()
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            assert env.loader is not None
            tree = env.parse(env.loader.get_source(env, current)[0])
        except (jinja2.TemplateError, OSError, UnicodeDecodeError):
            return None
        names |= jinja2.meta.find_undeclared_variables(tree)
        references = set(jinja2.meta.find_referenced_templates(tree))
        if None in references:
            return None
        todo.extend(r for r in references if r is not None)
    return tuple(sorted(names))


__all__ = ["REUSED_PARTIALS", "FootfallEnvironment", "FootfallTemplate", "MarkerLinks", "ReusedPartial", "used_names"]
