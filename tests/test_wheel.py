"""A wheel carries everything: installed in a fresh environment, `footfall init` and `footfall build` work."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, html

pytestmark = pytest.mark.wheel


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command, with the environment stripped of anything that points at the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a copy of the checkout, install it into a new venv, return the venv's bin folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "output", ".footfall-cache", "bench", "build", "*.egg-info", "__pycache__", "tests"))
    built = run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(source), "-w", work / "dist")
    assert built.returncode == 0, built.stderr
    wheel = next((work / "dist").glob("footfall-*.whl"))
    venv = work / "venv"
    made = run(sys.executable, "-m", "venv", "--without-pip", venv)
    assert made.returncode == 0, made.stderr
    # The dependencies come from this environment's site-packages (added after the venv's own, so the
    # wheel's `generator` wins; .pth files there, such as an editable install's, are not read).
    packages = next(venv.glob("lib/python3*/site-packages"))
    (packages / "footfall-test-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", "utf-8")
    python = venv / "bin" / "python"
    installed = run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel)
    assert installed.returncode == 0, installed.stderr
    return venv / "bin"


def test_the_wheel_carries_themes_vocabulary_and_the_starter_site(installed: Path, tmp_path: Path) -> None:
    """`footfall init` then `footfall build` from the installed wheel make a site with the shipped theme."""
    where = run(installed / "python", "-c", "import generator; print(generator.__file__)", cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    assert str(installed.parent) in where.stdout  # the wheel's copy, not the checkout's
    site_dir = tmp_path / "my journal"
    init = run(installed / "footfall", "init", site_dir, cwd=tmp_path)
    assert init.returncode == 0, init.stdout + init.stderr
    build = run(installed / "footfall", "build", cwd=site_dir)
    assert build.returncode == 0, build.stdout + build.stderr
    journal = run(installed / "footfall", "build", "--journal", cwd=site_dir)
    assert journal.returncode == 0, journal.stdout + journal.stderr
    index = html(site_dir / "output" / "public" / "index.html")
    assert index.find("link", rel="stylesheet") is not None
    assert list((site_dir / "output" / "public" / "static" / "css").glob("footfall.*.css"))
    assert list((site_dir / "output" / "journal" / "emotions").iterdir())
    paper = site_dir / "site.toml"
    paper.write_text(paper.read_text("utf-8").replace('theme = "default"', 'theme = "paper"'), "utf-8")
    assert run(installed / "footfall", "build", cwd=site_dir).returncode == 0


def test_the_wheel_holds_every_shipped_theme_file_and_the_vocabulary(installed: Path, tmp_path: Path) -> None:
    """Every file under generator/themes/ (templates, partials, static JS and CSS, fonts) and the vocabulary."""
    where = run(installed / "python", "-c", "import generator, pathlib; print(pathlib.Path(generator.__file__).parent)",
                cwd=tmp_path)
    assert where.returncode == 0, where.stderr
    package = Path(where.stdout.strip())
    source = REPO / "generator"
    expected = {p.relative_to(source).as_posix() for p in (source / "themes").rglob("*") if p.is_file()}
    found = {p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()}
    assert not expected - found
    assert {"data/feelings.toml", "themes/default/static/js/search.js", "themes/default/templates/search.html",
            "themes/default/templates/partials/search.html", "themes/default/templates/year.html",
            "themes/default/templates/insights.html", "themes/paper/templates/partials/route.html",
            "themes/default/static/css/reflection.css"} <= found
