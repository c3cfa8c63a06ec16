"""Golden output of the demo journal: a few pages' exact HTML and the feeds, as committed under tests/golden/.

Refresh them after a change meant to alter the output, then read the diff before committing:

    python -m tests.golden refresh
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from click.testing import CliRunner

from generator.cli import cli

GOLDEN = Path(__file__).resolve().parent
REPO = GOLDEN.parent.parent
#: The files kept, per build: home, one entry, one emotion page, one tag page, and the feeds.
FILES = {
    "public": ("index.html", "2026/03/14/old-house/index.html", "emotions/grief/index.html", "tags/long-run/index.html",
               "feed.xml", "feed.json", "sitemap.xml", "robots.txt", "timeline.json"),
    "journal": ("index.html", "2026/03/14/old-house/index.html", "emotions/grief/index.html",
                "tags/long-run/index.html", "robots.txt", "timeline.json"),
}
ARGS = {"public": ["build"], "journal": ["build", "--journal"]}
#: The build date the golden files are made on: the journal's home shows the day (what it remembers of it).
DAY = "2026-07-20"


def copy_demo(folder: Path) -> Path:
    """Copy the demo journal's inputs (site.toml and content/) into a folder; return the site."""
    site = folder / "demo"
    site.mkdir(parents=True)
    shutil.copy2(REPO / "site.toml", site / "site.toml")
    shutil.copytree(REPO / "content", site / "content")
    return site


def build_demo(site: Path, audience: str) -> None:
    """Build one audience of a site through the command line; raise when the build fails."""
    result = CliRunner().invoke(cli, [*ARGS[audience], "--site", str(site)], catch_exceptions=False,
                                env={"FOOTFALL_TODAY": DAY})
    if result.exit_code != 0:
        raise RuntimeError(f"the demo's {audience} build failed:\n{result.output}")


def normalise(data: bytes) -> bytes:
    """Return a file's bytes as compared: as they are (the build date is fixed: DAY)."""
    return data


def kept_files(site: Path) -> dict[str, bytes]:
    """Return the golden files of a built site, by `audience/path`."""
    return {f"{audience}/{path}": normalise((site / "output" / audience / path).read_bytes())
            for audience, paths in FILES.items() for path in paths}


def refresh() -> list[str]:
    """Build the demo journal from nothing and write its golden files; return the paths that changed."""
    with tempfile.TemporaryDirectory() as folder:
        site = copy_demo(Path(folder))
        for audience in FILES:
            build_demo(site, audience)
        made = kept_files(site)
    changed = []
    for relpath, data in made.items():
        path = GOLDEN / relpath
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(relpath)
    return changed
