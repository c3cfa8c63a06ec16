"""The builds of one benchmark run: Footfall's steps on each corpus, and Hugo's cold builds between them.

A round of Footfall, on one corpus and one way of making a build cold (sites.py):
journal cold, journal no-op, journal one edit, then (unless skipped) public cold, public no-op,
public one edit. With --compare hugo each Footfall round is followed by a cold Hugo build made
the same way, so the two alternate (A B A B) and see the same noise.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

from measure import run_measured
from profile_lines import parse_cards, parse_counts, parse_stages
from sites import (FOOTFALL_OUTPUTS, FRESH_COPY, FRESH_COPY_LEAVES_OUT, HUGO_OUTPUTS, Copies, Corpus,
                   EditTarget, Trash, count_html, find_sentence)

REPO = Path(__file__).resolve().parent.parent


def tail(text: str, lines: int = 15) -> str:
    """Return the last lines of a command's output."""
    return "\n".join(text.strip().splitlines()[-lines:])


def footfall_command(args: argparse.Namespace) -> list[str]:
    """Return the command that runs Footfall: --footfall, --python, `footfall` on PATH or this Python."""
    if args.footfall:
        return shlex.split(args.footfall)
    if args.python:
        return [args.python, "-m", "generator"]
    found = shutil.which("footfall")
    return [found] if found else [sys.executable, "-m", "generator"]


