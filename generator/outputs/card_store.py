"""Share cards by what they show: kept in the cache folder, drawn (in worker processes) only when missing."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from itertools import repeat
from pathlib import Path

import PIL
from PIL import features

from generator.outputs import card_png, cards
from generator.outputs.files import JobMap
from generator.outputs.cards import CARD_VERSION, COLOUR_KEYS, HEIGHT, WIDTH, CardSpec, CardStyle, file_stamp

PARALLEL_ABOVE = 8  # draw in worker processes when more cards than this are missing


def card_key(spec: CardSpec, style: CardStyle) -> str:
    """Return a sha256 hex digest of everything that decides the card's pixels."""
    return card_keys({"": spec}, style)[""]


def card_keys(specs: Mapping[str, CardSpec], style: CardStyle) -> dict[str, str]:
    """Return each card's key (see card_key), working out the part that the look and the engine add once.

    A key is the sha256 of the look's JSON (card version, engine, colours, the hashes of the font
    files) and the spec's repr, which shows every field of it and of its chips.
    """
    look = _look(style, tuple(file_stamp(path) for path in (style.font_regular, style.font_bold)))
    return {name: hashlib.sha256(f"{look}\n{spec!r}".encode("utf-8", "surrogatepass")).hexdigest()
            for name, spec in specs.items()}


@cache
def _look(style: CardStyle, stamps: tuple[tuple[int, int], ...]) -> str:
    """Return what every key of one look starts with: all that decides a card's pixels but its spec, as JSON."""
    fonts = [_hash_file(str(path), stamp) for path, stamp in zip((style.font_regular, style.font_bold), stamps)]
    payload = {"card": CARD_VERSION, "engine": _engine(), "colours": [getattr(style, key) for key in COLOUR_KEYS],
               "fonts": fonts}
    return json.dumps(payload, sort_keys=True)


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
    return dict(iter_cards(specs, style, cache_dir, workers=workers, drawn=drawn))


def iter_cards(
    specs: Mapping[str, CardSpec],
    style: CardStyle,
    cache_dir: Path | None,
    *,
    keys: Mapping[str, str] | None = None,
    workers: int | None = None,
    drawn: dict[str, float] | None = None,
    job_map: JobMap | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Yield (name, PNG bytes) in the order of specs, each as soon as it is drawn or read from cache_dir.

    While the caller takes one card (and writes it, say), worker processes draw the next ones.
    `drawn`, when given, receives how many cards were drawn ("count") and the seconds from the
    start until the caller had taken the last card ("seconds"). `keys`, when given, holds the cards'
    keys (card_keys) by name. `job_map`, when given, spreads the drawing instead of a pool of `workers`.
    """
    start = time.perf_counter()
    keys = card_keys(specs, style) if keys is None else {name: keys[name] for name in specs}
    present = {key for key in set(keys.values()) if cache_dir is not None and (cache_dir / f"{key}.png").is_file()}
    missing = {key: specs[name] for name, key in keys.items() if key not in present}
    made = draw_many(list(missing.values()), style, workers, cache_dir, list(missing), job_map)
    repeated = {key for key, times in Counter(keys.values()).items() if times > 1}
    kept: dict[str, bytes] = {}  # the cards that more than one name shows
    for name, key in keys.items():
        data = kept.get(key)
        if data is None:
            data = next(made) if key in missing else _read_cached(cache_dir, key)
        if data is None:  # damaged since it was found: draw it again
            data = _draw_and_store((specs[name], key), style, cache_dir)
        if key in repeated:
            kept[key] = data
        yield name, data
    if drawn is not None:
        drawn.update(count=len(missing), seconds=time.perf_counter() - start)


def draw_many(specs: list[CardSpec], style: CardStyle, workers: int | None, cache_dir: Path | None = None,
              keys: list[str] | None = None, job_map: JobMap | None = None) -> Iterator[bytes]:
    """Yield cards drawn in order, spread over worker processes when there are enough of them.

    With `cache_dir`, each card is also stored there under its key (by the process that drew it).
    With `job_map`, the cards after the first are drawn through it (workers that this process helps).
    """
    jobs = list(zip(specs, keys or [None] * len(specs)))
    workers = min(workers or os.cpu_count() or 1, len(specs))
    if len(specs) > PARALLEL_ABOVE and job_map is not None:
        yield _draw_and_store(jobs[0], style, cache_dir)  # here first: forked workers start warm (see below)
        rest = jobs[1:]
        yield from job_map(lambda index: _draw_and_store(rest[index], style, cache_dir), len(rest))
        return
    if len(specs) > PARALLEL_ABOVE and workers > 1:
        yield _draw_and_store(jobs[0], style, cache_dir)  # here first: the workers forked next start with its
        jobs, done = jobs[1:], 0  # frame, fonts and stamps, instead of each making them anew
        try:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                chunk = max(1, min(64, len(specs) // (workers * 8)))
                for data in pool.map(_draw_and_store, jobs, repeat(style), repeat(cache_dir), chunksize=chunk):
                    done += 1
                    yield data
            return
        except (OSError, BrokenProcessPool):  # no worker processes here (say, no /dev/shm), or one died
            jobs = jobs[done:]
    for job in jobs:
        yield _draw_and_store(job, style, cache_dir)


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
    """Write a card into the cache atomically; a cache that cannot be written is skipped.

    The card is written under a name of this process and thread's own, then renamed into place, so
    that two drawing the same card never write into one file.
    """
    if cache_dir is None:
        return
    temp = cache_dir / f".{key}.{os.getpid()}-{threading.get_ident()}.tmp"
    try:
        try:
            out = open(temp, "wb")
        except FileNotFoundError:  # the first card, or the cache folder was removed since
            cache_dir.mkdir(parents=True, exist_ok=True)
            out = open(temp, "wb")
        with out:
            out.write(data)
        os.replace(temp, cache_dir / f"{key}.png")
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
