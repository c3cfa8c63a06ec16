#!/usr/bin/env python3
"""Footfall benchmark harness.

For each corpus size it generates the corpus once (bench/corpus/N, reused while unchanged), then
measures, --runs times each: the journal's cold build, no-op rebuild and one-entry edit, then the
public site's; with --compare hugo, a cold Hugo build of the same entries after each Footfall
round (A B A B), so both see the same noise. Each cold build runs on a fresh copy of the site made
just before it (--way fresh-copy, the default), on the corpus with its old outputs set aside
(--way set-aside), or both ways in turn (--way both). Medians go to a table, to
bench/results/latest.json and, as Markdown, to bench/results/latest.md.

    python bench/run.py --quick                       # 1,000 entries, one run: a smoke test
    python bench/run.py --sizes 10000 --compare hugo --way both
    python bench/run.py --sizes 10000 --runs 5 --footfall "/work/venv/bin/python -m generator"
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from measure import first_line, git_commit, machine_info  # noqa: E402
from report import markdown, print_tables  # noqa: E402
from rounds import REPO, Rounds  # noqa: E402
from sites import WAYS, pick_edit_target, prepare_corpus  # noqa: E402
from summary import evaluate_targets, growth, summarise_way  # noqa: E402

FORMAT = 2  # of results/latest.json: 2 has the ways, the public figures and the steps by name


def measure_size(rounds: Rounds, args: argparse.Namespace, n: int) -> dict:
    """Generate or reuse the corpus of n entries and measure it each way, rounds alternating with Hugo."""
    corpus_root = Path(args.corpus_dir).resolve()
    corpus_root.mkdir(parents=True, exist_ok=True)
    corpus = prepare_corpus(n, args.seed, corpus_root, args.compare == "hugo", args.regen, rounds.log, args.routes)
    if corpus.generated:
        rounds.trash.deleted_now()  # it may have replaced an older corpus's files
    if not args.no_settle:
        rounds.trash.settle(rounds.log)
    target = pick_edit_target(corpus.site)
    rounds.warm_up(corpus, args.ways[0])
    runs: dict[str, tuple[list, list]] = {way: ([], []) for way in args.ways}
    for r in range(1, args.runs + 1):
        for way in args.ways:
            runs[way][0].append(rounds.footfall_round(corpus, way, target, r))   # A
            if args.compare == "hugo":
                runs[way][1].append(rounds.hugo_round(corpus, way, r))           # B
    return {"n": n,
            "corpus": {"site": str(corpus.site), "generated": corpus.generated, "seconds": corpus.seconds,
                       "visibility": corpus.stamp_data.get("visibility"), "bytes": corpus.stamp_data.get("bytes"),
                       "edited_entry": str(target.entry), "edited_page": str(target.page)},
            "ways": {way: summarise_way(ff, hugo) for way, (ff, hugo) in runs.items()}}


def describe(rounds: Rounds, args: argparse.Namespace) -> dict:
    """Return what this run measures, with what, where and at which commit."""
    package = rounds.package_folder()
    return {
        "format": FORMAT,
        "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "commit": git_commit(package or rounds.cwd),
        "footfall_cmd": rounds.footfall, "cwd": str(rounds.cwd), "package": str(package) if package else None,
        "pythonpath": rounds.env.get("PYTHONPATH"),
        "footfall_version": first_line(rounds.footfall + ["--version"], rounds.cwd, rounds.env),
        "hugo_version": first_line([rounds.hugo, "version"], REPO) if args.compare == "hugo" else None,
        "sizes": args.sizes, "runs": args.runs, "seed": args.seed, "routes": args.routes, "warmup": args.warmup,
        "ways": args.ways, "target_size": args.target_size, "public": not args.skip_public,
        "profile": not args.no_profile,
    }


def run(rounds: Rounds, args: argparse.Namespace) -> dict:
    """Measure every size; return the results with growth and targets."""
    if args.compare == "hugo" and not shutil.which(rounds.hugo):
        raise SystemExit(f"--compare hugo: {rounds.hugo!r} not found (apt-get install -y hugo)")
    meta = describe(rounds, args)
    rounds.log(f"footfall: {shlex.join(rounds.footfall)} (cwd {rounds.cwd}"
               + (f", PYTHONPATH {rounds.env['PYTHONPATH']}" if args.pythonpath else "") + ")"
               + (f" at {meta['commit']}" if meta["commit"] else "")
               + (f"; comparing with {meta['hugo_version']}" if args.compare == "hugo" else "")
               + f"; cold builds: {' and '.join(args.ways)}")
    rounds.precompile()
    if args.compare == "hugo" and not args.no_pagefind:
        meta["pagefind"] = rounds.find_pagefind()
        if meta["pagefind"] is None:
            rounds.log("Pagefind not found: no Hugo + Pagefind figures")
    results: dict = {"meta": meta, "sizes": {}}
    t0 = time.perf_counter()
    try:
        for index, n in enumerate(args.sizes):
            if index and not args.no_settle:
                rounds.trash.empty()  # each size's old outputs go before the next (which settles): a small trash
            results["sizes"][str(n)] = measure_size(rounds, args, n)
    finally:
        rounds.trash.set_aside(rounds.copies.folder)  # copies left by an interrupted run, if any
        rounds.trash.empty()
    results["growth"] = {way: growth(results["sizes"], way) for way in args.ways}
    results["targets"] = evaluate_targets(results, args.target_size)
    meta["seconds"] = round(time.perf_counter() - t0, 1)
    loads = [res.get("loadavg_before") for s in results["sizes"].values() for w in s["ways"].values()
             for side in ("footfall", "hugo") for r in w["raw"][side] for res in r.values()]
    loads = [x for x in loads if x is not None]
    meta["loadavg_max"] = max(loads) if loads else None
    results["errors"] = rounds.errors
    return results


def parse_sizes(text: str) -> list[int]:
    """Return the sizes of `1000,10k,30000`."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if part:
            sizes.append(int(float(part.rstrip("k")) * (1000 if part.endswith("k") else 1)))
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers, e.g. 1000,10000,30000")
    return sizes


