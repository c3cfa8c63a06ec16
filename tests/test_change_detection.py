"""An edit that keeps a file's size and modification time (`cp -p`, `touch -r`, `rsync -a`, `tar`) is still seen:
an incremental build after it equals a clean build byte for byte."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.incremental.builder import Builder, build
from tests.conftest import SITE_TOML, entry, snapshot

AUDIENCES = ("journal", "public")
OLD = 1_700_000_000  # a time long past: stamps of files this old are trusted


def write_old(path: Path, data: str | bytes) -> None:
    """Write a file and date it well in the past."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    os.utime(path, ns=(OLD * 10**9, OLD * 10**9))


def make_journal(root: Path) -> None:
    """Write a small journal with a template, a static file and a child theme of its own, all dated in the past."""
    write_old(root / "site.toml", SITE_TOML + 'theme = "mine"\n')
    write_old(root / "themes/mine/theme.toml", 'extends = "default"\n[card]\naccent = "#2f6f62"\n')
    write_old(root / "static/note.txt", "Keep going.\n")
    shipped = Path(__file__).resolve().parent.parent / "generator/themes/default/templates/partials/entry_card.html"
    write_old(root / "themes/mine/templates/partials/entry_card.html", shipped.read_text("utf-8"))
    for number in range(3):
        front = (f"title: Run {number}\nslug: run-{number}\ndate: 2026-03-0{number + 1}T07:00\nvisibility: public\n"
                 f"emotions: [calm]\ntags: [trail]\ndistance: 5 km")
        write_old(root / f"content/run-{number}.md", entry(front, f"Steady miles number {number}.\n"))


def clean_outputs(root: Path, scratch: Path) -> dict[str, dict[str, bytes]]:
    """Build a copy of the site's inputs from nothing; return both outputs."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("output", ".footfall-cache"))
    for audience in AUDIENCES:
        assert build(scratch, audience).ok
    return {audience: snapshot(scratch / "output" / audience) for audience in AUDIENCES}


def restore_times(path: Path, edit: str, how: str, tmp_path: Path) -> None:
    """Overwrite a file with text of the same size, then give it back its old times the way `how` says."""
    before = path.stat()
    assert len(edit.encode()) == before.st_size
    if how == "utime":
        path.write_text(edit, "utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    elif how == "cp -p":
        other = tmp_path / "elsewhere" / path.name
        other.parent.mkdir(exist_ok=True)
        other.write_text(edit, "utf-8")
        os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
        subprocess.run(["cp", "-p", str(other), str(path)], check=True)
    else:  # touch -r: the times of a reference file
        reference = tmp_path / "reference"
        shutil.copy2(path, reference)
        path.write_text(edit, "utf-8")
        subprocess.run(["touch", "-r", str(reference), str(path)], check=True)
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)


EDITS = [  # (file, old text, new text of the same size, what the output then shows)
    ("content/run-1.md", "Steady miles number 1.", "Uneven miles number 1!", "Uneven miles number 1!"),  # a body edit
    ("content/run-1.md", "title: Run 1", "title: Ran 1", "Ran 1"),  # a title-only edit
    ("content/run-1.md", "2026-03-02T07:00", "2026-03-09T07:00", "2026-03-09"),  # a date-only edit
    ("content/run-2.md", "public\nemotions: [calm]", "private\nemotions: [joy]", None),  # a visibility flip
    ("static/note.txt", "Keep going.", "Keep moving", "Keep moving"),
    ("themes/mine/theme.toml", "#2f6f62", "#6f2f62", None),  # the share cards' accent colour
    ("themes/mine/templates/partials/entry_card.html", "entry-card", "entry-tile", "entry-tile"),
    ("site.toml", "Test Journal", "Best Journal", "Best Journal"),
]


@pytest.mark.parametrize("how", ["utime", "cp -p", "touch -r"])
@pytest.mark.parametrize(("relpath", "old", "new", "shown"), EDITS, ids=[f"{e[0]}:{e[2]}" for e in EDITS])
def test_an_edit_keeping_size_and_time_is_seen(tmp_path: Path, relpath: str, old: str, new: str, shown: str | None,
                                               how: str) -> None:
    root = tmp_path / "site"
    make_journal(root)
    journal = Builder(root, "journal")  # kept in memory, as `footfall serve` keeps it
    assert journal.build().ok and build(root, "public").ok
    path = root / relpath
    text = path.read_text("utf-8")
    assert old in text and len(old.encode()) == len(new.encode())
    restore_times(path, text.replace(old, new, 1), how, tmp_path)
    if relpath.startswith("content/"):  # a new process, as `footfall build` runs, and the kept builder
        assert build(root, "journal").ok
    assert journal.build().ok and build(root, "public").ok
    expected = clean_outputs(root, tmp_path / "clean")
    for audience in AUDIENCES:
        assert snapshot(root / "output" / audience) == expected[audience], audience
    if shown is not None:
        assert any(shown.encode() in data for data in expected["journal"].values())


def test_a_stamp_with_an_unknown_part_is_never_trusted() -> None:
    from generator.incremental.scan import trusted_stamp

    start = (OLD + 100) * 10**9
    assert trusted_stamp((10, OLD * 10**9, OLD * 10**9, 1234), start) == (10, OLD * 10**9, OLD * 10**9, 1234)
    assert trusted_stamp((10, OLD * 10**9, OLD * 10**9, 0), start) is None  # no inode number: hash the bytes
    assert trusted_stamp((10, OLD * 10**9, 0, 1234), start) is None  # no change time
    assert trusted_stamp((10, OLD * 10**9, start - 1, 1234), start) is None  # changed just now
