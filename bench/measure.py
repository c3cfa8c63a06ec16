"""Measure one command: wall time, CPU time of the process tree, and its peak memory.

Peak memory is the larger of two figures: `ru_maxrss` from wait4 (the largest single process of
the tree, what `/usr/bin/time -v` reports) and the summed PSS of every process in the tree,
sampled every 0.1 s while the tree has more than one process (workers running side by side). A
child that shares its parent's address space (started by vfork, not yet running its program) is
left out of the sum: it would count the parent's memory twice. Linux only: it reads /proc.
"""

from __future__ import annotations

import functools
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path


def _children(pid: int) -> list[int]:
    """Return the direct children of a process (every thread's)."""
    out: list[int] = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return out


def _tree(pid: int) -> list[tuple[int, int | None]]:
    """Return a process and all its descendants, each with its parent (None for the process itself)."""
    seen: list[tuple[int, int | None]] = []
    known: set[int] = set()
    todo: list[tuple[int, int | None]] = [(pid, None)]
    while todo:
        p, parent = todo.pop()
        if p in known:
            continue
        known.add(p)
        seen.append((p, parent))
        todo.extend((child, p) for child in _children(p))
    return seen


KCMP_VM = 1  # kcmp(2): do two processes share one address space?
SYS_KCMP = {"x86_64": 312, "aarch64": 272}.get(platform.machine())


def _shares_memory(one: int, other: int) -> bool:
    """Return True when two processes share one address space: a child started by vfork, before it runs
    its program, shows its parent's memory as its own. False when kcmp(2) cannot tell."""
    syscall = _syscall()
    return syscall is not None and syscall(SYS_KCMP, one, other, KCMP_VM, 0, 0) == 0


@functools.cache
def _syscall() -> Callable[..., int] | None:
    """Return the C library's syscall(), where kcmp(2) can be asked for through it."""
    if SYS_KCMP is None:
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).syscall  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


def _pss_kib(pid: int) -> int:
    """Return a process's proportional set size in KiB (its RSS where PSS is not shown)."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(path) as f:
                for line in f:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            pass
    return 0


class TreeSampler(threading.Thread):
    """Sample the summed PSS of a process tree while it has more than one process.

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
        """Sample until `done` is set."""
        while not self.done.wait(self.interval):
            tree = _tree(self.pid)
            self.max_procs = max(self.max_procs, len(tree))
            if len(tree) > 1:  # a vforked child that has not run its program yet is its parent's memory again
                pids = [p for p, parent in tree if parent is None or not _shares_memory(parent, p)]
                self.peak_kib = max(self.peak_kib, sum(_pss_kib(p) for p in pids))


def loadavg() -> float | None:
    """Return the one-minute load average."""
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _not_started(cmd: list[str], exc: OSError) -> dict:
    """Return the result of a command that could not be started."""
    return {"cmd": cmd, "rc": 127, "wall_s": 0.0, "user_s": 0.0, "sys_s": 0.0, "cpu_s": 0.0,
            "maxrss_kib": 0, "tree_pss_kib": 0, "peak_mib": 0.0, "stdout": "",
            "stderr": f"cannot run {cmd[0]!r}: {exc}", "timed_out": False}


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
            return _not_started(cmd, exc)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        sampler = TreeSampler(proc.pid) if sample_tree else None
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


def machine_info() -> dict:
    """Return the platform, Python, cores, memory and CPU model of this machine."""
    info: dict = {"platform": platform.platform(), "python": sys.version.split()[0], "cpus": os.cpu_count()}
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


def first_line(cmd: list[str], cwd: Path, env: dict | None = None) -> str | None:
    """Return the first line a command prints, or None if it fails."""
    try:
        res = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (res.stdout or res.stderr).strip()
    return text.splitlines()[0] if res.returncode == 0 and text else None


def git_commit(folder: Path) -> str | None:
    """Return the short commit of the checkout at folder, with `+changes` when it has uncommitted ones."""
    commit = first_line(["git", "rev-parse", "--short", "HEAD"], folder)
    if commit is None:
        return None
    try:
        res = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=folder,
                             capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return commit
    return commit + ("+changes" if res.stdout.strip() else "")
