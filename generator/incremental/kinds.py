"""Which model types a page's digest follows field by field, and which it takes whole.

Field type annotations are trusted to say which fields hold plain values (text, numbers, dates,
paths, literals): such values repr() exactly. A dataclass of plain fields only is a small value,
noted whole where it is reached; one of plain fields, small values and tuples of them (a post) is
self-contained: it holds no other model value that holds values of its own.
"""

from __future__ import annotations

import dataclasses
import operator
import types
import typing
from datetime import date, datetime
from pathlib import Path
from typing import Any

SCALARS = (str, int, float, bool, type(None))
#: Field types whose repr() is exact and stable: such fields are digested together, in one call.
_PLAIN_HINTS = frozenset({str, int, float, bool, type(None), datetime, date, Path})


def is_plain(hint: Any) -> bool:
    """Return True for a field type whose values repr() exactly (text, numbers, dates, paths, literals, None)."""
    if hint in _PLAIN_HINTS:
        return True
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return all(type(a) in SCALARS for a in typing.get_args(hint))
    return origin in (typing.Union, types.UnionType) and all(is_plain(a) for a in typing.get_args(hint))


def all_plain(kind: type, seen: frozenset[type] = frozenset()) -> bool:
    """Return True for a dataclass whose fields are plain (see is_plain) or such dataclasses, optionally None."""
    if kind in seen:
        return False  # a value that may hold itself is no small value
    try:
        hints = typing.get_type_hints(kind)
    except (NameError, TypeError):
        return False
    return all(_plain_or_small(hints.get(field.name), seen | {kind}) for field in dataclasses.fields(kind))


def self_contained(kind: type) -> bool:
    """Return True for a dataclass of plain fields, small values (see all_plain) and tuples of small values,
    with at least one such tuple (a small value itself is noted whole wherever it is reached).

    Such a value (a post) reaches no other model value that holds values of its own: digesting it
    whole costs one memoised fingerprint per build.
    """
    found = _SELF_CONTAINED.get(kind)
    if found is None:
        found = _SELF_CONTAINED[kind] = holds_no_model_values(kind) and not all_plain(kind)
    return found


_SELF_CONTAINED: dict[type, bool] = {}


def holds_no_model_values(kind: type) -> bool:
    """Return True for a dataclass whose fields hold plain and small values only, in tuples or not (a chip, an
    emotion's facts, a post): none of its parts can be or hold a post."""
    found = _HOLDS_NONE.get(kind)
    if found is None:
        found = _HOLDS_NONE[kind] = _small_values_only(kind)
    return found


_HOLDS_NONE: dict[type, bool] = {}


def holds_self_contained(kind: type) -> bool:
    """Return True for a dataclass with a field that may hold a self-contained value (a story's share data, which
    holds its post): holds_no_model_values() may be True of it, yet one of its parts may be a value of the model."""
    found = _HOLDS_SELF_CONTAINED.get(kind)
    if found is None:
        try:
            hints = typing.get_type_hints(kind) if dataclasses.is_dataclass(kind) else {}
        except (NameError, TypeError):
            hints = {}
        found = _HOLDS_SELF_CONTAINED[kind] = any(
            isinstance(arg, type) and dataclasses.is_dataclass(arg) and self_contained(arg)
            for hint in hints.values() for arg in _union_args(hint))
    return found


_HOLDS_SELF_CONTAINED: dict[type, bool] = {}


def _union_args(hint: Any) -> tuple[Any, ...]:
    """Return the types of a union type hint, or the hint alone."""
    return typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)


def _small_values_only(kind: type, seen: frozenset[type] = frozenset()) -> bool:
    """Work out holds_no_model_values() for a type."""
    if not dataclasses.is_dataclass(kind) or issubclass(kind, type) or kind in seen:
        return False
    try:
        hints = typing.get_type_hints(kind)
    except (NameError, TypeError):
        return False
    return all(_plain_or_small(hint, frozenset()) or _small_items(hint) or _holding_none(hint, seen | {kind})
               for hint in (hints.get(field.name) for field in dataclasses.fields(kind)))


def _holding_none(hint: Any, seen: frozenset[type]) -> bool:
    """Return True for a field type that is (or may be, with None) a dataclass holding no model values itself:
    a post's route, whose figures are pairs of text."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    kinds = [arg for arg in (typing.get_args(hint) if union else (hint,)) if arg is not type(None)]
    return bool(kinds) and all(isinstance(arg, type) and _small_values_only(arg, seen) for arg in kinds)


def _small_items(hint: Any) -> bool:
    """Return True for a field type `tuple[X, ...]` whose items are plain or small values, or pairs (fixed-length
    tuples) of plain values."""
    args = typing.get_args(hint)
    return typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis and \
        (_plain_or_small(args[0], frozenset()) or _plain_tuple(args[0]))


def _plain_tuple(hint: Any) -> bool:
    """Return True for a fixed-length tuple type of plain values (`tuple[str, str]`)."""
    args = typing.get_args(hint)
    return typing.get_origin(hint) is tuple and bool(args) and Ellipsis not in args and all(map(is_plain, args))


def _plain_or_small(hint: Any, seen: frozenset[type]) -> bool:
    """Return True for a field type of plain values, of dataclasses of them, or a union of those."""
    if is_plain(hint):
        return True
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return all_plain(hint, seen)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return all(_plain_or_small(arg, seen) for arg in typing.get_args(hint))
    return False


def field_values(value: Any) -> tuple[Any, ...]:
    """Return the values of a dataclass instance's fields, in order (one getter per type)."""
    kind = type(value)
    get = _FIELD_GETTERS.get(kind)
    if get is None:
        names = [f.name for f in dataclasses.fields(kind)]
        many = operator.attrgetter(*names) if len(names) > 1 else None
        get = _FIELD_GETTERS[kind] = many or (lambda item: tuple(getattr(item, name) for name in names))
    return get(value)  # type: ignore[no-any-return]


_FIELD_GETTERS: dict[type, Any] = {}
