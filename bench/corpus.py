#!/usr/bin/env python3
"""Deterministic benchmark corpus for Footfall (and the same corpus as a Hugo site).

    python bench/corpus.py N OUTDIR [--seed 1] [--hugo OUTDIR_HUGO]

Writes OUTDIR/site.toml and N entries as OUTDIR/content/YYYY/MM/<date>-<slug>.md, one run a day
going back from 2026-06-30 (several a day, a few hours apart, when N is larger than the days in the
window). With --hugo it also writes a Hugo site for the same entries: the config from
bench/hugo/hugo.toml, the layouts from bench/hugo/layouts/ and content/posts/*.md carrying the same
front matter.

Everything comes from one random.Random(seed): no clock, no hash-order dependence, so the same N
and seed give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import shutil
import sys
import time
from bisect import bisect
from itertools import accumulate
from pathlib import Path

import corpus_routes
from corpus_words import (
    EMOTIONS, EMOTION_FORMS, TAGS, INTENTIONS, TITLE_ADJ, TITLE_NOUN,
    PLACES, TIMES, WEATHER, PEOPLE, BODY, FEELINGS,
    THINGS, PACES, LINKS, SENTENCES, LINK_SENTENCES, LIST_ITEMS,
    LIST_INTROS, SUBHEADINGS, QUOTES, PRIVATE_LINES, SUMMARIES,
)

HERE = Path(__file__).resolve().parent
HUGO_TEMPLATE = HERE / "hugo"

END_DATE = dt.date(2026, 6, 30)
# The window "one run a day" fills before runs start doubling up on a day.
START_DATE = dt.date(2010, 1, 1)
DAYS_AVAILABLE = (END_DATE - START_DATE).days + 1
FIRST_HOUR = 6  # the first run of a day starts between 06:00 and 07:59; later ones follow

SITE_TOML = """\
title = "Footfall benchmark journal ({n} entries)"
author = "Bench Runner"
base_url = "https://bench.example.org/"
timezone = "Europe/Lisbon"
units = "km"
default_visibility = "private"
hashtag = "JoggingTherapy"
per_page = 10
"""


def _zipf_cum(n: int, s: float = 1.0) -> list[float]:
    return list(accumulate(1.0 / (k ** s) for k in range(1, n + 1)))


class _Picker:
    """Zipf-like draws of distinct items by rank."""

    def __init__(self, items: list[str], s: float = 1.0) -> None:
        self.items = items
        self.cum = _zipf_cum(len(items), s)
        self.total = self.cum[-1]

    def draw(self, rng: random.Random, k: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < k:
            item = self.items[bisect(self.cum, rng.random() * self.total)]
            if item not in chosen:
                chosen.append(item)
        return chosen


def _fill(template: str, rng: random.Random, intention: str = "Stay present") -> str:
    if "{" not in template:
        return template
    person = rng.choice(PEOPLE)
    link_text, link_url = rng.choice(LINKS)
    return template.format(
        time=rng.choice(TIMES), place=rng.choice(PLACES), weather=rng.choice(WEATHER),
        feeling=rng.choice(FEELINGS), feeling2=rng.choice(FEELINGS), body_c=rng.choice(BODY).capitalize(),
        thing=rng.choice(THINGS), person=person, person_c=person[0].upper() + person[1:],
        pace=rng.choice(PACES), intention_l=intention.lower(), link_text=link_text, link_url=link_url,
    )


class _Bank:
    """Pre-filled sentences, so each entry only picks (fast for 30,000 entries)."""

    def __init__(self, rng: random.Random, size: int = 4000) -> None:
        self.sentences = [
            _fill(rng.choice(LINK_SENTENCES if rng.random() < 0.008 else SENTENCES), rng)
            for _ in range(size)
        ]
        self.words = [len(s.split()) for s in self.sentences]
        self.list_items = [_fill(t, rng) for t in LIST_ITEMS for _ in range(6)]
        self.subheadings = [_fill(t, rng) for t in SUBHEADINGS for _ in range(3)]
        self.private = [_fill(t, rng) for t in PRIVATE_LINES for _ in range(4)]


def _lisbon_offset(day: dt.date) -> str:
    """Europe/Lisbon's UTC offset for a run after 02:00 local time (EU summer time rules)."""

    def last_sunday(month: int) -> dt.date:
        d = dt.date(day.year, month, 31)
        return d - dt.timedelta(days=(d.weekday() + 1) % 7)

    return "+01:00" if last_sunday(3) <= day < last_sunday(10) else "+00:00"


_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    return _SLUG_RE.sub("-", text.lower()).strip("-") or "run"


def _yaml_str(s: str) -> str:
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9 ,.'!?-]*", s) and not s.endswith(":") and ": " not in s \
            and s.lower() not in ("yes", "no", "on", "off", "true", "false", "null"):
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _flow_list(items: list[str]) -> str:
    return "[" + ", ".join(_yaml_str(i) for i in items) + "]"


