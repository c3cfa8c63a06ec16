"""Images of public stories are read by content, not name; SVGs keep only their drawing; no metadata survives."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image, ImageCms, PngImagePlugin

from tests.attacks.audit_readings import canaries_in
from tests.conftest import entry

CANARY = "kestrelmarsh"  # metadata of the writer's own images: never in a public byte
STORY = "output/public/2026/03/13/a-drawing/index.html"


def jpeg_with_exif(size: tuple[int, int] = (64, 48)) -> bytes:
    """Return a JPEG whose EXIF, XMP and comment hold the canary."""
    exif = Image.Exif()
    exif[0x010E] = CANARY
    exif.get_ifd(0x8825)[2] = (38.0, 42.0, 30.5)
    buffer = io.BytesIO()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{CANARY}</x:xmpmeta>'.encode()
    Image.new("RGB", size, (30, 90, 160)).save(buffer, "JPEG", exif=exif, xmp=xmp, comment=CANARY.encode())
    return buffer.getvalue()


def png_with_text() -> bytes:
    """Return a PNG with the canary in tEXt, zTXt and iTXt chunks."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", CANARY)
    info.add_text("Comment", CANARY, zip=True)
    info.add_itxt("Description", CANARY, lang="en", tkey=CANARY, zip=True)
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 30), (10, 200, 40, 255)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def icc_with_text() -> bytes:
    """Return an sRGB colour profile whose description names the canary."""
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    data = bytearray(profile.tobytes())
    data += f"desc {CANARY} copyright {CANARY}".encode()  # text appended past the tags, as some editors leave it
    data[0:4] = len(data).to_bytes(4, "big")
    return bytes(data)


def saved(format_: str, mode: str = "RGB", **options: object) -> bytes:
    """Return an image saved by Pillow in a format, with options that carry the canary."""
    buffer = io.BytesIO()
    Image.new(mode, (40, 30), (120, 40, 90) if mode == "RGB" else 3).save(buffer, format_, **options)
    return buffer.getvalue()


def animated_gif() -> bytes:
    """Return a two-frame GIF with a comment."""
    frames = [Image.new("P", (20, 20), colour) for colour in (1, 2)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], comment=CANARY.encode(), duration=100)
    return buffer.getvalue()


XMP = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{CANARY}</rdf:Description></x:xmpmeta>'.encode()
EXIF = Image.Exif()
EXIF[0x010E] = CANARY
RASTERS = {
    "jpeg": ("photo.jpg", jpeg_with_exif),
    "jpeg-named-svg": ("photo.svg", jpeg_with_exif),
    "jpeg-named-png": ("photo.png", jpeg_with_exif),
    "png-named-jpg": ("badge.jpg", png_with_text),
    "png-text": ("badge.png", png_with_text),
    "gif-comment": ("dot.gif", lambda: saved("GIF", "P", comment=CANARY.encode())),
    "gif-animated": ("dots.gif", animated_gif),
    "webp-xmp-exif": ("leaf.webp", lambda: saved("WEBP", xmp=XMP, exif=EXIF)),
    "tiff": ("scan.tiff", lambda: saved("TIFF", exif=EXIF, description=CANARY)),
    "icc-profile": ("tone.jpg", lambda: saved("JPEG", icc_profile=icc_with_text())),
    "png-icc-profile": ("tone.png", lambda: saved("PNG", icc_profile=icc_with_text())),
    "bmp": ("old.bmp", lambda: saved("BMP")),
}


def story_with(name: str, data: bytes, make_site) -> Path:
    """Return a site whose public story shows one image."""
    return make_site({
        "content/2026/drawing.md": entry("title: A drawing\ndate: 2026-03-13\nvisibility: public",
                                         f"Look:\n\n![the picture]({name})\n"),
        f"content/2026/{name}": data,
    })


