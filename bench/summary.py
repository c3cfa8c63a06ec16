"""Medians of the measured runs, Footfall / Hugo ratios, growth between sizes, and the targets."""

from __future__ import annotations

import statistics

from rounds import tail

STEPS = ("journal_cold", "journal_noop", "journal_edit", "public_cold", "public_noop", "public_edit")
COLD_STEPS = ("journal_cold", "public_cold", "hugo_cold", "hugo_pagefind_cold")
FIELDS = ("wall_s", "user_s", "sys_s", "cpu_s", "peak_mib")

# Targets for 10,000 entries (bench/README.md): key, label, goal, comparison.
TARGETS = [
    ("journal_cold_ratio", "journal cold build vs Hugo cold", 1.25, "<="),
    ("journal_noop_ratio", "journal no-op rebuild vs Hugo cold", 0.1, "<="),
    ("journal_edit_ratio", "journal one-entry edit vs Hugo cold", 0.1, "<="),
    ("journal_memory_ratio", "journal peak memory vs Hugo's", 0.5, "<="),
    ("public_cold_ratio", "public cold build vs Hugo cold", 4.0, "<="),
    ("public_edit_ratio", "public one-entry edit vs Hugo cold", 0.25, "<="),
    ("public_memory_ratio", "public peak memory vs Hugo's", 0.5, "<="),
    ("growth_30k_10k", "journal cold, 30,000 / 10,000 entries", 3.3, "<="),
    ("cards_per_s", "share cards per second, uncached (public cold)", 100.0, ">="),
]


def median(values: list) -> float | None:
    """Return the median of the values that are not None."""
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def ratio(a: float | None, b: float | None) -> float | None:
    """Return a / b, or None when either is missing."""
    return (a / b) if a is not None and b else None


def slim(res: dict) -> dict:
    """Return a build result for the JSON file: numbers and short output, not whole logs."""
    keep = {k: v for k, v in res.items() if k not in ("stdout", "stderr")}
    if "stdout" in res:
        keep["output_tail"] = tail(res.get("stdout", "") + "\n" + res.get("stderr", ""), 20)
    return keep


def summarise_step(runs: list[dict], step: str) -> dict:
    """Return the medians of one step over the runs (successful builds only) and its per-stage times."""
    results = [r[step] for r in runs if step in r]
    ok = [r for r in results if r.get("rc") == 0]
    out: dict = {f: median([r.get(f) for r in ok]) for f in FIELDS}
    out["runs_s"] = [round(r["wall_s"], 4) for r in results if r.get("wall_s") is not None]
    out["ok_runs"] = len(ok)
    if results and all(r.get("skipped") for r in results):
        out["skipped"] = True
    stages: dict[str, list[float]] = {}
    for r in ok:
        for name, seconds in (r.get("stages") or {}).items():
            stages.setdefault(name, []).append(seconds)
    out["stages_s"] = {name: statistics.median(v) for name, v in stages.items()}
    if step in COLD_STEPS:
        out["html"] = median([r.get("html") for r in ok])
        out["pages_per_s"] = median([r.get("pages_per_s") for r in ok])
        out["copy_s"] = median([r.get("copy_s") for r in ok])
        if ok and "stdout" in ok[-1]:
            out["profile_output"] = tail(ok[-1]["stdout"] + "\n" + ok[-1]["stderr"], 60)
    if step.endswith("_edit") and results and not out.get("skipped"):
        out["verified"] = all(r.get("verified_page") for r in results)
        out["verified_page"] = results[-1].get("verified_page")
    return out


def summarise_cards(runs: list[dict]) -> dict | None:
    """Return the medians of the card lines, from the public cold build (else the journal's)."""
    cards = []
    for r in runs:
        c = (r.get("public_cold") or {}).get("cards") or (r.get("journal_cold") or {}).get("cards")
        if c and c.get("per_s"):
            cards.append(c)
    if not cards:
        return None
    return {k: median([c[k] for c in cards]) for k in ("count", "seconds", "per_s")}


