"""Lay out share cards: 1200x630 PNG images for public stories (card_store keeps them by what they show)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageColor, ImageFont, features

from generator.outputs import card_canvas
from generator.outputs.card_canvas import HEIGHT, MARGIN, WIDTH, Colour, Font, Mark, Pill, Words

CARD_VERSION = 3  # bump whenever drawing changes, so that every cached card is redrawn
TEXT_WIDTH = WIDTH - 2 * MARGIN
TITLE_SIZES = (76, 68, 62, 56, 50, 46)  # tried largest first
TITLE_LINES, TITLE_CHARS, LEADING = 3, 600, 1.12  # more than TITLE_CHARS never fits 3 lines
CONTENT_TOP, CONTENT_BOTTOM, FOOTER_BASELINE = 150, 500, HEIGHT - 62
META_CAP, META_TO_CHIPS = 22, 40  # the date line's cap height; its baseline to the chips
MAX_CHIPS, CHIP_ROWS, CHIP_SIZE, CHIP_LABEL = 6, 2, 23, 360
CHIP_HEIGHT, CHIP_PAD, CHIP_GAP = 46, 20, 12
ELLIPSIS, MISSING, UNASSIGNED = "\u2026", "\u25a1", "\U000f0000"  # "…", "□", a private use
COLOUR_KEYS = ("background", "foreground", "accent", "muted")
DEFAULT_CARD = {
    "background": "#f6f1e7",
    "foreground": "#1f2a2e",
    "accent": "#2f6f62",
    "muted": "#5b6770",
    "font_regular": "fonts/Inter-Regular.otf",
    "font_bold": "fonts/InterDisplay-Bold.otf",
}


@dataclass(frozen=True, slots=True)
class Chip:
    """An emotion named in a story, drawn as a coloured pill."""

    label: str  # the emotion's display name
    colour: str  # the pill's fill, any colour Pillow understands ("#rrggbb")
    text_colour: str  # the label's colour on that fill


@dataclass(frozen=True, slots=True)
class CardStyle:
    """The theme's look for share cards."""

    background: str  # paper colour
    foreground: str  # title, site name and distance
    accent: str  # track motif, separator dot and hashtag
    muted: str  # date and the "+N" chip
    font_regular: Path  # the regular face, absolute
    font_bold: Path  # the bold face, absolute


@dataclass(frozen=True, slots=True)
class CardSpec:
    """Everything one share card shows."""

    title: str  # the story's title
    date_text: str  # the run's date, already formatted
    distance_text: str  # e.g. "8.2 km"; "" when the run has none
    chips: tuple[Chip, ...]  # emotions, in the story's order
    site_title: str  # shown small at the top
    hashtag: str  # without "#"; "" for none


@dataclass(frozen=True, slots=True)
class _Pill:
    """A chip laid out in the chip area."""

    label: str  # as drawn, shortened if need be
    fill: Colour
    ink: Colour
    outlined: bool  # the "+N" chip is an outline, not a fill
    width: int
    x: int = 0  # from the left margin
    row: int = 0


def load_card_style(theme_dir: Path) -> CardStyle:
    """Read [card] from theme_dir/theme.toml, using defaults for what it leaves out."""
    path = theme_dir / "theme.toml"
    values = dict(DEFAULT_CARD)
    for key, value in _card_table(path).items():
        if not isinstance(value, str):
            raise ValueError(f"{path}: [card] {key} must be a string")
        values[key] = value
    for key in COLOUR_KEYS:
        try:
            ImageColor.getrgb(values[key])
        except ValueError:
            raise ValueError(f"{path}: [card] {key} = {values[key]!r} is not a colour") from None
    fonts = {key: (theme_dir / values[key]).resolve() for key in ("font_regular", "font_bold")}
    return CardStyle(**{key: values[key] for key in COLOUR_KEYS}, **fonts)


def _card_table(path: Path) -> dict[str, object]:
    """Return the known keys of the [card] table of a theme.toml ({} when there is none)."""
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle).get("card", {})
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from exc
    if not isinstance(table, dict):
        return {}
    return {key: value for key, value in table.items() if key in DEFAULT_CARD}


def file_stamp(path: Path) -> tuple[int, int]:
    """Return (mtime_ns, size) of a file, or (0, -1) when it cannot be read."""
    try:
        info = path.stat()
    except OSError:
        return (0, -1)
    return (info.st_mtime_ns, info.st_size)


def _font(path: Path, size: int, shaped: bool = False) -> Font:
    """Return the font at path in size; shaped fonts kern and shape, but measure slowly."""
    return _load_font(str(path), size, file_stamp(path), shaped)


@cache
def _load_font(path: str, size: int, stamp: tuple[int, int], shaped: bool) -> Font:
    """Load a font once per process, falling back to Pillow's own face if it is unreadable."""
    raqm = shaped and features.check("raqm")
    engine = ImageFont.Layout.RAQM if raqm else ImageFont.Layout.BASIC
    try:
        return ImageFont.truetype(path, size, layout_engine=engine)
    except OSError:
        return ImageFont.load_default(size)


