"""Every page of every build passes the Nu Html Checker with no errors."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.quality.conftest import BUILDS, Built, run_vnu

#: A page the checker must reject, checked in the same run, so a checker that sees nothing fails.
CANARY = "<!doctype html><html lang=en><title>x</title><p><div>block in a paragraph</div></p><img src=a.png>"


@pytest.fixture(scope="session")
def vnu_errors(builds: dict[str, Built], java: str, vnu_jar: Path,
               tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Check every HTML file of every build in one Java call; return the errors per build."""
    canary = tmp_path_factory.mktemp("vnu") / "canary.html"
    canary.write_text(CANARY, "utf-8")
    files = {canary.resolve(): "canary"}
    files.update({path.resolve(): built.name for built in builds.values() for path in built.html_files()})
    result = run_vnu(java, vnu_jar, list(files))
    assert result.returncode in (0, 1), result.stderr[-2000:]
    errors: dict[str, list[str]] = {name: [] for name in ("canary", "checker", *BUILDS)}
    for message in json.loads(result.stderr).get("messages", []):
        url = message.get("url", "")  # file:/tmp/…/index.html
        path = Path(unquote(urlsplit(url).path)) if url.startswith("file:") else None
        where = f"{url.rsplit('/output/', 1)[-1]}:{message.get('lastLine', '?')}"
        errors[files.get(path, "checker") if path else "checker"].append(
            f"{where}: {message.get('message')} [{message.get('extract', '').strip()}]")
    return errors


def test_the_checker_catches_a_bad_page(vnu_errors: dict[str, list[str]]) -> None:
    assert len(vnu_errors["canary"]) >= 2
    assert vnu_errors["checker"] == []


@pytest.mark.parametrize("name", BUILDS)
def test_every_page_is_valid_html(vnu_errors: dict[str, list[str]], name: str) -> None:
    assert vnu_errors[name] == []