def summarise_way(ff_runs: list[dict], hugo_runs: list[dict]) -> dict:
    """Return the medians, and the ratios to Hugo, of the runs made one way."""
    ff = {step: summarise_step(ff_runs, step) for step in STEPS}
    ff["cards"] = summarise_cards(ff_runs)
    out = {"footfall": ff,
           "raw": {"footfall": [{k: slim(v) for k, v in r.items()} for r in ff_runs],
                   "hugo": [{k: slim(v) for k, v in r.items()} for r in hugo_runs]}}
    if hugo_runs:
        hugo = summarise_step(hugo_runs, "hugo_cold")
        out["hugo"] = {"cold": hugo}
        if any("hugo_pagefind_cold" in r for r in hugo_runs):
            with_index = summarise_step(hugo_runs, "hugo_pagefind_cold")
            with_index["pagefind_wall_s"] = median([r["hugo_pagefind_cold"].get("pagefind_wall_s")
                                                    for r in hugo_runs if "hugo_pagefind_cold" in r])
            out["hugo"]["pagefind_cold"] = with_index
        out["ratios"] = {
            f"{audience}_{name}_ratio": ratio(ff[f"{audience}_{step}"][field], hugo[field])
            for audience in ("journal", "public")
            for name, step, field in (("cold", "cold", "wall_s"), ("cold_cpu", "cold", "cpu_s"),
                                      ("noop", "noop", "wall_s"), ("edit", "edit", "wall_s"),
                                      ("memory", "cold", "peak_mib"))
        }
        if "pagefind_cold" in out["hugo"]:  # beside the targets: Hugo does not index; this peer does
            with_index = out["hugo"]["pagefind_cold"]
            out["ratios"]["journal_cold_vs_hugo_pagefind"] = ratio(ff["journal_cold"]["wall_s"], with_index["wall_s"])
            out["ratios"]["journal_cold_cpu_vs_hugo_pagefind"] = ratio(ff["journal_cold"]["cpu_s"], with_index["cpu_s"])
    return out


def growth(sizes: dict, way: str) -> dict:
    """Return the cold-build growth between consecutive sizes, for Footfall (journal, public) and Hugo."""
    ns = sorted(int(k) for k in sizes)
    out = {}
    for a, b in zip(ns, ns[1:]):
        wa, wb = sizes[str(a)]["ways"][way], sizes[str(b)]["ways"][way]
        entry = {"size_ratio": b / a}
        for step in ("journal_cold", "public_cold"):
            entry[step] = ratio(wb["footfall"][step]["wall_s"], wa["footfall"][step]["wall_s"])
        if "hugo" in wa and "hugo" in wb:
            entry["hugo_cold"] = ratio(wb["hugo"]["cold"]["wall_s"], wa["hugo"]["cold"]["wall_s"])
        out[f"{b}/{a}"] = entry
    return out


def evaluate_targets(results: dict, target_size: int) -> list[dict]:
    """Return each target, for each way measured, with the figure and whether it is met."""
    sizes = results["sizes"]
    at = sizes.get(str(target_size))
    rows = []
    for key, label, goal, op in TARGETS:
        for way in results["meta"]["ways"]:
            value = None
            if key == "growth_30k_10k":
                g = results["growth"].get(way, {}).get("30000/10000")
                value = g["journal_cold"] if g else None
            elif key == "cards_per_s":
                cards = at["ways"][way]["footfall"]["cards"] if at else None
                value = cards["per_s"] if cards else None
            elif at and "ratios" in at["ways"][way]:
                value = at["ways"][way]["ratios"][key]
            met = None if value is None else (value <= goal if op == "<=" else value >= goal)
            rows.append({"key": key, "label": label, "way": way, "goal": f"{op} {goal:g}",
                         "value": value, "met": met})
    return rows
