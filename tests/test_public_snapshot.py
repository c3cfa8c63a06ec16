"""The public build keeps a snapshot of the public site model: body edits patch it, the bytes stay those of a
clean build, and nothing private reaches the public output or the snapshot's file on the way."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.incremental import snapshot as snapshots
from generator.pipeline.build import clean_build
from tests.conftest import SITE_TOML, entry, snapshot
from tests.test_body_edits import AgedSite

CANARY = "quillfeatherzanzibar"  # a word no page, template or setting holds
EMOTIONS = ("calm", "joy", "tired", "grief")


@pytest.fixture(autouse=True)
def _trusted(trust_stamps_at_once: None) -> None:
    """Trust every file's stamp from the first build after it was written (see conftest)."""


def run(number: int, visibility: str = "public", extra: str = "") -> str:
    """Return the text of one run entry."""
    front = (f"title: Run {number:02d}\nslug: run-{number:02d}\ndate: 2025-{1 + number % 12:02d}-{1 + number % 27:02d}"
             f"T07:00\nvisibility: {visibility}\nemotions: [{EMOTIONS[number % 4]}]\ntags: [trail]\n"
             f"distance: {3 + number % 7} km\nduration: 0:{20 + number % 30}:00{extra}")
    return entry(front, f"First paragraph of run {number}.\n\nMore words about the run.\n")


class Site(AgedSite):
    """A site on disk, each write giving the file a time in the past, built through the command line."""

    def __init__(self, root: Path, run_cli: Callable[..., Result]) -> None:
        super().__init__(root)
        self.run_cli = run_cli

    def build(self, *args: str) -> set[str]:
        """Build through the command line, assert it succeeded, and return the stages it took."""
        shown = self.run_cli("build", "--site", str(self.root), "--profile", *args)
        assert shown.exit_code == 0, shown.output
        return {line.split()[0] for line in shown.output.splitlines()
                if line.startswith("  ") and line.rstrip().endswith("s")}

    def public_snapshot(self) -> bytes:
        """Return the bytes of the public snapshot's file (and of a pending one, if any)."""
        cache = self.root / ".footfall-cache"
        return b"".join(p.read_bytes() for p in (cache / snapshots.file_name("public"),
                                                  cache / snapshots.pending_name("public")) if p.is_file())


@pytest.fixture
def site(tmp_path: Path, run_cli: Callable[..., Result]) -> Site:
    """Return a 24-run site (some private, some unlisted, a draft) with an About page, built for the public."""
    made = Site(tmp_path / "site", run_cli)
    made.write("site.toml", SITE_TOML)
    for number in range(24):
        visibility = "private" if number % 6 == 3 else "unlisted" if number % 6 == 5 else "public"
        made.write(f"content/runs/r{number:02d}.md", run(number, visibility, "\ndraft: true" if number == 8 else ""))
    made.write("content/pages/about.md", entry("title: About\nslug: about\nvisibility: public", "Who runs here.\n"))
    assert "site" in made.build()
    assert (made.root / ".footfall-cache" / snapshots.file_name("public")).is_file()
    return made


def assert_like_clean(site: Site) -> None:
    """Assert the public output is byte for byte what the plain clean build makes."""
    made = clean_build(site.root, "public")
    assert made.ok, made.problems
    built = snapshot(site.root / "output/public")
    assert sorted(built) == sorted(made.files)
    assert [path for path in built if built[path] != made.files[path]] == []


def assert_no_canary(site: Site) -> None:
    """Assert the canary is in no public output file and not in the public snapshot's file."""
    leaks = [path for path, data in snapshot(site.root / "output/public").items() if CANARY.encode() in data]
    assert leaks == []
    assert CANARY.encode() not in site.public_snapshot()


@pytest.mark.parametrize(("relpath", "old", "new"), [
    ("content/runs/r04.md", "More words about the run.", "More words, and a new closing line."),  # public
    ("content/runs/r05.md", "More words about the run.", "Unlisted but shared by link."),  # unlisted
    ("content/runs/r04.md", "First paragraph of run 4.", "A new opening, so a new summary."),  # summary
    ("content/pages/about.md", "Who runs here.", "Who runs here, and why."),  # a standalone page
    ("content/runs/r03.md", "More words about the run.", "Private words, for the journal."),  # private
    ("content/runs/r08.md", "More words about the run.", "A draft's words."),  # a draft
])
def test_a_public_body_edit_patches_the_snapshot_and_ends_like_a_clean_build(site: Site, relpath: str, old: str,
                                                                             new: str) -> None:
    site.replace(relpath, old, new)
    stages = site.build()
    assert "snapshot" in stages and "site" not in stages, "the model came from the snapshot"
    assert_like_clean(site)
    site.replace(relpath, new, old)  # and back, once more by the short way
    assert "site" not in site.build()
    assert_like_clean(site)


def test_a_private_entry_edited_never_reaches_the_public_build(site: Site) -> None:
    site.replace("content/runs/r09.md", "More words about the run.", f"The {CANARY} I saw on the hill.")
    assert "site" not in site.build()
    assert_no_canary(site)
    assert_like_clean(site)
    assert "site" in site.build("--journal")
    assert any(CANARY.encode() in data for data in snapshot(site.root / "output/journal").values())


