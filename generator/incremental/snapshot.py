"""A build's last site model, kept on disk, so that an edit to entry text rebuilds in a blink.

After a build that made its model from every record, the model is stored in the cache folder
as plain JSON data (generator/incremental/graph.py: never code, nothing a crafted file can run), with
the stamp of every content file it was made from, each entry's shape (generator/incremental/changes.py)
and the problems found on the way. A later build, in a new process, can then skip decoding every
record and making the model again when only entry bodies changed since: it parses the changed files,
checks that their front matter is as it was, and reads the model back with each new body in its post
(`Snapshot.patched`), whose fields are the only part of the model a body reaches (`BODY_FIELDS`). The
pages are planned again from that model, as a full build plans them, and page digests then decide,
as always, which pages are rendered again.

The stored model stays as the full build left it; each build reads it with every file changed since,
so it never depends on the builds in between. Each audience keeps its own. The public one is the
public site model only, which never holds a private entry (site.py): its file holds that model and
nothing else, while the stamps, shapes and problems of every source, private ones too, are kept in
the cache's notes beside the records, which hold every entry anyway. A private entry's edit parses
it for the public build, which sees no post of it: nothing of it goes into the public model. A
damaged or foreign file is no snapshot: the usual way makes a new one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from generator.config import SiteConfig
from generator.errors import Problem, warning
from generator.incremental.changes import BODY_FIELDS, Shapes, entry_shapes
from generator.incremental.graph import GraphError, allowed_classes, decode, encode_all, referred_to
from generator.incremental.records import EntryRecord, Stamp, content_digest, decode_problem, encode_problem
from generator.incremental.scan import settle_stamps
from generator.pipeline.markdown import Audience, Rendered
from generator.pipeline.pages import plan_pages
from generator.pipeline.planned import PlannedPage
from generator.incremental.memory import paused_gc
from generator.pipeline.site import Post, Site

FORMAT = "footfall-snapshot 4"
FILE_NAME = "model-journal.json"
PENDING_NAME = ".model-journal.json.pending"
#: What the public snapshot's file holds: its model, and what names it (the rest is in SIDE_NOTE).
_IN_PUBLIC_FILE = frozenset({"format", "audience", "key", "setup", "token", "site", "nodes", "classes"})
SIDE_NOTE = "snapshot-side:public"  # the cache note with the rest of the public snapshot
Sections = list[tuple[str, dict[str, tuple[Problem, ...]]]]  # a build's problems: each kind by source, in order
#: More changed files than this since the snapshot: the usual way is as quick, and makes a new one.
MOST_CHANGED = 50
#: The classes a stored model may hold: the site model's own frozen dataclasses, and nothing else.
ALLOWED = allowed_classes(Site)
_POST_FIELDS = [f.name for f in dataclasses.fields(Post)]
_BODY_AT = [(_POST_FIELDS.index(name), name) for name in sorted(BODY_FIELDS)]
_KEY_AT = _POST_FIELDS.index("key")


@dataclass
class Snapshot:
    """A build's model, with what it was made from."""

    key: str  # the cache key of the build (settings, theme, code)
    setup: str  # digest of every input besides the entries
    stamps: dict[str, Stamp | None]  # every file under content/: its stamp, None when it cannot be trusted
    shapes: Shapes  # each entry's digest and shape
    sections: Sections  # the problems the build found, each kind by source ("" for the site's own), in order
    site: Site | None  # the model as the full build made it (None when read from disk: see `graph`)
    audience: Audience = "journal"  # whose model it is
    token: str = field(default_factory=lambda: secrets.token_hex(8))  # names it in the last-build note
    graph: tuple[Any, list[Any], list[str]] | None = None  # the model as stored: its reference, nodes, classes

    def changed(self, content: Mapping[str, Stamp], folder: Path) -> list[str] | None:
        """Return the entries whose file changed since; None when a file came or went, or too many changed.

        A file whose stamp was too fresh to trust is read (in `folder`): it changed if its bytes did.
        """
        if content.keys() != self.stamps.keys():
            return None
        changed = [rel for rel, stamp in content.items()
                   if self.stamps[rel] != stamp and not self.holds_bytes(rel, folder / rel)]
        if len(changed) > MOST_CHANGED or any(rel not in self.shapes for rel in changed):
            return None
        return changed

    def holds_bytes(self, rel: str, path: Path) -> bool:
        """Return True when an entry whose stamp was too fresh to trust still holds the bytes the model was made from."""
        shape = self.shapes.get(rel)
        if rel not in self.stamps or self.stamps[rel] is not None or not isinstance(shape, list) or not shape:
            return False
        try:
            return content_digest(path.read_bytes()) == shape[0]
        except OSError:
            return False

    def settle(self, folder: Path, scanned: Mapping[str, Stamp], read: Mapping[str, str] | None = None) -> bool:
        """Trust the stamps of files read too soon after being written, if they settled since (scan.settle_stamps);
        return True when every file's stamp is trusted.

        Entries are held to the bytes the build read; the other files (recordings, images) to those
        the scan read (`read`, by path under content/).
        """
        settle_stamps(folder, self.stamps, scanned, {**(read or {}), **{rel: shape[0] for rel, shape in self.shapes.items()}})
        return None not in self.stamps.values()

    def fits(self, records: Mapping[str, EntryRecord]) -> Shapes | None:
        """Return every entry's shape with these records; None when one's front matter is not as it was."""
        shapes = entry_shapes(records.values(), {})
        if any(rel not in shapes or shapes[rel][1:] != self.shapes[rel][1:] for rel in records):
            return None
        return {**self.shapes, **shapes}

    def patched(self, bodies: Mapping[str, Rendered], fresh: Mapping[str, Mapping[str, tuple[Problem, ...]]],
                config: SiteConfig, today: date | None = None) -> tuple[Site, list[PlannedPage], list[Problem]]:
        """Return the model with each new render's body in its post, its pages planned again (on the build date
        given), and the build's problems with the fresh ones (by kind, then source) in their places.

        The model is read back from its stored form, the new bodies put in as each post is made: a
        new Site, whose posts are new values (nothing made for the old model is taken for the new).
        """
        if self.graph is None:
            raise GraphError("the model was not stored")

        def patch(kind: type, values: list[Any]) -> list[Any]:
            if kind is Post and values[_KEY_AT] in bodies:
                rendered = bodies[values[_KEY_AT]]
                for at, name in _BODY_AT:
                    values[at] = getattr(rendered, name)
            return values

        reference, nodes, classes = self.graph
        with paused_gc():
            made = decode(nodes, classes, ALLOWED, config, patch)
            at = referred_to(reference)
            site = made[at] if type(at) is int and 0 <= at < len(made) else None
            if not isinstance(site, Site) or site.audience != self.audience:
                raise GraphError("the stored model is not a site of this audience")
            if site.audience != "journal" and any(post.visibility == "private" for post in (*site.posts, *site.pages)):
                raise GraphError("the stored public model holds a private entry")
            try:
                planned, plan_problems = plan_pages(site, today)
            except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:  # values of the wrong kind
                raise GraphError(f"the stored model cannot be planned ({exc})") from exc
        return site, planned, [*self.problems(fresh), *plan_problems]

    def problems(self, fresh: Mapping[str, Mapping[str, tuple[Problem, ...]]] | None = None) -> list[Problem]:
        """Return the problems a build of the model reports, in the order a full build does, with the fresh ones
        of some sources (by kind, then source) in the places of theirs."""
        found: list[Problem] = []
        for kind, by_source in self.sections:
            new = (fresh or {}).get(kind, {})
            for source, problems in by_source.items():
                found.extend(new.get(source, problems))
        return found

    def stored(self) -> dict[str, Any]:
        """Return the snapshot as plain data (storing its model as a graph, if not done yet)."""
        if self.graph is None:
            refs, nodes, classes = encode_all([self.site], ALLOWED)
            self.graph, self.site = (refs[0], nodes, classes), None  # patched() reads the model from the graph
        reference, nodes, classes = self.graph
        return {"format": FORMAT, "audience": self.audience, "key": self.key, "setup": self.setup,
                "token": self.token, "stamps": self.stamps, "shapes": self.shapes,
                "sections": [[kind, _plain_problems(by_source)] for kind, by_source in self.sections],
                "site": reference, "nodes": nodes, "classes": classes}