class Rounds:
    """Run and check the builds; keep the problems found for the exit status."""

    def __init__(self, args: argparse.Namespace, corpus_root: Path) -> None:
        self.args = args
        self.footfall = footfall_command(args)
        self.cwd = Path(args.cwd).resolve() if args.cwd else REPO
        env = dict(os.environ)
        if args.pythonpath:
            paths = [str(Path(p).resolve()) for p in args.pythonpath]
            env["PYTHONPATH"] = os.pathsep.join(paths + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        self.env = env
        self.hugo = args.hugo_bin
        self.pagefind: str | None = None  # set by find_pagefind()
        self.trash = Trash(corpus_root / ".trash")
        self.copies = Copies(corpus_root / ".fresh")
        self.errors: list[str] = []

    # -- talking -------------------------------------------------------------------------------

    def log(self, msg: str) -> None:
        """Print a progress line."""
        print(msg, file=sys.stderr, flush=True)

    def error(self, msg: str) -> None:
        """Note a problem that makes the run fail."""
        self.errors.append(msg)
        self.log("ERROR: " + msg)

    def check(self, res: dict, what: str) -> bool:
        """Note a build that failed or timed out; return whether it succeeded."""
        if res["rc"] != 0:
            why = "timed out" if res.get("timed_out") else f"exit {res['rc']}"
            self.error(f"{what}: {shlex.join(res['cmd'])} failed ({why})\n{tail(res['stderr'] or res['stdout'])}")
            return False
        return True

    # -- Footfall itself -----------------------------------------------------------------------

    def python(self) -> str | None:
        """Return the Python that runs footfall: the one before `-m generator`, or a script's #! line."""
        if self.footfall[1:3] == ["-m", "generator"]:
            return self.footfall[0]
        try:
            with open(self.footfall[0], "rb") as script:
                first = script.readline().decode("utf-8", "replace").strip()
        except OSError:
            return None
        return first[2:].split()[0] if first.startswith("#!") else None

    def package_folder(self) -> Path | None:
        """Return the folder of the `generator` package that footfall runs."""
        python = self.python()
        if python is None:
            return None
        res = subprocess.run([python, "-c", "import generator; print(generator.__file__)"], cwd=self.cwd,
                             env=self.env, capture_output=True, text=True, check=False)
        return Path(res.stdout.strip()).parent if res.returncode == 0 and res.stdout.strip() else None

    def find_pagefind(self) -> str | None:
        """Note and return the Pagefind executable Footfall itself runs (its `pagefind[bin]` package's)."""
        code = "from generator.outputs.search import pagefind_binary; print(pagefind_binary())"
        res = subprocess.run([self.python() or sys.executable, "-c", code], cwd=self.cwd, env=self.env,
                             capture_output=True, text=True, check=False)
        found = res.stdout.strip()
        self.pagefind = found if res.returncode == 0 and found and Path(found).is_file() else None
        return self.pagefind

    def precompile(self) -> None:
        """Compile Footfall's modules ahead, as the README's install command does.

        Where Python is told not to write bytecode (PYTHONDONTWRITEBYTECODE), every run would
        otherwise compile them again, which a user who installed as the README says never pays.
        """
        python = self.python()
        if python is None:
            self.log("could not tell footfall's Python: its modules are not compiled ahead")
            return
        code = "import compileall, os, generator; compileall.compile_dir(os.path.dirname(generator.__file__), quiet=1)"
        subprocess.run([python, "-c", code], cwd=self.cwd, env=self.env, check=False, capture_output=True)

    def footfall_build(self, site: Path, journal: bool) -> dict:
        """Build the journal or the public site of site, measured; read its --profile lines."""
        cmd = self.footfall + ["build"] + (["--journal"] if journal else []) + ["--site", str(site)]
        if not self.args.no_profile:
            cmd.append("--profile")
        res = run_measured(cmd, self.cwd, self.env, self.args.timeout, not self.args.no_tree_sampling)
        text = res["stdout"] + "\n" + res["stderr"]
        res["cards"] = parse_cards(text)
        res["stages"] = parse_stages(text)
        res["counts"] = parse_counts(text)
        return res

    # -- making a build cold -------------------------------------------------------------------

    def cold_folder(self, site: Path, way: str, outputs: tuple[str, ...], leave_out: tuple[str, ...],
                    name: str) -> tuple[Path, dict]:
        """Return where a cold build of site happens (a fresh copy, or site with its outputs set aside).

        The dict says how the copy was made: how long it took (not part of any figure) and what it holds.
        """
        if way != FRESH_COPY:
            self.trash.set_aside(*(site / out for out in outputs))
            return site, {}
        t0 = time.perf_counter()
        copy = self.copies.make(site, name, leave_out)
        return copy, {"copy_s": time.perf_counter() - t0, "copied": sorted(os.listdir(copy))}

    def done_with(self, folder: Path, site: Path) -> None:
        """Put a fresh copy in the trash once its builds are measured (the corpus itself stays)."""
        if folder != site:
            self.trash.set_aside(folder)

    # -- the steps -------------------------------------------------------------------------------

    def cold(self, site: Path, journal: bool, tag: str) -> dict:
        """Build from nothing; count the pages it wrote."""
        audience = "journal" if journal else "public"
        res = self.footfall_build(site, journal)
        ok = self.check(res, f"{tag} cold {audience} build")
        res["html"] = count_html(site / "output" / audience)
        res["pages_per_s"] = res["html"] / res["wall_s"] if res["wall_s"] > 0 and res["html"] else None
        if ok and res["html"] == 0:
            self.error(f"{tag} cold {audience} build wrote no .html under {site / 'output' / audience}")
        cards = res["cards"]
        self.log(f"{tag} footfall cold {audience}: {res['wall_s']:.2f} s, {res['peak_mib']:.0f} MiB, {res['html']} html"
                 + (f", cards {cards['count']} in {cards['seconds']:.2f} s" if cards else ""))
        return res

    def noop(self, site: Path, journal: bool, tag: str) -> dict:
        """Build again with nothing changed."""
        audience = "journal" if journal else "public"
        res = self.footfall_build(site, journal)
        self.check(res, f"{tag} {audience} no-op rebuild")
        self.log(f"{tag} footfall {audience} no-op: {res['wall_s']:.2f} s, {res['peak_mib']:.0f} MiB")
        return res

    def edit(self, corpus: Corpus, site: Path, target: EditTarget, journal: bool, tag: str) -> dict:
        """Add a sentence to the target entry's body, rebuild, check the story's page shows it, restore."""
        audience = "journal" if journal else "public"
        path = site / target.entry
        original = path.read_bytes()
        sentence = f"Much later I found the marker footfallmark{secrets.token_hex(5)} in my notes."
        in_corpus = site == corpus.site
        if in_corpus:
            corpus.stamp.unlink(missing_ok=True)  # the corpus is not as generated until restored
        try:
            path.write_bytes(original + b"\n" + sentence.encode() + b"\n")
            res = self.footfall_build(site, journal)
        finally:
            path.write_bytes(original)
            if in_corpus:
                corpus.restamp()
        on_page, found = find_sentence(site / "output" / audience, target, sentence)
        res["edited_file"] = str(target.entry)
        res["verified_page"] = f"output/{audience}/{found}" if on_page else None
        self.log(f"{tag} footfall {audience} one edit: {res['wall_s']:.2f} s, {res['peak_mib']:.0f} MiB, "
                 + (f"seen in {res['verified_page']}" if on_page else "NOT on the story's page"))
        if self.check(res, f"{tag} {audience} one-entry edit rebuild") and not on_page:
            where = f"only in output/{audience}/{found}" if found else f"in no page under output/{audience}"
            self.error(f"{tag} {audience} one-entry edit: the added sentence is {where}, "
                       f"not on the story's page output/{audience}/{target.page}")
        return res

    # -- rounds --------------------------------------------------------------------------------

    def audience_steps(self, corpus: Corpus, way: str, target: EditTarget, journal: bool, tag: str) -> dict:
        """Cold build, no-op and one edit of one audience; return them by step name."""
        audience = "journal" if journal else "public"
        site, copy = self.cold_folder(corpus.site, way, FOOTFALL_OUTPUTS, FRESH_COPY_LEAVES_OUT,
                                      f"{corpus.n}-{audience}")
        try:
            steps = {f"{audience}_cold": dict(self.cold(site, journal, tag), **copy),
                     f"{audience}_noop": self.noop(site, journal, tag),
                     f"{audience}_edit": self.edit(corpus, site, target, journal, tag)}
        finally:
            self.done_with(site, corpus.site)
        return steps

    def footfall_round(self, corpus: Corpus, way: str, target: EditTarget, run_no: int) -> dict:
        """Measure every Footfall step once, the given way."""
        tag = f"[{corpus.n} {way} run {run_no}]"
        steps = self.audience_steps(corpus, way, target, True, tag)
        if self.args.skip_public:
            for step in ("public_cold", "public_noop", "public_edit"):
                steps[step] = {"rc": None, "skipped": True}
        else:
            steps.update(self.audience_steps(corpus, way, target, False, tag))
        return steps

    def hugo_round(self, corpus: Corpus, way: str, run_no: int) -> dict:
        """Measure one cold Hugo build of the same entries, the given way."""
        tag = f"[{corpus.n} {way} run {run_no}]"
        site, copy = self.cold_folder(corpus.hugo_site, way, HUGO_OUTPUTS, HUGO_OUTPUTS, f"{corpus.n}-hugo")
        try:
            res = run_measured([self.hugo, "--quiet", "-s", str(site)], site, None,
                               self.args.timeout, not self.args.no_tree_sampling)
            self.check(res, f"{tag} hugo cold build")
            res["html"] = count_html(site / "public")
            res["pages_per_s"] = res["html"] / res["wall_s"] if res["wall_s"] > 0 and res["html"] else None
            self.log(f"{tag} hugo cold: {res['wall_s']:.2f} s, {res['peak_mib']:.0f} MiB, {res['html']} html")
            steps = {"hugo_cold": dict(res, **copy)}
            if self.pagefind and res["rc"] == 0:
                steps["hugo_pagefind_cold"] = self.pagefind_after(site, res, tag)
        finally:
            self.done_with(site, corpus.hugo_site)
        return steps

    def pagefind_after(self, site: Path, hugo: dict, tag: str) -> dict:
        """Index Hugo's output with Pagefind, as a Hugo site with search does; return Hugo and Pagefind together.

        The Hugo layouts mark entry pages alone with `data-pagefind-body`, as Footfall's theme does,
        so both index the same pages. Wall and CPU times add up; peak memory is the larger one.
        """
        res = run_measured([self.pagefind, "--site", str(site / "public"), "--silent"], site, None,
                           self.args.timeout, not self.args.no_tree_sampling)
        self.check(res, f"{tag} pagefind over hugo's output")
        both = dict(hugo, rc=res["rc"], pagefind_wall_s=res["wall_s"], pagefind_cpu_s=res["cpu_s"])
        for field in ("wall_s", "user_s", "sys_s", "cpu_s"):
            if hugo.get(field) is not None and res.get(field) is not None:
                both[field] = hugo[field] + res[field]
        both["peak_mib"] = max(hugo["peak_mib"], res["peak_mib"])
        both["pages_per_s"] = hugo["html"] / both["wall_s"] if hugo.get("html") and both["wall_s"] else None
        self.log(f"{tag} hugo + pagefind cold: {both['wall_s']:.2f} s (pagefind {res['wall_s']:.2f} s)")
        return both

    def warm_up(self, corpus: Corpus, way: str) -> None:
        """Run --warmup cold journal builds that are not counted."""
        for i in range(self.args.warmup):
            site, _ = self.cold_folder(corpus.site, way, FOOTFALL_OUTPUTS, FRESH_COPY_LEAVES_OUT,
                                            f"{corpus.n}-warmup")
            try:
                res = self.footfall_build(site, journal=True)
            finally:
                self.done_with(site, corpus.site)
            self.log(f"[{corpus.n}] warm-up build {i + 1}: {res['wall_s']:.2f} s (not counted)")
