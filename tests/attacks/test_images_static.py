"""Static files are published as they are, so the public build refuses those that carry more than their pixels."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from tests.attacks.audit_readings import canaries_in
from tests.conftest import entry

CANARY = "heronsfield"


def image(format_: str, **options: object) -> bytes:
    """Return a small image in a format."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (40, 80, 120)).save(buffer, format_, **options)
    return buffer.getvalue()


def exif() -> Image.Exif:
    """Return EXIF naming the canary and a place."""
    data = Image.Exif()
    data[0x010E] = CANARY
    data.get_ifd(0x8825)[2] = (38.0, 42.0, 30.5)
    return data


def site_with_static(make_site, name: str, data: bytes) -> Path:
    """Return a site with a public story and one file in its static/ folder."""
    return make_site({
        "content/2026/story.md": entry("title: Open run\ndate: 2026-03-13\nvisibility: public", "Plain words.\n"),
        f"static/{name}": data,
    })


REFUSED = {
    "jpeg-exif": ("photo.jpg", lambda: image("JPEG", exif=exif())),
    "jpeg-comment": ("photo.jpg", lambda: image("JPEG", comment=CANARY.encode())),
    "jpeg-named-svg": ("logo.svg", lambda: image("JPEG", exif=exif())),
    "png-text": ("badge.png", lambda: image("PNG", pnginfo=_png_info())),
    "gif-comment": ("dot.gif", lambda: image("GIF", comment=CANARY.encode())),
    "webp-exif": ("leaf.webp", lambda: image("WEBP", exif=exif())),
    "svg-script": ("logo.svg", lambda: f'<svg xmlns="http://www.w3.org/2000/svg">\n<script>{CANARY}</script>\n</svg>'.encode()),
    "svg-editor": ("logo.svg", lambda: ('<svg xmlns="http://www.w3.org/2000/svg" '
                                        'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape">\n'
                                        f'<g inkscape:export-filename="/home/me/{CANARY}.png"/>\n</svg>').encode()),
}


def _png_info():
    """Return PNG text chunks naming the canary."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", CANARY)
    return info


@pytest.mark.parametrize(("name", "make"), REFUSED.values(), ids=REFUSED.keys())
def test_a_static_file_with_metadata_or_script_is_refused(make_site, run_cli, name: str, make) -> None:
    site = site_with_static(make_site, name, make())
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1, result.output
    assert f"static/{name}" in result.output
    assert "metadata" in result.output or "line 2" in result.output
    assert not (site / "output/public").exists()
    journal = run_cli("build", "--journal", "--site", str(site))  # the journal is the writer's own
    assert journal.exit_code == 0, journal.output


@pytest.mark.parametrize(("name", "data"), [
    ("photo.jpg", image("JPEG")), ("badge.png", image("PNG")), ("dot.gif", image("GIF")), ("leaf.webp", image("WEBP")),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><circle r="2"/></svg>'),
    ("photo.jpg.gz", __import__("gzip").compress(b"plain bytes")),
], ids=["jpeg", "png", "gif", "webp", "svg", "gzip"])
def test_clean_static_files_are_published(make_site, run_cli, name: str, data: bytes) -> None:
    site = site_with_static(make_site, name, data)
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert (site / "output/public/static" / name).read_bytes() == data
    assert canaries_in(site / "output/public", [CANARY]) == []


def test_a_private_photo_copied_into_static_under_another_name_is_found(make_site, run_cli) -> None:
    photo = image("JPEG")
    site = make_site({
        "content/2026/secret.md": entry("title: Closed\ndate: 2026-03-12\nvisibility: private", "![x](quiet.jpg)\n"),
        "content/2026/quiet.jpg": photo,
        "content/2026/story.md": entry("title: Open run\ndate: 2026-03-13\nvisibility: public", "Plain words.\n"),
        "static/header.jpg": photo,
    })
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert "static/header.jpg" in result.output and "is a copy of the image file" in result.output
    assert "secret.md" in result.output
