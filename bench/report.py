"""Show the results: plain or rich tables on the terminal, and Markdown for bench/results/latest.md."""

from __future__ import annotations

import sys

Table = tuple[str, list[str], list[list[str]]]

WAY_NAMES = {"fresh-copy": "fresh copy", "set-aside": "set aside"}


def _s(v: float | None, digits: int = 2) -> str:
    if v is None:
        return "–"
    if v >= 100:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def _x(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}×"


def _pages(v: float | None) -> str:
    return "–" if v is None else f"{v:,.0f}"


def footfall_table(sizes: dict, way: str, audience: str) -> Table:
    """Return one audience's medians at each size, measured one way."""
    rows = []
    for k in sorted(sizes, key=int):
        f = sizes[k]["ways"][way]["footfall"]
        cold, noop, edit = f[f"{audience}_cold"], f[f"{audience}_noop"], f[f"{audience}_edit"]
        if cold.get("skipped"):
            continue
        row = [f"{int(k):,}", _pages(cold["html"]), _s(cold["wall_s"]), _s(cold["cpu_s"]), _s(noop["wall_s"]),
               _s(edit["wall_s"]), _s(cold["peak_mib"], 0), _s(cold["pages_per_s"], 0)]
        if audience == "public":
            row.append(_s(f["cards"]["per_s"] if f["cards"] else None, 0))
        rows.append(row)
    head = ["entries", f"{audience} pages", "cold", "cold CPU", "no-op", "one edit", "peak memory", "pages/s"]
    if audience == "public":
        head.append("cards/s")
    return (f"Footfall, {audience} build, {WAY_NAMES[way]} (medians; seconds, MiB)", head, rows)


def hugo_table(sizes: dict, way: str) -> Table:
    """Return Hugo's medians at each size, measured one way."""
    rows = []
    for k in sorted(sizes, key=int):
        w = sizes[k]["ways"][way]
        if "hugo" in w:
            h = w["hugo"]["cold"]
            rows.append([f"{int(k):,}", _pages(h["html"]), _s(h["wall_s"]), _s(h["cpu_s"]), _s(h["peak_mib"], 0),
                         _s(h["pages_per_s"], 0)])
            indexed = w["hugo"].get("pagefind_cold")
            if indexed:
                rows.append([f"{int(k):,} + Pagefind", _pages(indexed["html"]), _s(indexed["wall_s"]),
                             _s(indexed["cpu_s"]), _s(indexed["peak_mib"], 0), _s(indexed["pages_per_s"], 0)])
    head = ["entries", "Hugo pages", "cold", "cold CPU", "peak memory", "pages/s"]
    return (f"Hugo, and Hugo then Pagefind over its entry pages, {WAY_NAMES[way]} (medians; seconds, MiB)", head, rows)


def search_peer_table(sizes: dict, way: str) -> Table:
    """Return the journal cold build against Hugo followed by Pagefind (both make a search index)."""
    rows = []
    for k in sorted(sizes, key=int):
        ratios = sizes[k]["ways"][way].get("ratios", {})
        if ratios.get("journal_cold_vs_hugo_pagefind") is not None:
            rows.append([f"{int(k):,}", _x(ratios["journal_cold_vs_hugo_pagefind"]),
                         _x(ratios["journal_cold_cpu_vs_hugo_pagefind"])])
    return (f"Journal cold / (Hugo cold + Pagefind), {WAY_NAMES[way]} (not a target: Hugo alone makes no index)",
            ["entries", "cold", "cold CPU"], rows)


def ratio_table(sizes: dict, way: str) -> Table:
    """Return the Footfall / Hugo ratios of each build at each size, measured one way."""
    rows = []
    for k in sorted(sizes, key=int):
        w = sizes[k]["ways"][way]
        for audience in ("journal", "public"):
            if "ratios" in w and not w["footfall"][f"{audience}_cold"].get("skipped"):
                rows.append([f"{int(k):,}", audience] + [_x(w["ratios"][f"{audience}_{name}_ratio"])
                                                         for name in ("cold", "cold_cpu", "noop", "edit", "memory")])
    head = ["entries", "build", "cold", "cold CPU", "no-op", "one edit", "peak memory"]
    return (f"Footfall / Hugo cold, {WAY_NAMES[way]} (each from medians of this run)", head, rows)


