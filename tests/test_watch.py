"""Watching: which changed paths need a rebuild, and how bursts of editor saves become one batch."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from generator.dev.watch import ChangeKind, Debouncer, Watcher, classify, is_temp_name

ROOT = Path("/sites/journal")
SHIPPED = Path("/opt/footfall/themes/default")


@pytest.mark.parametrize(("relpath", "kind"), [
    ("content/2026/03/old-house.md", ChangeKind.CONTENT),
    ("content/2026/03/photo.jpg", ChangeKind.CONTENT),
    ("content/pages/about.md", ChangeKind.CONTENT),
    ("content", ChangeKind.CONTENT),
    ("site.toml", ChangeKind.CONFIG),
    ("templates/entry.html", ChangeKind.TEMPLATE),
    ("templates/partials/chips.html", ChangeKind.TEMPLATE),
    ("static/css/extra.css", ChangeKind.STATIC),
    ("themes/quiet/templates/base.html", ChangeKind.TEMPLATE),
    ("themes/quiet/static/site.css", ChangeKind.STATIC),
    ("themes/quiet/theme.toml", ChangeKind.THEME),
], ids=lambda value: str(value))
def test_inputs_are_classified(relpath: str, kind: ChangeKind) -> None:
    assert classify(ROOT / relpath, ROOT) is kind


@pytest.mark.parametrize("relpath", [
    "output/journal/index.html", ".footfall-cache/cache.sqlite", ".footfall-cache/cache.sqlite-wal",
    ".git/index", "content/.hidden.md", "content/.obsidian/workspace.json", "README.md", "notes/todo.md",
    "content/2026/.old-house.md.swp", "content/2026/.old-house.md.swx", "content/2026/old-house.md~",
    "content/2026/.#old-house.md", "content/2026/#old-house.md#", "content/2026/4913",
    "templates/base.html.tmp", "content/2026/old-house.md___jb_tmp___", "content/2026/old-house.md___jb_old___",
    "content/.goutputstream-QX12Z", "content/.~lock.notes.odt#", "content/.DS_Store", "content/2026/old-house.md.bak",
    "site.toml~", "/elsewhere/content/a.md",
], ids=lambda value: str(value))
def test_editor_temporary_files_and_output_are_ignored(relpath: str) -> None:
    assert classify(ROOT / relpath, ROOT) is None


def test_a_theme_outside_the_site_is_classified_by_its_folders() -> None:
    assert classify(SHIPPED / "templates/base.html", ROOT, (SHIPPED,)) is ChangeKind.TEMPLATE
    assert classify(SHIPPED / "static/css/footfall.css", ROOT, (SHIPPED,)) is ChangeKind.STATIC
    assert classify(SHIPPED / "theme.toml", ROOT, (SHIPPED,)) is ChangeKind.THEME
    assert classify(SHIPPED / "templates/.base.html.swp", ROOT, (SHIPPED,)) is None
    assert classify(Path("/opt/footfall/themes/other/theme.toml"), ROOT, (SHIPPED,)) is None


def test_temporary_names() -> None:
    assert all(map(is_temp_name, [".a.md.swp", "a.md~", ".#a.md", "#a.md#", "4913", "a.tmp", "a.md.orig"]))
    assert not any(map(is_temp_name, ["a.md", "4914", "photo.jpg", "swp.md", "notes.temp.md"]))


def test_a_burst_of_saves_becomes_one_batch_after_a_quiet_moment() -> None:
    debouncer = Debouncer(quiet=0.2, longest=2.0)
    assert debouncer.wait(0.0) is None and debouncer.take(0.0) is None
    path = ROOT / "content/a.md"
    debouncer.add(path, ChangeKind.CONTENT, 10.0)
    debouncer.add(path, ChangeKind.CONTENT, 10.05)
    debouncer.add(ROOT / "content/b.md", ChangeKind.CONTENT, 10.1)
    assert debouncer.wait(10.15) == pytest.approx(0.15)
    assert debouncer.take(10.25) is None
    batch = debouncer.take(10.3)
    assert batch == {path: ChangeKind.CONTENT, ROOT / "content/b.md": ChangeKind.CONTENT}
    assert debouncer.take(10.4) is None and debouncer.wait(10.4) is None


def test_a_stream_of_changes_is_handed_over_at_the_longest_wait() -> None:
    debouncer = Debouncer(quiet=0.2, longest=1.0)
    for step in range(20):
        debouncer.add(ROOT / f"content/{step}.md", ChangeKind.CONTENT, 5.0 + step * 0.1)
        if step < 9:
            assert debouncer.take(5.0 + step * 0.1) is None
    assert debouncer.wait(5.95) == pytest.approx(0.05)
    assert debouncer.take(6.0) is not None


def test_the_watcher_reports_a_save_once_and_ignores_swap_files(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    batches: list[dict[Path, ChangeKind]] = []
    arrived = threading.Event()

    def collect(batch: dict[Path, ChangeKind]) -> None:
        batches.append(batch)
        arrived.set()

    watcher = Watcher(tmp_path, collect, quiet=0.3)
    watcher.watch([tmp_path / "content"])
    watcher.start()
    try:
        (tmp_path / "content/.a.md.swp").write_text("swap")
        (tmp_path / "content/a.md.tmp").write_text("---\ndate: 2026-03-01\n---\nHi\n")
        (tmp_path / "content/a.md.tmp").rename(tmp_path / "content/a.md")  # an atomic save
        (tmp_path / "content/.a.md.swp").unlink()
        assert arrived.wait(timeout=10)
        (tmp_path / "output").mkdir()
        (tmp_path / "output/index.html").write_text("built")
    finally:
        watcher.stop()
    assert batches[0] == {tmp_path.resolve() / "content/a.md": ChangeKind.CONTENT}
    assert len(batches) == 1


def test_a_lock_file_and_a_name_that_is_not_utf8_never_stop_the_watch(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    batches: list[dict[Path, ChangeKind]] = []
    arrived = threading.Event()

    def collect(batch: dict[Path, ChangeKind]) -> None:
        batches.append(batch)
        if any(p.name == "b.md" for p in batch):
            arrived.set()

    watcher = Watcher(tmp_path, collect, quiet=0.3)
    watcher.watch([tmp_path / "content"])
    watcher.start()
    try:
        (tmp_path / "content/.#a.md").symlink_to("runner@laptop.1234:1712345678")  # an editor's lock file
        with open(os.fsencode(tmp_path / "content") + b"/caf\xe9.md", "w") as odd:
            odd.write("latin-1 name")
        (tmp_path / "content/b.md").write_text("---\ndate: 2026-03-01\n---\nHi\n")
        assert arrived.wait(timeout=10)
    finally:
        watcher.stop()
    changed = {p.name for batch in batches for p in batch}
    assert "b.md" in changed and ".#a.md" not in changed
