"""The sites the benchmark builds: the corpora, their fresh copies, the trash, and the edit target.

Two ways to make a build cold:
- fresh copy (the default): copy what a user's journal folder holds (site.toml, content/, anything
  else but output/, .footfall-cache/ and the URL ledger a build in the corpus left) to a new folder
  beside the corpus and build there, the way a user meets Footfall right after cloning or copying
  their journal; the Hugo site the same way (everything but public/ and resources/);
- set aside: rename the corpus's own output/ and .footfall-cache/ out of the way and build in the
  corpus, which has been built many times before.
Either way the old folders go to the trash, which is emptied after the last build (see Trash).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import corpus

FRESH_COPY, SET_ASIDE = "fresh-copy", "set-aside"
WAYS = (FRESH_COPY, SET_ASIDE)
# What a build leaves in a site folder: set aside to make a build cold, never part of a fresh copy.
FOOTFALL_OUTPUTS = ("output", ".footfall-cache")
HUGO_OUTPUTS = ("public", "resources", ".hugo_build.lock")
# Left out of a fresh copy too: the ledger of published URLs that a public build in the corpus
# itself (the set-aside way) leaves there. Without it, every copy holds the journal as generated,
# whatever ran in the corpus before.
FRESH_COPY_LEAVES_OUT = FOOTFALL_OUTPUTS + ("published-urls.txt",)

Log = Callable[[str], None]


def rm_tree(path: Path) -> None:
    """Delete a file or folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def count_html(root: Path) -> int:
    """Return how many .html files are under root."""
    return sum(sum(1 for f in files if f.endswith(".html")) for _, _, files in os.walk(root))


class Trash:
    """Old build outputs and copies, set aside by renaming instead of deleted, and deleted after the last build.

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

    def settle(self, log: Log) -> None:
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
        """Move folders out of the way (deleting one that cannot be moved)."""
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


class Copies:
    """Fresh copies of a site, made just before a cold build in a folder beside the corpora."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder  # beside the corpora: the same file system as the trash
        self._numbers = itertools.count(1)

    def make(self, site: Path, name: str, leave_out: tuple[str, ...]) -> Path:
        """Copy site, but for the top-level names in leave_out, to a new folder; return it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        dest = self.folder / f"{next(self._numbers)}-{os.getpid()}-{name}"
        if dest.exists():
            rm_tree(dest)

        def ignore(folder: str, names: list[str]) -> list[str]:
            return [n for n in names if n in leave_out] if Path(folder) == site else []

        # copyfile, not copy2: the files are new, as after a clone or a plain copy.
        shutil.copytree(site, dest, ignore=ignore, copy_function=shutil.copyfile, symlinks=True)
        return dest


# ------------------------------------------------------------------------------------------
# The corpus


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _tree_digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Corpus:
    """A generated corpus on disk."""

    n: int
    site: Path  # the Footfall site: site.toml and content/
    hugo_site: Path  # the same entries as a Hugo site (when asked for)
    stamp: Path  # what it was generated from; absent while an entry is edited in place
    stamp_data: dict
    generated: bool  # made by this run (else reused)
    seconds: float

    def restamp(self) -> None:
        """Write the stamp again (the corpus is as generated)."""
        self.stamp.write_text(json.dumps(self.stamp_data, indent=1))


def prepare_corpus(n: int, seed: int, corpus_root: Path, with_hugo: bool, regen: bool, log: Log,
                   routes: float = 0.0) -> Corpus:
    """Generate the corpus of n entries, or reuse it while its size, seed, share of routes and generator are unchanged."""
    site, hugo_site = corpus_root / str(n), corpus_root / f"{n}-hugo"
    stamp = corpus_root / f"{n}.stamp.json"
    want = {"n": n, "seed": seed, "corpus_py": _file_digest(Path(corpus.__file__)),
            "corpus_words": _file_digest(Path(corpus.__file__).with_name("corpus_words.py")),
            "routes": routes, "corpus_routes": _file_digest(Path(corpus.__file__).with_name("corpus_routes.py")),
            "hugo_template": _tree_digest(corpus.HUGO_TEMPLATE)}
    have = None
    if stamp.exists() and not regen:
        try:
            have = json.loads(stamp.read_text())
        except ValueError:
            have = None
    both = f"{site}" + (f" and {hugo_site}" if with_hugo else "")
    if (have is not None and all(have.get(k) == v for k, v in want.items()) and (site / "content").is_dir()
            and (not with_hugo or (have.get("hugo") and (hugo_site / "content").is_dir()))):
        log(f"[{n}] reusing corpus in {both}")
        return Corpus(n, site, hugo_site, stamp, have, False, 0.0)
    log(f"[{n}] generating corpus in {both} ...")
    stamp.unlink(missing_ok=True)
    info = corpus.generate(n, site, seed, hugo_site if with_hugo else None, routes)
    data = dict(want, hugo=with_hugo, visibility=info["visibility"], bytes=info["bytes"])
    stamp.write_text(json.dumps(data, indent=1))
    log(f"[{n}] corpus written in {info['seconds']:.1f} s ({info['bytes'] / 1e6:.1f} MB)")
    return Corpus(n, site, hugo_site, stamp, data, True, info["seconds"])


# ------------------------------------------------------------------------------------------
# The entry an edit changes, and where its sentence must show


_FM_DATE = re.compile(r"^date:\s*(\d{4})-(\d{2})-(\d{2})", re.M)
_FM_SLUG = re.compile(r"^slug:\s*([a-z0-9-]+)\s*$", re.M)
_FM_VIS = re.compile(r"^visibility:\s*(\w+)", re.M)


@dataclass(frozen=True)
class EditTarget:
    """A public entry from the middle of the corpus, and where its story's page is."""

    entry: Path  # relative to the site folder
    slug: str
    page: Path  # relative to output/journal/ and output/public/: YYYY/MM/DD/slug/index.html


def pick_edit_target(site: Path) -> EditTarget:
    """Return a public entry from the middle of the corpus (the default permalink gives its page)."""
    files = sorted((site / "content").rglob("*.md"))
    if not files:
        raise SystemExit(f"no entries under {site / 'content'}")
    mid = len(files) // 2
    for path in files[mid:] + files[:mid]:
        text = path.read_text(encoding="utf-8")
        vis, date, slug = _FM_VIS.search(text), _FM_DATE.search(text), _FM_SLUG.search(text)
        if vis and vis.group(1) == "public" and date and slug and "\ndraft:" not in text:
            y, m, d = date.groups()
            return EditTarget(path.relative_to(site), slug.group(1), Path(y, m, d, slug.group(1), "index.html"))
    raise SystemExit(f"no public entry with a date and a slug under {site / 'content'}")


def find_sentence(root: Path, target: EditTarget, sentence: str) -> tuple[bool, str | None]:
    """Return whether the sentence is on the story's page under root, and the first page that has it."""
    page = root / target.page
    try:
        if sentence in page.read_text(encoding="utf-8", errors="replace"):
            return True, str(target.page)
    except OSError:
        pass
    for dirpath, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                p = Path(dirpath) / f
                try:
                    if sentence in p.read_text(encoding="utf-8", errors="replace"):
                        return False, str(p.relative_to(root))
                except OSError:
                    pass
    return False, None
