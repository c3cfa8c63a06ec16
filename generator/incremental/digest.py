"""Digests of what a page is made from: model values, the templates it uses, the site data it read.

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
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

import jinja2
import jinja2.meta


def hash_text(*parts: str) -> str:
    """Return a short stable digest of text parts (each part must not contain a newline unescaped)."""
    return hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def hash_bytes(data: bytes) -> str:
    """Return a short stable digest of bytes."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


_SCALARS = (str, int, float, bool, type(None))
#: Field types whose repr() is exact and stable: such fields are digested together, in one call.
_PLAIN_HINTS = frozenset({str, int, float, bool, type(None), datetime, date, Path})
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
        plain = [n for n in names if _is_plain(hints.get(n))]
        other = [n for n in names if n not in plain]
        plan = _PLANS[cls] = (cls.__qualname__, _tuple_getter(plain), _tuple_getter(other))
    return plan


def _is_plain(hint: Any) -> bool:
    """Return True for a field type whose values repr() exactly (text, numbers, dates, paths, literals, None)."""
    if hint in _PLAIN_HINTS:
        return True
    origin = typing.get_origin(hint)
    if origin is typing.Literal:
        return all(type(a) in _SCALARS for a in typing.get_args(hint))
    return origin in (typing.Union, types.UnionType) and all(_is_plain(a) for a in typing.get_args(hint))


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
            **dict.fromkeys(_SCALARS, _add_scalar), tuple: self._add_items, list: self._add_items}

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
    return None if _all_plain(kind) else ObjectReads


def _all_plain(kind: type, seen: frozenset[type] = frozenset()) -> bool:
    """Return True for a dataclass whose fields are plain (see _is_plain) or such dataclasses, optionally None."""
    if kind in seen:
        return False  # a value that may hold itself is no small value
    try:
        hints = typing.get_type_hints(kind)
    except (NameError, TypeError):
        return False
    return all(_plain_or_small(hints.get(field.name), seen | {kind}) for field in dataclasses.fields(kind))


def self_contained(kind: type) -> bool:
    """Return True for a dataclass of plain fields, small values (see _all_plain) and tuples of small values,
    with at least one such tuple (a small value itself is noted whole wherever it is reached).

    Such a value (a post) reaches no other model value that holds values of its own: digesting it
    whole costs one memoised fingerprint per build.
    """
    found = _SELF_CONTAINED.get(kind)
    if found is None:
        found = _SELF_CONTAINED[kind] = holds_no_model_values(kind) and not _all_plain(kind)
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


def _small_values_only(kind: type) -> bool:
    """Work out holds_no_model_values() for a type."""
    if not dataclasses.is_dataclass(kind) or issubclass(kind, type):
        return False
    try:
        hints = typing.get_type_hints(kind)
    except (NameError, TypeError):
        return False
    return all(_plain_or_small(hint, frozenset()) or _small_items(hint) for hint in
               (hints.get(field.name) for field in dataclasses.fields(kind)))


def _small_items(hint: Any) -> bool:
    """Return True for a field type `tuple[X, ...]` whose items are plain or small values."""
    args = typing.get_args(hint)
    return typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis and \
        _plain_or_small(args[0], frozenset())


def _plain_or_small(hint: Any, seen: frozenset[type]) -> bool:
    """Return True for a field type of plain values, of dataclasses of them, or a union of those."""
    if _is_plain(hint):
        return True
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _all_plain(hint, seen)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return all(_plain_or_small(arg, seen) for arg in typing.get_args(hint))
    return False


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


def _name_or_none(value: object) -> bool:
    """Return True for what a list of template references may hold: a name, or None."""
    return value is None or isinstance(value, str)


class TemplateDigests:
    """Digests of templates with everything they extend, include or import, resolved as the environment does."""

    def __init__(self, env: jinja2.Environment, known: Mapping[str, Any] | None = None) -> None:
        """`known` may give the references found in earlier runs (see `known`), to skip parsing those templates."""
        self.env = env
        #: digest of a template's source -> the names it references (None: a computed name), parsed once ever
        self.known: dict[str, list[str | None]] = {key: refs for key, refs in (known or {}).items()
                                                   if isinstance(refs, list) and all(_name_or_none(r) for r in refs)}
        self.learned = False  # whether `known` gained a template this run (and is worth keeping)
        self.used: set[str] = set()  # the keys of `known` this run looked up
        self._sources: dict[str, tuple[str, str] | None] = {}  # name -> (file, source) or None when missing
        self._refs: dict[str, set[str | None]] = {}
        self._digests: dict[str, str] = {}

    def digest(self, name: str) -> str:
        """Return the digest of a template and every template it reaches."""
        if name not in self._digests:
            parts = []
            for used in sorted(self._closure(name)):
                found = self._source(used)
                parts.append(f"{used}={found[0]}:{hash_text(found[1])}" if found else f"{used}=missing")
            self._digests[name] = hash_text(*parts)
        return self._digests[name]

    def references(self) -> dict[str, list[str | None]]:
        """Return the references of the templates this run looked at, by source digest, to give a later run."""
        return {key: self.known[key] for key in self.used if key in self.known}

    def _closure(self, name: str) -> set[str]:
        """Return the names of a template and all it references; every template when a name is computed."""
        seen: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            refs = self._references(current)
            if None in refs:
                return set(self.env.list_templates())
            todo.extend(r for r in refs if r is not None)
        return seen

    def _references(self, name: str) -> set[str | None]:
        """Return the template names one template references (None for a computed name)."""
        if name not in self._refs:
            found = self._source(name)
            key = hash_text(found[1]) if found else ""
            self.used.add(key)
            if found and key not in self.known:
                try:
                    self.known[key] = list(jinja2.meta.find_referenced_templates(self.env.parse(found[1])))
                except jinja2.TemplateSyntaxError:
                    self.known[key] = []
                self.learned = True
            self._refs[name] = set(self.known[key]) if found else set()
        return self._refs[name]

    def _source(self, name: str) -> tuple[str, str] | None:
        """Return (file, source) of a template as the environment's loader finds it, or None."""
        if name not in self._sources:
            try:
                assert self.env.loader is not None
                source, filename, _ = self.env.loader.get_source(self.env, name)
                self._sources[name] = (filename or name, source)
            except (jinja2.TemplateNotFound, OSError, UnicodeDecodeError):
                self._sources[name] = None
        return self._sources[name]