@lru_cache(maxsize=8192)
def _length(font: Font, text: str) -> float:
    """Return the advance of text set in font (words, dates and labels come back often)."""
    return font.getlength(text)


@cache
def _cap_height(font: Font) -> int:
    """Return the height of a capital letter above the baseline."""
    return -int(font.getbbox("H", anchor="ls")[1])


@lru_cache(maxsize=256)
def _rgb(value: str, fallback: Colour = (0, 0, 0)) -> Colour:
    """Return value as an RGB triple, or fallback when it is not a colour."""
    try:
        red, green, blue = ImageColor.getrgb(value)[:3]
    except ValueError:
        return fallback
    return (red, green, blue)


def draw_card(spec: CardSpec, style: CardStyle) -> bytes:
    """Draw one share card and return it as PNG bytes (same input, same bytes)."""
    frame_marks = tuple(_frame_marks(_text(spec.site_title, style), _text(spec.hashtag, style), style))
    frame = card_canvas.frame(_rgb(style.background, (255, 255, 255)), _rgb(style.accent), frame_marks)
    return card_canvas.paint(frame, list(_story_marks(spec, style)))


def _story_marks(spec: CardSpec, style: CardStyle) -> Iterator[Mark]:
    """Yield what a story's own card shows, in drawing order: title lines, date and distance, chips."""
    date, distance = _text(spec.date_text, style), _text(spec.distance_text, style)
    chip_font = _font(style.font_bold, CHIP_SIZE)
    pills = _place_pills(spec.chips, chip_font, style)
    meta = META_CAP if date or distance else 0
    below = (meta + META_TO_CHIPS if meta else 0) + _pills_height(pills) if pills else meta
    size, lines = _fit_title(_text(spec.title, style), style.font_bold, below)
    font = _font(style.font_bold, size, shaped=True)
    title_height = _title_height(font, len(lines), below)
    y = CONTENT_TOP + max(0, CONTENT_BOTTOM - CONTENT_TOP - title_height - below) // 2
    cap, lead = _cap_height(font), round(size * LEADING)
    for index, line in enumerate(lines):
        yield Words((MARGIN, y + cap + index * lead), line, _rgb(style.foreground), font, "ls")
    y += title_height
    if meta:
        yield from _meta_marks((date, distance), y + META_CAP, style)
        y += META_CAP + META_TO_CHIPS
    yield from _pill_marks(pills, y, chip_font)


def _frame_marks(site: str, hashtag: str, style: CardStyle) -> Iterator[Words]:
    """Yield the site's name beside the header mark, and the hashtag at the bottom right."""
    font = _font(style.font_bold, 26)
    yield Words((MARGIN + 64, 74), _fit(site, font, TEXT_WIDTH - 64), _rgb(style.foreground), font, "lm")
    if hashtag:
        font = _font(style.font_bold, 28)
        tag = _fit(f"#{hashtag}", font, TEXT_WIDTH)
        yield Words((WIDTH - MARGIN, FOOTER_BASELINE), tag, _rgb(style.accent), font, "rs")


def _meta_marks(meta: tuple[str, str], baseline: int, style: CardStyle) -> Iterator[Mark]:
    """Yield the line with the date and, after a dot, the distance."""
    (date, distance), x = meta, MARGIN
    regular, bold = _font(style.font_regular, 30), _font(style.font_bold, 30)
    if date:
        date = _fit(date, regular, TEXT_WIDTH)
        yield Words((x, baseline), date, _rgb(style.muted), regular, "ls")
        x += round(_length(regular, date))
    if date and distance:
        yield Pill((x + 17, baseline - 15), _rgb(style.accent), 8, 8, False)
        x += 42
    if distance and x < WIDTH - MARGIN - 60:
        text = _fit(distance, bold, WIDTH - MARGIN - x)
        yield Words((x, baseline), text, _rgb(style.foreground), bold, "ls")


def _text(value: str, style: CardStyle) -> str:
    """Return value on one line, with characters the fonts lack turned into plain boxes."""
    text = " ".join(value.split())
    if text.isascii():
        return text
    face = (str(style.font_bold), file_stamp(style.font_bold))
    return "".join(MISSING if _lacks(*face, char) else char for char in text)


@cache
def _lacks(path: str, stamp: tuple[int, int], char: str) -> bool:
    """Return True when the font has no glyph for char, so would draw its "missing" glyph."""
    font = _load_font(path, 40, stamp, False)
    drawn, missing = font.getmask(char), font.getmask(UNASSIGNED)
    return bool(drawn.size[0]) and (drawn.size, bytes(drawn)) == (missing.size, bytes(missing))


def _title_height(font: Font, count: int, below: int) -> int:
    """Return the height of count title lines, plus the gap to what follows if anything does."""
    if not count:
        return 0
    size = getattr(font, "size", 10)
    gap = round(size * 0.42) + 14 if below else 0
    return _cap_height(font) + (count - 1) * round(size * LEADING) + gap


