"""Read what `footfall build --profile` prints: per-stage times, counts and the share-card line."""

from __future__ import annotations

import re

CARDS_RE = re.compile(r"cards?\s*[:=]\s*(\d+)\s+in\s+([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\b", re.I)
STAGE_RE = re.compile(r"^\s*([A-Za-z][\w ./-]{0,40}?)\s*[:=]?\s+([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\b")
COUNTS_RE = re.compile(r"parsed (\d+) files?, checked (\d+) pages?, rendered (\d+) pages?")


def _seconds(value: str, unit: str) -> float:
    return float(value) / (1000.0 if unit.lower() == "ms" else 1.0)


def parse_cards(text: str) -> dict | None:
    """Return the last `cards: N in T s` line as count, seconds and cards per second."""
    m = None
    for m in CARDS_RE.finditer(text):
        pass
    if not m:
        return None
    count, secs = int(m.group(1)), _seconds(m.group(2), m.group(3))
    return {"count": count, "seconds": secs, "per_s": (count / secs) if secs > 0 else None}


def parse_stages(text: str) -> dict[str, float]:
    """Return the `stage 1.23s` / `stage: 120 ms` lines as seconds by stage."""
    stages: dict[str, float] = {}
    for line in text.splitlines():
        if CARDS_RE.search(line) or COUNTS_RE.search(line):
            continue
        m = STAGE_RE.match(line)
        if m:
            stages[m.group(1).strip()] = _seconds(m.group(2), m.group(3))
    return stages


def parse_counts(text: str) -> dict[str, int] | None:
    """Return the `parsed N files, checked N pages, rendered N pages` line as numbers."""
    m = COUNTS_RE.search(text)
    if not m:
        return None
    return {"parsed": int(m.group(1)), "checked": int(m.group(2)), "rendered": int(m.group(3))}
