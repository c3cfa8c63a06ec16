"""The audit's record of clean files: a clean verdict never outlives a change to the file's bytes or to the needles.

A rebuild searches only the output files whose bytes the audit of the very same needles has not
found clean before. These tests build fixture sites with the CLI, leak private text into the output
between two builds in the ways a stale verdict would miss, and expect the second build to fail.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.deploy import audit, audit_record
from tests.conftest import entry

CANARY = "gorsewinkle"  # a word only the private entry holds


@pytest.fixture
def settle_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep a file's stamp as soon as it is read, as if seconds had passed since it was written."""
    monkeypatch.setattr(audit_record, "MARGIN_NS", -10**12)


def journal(make_site: Callable[..., Path], **extra: str | bytes) -> Path:
    """Return a site with a public story and a private entry holding the canary."""
    return make_site({
        "content/2026/story.md": entry("title: A story to share\ndate: 2026-03-13\nvisibility: public",
                                       "An easy loop by the river with the dog.\n"),
        "content/2026/hidden.md": entry("title: Hidden\ndate: 2026-03-10\nvisibility: private",
                                        f"The {CANARY} field behind the church.\n"),
        **extra,
    })


def build(run_cli: Callable[..., Result], site: Path) -> Result:
    """Run `footfall build` on a site."""
    return run_cli("build", "--site", str(site))


def record_of(site: Path) -> dict:
    """Return the record of clean files the audit kept."""
    return json.loads((site / ".footfall-cache" / audit_record.FOLDER / audit_record.NAME).read_text("utf-8"))