def _plain_problems(problems: Mapping[str, tuple[Problem, ...]]) -> dict[str, list[Any]]:
    """Return problems by source as plain data."""
    return {rel: [encode_problem(p) for p in found] for rel, found in problems.items()}


def _read_problems(data: Any) -> dict[str, tuple[Problem, ...]]:
    """Return the problems stored by _plain_problems."""
    if not isinstance(data, dict):
        raise TypeError("not problems by source")
    return {str(rel): tuple(decode_problem(p) for p in found) for rel, found in data.items()}


def from_stored(data: Any) -> Snapshot:
    """Return the snapshot stored by Snapshot.stored(); raise ValueError, TypeError or KeyError on a bad shape."""
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("audience") not in ("journal", "public"):
        raise ValueError("not a snapshot of this format")
    stamps = {str(rel): None if s is None else _stamp(s) for rel, s in data["stamps"].items()}
    shapes, sections = data["shapes"], data["sections"]
    if not isinstance(shapes, dict) or not isinstance(sections, list):
        raise TypeError("not shapes and problems")
    nodes, classes = data["nodes"], data["classes"]
    if not isinstance(nodes, list) or not isinstance(classes, list):
        raise TypeError("not a stored model")
    return Snapshot(str(data["key"]), str(data["setup"]), stamps, shapes,
                    [(str(kind), _read_problems(found)) for kind, found in sections], None, data["audience"],
                    str(data["token"]), (data["site"], nodes, classes))


