"""Edits that only touch entry bodies, and the pages they can reach: the short way through a rebuild.

Most rebuilds while writing follow an edit to the text of one entry. When every changed source kept
its front matter (same date, title, emotions, tags, visibility...) and nothing else changed (no file
added or removed, no image, template, theme or setting), the new site model differs from the last
good one only in the body fields (`BODY_FIELDS`) of those entries' posts. A page can then differ
only if what its planner gave it changed (its plan digest, plan_digest.py: a description cut from
a summary, a list ordered by length), or it holds one of those posts (in its context or a shared
value it read) and read one of its body fields or used a value holding it whole. Only those pages
have their digests checked; every other page is kept as the last good build left it, unchecked.
Nothing rests on the planner naming what its pages show: what they were given and what they read
are both recorded by the speed layer itself.
"""

from __future__ import annotations

import dataclasses
import operator
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from generator.incremental.cache import OutputRow
from generator.incremental.digest import hash_text
from generator.incremental.kinds import field_values, holds_no_model_values, holds_self_contained
from generator.incremental.readlog import resolve
from generator.pipeline.entries import Entry
from generator.pipeline.pages import PlannedPage
from generator.incremental.records import EntryRecord
from generator.pipeline.site import Post

_PLAIN = (str, int, float, bool, type(None))
_OPS = re.compile(r"(#len|[!?=])$")


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
            shapes[record.rel] = [record.digest, hash_text(repr(_shape_fields(record.entry)))]
    return shapes


#: Every field of an Entry but its body, in order: what an entry's shape is the digest of.
_shape_fields = operator.attrgetter(*(f.name for f in dataclasses.fields(Entry) if f.name != "body"))


def body_only_changes(before: Mapping[str, Any], now: Shapes) -> frozenset[str] | None:
    """Return the sources whose bytes changed while their shape did not; None when a shape changed or the set did."""
    if before.keys() != now.keys():
        return None
    dirty = {rel for rel, shape in now.items() if before[rel] != shape}
    if any(not isinstance(before[rel], list) or before[rel][1:] != now[rel][1:] for rel in dirty):
        return None
    return frozenset(dirty)


#: The fields of a Post that a body-only edit can change: all of them come from the rendered body.
BODY_FIELDS = frozenset({"html", "summary", "words", "assets"})


class TouchedPages:
    """Tells which pages can show a post whose body changed (see the module's docstring)."""

    def __init__(self, dirty: frozenset[str], shared: Mapping[str, Any], plan: Callable[[PlannedPage], str]) -> None:
        self.dirty = dirty  # keys of the posts whose body changed
        self.shared = shared  # what every page receives (the Site, the config)
        self.plan = plan  # the digest of what the planner gave a page (PageDigests.plan)
        self._holds: dict[int, tuple[Any, bool]] = {}  # id of a value -> (the value, kept so its id stays its own;
        # whether it holds a dirty post). Resolving `posts[]` makes a new tuple each time.
        self._holders: dict[int, tuple[tuple[str, ...], tuple[tuple[str, str, bool], ...]]] = {}  # id of read paths ->
        # (them, kept so the id stays theirs; the values to look into: (path, its root in the context, or the root
        # itself when the value is the root's, whole or its items)). Pages share a few tuples of read paths.
        self._shared: dict[str, Any] = {}  # path -> a shared value it leads to

    def touches(self, item: PlannedPage, row: OutputRow) -> bool:
        """Return True when the page may show something a body-only edit changed.

        That is: what its planner gave it is not as it was, or it read a body field of a dirty post,
        or it used a value holding one whole.
        """
        if not row.digest.startswith(self.plan(item)):
            return True
        reads = row.reads
        known = self._holders.get(id(reads))
        if known is None or known[0] is not reads:
            known = self._holders[id(reads)] = (reads, _holders(reads))
        for path, root, whole in known[1]:
            if root in item.context:
                value = item.context[root] if root == path else resolve(item.context, path)
            elif path not in self._shared:
                value = self._shared[path] = resolve(self.shared, path)
            else:
                value = self._shared[path]
            if self.holds(value) if whole else self.reads_body(value):
                return True
        return False

    def reads_body(self, value: Any) -> bool:
        """Return True when a value whose body-named field a page read is a dirty post, or items holding one.

        The value is what the read went through (`post` of `post.summary`, the items of `posts[]`): only
        a Post's fields of those names come from a body. Another model value's field of the same name (an
        emotion's `words`) is as the last build had it: a body edit changes posts only (snapshot.py).
        """
        kind = type(value)
        if kind is Post:
            return value.key in self.dirty
        if kind is tuple or kind is list:
            return any(self.reads_body(part) for part in value)
        if kind in _PLAIN or (dataclasses.is_dataclass(kind) and kind.__module__ == Post.__module__):
            return False  # a value of the site model besides a post: not made from a body
        return self.holds(value)  # anything else: whether it holds one at all

    def holds(self, value: Any) -> bool:
        """Return True when a model value is or contains a dirty post."""
        kind = type(value)
        if kind is Post:
            return value.key in self.dirty
        if kind in _PLAIN:
            return False
        if kind is tuple and all(type(part) is Post for part in value):  # posts of a listing: the common case
            return any(part.key in self.dirty for part in value)
        if holds_no_model_values(kind) and not holds_self_contained(kind):  # an emotion's facts, a pagination (not a
            return False  # story's share data, which holds its post)
        hit = self._holds.get(id(value))
        if hit is None:
            hit = self._holds[id(value)] = (value, any(self.holds(part) for part in _parts(value)))
        return hit[1]


def _holders(reads: Iterable[str]) -> tuple[tuple[str, str, bool], ...]:
    """Return the paths of the values a page's body-field reads and whole reads went through, each with its root
    and whether the value was used whole.

    The root is the path itself when the path leads to the root's value or its items (`post`, `posts[]`,
    `post=`): whether that value holds a dirty post is the answer for the path too.
    """
    bodies = {holder for path in reads if (holder := _body_holder(path)) is not None}
    wholes = {path for path in reads if path.endswith("=")}
    return tuple(sorted({(*_with_root(path), path in wholes) for path in bodies | wholes}))


def _with_root(path: str) -> tuple[str, str]:
    """Return (path, the context name it starts from), the name standing for the path when it is all of it."""
    root = path.split(".", 1)[0].removesuffix("=").removesuffix("[]")
    whole = "." not in path and path.removesuffix("=").removesuffix("[]") == root
    return (root, root) if whole else (path, root)


def _body_holder(path: str) -> str | None:
    """Return the part of a read path before a body field (`posts[]` of `posts[].summary`), if it reads one."""
    segments = _OPS.sub("", path).split(".")
    for index, segment in enumerate(segments[1:], start=1):
        if segment.removesuffix("[]") in BODY_FIELDS:
            return ".".join(segments[:index])
    return None


def _parts(value: Any) -> Iterable[Any]:
    """Return the values inside a tuple, list, mapping or dataclass instance (nothing for anything else)."""
    if isinstance(value, (tuple, list, set, frozenset)):
        return value
    if isinstance(value, Mapping):
        return value.values()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return field_values(value)
    return ()