def _fit_title(title: str, font_path: Path, below: int) -> tuple[int, list[str]]:
    """Return the largest title size whose lines fit with below under them, and the lines."""
    if not title:
        return TITLE_SIZES[0], []
    text, truncated = title[:TITLE_CHARS], len(title) > TITLE_CHARS
    per_size = _length(_font(font_path, 100), text) / 100  # widths scale nearly with size
    for size in TITLE_SIZES:
        if size != TITLE_SIZES[-1] and per_size * size > TITLE_LINES * TEXT_WIDTH * 1.02:
            continue  # certainly more than three lines
        font = _font(font_path, size)
        lines, overflow = _wrap(text, font, TEXT_WIDTH, TITLE_LINES)
        fits = _title_height(font, len(lines), below) + below <= CONTENT_BOTTOM - CONTENT_TOP
        if fits and not (overflow or truncated):
            return size, lines
    if overflow or truncated:
        lines[-1] = _ellipsize(lines[-1], font, TEXT_WIDTH)
    return size, lines


def _wrap(text: str, font: Font, width: int, limit: int) -> tuple[list[str], bool]:
    """Wrap text into at most limit lines, hard-breaking long words; say if text is left over."""
    lines: list[str] = []
    line, used, space = "", 0.0, _length(font, " ")
    for word in text.split(" "):
        advance = _length(font, word)
        if line and used + space + advance <= width:
            line, used = f"{line} {word}", used + space + advance
            continue
        if line:
            lines.append(line)
        line, used = word, advance
        while len(lines) < limit and used > width:
            cut = max(1, _prefix_fitting(line, font, width))
            lines.append(line[:cut])
            line = line[cut:]
            used = _length(font, line)
        if len(lines) >= limit:
            return lines[:limit], True
    return lines + [line], False


def _prefix_fitting(text: str, font: Font, width: float, suffix: str = "") -> int:
    """Return how many leading characters of text fit width with suffix appended."""
    narrowest = getattr(font, "size", 10) * 0.2  # no visible glyph is narrower than this
    low, high = 0, min(len(text), int(width / narrowest))
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle] + suffix) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def _ellipsize(text: str, font: Font, width: float) -> str:
    """Return text cut short enough to end in an ellipsis within width."""
    return text[: _prefix_fitting(text, font, width, ELLIPSIS)].rstrip() + ELLIPSIS


def _fit(text: str, font: Font, width: float) -> str:
    """Return text unchanged if it fits width, else shortened with an ellipsis."""
    return text if _length(font, text) <= width else _ellipsize(text, font, width)


def _place_pills(chips: Sequence[Chip], font: Font, style: CardStyle) -> list[_Pill]:
    """Lay chips out in at most CHIP_ROWS rows, folding the rest into a "+N" chip."""
    accent, paper, muted = _rgb(style.accent), _rgb(style.background), _rgb(style.muted)
    pills = []
    for chip in chips[:MAX_CHIPS]:
        label = _fit(_text(chip.label, style), font, CHIP_LABEL)
        fill, ink = _rgb(chip.colour, accent), _rgb(chip.text_colour, paper)
        pills.append(_Pill(label, fill, ink, False, round(_length(font, label)) + 2 * CHIP_PAD))
    for shown in range(len(pills), -1, -1):
        wanted = pills[:shown]
        if len(chips) > shown:
            label = f"+{len(chips) - shown}"
            width = round(_length(font, label)) + 2 * CHIP_PAD
            wanted.append(_Pill(label, muted, muted, True, width))
        placed = _flow(wanted)
        if placed is not None:
            return placed
    return []


def _flow(pills: list[_Pill]) -> list[_Pill] | None:
    """Place pills left to right, wrapping rows; None if they need more than CHIP_ROWS."""
    placed: list[_Pill] = []
    x, row = 0, 0
    for pill in pills:
        if x and x + pill.width > TEXT_WIDTH:
            x, row = 0, row + 1
        if row >= CHIP_ROWS:
            return None
        placed.append(replace(pill, x=x, row=row))
        x += pill.width + CHIP_GAP
    return placed


def _pills_height(pills: list[_Pill]) -> int:
    """Return the height that placed chips take."""
    rows = 1 + max((pill.row for pill in pills), default=-1)
    return rows * CHIP_HEIGHT + max(0, rows - 1) * CHIP_GAP


def _pill_marks(pills: list[_Pill], top: int, font: Font) -> Iterator[Mark]:
    """Yield placed chips as anti-aliased pills with centred labels."""
    for pill in pills:
        x, y = MARGIN + pill.x, top + pill.row * (CHIP_HEIGHT + CHIP_GAP)
        yield Pill((x, y), pill.fill, pill.width, CHIP_HEIGHT, pill.outlined)
        yield Words((x + pill.width / 2, y + CHIP_HEIGHT / 2 + 1), pill.label, pill.ink, font, "mm")
