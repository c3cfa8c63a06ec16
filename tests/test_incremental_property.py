"""Incremental builds equal clean builds byte for byte, after any sequence of edits a writer (or `cp -p`) makes.

A few examples run by default; `pytest -m long` runs many more.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.incremental.builder import Builder, build
from tests.conftest import SITE_TOML, entry, snapshot

REPO = Path(__file__).resolve().parent.parent
CARD = (REPO / "generator/themes/default/templates/partials/entry_card.html").read_text("utf-8")
TITLES = ("Quiet miles", "Heavy legs", "Harbour loop", "Rain runs")  # of one length: an edit may keep the size
BODIES = ("Easy going today.", "The hill hurt a bit", "## Splits\n\nEven, ok.",
          "Ran with Sam.\n\n::: private\nOnly mine.\n:::\n")
VISIBILITIES = ("private", "unlisted", "public")
NUMBERS = st.integers(0, 3)

operations = st.one_of(
    st.tuples(st.just("write"), NUMBERS, st.sampled_from(TITLES), st.integers(1, 4), st.sampled_from(VISIBILITIES),
              st.sampled_from(BODIES)),
    st.tuples(st.just("body"), NUMBERS, st.sampled_from(BODIES)),
    st.tuples(st.just("title"), NUMBERS, st.sampled_from(TITLES)),
    st.tuples(st.just("day"), NUMBERS, st.integers(1, 4)),
    st.tuples(st.just("visibility"), NUMBERS, st.sampled_from(VISIBILITIES)),
    st.tuples(st.just("delete"), NUMBERS),
    st.tuples(st.just("rename"), NUMBERS, NUMBERS),
    st.tuples(st.just("collide"), NUMBERS, NUMBERS),  # two entries claiming one URL: both builds fail alike
    st.tuples(st.just("photo"), NUMBERS, st.sampled_from(("p.png", "card.png", None))),
    st.tuples(st.just("static"), st.sampled_from(("Keep going.", "Keep on it", None))),
    st.tuples(st.just("theme"), st.sampled_from(("#2f6f62", "#6f2f62"))),
    st.tuples(st.just("template"), st.booleans()),
    st.tuples(st.just("per_page"), st.integers(1, 3)),
)
steps = st.lists(st.tuples(operations, st.booleans(), st.booleans()), min_size=1, max_size=6)


def _png() -> bytes:
    """Return a tiny valid PNG."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (30, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