def _stamp(value: Any) -> Stamp:
    """Return a stored stamp."""
    if not isinstance(value, list) or len(value) != 4 or not all(type(v) is int for v in value):
        raise TypeError("not a stamp")
    return (value[0], value[1], value[2], value[3])


def file_name(audience: Audience) -> str:
    """Return the name of an audience's snapshot file in the cache folder."""
    return f"model-{audience}.json"


def pending_name(audience: Audience) -> str:
    """Return the name a snapshot file is written under until its build succeeds."""
    return f".{file_name(audience)}.pending"


def prepare(snapshot: Snapshot, folder: Path) -> dict[str, Any] | None:
    """Write the snapshot beside its place, to be put there by commit() once the build succeeded; return what
    it keeps outside its file, for the cache's SIDE_NOTE (empty for the journal), or None when it was not written.

    The public snapshot's file holds its model and the names that tie it to its build, nothing else.
    """
    pending = folder / pending_name(snapshot.audience)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        data = snapshot.stored()
        side: dict[str, Any] = {}
        if snapshot.audience != "journal":
            side = {name: value for name, value in data.items() if name not in _IN_PUBLIC_FILE or name == "token"}
            data = {name: value for name, value in data.items() if name in _IN_PUBLIC_FILE}
        pending.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
        (folder / "model-journal.pickle").unlink(missing_ok=True)  # what older versions kept: never read
        return side
    except (OSError, GraphError, TypeError, ValueError, RecursionError):
        discard(folder, snapshot.audience)
        return None


def commit(folder: Path, audience: Audience = "journal") -> bool:
    """Put the prepared snapshot in its place (whole or not at all); False when it cannot be."""
    try:
        os.replace(folder / pending_name(audience), folder / file_name(audience))
        return True
    except OSError:
        return False


def discard(folder: Path, audience: Audience = "journal") -> None:
    """Remove a prepared snapshot that its build did not earn."""
    try:
        (folder / pending_name(audience)).unlink(missing_ok=True)
    except OSError:
        pass  # no cache folder to clean (a file stands in its place): nothing was prepared


def damaged(folder: Path, exc: Exception, audience: Audience = "journal") -> Problem:
    """Return the warning about a stored snapshot that cannot be read."""
    return warning(folder / file_name(audience), None,
                   f"ignored a damaged snapshot of the {'journal' if audience == 'journal' else 'public site'} "
                   f"({type(exc).__name__})", "nothing to do: this build makes a new one")


def load(folder: Path, token: str, key: str, setup: str, problems: list[Problem] | None = None,
         audience: Audience = "journal", side_note: Callable[[], Any] | None = None) -> Snapshot | None:
    """Return the snapshot named in the last-build note, if it is there and made with these settings.

    `side_note` reads what the public snapshot keeps in the cache's SIDE_NOTE. A damaged or foreign
    file is no snapshot (a warning in `problems`): the usual way makes a new one.
    """
    path = folder / file_name(audience)
    side = side_note() if side_note is not None and audience != "journal" else None
    if audience != "journal" and (not isinstance(side, dict) or side.get("token") != token):
        return None  # the notes are of another build: the file may be too
    try:
        with paused_gc():
            data = json.loads(path.read_bytes())
            if audience != "journal" and isinstance(data, dict):
                data = {**side, **{name: value for name, value in data.items() if name in _IN_PUBLIC_FILE}}
            snapshot = from_stored(data)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        if problems is not None:
            problems.append(damaged(folder, exc, audience))
        return None
    if (snapshot.token, snapshot.key, snapshot.setup, snapshot.audience) != (token, key, setup, audience):
        return None
    return snapshot


__all__ = ["FILE_NAME", "MOST_CHANGED", "PENDING_NAME", "SIDE_NOTE", "Sections", "Snapshot", "commit", "damaged",
           "discard", "file_name", "load", "pending_name", "prepare"]
