"""Body-only edits take the short way (only pages that can show the body are checked) and still end
byte-identical to a clean build, whatever happened in between."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from generator.incremental.builder import build
from generator.pipeline.inputs import make_model, read_inputs
from generator.pipeline.result import BuildResult
from generator.incremental.changes import BODY_FIELDS
from generator.errors import Problem
from generator.pipeline.site import Post
from tests.conftest import SITE_TOML, entry, snapshot

AUDIENCES = ("journal", "public")
EMOTIONS = ("calm", "joy", "tired", "grief")
TAGS = ("trail", "easy", "long run")


@pytest.fixture(autouse=True)
def _trusted(trust_stamps_at_once: None) -> None:
    """Trust every file's stamp from the first build after it was written (see conftest)."""


class AgedSite:
    """A site on disk whose files all get distinct modification times in the past."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = 1_700_000_000

    def write(self, relpath: str, text: str) -> None:
        """Write a file and give it the next time in the past."""
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.clock += 10
        os.utime(path, (self.clock, self.clock))

    def append(self, relpath: str, text: str) -> None:
        """Add text at the end of a file."""
        self.write(relpath, (self.root / relpath).read_text(encoding="utf-8") + text)

    def replace(self, relpath: str, old: str, new: str) -> None:
        """Replace text in a file."""
        text = (self.root / relpath).read_text(encoding="utf-8")
        assert old in text
        self.write(relpath, text.replace(old, new))


def run(number: int, visibility: str = "public") -> str:
    """Return the text of one run entry."""
    front = (f"title: Run {number:02d}\nslug: run-{number:02d}\ndate: 2025-{1 + number % 12:02d}-{1 + number % 27:02d}T07:00\n"
             f"visibility: {visibility}\nemotions: [{EMOTIONS[number % 4]}]\ntags: [{TAGS[number % 3]}]\n"
             f"distance: {3 + number % 7} km\nduration: 0:{20 + number % 30}:00")
    return entry(front, f"First paragraph of run {number}.\n\nMore words about the run.\n")


@pytest.fixture
def site(tmp_path: Path) -> AgedSite:
    """Return a 40-run journal (a few private and unlisted) with an About page, built for both audiences."""
    aged = AgedSite(tmp_path / "site")
    aged.write("site.toml", SITE_TOML)
    for number in range(40):
        visibility = "private" if number % 10 == 3 else "unlisted" if number % 10 == 7 else "public"
        aged.write(f"content/runs/r{number:02d}.md", run(number, visibility))
    aged.write("content/pages/about.md", entry("title: About\nslug: about\nvisibility: public", "Who runs here.\n"))
    for audience in AUDIENCES:
        assert build(aged.root, audience).ok
    return aged


def clean_outputs(root: Path, scratch: Path) -> dict[str, dict[str, bytes]]:
    """Build a copy of the site's inputs from nothing and return both outputs."""
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    shutil.copy2(root / "site.toml", scratch / "site.toml")
    shutil.copytree(root / "content", scratch / "content")
    if (root / "templates").is_dir():
        shutil.copytree(root / "templates", scratch / "templates")
    for audience in AUDIENCES:
        assert build(scratch, audience).ok
    return {audience: snapshot(scratch / "output" / audience) for audience in AUDIENCES}


def assert_like_clean(site: AgedSite, scratch: Path) -> None:
    """Assert both outputs are byte for byte what a clean build makes."""
    expected = clean_outputs(site.root, scratch)
    for audience in AUDIENCES:
        assert snapshot(site.root / "output" / audience) == expected[audience], audience


@pytest.mark.parametrize(("relpath", "old", "new"), [
    ("content/runs/r05.md", "More words about the run.", "More words, and a new closing line."),  # public
    ("content/runs/r03.md", "More words about the run.", "Private words nobody else reads."),  # private
    ("content/runs/r07.md", "More words about the run.", "Unlisted but shared by link."),  # unlisted
    ("content/runs/r05.md", "First paragraph of run 5.", "A new opening, so a new summary."),  # summary
    ("content/pages/about.md", "Who runs here.", "Who runs here, and why."),  # a standalone page
])
def test_a_body_edit_checks_few_pages_and_ends_like_a_clean_build(site: AgedSite, tmp_path: Path, relpath: str,
                                                                  old: str, new: str) -> None:
    site.replace(relpath, old, new)
    results = {audience: build(site.root, audience) for audience in AUDIENCES}
    assert all(r.ok for r in results.values())
    assert_like_clean(site, tmp_path / "clean")
    if relpath.endswith("r05.md"):  # a run's body reaches a handful of pages, not the whole site
        assert all(r.checked < 15 < r.pages for r in results.values()), {a: r.checked for a, r in results.items()}
    journal = (site.root / "output/journal").rglob("index.html")
    assert any(new.encode() in path.read_bytes() for path in journal)


