#!/usr/bin/env python3
"""Footfall benchmark harness.

For each corpus size it generates the corpus once (bench/corpus/N, reused while unchanged), then
measures, --runs times each: a cold journal build, a no-op rebuild, a one-entry edit and rebuild,
and a cold public build; with --compare hugo, a cold Hugo build of the same corpus, interleaved with
the Footfall runs (A B A B) so both see the same noise. Medians go to a table, to
bench/results/latest.json and, as Markdown, to bench/results/latest.md.

    python bench/run.py --quick                       # 1,000 entries, one run: a smoke test
    python bench/run.py --compare hugo                # 1,000, 10,000 and 30,000 entries, 3 runs
    python bench/run.py --sizes 10000 --runs 5 --footfall "/work/venv/bin/python -m generator"
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import secrets
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402  (bench/corpus.py)

# Targets for the journal build of 10,000 entries (see bench/README.md).
TARGET_SIZE = 10000
TARGETS = [
    # key, label, goal, comparison
    ("cold_ratio", "cold journal build vs Hugo cold", 1.25, "<="),
    ("noop_ratio", "no-op rebuild vs Hugo cold", 0.1, "<="),
    ("edit_ratio", "one-entry edit vs Hugo cold", 0.1, "<="),
    ("memory_ratio", "peak memory vs Hugo's", 0.5, "<="),
    ("growth_30k_10k", "30k cold / 10k cold", 3.3, "<="),
    ("cards_per_s", "share cards per second, uncached", 100.0, ">="),
]

CARDS_RE = re.compile(r"cards?\s*[:=]\s*(\d+)\s+in\s+([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\b", re.I)
STAGE_RE = re.compile(r"^\s*([A-Za-z][\w ./-]{0,40}?)\s*[:=]?\s+([0-9]+(?:\.[0-9]+)?)\s*(ms|s)\b")


# ------------------------------------------------------------------------------------------
# Running one measured command


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/children") as f:
                    out.extend(int(x) for x in f.read().split())
            except OSError:
                pass
    except OSError:
        pass
    return out


def _tree(pid: int) -> list[int]:
    seen, todo = [], [pid]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.append(p)
        todo.extend(_children(p))
    return seen


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class _TreeSampler(threading.Thread):
    """Samples the summed PSS of the process tree while it has more than one process.

    ru_maxrss (from wait4) is the peak of the single largest process in the tree; a build that
    runs worker processes at the same time can hold more than that in total, which this catches
    (as a lower bound: it samples every `interval` seconds).
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_kib = 0
        self.max_procs = 1
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            pids = _tree(self.pid)
            self.max_procs = max(self.max_procs, len(pids))
            if len(pids) > 1:
                self.peak_kib = max(self.peak_kib, sum(_pss_kib(p) for p in pids))


def loadavg() -> float | None:
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def run_measured(cmd: list[str], cwd: Path, env: dict | None = None, timeout: float = 3600,
                 sample_tree: bool = True) -> dict:
    """Run cmd; return wall time, CPU time, peak memory, exit code and output."""
    load_before = loadavg()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=err, start_new_session=True)
        except OSError as exc:
            return {"cmd": cmd, "rc": 127, "wall_s": 0.0, "user_s": 0.0, "sys_s": 0.0,
                    "maxrss_kib": 0, "tree_pss_kib": 0, "peak_mib": 0.0, "stdout": "",
                    "stderr": f"cannot run {cmd[0]!r}: {exc}", "timed_out": False}
        timed_out = threading.Event()

        def _kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(timeout, _kill)
        timer.start()
        sampler = _TreeSampler(proc.pid) if sample_tree else None
        if sampler:
            sampler.start()
        # wait4 gives this child's own rusage, including its reaped descendants: ru_maxrss is
        # the peak RSS of the largest process in the tree (what `/usr/bin/time -v` reports).
        _, status, ru = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if sampler:
            sampler.done.set()
            sampler.join()
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    maxrss = int(ru.ru_maxrss)  # KiB on Linux
    tree = sampler.peak_kib if sampler else 0
    return {
        "cmd": cmd, "rc": proc.returncode, "timed_out": timed_out.is_set(),
        "wall_s": wall, "user_s": ru.ru_utime, "sys_s": ru.ru_stime, "cpu_s": ru.ru_utime + ru.ru_stime,
        "loadavg_before": load_before,
        "maxrss_kib": maxrss, "tree_pss_kib": tree, "max_procs": sampler.max_procs if sampler else None,
        "peak_mib": max(maxrss, tree) / 1024.0,
        "stdout": stdout, "stderr": stderr,
    }


