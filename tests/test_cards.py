"""Tests for share cards: the image, its determinism, the layout limits and the cache."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageFont

from generator.incremental import parallel
from generator.outputs import card_store, cards
from generator.outputs.card_store import card_key, render_cards
from generator.outputs.cards import (
    CardSpec,
    CardStyle,
    Chip,
    draw_card,
    load_card_style,
)

THEME = Path(__file__).resolve().parents[1] / "generator" / "themes" / "default"
CHIPS = (
    Chip("grief", "#5b4a8a", "#ffffff"),
    Chip("calm", "#8fb996", "#1f2a2e"),
    Chip("relieved", "#f3c5b5", "#1f2a2e"),
)


@pytest.fixture(scope="module")
def style() -> CardStyle:
    """Return the default theme's card style."""
    return load_card_style(THEME)


def spec(
    title: str = "Past the old house", chips: tuple[Chip, ...] = CHIPS, **fields: str
) -> CardSpec:
    """Return a card spec with sensible values, overridden by the arguments."""
    values = {
        "date_text": "14 March 2026",
        "distance_text": "8.2 km",
        "site_title": "Miles and Feelings",
        "hashtag": "JoggingTherapy",
    }
    return CardSpec(title=title, chips=chips, **(values | fields))


def open_png(data: bytes) -> Image.Image:
    """Decode PNG bytes fully, failing the test if they are not a valid image."""
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


def test_theme_declares_its_card_look_and_ships_loadable_fonts(style: CardStyle) -> None:
    assert (style.background, style.foreground) == ("#f6f1e7", "#1f2a2e")
    for path in (style.font_regular, style.font_bold):
        assert path.is_file() and path.parent == THEME / "fonts"
        assert ImageFont.truetype(str(path), 40).getlength("Footfall") > 0
    assert (THEME / "fonts" / "OFL.txt").read_text().count("SIL OPEN FONT LICENSE") == 1


def test_missing_theme_toml_gives_defaults(tmp_path: Path) -> None:
    style = load_card_style(tmp_path)
    assert style.accent == cards.DEFAULT_CARD["accent"]
    assert style.font_bold == (tmp_path / cards.DEFAULT_CARD["font_bold"]).resolve()


def test_partial_card_table_keeps_other_defaults(tmp_path: Path) -> None:
    (tmp_path / "theme.toml").write_text('name = "x"\n[card]\naccent = "#123456"\n')
    style = load_card_style(tmp_path)
    assert (style.accent, style.muted) == ("#123456", cards.DEFAULT_CARD["muted"])


def test_bad_colour_is_reported_with_the_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "theme.toml").write_text('[card]\nbackground = "papery"\n')
    message = r"theme.toml: \[card\] background = 'papery' is not a colour"
    with pytest.raises(ValueError, match=message):
        load_card_style(tmp_path)


def test_card_is_a_1200_by_630_rgb_png(style: CardStyle) -> None:
    image = open_png(draw_card(spec(), style))
    assert (image.size, image.mode) == ((1200, 630), "RGB")
    assert image.info == {}  # no metadata


def test_card_is_not_blank_and_shows_the_chip_colours(style: CardStyle) -> None:
    image = open_png(draw_card(spec(), style))
    colours = {rgb for _, rgb in image.getcolors(maxcolors=1_000_000)}
    assert len(colours) > 100
    for chip in CHIPS:
        assert Image.new("RGB", (1, 1), chip.colour).getpixel((0, 0)) in colours
    assert (0x1F, 0x2A, 0x2E) in colours  # the title's ink


def test_same_input_gives_the_same_bytes(style: CardStyle) -> None:
    assert draw_card(spec(), style) == draw_card(spec(), style)
    assert draw_card(spec(), style) != draw_card(spec(title="Another run"), style)


@pytest.mark.parametrize(
    "title",
    [
        "The long way round the reservoir, when the wind kept telling me to turn back " * 4,
        "Supercalifragilisticexpialidocious" * 12,
        "Пробежка у моря — 海辺のラン 🏃 Ωμέγα — ركض على الشاطئ",
        "",
        "   \t\n ",
        "x" * 5000,
    ],
    ids=["long", "long-word", "unicode", "empty", "blank", "huge"],
)
def test_awkward_titles_still_draw(style: CardStyle, title: str) -> None:
    assert open_png(draw_card(spec(title), style)).size == (1200, 630)


