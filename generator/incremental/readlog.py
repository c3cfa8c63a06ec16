"""Read tracking: while a page renders, its model values are stand-ins that note each attribute read.

A page then depends only on what its templates used: a tag page that shows `term.posts | length`
depends on the number of posts, not on each of them. Small values made of plain fields only (a link,
an emotion chip) are noted whole where they are reached (see kinds.py). Templates and filters must
reach model values through attributes, as Jinja does.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from generator.incremental.kinds import all_plain


class ReadLog:
    """The paths of the model values one page render read: `post.title`, `term.posts#len`, `site.pages`.

    A path alone is a plain value (text, number, date) that was used; `=` marks a whole model value
    (a dataclass or tuple, shown or compared whole); `#len` its length, `!` its type, `?` its truth.
    `[]` stands for every item of a tuple that was looped over: `posts[].title` is the title of each.
    """

    def __init__(self) -> None:
        self.paths: set[str] = set()  # every path read

    @contextmanager
    def apart(self) -> Iterator[set[str]]:
        """Collect the reads of a block in a set of their own (yielded), then note them here too."""
        outer, self.paths = self.paths, set()
        try:
            yield self.paths
        finally:
            inner, self.paths = self.paths, outer
            outer |= inner

    def watch(self, value: Any, path: str) -> Any:
        """Return a stand-in for a dataclass or tuple value that notes reads, or the value itself (noted whole)."""
        return self.noted(value, path)[0]

    def noted(self, value: Any, path: str) -> tuple[Any, str]:
        """Return what watch() returns, and the path it noted."""
        kind = type(value)
        stand_in = _STAND_INS.get(kind, _MISSING)
        if stand_in is _MISSING:
            stand_in = _STAND_INS.setdefault(kind, _stand_in_for(kind))
        if stand_in is None:
            self.paths.add(path)
            return value, path
        path += "!"
        self.paths.add(path)
        return stand_in(value, path[:-1], self), path


def _stand_in_for(kind: type) -> type[ItemsReads] | type[ObjectReads] | None:
    """Return the stand-in class for values of a type: tuples and lists, dataclass instances, or None.

    A dataclass made of plain fields only (a link, an emotion chip and its family) gets none: it is
    noted whole where it is reached, which costs a page nothing while it renders, and a page that
    shows one field of it depends on all of them, which barely matters for values that small.
    """
    if kind in (tuple, list):
        return ItemsReads
    if not dataclasses.is_dataclass(kind) or issubclass(kind, type):
        return None
    return None if all_plain(kind) else ObjectReads


def _unwrap(value: Any) -> Any:
    """Return the real value behind a stand-in."""
    return object.__getattribute__(value, "_value") if isinstance(value, (ObjectReads, ItemsReads)) else value


real_value = _unwrap


def path_of(value: Any) -> str | None:
    """Return the read path of a stand-in, or None for any other value."""
    return object.__getattribute__(value, "_path") if isinstance(value, (ObjectReads, ItemsReads)) else None


def log_of(values: Iterable[Any]) -> ReadLog | None:
    """Return the read log of the first stand-in among some values (a page's context), or None."""
    for value in values:
        if isinstance(value, (ObjectReads, ItemsReads)):
            return object.__getattribute__(value, "_log")  # type: ignore[no-any-return]
    return None


class _Reads:
    """What both stand-ins share: the value, its path, the log; whole-value operations."""

    __slots__ = ("_value", "_path", "_log")
    _value: Any
    _path: str
    _log: ReadLog

    def __init__(self, value: Any, path: str, log: ReadLog) -> None:
        self._value = value
        self._path = path
        self._log = log

    def _whole(self) -> Any:
        """Note that the whole value was used (`path=`) and return it."""
        self._log.paths.add(self._path + "=")
        return self._value

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        """Return the real value's class, so isinstance() sees through the stand-in."""
        return type(self._value)

    def __eq__(self, other: object) -> bool:
        return bool(self._whole() == _unwrap(other))

    def __ne__(self, other: object) -> bool:
        return bool(self._whole() != _unwrap(other))

    def __hash__(self) -> int:
        return hash(self._whole())

    def __str__(self) -> str:
        return str(self._whole())

    def __repr__(self) -> str:
        return repr(self._whole())

    def __format__(self, spec: str) -> str:
        return format(self._whole(), spec)


class ObjectReads(_Reads):
    """Stands in for a dataclass value while a page renders, noting each attribute read."""

    __slots__ = ("_kids",)
    _kids: dict[str, tuple[Any, str]]  # what each attribute read so far gave, and the path it noted

    def __init__(self, value: Any, path: str, log: ReadLog) -> None:
        super().__init__(value, path, log)
        self._kids = {}

    def __getattribute__(self, name: str) -> Any:
        """Return the attribute (a stand-in itself when it is a dataclass or tuple), noting the read.

        Every attribute goes through here (not __getattr__, whose failed lookup first costs more than the read).
        """
        if name in _OWN:
            return _plain_attribute(self, name)
        kid = _kids_of(self).get(name)
        if kid is None:
            return _first_read(self, name)
        _log_slot(self).paths.add(kid[1])  # noted again: the log may have been set apart since (ReadLog.apart)
        return kid[0]

    def __bool__(self) -> bool:
        _log_slot(self).paths.add(_path_slot(self) + "?")
        return bool(_value_slot(self))


_OWN = frozenset({"_value", "_path", "_log", "_kids", "_whole"})  # the stand-in's own attributes
_plain_attribute = object.__getattribute__
_kids_of = ObjectReads._kids.__get__
_log_slot = _Reads._log.__get__
_value_slot = _Reads._value.__get__
_path_slot = _Reads._path.__get__


def _first_read(stand_in: ObjectReads, name: str) -> Any:
    """Read an attribute of the value for the first time through this stand-in; remember it."""
    if name.startswith("__"):
        return _plain_attribute(stand_in, name)  # the stand-in's own special methods (or AttributeError)
    kid = _kids_of(stand_in)[name] = _log_slot(stand_in).noted(getattr(_value_slot(stand_in), name),
                                                               f"{_path_slot(stand_in)}.{name}")
    return kid[0]


class ItemsReads(_Reads):
    """Stands in for a tuple while a page renders: its length is noted apart from its items."""

    __slots__ = ()

    def __len__(self) -> int:
        self._log.paths.add(self._path + "#len")
        return len(self._value)

    def __bool__(self) -> bool:
        self._log.paths.add(self._path + "#len")
        return bool(self._value)

    def __iter__(self) -> Any:
        return self._items(iter(self._value))

    def __reversed__(self) -> Any:
        return self._items(reversed(self._value))

    def _items(self, items: Any) -> Any:
        """Yield the items as stand-ins noting reads under `path[]`, and note the length."""
        log, path = self._log, self._path + "[]"
        log.paths.add(self._path + "#len")
        return (log.watch(item, path) for item in items)

    def __getitem__(self, index: Any) -> Any:
        """Return an item (noted as any item: `path[]`) or a slice (whose items are noted the same way)."""
        if isinstance(index, slice):
            self._log.paths.add(self._path + "#len")
            return ItemsReads(self._value[index], self._path, self._log)
        if isinstance(index, int):
            self._log.paths.add(self._path + "#len")
            return self._log.watch(self._value[index], self._path + "[]")
        return self._whole()[index]

    def __contains__(self, item: object) -> bool:
        return _unwrap(item) in self._whole()


_MISSING: Any = object()
_STAND_INS: dict[type, Any] = {}  # the stand-in class (or None) for each type of value watched


def resolve(roots: Mapping[str, Any], path: str) -> Any:
    """Return what a read path stands for now: the value, its length, its type name or its truth.

    Below a `[]`, the answer is a tuple with one answer per item.
    """
    resolver = _RESOLVERS.get(path)
    if resolver is None:
        resolver = _RESOLVERS[path] = _resolver(path)
    return resolver(roots)


_RESOLVERS: dict[str, Callable[[Mapping[str, Any]], Any]] = {}  # each read path, parsed once


def _resolver(path: str) -> Callable[[Mapping[str, Any]], Any]:
    """Return the function that resolves one read path against the roots."""
    base, op = path, ""
    if path.endswith("#len"):
        base, op = path[:-4], "#len"
    elif path[-1:] in ("!", "?", "="):
        base, op = path[:-1], path[-1].strip("=")
    first, _, rest = base.partition(".")
    items = first.endswith("[]")
    root = first[:-2] if items else first
    names = rest.split(".") if rest else []
    if items or "[]" in rest:
        return lambda roots: _resolve_below(roots.get(root, _MISSING), names, op, items)
    get = operator.attrgetter(rest) if rest else None

    def plain(roots: Mapping[str, Any]) -> Any:
        value = roots.get(root, _MISSING)
        if get is not None and value is not _MISSING:
            try:
                value = get(value)
            except AttributeError:
                value = _MISSING
        return _apply(value, op)

    return plain


def _resolve_below(value: Any, names: list[str], op: str, items: bool = False) -> Any:
    """Return what the attribute names lead to from a value (for each item when `items`), then the op."""
    if items:
        if not isinstance(value, (tuple, list)):
            return "<no items>"
        return tuple(_resolve_below(item, names, op) for item in value)
    for index, name in enumerate(names):
        if value is _MISSING:
            break
        if name.endswith("[]"):
            return _resolve_below(getattr(value, name[:-2], _MISSING), names[index + 1:], op, True)
        value = getattr(value, name, _MISSING)
    return _apply(value, op)


def _apply(value: Any, op: str) -> Any:
    """Return a value, or its length, type name or truth."""
    if value is _MISSING:
        return "<missing>"
    if op == "#len":
        return len(value) if hasattr(value, "__len__") else "<no length>"
    if op == "!":
        return f"<{type(value).__qualname__}>"
    return bool(value) if op == "?" else value