class Journal:
    """A tiny site on disk with a child theme of its own; edits may give files back their old times."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.entries: dict[int, dict[str, object]] = {}
        self.names: dict[int, str] = {}  # file name of each entry
        self.keep_times = False  # give every file written its old times back, as `cp -p` or `touch -r` leave them
        self.write("themes/mine/theme.toml", 'extends = "default"\n[card]\naccent = "#2f6f62"\n')
        self.write("themes/mine/templates/.keep", "")
        self.write("site.toml", self.site_toml(2))

    @staticmethod
    def site_toml(per_page: int) -> str:
        """Return the site's settings."""
        return SITE_TOML.replace("per_page = 5", f"per_page = {per_page}") + 'theme = "mine"\n'

    def write(self, relpath: str, data: str | bytes) -> None:
        """Write a file; with keep_times, give it back the times it had, if it was there."""
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        before = path.stat() if path.exists() else None
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        if before is not None and self.keep_times:
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    def remove(self, relpath: str) -> None:
        """Delete a file if it is there."""
        (self.root / relpath).unlink(missing_ok=True)

    def entry_path(self, number: int) -> str:
        """Return the path of an entry's file."""
        return f"content/runs/{self.names.get(number, f'r{number}.md')}"

    def apply(self, op: tuple[object, ...]) -> None:
        """Carry out one operation."""
        kind, number, *args = op if len(op) > 1 else (*op, None)
        if kind == "write":
            title, day, visibility, body = args
            self.entries[number] = {"title": title, "day": day, "visibility": visibility, "body": body, "slug": number}
            self.write_entry(number)
        elif kind in ("body", "title", "day", "visibility") and number in self.entries:
            self.entries[number][kind] = args[0]
            self.write_entry(number)
        elif kind == "delete" and number in self.entries:
            self.remove(self.entry_path(number))
            del self.entries[number]
        elif kind == "rename" and number in self.entries:
            old = self.root / self.entry_path(number)
            self.names[number] = f"renamed-{args[0]}-{number}.md"
            os.replace(old, self.root / self.entry_path(number))
        elif kind == "collide" and number in self.entries and args[0] in self.entries and number != args[0]:
            self.entries[number].update(slug=self.entries[args[0]]["slug"], day=self.entries[args[0]]["day"])
            self.entries[number]["hour"] = number if number != args[0] else number + 1
            self.write_entry(number)
        elif kind == "photo":
            self.apply_photo(number, args[0])
        else:
            self.apply_setup(kind, number)

    def apply_photo(self, number: object, name: object) -> None:
        """Put a photo beside an entry (maybe one named as the share card is), or take them away."""
        folder = "content/runs"
        if name is None:
            for photo in ("p.png", "card.png"):
                self.remove(f"{folder}/{photo}")
        else:
            self.write(f"{folder}/{name}", PNG)
            if number in self.entries:
                self.entries[number]["photo"] = name  # type: ignore[index]
                self.write_entry(number)  # type: ignore[arg-type]

    def apply_setup(self, kind: object, value: object) -> None:
        """Change a static file, the theme's settings, a template or the site's settings."""
        if kind == "static":
            self.remove("static/note.txt") if value is None else self.write("static/note.txt", f"{value}\n")
        elif kind == "theme":
            self.write("themes/mine/theme.toml", f'extends = "default"\n[card]\naccent = "{value}"\n')
        elif kind == "template":
            path = "themes/mine/templates/partials/entry_card.html"
            self.write(path, CARD.replace("entry-card", "entry-tile")) if value else self.remove(path)
        elif kind == "per_page":
            self.write("site.toml", self.site_toml(int(value)))  # type: ignore[call-overload]

    def write_entry(self, number: int) -> None:
        """Write an entry's file from its spec."""
        spec = self.entries[number]
        photo = f"\n\n![a photo]({spec['photo']})\n" if spec.get("photo") else "\n"
        front = (f"title: {spec['title']} {number}\nslug: run-{spec['slug']}\n"
                 f"date: 2026-03-0{spec['day']}T0{spec.get('hour', number)}:00:00\nvisibility: {spec['visibility']}\n"
                 f"emotions: [calm]\ntags: [trail]\ndistance: {number + 3}.5 km")
        self.write(self.entry_path(number), entry(front, f"{spec['body']}{photo}"))


def clean_build(site: Path, scratch: Path) -> dict[str, dict[str, bytes] | None]:
    """Copy a site's inputs to a fresh folder, build both audiences there; return each output (None on failure)."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(site, scratch, ignore=shutil.ignore_patterns("output", ".footfall-cache"))
    out: dict[str, dict[str, bytes] | None] = {}
    for audience in ("journal", "public"):
        result = build(scratch, audience)
        out[audience] = snapshot(scratch / "output" / audience) if result.ok else None
    return out


def check_sequence(steps: list[tuple[tuple[object, ...], bool, bool]]) -> None:
    """Apply each step, build incrementally (a kept builder or a new process), and compare with a clean build."""
    with tempfile.TemporaryDirectory() as folder:
        site = Journal(Path(folder) / "site")
        site.apply(("write", 0, TITLES[0], 1, "public", BODIES[0]))
        kept = Builder(site.root, "journal")  # kept in memory between builds, as `footfall serve` does
        for op, keep_times, fresh in steps:
            site.keep_times = keep_times
            site.apply(op)
            before = {a: snapshot(site.root / "output" / a) for a in ("journal", "public")}
            journal = build(site.root, "journal") if fresh else kept.build()
            results = {"journal": journal, "public": build(site.root, "public")}
            expected = clean_build(site.root, Path(folder) / "clean")
            for audience, result in results.items():
                assert result.ok == (expected[audience] is not None), (op, audience, result.problems)
                after = snapshot(site.root / "output" / audience)
                assert after == (expected[audience] if result.ok else before[audience]), (op, audience)


@pytest.fixture(autouse=True)
def _trusted(trust_stamps_at_once: None) -> None:
    """Trust stamps at once (see conftest): the short ways are taken, and must still see every edit."""


HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]


@settings(max_examples=4, deadline=None, suppress_health_check=HEALTH)
@given(steps)
def test_incremental_builds_equal_clean_builds(sequence: list[tuple[tuple[object, ...], bool, bool]]) -> None:
    check_sequence(sequence)


@pytest.mark.long
@settings(max_examples=150, deadline=None, suppress_health_check=HEALTH)
@given(steps)
def test_incremental_builds_equal_clean_builds_long(sequence: list[tuple[tuple[object, ...], bool, bool]]) -> None:
    check_sequence(sequence)
