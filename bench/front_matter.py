#!/usr/bin/env python3
"""What the quick front matter reader saves: front matter parse time and cold builds, with it and without it.

    python bench/front_matter.py SITE [--rounds 5] [--builds 2]

SITE is a corpus made by bench/corpus.py. Both ways run in this one process, alternating, so that a
busy machine slows both alike; the figures are medians. A cold build starts with no cache and no output.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path

import yaml

from generator.incremental.builder import build
from generator.pipeline import entries


def front_matters(site: Path) -> list[str]:
    """Return the front matter text of every entry of a site."""
    texts = []
    for path in sorted((site / "content").rglob("*.md")):
        text = path.read_text("utf-8")
        if text.startswith("---\n"):
            texts.append(text[3:text.index("\n---", 3) + 1])
    return texts


def parse_all(texts: list[str], quick: bool) -> float:
    """Return the seconds taken to read every front matter, with the quick reader or with YAML alone."""
    reader = entries.QuickLoader(entries._Loader.yaml_implicit_resolvers)
    start = time.perf_counter()
    for text in texts:
        found = reader.load(text) if quick else None
        if found is None:
            yaml.load(text, Loader=entries._Loader)  # noqa: S506 - a SafeLoader subclass
    return time.perf_counter() - start


def cold_build(site: Path, quick: bool) -> tuple[float, float]:
    """Build the public site from nothing; return the seconds of the whole build and of its entries stage."""
    shutil.rmtree(site / "output", ignore_errors=True)
    shutil.rmtree(site / ".footfall-cache", ignore_errors=True)
    real = entries._QUICK.load
    if not quick:
        entries._QUICK.load = lambda text: None  # type: ignore[method-assign]
    try:
        start = time.perf_counter()
        result = build(site, "public")
        total = time.perf_counter() - start
    finally:
        entries._QUICK.load = real  # type: ignore[method-assign]
    if not result.ok:
        raise SystemExit(f"the build failed: {result.problems[:3]}")
    return total, result.timings.get("entries", 0.0)


def main() -> None:
    """Measure and print the medians."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--builds", type=int, default=2)
    args = parser.parse_args()
    texts = front_matters(args.site)
    parse: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.rounds):
        for quick in (True, False):
            parse[quick].append(parse_all(texts, quick))
    for quick in (True, False):
        print(f"parse {'quick' if quick else 'yaml'}: {[round(s, 3) for s in parse[quick]]}", flush=True)
    builds: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for _ in range(args.builds):
        for quick in (False, True):
            builds[quick].append(cold_build(args.site, quick))
            print(f"cold build {'quick' if quick else 'yaml'}: {builds[quick][-1]}", flush=True)
    for quick in (True, False):
        name = "quick reader" if quick else "YAML alone  "
        totals, stages = [b[0] for b in builds[quick]], [b[1] for b in builds[quick]]
        print(f"{name}: parse {statistics.median(parse[quick]):.3f}s for {len(texts)} front matters; "
              f"cold build {statistics.median(totals):.2f}s (entries stage {statistics.median(stages):.2f}s)")
    saved = statistics.median(parse[False]) - statistics.median(parse[True])
    build_time = statistics.median([b[0] for b in builds[True]])
    print(f"saved: {saved:.3f}s of parsing, {100 * saved / build_time:.1f}% of a cold build with the quick reader; "
          f"cold builds differ by {statistics.median([b[0] for b in builds[False]]) - build_time:+.2f}s")


if __name__ == "__main__":
    main()
