"""Tests for forked workers: the parallel path gives the same bytes as the serial one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.incremental import parallel
from generator.incremental import snapshot as snapshots
from generator.incremental.builder import build
from tests.conftest import entry, snapshot

EMOTIONS = ("calm", "tired", "joy", "hopeful")


def mixed_journal(count: int) -> dict[str, str]:
    """Return the files of a journal with public, unlisted and private entries over a few tags and emotions."""
    files = {}
    for number in range(count):
        visibility = ("public", "unlisted", "private")[number % 3]
        front = (f"title: Run {number:03d}\nslug: run-{number:03d}\ndate: 2025-{1 + number % 12:02d}-"
                 f"{1 + number % 28:02d}T07:{number % 60:02d}:00\nvisibility: {visibility}\n"
                 f"emotions: [{EMOTIONS[number % 4]}]\ntags: [hills, tag{number % 5}]\ndistance: {3 + number % 9} km")
        body = f"First *paragraph* of run {number}.\n\n## Notes\n\n- one\n- two\n\nA [link](https://example.org/{number}).\n"
        files[f"content/2025/{number:03d}.md"] = entry(front, body)
    return files


def force(monkeypatch: pytest.MonkeyPatch, forked: bool) -> list[int]:
    """Make every job of two items or more run in two forked workers (or none); return the forked job sizes."""
    sizes: list[int] = []
    real = parallel._forked

    def spy(job, count, processes, meanwhile=None, in_order=False):  # type: ignore[no-untyped-def]
        sizes.append(count)
        return real(job, count, processes, meanwhile, in_order)

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2 if forked else 10**9)
    monkeypatch.setattr(parallel, "workers", lambda: 2)
    monkeypatch.setattr(parallel, "SMALLEST_CHUNK", 1)  # many small chunks, as a big build has
    monkeypatch.setattr(parallel, "_forked", spy)
    return sizes


@pytest.mark.parametrize("audience", ["journal", "public"])
def test_forked_and_serial_builds_write_the_same_bytes(make_site, tmp_path: Path, monkeypatch, audience,
                                                      trust_stamps_at_once) -> None:
    files = mixed_journal(24)
    serial_site, forked_site = make_site(files), tmp_path / "forked"
    force(monkeypatch, forked=False)
    assert build(serial_site, audience).ok
    sizes = force(monkeypatch, forked=True)
    forked_site.mkdir()
    for rel, text in files.items():
        (forked_site / rel).parent.mkdir(parents=True, exist_ok=True)
        (forked_site / rel).write_text(text)
    (forked_site / "site.toml").write_bytes((serial_site / "site.toml").read_bytes())
    for path in forked_site.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))  # old enough to be trusted: the build keeps a snapshot
    result = build(forked_site, audience)
    assert result.ok and result.parsed == 24
    cards = [sum(1 for path in (forked_site / "output/public").rglob("card.png"))] if audience == "public" else []
    assert sizes == [24, result.pages, *(count - 1 for count in cards)]  # entries, pages (and cards but the first), forked
    assert snapshot(forked_site / f"output/{audience}") == snapshot(serial_site / f"output/{audience}")
    kept = {p.name for p in (forked_site / ".footfall-cache").iterdir()}
    assert snapshots.file_name(audience) in kept and snapshots.pending_name(audience) not in kept


def test_indexed_map_keeps_order_and_finishes_in_process_when_a_worker_dies(monkeypatch) -> None:
    force(monkeypatch, forked=True)
    assert list(parallel.indexed_map(lambda i: i * i, 50)) == [i * i for i in range(50)]

    import os

    here = os.getpid()

    def dies_in_a_worker(index: int) -> int:
        if index in (10, 30) and os.getpid() != here:
            os._exit(1)
        return index + 1

    assert list(parallel.indexed_map(dies_in_a_worker, 50)) == list(range(1, 51))


def test_fork_map_is_map_for_small_jobs() -> None:
    assert list(parallel.fork_map(pow, [2, 3], [3, 2])) == [8, 9]



def test_private_canaries_stay_out_of_pages_that_workers_write(make_site, monkeypatch) -> None:
    files = mixed_journal(24)
    for rel in [r for r in files if "visibility: private" in files[r]][:4]:
        files[rel] = files[rel].replace("title: Run", "title: Quillmarsh run").replace(
            "First *paragraph*", "Zanzibarquill wrote the first *paragraph*")
    site = make_site(files)
    sizes = force(monkeypatch, forked=True)
    result = build(site, "public")
    assert result.ok and len(sizes) == 3  # entries parsed, pages written and cards drawn in workers
    for relpath, data in snapshot(site / "output/public").items():
        for canary in ("quillmarsh", "zanzibarquill"):
            assert canary not in relpath.lower() and canary.encode() not in data.lower(), (canary, relpath)
    assert build(site, "journal").ok  # the canaries are there to leak: the journal shows them
    journal = b"".join(snapshot(site / "output/journal").values()).lower()
    assert b"quillmarsh" in journal and b"zanzibarquill" in journal


def test_a_template_error_in_a_worker_is_reported_with_file_and_line(make_site, monkeypatch) -> None:
    site = make_site(mixed_journal(12))
    (site / "templates").mkdir()
    (site / "templates/entry.html").write_text('{% extends "base.html" %}\n{% block main %}{{ post.nope }}{% endblock %}\n')
    sizes = force(monkeypatch, forked=True)
    result = build(site, "journal")
    assert not result.ok and sizes[-1] == result.pages
    assert {str(p.path).replace("\\", "/").rsplit("/", 2)[-2:] == ["templates", "entry.html"] and p.line == 2
            for p in result.problems if p.is_error} == {True}
    assert not (site / "output/journal").exists()


def test_indexed_map_finishes_in_process_when_no_worker_can_start(monkeypatch) -> None:
    from concurrent.futures import ProcessPoolExecutor

    force(monkeypatch, forked=True)

    def cannot_fork(*args: object, **kwargs: object) -> None:
        raise OSError("no /dev/shm here")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", cannot_fork)
    assert list(parallel.indexed_map(lambda i: i * 3, 50)) == [i * 3 for i in range(50)]


def children() -> set[int]:
    """Return the process ids of this process's children, running or waiting to be reaped (from Linux's /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after the name, which may hold anything
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[1]) == os.getpid():
            found.add(int(stat.parent.name))
    return found


