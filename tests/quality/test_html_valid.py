"""Every page of every build passes the Nu Html Checker with no errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.quality.conftest import BUILDS, Built, run_vnu


@pytest.fixture(scope="session")
def vnu_errors(builds: dict[str, Built], java: str, vnu_jar: Path) -> dict[str, list[str]]:
    """Check every HTML file of every build in one Java call; return the errors per build."""
    owner = {path.resolve().as_uri(): built.name for built in builds.values() for path in built.html_files()}
    files = [Path(uri.removeprefix("file://")) for uri in owner]
    result = run_vnu(java, vnu_jar, files)
    messages = json.loads(result.stderr or "{}").get("messages", [])
    errors: dict[str, list[str]] = {name: [] for name in BUILDS}
    for message in messages:
        url = message.get("url", "")
        name = owner.get(url)
        where = f"{url.rsplit('/output/', 1)[-1]}:{message.get('lastLine', '?')}"
        text = f"{where}: {message.get('message')} [{message.get('extract', '').strip()}]"
        if name is None:  # a message about the checker itself, not a file
            errors.setdefault("checker", []).append(text)
        else:
            errors[name].append(text)
    assert result.returncode in (0, 1), result.stderr[-2000:]
    return errors


@pytest.mark.parametrize("name", BUILDS)
def test_every_page_is_valid_html(vnu_errors: dict[str, list[str]], name: str) -> None:
    assert vnu_errors[name] == []
    assert not vnu_errors.get("checker")
