"""Cached records: each build reads only its own audience's renders, and an edit keeps only what is still true."""

from __future__ import annotations

import os
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.incremental.builder import build
from generator.pipeline.charts import element
from generator.config import load_config
from generator.pipeline.entries import SourceFile, discover
from generator.incremental.records import process_entry, record_from_plain, record_to_plain, render_record
from tests.conftest import entry, snapshot


def _rows(site: Path) -> dict[str, tuple[str | None, str | None, str | None, str | None]]:
    """Return each cached record's render columns by source path."""
    with sqlite3.connect(site / ".footfall-cache/cache.sqlite") as db:
        rows = db.execute("SELECT rel, journal, journal_html, public, public_html FROM records").fetchall()
    return {rel: rest for rel, *rest in rows}


def _site(make_site) -> Path:
    """Return a site with a public, an unlisted and a private entry."""
    files = {}
    for number, visibility in enumerate(("public", "unlisted", "private")):
        front = f"title: Run {number}\ndate: 2026-03-0{number + 1}\nvisibility: {visibility}\nemotions: [calm]"
        body = f"Run {number} went well.\n\n::: private\nSecret number {number}.\n:::\n"
        files[f"content/{number}.md"] = entry(front, body)
    return make_site(files)


def test_a_record_round_trips_with_one_audiences_render(make_site) -> None:
    site = _site(make_site)
    cfg, _ = load_config(site)
    assert cfg is not None
    source = SourceFile(site / "content/0.md", "0.md")
    both = render_record(process_entry(source, source.path.read_bytes(), cfg, "journal"), cfg, "public")
    assert both.journal is not None and both.public is not None
    for audience, other in (("journal", "public"), ("public", "journal")):
        plain = record_to_plain(both, audience)
        data, body, render, html = plain
        assert body == both.entry.body and html == both.rendered(audience).html
        assert both.entry.body not in repr(data) and html not in repr(render), "long texts travel apart from JSON"
        back = record_from_plain(plain, audience, source.path)
        assert back.entry == both.entry and back.entry.source is source.path
        assert back.rendered(audience) == both.rendered(audience) and back.rendered(other) is None


def test_an_edit_drops_the_other_audiences_render_of_that_file_only(make_site) -> None:
    site = _site(make_site)
    assert build(site, "journal").ok and build(site, "public").ok
    rows = _rows(site)
    assert all(r[0] is not None and "Secret number" in r[1] for r in rows.values())
    assert rows["0.md"][2] is not None and rows["1.md"][2] is not None and rows["2.md"][2] is None
    assert all("Secret" not in (r[3] or "") for r in rows.values())

    edited = site / "content/0.md"
    edited.write_text(edited.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    os.utime(edited, ns=(1_000_000_000, 1_000_000_000))
    assert build(site, "journal").ok
    rows = _rows(site)
    assert "One more line" in rows["0.md"][1] and rows["0.md"][2] is None, "the public render of the old bytes is gone"
    assert rows["1.md"][2] is not None, "an unchanged file keeps its public render"

    public = snapshot(site / "output/public")
    again = build(site, "public")
    assert again.ok and again.parsed <= 1  # a body edit: the public snapshot's short way parses the file itself
    assert "One more line" in _rows(site)["0.md"][3]
    assert snapshot(site / "output/public") != public
    assert b"One more line" in (site / "output/public/2026/03/01/run-0/index.html").read_bytes()


def test_discover_lists_markdown_files_in_order_with_forward_slash_paths(tmp_path: Path) -> None:
    for rel in ("b/2.md", "a/z/1.md", "a/0.md", "_drafts/x.md", ".hidden/y.md", "a/_skip.md", "a/.dot.md",
                "a/notes.txt", "top.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    found = discover(tmp_path)
    assert [s.rel for s in found] == ["top.md", "a/0.md", "a/z/1.md", "b/2.md"]
    assert all(s.path == tmp_path / s.rel for s in found)


@pytest.mark.parametrize("text", ["", "plain", 'a "quoted" & <tagged> word', "tab\tand\nnew\rline", "“curly” é"])
def test_element_writes_what_elementtree_writes(text: str) -> None:
    tree = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "data-x": text, "b": "1"})
    child = ET.SubElement(tree, "title")
    child.text = text
    ET.SubElement(tree, "rect", {"width": "2"})
    inner = ET.SubElement(tree, "a", {"href": text})
    ET.SubElement(inner, "circle", {"r": "1"})
    made = element("svg", {"xmlns": "http://www.w3.org/2000/svg", "data-x": text, "b": "1"},
                   element("title", {}, text=text), element("rect", {"width": "2"}),
                   element("a", {"href": text}, element("circle", {"r": "1"})))
    assert made == ET.tostring(tree, encoding="unicode")