def parser() -> argparse.ArgumentParser:
    """Return the command line's parser."""
    ap = argparse.ArgumentParser(description="Benchmark Footfall builds (optionally against Hugo).",
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--sizes", type=parse_sizes, default=[1000, 10000, 30000],
                    help="comma-separated corpus sizes (default 1000,10000,30000; 10k works)")
    ap.add_argument("--runs", type=int, default=3, help="measured runs of each build (default 3)")
    ap.add_argument("--quick", action="store_true", help="smoke test: --sizes 1000 --runs 1")
    ap.add_argument("--way", choices=[*WAYS, "both"], default="fresh-copy",
                    help="how a build is made cold: on a fresh copy of the site (default), on the corpus "
                         "with its outputs set aside, or both in turn")
    ap.add_argument("--compare", choices=["hugo"], help="also build the same corpus with Hugo")
    ap.add_argument("--hugo-bin", default="hugo", help="the hugo executable (default: hugo on PATH)")
    ap.add_argument("--no-pagefind", action="store_true",
                    help="with --compare hugo, do not also index Hugo's output with Pagefind (Hugo + Pagefind)")
    who = ap.add_mutually_exclusive_group()
    who.add_argument("--footfall", metavar="CMD",
                     help="command that runs footfall, e.g. 'footfall' or '/work/venv/bin/python -m generator' "
                          "(default: footfall on PATH, else this Python with -m generator)")
    who.add_argument("--python", metavar="PY", help="run footfall as PY -m generator")
    ap.add_argument("--cwd", help="working directory for footfall (default: the repository root)")
    ap.add_argument("--pythonpath", action="append", metavar="DIR",
                    help="prepend DIR to PYTHONPATH for footfall (repeatable), e.g. --pythonpath . in a checkout")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--routes", type=float, default=0.0, metavar="SHARE",
                    help="give this share of the entries (0 to 1) a GPX recording; the targets are set for none "
                         "(default 0)")
    ap.add_argument("--corpus-dir", default=str(HERE / "corpus"), help="where corpora go (default bench/corpus)")
    ap.add_argument("--regen", action="store_true", help="regenerate corpora even when unchanged")
    ap.add_argument("--warmup", type=int, default=0, help="unmeasured cold journal builds per size first (default 0)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before a build is killed (default 3600)")
    ap.add_argument("--skip-public", action="store_true",
                    help="no public builds (quicker runs of the journal figures)")
    ap.add_argument("--target-size", type=int, default=10000,
                    help="the corpus size the targets are checked at (default 10000)")
    ap.add_argument("--no-settle", action="store_true",
                    help="measure at once, even right after a mass delete (see bench/README.md)")
    ap.add_argument("--no-profile", action="store_true", help="do not pass --profile to footfall")
    ap.add_argument("--no-tree-sampling", action="store_true",
                    help="peak memory from ru_maxrss only; do not sample the process tree")
    ap.add_argument("--out", default=str(HERE / "results" / "latest.json"),
                    help="JSON results file (default bench/results/latest.json; Markdown beside it)")
    ap.add_argument("--plain", action="store_true", help="plain tables even if rich is installed")
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 1 if a build failed or an edit did not show, else 0."""
    ap = parser()
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.runs = [1000], 1
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    if not 0 <= args.routes <= 1:
        ap.error("--routes must be between 0 and 1")
    args.ways = list(WAYS) if args.way == "both" else [args.way]
    rounds = Rounds(args, Path(args.corpus_dir).resolve())
    results = run(rounds, args)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    md = markdown(results)
    out.with_suffix(".md").write_text(md)
    use_rich = False
    if not args.plain:
        try:
            import rich  # noqa: F401
            use_rich = True
        except ImportError:
            pass
    print_tables(results, use_rich)
    print(md)
    rounds.log(f"results: {out} and {out.with_suffix('.md')}")
    if rounds.errors:
        rounds.log(f"{len(rounds.errors)} problem(s):")
        for e in rounds.errors:
            rounds.log("  - " + e.splitlines()[0])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