def leak_into(page: Path, word: str) -> None:
    """Put a word into a page in place of as many bytes, keeping its size and modification time."""
    status = page.stat()
    data = page.read_bytes()
    at = data.index(b"</body>")
    page.write_bytes(data[:at - len(word)] + word.encode() + data[at:])
    os.utime(page, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert page.stat().st_size == status.st_size


def test_a_clean_build_records_its_files_and_a_rebuild_searches_none_again(make_site, run_cli, settle_at_once,
                                                                          monkeypatch) -> None:
    site = journal(make_site)
    assert build(run_cli, site).exit_code == 0
    recorded = record_of(site)["files"]
    assert "index.html" in recorded and all(len(known) == 5 for known in recorded.values())
    searched: list[str] = []
    original = audit.scan_file
    monkeypatch.setattr(audit, "scan_file", lambda relpath, *args: searched.append(relpath) or original(relpath, *args))
    assert build(run_cli, site).exit_code == 0
    assert searched == []


def test_a_leak_written_into_a_recorded_file_is_caught_on_the_rebuild(make_site, run_cli, settle_at_once) -> None:
    site = journal(make_site)
    assert build(run_cli, site).exit_code == 0
    page = site / "output/public/index.html"
    leak_into(page, CANARY)
    result = build(run_cli, site)
    if result.exit_code == 0:  # the build wrote the page again: the leak is gone
        assert CANARY not in page.read_text("utf-8")
    else:
        assert result.exit_code == 1 and CANARY in result.output and "privacy audit" in result.output, result.output


def test_a_file_the_record_knows_is_searched_again_when_its_bytes_change(make_site, run_cli, settle_at_once,
                                                                        tmp_path) -> None:
    """The seam: the audit itself, handed the recorded files after one of them took the leak."""
    from generator.deploy.publish import audit_public

    site = journal(make_site)
    assert build(run_cli, site).exit_code == 0
    leak_into(site / "output/public/index.html", CANARY)
    from generator.pipeline.inputs import make_model, read_inputs
    from generator.pipeline.result import BuildResult

    result = BuildResult("public")
    inputs = read_inputs(site, result)
    assert inputs is not None
    model = make_model(inputs, "public", result)
    output = site / "output/public"
    problems = audit.audit_files(audit.folder_files(output), output, model, inputs.entries, inputs.vocabulary,
                                 inputs.theme)
    assert [p for p in problems if CANARY in p.message and p.path == output / "index.html"], problems
    assert "index.html" not in record_of(site)["files"]
    assert audit_public(site).problems  # and `footfall audit` searches every file whatever the record says


def test_a_verdict_is_not_kept_when_the_needles_change(make_site, run_cli, settle_at_once) -> None:
    """A static file holds a word a public story shares; once the story drops it, the word is private."""
    shared = "The lanternhush crew meets at the bridge.\n"
    site = journal(make_site, **{"static/notes.txt": shared})
    hidden = site / "content/2026/hidden.md"
    hidden.write_text(hidden.read_text("utf-8") + "Also the lanternhush crew.\n", "utf-8")
    story = site / "content/2026/story.md"
    story.write_text(story.read_text("utf-8") + "I ran with the lanternhush crew.\n", "utf-8")
    assert build(run_cli, site).exit_code == 0
    assert any(relpath.endswith("notes.txt") for relpath in record_of(site)["files"])
    story.write_text(story.read_text("utf-8").replace("I ran with the lanternhush crew.\n", ""), "utf-8")
    result = build(run_cli, site)
    assert result.exit_code == 1, result.output
    assert "lanternhush" in result.output and "notes.txt" in result.output


def test_a_record_of_other_needles_or_other_code_is_not_trusted(tmp_path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    key = audit_record.key_of([["/private/"]])
    record = audit_record.open_record(cache, key)
    audit_record.save_record(cache, record, {"a.html": ["0" * 64]}, [])
    assert audit_record.open_record(cache, key).by_digest("a.html", "0" * 64)
    assert audit_record.open_record(cache, audit_record.key_of([["/private/", "/other/"]])).files == {}
    monkeypatch.setattr(audit_record, "_OWN_CODE", ("deploy/audit.py",))
    assert audit_record.open_record(cache, audit_record.key_of([["/private/"]])).files == {}


def test_a_file_just_written_keeps_no_stamp(tmp_path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"<p>fresh</p>")
    data, digest, stamp = audit_record.read_and_digest(path)
    assert data == b"<p>fresh</p>" and len(digest) == 64 and stamp is None


def test_a_damaged_record_is_an_empty_one(tmp_path) -> None:
    folder = tmp_path / audit_record.FOLDER
    folder.mkdir()
    (folder / audit_record.NAME).write_text("{not json", "utf-8")
    assert audit_record.open_record(tmp_path, "key").files == {}


@pytest.fixture
def private_let_through():
    """Let private entries into the public build, as a broken audience filter would."""
    from tests.attacks.audit_readings import swapped

    with swapped("is_visible", lambda entry, audience: True), swapped("is_listed", lambda entry, audience: True):
        yield


def same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace a word in a source file by one as long, keeping the file's size and modification time."""
    assert len(old) == len(new)
    status = path.stat()
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns))


def test_what_the_audit_kept_of_a_source_is_read_again_when_the_file_changes(make_site, run_cli, settle_at_once,
                                                                             private_let_through) -> None:
    site = journal(make_site)
    first = build(run_cli, site)
    assert first.exit_code == 1 and CANARY in first.output, first.output
    kept = {path: known for share in (site / ".footfall-cache/audit").glob("sources-*.json")
            for path, known in json.loads(share.read_text("utf-8"))["files"].items()}
    assert any(CANARY in json.dumps(known) for known in kept.values())
    same_size_edit(site / "content/2026/hidden.md", CANARY, "brackenspun")
    second = build(run_cli, site)
    assert second.exit_code == 1 and "brackenspun" in second.output, second.output


def test_a_story_made_private_is_private_to_the_audit_at_once(make_site, run_cli, settle_at_once) -> None:
    site = journal(make_site)
    story = site / "content/2026/story.md"
    story.write_text(story.read_text("utf-8").replace("with the dog", "with the quokkabell")
                     .replace("visibility: public", "visibility:  public"), "utf-8")
    assert build(run_cli, site).exit_code == 0
    same_size_edit(story, "visibility:  public", "visibility: private")
    from tests.attacks.audit_readings import swapped

    with swapped("is_visible", lambda entry, audience: True), swapped("is_listed", lambda entry, audience: True):
        result = build(run_cli, site)
    assert result.exit_code == 1 and "quokkabell" in result.output, result.output