@pytest.mark.parametrize(("name", "make"), RASTERS.values(), ids=RASTERS.keys())
def test_every_raster_format_is_published_without_its_metadata(make_site, run_cli, name: str, make) -> None:
    site = story_with(name, make(), make_site)
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert canaries_in(site / "output/public", [CANARY]) == []
    img = BeautifulSoup((site / STORY).read_text("utf-8"), "html.parser").find("img")
    published = site / STORY.rsplit("/", 1)[0] / img["src"]
    with Image.open(published) as image:  # a real image of the format its name says
        assert Path(img["src"]).suffix == {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp"}[image.format]
        assert "icc_profile" not in image.info and not image.getexif()
    assert run_cli("audit", "--site", str(site)).exit_code == 0


SVG_ATTACKS = {
    "script": '<script>alert("{c}")</script>',
    "event": '<rect width="5" height="5" onload="alert(\'{c}\')"/>',
    "metadata": '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">{c}</rdf:RDF></metadata>',
    "editor-attributes": '<g inkscape:export-filename="/home/me/{c}.png" sodipodi:docname="{c}.svg"/>',
    "editor-elements": '<sodipodi:namedview id="{c}"/>',
    "foreign-object": '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">{c}</p></foreignObject>',
    "embedded-raster": '<image href="data:image/jpeg;base64,{jpeg}" width="4" height="4"/>',
    "outside-raster": '<image xlink:href="https://tracker.example/{c}.png" width="4" height="4"/>',
    "outside-use": '<use xlink:href="https://tracker.example/{c}.svg#x"/>',
    "style-import": '<style>@import url("https://tracker.example/{c}.css");</style>',
    "style-url": '<rect style="fill: url(https://tracker.example/{c})" width="2" height="2"/>',
    "link": '<a href="https://tracker.example/{c}"><circle r="3"/></a>',
    "comment": '<!-- {c} -->',
    "animation": '<a><animate attributeName="href" to="javascript:alert(\'{c}\')"/></a>',
}
SVG_HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
            'xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd" viewBox="0 0 10 10">\n')


@pytest.mark.parametrize("part", SVG_ATTACKS.values(), ids=SVG_ATTACKS.keys())
def test_an_svg_keeps_only_its_drawing(make_site, run_cli, part: str) -> None:
    jpeg = base64.b64encode(jpeg_with_exif((4, 4))).decode()
    drawing = SVG_HEAD + '<circle cx="5" cy="5" r="4" fill="url(#g)"/>\n' + part.format(c=CANARY, jpeg=jpeg) + "\n</svg>\n"
    site = story_with("drawing.svg", drawing.encode(), make_site)
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    assert canaries_in(site / "output/public", [CANARY, "tracker.example"]) == []
    published = (site / STORY).parent / "drawing.svg"
    assert b"javascript" not in published.read_bytes().lower()
    kept = BeautifulSoup(published.read_bytes(), "xml")
    assert kept.find("circle") is not None  # the drawing stays
    assert run_cli("audit", "--site", str(site)).exit_code == 0


def test_an_svg_named_jpg_is_cleaned_and_published_as_svg(make_site, run_cli) -> None:
    drawing = SVG_HEAD + f'<circle r="3"/><script>{CANARY}</script></svg>'
    site = story_with("drawing.jpg", drawing.encode(), make_site)
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 0, result.output
    img = BeautifulSoup((site / STORY).read_text("utf-8"), "html.parser").find("img")
    assert img["src"] == "drawing.svg"
    assert canaries_in(site / "output/public", [CANARY]) == []


@pytest.mark.parametrize(("svg", "line"), [
    ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "{c}{c}{c}{c}">\n<!ENTITY b "&a;&a;&a;&a;">\n]>\n'
     '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>', 2),
    ('<svg xmlns="http://www.w3.org/2000/svg">\n<circle r="1">\n<text>{c}</svg>', 3),
    ('<svg xmlns="http://www.w3.org/2000/svg">\n<!ENTITY x SYSTEM "file:///etc/passwd">\n</svg>', 2),
], ids=["billion-laughs", "broken", "external-entity"])
def test_an_svg_that_cannot_be_read_safely_is_refused_naming_the_entry_and_line(make_site, run_cli, svg: str,
                                                                                line: int) -> None:
    site = story_with("drawing.svg", svg.format(c=CANARY).encode(), make_site)
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert "drawing.md" in result.output and "drawing.svg" in result.output and f"line {line}" in result.output
    assert not (site / "output/public").exists()


def test_the_journal_keeps_the_original_svg(make_site, run_cli) -> None:
    drawing = SVG_HEAD + f'<circle r="3"/><metadata>{CANARY}</metadata></svg>'
    site = story_with("drawing.svg", drawing.encode(), make_site)
    assert run_cli("build", "--journal", "--site", str(site)).exit_code == 0
    assert CANARY.encode() in (site / "output/journal/2026/03/13/a-drawing/drawing.svg").read_bytes()
