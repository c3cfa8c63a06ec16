"""The journal's last site model, kept on disk, so that an edit to entry text rebuilds in a blink.

After a journal build that made its model from every record, the model and its page plan are
pickled into the cache folder, with the size and time of every content file they were made from,
each entry's shape (generator/incremental/changes.py) and the problems found on the way. A later build, in a
new process, can then skip decoding every record and making the model again when only entry bodies
changed since: it parses the changed files, checks that their front matter is as it was, and puts
each new body into its post (`Snapshot.patch`), whose fields are the only part of the model a body
reaches (`BODY_FIELDS`, and the entry page planned for the post). Page digests then decide, as
always, which pages are rendered again.

The snapshot stays as the full build left it; each build patches it again with every file changed
since, so it never depends on the builds in between. Only the journal keeps one: the public build's
privacy audit reads every page anyway. It lives in the site's cache folder, as trusted as the
site's own templates.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.incremental.changes import BODY_FIELDS, Shapes, entry_shapes
from generator.errors import Problem
from generator.pipeline.pages import PlannedPage, post_page
from generator.incremental.records import EntryRecord, Stamp
from generator.incremental.swap import Swap
from generator.incremental.memory import paused_gc
from generator.pipeline.site import Post, Site

FILE_NAME = "model-journal.pickle"
PENDING_NAME = ".model-journal.pickle.pending"
#: More changed files than this since the snapshot: the usual way is as quick, and makes a new one.
MOST_CHANGED = 50


@dataclass
class Snapshot:
    """A journal build's model and plan, with what they were made from."""

    key: str  # the cache key of the build (settings, theme, code)
    setup: str  # digest of every input besides the entries
    stamps: dict[str, Stamp | None]  # every file under content/: (size, mtime_ns), None when too fresh to trust
    shapes: Shapes  # each entry's digest and shape
    record_problems: dict[str, tuple[Problem, ...]]  # what parsing each source found, in the records' order
    model_problems: list[Problem]  # what checking the entries together found (URLs, unknown emotions)
    render_problems: dict[str, tuple[Problem, ...]]  # what rendering each body found
    site: Site
    planned: list[PlannedPage]
    token: str = field(default_factory=lambda: secrets.token_hex(8))  # names it in the last-build note

    def changed(self, content: Mapping[str, Stamp]) -> list[str] | None:
        """Return the entries whose file changed since; None when a file came or went, or too many changed."""
        if content.keys() != self.stamps.keys():
            return None
        changed = [rel for rel, stamp in content.items() if self.stamps[rel] != stamp]
        if len(changed) > MOST_CHANGED or any(rel not in self.shapes for rel in changed):
            return None
        return changed

    def fits(self, records: Mapping[str, EntryRecord]) -> Shapes | None:
        """Return every entry's shape with these records; None when one's front matter is not as it was."""
        shapes = entry_shapes(records.values(), {})
        if any(rel not in shapes or shapes[rel][1:] != self.shapes[rel][1:] for rel in records):
            return None
        return {**self.shapes, **shapes}

    def patch(self, records: Mapping[str, EntryRecord]) -> None:
        """Put each record's body into a copy of its post and plan that post's page again; note its problems.

        The model is frozen: every value holding a changed post is copied (generator/incremental/swap.py).
        The Site is a new one even when no post changed: what was kept for the model as it was
        (partials rendered once, generator/incremental/partials.py) is known by the Site's identity.
        """
        posts: dict[str, Post] = {post.key: post for post in (*self.site.posts, *self.site.pages)}
        new: dict[int, Post] = {}
        for rel, record in records.items():
            self.record_problems[rel] = record.problems
            post, rendered = posts.get(rel), record.rendered("journal")
            if post is None or rendered is None:
                continue
            new[id(post)] = dataclasses.replace(post, **{name: getattr(rendered, name) for name in BODY_FIELDS})
            self.render_problems[rel] = rendered.problems
        swap = Swap(new, keep=(Post,))
        site = swap.value(self.site)
        self.site = site if site is not self.site else dataclasses.replace(self.site)
        self.planned = [swap.value(item) for item in self.planned]
        where = {item.url: index for index, item in enumerate(self.planned)}
        for post in new.values():
            self.planned[where[post.url]] = post_page(post, self.site)

    def problems(self) -> list[Problem]:
        """Return the problems a build of the patched model reports, in the order a full build does."""
        return [*(p for found in self.record_problems.values() for p in found), *self.model_problems,
                *(p for found in self.render_problems.values() for p in found)]


class _Pickler(pickle.Pickler):
    """Pickles a frozen dataclass instance as a call of its class with its fields, many times quicker to load.

    (What dataclasses give a slotted class instead sets each field apart, looking all fields up
    again for every instance.)
    """

    def reducer_override(self, obj: object) -> object:
        """Return (class, fields) for a frozen dataclass that its __init__ rebuilds as it was."""
        kind = type(obj)
        names = _INIT_FIELDS.get(kind)
        if names is None:
            names = _INIT_FIELDS[kind] = _init_fields(kind)
        if not names:
            return NotImplemented
        return kind, tuple([getattr(obj, name) for name in names])


_INIT_FIELDS: dict[type, tuple[str, ...]] = {}


def _init_fields(kind: type) -> tuple[str, ...]:
    """Return the fields of a frozen dataclass that __init__ takes as they are; () for any other type."""
    params = getattr(kind, "__dataclass_params__", None)
    if (params is None or not params.frozen or not dataclasses.is_dataclass(kind) or hasattr(kind, "__post_init__")
            or kind.__reduce__ is not object.__reduce__ or kind.__reduce_ex__ is not object.__reduce_ex__):
        return ()  # not a frozen dataclass, or one that says itself how it is pickled
    found = dataclasses.fields(kind)
    return tuple(f.name for f in found) if all(f.init for f in found) else ()


def prepare(snapshot: Snapshot, folder: Path) -> bool:
    """Write the snapshot beside its place, to be put there by commit() once the build succeeded."""
    pending = folder / PENDING_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with open(pending, "wb") as out:
            _Pickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(snapshot)
        return True
    except (OSError, pickle.PicklingError, TypeError, AttributeError, RecursionError):
        discard(folder)
        return False


def commit(folder: Path) -> bool:
    """Put the prepared snapshot in its place (whole or not at all); False when it cannot be."""
    try:
        os.replace(folder / PENDING_NAME, folder / FILE_NAME)
        return True
    except OSError:
        return False


def discard(folder: Path) -> None:
    """Remove a prepared snapshot that its build did not earn."""
    try:
        (folder / PENDING_NAME).unlink(missing_ok=True)
    except OSError:
        pass  # no cache folder to clean (a file stands in its place): nothing was prepared


def load(folder: Path, token: str, key: str, setup: str) -> Snapshot | None:
    """Return the snapshot named in the last-build note, if it is there and made with these settings."""
    try:
        with paused_gc(), open(folder / FILE_NAME, "rb") as stream:
            snapshot = pickle.load(stream)
    except Exception:  # a damaged or foreign file is no snapshot: the usual way makes a new one
        return None
    if not isinstance(snapshot, Snapshot) or (snapshot.token, snapshot.key, snapshot.setup) != (token, key, setup):
        return None
    return snapshot


__all__ = ["FILE_NAME", "MOST_CHANGED", "PENDING_NAME", "Snapshot", "commit", "discard", "load", "prepare"]
