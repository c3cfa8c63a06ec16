"""The digest of each planned page: what its planner gave it (plan_digest.py), the model values it read."""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from generator.incremental.digest import Fingerprints, hash_text
from generator.incremental.kinds import self_contained
from generator.incremental.plan_digest import PlanDigests
from generator.incremental.readlog import ReadLog, resolve
from generator.incremental.template_digests import TemplateDigests
from generator.pipeline.pages import PlannedPage

_ROOT = re.compile(r"[^.#!?=\[]*")  # the context name a read path starts with
#: A page that reads this many attributes of a context value depends on all of it (cheaper to digest).
WHOLE_FROM = 8


class PageDigests:
    """The digest of each planned page: its templates, its plain context values, the model values it read."""

    def __init__(self, templates: TemplateDigests, shared: Mapping[str, Any], key: str) -> None:
        self.templates = templates
        self.prints = Fingerprints()
        self.shared = shared  # what every page receives (the Site, the config)
        parts = [key]
        for name, value in shared.items():
            parts.append(name)
            if not watched(value):
                self.prints.add(value, parts)
        self.base = hash_text(*parts)
        self.plans = PlanDigests(self.base, shared, self.prints)
        self._plans: dict[frozenset[str], list[tuple[str, tuple[str, ...], Callable[[Any], Any] | None]]] = {}
        self._shared_parts: dict[str, list[str]] = {}
        self._items: dict[tuple[int, tuple[str, ...]], tuple[Any, str]] = {}  # (item id, paths) -> its digest
        self._log = ReadLog()  # what each page render here reads, emptied for the next (see new_log)
        self._watched_shared = watch_values(shared, self._log)  # their stand-ins remember what they read for every page
        self._shared_paths = frozenset(self._log.paths)

    def new_log(self) -> tuple[ReadLog, dict[str, Any]]:
        """Return the read log, emptied for a page render, and the shared values watched for it.

        The shared values' stand-ins serve every page: what one page read of them, the next finds at
        once, and notes in the same log.
        """
        self._log.paths = set(self._shared_paths)
        return self._log, self._watched_shared

    def plan(self, item: PlannedPage) -> str:
        """Return the digest of what the planner gave a page, its templates included (plan_digest.py)."""
        return self.plans.of(item, self.templates.digest(item.template))

    def page(self, item: PlannedPage, reads: Iterable[str]) -> str:
        """Return the digest of a page whose render read these paths: its plan's digest, then its content's.

        The content digest (its templates, its plain context values, the model values it read) decides
        whether the page is rendered again; the plan digest tells a body edit which pages to check
        (changes.TouchedPages), and is brought up to date on pages kept (OutputLedger.reuse).
        """
        parts = [self.base, self.templates.digest(item.template), item.url, item.path, item.template]
        for key, value in item.context.items():
            parts.append(key)
            if not watched(value):
                self.prints.add(value, parts)
        for root, paths, getter in self._plan(reads):
            if root in self.shared and root not in item.context:
                parts.extend(self._shared_part(paths))
            elif getter is None:
                self._add_paths(item.context, paths, parts)
            else:
                self._add_reads(item.context, root, paths, getter, parts)
        return self.plan(item) + hash_text(*parts)

    def _plan(self, reads: Iterable[str]) -> list[tuple[str, tuple[str, ...], Callable[[Any], Any] | None]]:
        """Return the read paths grouped by root: plain attribute paths with one getter for all, the rest alone."""
        key = reads if isinstance(reads, frozenset) else frozenset(reads)
        if key not in self._plans:
            plain: dict[str, list[str]] = {}
            special: dict[str, list[str]] = {}
            for path in sorted(key):
                root = _ROOT.match(path).group(0)  # type: ignore[union-attr]
                simple = "." in path and "[]" not in path and not path.endswith(("#len", "!", "?", "="))
                (plain if simple else special).setdefault(root, []).append(path)
            for root in [r for r, ps in plain.items() if r not in self.shared and _fields_read(ps) >= WHOLE_FROM]:
                special.setdefault(root, []).insert(0, root)  # most of it is read: digest all of it (memoised)
                del plain[root]
            groups = [(r, tuple(ps), _getter(ps)) for r, ps in sorted(plain.items())]
            self._plans[key] = groups + [(r, tuple(ps), None) for r, ps in sorted(special.items())]
        return self._plans[key]

    def _add_reads(self, context: dict[str, Any], root: str, paths: tuple[str, ...],
                   getter: Callable[[Any], Any], parts: list[str]) -> None:
        """Append the values a page read under one root of its context."""
        parts.extend(paths)
        try:
            values = getter(context[root])
        except (AttributeError, KeyError, TypeError):
            values = tuple(resolve(context, path) for path in paths)
        for value in values:
            self.prints.add(value, parts)

    def _shared_part(self, paths: tuple[str, ...]) -> list[str]:
        """Return the parts for read paths under a shared value (the same for every page of a build)."""
        out: list[str] = []
        for path in paths:
            if path not in self._shared_parts:
                self._shared_parts[path] = []
                self._add_paths(self.shared, (path,), self._shared_parts[path])
            out.extend(self._shared_parts[path])
        return out

    def _add_paths(self, roots: Mapping[str, Any], paths: Iterable[str], parts: list[str]) -> None:
        """Append read paths and what they stand for; the paths below one `[]` go item by item (`_add_items`)."""
        below: dict[str, list[str]] = {}
        for path in paths:
            if "[]" in path:
                head, _, rest = path.partition("[]")
                below.setdefault(head, []).append(rest)
            else:
                parts.append(path)
                self.prints.add(resolve(roots, path), parts)
        for head, rests in below.items():
            self._add_items(roots, head, tuple(rests), parts)

    def _add_items(self, roots: Mapping[str, Any], head: str, rests: tuple[str, ...], parts: list[str]) -> None:
        """Append what some paths stand for in each item of a tuple; each item's part is made once per build."""
        parts.append(head + "[]")
        parts.extend(rests)
        items = resolve(roots, head + "=")
        if not isinstance(items, (tuple, list)):
            parts.append("<no items>")
            return
        parts.append(f"[{len(items)}")
        paths = tuple("_" + rest for rest in rests)  # the same paths, from one item
        for item in items:
            hit = self._items.get((id(item), paths))
            if hit is None:
                inner: list[str] = []
                self._add_paths({"_": item}, paths, inner)
                hit = self._items[(id(item), paths)] = (item, hash_text(*inner))  # the item keeps its id its own
            parts.append(hit[1])


