"""Share cards by what they show: kept in the cache folder, drawn (in worker processes) only when missing."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict
from functools import cache
from itertools import repeat
from pathlib import Path

import PIL
from PIL import features

from generator.outputs import card_png, cards
from generator.outputs.cards import CARD_VERSION, COLOUR_KEYS, HEIGHT, WIDTH, CardSpec, CardStyle, file_stamp

PARALLEL_ABOVE = 8  # draw in worker processes when more cards than this are missing


def card_key(spec: CardSpec, style: CardStyle) -> str:
    """Return a sha256 hex digest of everything that decides the card's pixels."""
    payload = {
        "card": CARD_VERSION,
        "engine": _engine(),
        "spec": asdict(spec),
        "colours": [getattr(style, key) for key in COLOUR_KEYS],
        "fonts": [_hash_file(str(p), file_stamp(p)) for p in (style.font_regular, style.font_bold)],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@cache
def _engine() -> str:
    """Return the versions of the libraries that rasterise and encode a card."""
    libraries = [str(features.version(name)) for name in ("freetype2", "raqm")]
    return " ".join([PIL.__version__, card_png.engine(), *libraries])


@cache
def _hash_file(path: str, stamp: tuple[int, int]) -> str:
    """Return the sha256 hex of a file's bytes, once per version of the file (stamp)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


def render_cards(
    specs: Mapping[str, CardSpec],
    style: CardStyle,
    cache_dir: Path | None,
    *,
    workers: int | None = None,
    drawn: dict[str, float] | None = None,
) -> dict[str, bytes]:
    """Return name -> PNG bytes, taking cards from cache_dir and drawing only the missing ones.

    `drawn`, when given, receives how many cards were drawn ("count") and the time that took ("seconds").
    """
    start = time.perf_counter()
    keys = {name: card_key(spec, style) for name, spec in specs.items()}
    cached = {key: _read_cached(cache_dir, key) for key in set(keys.values())}
    found = {key: data for key, data in cached.items() if data is not None}
    missing = {key: specs[name] for name, key in keys.items() if key not in found}
    found.update(zip(missing, draw_many(list(missing.values()), style, workers, cache_dir, list(missing))))
    if drawn is not None:  # the whole of it: keys, cache, drawing and storing
        drawn.update(count=len(missing), seconds=time.perf_counter() - start)
    return {name: found[key] for name, key in keys.items()}


def draw_many(specs: list[CardSpec], style: CardStyle, workers: int | None, cache_dir: Path | None = None,
              keys: list[str] | None = None) -> list[bytes]:
    """Draw cards in order, spread over worker processes when there are enough of them.

    With `cache_dir`, each card is also stored there under its key (by the process that drew it).
    """
    jobs = list(zip(specs, keys or [None] * len(specs)))
    workers = min(workers or os.cpu_count() or 1, len(specs))
    if len(specs) > PARALLEL_ABOVE and workers > 1:
        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                chunk = max(1, len(specs) // (workers * 8))
                return list(pool.map(_draw_and_store, jobs, repeat(style), repeat(cache_dir), chunksize=chunk))
        except (OSError, BrokenProcessPool):  # no worker processes here (say, no /dev/shm)
            pass
    return [_draw_and_store(job, style, cache_dir) for job in jobs]


def _draw_and_store(job: tuple[CardSpec, str | None], style: CardStyle, cache_dir: Path | None) -> bytes:
    """Draw one card and keep it in the cache under its key, if given."""
    spec, key = job
    data = cards.draw_card(spec, style)
    if key is not None:
        _store(cache_dir, key, data)
    return data


def _read_cached(cache_dir: Path | None, key: str) -> bytes | None:
    """Return the cached card for key, or None if it is absent, unreadable or damaged."""
    if cache_dir is None:
        return None
    try:
        data = (cache_dir / f"{key}.png").read_bytes()
    except OSError:
        return None
    return data if card_png.is_whole_png(data, (WIDTH, HEIGHT)) else None


def _store(cache_dir: Path | None, key: str, data: bytes) -> None:
    """Write a card into the cache atomically; a cache that cannot be written is skipped."""
    if cache_dir is None:
        return
    temp = None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=cache_dir, prefix=f".{key}.", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, cache_dir / f"{key}.png")
    except OSError:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
