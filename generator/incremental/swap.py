"""Swap values inside a model made of frozen dataclasses, tuples, lists and dicts, copying only what holds them.

Frozen values are never changed in place: each one that holds a swapped value, directly or deeper,
is copied with the new value (`dataclasses.replace`), and everything else is kept as it is, by
identity. A value held in several places (a post in its tag's, its emotion's and its month's
lists) is copied once and shared again, as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

_PLAIN = (str, int, float, bool, bytes, type(None))


class Swap:
    """Replaces values by identity throughout a model."""

    def __init__(self, new: Mapping[int, Any], keep: tuple[type, ...] = ()) -> None:
        self.new = dict(new)  # id of an old value -> its replacement
        self.keep = keep  # types never looked inside (they cannot hold a swapped value)
        self._done: dict[int, Any] = {}  # id of a value looked at -> what it became
        self._alive: list[Any] = []  # the values looked at, so that their ids stay theirs

    def value(self, old: Any) -> Any:
        """Return old with every swapped value inside it replaced (old itself when none is)."""
        if isinstance(old, _PLAIN):
            return old
        key = id(old)
        if key in self.new:
            return self.new[key]
        if key in self._done:
            return self._done[key]
        self._alive.append(old)
        made = self._made(old)
        self._done[key] = made
        return made

    def _made(self, old: Any) -> Any:
        """Return a copy of old holding the swapped values, or old when it holds none."""
        if isinstance(old, self.keep):
            return old
        if type(old) in (tuple, list):
            items = [self.value(item) for item in old]
            changed = any(a is not b for a, b in zip(items, old))
            return type(old)(items) if changed else old
        if type(old) is dict:
            values = {name: self.value(item) for name, item in old.items()}
            return values if any(values[name] is not old[name] for name in old) else old
        if dataclasses.is_dataclass(old) and not isinstance(old, type):
            changes = {f.name: self.value(getattr(old, f.name)) for f in dataclasses.fields(old)}
            changes = {name: value for name, value in changes.items() if value is not getattr(old, name)}
            return dataclasses.replace(old, **changes) if changes else old
        return old
