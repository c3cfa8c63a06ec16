"""Private text hidden by escapes, invisible characters, markup, compression or image metadata is still found."""

from __future__ import annotations

import base64
import gzip
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image, PngImagePlugin

from generator.cli import cli

from tests.attacks.audit_readings import canaries_in, json_escaped
from tests.conftest import SITE_TOML, entry

CANARY = "gorsewinkle"  # the title word of a private entry


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a site with a private entry and a public story, built once for the module: the build passes."""
    site = tmp_path_factory.mktemp("secret") / "site"
    files = {
        "site.toml": SITE_TOML,
        "content/2026/secret.md": entry("title: The gorsewinkle morning\ndate: 2026-03-10\nvisibility: private",
                                        "Not for anyone else.\n"),
        "content/2026/story.md": entry("title: Open run\ndate: 2026-03-13\nvisibility: public", "Plain words.\n"),
    }
    for relpath, text in files.items():
        (site / relpath).parent.mkdir(parents=True, exist_ok=True)
        (site / relpath).write_text(text, "utf-8")
    result = CliRunner().invoke(cli, ["build", "--site", str(site)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert canaries_in(site / "output/public", [CANARY]) == []
    return site


@pytest.fixture
def secret_site(built_once: Path, tmp_path: Path) -> Path:
    """Return a fresh copy of the built site, to tamper with."""
    return Path(shutil.copytree(built_once, tmp_path / "site"))


HIDDEN_TEXT = {
    "soft-hyphen": "gorse\u00adwinkle",
    "zero-width": "gor\u200bse\u200dwin\ufeffkle",
    "entity": "&#103;orsewinkle",
    "named-entity": "gorse&shy;winkle",
    "double-entity": "&amp;#103;orsewinkle",
    "url-encoded": "%67%6F%72sewinkle",
    "url-encoded-soft-hyphen": "gorse%C2%ADwinkle",
    "json-escaped": json_escaped(CANARY),
    "markup-split": "gorse<b></b>wink<span>le</span>",
    "markup-split-upper-case": "GORSE<B></B>WINK<SPAN Class=x>LE</SPAN>",  # tags found in folded text
    "full-width": "ｇｏｒｓｅｗｉｎｋｌｅ",
    "accents": "go\u0301rsewi\u0308nkle",
    "upper-case": "GORSEWINKLE",
    "data-url": '<img src="data:text/plain;base64,' + base64.b64encode(b"the gorsewinkle note").decode() + '">',
}


@pytest.mark.parametrize("text", HIDDEN_TEXT.values(), ids=HIDDEN_TEXT.keys())
def test_text_hidden_in_a_page_is_found(secret_site: Path, run_cli, text: str) -> None:
    site = secret_site
    page = site / "output/public/index.html"
    page.write_text(page.read_text("utf-8").replace("</body>", f"<p>{text}</p></body>"), "utf-8")
    result = run_cli("audit", "--site", str(site))
    assert result.exit_code == 1, text
    assert "index.html" in result.output and CANARY in result.output and "secret.md" in result.output


def png_with(kind: str) -> bytes:
    """Return a PNG carrying the canary in a text chunk of one kind."""
    info = PngImagePlugin.PngInfo()
    if kind == "tEXt":
        info.add_text("Title", CANARY)
    elif kind == "zTXt":
        info.add_text("Title", f"{CANARY} " * 50, zip=True)
    else:
        info.add_itxt("Title", f"{CANARY} " * 50, lang="en", zip=True)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def saved(format_: str, **options: object) -> bytes:
    """Return a small image saved by Pillow with some options."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 30)).save(buffer, format_, **options)
    return buffer.getvalue()


def exif_with_canary() -> Image.Exif:
    """Return EXIF whose description holds the canary."""
    exif = Image.Exif()
    exif[0x010E] = CANARY
    return exif


XMP = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{CANARY}</rdf:Description></x:xmpmeta>'.encode()
FILES = {
    "png-text": ("static/a.png", lambda: png_with("tEXt")),
    "png-compressed": ("static/a.png", lambda: png_with("zTXt")),
    "png-international": ("static/a.png", lambda: png_with("iTXt")),
    "jpeg-exif": ("static/a.jpg", lambda: saved("JPEG", exif=exif_with_canary())),
    "jpeg-xmp": ("static/a.jpg", lambda: saved("JPEG", xmp=XMP)),
    "jpeg-comment": ("static/a.jpg", lambda: saved("JPEG", comment=CANARY.encode())),
    "jpeg-named-png": ("static/a.png", lambda: saved("JPEG", exif=exif_with_canary())),
    "gif-comment": ("static/a.gif", lambda: saved("GIF", comment=CANARY.encode())),
    "webp-xmp": ("static/a.webp", lambda: saved("WEBP", xmp=XMP)),
    "webp-exif": ("static/a.webp", lambda: saved("WEBP", exif=exif_with_canary())),
    "tiff-description": ("static/a.tiff", lambda: saved("TIFF", exif=exif_with_canary())),
    "gzip": ("notes.txt.gz", lambda: gzip.compress(f"the {CANARY} note".encode())),
    "gzip-named-svg": ("static/a.svg", lambda: gzip.compress(f"<svg><text>{CANARY}</text></svg>".encode())),
    "utf-16": ("notes.txt", lambda: f"the {CANARY} note".encode("utf-16")),
    "path": (f"notes/{CANARY}.txt", lambda: b"harmless"),
    "url-encoded-path": ("notes/%67orsewinkle.txt", lambda: b"harmless"),
}


@pytest.mark.parametrize(("relpath", "make"), FILES.values(), ids=FILES.keys())
def test_text_hidden_in_a_file_is_found(secret_site: Path, run_cli, relpath: str, make) -> None:
    site = secret_site
    target = site / "output/public" / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(make())
    result = run_cli("audit", "--site", str(site))
    assert result.exit_code == 1, result.output
    assert CANARY in result.output and relpath.rsplit("/", 1)[-1] in result.output


def test_a_static_file_of_the_site_is_searched_like_any_other(secret_site: Path, run_cli) -> None:
    site = secret_site
    (site / "static").mkdir()
    (site / "static/notes.txt").write_text(f"Copied from the journal: the {CANARY} morning.\n", "utf-8")
    (site / "static/extra.css").write_text(f"/* {CANARY} */ body {{ color: black; }}\n", "utf-8")
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert "output/public/static/" in result.output and "(and 1 more file(s))" in result.output
    assert CANARY in result.output and "secret.md" in result.output
    assert canaries_in(site / "output/public", [CANARY]) == []
