"""Paint share cards: a frame drawn once per look, and only the rows a story's own marks touch.

Every card of a site shares its frame (paper, running-track lanes, header mark, site name and
hashtag). A card copies just the band of the frame its title, date and chips fall in, draws them
there, and card_png splices that band between the frame's rows, compressed once. A line of text
is rendered once into a mask (a stamp) for each sub-pixel offset it falls at, and a stamp or chip
over one plain colour is pasted as a tile made once (a small one: a title line's is inked in
place, as its tile would seldom be met again). The pixels are those of drawing everything
with Pillow on a whole copy of the frame: the same masks, blended the same way, in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageChops, ImageDraw, ImageFont

from generator.outputs.card_png import BAND_ROWS, FrameRows, encode_png, frame_rows

WIDTH, HEIGHT, MARGIN = 1200, 630, 80
SUPERSAMPLE = 4  # shapes are drawn large and shrunk, as Pillow does not anti-alias them
SMALL_TEXT = 40  # text set smaller than this (dates, distances, chips) is kept in a larger stamp cache
BIG_TILE = 20_000  # pixels: a stamp this large (a title line) is inked in place, never made a tile

Colour = tuple[int, int, int]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True, slots=True)
class Words:
    """A line of text to draw."""

    xy: tuple[float, float]  # where its anchor sits
    text: str
    ink: Colour
    font: Font
    anchor: str  # Pillow's two-letter anchor, e.g. "ls" (left, baseline)

    def rows(self) -> tuple[int, int]:
        """Return the rows its glyphs may touch, top inclusive, bottom exclusive."""
        found = self.stamp()
        if found is None:
            return 0, HEIGHT  # drawn in place, with no sure box: the whole card is painted
        stamp, (_, y) = found
        return y, y + stamp.mask.height

    def stamp(self) -> tuple[Stamp, tuple[int, int]] | None:
        """Return its text's stamp and where the stamp goes, or None when it must be drawn in place (not FreeType)."""
        if not isinstance(self.font, ImageFont.FreeTypeFont):
            return None
        (x_part, x), (y_part, y) = math.modf(self.xy[0]), math.modf(self.xy[1])
        cached = _small_stamp if self.font.size < SMALL_TEXT else _large_stamp
        stamp = cached(self.font, self.text, self.anchor, (x_part, y_part))
        return stamp, (int(x) + stamp.left, int(y) + stamp.top)


@dataclass(frozen=True, slots=True, eq=False)
class Stamp:
    """A line of text drawn once as a mask, to be inked wherever the same line falls at the same sub-pixel offset."""

    mask: Image.Image  # "L": the glyphs' coverage, as Pillow draws them
    left: int  # where the mask goes, from the whole pixel the text is anchored at
    top: int


@dataclass(frozen=True, slots=True)
class Pill:
    """A rounded shape in one colour: a chip, or the dot between date and distance."""

    xy: tuple[int, int]  # its top left corner
    colour: Colour
    width: int
    height: int
    outlined: bool  # an outline (the "+N" chip), not a fill

    def rows(self) -> tuple[int, int]:
        """Return the rows it covers, top inclusive, bottom exclusive."""
        return self.xy[1], self.xy[1] + self.height


Mark = Words | Pill
Box = tuple[int, int, int, int]  # left, top, right, bottom, in the card's pixels


@dataclass(frozen=True, slots=True)
class Frame:
    """What every card of one look shares: the picture, and its PNG rows ready to splice."""

    image: Image.Image  # 1200x630 RGB
    rows: FrameRows
    paper: Colour  # the backdrop's colour, under most of the card
    first_ink: tuple[int, ...]  # per row: the first column that is not paper (WIDTH when there is none)
    last_ink: tuple[int, ...]  # per row: the column after the last that is not paper (0 when there is none)

    def plain(self, box: Box) -> bool:
        """Return True when the frame is all paper within box (left, top, right, bottom)."""
        left, top, right, bottom = box
        if left < 0 or top < 0 or right > WIDTH or bottom > HEIGHT or top >= bottom:
            return False
        return min(self.first_ink[top:bottom]) >= right or max(self.last_ink[top:bottom]) <= left