def _title(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.35:
        return f"{rng.choice(TITLE_ADJ)} {rng.choice(TITLE_NOUN)}"
    if r < 0.6:
        return f"{rng.choice(['Past', 'Along', 'Up to', 'Around', 'Back from', 'Down to'])} {rng.choice(PLACES)}"
    if r < 0.8:
        return f"{rng.choice(WEATHER).capitalize()} {rng.choice(['on', 'over', 'at', 'by'])} {rng.choice(PLACES)}"
    if r < 0.9:
        return f"{rng.choice(TITLE_ADJ)} {rng.choice(TITLE_NOUN)} {rng.choice(TIMES)}"
    return f"Running with {rng.choice(PEOPLE)}"


def _emotion_text(rng: random.Random, base: str) -> str:
    word = base
    forms = EMOTION_FORMS.get(base)
    if forms and rng.random() < 0.25:
        word = rng.choice(forms)
    r = rng.random()
    if r < 0.22:
        word = word[0].upper() + word[1:]
    elif r < 0.25:
        word = word.upper()
    return word


def _body(rng: random.Random, bank: _Bank, intention: str) -> str:
    target = rng.randint(150, 560)
    n_sent = len(bank.sentences)
    blocks: list[str] = []
    words = 0
    want_heads = rng.random() < 0.3
    heads_left = rng.randint(1, 2) if want_heads else 0
    list_at = rng.randint(1, 3) if rng.random() < 0.15 else -1
    quote_at = rng.randint(1, 4) if rng.random() < 0.05 else -1
    private_at = rng.randint(1, 4) if rng.random() < 0.1 else -1
    intention_at = rng.randint(0, 3) if rng.random() < 0.1 else -1
    para = 0
    while words < target:
        if para > 0 and heads_left and rng.random() < 0.35:
            blocks.append("## " + rng.choice(bank.subheadings))
            heads_left -= 1
        k = rng.randint(2, 6)
        picks = [bank.sentences[j] for j in rng.sample(range(n_sent), k)]
        if para == intention_at:
            picks.append(_fill("I wrote the intention on my hand: **{intention_l}**.", rng, intention))
        text = " ".join(picks)
        while len(picks) > 1 and words + len(text.split()) > 560:
            picks.pop()
            text = " ".join(picks)
        words += len(text.split())
        blocks.append(text)
        if para == list_at:
            items = rng.sample(bank.list_items, rng.randint(3, 5))
            marker_numbered = rng.random() < 0.3
            lines = [f"{i + 1}. {it}" if marker_numbered else f"- {it}" for i, it in enumerate(items)]
            blocks.append(rng.choice(LIST_INTROS) + "\n\n" + "\n".join(lines))
            words += sum(len(it.split()) for it in items)
        if para == quote_at:
            blocks.append("> " + rng.choice(QUOTES))
        if para == private_at:
            secret = " ".join(rng.choice(bank.private) for _ in range(rng.randint(1, 3)))
            blocks.append("::: private\n" + secret + "\n:::")
            words += len(secret.split())
        para += 1
    return "\n\n".join(blocks) + "\n"


def _entries(n: int, seed: int):
    """Yield (relpath_for_footfall, hugo_filename, text) for n entries, newest first."""
    rng = random.Random(seed)
    bank = _Bank(rng)
    emo_pick = _Picker(EMOTIONS, 1.0)
    tag_pick = _Picker(TAGS, 1.0)
    per_day = max(1, -(-n // DAYS_AVAILABLE))  # ceil
    gap_hours = max(1, min(3, 15 // per_day))
    used: dict[str, int] = {}
    for i in range(n):
        day = END_DATE - dt.timedelta(days=i // per_day)
        slot = i % per_day
        # Runs of a day are listed newest first, so the last slot is the earliest in the day.
        hour = FIRST_HOUR + (per_day - 1 - slot) * gap_hours + rng.randint(0, 1)
        minute = rng.randint(0, 59)
        offset = _lisbon_offset(day)
        date_s = day.isoformat()
        when = f"{date_s}T{hour:02d}:{minute:02d}:00{offset}"

        title = _title(rng)
        base_slug = slugify(title)
        key = f"{date_s}/{base_slug}"
        dup = used.get(key, 0)
        used[key] = dup + 1
        slug = base_slug if dup == 0 else f"{base_slug}-{dup + 1}"

        km = round(max(2.0, rng.gauss(8.5, 3.5)), 1)
        if rng.random() < 0.04:
            km = round(rng.uniform(18, 42.2), 1)
        pace_s = rng.uniform(270, 420)
        secs = int(km * pace_s)
        h, rem = divmod(secs, 3600)
        m, s = divmod(rem, 60)
        duration = f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"

        intention = rng.choice(INTENTIONS)
        emotions = [_emotion_text(rng, e) for e in emo_pick.draw(rng, rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))]
        tags = tag_pick.draw(rng, rng.choice((1, 1, 2, 2, 3)))
        mood_before = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))
        mood_after = min(5, max(1, mood_before + rng.choice((-1, 0, 1, 1, 1, 2))))
        v = rng.random()
        visibility = "public" if v < 0.6 else ("unlisted" if v < 0.7 else "private")
        summary = rng.choice(SUMMARIES) if rng.random() < 0.3 else None

        fm = [
            "---",
            f"title: {_yaml_str(title)}",
            f"date: {when}",
            f"distance: {km} km",
            f'duration: "{duration}"',
            f"intention: {_yaml_str(intention)}",
            f"emotions: {_flow_list(emotions)}",
            f"mood_before: {mood_before}",
            f"mood_after: {mood_after}",
            f"tags: {_flow_list(tags)}",
            f"visibility: {visibility}",
            f"slug: {slug}",
        ]
        if summary:
            fm.append(f"summary: {_yaml_str(summary)}")
        fm.append("---")
        text = "\n".join(fm) + "\n" + _body(rng, bank, intention)
        fname = f"{date_s}-{slug}.md"
        yield f"{day.year:04d}/{day.month:02d}/{fname}", fname, text


def _reset_dir(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def write_hugo_skeleton(hugo_dir: Path) -> None:
    hugo_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(HUGO_TEMPLATE / "hugo.toml", hugo_dir / "hugo.toml")
    layouts = hugo_dir / "layouts"
    if layouts.exists():
        shutil.rmtree(layouts)
    shutil.copytree(HUGO_TEMPLATE / "layouts", layouts)


def generate(n: int, outdir: os.PathLike | str, seed: int = 1,
             hugo_dir: os.PathLike | str | None = None, routes: float = 0.0) -> dict:
    """Write the corpus; returns a small summary (counts by visibility, bytes, seconds).

    With `routes`, that share of the entries gets a GPX recording beside it (`route:`), and the
    site a privacy zone around their start; the entries are otherwise the same.
    """
    if n < 1:
        raise ValueError("N must be at least 1")
    t0 = time.perf_counter()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "site.toml").write_text(SITE_TOML.format(n=n) + (corpus_routes.PRIVACY_TOML if routes else ""),
                                   encoding="utf-8")
    route_rng = corpus_routes.route_rng(seed)
    content = out / "content"
    _reset_dir(content)
    posts = None
    if hugo_dir is not None:
        hdir = Path(hugo_dir)
        write_hugo_skeleton(hdir)
        posts = hdir / "content" / "posts"
        _reset_dir(hdir / "content")
        posts.mkdir(parents=True)
        (hdir / "content" / "posts" / "_index.md").write_text("---\ntitle: Runs\n---\n", encoding="utf-8")
    made_dirs: set[str] = set()
    counts = {"public": 0, "unlisted": 0, "private": 0}
    total_bytes = 0
    for rel, hugo_name, text in _entries(n, seed):
        folder = rel.rsplit("/", 1)[0]
        if folder not in made_dirs:
            (content / folder).mkdir(parents=True, exist_ok=True)
            made_dirs.add(folder)
        if routes and route_rng.random() < routes:
            name = rel.rsplit("/", 1)[1].removesuffix(".md") + ".gpx"
            (content / folder / name).write_text(_route_of(text, route_rng), encoding="utf-8")
            text = corpus_routes.with_route(text, name)
        data = text.encode("utf-8")
        total_bytes += len(data)
        (content / rel).write_bytes(data)
        if posts is not None:
            (posts / hugo_name).write_bytes(data)
        vis = text.split("\nvisibility: ", 1)[1].split("\n", 1)[0]
        counts[vis] += 1
    return {
        "n": n, "seed": seed, "visibility": counts, "bytes": total_bytes,
        "seconds": round(time.perf_counter() - t0, 3),
        "site": str(out), "hugo": str(hugo_dir) if hugo_dir is not None else None,
    }


def _route_of(text: str, rng: random.Random) -> str:
    """Return a GPX recording of an entry's run: its date, distance and duration."""
    when = dt.datetime.fromisoformat(re.search(r"^date: (\S+)$", text, re.M).group(1)).astimezone(dt.timezone.utc)
    km = float(re.search(r"^distance: ([\d.]+) km$", text, re.M).group(1))
    parts = [int(p) for p in re.search(r'^duration: "([\d:]+)"$', text, re.M).group(1).split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return corpus_routes.route_gpx(rng, km, seconds, when)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, metavar="N", help="number of entries")
    ap.add_argument("outdir", metavar="OUTDIR", help="site directory to write (site.toml, content/)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--hugo", metavar="OUTDIR_HUGO", help="also write the same corpus as a Hugo site here")
    ap.add_argument("--routes", type=float, default=0.0, metavar="SHARE",
                    help="give this share of the entries (0 to 1) a GPX recording (default 0)")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    if not 0 <= args.routes <= 1:
        ap.error("--routes must be between 0 and 1")
    info = generate(args.n, args.outdir, args.seed, args.hugo, args.routes)
    v = info["visibility"]
    print(f"wrote {info['n']} entries ({v['public']} public, {v['unlisted']} unlisted, "
          f"{v['private']} private; {info['bytes'] / 1e6:.1f} MB) to {info['site']}"
          + (f" and {info['hugo']}" if info["hugo"] else "") + f" in {info['seconds']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
