"""Tests for how share cards are painted and encoded: the same pixels as drawing the whole card, a valid PNG."""

from __future__ import annotations

import io
import random
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from generator.outputs import card_canvas, card_png, cards
from generator.outputs.cards import CardSpec, CardStyle, Chip, draw_card, load_card_style

THEME = Path(__file__).resolve().parents[1] / "generator" / "themes" / "default"
CHIPS = (Chip("grief", "#5b4a8a", "#ffffff"), Chip("calm", "#8fb996", "#1f2a2e"), Chip("relieved", "#f3c5b5", "#1f2a2e"))
MANY = tuple(Chip(f"feeling {n}", "#2f6f62", "#ffffff") for n in range(10))
SPECS = [
    CardSpec("Past the old house", "14 March 2026", "8.2 km", CHIPS, "Miles and Feelings", "JoggingTherapy"),
    CardSpec("Past the old house", "14 March 2026", "8.2 km", CHIPS, "Miles and Feelings", "JoggingTherapy"),
    CardSpec("Ïjgpqy ÅÉÖ — the long way round the reservoir, when the wind kept telling me to turn back " * 2,
             "1 January 2010", "42.2 km", MANY, "Miles and Feelings", "JoggingTherapy"),
    CardSpec("Пробежка у моря — 海辺のラン 🏃 Ωμέγα", "", "5 mi", (), "", ""),
    CardSpec("", "", "", (), "", ""),
    CardSpec("Intervals", "", "", CHIPS[:1], "A site", "x" * 300),
    CardSpec("x" * 5000, "30 June 2026", "", (Chip("", "not-a-colour", "#fff"), Chip("x" * 300, "#f00", "#000")),
             "Miles and Feelings", "JoggingTherapy"),
]


@pytest.fixture(scope="module")
def style() -> CardStyle:
    """Return the default theme's card style."""
    return load_card_style(THEME)


def whole_card(spec: CardSpec, style: CardStyle) -> Image.Image:
    """Draw a card the plain way: every mark with Pillow's own calls, on a whole copy of the backdrop."""
    image = card_canvas._backdrop(cards._rgb(style.background, (255, 255, 255)), cards._rgb(style.accent)).copy()
    draw = ImageDraw.Draw(image)
    site, hashtag = cards._text(spec.site_title, style), cards._text(spec.hashtag, style)
    for mark in [*cards._frame_marks(site, hashtag, style), *cards._story_marks(spec, style)]:
        if isinstance(mark, card_canvas.Words):
            draw.text(mark.xy, mark.text, mark.ink, mark.font, anchor=mark.anchor)
        else:
            image.paste(mark.colour, mark.xy, card_canvas.pill_mask(mark.width, mark.height, mark.outlined))
    return image


def decoded(data: bytes) -> Image.Image:
    """Decode PNG bytes fully (checking every checksum)."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("spec", SPECS, ids=["plain", "again", "wrapped", "unicode", "bare", "one-chip", "huge"])
def test_a_card_has_the_pixels_of_drawing_it_whole(style: CardStyle, spec: CardSpec) -> None:
    assert decoded(draw_card(spec, style)).tobytes() == whole_card(spec, style).tobytes()


def test_the_same_line_at_another_sub_pixel_offset_is_drawn_anew(style: CardStyle) -> None:
    font = cards._font(style.font_bold, cards.CHIP_SIZE)
    whole = card_canvas._small_stamp(font, "calm", "mm", (0.0, 0.0))
    half = card_canvas._small_stamp(font, "calm", "mm", (0.5, 0.0))
    assert whole is not None and half is not None and whole is not half


def test_without_zlib_ng_the_picture_is_the_same(style: CardStyle, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = draw_card(SPECS[2], style)
    monkeypatch.setattr(card_png, "FAST", zlib)
    slow = draw_card(SPECS[2], style)
    assert decoded(fast).tobytes() == decoded(slow).tobytes()


@pytest.mark.parametrize("seed", range(5))
def test_adler32_of_parts_combines_into_that_of_the_whole(seed: int) -> None:
    rng = random.Random(seed)
    first, second = rng.randbytes(rng.randrange(0, 70_000)), rng.randbytes(rng.randrange(0, 70_000))
    combined = card_png.adler32_combine(zlib.adler32(first), zlib.adler32(second), len(second))
    assert combined == zlib.adler32(first + second)


def test_a_canvas_must_be_whole_bands_of_the_frame(style: CardStyle) -> None:
    frame = card_png.frame_rows(Image.new("RGB", (40, 35), (1, 2, 3)))
    with pytest.raises(ValueError, match="whole bands"):
        card_png.encode_png(frame, Image.new("RGB", (40, 10)), 5)
    with pytest.raises(ValueError, match="whole bands"):
        card_png.encode_png(frame, Image.new("RGB", (40, 7)), 10)
    last = Image.new("RGB", (40, 5), (9, 9, 9))  # the frame's last band is 5 rows high
    assert decoded(card_png.encode_png(frame, last, 30)).getpixel((0, 34)) == (9, 9, 9)
    assert decoded(card_png.encode_png(frame, None, 0)).getpixel((0, 0)) == (1, 2, 3)


def idat_rows(data: bytes) -> bytes:
    """Return the inflated image data of a PNG of one IDAT chunk (zlib checks its adler32)."""
    at = data.index(b"IDAT")
    length = int.from_bytes(data[at - 4:at], "big")
    return zlib.decompress(data[at + 4:at + 4 + length])


@pytest.mark.parametrize("seed", range(12))
def test_bands_like_the_frame_between_changed_ones_are_the_frame_own(seed: int) -> None:
    rng = random.Random(seed)
    width, height = rng.choice([(40, 35), (12, 60), (1200, 630)])
    backdrop = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    frame = card_png.frame_rows(backdrop)
    bands = -(-height // card_png.BAND_ROWS)
    first = rng.randrange(bands)
    last = rng.randrange(first + 1, bands + 1)
    top, bottom = first * card_png.BAND_ROWS, min(last * card_png.BAND_ROWS, height)
    card = backdrop.copy()
    for band in range(first, last):  # some bands differ, the others are the frame's
        if rng.random() < 0.5:
            row = band * card_png.BAND_ROWS + rng.randrange(min(card_png.BAND_ROWS, height - band * card_png.BAND_ROWS))
            card.putpixel((rng.randrange(width), row), (rng.randrange(256), 0, 7))
    data = card_png.encode_png(frame, card.crop((0, top, width, bottom)), top)
    assert idat_rows(data) == card_png.png_rows(card)
    assert decoded(data).tobytes() == card.tobytes()
    assert card_png.is_whole_png(data, (width, height))


@pytest.mark.parametrize("spec", SPECS[:3], ids=["plain", "again", "wrapped"])
def test_a_card_stream_inflates_to_the_rows_of_drawing_it_whole(style: CardStyle, spec: CardSpec) -> None:
    assert idat_rows(draw_card(spec, style)) == card_png.png_rows(whole_card(spec, style))


def test_text_that_cannot_be_stamped_is_drawn_in_place(style: CardStyle, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(card_canvas.Words, "stamp", lambda self: None)  # as for a font that is not FreeType
    for spec in SPECS[:3]:
        assert decoded(draw_card(spec, style)).tobytes() == whole_card(spec, style).tobytes()
