"""A public build keeps each live share card whose key is unchanged, and still makes the clean build's bytes."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from generator.deploy.output import Staging
from generator.incremental.digest import hash_bytes
from generator.incremental.ledger import OutputLedger
from generator.outputs import card_store, cards, sharing
from generator.outputs.cards import CardSpec, CardStyle
from generator.outputs.files import FileProducer
from generator.outputs.registry import Claim, UnclaimedFile, claimed_keep
from tests.conftest import SITE_TOML, entry
from tests.test_clean_build import assert_equals_clean, edit

FONTS = Path(cards.__file__).resolve().parent.parent / "themes" / "default" / "fonts"
THEME = 'extends = "default"\n\n[card]\naccent = "#2f6f62"\nfont_bold = "fonts/Bold.otf"\n'
CARD = "output/public/2026/03/{day:02d}/run-{n}/card.png"


def story(n: int, title: str = "") -> str:
    """Return a public story with a title, a date, a distance and emotions."""
    return entry(f"title: {title or f'Run {n}'}\nslug: run-{n}\ndate: 2026-03-{n + 1:02d}\nvisibility: public\n"
                 f"distance: {n + 3} km\nemotions: [calm, {('grief', 'joy', 'anxious')[n % 3]}]", f"Run number {n}.\n")


@pytest.fixture
def site(make_site: Callable[..., Path]) -> Path:
    """Return a site of four public stories and a private run, on a theme of its own with a font of its own."""
    files: dict[str, str | bytes] = {f"content/run-{n}.md": story(n) for n in range(4)}
    files["content/secret.md"] = entry("title: Not shared\ndate: 2026-03-09\nvisibility: private")
    files["themes/mine/theme.toml"] = THEME
    files["themes/mine/templates/_mine.html"] = "{# a theme needs a templates folder #}\n"
    files["themes/mine/fonts/Bold.otf"] = (FONTS / "InterDisplay-Bold.otf").read_bytes()
    return make_site(files, SITE_TOML + 'theme = "mine"\n')


def card_of(site: Path, n: int) -> Path:
    """Return the path of story n's share card."""
    return site / CARD.format(day=n + 1, n=n)


def body_edit(site: Path) -> None:
    """Add a line to one story's body."""
    with (site / "content/run-1.md").open("a", encoding="utf-8") as out:
        out.write("\nOne more line, written after the run.\n")


def title_edit(site: Path) -> None:
    """Give one story another title."""
    edit(site / "content/run-2.md", "title: Run 2", "title: Second wind")


def slug_rename(site: Path) -> None:
    """Move one story to another URL."""
    edit(site / "content/run-3.md", "slug: run-3", "slug: run-three")


def file_rename(site: Path) -> None:
    """Move one story's file."""
    (site / "content/run-0.md").rename(site / "content/first.md")


def site_title(site: Path) -> None:
    """Give the site another name (on every card)."""
    edit(site / "site.toml", 'title = "Test Journal"', 'title = "Other Journal"')


def hashtag(site: Path) -> None:
    """Change the hashtag (on every card)."""
    edit(site / "site.toml", 'hashtag = "JoggingTherapy"', 'hashtag = "RunItOff"')


def units(site: Path) -> None:
    """Show distances in miles."""
    edit(site / "site.toml", 'per_page = 5', 'per_page = 5\nunits = "mi"')


def card_colour(site: Path) -> None:
    """Change the theme's accent colour for cards."""
    edit(site / "themes/mine/theme.toml", 'accent = "#2f6f62"', 'accent = "#8a3b12"')


def theme_rename(site: Path) -> None:
    """Rename the theme, keeping what it holds."""
    (site / "themes/mine").rename(site / "themes/ours")
    edit(site / "site.toml", 'theme = "mine"', 'theme = "ours"')


def font_change(site: Path) -> None:
    """Put other glyphs in the theme's card font file, under the same name."""
    (site / "themes/mine/fonts/Bold.otf").write_bytes((FONTS / "Inter-Regular.otf").read_bytes())


CHANGES = [body_edit, title_edit, slug_rename, file_rename, site_title, hashtag, units, card_colour, theme_rename,
           font_change]


@pytest.mark.parametrize("change", CHANGES, ids=[c.__name__ for c in CHANGES])
def test_cards_after_a_change_are_the_clean_builds(site: Path, change: Callable[[Path], None],
                                                   run_cli: Callable[..., Result]) -> None:
    assert_equals_clean(site, "public", run_cli)
    change(site)
    assert_equals_clean(site, "public", run_cli)