def test_front_matter_edits_take_the_full_check(site: AgedSite, tmp_path: Path) -> None:
    site.replace("content/runs/r05.md", "title: Run 05", "title: Renamed run")
    result = build(site.root, "journal")
    assert result.ok and result.checked == result.pages
    assert build(site.root, "public").ok
    assert_like_clean(site, tmp_path / "clean")


def test_an_edit_made_while_a_build_failed_is_not_forgotten(site: AgedSite, tmp_path: Path) -> None:
    site.append("content/runs/r05.md", "\nWritten while another file was broken.\n")
    site.write("content/runs/r09.md", "---\ntitle: [unclosed\ndate: 2025-03-01\n---\nBroken.\n")
    assert not build(site.root, "journal").ok
    site.write("content/runs/r09.md", run(9))  # fixed: back as it was
    assert build(site.root, "journal").ok and build(site.root, "public").ok
    assert_like_clean(site, tmp_path / "clean")


def test_an_edit_built_for_one_audience_reaches_the_other(site: AgedSite, tmp_path: Path) -> None:
    site.append("content/runs/r05.md", "\nSeen first by the public build.\n")
    assert build(site.root, "public").ok  # the stored records now hold the edit
    site.append("content/runs/r06.md", "\nAnd one more.\n")
    assert build(site.root, "journal").ok
    assert build(site.root, "public").ok
    assert_like_clean(site, tmp_path / "clean")


def test_a_deleted_output_page_comes_back_on_a_body_edit(site: AgedSite, tmp_path: Path) -> None:
    (site.root / "output/journal/tags/index.html").unlink()
    site.append("content/runs/r05.md", "\nOne more line.\n")
    assert build(site.root, "journal").ok and build(site.root, "public").ok
    assert_like_clean(site, tmp_path / "clean")


