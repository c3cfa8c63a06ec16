"""The privacy audit: private text injected into the public output is found, in any form; clean builds pass."""

from __future__ import annotations

import io
import json
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image, PngImagePlugin

from generator import config
from generator.deploy import audit, decoders, needles, normalise
from generator.outputs import search, search_bundle
from tests.conftest import entry, snapshot
from tests.test_privacy import canary_site

INDEX = "output/public/index.html"


@pytest.fixture
def site(make_site, run_cli) -> Path:
    """Return the canary site with a clean public build."""
    root = canary_site(make_site)
    result = run_cli("build", "--site", str(root))
    assert result.exit_code == 0, result.output
    return root


def inject(site: Path, relpath: str, text: str) -> None:
    """Append text to a file of the public output."""
    path = site / "output/public" / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def test_a_clean_build_passes_the_audit(site: Path, run_cli) -> None:
    result = run_cli("audit", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert "nothing private found" in result.output


@pytest.mark.parametrize("text", [
    "<p>zanzibarquill</p>",  # a private title word
    "<p>ZanzibarQuill</p>",  # any case
    "<p>&#122;anzibarquill</p>",  # HTML-escaped
    f'<a href="/x?q={quote("The zanzibarquill morning")}">',  # URL-encoded
    "<a href='/x?q=%7a%61nzibarquill'>",  # URL-encoded letters
    json.dumps({"t": "\u017a zanzibarquill"}, ensure_ascii=True).replace("zanzibarquill", "\\u007aanzibarquill"),
], ids=["plain", "case", "html-escaped", "url-encoded", "url-encoded-letters", "json-escaped"])
def test_audit_finds_a_private_title_word_in_any_form(site: Path, run_cli, text: str) -> None:
    inject(site, "index.html", text)
    result = run_cli("audit", "--site", str(site))
    assert result.exit_code == 1
    assert "index.html" in result.output and "private-run.md" in result.output
    assert "zanzibarquill" in result.output


@pytest.mark.parametrize(("text", "source"), [
    ("Stop thinking about marrowgate", "private-run.md"),  # the intention
    ("a brimbleton body", "private-run.md"),  # a body word
    ("thistlewren", "private-run.md"),  # the summary
    ("vellichorpine", "private-run.md"),  # a private-only emotion
    ("quobblesnout", "private-run.md"),  # a private-only tag
    ("orrisfalcon-photo.jpg", "private-run.md"),  # an image file name
    ("plumquartzy run", "default-private.md"),  # private by default
    ("the cinderpatch passage", "public.md"),  # a ::: private passage of a public story
    ("hushwhistle note to self", "public.md"),  # an HTML comment of a public story
    ("2026/03/10/the-zanzibarquill-morning/", "private-run.md"),  # a private URL
], ids=["intention", "body", "summary", "emotion", "tag", "image", "default", "passage", "comment", "url"])
def test_audit_finds_every_kind_of_private_text(site: Path, run_cli, text: str, source: str) -> None:
    inject(site, "feed.json", text)
    result = run_cli("audit", "--site", str(site))
    assert result.exit_code == 1, text
    assert "feed.json" in result.output and source in result.output


@pytest.mark.parametrize("relpath", [
    "2026/03/10/the-zanzibarquill-morning/index.html",  # a private entry's page
    "tags/quobblesnout/index.html",  # a private-only tag page
    "emotions/grief/index.html",  # an emotion only private entries name
    "static/orrisfalcon-photo.jpg",  # a private image's file name
    "notes/marrowgate.txt",  # a private word as a file name
], ids=["entry", "tag", "emotion", "image", "word"])
def test_audit_finds_private_names_in_paths(site: Path, run_cli, relpath: str) -> None:
    inject(site, relpath, "harmless")
    result = run_cli("audit", "--site", str(site))
    assert result.exit_code == 1, relpath
    assert relpath in result.output and "private-run.md" in result.output


def png_with(chunk: str) -> bytes:
    """Return a PNG carrying a private word in a text chunk of the given kind."""
    info = PngImagePlugin.PngInfo()
    if chunk == "tEXt":
        info.add_text("Title", "brimbleton")
    elif chunk == "none":
        pass
    elif chunk == "zTXt":
        info.add_text("Title", "brimbleton " * 20, zip=True)
    else:
        info.add_itxt("Title", "brimbleton " * 20, lang="en", zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    """Return a JPEG whose EXIF description holds a private word."""
    exif = Image.Exif()
    exif[0x010E] = "brimbleton"
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.mark.parametrize(("name", "data"), [
    ("badge.png", png_with("tEXt")), ("badge.png", png_with("zTXt")), ("badge.png", png_with("iTXt")),
    ("photo.jpg", jpeg_with_exif()),
], ids=["png-text", "png-compressed", "png-international", "jpeg-exif"])
def test_audit_reads_image_metadata(site: Path, run_cli, name: str, data: bytes) -> None:
    (site / "output/public/static" / name).write_bytes(data)
    result = run_cli("audit", "--site", str(site))
    assert result.exit_code == 1 and name in result.output and "private-run.md" in result.output


def test_a_leaking_build_fails_and_keeps_the_last_good_output(site: Path, run_cli) -> None:
    before = snapshot(site / "output/public")
    story = site / "content/2026/public.md"
    story.write_text(story.read_text() + "\nSee [the other run](/2026/03/10/the-zanzibarquill-morning/).\n")
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert "privacy audit" in result.output and "private-run.md" in result.output
    assert snapshot(site / "output/public") == before
    assert not (site / "output/.public.staging").exists()


def test_common_words_shared_with_public_stories_are_no_alarm(make_site, run_cli) -> None:
    site = make_site({
        "content/a.md": entry("title: Morning run\ndate: 2026-03-13\nvisibility: public",
                              "The morning was quiet and I ran along the river before breakfast.\n"),
        "content/b.md": entry("title: Quiet river\ndate: 2026-03-12\nvisibility: private",
                              "I ran along the river. The morning was quiet before breakfast.\n"),
    })
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert run_cli("audit", "--site", str(site)).exit_code == 0


def test_a_public_url_that_extends_a_private_one_is_no_alarm(make_site, run_cli) -> None:
    site = make_site({
        "content/a.md": entry("title: Running with Sam\ndate: 2026-03-12T18:00\nslug: running-with-sam-2\n"
                              "visibility: public", "Easy miles together.\n"),
        "content/b.md": entry("title: Running with Sam\ndate: 2026-03-12T07:00\nslug: running-with-sam\n"
                              "visibility: private", "Sam told me about the zanzibarquill diagnosis.\n"),
        "content/c.md": entry("title: Next day\ndate: 2026-03-13\nvisibility: public", "Rest.\n"),
    })
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert (site / "output/public/2026/03/12/running-with-sam-2/index.html").is_file()
    assert not (site / "output/public/2026/03/12/running-with-sam").exists()
    assert all(b"zanzibarquill" not in data for data in snapshot(site / "output/public").values())


def test_private_image_names_that_footfall_also_uses_are_no_alarm(make_site, run_cli) -> None:
    site = make_site({
        "content/a.md": entry("title: Open\ndate: 2026-03-13\nvisibility: public", "Words.\n"),
        "content/b.md": entry("title: Closed\ndate: 2026-03-12\nvisibility: private",
                              "![x](card.png) ![y](logo.png)\n"),
        "content/card.png": png_with("tEXt"), "content/logo.png": png_with("tEXt"),
        "static/logo.png": png_with("none"),
    })
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output


def test_audit_without_a_build_says_what_to_do(make_site, run_cli) -> None:
    site = make_site({"content/a.md": entry("title: A\ndate: 2026-03-13\nvisibility: public")})
    result = run_cli("audit", "--site", str(site))
    assert result.exit_code == 1 and "footfall build" in result.output


def needles_of(words: list[str], source: str = "secret.md", allowed: frozenset[str] = frozenset()) -> "needles.Needles":
    """Return needles made from a private text, with some words known to be public."""
    maker = needles.NeedleMaker(set(allowed), config.SiteConfig(title="T", root=Path("/nowhere")))
    maker.private_text(" ".join(words), source, "a private entry")
    return maker.finish()


def test_needles_skip_words_that_are_public_anyway() -> None:
    found = needles_of(["The", "quiet", "river", "morning", "by", "Ottoline"],
                       allowed=frozenset({"morning", "river", "the", "quiet", "by"}))
    assert [value[0].text for _, value in found.words.items()] == ["ottoline"]


def test_short_private_words_are_looked_for_in_their_phrases() -> None:
    found = needles_of(["down", "by", "the", "weir", "at", "dawn"],
                       allowed=frozenset({"down", "by", "the", "at", "dawn"}))
    leaks = [*audit.scan_file("a.html", b"<p>Down by the <em>weir</em> at dawn</p>", found, ""),
             *audit.scan_file("b.html", b"the weir by", found, "")]
    assert {leak.path for leak in leaks} == {"a.html"}


def test_parallel_scan_finds_the_same_leaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = needles_of(["weirwater"])
    files = []
    for number in range(6):
        (tmp_path / f"{number}.html").write_text("weirwater" if number % 2 else "river")
        files.append((f"{number}.html", tmp_path / f"{number}.html"))
    assert [leak.path for leak in audit.scan(files, found, "", workers=1)] == ["1.html", "3.html", "5.html"]
    monkeypatch.setattr(audit, "PARALLEL_BYTES", 1)
    assert [leak.path for leak in audit.scan(files, found, "", workers=2)] == ["1.html", "3.html", "5.html"]


def test_every_word_of_a_public_build_is_known_to_the_audit(make_site, run_cli) -> None:
    """No false alarms: each word the build writes comes from something the audit treats as public."""
    from generator.pipeline.inputs import read_inputs
    from generator.pipeline.result import BuildResult
    from tests.test_images import photo_with_gps

    site = canary_site(make_site)
    make_site({
        "content/2026/rich.md": entry("""
            title: "Café, façade & “quotes” — 10 km"
            date: 2026-04-02T18:30:00+01:00
            distance: 10 km
            duration: "52:10"
            intention: Run by feel
            emotions: [Élan, bone-tired, Grateful]
            tags: [long run, Über-trail]
            mood_before: 2
            mood_after: 4
            visibility: public
            """, "A table:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nA note[^1] and ![the river](river.jpg).\n\n"
                 "[^1]: The footnote.\n\n## A heading\n\n- [x] done\n"),
        "content/2026/river.jpg": photo_with_gps(700, 400),
        "content/pages/about.md": entry("title: About me\nvisibility: public", "Hello.\n"),
    })
    assert run_cli("build", "--site", str(site)).exit_code == 0
    result = BuildResult("public")
    inputs = read_inputs(site, result)
    sources = needles.read_sources(inputs.entries, inputs.config)
    allowed = needles.allowed_words(sources, inputs.config, inputs.vocabulary, inputs.theme)
    unknown = {}
    for relpath, path in audit.folder_files(site / "output/public"):
        if search.is_runtime_file(relpath, path.read_bytes(), "en"):
            continue  # Pagefind's own program, byte for byte: the audit leaves it out too
        texts = [] if relpath.endswith(audit.WORD_STEMS) else decoders.decode(path.read_bytes()).texts
        if search.is_bundle_data(relpath) and texts:
            texts = [search_bundle.readable_text(path.read_bytes()) or ""]
        for text in [relpath, *texts]:
            for view in normalise.views(text)[:1]:  # as written (the reading view joins words across inline tags)
                for word in normalise.word_string(view).split():
                    if word.isalpha() and word not in allowed:
                        unknown.setdefault(word, relpath)
    assert unknown == {}


def test_the_scan_finds_recorded_coordinates_in_every_file_it_reads(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The coordinate search runs in the scan's workers, over the bytes they read: same findings, same order."""
    from generator.outputs.route_needles import CoordinateSearch

    found, coordinates = needles_of(["weirwater"]), CoordinateSearch([38.71234, 9.14321])
    files = []
    for number in range(240):  # enough files for the scan to fork workers
        text = {7: "weirwater", 8: "met at 38.71234 N", 9: "<p>9.14321</p> weirwater", 10: "38.7"}.get(number, "river")
        (tmp_path / f"{number:03}.html").write_text(text)
        files.append((f"{number:03}.html", tmp_path / f"{number:03}.html"))
    (tmp_path / "static").mkdir()
    (tmp_path / "static/theme.css").write_text("/* 38.71234 */")
    files.append(("static/theme.css", tmp_path / "static/theme.css"))  # the theme's own files are not searched
    for workers in (1, 2):
        if workers == 2:
            monkeypatch.setattr(audit, "PARALLEL_BYTES", 1)
        held: list[tuple[str, str]] = []
        leaks = audit.scan(files, found, "", workers=workers, coordinates=coordinates, held=held)
        assert [leak.path for leak in leaks] == ["007.html", "009.html"]
        assert held == [("008.html", "38.71234"), ("009.html", "9.14321")]
