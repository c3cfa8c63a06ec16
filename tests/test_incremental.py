"""Incremental builds: any sequence of edits ends byte-identical to a clean build; only what changed is redone."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import jinja2

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from generator.incremental.builder import Builder, build
from generator.cli import ProgressBar
from generator.incremental.readlog import ReadLog, resolve
from generator.pipeline.entries import SourceFile, discover
from generator.incremental.page_digests import watch_values
from generator.incremental.store import read_ahead
from tests.conftest import SITE_TOML, entry, snapshot

REPO = Path(__file__).resolve().parent.parent
CARD = (REPO / "generator/themes/default/templates/partials/entry_card.html").read_text("utf-8")
def _png() -> bytes:
    """Return a tiny valid PNG (the public build decodes images to strip their metadata)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (30, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()

# --- the hypothesis model: a tiny site and random edits to it ------------------------------

TITLES = ("Quiet miles", "Heavy legs", "Harbour loop", "Rain run")
EMOTIONS = ("calm", "Grief", "joy", "tired")
TAGS = ("trail", "long run", "easy")
BODIES = ("Easy going today.", "The hill hurt.\n\nThen it did not.", "## Splits\n\nEven, mostly.",
          "Ran with Sam.\n\n::: private\nA thing only I should read.\n:::\n")
VISIBILITIES = ("private", "unlisted", "public")

entries = st.fixed_dictionaries({
    "title": st.sampled_from(TITLES), "day": st.integers(1, 4), "visibility": st.sampled_from(VISIBILITIES),
    "emotions": st.lists(st.sampled_from(EMOTIONS), max_size=2, unique=True),
    "tags": st.lists(st.sampled_from(TAGS), max_size=2, unique=True),
    "body": st.sampled_from(BODIES), "picture": st.booleans(),
})
operations = st.one_of(
    st.tuples(st.just("write"), st.integers(0, 3), entries),
    st.tuples(st.just("delete"), st.integers(0, 3)),
    st.tuples(st.just("visibility"), st.integers(0, 3), st.sampled_from(VISIBILITIES)),
    st.tuples(st.just("body"), st.integers(0, 3), st.sampled_from(BODIES)),  # the short way: a patched snapshot
    st.tuples(st.just("image"), st.integers(0, 1), st.booleans()),
    st.tuples(st.just("page"), st.sampled_from((None, *VISIBILITIES))),
    st.tuples(st.just("template"), st.booleans()),
    st.tuples(st.just("per_page"), st.integers(1, 3)),
    st.tuples(st.just("break"), st.integers(0, 3)),
)


class EditableSite:
    """A tiny site on disk that operations change; every write gets a new, old-enough file time."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.entries: dict[int, dict[str, object]] = {}
        self.clock = 1_700_000_000
        self.write("site.toml", SITE_TOML.replace("per_page = 5", "per_page = 2"))

    def write(self, relpath: str, data: str | bytes) -> None:
        """Write a file and give it a unique modification time in the past."""
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        self.clock += 1
        os.utime(path, (self.clock, self.clock))

    def remove(self, relpath: str) -> None:
        """Delete a file if it is there."""
        (self.root / relpath).unlink(missing_ok=True)

    def apply(self, op: tuple[object, ...]) -> None:
        """Carry out one operation."""
        kind, *args = op
        if kind == "write":
            number, spec = args
            self.entries[number] = dict(spec)
            self.write(f"content/runs/r{number}.md", self.entry_text(number))
        elif kind == "delete":
            self.entries.pop(args[0], None)
            self.remove(f"content/runs/r{args[0]}.md")
        elif kind in ("visibility", "body") and args[0] in self.entries:
            self.entries[args[0]][kind] = args[1]
            self.write(f"content/runs/r{args[0]}.md", self.entry_text(args[0]))
        elif kind == "image":
            self.write(f"content/runs/p{args[0]}.png", PNG) if args[1] else self.remove(f"content/runs/p{args[0]}.png")
        elif kind == "page":
            self.remove("content/pages/about.md") if args[0] is None else self.write(
                "content/pages/about.md", entry(f"title: About\nslug: about\nvisibility: {args[0]}", "Who runs here.\n"))
        elif kind == "template":
            path = "templates/partials/entry_card.html"
            self.write(path, CARD.replace("entry-card", "entry-card tweaked")) if args[0] else self.remove(path)
        elif kind == "per_page":
            self.write("site.toml", SITE_TOML.replace("per_page = 5", f"per_page = {args[0]}"))
        elif kind == "break":
            self.write(f"content/runs/r{args[0]}.md", "---\ntitle: [unclosed\ndate: 2026-03-01\n---\nBroken.\n")
            self.entries.pop(args[0], None)

    def entry_text(self, number: int) -> str:
        """Return the file text of an entry from its spec."""
        spec = self.entries[number]
        body = str(spec["body"]) + (f"\n\n![a photo](p{number}.png)\n" if spec["picture"] else "\n")
        front = (f"title: {spec['title']} {number}\nslug: run-{number}\ndate: 2026-03-0{spec['day']}T0{number}:00:00\n"
                 f"visibility: {spec['visibility']}\nemotions: {list(spec['emotions'])}\ntags: {list(spec['tags'])}\n"
                 f"distance: {number + 3}.5 km")
        return entry(front, body)


def clean_build(site: Path, scratch: Path) -> dict[str, dict[str, bytes] | None]:
    """Copy a site's inputs to a fresh folder, build both audiences there, return each output (None on failure)."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    for name in ("site.toml", "content", "templates", "static", "published-urls.txt"):  # the URL ledger is the site's
        source = site / name
        if source.is_dir():
            shutil.copytree(source, scratch / name)
        elif source.is_file():
            shutil.copy2(source, scratch / name)
    out: dict[str, dict[str, bytes] | None] = {}
    for audience in ("journal", "public"):
        result = build(scratch, audience)
        out[audience] = snapshot(scratch / "output" / audience) if result.ok else None
    return out


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=1, max_size=5))
def test_any_sequence_of_edits_matches_a_clean_build(ops: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = EditableSite(Path(folder) / "site")
        site.apply(("write", 0, {"title": "Quiet miles", "day": 1, "visibility": "public", "emotions": ["calm"],
                                 "tags": ["trail"], "body": BODIES[0], "picture": True}))
        journal = Builder(site.root, "journal")  # kept in memory between builds, as `footfall serve` does
        for op in ops:
            site.apply(op)
            before = {a: snapshot(site.root / "output" / a) for a in ("journal", "public")}
            results = {"journal": journal.build(), "public": build(site.root, "public")}  # public: a fresh process' view
            expected = clean_build(site.root, Path(folder) / "clean")
            for audience, result in results.items():
                assert result.ok == (expected[audience] is not None), (op, result.problems)
                after = snapshot(site.root / "output" / audience)
                assert after == (expected[audience] if result.ok else before[audience]), (op, audience)


# --- dependency tracking ------------------------------------------------------------------

def journal_of(count: int) -> dict[str, str]:
    """Return the files of a journal with `count` public entries over a few tags and emotions."""
    files = {}
    for number in range(count):
        front = (f"title: Run number {number:03d}\nslug: run-number-{number:03d}\ndate: 2025-{1 + number % 12:02d}-{1 + number % 28:02d}T07:{number % 60:02d}:00\n"
                 f"visibility: public\nemotions: [{EMOTIONS[number % 4]}]\ntags: [{TAGS[number % 3]}]\ndistance: 5 km")
        files[f"content/{number:03d}.md"] = entry(front, f"First paragraph of run {number}.\n\nMore words.\n")
    return files


def files_containing(folder: Path, text: str) -> set[str]:
    """Return the output files whose bytes contain some text."""
    return {rel for rel, data in snapshot(folder).items() if text.encode() in data}


def test_one_edited_entry_of_200_rewrites_only_the_pages_that_show_it(make_site) -> None:
    site = make_site(journal_of(200))
    first = build(site, "public")
    assert first.ok and first.rendered == first.pages
    out = site / "output/public"
    source = site / "content/137.md"

    source.write_text(source.read_text() + "\nA new closing line.\n")
    body_edit = build(site, "public")
    pages = [path for path in body_edit.changed  # feeds hold full text, the search index the page's words
             if not path.endswith(("feed.xml", "feed.json")) and not path.startswith("pagefind/")]
    assert len(pages) == 1 and pages[0].endswith("/run-number-137/index.html"), body_edit.changed
    assert any(path.endswith(".pf_fragment") for path in body_edit.changed)
    assert body_edit.parsed == 1 and body_edit.rendered < 15, body_edit.rendered

    showing = files_containing(out, "Run number 137")
    source.write_text(source.read_text().replace("title: Run number 137", "title: Renamed run"))
    retitled = build(site, "public")
    card = "2025/06/26/run-number-137/card.png"  # the title is drawn on it, not written in it
    index = {path for path in retitled.changed if path.startswith("pagefind/")}  # compressed: no plain title
    assert set(retitled.changed) - index == showing | {card} and 6 <= len(showing) <= 15, sorted(showing)
    written_index = [path for path in index if (out / path).exists()]  # the others were removed
    assert retitled.rendered < 25 and retitled.written == len(showing) + 1 + len(written_index)
    assert files_containing(out, "Renamed run") == showing

    unchanged = build(site, "public")
    assert unchanged.changed == [] and unchanged.rendered == 0 and unchanged.written == 0


def test_unchanged_files_keep_their_bytes_and_times(make_site) -> None:
    site = make_site(journal_of(12))
    assert build(site, "journal").ok
    out = site / "output/journal"
    times = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    (site / "content/003.md").write_text((site / "content/003.md").read_text() + "\nOne more line.\n")
    result = build(site, "journal")
    changed = {p.relative_to(out).as_posix() for p in times if p.exists() and p.stat().st_mtime_ns != times[p]}
    assert changed == {p for p in result.changed if p in changed}  # plus the index files made anew
    assert [p for p in changed if not p.startswith("pagefind/")] == ["2025/04/04/run-number-003/index.html"]


def test_a_newly_private_or_deleted_entry_leaves_no_trace(make_site) -> None:
    site = make_site(journal_of(30))
    source = site / "content/017.md"
    source.write_text(source.read_text().replace("emotions: [", "emotions: [quibblewarm, ").replace(
        "tags: [", "tags: [zorrowick, ").replace("More words.", "The word brindlecastle."))
    assert build(site, "public").ok
    out = site / "output/public"
    canaries = ("Run number 017", "run-number-017", "quibblewarm", "zorrowick", "brindlecastle")
    assert all(files_containing(out, word) for word in canaries)
    source.write_text(source.read_text().replace("visibility: public", "visibility: private"))
    assert build(site, "public").ok
    assert not any(files_containing(out, word) or [p for p in snapshot(out) if word in p] for word in canaries)
    assert not [p for p in snapshot(out) if "run-number-017" in p]
    (site / "content/018.md").unlink()
    assert build(site, "public").ok
    assert not files_containing(out, "Run number 018") and not [p for p in snapshot(out) if "run-number-018" in p]


def test_a_template_edit_rerenders_the_pages_that_use_it(make_site) -> None:
    site = make_site({**journal_of(15), "templates/partials/entry_card.html": CARD})
    first = build(site, "journal")
    card = site / "templates/partials/entry_card.html"
    card.write_text(CARD.replace('class="entry-card"', 'class="entry-card edited"'))
    result = build(site, "journal")
    users = files_containing(site / "output/journal", 'class="entry-card edited"')
    assert set(result.changed) == users and users
    assert result.rendered < first.pages / 2, "entry pages do not use the card and must not be rendered"
    assert not any(p.count("/") == 4 and "run-number" in p for p in result.changed)


def test_compiled_templates_are_kept_in_the_users_cache_and_never_stand_for_a_changed_one(
        make_site, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    kept = tmp_path / "user-cache/footfall/templates"
    site = make_site({**journal_of(6), "templates/partials/entry_card.html": CARD})
    assert build(site, "journal").ok
    compiled = list(kept.glob("*/*.cache"))
    assert compiled, "a build keeps its compiled templates for the next process"
    assert not (site / ".footfall-cache/templates").exists()  # code never goes into the site's own cache
    card = site / "templates/partials/entry_card.html"
    card.write_text(CARD.replace('class="entry-card"', 'class="entry-card edited"'))
    assert build(site, "journal").ok  # a new process would find the old compiled card: Jinja checks its source
    assert files_containing(site / "output/journal", 'class="entry-card edited"')
    for path in kept.glob("*/*.cache"):
        path.write_bytes(b"not compiled code")
    shutil.rmtree(site / "output")
    assert build(site, "journal").ok
    assert files_containing(site / "output/journal", 'class="entry-card edited"')


def test_a_broken_or_missing_cache_counts_as_empty_with_a_warning(make_site) -> None:
    site = make_site(journal_of(8))
    assert build(site, "journal").ok
    good = snapshot(site / "output/journal")
    cache = site / ".footfall-cache/cache.sqlite"
    for wal in cache.parent.glob("cache.sqlite-*"):
        wal.unlink()
    cache.write_bytes(b"this is not a database" * 100)
    result = build(site, "journal")
    assert result.ok and snapshot(site / "output/journal") == good
    assert any("cache" in p.message and p.severity == "warning" for p in result.problems)
    again = build(site, "journal")
    assert again.ok and not [p for p in again.problems if "cache" in p.message]

    with sqlite3.connect(cache) as db:
        db.execute("UPDATE records SET data = '[1, 2'")
    shutil.rmtree(site / "output")
    damaged = build(site, "journal")
    assert damaged.ok and snapshot(site / "output/journal") == good

    shutil.rmtree(site / ".footfall-cache")
    (site / ".footfall-cache").write_text("a file where the cache folder goes")
    blocked = build(site, "journal")
    assert blocked.ok and snapshot(site / "output/journal") == good
    assert any("cache" in p.message for p in blocked.problems)


def test_an_image_added_after_the_entry_is_picked_up(make_site, tmp_path: Path) -> None:
    site = make_site({"content/a.md": entry("title: A\ndate: 2026-03-01\nvisibility: public", "![x](pic.png)\n")})
    missing = build(site, "public")
    assert any("pic.png" in p.message for p in missing.problems)
    (site / "content/pic.png").write_bytes(PNG)
    found = build(site, "public")
    assert not any("pic.png" in p.message for p in found.problems)
    assert snapshot(site / "output/public") == clean_build(site, tmp_path / "clean")["public"]
    (site / "content/pic.png").unlink()
    assert build(site, "public").ok
    assert snapshot(site / "output/public") == clean_build(site, tmp_path / "clean")["public"]


def test_a_failed_build_leaves_output_and_cache_as_they_were(make_site) -> None:
    site = make_site(journal_of(6))
    assert build(site, "journal").ok
    good = snapshot(site / "output/journal")
    (site / "content/002.md").write_text("---\ntitle: [broken\n---\n")
    failed = build(site, "journal")
    assert not failed.ok and snapshot(site / "output/journal") == good
    (site / "content/002.md").write_text(journal_of(6)["content/002.md"])
    fixed = build(site, "journal")
    assert fixed.ok and snapshot(site / "output/journal") == good


def test_a_noop_build_restores_a_deleted_or_edited_output_file(make_site) -> None:
    site = make_site(journal_of(6))
    assert build(site, "journal").ok
    good = snapshot(site / "output/journal")
    (site / "output/journal/index.html").unlink()
    (site / "output/journal/archive/index.html").write_text("scribbled over")
    (site / "output/journal/stray.txt").write_text("not ours")
    result = build(site, "journal")
    assert snapshot(site / "output/journal") == good
    assert set(result.changed) == {"index.html", "archive/index.html", "stray.txt"}


def test_entries_parse_and_render_in_a_process_pool(make_site, tmp_path: Path) -> None:
    site = make_site(journal_of(10))
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = build(site, "journal", mapper=pool.map)
    assert pooled.ok and pooled.parsed == 10
    expected = clean_build(site, tmp_path / "clean")
    assert snapshot(site / "output/journal") == expected["journal"]


def test_files_with_the_recorded_stamp_are_not_read_again(make_site, trust_stamps_at_once) -> None:
    site = make_site(journal_of(5))
    for path in (site / "content").iterdir():
        os.utime(path, (1_700_000_000, 1_700_000_000))
    builder = Builder(site, "journal")
    first = builder.build()
    assert first.ok and first.parsed == 5 and first.rendered == first.pages
    again = Builder(site, "journal").build()
    assert again.ok and again.parsed == 0
    source = site / "content/001.md"
    source.write_text(source.read_text().replace("First paragraph", "Other paragraph"))
    os.utime(source, (1_700_000_000, 1_700_000_000))  # same size, same time: the change time tells it changed
    second = Builder(site, "journal").build()
    assert second.ok and second.parsed == 1 and 0 < second.rendered < first.pages
    assert "Other paragraph of run 1." in (site / "output/journal/index.html").read_text()
    os.utime(source, (1_700_000_100, 1_700_000_100))  # a new time, the same bytes: no page is made again
    third = Builder(site, "journal").build()
    assert third.ok and third.parsed <= 1 and third.rendered == 0  # (the snapshot's way parses what changed since)


def test_an_entry_gone_before_it_is_read_is_an_error_naming_it(make_site, monkeypatch) -> None:
    """A file listed but gone (removed while the build starts) is reported, never a traceback."""
    site = make_site(journal_of(3))

    def discover_with_a_ghost(folder: Path) -> list[SourceFile]:
        return [*discover(folder), SourceFile(folder / "gone.md", "gone.md")]

    monkeypatch.setattr("generator.incremental.builder.discover", discover_with_a_ghost)
    result = Builder(site, "journal").build()
    assert [(p.path.name, p.message) for p in result.problems if p.path is not None and p.path.name == "gone.md"] == \
        [("gone.md", "cannot read the file: No such file or directory")]
    assert not result.ok


def test_reading_ahead_passes_over_files_that_are_gone(tmp_path: Path) -> None:
    """Asking the system to read entries ahead is a hint: a missing file is left to the parse to report."""
    present = tmp_path / "run.md"
    present.write_text("---\ntitle: A run\n---\nText.\n", "utf-8")
    read_ahead([tmp_path / "gone.md", present, tmp_path])
    assert present.read_text("utf-8").startswith("---")


def test_big_builds_show_a_progress_bar_in_a_terminal_only() -> None:
    screen = io.StringIO()
    bar = ProgressBar(Console(file=screen, force_terminal=True, width=100))
    bar("Rendering pages", 1, 300)
    assert bar.bar is not None
    bar("Rendering pages", 300, 300)
    assert bar.bar is None and "Rendering pages" in screen.getvalue()
    small = ProgressBar(Console(file=io.StringIO(), force_terminal=True))
    small("Rendering pages", 1, 50)
    piped = ProgressBar(Console(file=io.StringIO(), force_terminal=False))
    piped("Rendering pages", 1, 300)
    assert small.bar is None and piped.bar is None


def test_the_build_command_prints_a_one_line_summary(make_site, run_cli) -> None:
    site = make_site(journal_of(3))
    first = run_cli("build", "--journal", "--site", str(site))
    assert "Built journal: 3 entries" in first.output and "files written" in first.output
    again = run_cli("build", "--journal", "--site", str(site), "--profile")
    assert "0 files written" in again.output and "parsed 0 files" in again.output
    assert "rendered 0 pages" in again.output


@dataclass(frozen=True, slots=True)
class Item:
    """A model value for the read-tracking tests (its tuple field makes it watched field by field)."""

    name: str
    size: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Label:
    """A small model value of plain fields only: noted whole, like a link or an emotion chip."""

    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Box:
    """A model value holding others."""

    title: str
    items: tuple[Item, ...]
    inner: Item | None


def test_stand_ins_note_exactly_what_a_template_reads() -> None:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    template = env.from_string("{{ box.title }} {{ box.items | length }}{% if box.inner is none %} none{% endif %}"
                               "{% for item in pick.items %} {{ item.name }}{% endfor %}")
    box = Box("Runs", (Item("a", 1), Item("b", 2)), None)
    log = ReadLog()
    watched = log.watch(box, "box")
    assert isinstance(watched, Box) and watched == box
    log = ReadLog()
    text = template.render(box=log.watch(box, "box"), pick=log.watch(box, "pick"))
    assert text == "Runs 2 none a b"
    assert log.paths == {"box!", "box.title", "box.items!", "box.items#len", "box.inner",
                         "pick!", "pick.items!", "pick.items#len", "pick.items[]!", "pick.items[].name"}
    other = Box("Runs", (Item("a", 1), Item("c", 9)), None)
    changed = {p for p in log.paths if resolve({"box": box, "pick": box}, p) != resolve({"box": other, "pick": other}, p)}
    assert changed == {"pick.items[].name"}, "the length and title did not change; the names looped over did"
    assert resolve({"box": box}, "box.items[].name") == ("a", "b")
    assert resolve({"box": other}, "box.items[].size") == (1, 9)
    unsized = Box("Runs", (Item("a", 5), Item("b", 6)), None)
    assert resolve({"box": box}, "box.items[].name") == resolve({"box": unsized}, "box.items[].name")
    assert resolve({"box": Box("x", (), Item("z", 0))}, "box.inner") == Item("z", 0)
    assert resolve({"box": box}, "box.missing") == "<missing>" and resolve({"box": box}, "box!") == "<Box>"


def test_small_values_of_plain_fields_are_noted_whole() -> None:
    template = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(
        "{% for label in labels %}{{ label.name }} {% endfor %}{{ first.name }}")
    labels = (Label("calm", "/emotions/calm/"), Label("tired", "/emotions/tired/"))
    log = ReadLog()
    assert template.render(labels=log.watch(labels, "labels"), first=log.watch(labels[0], "first")) == "calm tired calm"
    assert log.paths == {"labels!", "labels#len", "labels[]", "first"}
    moved = (Label("calm", "/feelings/calm/"), labels[1])
    changed = {p for p in log.paths if resolve({"labels": labels, "first": labels[0]}, p)
               != resolve({"labels": moved, "first": moved[0]}, p)}
    assert changed == {"labels[]", "first"}, "a page that shows a label's name depends on all of the label"


def test_a_pages_self_contained_value_is_given_as_it_is_and_noted_whole() -> None:
    """A page's own value of plain fields and tuples of small values (an entry's post) is not watched field by field."""
    item, box = Item("a", 1, ("x",)), Box("Runs", (Item("a", 1),), None)
    log = ReadLog()
    values = watch_values({"item": item, "box": box, "title": "Runs"}, log)
    assert values["item"] is item and values["title"] == "Runs"
    assert log.paths == {"item=", "box!"}, "a value holding values of its own (a term's posts) is watched"
    assert resolve({"item": item}, "item=") == item


def test_template_references_found_once_serve_later_runs(make_site) -> None:
    """The templates a template pulls in are found by parsing it once; later runs reuse that, until it changes."""
    site = make_site({**journal_of(6), "templates/partials/entry_card.html": CARD})
    assert build(site, "journal").ok
    card = site / "templates/partials/entry_card.html"
    card.write_text(CARD + '{% include "partials/signature.html" %}')
    (site / "templates/partials/signature.html").write_text("<p class=signature>Written on the run.</p>")
    assert build(site, "journal").ok
    assert files_containing(site / "output/journal", "Written on the run.")
    (site / "templates/partials/signature.html").write_text("<p class=signature>Written after the run.</p>")
    result = build(site, "journal")  # the card's references come from the last run: the new include is known
    assert result.ok and files_containing(site / "output/journal", "Written after the run.")
    assert not files_containing(site / "output/journal", "Written on the run.")
