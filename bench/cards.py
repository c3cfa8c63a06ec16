"""Measure share cards: per second uncached (drawn over every core), CPU per card, and a cached pass.

Usage: python bench/cards.py [--count 600] [--runs 3]   (from the repository root)

Every title is different (no text is drawn twice but the date line's and the chips' own), so the
figures are those of a journal whose runs all have titles of their own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.outputs import card_store, cards  # noqa: E402

CHIPS = (cards.Chip("calm", "#7cc6a4", "#1a1a1a"), cards.Chip("grief", "#3d5a98", "#ffffff"),
         cards.Chip("proud", "#e07b39", "#1a1a1a"))
MONTHS = ("January", "March", "June", "October")


def specs(count: int, salt: int) -> dict[str, cards.CardSpec]:
    """Return `count` distinct card specs (salted so no run reuses another's cache)."""
    return {f"card-{i}": cards.CardSpec(f"Run {salt}.{i} past the old house and back", f"{i % 28 + 1} "
                                        f"{MONTHS[i % 4]} {2010 + i % 17}", f"{i % 20 + 1}.{i % 10} km",
                                        CHIPS[: 1 + i % 3], "Miles and Feelings", "JoggingTherapy")
            for i in range(count)}


def measure(count: int, salt: int, style: cards.CardStyle) -> tuple[float, float, float]:
    """Return (uncached cards per second, CPU ms per card in one process, cached pass in seconds)."""
    with tempfile.TemporaryDirectory() as cache:
        batch = specs(count, salt)
        start = time.perf_counter()
        card_store.render_cards(batch, style, Path(cache))
        uncached = count / (time.perf_counter() - start)
        start = time.perf_counter()
        card_store.render_cards(batch, style, Path(cache))
        cached = time.perf_counter() - start
    serial = list(specs(count, salt + 1000).values())
    start = time.process_time()
    for spec in serial:
        cards.draw_card(spec, style)
    return uncached, (time.process_time() - start) * 1000 / count, cached


def main() -> None:
    """Print the median figures of several runs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    style = cards.load_card_style(ROOT / "generator" / "themes" / "default")
    cards.draw_card(specs(1, -1)["card-0"], style)  # load the fonts and draw the frame once
    results = [measure(args.count, run, style) for run in range(args.runs)]
    rate, cpu, cached = (statistics.median(r[k] for r in results) for k in range(3))
    print(f"cards: {args.count} uncached at {rate:.0f} cards/s (median of {args.runs}); "
          f"{cpu:.2f} ms CPU per card in one process; all cached: {cached * 1000:.0f} ms, nothing drawn")


if __name__ == "__main__":
    main()