def paint(frame: Frame, marks: Sequence[Mark]) -> bytes:
    """Draw marks over the frame and return the card as PNG bytes."""
    if not marks:
        return encode_png(frame.rows, None, 0)
    spans = [mark.rows() for mark in marks]
    top = max(0, min(span[0] for span in spans)) // BAND_ROWS * BAND_ROWS
    bottom = min(HEIGHT, -(-max(span[1] for span in spans) // BAND_ROWS) * BAND_ROWS)
    if bottom <= top:
        return encode_png(frame.rows, None, 0)
    canvas = frame.image.crop((0, top, WIDTH, bottom))
    _draw(canvas, marks, top, frame)
    return encode_png(frame.rows, canvas, top)


def _draw(canvas: Image.Image, marks: Sequence[Mark], top: int, frame: Frame | None = None) -> None:
    """Draw marks in order on a canvas whose first row is row `top` of the card (a crop of frame, if given).

    A small mark over one plain colour (the frame's paper, or a chip's fill) is pasted as a ready
    tile of itself on that colour: the blend Pillow would do there, done once.
    """
    draw = ImageDraw.Draw(canvas)
    done: list[tuple[Box | None, Mark]] = []  # what is drawn so far, with its box (None: not known)
    for mark in marks:
        if isinstance(mark, Words):
            found = mark.stamp()
            if found is None:
                draw.text((mark.xy[0], mark.xy[1] - top), mark.text, mark.ink, mark.font, anchor=mark.anchor)
                done.append((None, mark))
                continue
            stamp, (x, y) = found
            box = (x, y, x + stamp.mask.width, y + stamp.mask.height)
            under = None if stamp.mask.width * stamp.mask.height >= BIG_TILE else _under(frame, box, done)
            if under is None:
                _ink(canvas, mark.ink, (x, y - top), stamp.mask)
            else:
                canvas.paste(_text_tile(stamp, mark.ink, under), (x, y - top))
        else:
            (x, y), box = mark.xy, (*mark.xy, mark.xy[0] + mark.width, mark.xy[1] + mark.height)
            under = _under(frame, box, done)
            if under is None:
                _ink(canvas, mark.colour, (x, y - top), pill_mask(mark.width, mark.height, mark.outlined))
            else:
                canvas.paste(_pill_tile(mark.width, mark.height, mark.outlined, mark.colour, under), (x, y - top))
        done.append((box, mark))


def _ink(canvas: Image.Image, colour: Colour, xy: tuple[int, int], mask: Image.Image) -> None:
    """Ink a colour through a mask at xy, as `canvas.paste(colour, xy, mask)` does, byte for byte.

    Pasting an image of that one colour blends each pixel the same way, in about a third of the time.
    """
    canvas.paste(Image.new(canvas.mode, mask.size, colour), xy, mask)


def _under(frame: Frame | None, box: Box, done: list[tuple[Box | None, Mark]]) -> Colour | None:
    """Return the one colour the canvas has within box so far, or None when it may have more."""
    if frame is None:
        return None
    below = [(other, mark) for other, mark in done if other is None or _overlap(box, other)]
    if not below:
        return frame.paper if frame.plain(box) else None
    if len(below) == 1 and isinstance(below[0][1], Pill):
        other, pill = below[0]
        assert other is not None
        inside = (box[0] - other[0], box[1] - other[1], box[2] - other[0], box[3] - other[1])
        return pill.colour if _solid(pill.width, pill.height, pill.outlined, inside) else None
    return None


def _overlap(one: Box, other: Box) -> bool:
    """Return True when two boxes share a pixel."""
    return one[0] < other[2] and other[0] < one[2] and one[1] < other[3] and other[1] < one[3]


@lru_cache(maxsize=1024)
def _solid(width: int, height: int, outlined: bool, inside: Box) -> bool:
    """Return True when a pill covers the box (relative to its corner) fully, so shows only its colour there."""
    if inside[0] < 0 or inside[1] < 0 or inside[2] > width or inside[3] > height:
        return False
    return pill_mask(width, height, outlined).crop(inside).getextrema() == (255, 255)


@lru_cache(maxsize=512)
def _text_tile(stamp: Stamp, ink: Colour, under: Colour) -> Image.Image:
    """Return a small stamp (chip label, date, distance) inked on one colour, as Pillow would ink it there."""
    tile = Image.new("RGB", stamp.mask.size, under)
    _ink(tile, ink, (0, 0), stamp.mask)
    return tile


@lru_cache(maxsize=256)
def _pill_tile(width: int, height: int, outlined: bool, colour: Colour, under: Colour) -> Image.Image:
    """Return a pill drawn on one colour, as Pillow would draw it on a canvas of that colour."""
    tile = Image.new("RGB", (width, height), under)
    _ink(tile, colour, (0, 0), pill_mask(width, height, outlined))
    return tile


def _stamp(font: ImageFont.FreeTypeFont, text: str, anchor: str, start: tuple[float, float]) -> Stamp:
    """Render a line of text as a mask, anchored at the sub-pixel offset start.

    Pillow draws text at (x, y) by rendering its glyphs at the offset (x mod 1, y mod 1) with
    getmask2 and inking that mask from the whole pixel plus the offset it gives; the stamp is that
    mask and offset, so inking it gives the same pixels.
    """
    mask, (left, top) = font.getmask2(text, "L", anchor=anchor, start=start)
    return Stamp(Image.Image()._new(mask), left, top)  # the mask as an image, as Pillow's own modules wrap one


_small_stamp = lru_cache(maxsize=1024)(_stamp)  # dates, distances, chip labels
_large_stamp = lru_cache(maxsize=128)(_stamp)  # title lines, which repeat less and weigh more


@lru_cache(maxsize=8)
def frame(background: Colour, accent: Colour, marks: tuple[Words, ...]) -> Frame:
    """Return the frame of one look: the backdrop with the site's name and hashtag drawn on it."""
    image = _backdrop(background, accent).copy()
    _draw(image, marks, 0)
    first_ink, last_ink = _ink_columns(image, background)
    return Frame(image, frame_rows(image), background, first_ink, last_ink)


def _ink_columns(image: Image.Image, paper: Colour) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Return, for each row, the first column that is not paper and the column after the last one."""
    difference = ImageChops.difference(image, Image.new("RGB", image.size, paper))
    first, last = [], []
    for row in range(image.height):
        box = difference.crop((0, row, image.width, row + 1)).getbbox()
        first.append(image.width if box is None else box[0])
        last.append(0 if box is None else box[2])
    return tuple(first), tuple(last)


@lru_cache(maxsize=512)
def pill_mask(width: int, height: int, outlined: bool) -> Image.Image:
    """Return an anti-aliased mask of a pill, filled or outlined."""
    big = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 0)
    box, radius = (0, 0, big.width - 1, big.height - 1), big.height // 2
    stroke = 2 * SUPERSAMPLE if outlined else 0
    ImageDraw.Draw(big).rounded_rectangle(box, radius, None if outlined else 255, 255, stroke)
    return big.reduce(SUPERSAMPLE)


@lru_cache(maxsize=8)
def _backdrop(paper: Colour, ink: Colour) -> Image.Image:
    """Return the fixed part of every card: paper, running-track lanes and the header mark."""
    s = SUPERSAMPLE
    lane = tuple(round(a * 0.16 + b * 0.84) for a, b in zip(ink, paper))
    big = Image.new("RGB", (WIDTH * s, HEIGHT * s), paper)
    draw = ImageDraw.Draw(big)
    cx, cy = (WIDTH + 70) * s, (HEIGHT + 90) * s
    for radius in range(210 * s, 450 * s, 34 * s):
        ring = (cx - radius, cy - radius, cx + radius, cy + radius)
        draw.ellipse(ring, outline=lane, width=3 * s)
    mark = (MARGIN * s, 61 * s, (MARGIN + 46) * s, 87 * s)  # a tiny track, with a runner
    draw.rounded_rectangle(mark, 13 * s, outline=ink, width=4 * s)
    draw.ellipse(((MARGIN + 30) * s, 57 * s, (MARGIN + 42) * s, 69 * s), fill=ink)
    return big.reduce(s)