def test_output_files_looked_at_in_a_child_come_back_when_deleted_or_changed(site: AgedSite, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.incremental import scan

    monkeypatch.setattr(scan, "BACKGROUND_STAT_FROM", 0)  # a big site's quick rebuild: a child looks at them
    (site.root / "output/journal/tags/index.html").unlink()
    (site.root / "output/journal/emotions/index.html").write_text("changed by hand", "utf-8")
    site.append("content/runs/r05.md", "\nOne more line.\n")
    result = build(site.root, "journal")
    assert result.ok and result.rendered == 3  # the edited entry's page and the two files found not as left
    assert build(site.root, "public").ok
    assert_like_clean(site, tmp_path / "clean")


def test_a_body_edit_keeps_files_made_without_bodies_and_remakes_deleted_ones(site: AgedSite, tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.pipeline import timeline

    calls: list[int] = []
    real = timeline.timeline_json
    monkeypatch.setattr(timeline, "timeline_json", lambda *args: calls.append(1) or real(*args))
    site.append("content/runs/r05.md", "\nA line that no timeline shows.\n")
    assert build(site.root, "journal").ok and build(site.root, "public").ok
    assert calls == []  # timeline.json, robots.txt, the sitemap and static files were kept, not made again
    (site.root / "output/journal/timeline.json").unlink()
    (site.root / "output/public/robots.txt").unlink()
    site.append("content/runs/r06.md", "\nAnd another.\n")
    assert build(site.root, "journal").ok and build(site.root, "public").ok
    assert calls == [1]
    assert_like_clean(site, tmp_path / "clean")


def test_a_stray_output_file_outlives_a_body_edit_but_not_a_full_build(site: AgedSite) -> None:
    stray = site.root / "output/journal/2025/notes.txt"
    stray.write_text("dropped here by hand")
    site.append("content/runs/r05.md", "\nA body edit looks only at the files it made.\n")
    assert build(site.root, "journal").ok and stray.exists()  # like a no-op build, it leaves unknown files alone
    site.replace("content/runs/r05.md", "title: Run 05", "title: Renamed run")
    assert build(site.root, "journal").ok and not stray.exists()  # a full build removes what it did not make


def test_a_body_edit_changes_no_post_field_but_the_body_fields(site: AgedSite) -> None:
    def posts() -> dict[str, object]:
        result = BuildResult("journal")
        inputs = read_inputs(site.root, result)
        assert inputs is not None
        return {post.key: post for post in make_model(inputs, "journal", result).posts}

    before = posts()
    site.write("content/runs/r05.md", run(5).replace("First paragraph of run 5.", "# Not a title\n\nA *new* body, "
                                                      "![a picture](p.png) and [a link](../r06/)."))
    after = posts()
    changed = {f.name for f in dataclasses.fields(Post) if getattr(before["runs/r05.md"], f.name) != getattr(after["runs/r05.md"], f.name)}
    assert changed and changed <= BODY_FIELDS, changed
    assert all(before[key] == after[key] for key in before if key != "runs/r05.md")


def test_private_words_added_by_a_body_edit_never_reach_the_public_build(site: AgedSite) -> None:
    site.replace("content/runs/r05.md", "More words about the run.",
                 "More words.\n\n::: private\nzanzibarquill in a private passage\n:::\n\n<!-- quillmarrow in a comment -->\n")
    site.replace("content/runs/r03.md", "More words about the run.", "A private run about marrowgatefen.")
    public = build(site.root, "public")
    assert public.ok and public.checked < 15 < public.pages  # the short way was taken
    journal = build(site.root, "journal")
    assert journal.ok
    published = snapshot(site.root / "output/public")
    for canary in (b"zanzibarquill", b"quillmarrow", b"marrowgatefen"):
        assert not any(canary in data or canary.decode() in path for path, data in published.items()), canary
    assert any(b"zanzibarquill" in data for data in snapshot(site.root / "output/journal").values())


# --- the journal's snapshot: body edits from the command line skip making the model -----------------

def test_journal_body_edits_patch_the_snapshot_and_end_like_a_clean_build(site: AgedSite, tmp_path: Path) -> None:
    original = (site.root / "content/runs/r05.md").read_text(encoding="utf-8")
    steps = [("content/runs/r05.md", "More words about the run.", "Words for the snapshot."),
             ("content/runs/r06.md", "First paragraph of run 6.", "A new summary for run six."),
             ("content/runs/r03.md", "More words about the run.", "A private edit, patched as well.")]
    for relpath, old, new in steps:
        site.replace(relpath, old, new)
        result = build(site.root, "journal")  # a new Builder, as a new `footfall build` process has
        assert result.ok and "site" not in result.timings, "the model came from the snapshot"
        assert result.parsed <= 3 and result.checked < 20 < result.pages
        assert build(site.root, "public").ok
        assert_like_clean(site, tmp_path / "clean")
    site.write("content/runs/r05.md", original)  # back as it was when the snapshot was made
    assert build(site.root, "journal").ok and build(site.root, "public").ok
    assert_like_clean(site, tmp_path / "clean")
    assert b"Words for the snapshot." not in b"".join(snapshot(site.root / "output/journal").values())


def test_a_damaged_or_missing_snapshot_means_the_usual_way(site: AgedSite, tmp_path: Path) -> None:
    from generator.incremental import snapshot as snapshots

    kept = site.root / ".footfall-cache" / snapshots.FILE_NAME
    assert kept.is_file()
    kept.write_bytes(b"not a pickle")
    site.append("content/runs/r05.md", "\nAfter the damage.\n")
    result = build(site.root, "journal")
    assert result.ok and "site" in result.timings and kept.read_bytes() != b"not a pickle"  # made anew
    assert build(site.root, "public").ok
    assert_like_clean(site, tmp_path / "clean")
    kept.unlink()
    site.append("content/runs/r05.md", "\nAfter the loss.\n")
    result = build(site.root, "journal")
    assert result.ok and "site" in result.timings and kept.is_file()
    assert build(site.root, "public").ok
    assert_like_clean(site, tmp_path / "clean")


def test_front_matter_a_new_file_or_a_broken_one_are_not_patched_in(site: AgedSite, tmp_path: Path) -> None:
    site.replace("content/runs/r05.md", "title: Run 05", "title: Renamed run")
    assert "site" in build(site.root, "journal").timings and build(site.root, "public").ok
    assert_like_clean(site, tmp_path / "clean")
    site.write("content/runs/r40.md", run(40))
    assert "site" in build(site.root, "journal").timings and build(site.root, "public").ok
    assert_like_clean(site, tmp_path / "clean")
    site.write("content/runs/r06.md", run(6).replace("distance:", "distance: [", 1))
    broken = build(site.root, "journal")
    assert not broken.ok and any(p.path and p.path.name == "r06.md" for p in broken.problems if p.is_error)
    site.write("content/runs/r06.md", run(6) + "\nFixed, with a new line.\n")
    fixed = build(site.root, "journal")
    assert fixed.ok and build(site.root, "public").ok
    assert_like_clean(site, tmp_path / "clean")


def test_warnings_of_a_patched_build_are_those_of_a_full_one(site: AgedSite, tmp_path: Path) -> None:
    site.replace("content/runs/r05.md", "More words about the run.", "![gone](missing.png)")
    site.write("content/runs/r08.md", run(8).replace("emotions: [calm]", "emotions: [zorbly]").replace(
        "emotions: [grief]", "emotions: [zorbly]").replace("emotions: [joy]", "emotions: [zorbly]").replace(
        "emotions: [tired]", "emotions: [zorbly]"))
    assert build(site.root, "journal").ok  # front matter changed: the usual way, and a new snapshot
    site.replace("content/runs/r05.md", "![gone](missing.png)", "![still gone](missing.png)")
    patched = build(site.root, "journal")
    assert patched.ok and "site" not in patched.timings
    copy = tmp_path_copy(site.root, tmp_path / "copy")
    full = build(copy, "journal")

    def shown(problems: list[Problem], root: Path) -> list[tuple[str, int | None, str, str]]:
        return [(str(p.path.relative_to(root)) if p.path else "", p.line, p.message, p.severity) for p in problems]

    assert shown(patched.problems, site.root) == shown(full.problems, copy)
    assert any("zorbly" in p.message for p in patched.problems) and any("missing.png" in p.message for p in patched.problems)


def tmp_path_copy(root: Path, scratch: Path) -> Path:
    """Copy a site's inputs (not its cache or output) and return the copy."""
    scratch.mkdir()
    shutil.copy2(root / "site.toml", scratch / "site.toml")
    shutil.copytree(root / "content", scratch / "content")
    return scratch


def test_a_builder_kept_in_memory_patches_its_own_model(site: AgedSite, tmp_path: Path) -> None:
    from generator.incremental.builder import Builder

    journal = Builder(site.root, "journal")  # as `footfall serve` keeps it
    site.replace("content/runs/r05.md", "title: Run 05", "title: Renamed run")
    first = journal.build()
    assert first.ok and "site" in first.timings  # the model is made: its cards are rendered and kept
    for number, summary in ((5, "A new opening for the renamed run."), (6, "Six starts again."), (5, "Once more.")):
        site.replace(f"content/runs/r{number:02d}.md", f"First paragraph of run {number}.", summary)
        result = journal.build()
        assert result.ok and "site" not in result.timings, "the model in memory was patched"
        assert build(site.root, "public").ok
        assert_like_clean(site, tmp_path / "clean")
        site.replace(f"content/runs/r{number:02d}.md", summary, f"First paragraph of run {number}.")


def test_the_profile_of_a_patched_build_shows_the_snapshot(site: AgedSite, run_cli) -> None:  # type: ignore[no-untyped-def]
    site.append("content/runs/r05.md", "\nOne more line, seen through the command line.\n")
    shown = run_cli("build", "--journal", "--profile", "--site", str(site.root))
    assert shown.exit_code == 0, shown.output
    stages = [line.split()[0] for line in shown.output.splitlines() if line.startswith("  ") and line.endswith("s")]
    assert "snapshot" in stages and "site" not in stages, shown.output
    assert "parsed 1 files" in shown.output
    page = site.root / "output/journal/2025/06/06/run-05/index.html"
    assert "seen through the command line" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("shown", ["{{ tags }}", "{% for tag in tags %}{{ tag }}{% endfor %}"])
def test_a_page_showing_model_values_whole_shows_a_body_edit(site: AgedSite, tmp_path: Path, shown: str) -> None:
    """A theme may print a whole value (its repr holds every post's body): the page is checked after a body edit."""
    site.write("templates/tags.html", '{% extends "base.html" %}{% block main %}' + shown + "{% endblock %}")
    for audience in AUDIENCES:
        assert build(site.root, audience).ok
    site.replace("content/runs/r05.md", "More words about the run.", "Words shown on the tags page too.")
    assert all(build(site.root, audience).ok for audience in AUDIENCES)
    assert b"Words shown on the tags page too." in (site.root / "output/journal/tags/index.html").read_bytes()
    assert_like_clean(site, tmp_path / "clean")


# --- dependencies by construction: a planner cannot forget what its pages show -------------------

def _archive_showing_a_summary(real):  # type: ignore[no-untyped-def]
    """Return an archive planner that also puts the newest run's summary in the page's description."""
    from generator.pipeline.pages import page

    def planner(site):  # type: ignore[no-untyped-def]
        planned = real(site)
        newest = next(post for post in site.listed if not post.is_page)
        return page(planned.url, planned.template, "Archive", description=f"Latest: {newest.summary}",
                    **{k: v for k, v in planned.context.items() if k != "title"})

    return planner


def _home_ordered_by_words(real):  # type: ignore[no-untyped-def]
    """Return a home planner whose first page lists the runs with the most words first (an order made from bodies)."""
    from generator.pipeline.pages import page

    def planner(site, *args):  # type: ignore[no-untyped-def]
        for item in real(site, *args):
            if item.url == "/":
                chunk = tuple(sorted(site.listed, key=lambda post: (-post.words, post.key))[:5])
                rest = {k: v for k, v in item.context.items() if k not in ("title", "posts")}
                yield page(item.url, item.template, "Home", posts=chunk, **rest)
            else:
                yield item

    return planner


@pytest.mark.parametrize("planner", ["_archive", "_home"])
def test_a_page_made_from_a_body_is_rendered_again_whatever_its_planner_names(
        site: AgedSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, planner: str) -> None:
    """A planner that derives a page's context from bodies (text, or an order) names nothing: the page still follows."""
    from generator.pipeline import pages

    wrap = _archive_showing_a_summary if planner == "_archive" else _home_ordered_by_words
    monkeypatch.setattr(pages, planner, wrap(getattr(pages, planner)))
    for audience in AUDIENCES:
        assert build(site.root, audience).ok  # built with the new planner: the full way
    newest = max(site.root.glob("content/runs/r*.md"), key=lambda p: p.read_text("utf-8").split("date: ")[1][:10])
    for number in (0, 9, 19):  # whatever run is newest, one of these edits reaches a page that derives from bodies
        relpath = f"content/runs/r{number:02d}.md"
        site.replace(relpath, f"First paragraph of run {number}.", f"Run {number} opened with many more words: "
                     + "step " * (5 + number))
    site.replace(str(newest.relative_to(site.root)), "More words about the run.", "A new summary? No: more words.")
    site.replace(str(newest.relative_to(site.root)), "First paragraph of run", "The newest run, retold: run")
    for audience in AUDIENCES:
        result = build(site.root, audience)
        assert result.ok and result.checked < result.pages, audience  # still the short way
    assert_like_clean(site, tmp_path / "clean")
    for audience in AUDIENCES:  # and a build with nothing changed keeps it so
        assert build(site.root, audience).ok
    assert_like_clean(site, tmp_path / "clean")


def _archive_sharing_the_newest(real):  # type: ignore[no-untyped-def]
    """Return an archive planner that also gives the page the newest story's share data (and not its post)."""
    from generator.outputs.sharing import story_share
    from generator.pipeline.pages import page

    def planner(site):  # type: ignore[no-untyped-def]
        planned = real(site)
        if site.audience != "public":
            return planned
        newest = next(post for post in site.listed if not post.is_page)
        return page(planned.url, planned.template, "Archive", newest_share=story_share(newest, site.config),
                    **{k: v for k, v in planned.context.items() if k != "title"})

    return planner


def test_share_data_shown_without_its_post_follows_a_body_edit(site: AgedSite, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A story's share data holds its post (its JSON-LD counts the words): a page showing it follows a body edit."""
    from generator.pipeline import pages

    monkeypatch.setattr(pages, "_archive", _archive_sharing_the_newest(pages._archive))
    site.write("templates/archive.html", '{% extends "base.html" %}{% block main %}'
               "{% if newest_share is defined %}<pre>{{ newest_share.json_ld | safe }}</pre>{% endif %}{% endblock %}")
    for audience in AUDIENCES:
        built = build(site.root, audience)
        assert built.ok, built.problems
    archive = site.root / "output/public/archive/index.html"
    before = archive.read_bytes()
    listed = [p for p in site.root.glob("content/runs/r*.md") if "visibility: public" in p.read_text("utf-8")]
    newest = max(listed, key=lambda p: p.read_text("utf-8").split("date: ")[1][:10])
    site.replace(str(newest.relative_to(site.root)), "More words about the run.", "More words " + "step " * 40)
    for audience in AUDIENCES:
        result = build(site.root, audience)
        assert result.ok and result.checked < result.pages, audience  # the short way
    assert b'"wordCount"' in before
    assert archive.read_bytes() != before
    assert_like_clean(site, tmp_path / "clean")