# ------------------------------------------------------------------------------------------
# Helpers


def count_html(root: Path) -> int:
    n = 0
    for _, _, files in os.walk(root):
        n += sum(1 for f in files if f.endswith(".html"))
    return n


def rm_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


class Trash:
    """Old build outputs, set aside by renaming instead of deleted, and deleted after the last build.

    On ext4, a new file or folder does not reuse the inode of one deleted within the last minute or
    so: allocation scans past each such inode instead. Deleting 15,000 pages before each cold build
    therefore makes every following build's system time grow (1 s, 4 s, 8 s, 11 s for the same
    15,000 files, run after run), for Footfall and Hugo alike. A rename costs nothing of that sort.
    The kernel skips an inode for a minute after its deletion, or six while the deletion is not yet
    written back, so a run that starts soon after another one emptied its trash waits (settle()):
    builds measured two minutes after emptying 3 GB of old outputs were still 10 to 20% slower.
    """

    SETTLE_S = 360  # seconds after a mass delete before builds are measured again

    def __init__(self, folder: Path) -> None:
        self.folder = folder  # beside the corpora, on the same file system, so a rename works
        self.stamp = folder.with_name(folder.name + "-emptied")  # when the trash was last emptied
        self.count = 0

    def settle(self, log) -> None:
        """Wait until the last mass delete (emptying the trash, making a corpus anew) is SETTLE_S seconds old."""
        try:
            age = time.time() - self.stamp.stat().st_mtime
        except OSError:
            return
        if 0 <= age < self.SETTLE_S:
            wait = self.SETTLE_S - age
            log(f"waiting {wait:.0f} s: many files were deleted {age:.0f} s ago (old outputs, or a corpus made "
                "anew), and new files are slow to create for minutes after a mass delete on ext4 (see bench/README.md)")
            time.sleep(wait)

    def deleted_now(self) -> None:
        """Note a mass delete made outside the trash (a corpus made anew replaces the old one's files)."""
        self.stamp.parent.mkdir(parents=True, exist_ok=True)
        self.stamp.touch()

    def set_aside(self, *paths: Path) -> None:
        """Move a build's outputs out of the way (deleting one that cannot be moved)."""
        for path in paths:
            if not path.exists() and not path.is_symlink():
                continue
            self.folder.mkdir(parents=True, exist_ok=True)
            self.count += 1
            try:
                os.rename(path, self.folder / f"{self.count}-{os.getpid()}-{path.name}")
            except OSError:
                rm_tree(path)

    def empty(self) -> None:
        """Delete everything set aside, by this run and by any earlier run that was interrupted."""
        if self.folder.exists():
            rm_tree(self.folder)
            self.deleted_now()


def parse_cards(text: str) -> dict | None:
    """An optional `cards: N in T s` line in the --profile output."""
    m = None
    for m in CARDS_RE.finditer(text):
        pass
    if not m:
        return None
    count, t, unit = int(m.group(1)), float(m.group(2)), m.group(3).lower()
    secs = t / 1000.0 if unit == "ms" else t
    return {"count": count, "seconds": secs, "per_s": (count / secs) if secs > 0 else None}


def parse_stages(text: str) -> dict:
    """Best-effort `stage: 1.23 s` / `stage 123 ms` lines from the --profile output."""
    stages: dict[str, float] = {}
    for line in text.splitlines():
        if CARDS_RE.search(line):
            continue
        m = STAGE_RE.match(line)
        if m:
            val = float(m.group(2)) / (1000.0 if m.group(3).lower() == "ms" else 1.0)
            stages[m.group(1).strip()] = val
    return stages


def median(values: list) -> float | None:
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        mult = 1000 if part.endswith("k") else 1
        sizes.append(int(float(part.rstrip("k")) * mult))
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers, e.g. 1000,10000,30000")
    return sizes


