"""What a snapshot is made of, and what a body edit brings to it: the parts of the quick way through a build.

A full build that made its model keeps it as a snapshot (snapshot.py) with the problems it found,
each kind by source in the order the build reported them. A later build whose changes are body edits
parses the changed sources and brings their new renders (for the public site, with its images made
safe as a full build makes them) and their own problems in the places of the old ones. For the public
site, a private source brings no render: the public model holds no post of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from generator.config import SiteConfig
from generator.errors import Problem
from generator.incremental.changes import Shapes
from generator.incremental.records import EntryRecord, Stamp
from generator.incremental.scan import trusted_stamp
from generator.incremental.snapshot import Sections, Snapshot
from generator.pipeline.entries import Entry
from generator.pipeline.inputs import public_images_by_entry
from generator.pipeline.markdown import Audience, Rendered
from generator.pipeline.placeholders import entry_problems, is_shared, placeholder_problems
from generator.pipeline.result import BuildResult
from generator.pipeline.site import Site

SITE = ""  # the source of the problems found over the whole site (URLs, unknown emotions, recordings)


def placeholder_parts(entries: Iterable[Entry], cfg: SiteConfig) -> dict[str, tuple[Problem, ...]]:
    """Return the public build's placeholder problems by source, in placeholder_problems() order: the site's
    own (its base_url) first, then each shared entry's template text."""
    parts = {SITE: tuple(placeholder_problems(cfg, ()))}
    parts.update((entry.rel, tuple(entry_problems(entry))) for entry in entries if is_shared(entry))
    return parts


def sections(records: Iterable[EntryRecord], model: list[Problem], renders: Mapping[str, Rendered],
             public: tuple[Mapping[str, tuple[Problem, ...]], Mapping[str, tuple[Problem, ...]], list[Problem]] | None
             ) -> Sections:
    """Return a full build's problems as a snapshot keeps them, in the order the build reports them.

    `public` is the public build's own: its placeholder problems and image problems by source, and the
    recordings' problems.
    """
    found: Sections = [("records", {r.rel: r.problems for r in records}), ("model", {SITE: tuple(model)})]
    if public is not None:
        found.append(("placeholders", dict(public[0])))
    found.append(("renders", {rel: item.problems for rel, item in renders.items()}))
    if public is not None:
        found.extend([("images", dict(public[1])), ("routes", {SITE: tuple(public[2])})])
    return found


def snapshot_of(key: str, setup: str, scanned: Mapping[str, Stamp], start_ns: int, shapes: Shapes,
                found: Sections, site: Site) -> Snapshot:
    """Return the snapshot of a build's model, with the stamps of its sources that can be trusted."""
    stamps = {rel: trusted_stamp(stamp, start_ns) for rel, stamp in scanned.items()}
    return Snapshot(key, setup, stamps, shapes, found, site, site.audience)


def fresh_parts(records: Mapping[str, EntryRecord], audience: Audience, images_dir: Path, result: BuildResult
                ) -> tuple[dict[str, Rendered], dict[str, dict[str, tuple[Problem, ...]]]]:
    """Return the renders of the changed sources this audience sees, as the model shows them, and each source's
    problems by kind."""
    bodies: dict[str, Rendered] = {}
    fresh: dict[str, dict[str, tuple[Problem, ...]]] = {"records": {}, "placeholders": {}, "renders": {}, "images": {}}
    for rel, record in records.items():
        fresh["records"][rel] = record.problems
        rendered = record.rendered(audience)
        if record.entry is None or rendered is None:
            continue
        fresh["renders"][rel] = rendered.problems
        if audience == "public":
            fresh["placeholders"][rel] = tuple(entry_problems(record.entry))
            safe, problems = public_images_by_entry((record.entry,), {rel: rendered}, images_dir, result)
            rendered, fresh["images"][rel] = safe[rel], problems[rel]
        bodies[rel] = rendered
    return bodies, fresh


def assets_present(site: Site) -> bool:
    """Return True when every file the model's posts show beside them is still there (a resized image kept in
    the cache when the model was made may have been removed since)."""
    return all(asset.source.is_file() for post in (*site.posts, *site.pages) for asset in post.assets)
