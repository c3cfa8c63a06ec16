"""Images of the public build: no EXIF, GPS or other metadata, sensible widths with srcset; the journal keeps originals."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import ExifTags, Image, PngImagePlugin

from generator.outputs import images
from tests.conftest import entry, html

GPS_CANARY = "Gpsmarkerville"


def photo_with_gps(width: int = 2400, height: int = 1600) -> bytes:
    """Return a JPEG carrying camera, time, GPS, a comment and XMP."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "CanaryCam"
    exif[ExifTags.Base.Model] = "Model Zanzibar"
    exif[ExifTags.Base.DateTime] = "2026:03:10 07:00:00"
    exif[ExifTags.Base.ImageDescription] = GPS_CANARY
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (38.0, 42.0, 30.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (9.0, 8.0, 12.25)
    buffer = io.BytesIO()
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{GPS_CANARY}</rdf:Description></x:xmpmeta>'
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, "JPEG", exif=exif, comment=GPS_CANARY.encode(),
                                                          xmp=xmp.encode())
    return buffer.getvalue()


def png_with_text(width: int = 300, height: int = 200) -> bytes:
    """Return a PNG with a text chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", GPS_CANARY)
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 200, 40, 255)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def photo_site(make_site) -> Path:
    """Return a site with a public story showing a GPS-tagged photo and a small PNG."""
    return make_site({
        "content/2026/run.md": entry("""
            title: Photo run
            date: 2026-03-13
            visibility: public
            """, "A photo.\n\n![The river](river.jpg)\n\n![A badge](badge.png)\n"),
        "content/2026/river.jpg": photo_with_gps(),
        "content/2026/badge.png": png_with_text(),
    })


def assert_no_metadata(path: Path) -> None:
    """Fail when an image file carries EXIF, GPS, XMP, comments or text chunks."""
    data = path.read_bytes()
    assert GPS_CANARY.encode() not in data and b"CanaryCam" not in data, path
    with Image.open(path) as image:
        exif = image.getexif()
        assert not exif, (path, dict(exif))
        assert not exif.get_ifd(ExifTags.IFD.GPSInfo), path
        assert not {"exif", "xmp", "comment", "XML:com.adobe.xmp", "Comment"} & set(image.info), (path, image.info)


def test_public_images_lose_exif_and_gps_and_come_in_several_widths(make_site, run_cli) -> None:
    site = photo_site(make_site)
    assert run_cli("build", "--site", str(site)).exit_code == 0
    folder = site / "output/public/2026/03/13/photo-run"
    produced = sorted(p.name for p in folder.iterdir() if p.suffix in (".jpg", ".png"))
    assert produced == ["badge.png", "card.png", "river-1600.jpg", "river-480.jpg", "river.jpg"]
    for name in produced:
        assert_no_metadata(folder / name)
    produced.remove("card.png")
    widths = {name: Image.open(folder / name).size for name in produced}
    assert widths["river-480.jpg"] == (480, 320) and widths["river.jpg"] == (960, 640)
    assert widths["river-1600.jpg"] == (1600, 1067) and widths["badge.png"] == (300, 200)


def test_img_tags_get_srcset_sizes_and_dimensions(make_site, run_cli) -> None:
    site = photo_site(make_site)
    built = run_cli("build", "--site", str(site))
    assert built.exit_code == 0, built.output
    page = html(site / "output/public/2026/03/13/photo-run/index.html")
    river, badge = page.select(".entry-body img")
    assert river["src"] == "river.jpg" and river["alt"] == "The river"
    assert river["srcset"] == "river-480.jpg 480w, river.jpg 960w, river-1600.jpg 1600w"
    assert river["sizes"] and (river["width"], river["height"]) == ("960", "640")
    assert badge["srcset"] == "badge.png 300w" and (badge["width"], badge["height"]) == ("300", "200")


def test_journal_keeps_the_original_photo(make_site, run_cli) -> None:
    site = photo_site(make_site)
    assert run_cli("build", "--journal", "--site", str(site)).exit_code == 0
    copied = site / "output/journal/2026/03/13/photo-run/river.jpg"
    assert copied.read_bytes() == (site / "content/2026/river.jpg").read_bytes()
    assert "srcset" not in (site / "output/journal/2026/03/13/photo-run/index.html").read_text()


def test_small_images_are_never_upscaled() -> None:
    assert images.widths_for(300) == (300,)
    assert images.widths_for(960) == (480, 960)
    assert images.widths_for(1200) == (480, 960, 1200)
    assert images.widths_for(5000) == (480, 960, 1600)


def test_processed_images_come_from_the_cache(tmp_path: Path) -> None:
    source = tmp_path / "river.jpg"
    source.write_bytes(photo_with_gps(1000, 500))
    first = images.process(source, "river.jpg", tmp_path / "cache")
    stamps = {v.source: v.source.stat().st_mtime_ns for v in first.variants}
    second = images.process(source, "river.jpg", tmp_path / "cache")
    assert second == first
    assert {v.source: v.source.stat().st_mtime_ns for v in second.variants} == stamps


def test_upright_orientation_is_applied(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotated 90° clockwise
    buffer = io.BytesIO()
    Image.new("RGB", (400, 200), "white").save(buffer, "JPEG", exif=exif)
    (tmp_path / "turned.jpg").write_bytes(buffer.getvalue())
    result = images.process(tmp_path / "turned.jpg", "turned.jpg", tmp_path / "cache")
    assert (result.src.width, result.src.height) == (200, 400)


def test_an_unreadable_image_is_a_problem_not_a_traceback(make_site, run_cli) -> None:
    site = make_site({
        "content/2026/run.md": entry("title: Broken\ndate: 2026-03-13\nvisibility: public", "![x](broken.jpg)\n"),
        "content/2026/broken.jpg": b"not really a jpeg",
    })
    result = run_cli("build", "--site", str(site))
    assert result.exit_code == 1
    assert "broken.jpg" in result.output and "run.md" in result.output


def test_image_of_a_private_entry_never_reaches_the_public_build(make_site, run_cli) -> None:
    site = make_site({
        "content/2026/secret.md": entry("title: Secret\ndate: 2026-03-12\nvisibility: private",
                                        "![x](quillowpine-photo.jpg)\n"),
        "content/2026/quillowpine-photo.jpg": photo_with_gps(600, 400),
        "content/2026/open.md": entry("title: Open\ndate: 2026-03-13\nvisibility: public", "Words.\n"),
    })
    assert run_cli("build", "--site", str(site)).exit_code == 0
    out = site / "output/public"
    assert not [p for p in out.rglob("*") if "quillowpine" in p.name]
    assert not list(out.rglob("*.jpg")) and [p.name for p in out.rglob("*.png")] == ["card.png"]
    for file in out.rglob("*"):
        if file.is_file():
            assert b"quillowpine" not in file.read_bytes(), file