def test_empty_and_strange_fields_still_draw(style: CardStyle) -> None:
    odd = (Chip("", "not-a-colour", "#fff"), Chip("x" * 300, "#ff0000", "#000000"))
    bare = CardSpec("", "", "", (), "", "")
    assert open_png(draw_card(bare, style)).size == (1200, 630)
    assert open_png(draw_card(spec(chips=odd, hashtag="#" * 400), style)).size == (1200, 630)


def test_characters_the_font_lacks_become_plain_boxes(style: CardStyle) -> None:
    assert cards._text("  海辺 run\t🏃 Ωμέγα ", style) == "\u25a1\u25a1 run \u25a1 Ωμέγα"


def test_missing_font_files_fall_back_instead_of_crashing(tmp_path: Path) -> None:
    style = load_card_style(tmp_path)  # defaults point at fonts that are not there
    assert open_png(draw_card(spec(), style)).size == (1200, 630)


def test_title_wraps_to_three_lines_ending_in_an_ellipsis(style: CardStyle) -> None:
    size, lines = cards._fit_title("word " * 200, style.font_bold, 0)
    assert size == min(cards.TITLE_SIZES) and len(lines) == 3 and lines[-1].endswith("\u2026")
    size, lines = cards._fit_title("A" * 120, style.font_bold, 0)
    font = cards._font(style.font_bold, size)
    assert len(lines) == 3 and all(font.getlength(line) <= cards.TEXT_WIDTH for line in lines)


def test_short_titles_stay_large_and_long_ones_shrink(style: CardStyle) -> None:
    short, _ = cards._fit_title("Intervals", style.font_bold, 120)
    long, lines = cards._fit_title("a gentle run along the canal " * 4, style.font_bold, 120)
    assert short == max(cards.TITLE_SIZES) and long < short and len(lines) <= 3


def test_chips_stop_at_six_then_count_the_rest(style: CardStyle) -> None:
    many = tuple(Chip(f"feeling {n}", "#2f6f62", "#ffffff") for n in range(10))
    pills = cards._place_pills(many, cards._font(style.font_bold, cards.CHIP_SIZE), style)
    assert [pill.label for pill in pills][-1] == f"+{10 - (len(pills) - 1)}"
    assert len(pills) <= 7 and max(pill.row for pill in pills) < cards.CHIP_ROWS


def test_key_covers_spec_style_and_font_bytes(style: CardStyle, tmp_path: Path) -> None:
    key = card_key(spec(), style)
    assert len(key) == 64 and key == card_key(spec(), style)
    assert key != card_key(spec(hashtag=""), style)
    assert key != card_key(spec(), CardStyle(**{**_fields(style), "accent": "#000000"}))
    font = tmp_path / "font.otf"
    shutil.copyfile(style.font_bold, font)
    copied = CardStyle(**{**_fields(style), "font_bold": font})
    assert card_key(spec(), copied) == key  # same bytes, other path
    font.write_bytes(font.read_bytes() + b"\0")
    assert card_key(spec(), copied) != key


def _fields(style: CardStyle) -> dict[str, object]:
    """Return a style's fields as a dict."""
    return {name: getattr(style, name) for name in CardStyle.__slots__}