def test_a_public_entry_made_private_leaves_the_public_model(site: Site) -> None:
    site.replace("content/runs/r04.md", "More words about the run.", f"The {CANARY} by the river.")
    assert "site" not in site.build()  # public for now: its words are the public site's
    assert any(CANARY.encode() in data for data in snapshot(site.root / "output/public").values())
    site.replace("content/runs/r04.md", "visibility: public", "visibility: private")
    assert "site" in site.build(), "front matter changed: the model is made again"
    assert_no_canary(site)
    assert_like_clean(site)
    site.replace("content/runs/r04.md", f"The {CANARY} by the river.", f"The {CANARY} by the river, again.")
    assert "site" not in site.build()  # a private body edit: the short way, and still nothing of it
    assert_no_canary(site)
    assert_like_clean(site)


def test_a_private_block_added_to_a_public_entry_stays_out(site: Site) -> None:
    site.replace("content/runs/r06.md", "More words about the run.",
                 f"More words about the run.\n\n::: private\nThe {CANARY} stays in the journal.\n:::\n")
    assert "site" not in site.build()
    assert_no_canary(site)
    assert_like_clean(site)
    assert "templates" in site.build("--journal")
    assert any(CANARY.encode() in data for data in snapshot(site.root / "output/journal").values())


def test_private_words_in_a_build_warning_stay_out_of_the_snapshot_file(site: Site) -> None:
    site.replace("content/runs/r15.md", "emotions: [grief]", f"emotions: [{CANARY}]")  # an unknown word: a warning
    shown = site.run_cli("build", "--site", str(site.root))
    assert shown.exit_code == 0 and CANARY in shown.output, shown.output  # the writer is told, on their screen
    assert_no_canary(site)
    site.replace("content/runs/r15.md", "More words about the run.", "An edit by the short way.")
    again = site.run_cli("build", "--site", str(site.root), "--profile")
    assert again.exit_code == 0 and CANARY in again.output and "snapshot" in again.output, again.output
    assert_no_canary(site)


def test_a_journal_model_in_the_public_snapshot_is_never_read(site: Site) -> None:
    site.replace("content/runs/r03.md", "More words about the run.", f"The {CANARY}, private.")
    assert "templates" in site.build("--journal")
    cache = site.root / ".footfall-cache"
    public = json.loads((cache / snapshots.file_name("public")).read_text("utf-8"))
    journal = json.loads((cache / snapshots.file_name("journal")).read_text("utf-8"))
    planted = {name: journal[name] for name in ("site", "nodes", "classes")}
    planted.update({name: public[name] for name in public if name not in planted})  # the public names, the journal model
    (cache / snapshots.file_name("public")).write_text(json.dumps(planted), "utf-8")
    site.replace("content/runs/r04.md", "More words about the run.", "A public edit after the swap.")
    assert "site" in site.build(), "a model of another audience is no snapshot: the usual way"
    assert_no_canary(site)
    assert_like_clean(site)


def test_a_damaged_public_snapshot_means_the_usual_way(site: Site) -> None:
    kept = site.root / ".footfall-cache" / snapshots.file_name("public")
    kept.write_bytes(b"{not json")
    site.replace("content/runs/r04.md", "More words about the run.", "After the damage.")
    assert "site" in site.build()
    assert_like_clean(site)
    assert json.loads(kept.read_bytes())["audience"] == "public"  # made anew
    site.replace("content/runs/r04.md", "After the damage.", "And the short way again.")
    assert "site" not in site.build()
    assert_like_clean(site)


def test_the_public_snapshot_file_holds_the_public_model_only(site: Site) -> None:
    kept = json.loads((site.root / ".footfall-cache" / snapshots.file_name("public")).read_text("utf-8"))
    assert set(kept) == {"format", "audience", "key", "setup", "token", "site", "nodes", "classes"}
    assert kept["audience"] == "public"
    text = json.dumps(kept)
    assert "r03.md" not in text and "Run 03" not in text and "r08.md" not in text  # a private run, a draft
    assert "r04.md" in text and "r05.md" in text  # a public run, an unlisted one


def test_a_resized_image_gone_from_the_cache_means_the_usual_way(site: Site) -> None:
    from tests.test_images import photo_with_gps

    (site.root / "content/runs/photo.jpg").write_bytes(photo_with_gps(800, 600))
    site.replace("content/runs/r04.md", "More words about the run.", "![the hill](photo.jpg)")
    assert "site" in site.build(), "a new file beside the entries: the usual way"
    assert_like_clean(site)
    shutil.rmtree(site.root / ".footfall-cache/images")
    shutil.rmtree(site.root / "output/public")
    site.replace("content/runs/r06.md", "More words about the run.", "An edit while the resized copy is gone.")
    assert "site" in site.build(), "the model's image is gone from the cache: the usual way makes it again"
    assert_like_clean(site)