def _fields_read(paths: list[str]) -> int:
    """Return how many different attributes of a root value some read paths use."""
    return len({p.split(".", 2)[1] for p in paths})


def _getter(paths: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """Return a function giving the values of attribute paths (root.a.b) under one root, all at once."""
    get = operator.attrgetter(*(p.split(".", 1)[1] for p in paths))
    return (lambda value: (get(value),)) if len(paths) == 1 else get


def watched(value: Any) -> bool:
    """Return True for context values whose reads are followed (dataclasses and tuples), not digested whole."""
    return type(value) in (tuple, list) or (dataclasses.is_dataclass(value) and not isinstance(value, type))


def watch_values(values: Mapping[str, Any], log: ReadLog) -> dict[str, Any]:
    """Return template variables with dataclass and tuple values replaced by stand-ins noting reads.

    A self-contained value (see digest.self_contained) is given as it is and noted whole (`post=`):
    a page given one as its own (an entry's page, its post) shows most of it, and its fields need
    not be watched one by one while it renders.
    """
    watching: dict[str, Any] = {}
    for name, value in values.items():
        if not watched(value):
            watching[name] = value
        elif self_contained(type(value)):
            log.paths.add(name + "=")
            watching[name] = value
        else:
            watching[name] = log.watch(value, name)
    return watching


def watch_context(item: PlannedPage, log: ReadLog) -> PlannedPage:
    """Return the page with its dataclass and tuple context values replaced by stand-ins noting reads."""
    return replace(item, context=watch_values(item.context, log))