def test_cards_are_cached_and_not_redrawn(
    style: CardStyle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = {"a": spec(), "b": spec(title="Second wind")}
    first = render_cards(specs, style, tmp_path)
    files = sorted(tmp_path.iterdir())
    assert [f.name for f in files] == sorted(f"{card_key(s, style)}.png" for s in specs.values())
    stamps = [f.stat().st_mtime_ns for f in files]
    monkeypatch.setattr(cards, "draw_card", _refuse_to_draw)
    assert render_cards(specs, style, tmp_path) == first
    assert [f.stat().st_mtime_ns for f in files] == stamps


def _refuse_to_draw(spec: CardSpec, style: CardStyle) -> bytes:
    """Fail the test: a cached card was drawn again."""
    raise AssertionError("a cached card was drawn again")


def test_identical_specs_are_drawn_once(style: CardStyle, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[CardSpec] = []

    def counting(card: CardSpec, card_style: CardStyle) -> bytes:
        calls.append(card)
        return b"png"

    monkeypatch.setattr(cards, "draw_card", counting)
    assert render_cards({"a": spec(), "b": spec()}, style, None) == {"a": b"png", "b": b"png"}
    assert len(calls) == 1


DAMAGE: list[Callable[[bytes], bytes]] = [
    lambda png: png[: len(png) // 2],
    lambda png: b"",
    lambda png: png[:-5] + b"xxxxx",
    lambda png: png[:2000] + bytes([png[2000] ^ 1]) + png[2001:],
]


@pytest.mark.parametrize("damage", DAMAGE, ids=["truncated", "empty", "bad-end", "flipped-bit"])
def test_broken_cache_entry_is_redrawn(
    style: CardStyle, tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    good = render_cards({"a": spec()}, style, tmp_path)["a"]
    path = tmp_path / f"{card_key(spec(), style)}.png"
    path.write_bytes(damage(good))
    assert render_cards({"a": spec()}, style, tmp_path)["a"] == good
    assert path.read_bytes() == good


def test_unwritable_cache_is_not_fatal(style: CardStyle, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    result = render_cards({"a": spec()}, style, blocker / "cache")
    assert open_png(result["a"]).size == (1200, 630)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_read_only_cache_dir_is_not_fatal(style: CardStyle, tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        assert "a" in render_cards({"a": spec()}, style, tmp_path)
    finally:
        tmp_path.chmod(0o700)


def test_parallel_drawing_gives_the_same_bytes_as_serial(style: CardStyle, tmp_path: Path) -> None:
    specs = {f"run-{n}": spec(title=f"Run number {n}", chips=CHIPS[: n % 4]) for n in range(12)}
    serial = render_cards(specs, style, None, workers=1)
    parallel = render_cards(specs, style, tmp_path, workers=2)
    assert parallel == serial and list(parallel) == list(specs)
    assert len(list(tmp_path.glob("*.png"))) == 12 and not list(tmp_path.glob(".*"))


def test_drawing_spread_by_the_forked_map_gives_the_same_bytes_as_serial(style: CardStyle, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    specs = {f"run-{n}": spec(title=f"Run number {n}", chips=CHIPS[: n % 4]) for n in range(40)}
    serial = render_cards(specs, style, None, workers=1)
    monkeypatch.setattr(parallel, "SMALLEST_CHUNK", 1)  # many chunks: the worker and this process both draw
    forked = []

    def job_map(job: Callable[[int], bytes], count: int) -> object:
        forked.append(count)
        return parallel.indexed_map(job, count, processes=2, in_order=True)

    drawn = dict(card_store.iter_cards(specs, style, tmp_path, job_map=job_map))
    assert drawn == serial and list(drawn) == list(specs) and forked == [39]
    assert len(list(tmp_path.glob("*.png"))) == 40 and not list(tmp_path.glob(".*"))


def test_without_worker_processes_cards_are_drawn_serially(
    style: CardStyle, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = {f"run-{n}": spec(title=f"Run number {n}") for n in range(10)}
    serial = render_cards(specs, style, None, workers=1)

    def no_processes(*args: object, **kwargs: object) -> None:
        raise PermissionError("no semaphores here")

    monkeypatch.setattr(card_store, "ProcessPoolExecutor", no_processes)
    assert render_cards(specs, style, None, workers=2) == serial


def test_build_profile_says_how_many_cards_were_drawn_and_how_fast(make_site, run_cli) -> None:
    from tests.conftest import entry

    site = make_site({f"content/r{n}.md": entry(f"title: Run {n}\ndate: 2026-03-0{n + 1}\nvisibility: public", "Words.\n")
                      for n in range(3)})
    first = run_cli("build", "--site", str(site), "--profile")
    assert first.exit_code == 0, first.output
    assert "cards: 3 in " in first.output and " per second)" in first.output
    again = run_cli("build", "--site", str(site), "--profile")  # all cached (or nothing changed): none drawn
    assert again.exit_code == 0 and "cards:" not in again.output
