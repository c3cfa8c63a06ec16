"""Digests of model values, by their fields (any frozen dataclass, tuple, mapping, text, number or date).

A page is rendered again only when one of these digests changes, so they must cover everything a
render can see. Values are digested by their fields (any frozen dataclass, tuple, mapping, text,
number or date), never by identity; templates by their files and the files they extend, include or
import. While a page renders, its dataclass and tuple values (the Site included) are stand-ins that
note each attribute read (`ReadLog`), so the page depends only on what its templates used: a tag
page that shows `term.posts | length` depends on the number of posts, not on each of them. Small
values made of plain fields only (a link, an emotion chip) are noted whole where they are reached.
Templates and filters must reach model values through attributes, as Jinja does; field type
annotations are trusted to say which fields hold plain values.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
import typing
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from generator.incremental.kinds import SCALARS, is_plain


def hash_text(*parts: str) -> str:
    """Return a short stable digest of text parts (each part must not contain a newline unescaped)."""
    return hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def hash_bytes(data: bytes) -> str:
    """Return a short stable digest of bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


INLINE_PARTS = 24  # a dataclass value with more parts than this (or more text) is hashed on its own, once
INLINE_TEXT = 400
Getter = Callable[[Any], Any]
_PLANS: dict[type, tuple[str, Getter | None, Getter | None]] = {}


def _plan(cls: type) -> tuple[str, Getter | None, Getter | None]:
    """Return how to digest a dataclass: its name, a getter of its plain fields, a getter of the others."""
    plan = _PLANS.get(cls)
    if plan is None:
        names = [f.name for f in dataclasses.fields(cls)]
        try:
            hints = typing.get_type_hints(cls)
        except (NameError, TypeError):
            hints = {}
        plain = [n for n in names if is_plain(hints.get(n))]
        other = [n for n in names if n not in plain]
        plan = _PLANS[cls] = (cls.__qualname__, _tuple_getter(plain), _tuple_getter(other))
    return plan


def _tuple_getter(names: list[str]) -> Getter | None:
    """Return a function giving these attributes as a tuple, or None for no names."""
    if not names:
        return None
    get = operator.attrgetter(*names)
    return get if len(names) > 1 else (lambda obj: (get(obj),))


class Fingerprints:
    """Stable digests of model values, worked out once per object during one build."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, list[str]]] = {}  # id -> (the object, kept alive; its parts)
        self._kinds: dict[type, Callable[[Any, list[str]], None]] = {
            **dict.fromkeys(SCALARS, _add_scalar), tuple: self._add_items, list: self._add_items}

    def of(self, value: Any) -> str:
        """Return the digest of a value."""
        parts: list[str] = []
        self.add(value, parts)
        return hash_text(*parts)

    def add(self, value: Any, parts: list[str]) -> None:
        """Append the canonical text of a value to parts."""
        kind = type(value)
        if kind is str:
            parts.append(repr(value) if len(value) <= INLINE_TEXT else self._long_text(value))
            return
        if kind is int or value is None:
            parts.append(repr(value))
            return
        add = self._kinds.get(kind)
        if add is None:
            add = self._kinds[kind] = self._adder(kind)
        add(value, parts)

    def _long_text(self, text: str) -> str:
        """Return the memoised digest of a long text (a chart's SVG that many pages share, say)."""
        hit = self._memo.get(id(text))
        if hit is None:
            hit = self._memo[id(text)] = (text, [hash_text(repr(text))])
        return hit[1][0]

    def _adder(self, kind: type) -> Callable[[Any, list[str]], None]:
        """Return the function that adds values of a type."""
        if dataclasses.is_dataclass(kind):
            return self._add_object
        if issubclass(kind, datetime):
            return _add_datetime
        if issubclass(kind, (date, PurePath)):
            return _add_repr
        if issubclass(kind, Mapping):
            return self._add_mapping
        if issubclass(kind, (set, frozenset)):
            return self._add_set
        return _add_repr

    def _add_object(self, value: Any, parts: list[str]) -> None:
        """Append a dataclass instance: its memoised digest, or its own parts when it is small."""
        hit = self._memo.get(id(value))
        if hit is None:
            name, plain, other = _PLANS.get(type(value)) or _plan(type(value))
            inner = [name]
            if plain is not None:
                inner.append(repr(plain(value)))
            if other is not None:
                add = self.add
                for field in other(value):
                    add(field, inner)
            small = len(inner) <= INLINE_PARTS and sum(map(len, inner)) <= INLINE_TEXT
            hit = self._memo[id(value)] = (value, inner if small else [hash_text(*inner)])
        parts.extend(hit[1])

    def _add_items(self, value: Any, parts: list[str]) -> None:
        """Append a tuple or list, item by item."""
        parts.append(f"[{len(value)}")
        add, memo = self.add, self._memo
        for item in value:
            hit = memo.get(id(item))
            if hit is not None:
                parts.extend(hit[1])
            else:
                add(item, parts)

    def _add_mapping(self, value: Any, parts: list[str]) -> None:
        """Append a mapping, key and value in order."""
        parts.append(f"{{{len(value)}")
        for key, item in value.items():
            self.add(key, parts)
            self.add(item, parts)

    def _add_set(self, value: Any, parts: list[str]) -> None:
        """Append a set, in an order that does not depend on hashing."""
        parts.append(f"<{len(value)}")
        parts.extend(sorted(self.of(item) for item in value))


def _add_scalar(value: Any, parts: list[str]) -> None:
    """Append text, a number, a truth value or None."""
    parts.append(repr(value))


def _add_datetime(value: datetime, parts: list[str]) -> None:
    """Append a datetime with its zone."""
    parts.append(f"{value.isoformat()}@{getattr(value.tzinfo, 'key', value.tzinfo)}|{value.fold}")


def _add_repr(value: Any, parts: list[str]) -> None:
    """Append a value's repr (dates, paths and anything unknown)."""
    parts.append(repr(value))
