"""The digest of what a planner gave a page: every context value, with the site model's values by their place.

A page's digest has two halves. What its templates read of the site model is followed by the read log
(readlog.py). What the planner made for it (its title, a description cut from a post's summary, a
list of posts in some order, a timeline) is digested here whole, whatever it is: a planner cannot
forget to say what a page depends on, because nothing it gives is taken on trust. Values of the
site model met inside a context (a post, a term, a listing of them) stand for their place in the
model (`site.posts[12]`), so that a page listing posts costs a few names, and their fields are
left to the read log. A build whose changes are body edits keeps the model's shape, so a value's
place names the same value in both builds. A value the planner made from a model value (a story's
share data, which holds its post) is made of the model value's place too: the page's read log
notes it whole, and a body edit of the post reaches the page (changes.TouchedPages.holds).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from generator.incremental.digest import INLINE_TEXT, Fingerprints, hash_text
from generator.incremental.kinds import SCALARS, field_values, holds_no_model_values, holds_self_contained, self_contained
from generator.pipeline.pages import PlannedPage

PLAN_DIGEST = 32  # hex digits of a hash_text digest: a page's digest starts with its plan digest


def model_places(shared: Mapping[str, Any]) -> dict[int, tuple[object, str]]:
    """Return each value of the shared model (dataclass instances and tuples) by id, with its first place.

    Posts and small values are places themselves: what lies inside them is not walked.
    """
    places: dict[int, tuple[object, str]] = {}
    todo: list[tuple[Any, str]] = [(value, name) for name, value in reversed(list(shared.items()))]
    while todo:
        value, place = todo.pop()
        kind = type(value)
        if kind in SCALARS or id(value) in places:
            continue
        if kind is tuple or kind is list:
            places[id(value)] = (value, place)
            todo.extend((item, f"{place}[{index}]") for index, item in reversed(list(enumerate(value)))
                        if type(item) not in SCALARS and id(item) not in places)  # what the loop would skip, unnamed
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            places[id(value)] = (value, place)
            if not (holds_no_model_values(kind) or self_contained(kind)):
                todo.extend((getattr(value, f.name), f"{place}.{f.name}") for f in reversed(dataclasses.fields(value)))
    return places


class PlanDigests:
    """Digests of what the planner gave each page (see the module's docstring)."""

    def __init__(self, base: str, shared: Mapping[str, Any], prints: Fingerprints) -> None:
        self.base = base  # the digest of the cache key and the shared values
        self.places = model_places(shared)
        self.prints = prints  # digests of values that hold no model value, shared with the page digests
        self._made: dict[int, tuple[object, str]] = {}  # id of a value the planner made -> (it, its digest)

    def of(self, item: PlannedPage, template: str) -> str:
        """Return the digest of a page's plan: its URL, path, template (digest given) and every context value."""
        parts = [self.base, template, item.url, item.path, item.template]
        for key, value in item.context.items():
            parts.append(key)
            self._add(value, parts)
        return hash_text(*parts)

    def _add(self, value: Any, parts: list[str]) -> None:
        """Append what a context value stands for: its place in the model, or its digest."""
        kind = type(value)
        if kind is str and len(value) <= INLINE_TEXT or kind is bool or kind is int or value is None:
            parts.append(repr(value))  # as Fingerprints.add() has it, in fewer steps: most values are these
            return
        if kind in SCALARS:
            self.prints.add(value, parts)
            return
        place = self.places.get(id(value))
        if place is not None:
            parts.append(place[1])
            return
        walked = _WALKED.get(kind)
        if not (_walked(kind) if walked is None else walked):
            self.prints.add(value, parts)  # a value no model value can be inside
            return
        made = self._made.get(id(value))
        if made is None:
            inner: list[str] = [kind.__qualname__]
            if kind is tuple:  # a listing's posts, the common case: each by its place
                inner.append(repr(len(value)))
                places, add = self.places, self._add
                for part in value:
                    place = places.get(id(part))
                    if place is None:
                        add(part, inner)
                    else:
                        inner.append(place[1])
            else:
                for part in _parts(value):
                    self._add(part, inner)
            made = self._made[id(value)] = (value, hash_text(*inner))
        parts.append(made[1])


_WALKED: dict[type, bool] = {}  # see _walked


def _walked(kind: type) -> bool:
    """Return True for the values whose parts a plan digest is made of (tuples, lists, mappings, dataclasses that
    may hold model values), False for those digested whole."""
    found = _WALKED[kind] = kind is tuple or kind is list or issubclass(kind, Mapping) or \
        (dataclasses.is_dataclass(kind) and not (holds_no_model_values(kind) and not holds_self_contained(kind)))
    return found


def _parts(value: Any) -> list[Any] | tuple[Any, ...]:
    """Return the values inside a tuple, list, mapping (keys and values) or dataclass instance."""
    if isinstance(value, (tuple, list)):
        return [len(value), *value]
    if isinstance(value, Mapping):
        return [len(value), *(part for item in value.items() for part in item)]
    return field_values(value)
