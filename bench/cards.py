"""Measure share cards per second: uncached (drawn over every core) and cached (no drawing).

Usage: python bench/cards.py [--count 300] [--runs 3]   (from the repository root)
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

from generator.outputs import cards  # noqa: E402

CHIPS = (cards.Chip("calm", "#7cc6a4", "#1a1a1a"), cards.Chip("grief", "#3d5a98", "#ffffff"),
         cards.Chip("proud", "#e07b39", "#1a1a1a"))


def specs(count: int, salt: int) -> dict[str, cards.CardSpec]:
    """Return `count` distinct card specs (salted so no run reuses another's cache)."""
    return {f"card-{i}": cards.CardSpec(f"Run {salt}.{i} past the old house and back", "14 March 2026",
                                        f"{i % 20 + 1}.2 km", CHIPS, "Miles and Feelings", "JoggingTherapy")
            for i in range(count)}


def measure(count: int, salt: int, style: cards.CardStyle) -> tuple[float, float]:
    """Return (uncached cards per second, cached pass in seconds) for one run."""
    with tempfile.TemporaryDirectory() as cache:
        batch = specs(count, salt)
        start = time.perf_counter()
        cards.render_cards(batch, style, Path(cache))
        uncached = count / (time.perf_counter() - start)
        start = time.perf_counter()
        cards.render_cards(batch, style, Path(cache))
        return uncached, time.perf_counter() - start


def main() -> None:
    """Print the median figures of several runs."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    style = cards.load_card_style(ROOT / "generator" / "themes" / "default")
    results = [measure(args.count, run, style) for run in range(args.runs)]
    rate = statistics.median(r[0] for r in results)
    cached = statistics.median(r[1] for r in results)
    print(f"cards: {args.count} uncached at {rate:.0f} cards/s (median of {args.runs}); "
          f"all cached: {cached * 1000:.0f} ms, nothing drawn")


if __name__ == "__main__":
    main()
