"""Edits that only touch entry bodies, and the pages they can reach: the short way through a rebuild.

Most rebuilds while writing follow an edit to the text of one entry. When every changed source kept
its front matter (same date, title, emotions, tags, visibility...) and nothing else changed (no file
added or removed, no image, template, theme or setting), the new site model differs from the last
good one only in the body-derived fields (`html`, `summary`, `words`, `assets`) of those entries'
posts. A page can then differ only if it holds one of those posts: in its `sources`, anywhere in its
context, or in a shared value (`site.…`) it read. Only those pages have their digests checked; every
other page is kept as the last good build left it, without working out its digest.

This rests on one rule for the planner (generator/pages.py): a page whose context is derived from a
post's body also holds that post, in its context or its `sources`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from generator.digest import hash_text
from generator.pages import PlannedPage
from generator.records import EntryRecord
from generator.site import Post

_PLAIN = (str, int, float, bool, type(None))


Shapes = dict[str, list[str]]  # source path -> [digest of its bytes, digest of its entry without the body]


def entry_shapes(records: Iterable[EntryRecord], before: Mapping[str, Any]) -> Shapes:
    """Return each parsed source's digest and shape, reusing the shapes of the last build for unchanged files."""
    shapes: Shapes = {}
    for record in records:
        if record.entry is None:
            continue
        known = before.get(record.rel)
        if isinstance(known, list) and len(known) == 2 and known[0] == record.digest:
            shapes[record.rel] = known
        else:
            shapes[record.rel] = [record.digest, hash_text(repr(dataclasses.replace(record.entry, body="")))]
    return shapes


def body_only_changes(before: Mapping[str, Any], now: Shapes) -> frozenset[str] | None:
    """Return the sources whose bytes changed while their shape did not; None when a shape changed or the set did."""
    if before.keys() != now.keys():
        return None
    dirty = {rel for rel, (digest, _) in now.items() if before[rel] != [digest, now[rel][1]]}
    if any(not isinstance(before[rel], list) or before[rel][1:] != now[rel][1:] for rel in dirty):
        return None
    return frozenset(dirty)


class TouchedPages:
    """Tells which pages can show a post whose body changed (see the module's docstring)."""

    def __init__(self, dirty: frozenset[str], shared: Mapping[str, Any]) -> None:
        self.dirty = dirty  # keys of the posts whose body changed
        self.shared = shared  # what every page receives (the Site, the config)
        self._holds: dict[int, bool] = {}  # id of a model value -> whether it holds a dirty post
        self._paths: dict[str, bool] = {}  # shared read path -> whether its value holds a dirty post

    def touches(self, item: PlannedPage, reads: Iterable[str]) -> bool:
        """Return True when the page lists, holds or read a post whose body changed."""
        if not self.dirty.isdisjoint(item.sources):
            return True
        if any(self.holds(value) for value in item.context.values()):
            return True
        return any(self._shared_holds(path) for path in reads)

    def holds(self, value: Any) -> bool:
        """Return True when a model value is or contains a dirty post."""
        kind = type(value)
        if kind is Post:
            return value.key in self.dirty
        if kind in _PLAIN:
            return False
        hit = self._holds.get(id(value))
        if hit is None:
            hit = self._holds[id(value)] = any(self.holds(part) for part in _parts(value))
        return hit

    def _shared_holds(self, path: str) -> bool:
        """Return True when a read path into a shared value reaches a dirty post (lengths and types cannot)."""
        hit = self._paths.get(path)
        if hit is None:
            names = path.split(".")
            value: Any = self.shared.get(names[0], None) if not path.endswith(("#len", "!", "?")) else None
            for name in names[1:]:
                value = getattr(value, name, None)
            hit = self._paths[path] = value is not None and self.holds(value)
        return hit


def _parts(value: Any) -> Iterable[Any]:
    """Return the values inside a tuple, list, mapping or dataclass instance (nothing for anything else)."""
    if isinstance(value, (tuple, list, set, frozenset)):
        return value
    if isinstance(value, Mapping):
        return value.values()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (getattr(value, field.name) for field in dataclasses.fields(value))
    return ()
