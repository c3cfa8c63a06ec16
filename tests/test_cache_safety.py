"""The build cache holds data, never code: a journal cloned with a crafted `.footfall-cache/` runs nothing,
and a damaged cache is a warning and a full rebuild, ending byte for byte like a clean build."""

from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import sqlite3
from pathlib import Path

import jinja2
import pytest

from generator.incremental.builder import build
from generator.incremental import snapshot as snapshots
from generator.incremental.scan import code_stamp
from tests.conftest import SITE_TOML, entry, snapshot

GENERATOR = Path(__file__).resolve().parent.parent / "generator"
OLD = 1_700_000_000


@pytest.fixture(autouse=True)
def _trusted(trust_stamps_at_once: None) -> None:
    """Trust every file's stamp from the first build after it was written (see conftest)."""


class Planted:
    """A pickled value that, once unpickled, creates a file: proof that the cache ran code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (open, (str(self.marker), "w"))


def make_journal(root: Path, count: int = 6) -> None:
    """Write a small journal whose files are dated in the past (so their stamps are trusted)."""
    files = {"site.toml": SITE_TOML}
    for number in range(count):
        front = (f"title: Run {number}\nslug: run-{number}\ndate: 2026-03-0{number + 1}T07:00\nvisibility: public\n"
                 f"emotions: [calm]\ntags: [trail]")
        files[f"content/run-{number}.md"] = entry(front, f"Miles number {number}.\n")
    for relpath, text in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        os.utime(path, (OLD, OLD))


def plant_code(site: Path, marker: Path) -> None:
    """Put code that creates `marker` everywhere in the site's cache where a loader of code might look."""
    cache = site / ".footfall-cache"
    payload = pickle.dumps(Planted(marker))
    for name in ("model-journal.pickle", snapshots.FILE_NAME, "cache.pickle", "records.pickle"):
        (cache / name).write_bytes(payload)
    templates = GENERATOR / "themes/default/templates"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)))
    code = compile(f"open({str(marker)!r}, 'w')", "<planted>", "exec")
    for folder in {cache / "templates" / code_stamp()[:16], cache / "templates" / "any"}:
        compiled = jinja2.FileSystemBytecodeCache(str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        for name in env.list_templates():
            source = (templates / name).read_text("utf-8")
            bucket = compiled.get_bucket(env, name, str(templates / name), source)
            bucket.code = code
            compiled.set_bucket(bucket)
    with sqlite3.connect(cache / "cache.sqlite") as db:
        db.execute("UPDATE meta SET value = ? WHERE name LIKE 'note:%'", (json.dumps({"py/object": "os.system"}),))


def test_a_cloned_journal_with_a_crafted_cache_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    site, marker = tmp_path / "site", tmp_path / "ran"
    make_journal(site)
    assert build(site, "journal").ok and build(site, "public").ok
    clone = tmp_path / "clone"
    shutil.copytree(site, clone, ignore=shutil.ignore_patterns("output"))
    plant_code(clone, marker)
    shutil.rmtree(tmp_path / "user-cache")  # the user who clones it has no cache of their own yet
    for audience in ("journal", "public"):
        result = build(clone, audience)
        assert result.ok, result.problems
        assert snapshot(clone / "output" / audience) == snapshot(site / "output" / audience)
    path = clone / "content/run-2.md"
    path.write_text(path.read_text("utf-8") + "\nA body edit: the short way, through the snapshot.\n", "utf-8")
    assert build(clone, "journal").ok and build(clone, "public").ok
    assert not marker.exists()


def test_no_module_of_the_generator_unpickles_or_evaluates() -> None:
    loaders = re.compile(r"\b(pickle\.loads?|marshal\.loads?|shelve\.open|eval\(|exec\()")
    found = {str(p.relative_to(GENERATOR)): loaders.findall(p.read_text("utf-8")) for p in GENERATOR.rglob("*.py")}
    # the one exception: a forked worker hands its result back to its parent through a pipe, never through a file
    assert {name: hits for name, hits in found.items() if hits} == {"incremental/parallel.py": ["pickle.loads"]}


def damage_snapshot(path: Path) -> None:
    """Break a stored snapshot in a way that still parses as JSON: a class the reader must refuse."""
    data = json.loads(path.read_text("utf-8"))
    data["classes"] = ["os.system" for _ in data["classes"]]
    path.write_text(json.dumps(data), "utf-8")


@pytest.mark.parametrize("damage", ["truncated", "foreign class", "bad reference", "not json"])
def test_a_damaged_snapshot_is_a_warning_and_a_full_rebuild(tmp_path: Path, damage: str) -> None:
    site = tmp_path / "site"
    make_journal(site)
    assert build(site, "journal").ok
    stored = site / ".footfall-cache" / snapshots.FILE_NAME
    text = stored.read_text("utf-8")
    if damage == "truncated":
        stored.write_text(text[: len(text) // 2], "utf-8")
    elif damage == "foreign class":
        damage_snapshot(stored)
    elif damage == "bad reference":
        stored.write_text(re.sub(r'"site":-\d+', '"site":-999999', text), "utf-8")
    else:
        stored.write_bytes(b"\x80\x04not json at all")
    path = site / "content/run-2.md"
    path.write_text(path.read_text("utf-8") + "\nWritten after the damage.\n", "utf-8")
    result = build(site, "journal")
    assert result.ok, result.problems
    assert "site" in result.timings  # the model was made again, not read from the damaged file
    assert any(p.severity == "warning" and "snapshot" in p.message for p in result.problems), result.problems
    clean = tmp_path / "clean"
    shutil.copytree(site, clean, ignore=shutil.ignore_patterns("output", ".footfall-cache"))
    assert build(clean, "journal").ok
    assert snapshot(site / "output/journal") == snapshot(clean / "output/journal")
    assert json.loads(stored.read_text("utf-8"))["format"] == snapshots.FORMAT  # made anew


def test_the_stored_model_reads_back_equal_with_its_sharing(tmp_path: Path) -> None:
    from generator.pipeline.inputs import make_model, read_inputs
    from generator.pipeline.result import BuildResult
    from generator.incremental.graph import decode, encode_all, referred_to

    site_root = tmp_path / "site"
    make_journal(site_root)
    result = BuildResult("journal")
    inputs = read_inputs(site_root, result)
    assert inputs is not None, result.problems
    site = make_model(inputs, "journal", result)
    refs, nodes, classes = encode_all([site], snapshots.ALLOWED)
    stored = json.loads(json.dumps({"nodes": nodes, "classes": classes}))
    again = decode(stored["nodes"], stored["classes"], snapshots.ALLOWED, inputs.config)[referred_to(refs[0])]
    assert again == site and again is not site
    term = again.tags[0]
    assert all(any(post is listed for listed in again.posts) for post in term.posts)  # one post, one value


def test_the_words_of_footfall_itself_are_kept_in_the_users_cache_not_the_sites(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit's allowed words from Footfall's own files are made from the installed code: a copied
    journal brings none of its own (a planted list is never read), and a fresh copy reuses the user's."""
    user_cache = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
    site = tmp_path / "site"
    make_journal(site)
    assert build(site, "public").ok
    kept = sorted((user_cache / "footfall" / "audit-words").glob("words-*.json"))
    assert len(kept) == 1 and "footfall" in json.loads(kept[0].read_text("utf-8"))
    assert not list((site / ".footfall-cache").rglob("words-*.json"))
    clone = tmp_path / "clone"
    shutil.copytree(site, clone, ignore=shutil.ignore_patterns("output", ".footfall-cache"))
    planted = clone / ".footfall-cache" / "audit" / kept[0].name
    planted.parent.mkdir(parents=True)
    planted.write_text("not json at all", "utf-8")
    stamp = kept[0].stat().st_mtime_ns
    result = build(clone, "public")
    assert result.ok, result.problems
    assert snapshot(clone / "output" / "public") == snapshot(site / "output" / "public")
    assert kept[0].stat().st_mtime_ns == stamp  # read, not made again
    assert planted.read_text("utf-8") == "not json at all"