def growth_table(results: dict) -> Table:
    """Return the cold-build growth between consecutive sizes, each way."""
    rows = []
    for way, steps in results["growth"].items():
        for key, g in steps.items():
            rows.append([key, WAY_NAMES[way], f"{g['size_ratio']:.1f}×", _x(g["journal_cold"]),
                         _x(g["public_cold"]), _x(g.get("hugo_cold"))])
    return ("Growth of the cold build", ["sizes", "way", "entries", "journal", "public", "Hugo"], rows)


def targets_table(results: dict) -> Table:
    """Return each target with its figure, the way it was measured and whether it is met."""
    rows = []
    for t in results["targets"]:
        v = t["value"]
        shown = "–" if v is None else (f"{v:.0f}/s" if t["key"] == "cards_per_s" else f"{v:.2f}×")
        status = "not measured" if t["met"] is None else ("met" if t["met"] else "MISSED")
        rows.append([t["label"], WAY_NAMES[t["way"]], t["goal"], shown, status])
    size = results["meta"]["target_size"]
    return (f"Targets ({size:,} entries)", ["target", "measured on", "goal", "measured", "status"], rows)


def tables(results: dict) -> list[Table]:
    """Return every table: Footfall's figures and Hugo's for each way, growth, then the targets."""
    sizes = results["sizes"]
    out: list[Table] = []
    for way in results["meta"]["ways"]:
        out += [footfall_table(sizes, way, "journal"), footfall_table(sizes, way, "public"),
                hugo_table(sizes, way), ratio_table(sizes, way), search_peer_table(sizes, way)]
    out += [growth_table(results), targets_table(results)]
    return [t for t in out if t[2]]


def heading(results: dict) -> str:
    """Return one line on what was measured, when, where and at which commit."""
    meta = results["meta"]
    m = meta["machine"]
    ways = " and ".join(WAY_NAMES[w] for w in meta["ways"])
    return (f"Measured {meta['started'][:10]}" + (f" at {meta['commit']}" if meta.get("commit") else "")
            + f" on {m.get('cpus')} cores, {m.get('memory_gib')} GiB" + (f" ({m['cpu']})" if m.get("cpu") else "")
            + f"; Python {m.get('python')}; cold builds: {ways}; {meta['runs']} run(s) each, medians"
            + (f"; 1-min load average up to {meta['loadavg_max']:.1f} before builds"
               if meta.get("loadavg_max") is not None else "")
            + (f"; {meta['hugo_version']}" if meta.get("hugo_version") else "") + ".")


def _right(rows: list[list[str]], i: int) -> bool:
    """Return whether column i holds figures (aligned right) rather than words."""
    return all(r[i][:1].isdigit() or r[i] == "–" for r in rows)


def markdown(results: dict) -> str:
    """Return the heading and every table as Markdown."""
    lines = [heading(results)]
    for title, head, rows in tables(results):
        lines += ["", f"**{title}**", "", "| " + " | ".join(head) + " |",
                  "|" + "|".join(" ---: " if _right(rows, i) else " --- " for i in range(len(head))) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def print_tables(results: dict, use_rich: bool) -> None:
    """Print every table to stderr, with rich when asked and installed."""
    if use_rich:
        from rich.console import Console
        from rich.table import Table as RichTable
        console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
        for title, head, rows in tables(results):
            t = RichTable(title=title)
            for i, h in enumerate(head):
                t.add_column(h, justify="right" if _right(rows, i) else "left")
            for r in rows:
                t.add_row(*r)
            console.print(t)
        return
    for title, head, rows in tables(results):
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
        print(f"\n{title}", file=sys.stderr)
        right = [_right(rows, i) for i in range(len(head))]
        for r in [head, *rows]:
            print("  ".join(c.rjust(w) if rj else c.ljust(w) for c, w, rj in zip(r, widths, right)).rstrip(),
                  file=sys.stderr)
