"""The demo journal's output, byte for byte as committed under tests/golden/ (refresh: `python -m tests.golden refresh`).

Both ways of building must make it: a clean build, and incremental builds after edits undone.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from tests.golden import FILES, GOLDEN, build_demo, copy_demo, kept_files

REFRESH = "python -m tests.golden refresh"


def assert_golden(site: Path) -> None:
    """Assert the kept files of a built demo are byte for byte the committed ones, showing a diff if not."""
    made = kept_files(site)
    for relpath, data in made.items():
        golden = (GOLDEN / relpath).read_bytes()
        if data != golden:
            diff = difflib.unified_diff(golden.decode("utf-8", "replace").splitlines(),
                                        data.decode("utf-8", "replace").splitlines(), "golden", "built", lineterm="", n=1)
            pytest.fail(f"{relpath} differs from tests/golden/ (if the change is meant, run `{REFRESH}` and read "
                        "the diff):\n" + "\n".join(list(diff)[:40]))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a copy of the demo journal, built from nothing for both audiences."""
    site = copy_demo(tmp_path_factory.mktemp("golden"))
    for audience in FILES:
        build_demo(site, audience)
    return site


def test_a_clean_build_of_the_demo_makes_the_golden_files(demo: Path) -> None:
    assert_golden(demo)


def test_incremental_builds_after_edits_undone_make_the_golden_files(demo: Path) -> None:
    entry = demo / "content/2026/2026-03-14-past-the-old-house.md"
    before, status = entry.read_bytes(), entry.stat()
    entry.write_bytes(before.replace(b"title:", b"title: Edited", 1) + b"\nAn edit, undone below.\n")
    for audience in FILES:
        build_demo(demo, audience)
    assert kept_files(demo) != {relpath: (GOLDEN / relpath).read_bytes() for relpath in kept_files(demo)}
    entry.write_bytes(before)
    os.utime(entry, ns=(status.st_atime_ns, status.st_mtime_ns))  # as `cp -p` would leave it
    for audience in FILES:
        build_demo(demo, audience)
    assert_golden(demo)