def test_a_body_edit_neither_draws_nor_reads_a_card(site: Path, run_cli: Callable[..., Result],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli("build", "--site", str(site)).exit_code == 0
    stamps = [card_of(site, n).stat().st_mtime_ns for n in range(4)]
    monkeypatch.setattr(cards, "draw_card", refuse)
    monkeypatch.setattr(card_store, "_read_cached", refuse)
    body_edit(site)
    result = run_cli("build", "--site", str(site), "--profile")
    assert result.exit_code == 0, result.output
    assert "cards:" not in result.output
    assert [card_of(site, n).stat().st_mtime_ns for n in range(4)] == stamps


def test_a_body_edit_works_out_no_card(site: Path, run_cli: Callable[..., Result],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli("build", "--site", str(site)).exit_code == 0
    monkeypatch.setattr(sharing, "card_spec", refuse)  # the live cards are kept as the last build left them
    body_edit(site)
    assert run_cli("build", "--site", str(site)).exit_code == 0
    monkeypatch.undo()
    assert_equals_clean(site, "public", run_cli)


def test_a_title_from_a_heading_is_on_the_card(site: Path, run_cli: Callable[..., Result]) -> None:
    (site / "content/run-0.md").write_text(entry("slug: run-0\ndate: 2026-03-01\nvisibility: public",
                                                 "# Up the hill\n\nRun number 0.\n"), "utf-8")
    assert_equals_clean(site, "public", run_cli)
    edit(site / "content/run-0.md", "# Up the hill", "# Down the hill")  # the body's heading: the title
    assert_equals_clean(site, "public", run_cli)


def test_a_title_edit_draws_that_card_alone(site: Path, run_cli: Callable[..., Result],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_cli("build", "--site", str(site)).exit_code == 0
    drawn: list[CardSpec] = []
    draw = cards.draw_card

    def counting(spec: CardSpec, style: CardStyle) -> bytes:
        drawn.append(spec)
        return draw(spec, style)

    monkeypatch.setattr(cards, "draw_card", counting)
    monkeypatch.setattr(card_store, "_read_cached", refuse)
    title_edit(site)
    result = run_cli("build", "--site", str(site), "--profile")
    assert result.exit_code == 0, result.output
    assert [spec.title for spec in drawn] == ["Second wind"] and "cards: 1 in " in result.output


def test_a_damaged_live_card_is_made_again(site: Path, run_cli: Callable[..., Result]) -> None:
    assert_equals_clean(site, "public", run_cli)
    card = card_of(site, 2)
    card.write_bytes(card.read_bytes()[:-5] + b"xxxxx")
    assert_equals_clean(site, "public", run_cli)


def refuse(*args: object) -> bytes:
    """Fail the test: a card was drawn or read though its live file has its key."""
    raise AssertionError("a kept card was drawn or read")


def test_a_file_staged_by_its_bytes_is_hashed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[bytes] = []

    def counting(data: bytes) -> str:
        hashed.append(data)
        return hash_bytes(data)

    monkeypatch.setattr("generator.incremental.ledger.hash_bytes", counting)
    staging = Staging(tmp_path / "out")
    staging.begin()
    ledger = OutputLedger(staging, {})
    ledger.put("a.txt", None, b"words")
    ledger.put("b.txt", "made-from", b"more words")
    assert hashed == [b"words", b"more words"]
    ledger.commit()
    rows = {path: (row.digest, row.hash, row.size) for path, row in ledger.rows.items()}
    assert rows == {"a.txt": (hash_bytes(b"words"), hash_bytes(b"words"), 5),
                    "b.txt": ("made-from", hash_bytes(b"more words"), 10)}
    assert (tmp_path / "out/b.txt").read_bytes() == b"more words"


def test_keeping_a_path_the_producer_did_not_claim_is_refused() -> None:
    producer = FileProducer("card_files", lambda making: [], lambda making: [])
    claimed = {"a/card.png": Claim("a/card.png", "card_files", "the share card of a.md"),
               "b/card.png": Claim("b/card.png", "entry_assets", "the image card.png of b.md")}
    keep = claimed_keep(producer, claimed, lambda path, digest: True)
    assert keep("a/card.png", "key")
    for path in ("b/card.png", "c/card.png"):
        with pytest.raises(UnclaimedFile, match=path):
            keep(path, "key")
