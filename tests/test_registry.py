"""One registry of output files: two producers of one path stop the build with a message naming both inputs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from generator.pipeline.build import clean_build
from tests.conftest import entry, snapshot
from tests.test_images import png_with_text, photo_with_gps

STORY = entry("title: Past the old house\ndate: 2026-03-14T07:10:00\nvisibility: public\nemotions: [calm]",
              "Past the old house.\n")
PHOTO_STORY = STORY.replace("Past the old house.\n", "Past the old house. ![the house](card.png)\n")


def test_a_photo_named_like_the_share_card_stops_the_public_build(make_site: Callable[..., Path],
                                                                  run_cli: Callable[..., Result]) -> None:
    root = make_site({"content/2026/old-house.md": STORY})
    first = run_cli("build", "--site", str(root))
    assert first.exit_code == 0, first.output
    good = snapshot(root / "output/public")
    (root / "content/2026/card.png").write_bytes(png_with_text())
    (root / "content/2026/old-house.md").write_text(PHOTO_STORY, "utf-8")

    result = run_cli("build", "--site", str(root))

    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "two files would be written to 2026/03/14/past-the-old-house/card.png" in text
    assert "the image card.png of content/2026/old-house.md" in text
    assert "the share card of content/2026/old-house.md" in text
    assert snapshot(root / "output/public") == good, "the last good output must stay as it was"
    made = clean_build(root, "public")
    assert not made.ok and made.files == {}
    assert any("2026/03/14/past-the-old-house/card.png" in p.message for p in made.problems)


def test_the_journal_has_no_share_cards_so_the_photo_is_fine(make_site: Callable[..., Path],
                                                             run_cli: Callable[..., Result]) -> None:
    root = make_site({"content/2026/old-house.md": PHOTO_STORY, "content/2026/card.png": photo_with_gps(700, 400)})
    result = run_cli("build", "--site", str(root), "--journal")
    assert result.exit_code == 0, result.output
    assert (root / "output/journal/2026/03/14/past-the-old-house/card.png").read_bytes() == photo_with_gps(700, 400)


def test_a_static_file_and_a_page_image_on_one_path_are_refused(make_site: Callable[..., Path],
                                                                run_cli: Callable[..., Result]) -> None:
    root = make_site({"content/pages/static.md": entry("title: Static\nslug: static\nvisibility: public",
                                                       "![dot](dot.svg)\n"),
                      "content/pages/dot.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
                      "static/dot.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>"})
    result = run_cli("build", "--site", str(root), "--journal")
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "two files would be written to static/dot.svg" in text
    assert "the static file static/dot.svg" in text and "the image dot.svg of content/pages/static.md" in text
    assert not (root / "output/journal").exists()


def test_two_photos_resized_to_one_name_are_refused(make_site: Callable[..., Path],
                                                    run_cli: Callable[..., Result]) -> None:
    story = STORY.replace("Past the old house.\n", "![one](house.jpg) ![two](house.jpeg)\n")
    root = make_site({"content/2026/old-house.md": story, "content/2026/house.jpg": photo_with_gps(700, 400),
                      "content/2026/house.jpeg": photo_with_gps(600, 400)})
    result = run_cli("build", "--site", str(root))
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "two files would be written to 2026/03/14/past-the-old-house/house.jpg" in text
    assert "(resized from house.jpeg)" in text


def test_a_page_and_a_static_file_on_one_path_name_the_pages_entry(make_site: Callable[..., Path],
                                                                  run_cli: Callable[..., Result]) -> None:
    root = make_site({"content/pages/static.md": entry("title: Static\nslug: static\nvisibility: public", "Hi.\n"),
                      "static/index.html": "<!doctype html><p>mine</p>"})
    result = run_cli("build", "--site", str(root), "--journal")
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    assert "two files would be written to static/index.html" in text
    assert "the page of content/pages/static.md" in text and "the static file static/index.html" in text
    assert not (root / "output/journal").exists()