def test_a_background_job_runs_in_a_child_and_is_reaped() -> None:
    here, before = os.getpid(), children()  # another test's child may still be about
    result = parallel.in_background(lambda: (os.getpid(), [1, 2, 3]))
    pid, values = result()
    assert pid != here and values == [1, 2, 3]
    assert result() == (pid, values)  # asked again: the same answer, no second wait
    assert children() <= before


def test_a_background_job_that_fails_in_the_child_is_done_here() -> None:
    here = os.getpid()

    def job() -> int:
        if os.getpid() != here:
            raise RuntimeError("the child fails")
        return 42

    before = children()
    assert parallel.in_background(job)() == 42
    assert children() <= before


def test_a_background_job_runs_here_where_nothing_can_fork(monkeypatch) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda: False)
    assert parallel.in_background(os.getpid)() == os.getpid()


@pytest.mark.parametrize("in_order", [False, True])
def test_an_indexed_map_helped_from_the_tail_or_in_order_yields_every_result_in_order(monkeypatch, in_order) -> None:
    monkeypatch.setattr(parallel, "SMALLEST_CHUNK", 1)
    monkeypatch.setattr(parallel, "CHUNKS_PER_WORKER", 16)
    made = list(parallel.indexed_map(lambda index: (index, os.getpid()), 300, processes=2, in_order=in_order))
    assert [index for index, _ in made] == list(range(300))
    assert len({pid for _, pid in made}) == 2  # the worker and this process both took chunks
