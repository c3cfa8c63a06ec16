"""Frozen model values as plain JSON data, shared values kept shared: how the snapshot is stored.

A value becomes a list of nodes, each made only of text, numbers and references to earlier nodes
(a negative number: -1 the first node, -2 the next; a negative number of the value itself is stored
as `[number]`, which is rare, so that reading back makes few small lists); a node names its kind in
its first item: `t` a tuple, `l` a list, `m` a mapping,
`T` a datetime, `d` a date, `p` a path, `c` a frozen dataclass by its place in a list of class
names. Reading it back only ever calls the constructor of a class the reader allows (the model's own
frozen dataclasses), with the values stored: a crafted file can make wrong values, never run code.
The site's configuration is stored as a marker and read back as the configuration given (the
snapshot is used only with the settings it was made with).
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

from generator.config import SiteConfig
from generator.incremental.records import decode_datetime, encode_datetime

_SCALARS = (str, int, float, bool, type(None))
Patch = Callable[[type, list[Any]], list[Any]]  # may change the field values of a dataclass before it is made


class GraphError(ValueError):
    """A stored graph that cannot be read back."""


def allowed_classes(*roots: type) -> dict[str, type]:
    """Return the frozen dataclasses reachable from some through their field types, by stored name."""
    found: dict[str, type] = {}
    todo: list[Any] = list(roots)
    while todo:
        hint = todo.pop()
        origin = typing.get_origin(hint)
        todo.extend(typing.get_args(hint))
        kind = origin if isinstance(origin, type) else hint
        if not (isinstance(kind, type) and dataclasses.is_dataclass(kind)) or class_name(kind) in found:
            continue
        if kind is not SiteConfig:
            found[class_name(kind)] = kind
            todo.extend(typing.get_type_hints(kind).values())
    return found


def class_name(kind: type) -> str:
    """Return the name a class is stored under."""
    return f"{kind.__module__}.{kind.__qualname__}"


class Encoder:
    """Turns values into nodes, each shared value (a dataclass instance, tuple or list) once."""

    def __init__(self, allowed: Mapping[str, type]) -> None:
        self.allowed = allowed
        self.nodes: list[list[Any]] = []
        self.classes: list[str] = []
        self._seen: dict[int, tuple[object, int]] = {}  # id -> (the value, kept alive; its reference)
        self._class_at: dict[type, int] = {}
        self._fields: dict[type, tuple[str, ...]] = {}

    def ref(self, value: Any) -> Any:
        """Return a value as it is stored where it is used: a scalar itself, anything else a reference."""
        kind = type(value)
        if kind is int and value < 0:
            return [value]  # a number, not a reference
        if kind in _SCALARS:
            return value
        hit = self._seen.get(id(value))
        if hit is not None:
            return hit[1]
        node = self._node(value, kind)
        reference = reference_to(len(self.nodes))
        self.nodes.append(node)
        self._seen[id(value)] = (value, reference)
        return reference

    def _node(self, value: Any, kind: type) -> list[Any]:
        """Return the node of a value that is not a scalar."""
        if kind is tuple or kind is list:
            return ["t" if kind is tuple else "l", *map(self.ref, value)]
        if isinstance(value, Mapping):
            return ["m", *(item for key, val in value.items() for item in (self.ref(key), self.ref(val)))]
        if kind is SiteConfig:
            return ["config"]
        if isinstance(value, datetime):
            return ["T", encode_datetime(value)]
        if isinstance(value, date):
            return ["d", value.isoformat()]
        if isinstance(value, PurePath):
            return ["p", str(value)]
        if dataclasses.is_dataclass(value) and class_name(kind) in self.allowed:
            return ["c", self._class(kind), *(self.ref(getattr(value, name)) for name in self._fields[kind])]
        raise GraphError(f"cannot store a {kind.__qualname__}")

    def _class(self, kind: type) -> int:
        """Return the place of a class in the list of class names, adding it when new."""
        at = self._class_at.get(kind)
        if at is None:
            fields = dataclasses.fields(kind)
            if not all(f.init for f in fields):
                raise GraphError(f"cannot store a {kind.__qualname__}: it has fields its constructor does not take")
            self._fields[kind] = tuple(f.name for f in fields)
            at = self._class_at[kind] = len(self.classes)
            self.classes.append(class_name(kind))
        return at


def decode(nodes: Any, classes: Any, allowed: Mapping[str, type], config: SiteConfig,
           patch: Patch | None = None) -> list[Any]:
    """Return the value of every node, in order; raise GraphError for anything but a well-made graph."""
    if not isinstance(nodes, list) or not isinstance(classes, list):
        raise GraphError("not a stored graph")
    kinds = [allowed.get(name) if isinstance(name, str) else None for name in classes]
    made: list[Any] = []

    def get(item: Any) -> Any:
        if type(item) is int and item < 0:
            if -item > len(made):
                raise GraphError("a reference to no earlier value")
            return made[-1 - item]
        if type(item) not in _SCALARS:
            return _negative(item)
        return item

    def values(items: list[Any]) -> list[Any]:  # get() for each item, inline (most nodes are dataclasses)
        try:
            return [made[-1 - item] if type(item) is int and item < 0
                    else item if type(item) in _SCALARS else _negative(item) for item in items]
        except IndexError:
            raise GraphError("a reference to no earlier value") from None

    append = made.append
    try:
        for node in nodes:
            if type(node) is list and len(node) > 1 and node[0] == "c" and type(node[1]) is int and \
                    0 <= node[1] < len(kinds) and kinds[node[1]] is not None:
                kind, items = kinds[node[1]], values(node[2:])
                append(kind(*(patch(kind, items) if patch is not None else items)))
            elif type(node) is list and node and node[0] == "t":
                append(tuple(values(node[1:])))
            else:
                append(_make(node, kinds, get, config, patch))
    except (TypeError, ValueError, KeyError, IndexError, OverflowError) as exc:
        raise GraphError(f"a damaged graph ({exc})") from exc
    return made


def reference_to(index: int) -> int:
    """Return how a node refers to the node at `index`."""
    return -1 - index


def referred_to(reference: Any) -> int | None:
    """Return the index of the node a reference names (None: not a reference)."""
    return -1 - reference if type(reference) is int and reference < 0 else None


def _negative(item: Any) -> int:
    """Return the negative number an item stores (`[number]`); raise GraphError for any other item."""
    if type(item) is list and len(item) == 1 and type(item[0]) is int and item[0] < 0:
        return item[0]
    raise GraphError("a value of no known kind")


def _make(node: Any, kinds: list[type | None], get: Callable[[Any], Any], config: SiteConfig,
          patch: Patch | None) -> Any:
    """Return the value of one node, its references already made."""
    if not isinstance(node, list) or not node:
        raise GraphError("a node that is not a list")
    tag = node[0]
    if tag == "t":
        return tuple(map(get, node[1:]))
    if tag == "l":
        return list(map(get, node[1:]))
    if tag == "m":
        items = list(map(get, node[1:]))
        return dict(zip(items[::2], items[1::2], strict=True))
    if tag == "c":
        kind = kinds[node[1]] if type(node[1]) is int and 0 <= node[1] < len(kinds) else None
        if kind is None:
            raise GraphError("a value of a class the reader does not allow")
        values = list(map(get, node[2:]))
        return kind(*(patch(kind, values) if patch is not None else values))
    if tag == "config":
        return config
    text = node[1] if len(node) == 2 and isinstance(node[1], str) else None
    if text is None:
        raise GraphError("a node of no known kind")
    if tag == "T":
        return decode_datetime(text)
    if tag == "d":
        return date.fromisoformat(text)
    if tag == "p":
        return Path(text)
    raise GraphError(f"a node of no known kind ({tag!r})")


def encode_all(values: Iterable[Any], allowed: Mapping[str, type]) -> tuple[list[Any], list[list[Any]], list[str]]:
    """Return the references of some values, and the nodes and class names they need."""
    encoder = Encoder(allowed)
    refs = [encoder.ref(value) for value in values]
    return refs, encoder.nodes, encoder.classes