def machine_info() -> dict:
    info = {"platform": platform.platform(), "python": sys.version.split()[0],
            "cpus": os.cpu_count()}
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
        info["memory_gib"] = round(kib / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return info


def first_line(cmd: list[str], cwd: Path, env: dict | None) -> str | None:
    try:
        res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (res.stdout or res.stderr).strip()
    return text.splitlines()[0] if res.returncode == 0 and text else None


# ------------------------------------------------------------------------------------------
# Corpus


def prepare_corpus(n: int, seed: int, corpus_root: Path, with_hugo: bool, regen: bool, log) -> dict:
    site = corpus_root / str(n)
    hugo_site = corpus_root / f"{n}-hugo"
    stamp = corpus_root / f"{n}.stamp.json"
    want = {"n": n, "seed": seed, "corpus_py": _file_digest(Path(corpus.__file__)),
            "hugo_template": _tree_digest(corpus.HUGO_TEMPLATE)}
    have = None
    if stamp.exists() and not regen:
        try:
            have = json.loads(stamp.read_text())
        except ValueError:
            have = None
    fresh = (have is not None and all(have.get(k) == v for k, v in want.items())
             and (site / "content").is_dir() and (not with_hugo or (have.get("hugo") and (hugo_site / "content").is_dir())))
    if fresh:
        log(f"[{n}] reusing corpus in {site}" + (f" and {hugo_site}" if with_hugo else ""))
        return {"site": site, "hugo_site": hugo_site, "stamp": stamp, "stamp_data": have,
                "generated": False, "seconds": 0.0}
    log(f"[{n}] generating corpus in {site}" + (f" and {hugo_site}" if with_hugo else "") + " ...")
    if stamp.exists():
        stamp.unlink()
    info = corpus.generate(n, site, seed, hugo_site if with_hugo else None)
    data = dict(want, hugo=with_hugo, visibility=info["visibility"], bytes=info["bytes"])
    stamp.write_text(json.dumps(data, indent=1))
    log(f"[{n}] corpus written in {info['seconds']:.1f} s ({info['bytes'] / 1e6:.1f} MB)")
    return {"site": site, "hugo_site": hugo_site, "stamp": stamp, "stamp_data": data,
            "generated": True, "seconds": info["seconds"]}


def _file_digest(path: Path) -> str:
    import hashlib
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _tree_digest(root: Path) -> str:
    import hashlib
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


_FM_DATE = re.compile(r"^date:\s*(\d{4})-(\d{2})-(\d{2})", re.M)
_FM_SLUG = re.compile(r"^slug:\s*([a-z0-9-]+)\s*$", re.M)
_FM_VIS = re.compile(r"^visibility:\s*(\w+)", re.M)


def pick_edit_target(site: Path) -> dict:
    """A public entry from the middle of the corpus, and where its journal page should be."""
    files = sorted((site / "content").rglob("*.md"))
    if not files:
        raise SystemExit(f"no entries under {site / 'content'}")
    mid = len(files) // 2
    for path in files[mid:] + files[:mid]:
        text = path.read_text(encoding="utf-8")
        vis, date, slug = _FM_VIS.search(text), _FM_DATE.search(text), _FM_SLUG.search(text)
        if vis and vis.group(1) == "public" and date and slug:
            y, m, d = date.groups()
            return {"path": path, "slug": slug.group(1),
                    "page": Path("output/journal") / y / m / d / slug.group(1) / "index.html"}
    return {"path": files[mid], "slug": None, "page": None}


def find_sentence(site: Path, target: dict, sentence: str) -> str | None:
    """Where in the journal output the sentence appears (the expected page first)."""
    if target["page"] is not None:
        page = site / target["page"]
        try:
            if sentence in page.read_text(encoding="utf-8", errors="replace"):
                return str(target["page"])
        except OSError:
            pass
    root = site / "output" / "journal"
    candidates: list[Path] = []
    others: list[Path] = []
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                p = Path(dirpath) / f
                (candidates if target["slug"] and target["slug"] in dirpath else others).append(p)
    for p in candidates + others:
        try:
            if sentence in p.read_text(encoding="utf-8", errors="replace"):
                return str(p.relative_to(site))
        except OSError:
            pass
    return None


# ------------------------------------------------------------------------------------------
# The benchmark


class Bench:
    def __init__(self, args) -> None:
        self.args = args
        self.footfall = self._footfall_cmd(args)
        self.cwd = Path(args.cwd).resolve() if args.cwd else REPO
        env = dict(os.environ)
        if args.pythonpath:
            paths = [str(Path(p).resolve()) for p in args.pythonpath]
            env["PYTHONPATH"] = os.pathsep.join(paths + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        self.env = env
        self.compare = args.compare
        self.hugo = args.hugo_bin
        self.errors: list[str] = []
        self.trash = Trash(Path(args.corpus_dir).resolve() / ".trash")
        self.use_rich = False
        if not args.plain:
            try:
                import rich  # noqa: F401
                self.use_rich = True
            except ImportError:
                pass

    @staticmethod
    def _footfall_cmd(args) -> list[str]:
        if args.footfall:
            return shlex.split(args.footfall)
        if args.python:
            return [args.python, "-m", "generator"]
        found = shutil.which("footfall")
        return [found] if found else [sys.executable, "-m", "generator"]

    def precompile(self) -> None:
        """Compile Footfall's modules ahead, as the README's install command does.

        Where Python is told not to write bytecode (PYTHONDONTWRITEBYTECODE), every run would
        otherwise compile them again, which a user who installed as the README says never pays.
        """
        python = self._python()
        if python is None:
            self.log("could not tell footfall's Python: its modules are not compiled ahead")
            return
        code = "import compileall, os, generator; compileall.compile_dir(os.path.dirname(generator.__file__), quiet=1)"
        subprocess.run([python, "-c", code], cwd=self.cwd, env=self.env, check=False, capture_output=True)

    def _python(self) -> str | None:
        """Return the Python that runs footfall: the one before `-m generator`, or a script's #! line."""
        if self.footfall[1:3] == ["-m", "generator"]:
            return self.footfall[0]
        try:
            with open(self.footfall[0], "rb") as script:
                first = script.readline().decode("utf-8", "replace").strip()
        except OSError:
            return None
        return first[2:].split()[0] if first.startswith("#!") else None

    def log(self, msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    def error(self, msg: str) -> None:
        self.errors.append(msg)
        self.log("ERROR: " + msg)

    # -- one build of each kind ------------------------------------------------------------

    def footfall_build(self, site: Path, journal: bool) -> dict:
        cmd = self.footfall + ["build"] + (["--journal"] if journal else []) + ["--site", str(site)]
        if not self.args.no_profile:
            cmd.append("--profile")
        res = run_measured(cmd, self.cwd, self.env, self.args.timeout, not self.args.no_tree_sampling)
        res["cards"] = parse_cards(res["stdout"] + "\n" + res["stderr"])
        res["stages"] = parse_stages(res["stdout"] + "\n" + res["stderr"])
        return res

    def check(self, res: dict, what: str) -> bool:
        if res["rc"] != 0:
            why = "timed out" if res.get("timed_out") else f"exit {res['rc']}"
            self.error(f"{what}: {shlex.join(res['cmd'])} failed ({why})\n{tail(res['stderr'] or res['stdout'])}")
            return False
        return True

    def set_aside_footfall_outputs(self, site: Path) -> None:
        """Make the next Footfall build of a site cold: no output, no cache."""
        self.trash.set_aside(site / "output", site / ".footfall-cache")

    def footfall_round(self, n: int, site: Path, target: dict, run_no: int, stamp: dict) -> dict:
        out = {}
        tag = f"[{n} run {run_no}]"
        # cold journal build
        self.set_aside_footfall_outputs(site)
        res = self.footfall_build(site, journal=True)
        ok = self.check(res, f"{tag} cold journal build")
        res["html"] = count_html(site / "output" / "journal")
        res["pages_per_s"] = res["html"] / res["wall_s"] if res["wall_s"] > 0 and res["html"] else None
        if ok and res["html"] == 0:
            self.error(f"{tag} cold journal build wrote no .html under {site / 'output' / 'journal'}")
        out["cold"] = res
        self.log(f"{tag} footfall cold journal: {res['wall_s']:.2f} s, {res['peak_mib']:.0f} MiB, {res['html']} html")

        # no-op rebuild
        res = self.footfall_build(site, journal=True)
        self.check(res, f"{tag} no-op rebuild")
        out["noop"] = res
        self.log(f"{tag} footfall no-op: {res['wall_s']:.2f} s, {res['peak_mib']:.0f} MiB")

        # one-entry edit
        path: Path = target["path"]
        original = path.read_bytes()
        sentence = f"Much later I found the marker footfallmark{secrets.token_hex(5)} in my notes."
        stamp["stamp"].unlink(missing_ok=True)  # the corpus is not pristine until restored
        try:
            path.write_bytes(original + b"\n" + sentence.encode() + b"\n")
            res = self.footfall_build(site, journal=True)
        finally:
            path.write_bytes(original)
            stamp["stamp"].write_text(json.dumps(stamp["stamp_data"], indent=1))
        self.check(res, f"{tag} one-entry edit rebuild")
        found = find_sentence(site, target, sentence)
        res["edited_file"] = str(path.relative_to(site))
        res["verified_page"] = found
        if found is None:
            self.error(f"{tag} one-entry edit: the appended sentence is in no page under output/journal "
                       f"(expected in {target['page']})")
        out["edit"] = res
        self.log(f"{tag} footfall one edit: {res['wall_s']:.2f} s, {res['peak_mib']:.0f} MiB, "
                 f"verified in {found}")

        # cold public build
        if self.args.skip_public:
            out["public"] = {"rc": None, "skipped": True}
            return out
        self.set_aside_footfall_outputs(site)
        res = self.footfall_build(site, journal=False)
        self.check(res, f"{tag} cold public build")
        res["html"] = count_html(site / "output" / "public")
        res["pages_per_s"] = res["html"] / res["wall_s"] if res["wall_s"] > 0 and res["html"] else None
        out["public"] = res
        cards = res["cards"] or out["cold"]["cards"]
        self.log(f"{tag} footfall cold public: {res['wall_s']:.2f} s, {res['peak_mib']:.0f} MiB, {res['html']} html"
                 + (f", cards {cards['count']} in {cards['seconds']:.2f} s" if cards else ""))
        return out

    def hugo_round(self, n: int, hugo_site: Path, run_no: int) -> dict:
        self.trash.set_aside(hugo_site / "public", hugo_site / "resources")
        res = run_measured([self.hugo, "--quiet", "-s", str(hugo_site)], hugo_site, None,
                           self.args.timeout, not self.args.no_tree_sampling)
        self.check(res, f"[{n} run {run_no}] hugo cold build")
        res["html"] = count_html(hugo_site / "public")
        res["pages_per_s"] = res["html"] / res["wall_s"] if res["wall_s"] > 0 and res["html"] else None
        self.log(f"[{n} run {run_no}] hugo cold: {res['wall_s']:.2f} s, {res['peak_mib']:.0f} MiB, {res['html']} html")
        return {"cold": res}

    # -- a whole size ----------------------------------------------------------------------

    def size(self, n: int) -> dict:
        args = self.args
        corpus_root = Path(args.corpus_dir).resolve()
        corpus_root.mkdir(parents=True, exist_ok=True)
        stamp = prepare_corpus(n, args.seed, corpus_root, self.compare == "hugo", args.regen, self.log)
        site, hugo_site = stamp["site"], stamp["hugo_site"]
        if stamp["generated"]:
            self.trash.deleted_now()  # it may have replaced an older corpus's files
        if not args.no_settle:
            self.trash.settle(self.log)
        target = pick_edit_target(site)
        for i in range(args.warmup):
            self.set_aside_footfall_outputs(site)
            res = self.footfall_build(site, journal=True)
            self.log(f"[{n}] warm-up build {i + 1}: {res['wall_s']:.2f} s (not counted)")
        ff_runs, hugo_runs = [], []
        for r in range(1, args.runs + 1):
            ff_runs.append(self.footfall_round(n, site, target, r, stamp))   # A
            if self.compare == "hugo":
                hugo_runs.append(self.hugo_round(n, hugo_site, r))           # B
        return self.summarise(n, stamp, ff_runs, hugo_runs)

    def summarise(self, n: int, stamp: dict, ff_runs: list, hugo_runs: list) -> dict:
        def ok(rs, kind):
            return [r[kind] for r in rs if r[kind]["rc"] == 0]

        def med(rs, kind, field):
            return median([r.get(field) for r in ok(rs, kind)])

        ff = {}
        for kind in ("cold", "noop", "edit", "public"):
            ff[kind] = {
                "wall_s": med(ff_runs, kind, "wall_s"),
                "user_s": med(ff_runs, kind, "user_s"),
                "sys_s": med(ff_runs, kind, "sys_s"),
                "cpu_s": med(ff_runs, kind, "cpu_s"),
                "peak_mib": med(ff_runs, kind, "peak_mib"),
                "runs_s": [round(r[kind]["wall_s"], 4) for r in ff_runs if r[kind].get("wall_s") is not None],
                "ok_runs": len(ok(ff_runs, kind)),
            }
        ff["cold"]["html"] = med(ff_runs, "cold", "html")
        ff["cold"]["pages_per_s"] = med(ff_runs, "cold", "pages_per_s")
        ff["public"]["html"] = med(ff_runs, "public", "html")
        ff["public"]["pages_per_s"] = med(ff_runs, "public", "pages_per_s")
        ff["edit"]["verified"] = all(r["edit"].get("verified_page") for r in ff_runs)
        ff["edit"]["verified_page"] = ff_runs[-1]["edit"].get("verified_page") if ff_runs else None
        cards = []
        for r in ff_runs:
            c = r["public"].get("cards") or r["cold"].get("cards")
            if c and c.get("per_s"):
                cards.append(c)
        ff["cards"] = ({"count": median([c["count"] for c in cards]),
                        "seconds": median([c["seconds"] for c in cards]),
                        "per_s": median([c["per_s"] for c in cards])} if cards else None)
        stages: dict[str, list[float]] = {}
        for r in ff_runs:
            for k, v in r["cold"].get("stages", {}).items():
                stages.setdefault(k, []).append(v)
        ff["cold"]["stages_s"] = {k: statistics.median(v) for k, v in stages.items()}
        last_cold = ff_runs[-1]["cold"] if ff_runs else None
        ff["profile_output"] = tail(last_cold["stdout"] + "\n" + last_cold["stderr"], 60) if last_cold else ""

        out = {"n": n, "corpus": {"site": str(stamp["site"]), "generated": stamp["generated"],
                                  "seconds": stamp["seconds"], "visibility": stamp["stamp_data"].get("visibility"),
                                  "bytes": stamp["stamp_data"].get("bytes")},
               "footfall": ff,
               "raw": {"footfall": [{k: _slim(v) for k, v in r.items()} for r in ff_runs],
                       "hugo": [{k: _slim(v) for k, v in r.items()} for r in hugo_runs]}}
        if hugo_runs:
            hg = {"cold": {"wall_s": med(hugo_runs, "cold", "wall_s"),
                           "user_s": med(hugo_runs, "cold", "user_s"),
                           "sys_s": med(hugo_runs, "cold", "sys_s"),
                           "cpu_s": med(hugo_runs, "cold", "cpu_s"),
                           "peak_mib": med(hugo_runs, "cold", "peak_mib"),
                           "html": med(hugo_runs, "cold", "html"),
                           "pages_per_s": med(hugo_runs, "cold", "pages_per_s"),
                           "runs_s": [round(r["cold"]["wall_s"], 4) for r in hugo_runs],
                           "ok_runs": len(ok(hugo_runs, "cold"))}}
            out["hugo"] = hg
            h = hg["cold"]["wall_s"]
            hm = hg["cold"]["peak_mib"]
            out["ratios"] = {
                "cold_ratio": _ratio(ff["cold"]["wall_s"], h),
                "noop_ratio": _ratio(ff["noop"]["wall_s"], h),
                "edit_ratio": _ratio(ff["edit"]["wall_s"], h),
                "memory_ratio": _ratio(ff["cold"]["peak_mib"], hm),
                "cold_cpu_ratio": _ratio(ff["cold"]["cpu_s"], hg["cold"]["cpu_s"]),
            }
        return out

    # -- everything ------------------------------------------------------------------------

    def run(self) -> dict:
        args = self.args
        if self.compare == "hugo" and not shutil.which(self.hugo):
            raise SystemExit(f"--compare hugo: {self.hugo!r} not found (apt-get install -y hugo)")
        meta = {
            "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "machine": machine_info(),
            "footfall_cmd": self.footfall, "cwd": str(self.cwd),
            "pythonpath": self.env.get("PYTHONPATH"),
            "footfall_version": first_line(self.footfall + ["--version"], self.cwd, self.env),
            "hugo_version": first_line([self.hugo, "version"], REPO, None) if self.compare == "hugo" else None,
            "sizes": args.sizes, "runs": args.runs, "seed": args.seed, "warmup": args.warmup,
            "profile": not args.no_profile,
        }
        self.log(f"footfall: {shlex.join(self.footfall)} (cwd {self.cwd}"
                 + (f", PYTHONPATH {self.env['PYTHONPATH']}" if args.pythonpath else "") + ")"
                 + (f"; comparing with {meta['hugo_version']}" if self.compare == "hugo" else ""))
        self.precompile()
        results = {"meta": meta, "sizes": {}}
        t0 = time.perf_counter()
        try:
            for index, n in enumerate(args.sizes):
                if index and not args.no_settle:
                    self.trash.empty()  # each size's old outputs go before the next (which settles), so the trash stays small
                results["sizes"][str(n)] = self.size(n)
        finally:
            self.trash.empty()
        results["growth"] = growth(results["sizes"])
        results["targets"] = evaluate_targets(results)
        results["meta"]["seconds"] = round(time.perf_counter() - t0, 1)
        loads = [r[kind].get("loadavg_before") for s in results["sizes"].values()
                 for side in ("footfall", "hugo") for r in s["raw"][side] for kind in r]
        loads = [x for x in loads if x is not None]
        results["meta"]["loadavg_max"] = max(loads) if loads else None
        results["errors"] = self.errors
        return results


def _ratio(a, b):
    return (a / b) if a is not None and b else None


def _slim(res: dict) -> dict:
    """A build result for the JSON file: numbers and short output, not whole logs."""
    keep = {k: v for k, v in res.items() if k not in ("stdout", "stderr")}
    keep["output_tail"] = tail(res.get("stdout", "") + "\n" + res.get("stderr", ""), 20)
    return keep


def growth(sizes: dict) -> dict:
    """Cold-build growth between consecutive sizes (and 30k/10k by name)."""
    ns = sorted(int(k) for k in sizes)
    out = {}
    for a, b in zip(ns, ns[1:]):
        fa, fb = sizes[str(a)]["footfall"]["cold"]["wall_s"], sizes[str(b)]["footfall"]["cold"]["wall_s"]
        entry = {"size_ratio": b / a, "footfall": _ratio(fb, fa)}
        if "hugo" in sizes[str(a)] and "hugo" in sizes[str(b)]:
            entry["hugo"] = _ratio(sizes[str(b)]["hugo"]["cold"]["wall_s"], sizes[str(a)]["hugo"]["cold"]["wall_s"])
        out[f"{b}/{a}"] = entry
    return out


def evaluate_targets(results: dict) -> list[dict]:
    sizes = results["sizes"]
    at = sizes.get(str(TARGET_SIZE))
    rows = []
    for key, label, goal, op in TARGETS:
        value = None
        if key == "growth_30k_10k":
            g = results["growth"].get("30000/10000")
            value = g["footfall"] if g else None
        elif key == "cards_per_s":
            src = at or (sizes[max(sizes, key=int)] if sizes else None)
            value = src["footfall"]["cards"]["per_s"] if src and src["footfall"]["cards"] else None
        elif at and "ratios" in at:
            value = at["ratios"][key]
        met = None if value is None else (value <= goal if op == "<=" else value >= goal)
        rows.append({"key": key, "label": label, "goal": f"{op} {goal:g}", "value": value, "met": met})
    return rows


# ------------------------------------------------------------------------------------------
# Reporting


def _s(v, digits=2):
    if v is None:
        return "–"
    if v >= 100:
        return f"{v:.0f}"
    return f"{v:.{digits}f}"


def _x(v):
    return "–" if v is None else f"{v:.2f}×"


def tables(results: dict) -> list[tuple[str, list[str], list[list[str]]]]:
    sizes = results["sizes"]
    rows = []
    for k in sorted(sizes, key=int):
        s = sizes[k]
        f = s["footfall"]
        cards = f["cards"]["per_s"] if f["cards"] else None
        rows.append([f"{int(k):,}", _s(f["cold"]["html"], 0) if f["cold"]["html"] is not None else "–",
                     _s(f["cold"]["wall_s"]), _s(f["cold"]["cpu_s"]), _s(f["noop"]["wall_s"]), _s(f["edit"]["wall_s"]),
                     _s(f["public"]["wall_s"]), _s(f["cold"]["peak_mib"], 0),
                     _s(f["cold"]["pages_per_s"], 0), _s(cards, 0)])
    out = [("Footfall (medians; times in seconds, memory in MiB)",
            ["entries", "journal pages", "cold journal", "cold CPU", "no-op", "one edit", "cold public",
             "peak memory", "pages/s", "cards/s"], rows)]
    hrows = []
    for k in sorted(sizes, key=int):
        s = sizes[k]
        if "hugo" not in s:
            continue
        h, r = s["hugo"]["cold"], s["ratios"]
        hrows.append([f"{int(k):,}", _s(h["html"], 0) if h["html"] is not None else "–", _s(h["wall_s"]),
                      _s(h["cpu_s"]), _s(h["peak_mib"], 0), _x(r["cold_ratio"]), _x(r["cold_cpu_ratio"]),
                      _x(r["noop_ratio"]), _x(r["edit_ratio"]), _x(r["memory_ratio"])])
    if hrows:
        out.append(("Against Hugo (cold build; ratios are Footfall / Hugo cold)",
                    ["entries", "Hugo pages", "Hugo cold", "Hugo cold CPU", "Hugo memory", "cold",
                     "cold CPU", "no-op", "one edit", "memory"], hrows))
    grows = []
    for key, g in results["growth"].items():
        grows.append([key, f"{g['size_ratio']:.1f}×", _x(g["footfall"]), _x(g.get("hugo"))])
    if grows:
        out.append(("Growth of the cold build", ["sizes", "entries", "Footfall", "Hugo"], grows))
    trows = []
    for t in results["targets"]:
        v = t["value"]
        shown = "–" if v is None else (f"{v:.0f}/s" if t["key"] == "cards_per_s" else f"{v:.2f}×")
        status = "not measured" if t["met"] is None else ("met" if t["met"] else "MISSED")
        trows.append([t["label"], t["goal"], shown, status])
    out.append((f"Targets ({TARGET_SIZE:,} entries)", ["target", "goal", "measured", "status"], trows))
    return out


def markdown(results: dict) -> str:
    meta = results["meta"]
    m = meta["machine"]
    lines = [f"Measured {meta['started'][:10]} on {m.get('cpus')} cores, {m.get('memory_gib')} GiB"
             + (f" ({m['cpu']})" if m.get("cpu") else "") + f"; Python {m.get('python')}; "
             + f"{meta['runs']} run(s) each, medians"
             + (f"; 1-min load average up to {meta['loadavg_max']:.1f} before builds"
                if meta.get("loadavg_max") is not None else "")
             + (f"; {meta['hugo_version']}" if meta.get("hugo_version") else "") + "."]
    for title, head, rows in tables(results):
        lines += ["", f"**{title}**", "", "| " + " | ".join(head) + " |",
                  "|" + "|".join(" --- " if i == 0 else " ---: " for i in range(len(head))) + "|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def print_tables(results: dict, use_rich: bool) -> None:
    if use_rich:
        from rich.console import Console
        from rich.table import Table
        console = Console(stderr=True, width=None if sys.stderr.isatty() else 140)
        for title, head, rows in tables(results):
            t = Table(title=title)
            for i, h in enumerate(head):
                t.add_column(h, justify="left" if i == 0 else "right")
            for r in rows:
                t.add_row(*r)
            console.print(t)
        return
    for title, head, rows in tables(results):
        widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
        print(f"\n{title}", file=sys.stderr)
        print("  ".join(h.rjust(w) for h, w in zip(head, widths)), file=sys.stderr)
        for r in rows:
            print("  ".join(c.rjust(w) for c, w in zip(r, widths)), file=sys.stderr)


# ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark Footfall builds (optionally against Hugo).",
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--sizes", type=parse_sizes, default=[1000, 10000, 30000],
                    help="comma-separated corpus sizes (default 1000,10000,30000; 10k works)")
    ap.add_argument("--runs", type=int, default=3, help="measured runs of each build (default 3)")
    ap.add_argument("--quick", action="store_true", help="smoke test: --sizes 1000 --runs 1")
    ap.add_argument("--compare", choices=["hugo"], help="also build the same corpus with Hugo")
    ap.add_argument("--hugo-bin", default="hugo", help="the hugo executable (default: hugo on PATH)")
    who = ap.add_mutually_exclusive_group()
    who.add_argument("--footfall", metavar="CMD",
                     help="command that runs footfall, e.g. 'footfall' or '/work/venv/bin/python -m generator' "
                          "(default: footfall on PATH, else this Python with -m generator)")
    who.add_argument("--python", metavar="PY", help="run footfall as PY -m generator")
    ap.add_argument("--cwd", help="working directory for footfall (default: the repository root)")
    ap.add_argument("--pythonpath", action="append", metavar="DIR",
                    help="prepend DIR to PYTHONPATH for footfall (repeatable), e.g. --pythonpath . in a checkout")
    ap.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    ap.add_argument("--corpus-dir", default=str(HERE / "corpus"), help="where corpora go (default bench/corpus)")
    ap.add_argument("--regen", action="store_true", help="regenerate corpora even when unchanged")
    ap.add_argument("--warmup", type=int, default=0, help="unmeasured cold journal builds per size first (default 0)")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before a build is killed (default 3600)")
    ap.add_argument("--skip-public", action="store_true", help="no cold public builds (quicker runs of the journal figures)")
    ap.add_argument("--no-settle", action="store_true",
                    help="measure at once, even right after a mass delete (see bench/README.md)")
    ap.add_argument("--no-profile", action="store_true", help="do not pass --profile to footfall")
    ap.add_argument("--no-tree-sampling", action="store_true",
                    help="peak memory from ru_maxrss only; do not sample the process tree")
    ap.add_argument("--out", default=str(HERE / "results" / "latest.json"),
                    help="JSON results file (default bench/results/latest.json; Markdown beside it)")
    ap.add_argument("--plain", action="store_true", help="plain tables even if rich is installed")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.runs = [1000], 1
    if args.runs < 1:
        ap.error("--runs must be at least 1")

    bench = Bench(args)
    results = bench.run()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, default=str) + "\n")
    md = markdown(results)
    out.with_suffix(".md").write_text(md)
    print_tables(results, bench.use_rich)
    print(md)
    bench.log(f"results: {out} and {out.with_suffix('.md')}")
    if bench.errors:
        bench.log(f"{len(bench.errors)} problem(s):")
        for e in bench.errors:
            bench.log("  - " + e.splitlines()[0])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
