"""Shared fixtures: small sites in tmp_path, built through the CLI as a user would."""

from __future__ import annotations

import textwrap
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner, Result

from generator.cli import cli

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
#: Flags headless Debian Chromium needs here (as root, on a closed network).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

SITE_TOML = """\
title = "Test Journal"
author = "Test Runner"
base_url = "https://runs.example.org/"
timezone = "Europe/Lisbon"
hashtag = "JoggingTherapy"
per_page = 5
"""


def entry(front: Mapping[str, object] | str, body: str = "A run.\n") -> str:
    """Return the text of an entry file from front matter (a dict or raw YAML) and a body."""
    if isinstance(front, str):
        yaml = textwrap.dedent(front).strip("\n")
    else:
        yaml = "\n".join(f"{key}: {value}" for key, value in front.items())
    return f"---\n{yaml}\n---\n{textwrap.dedent(body)}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked `long` unless the run selects them (`pytest -m long`)."""
    if "long" in (config.getoption("markexpr", "") or ""):
        return
    skip = pytest.mark.skip(reason="a long run: select it with `pytest -m long`")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    """Return a function that writes files into a fresh site folder and returns it."""

    def make(files: Mapping[str, str | bytes], site_toml: str = SITE_TOML) -> Path:
        root = tmp_path / "site"
        root.mkdir(exist_ok=True)
        (root / "site.toml").write_text(site_toml, "utf-8")
        for relpath, content in files.items():
            path = root / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, "utf-8")
        return root

    return make


@pytest.fixture
def trust_stamps_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust the stamp of a file as soon as a build starts after it was written, as if seconds had passed.

    A build hashes a file again while its change time is within two seconds of the build's start
    (the change time cannot be set back, so `os.utime` cannot age a file): tests that count what the
    short ways skip would otherwise wait.
    """
    from generator.incremental import scan

    monkeypatch.setattr(scan, "RACY_NS", 0)


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """Return a function that runs `footfall ARGS` and returns click's Result."""
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return run


def html(path: Path) -> BeautifulSoup:
    """Return a built page parsed with an HTML parser."""
    return BeautifulSoup(path.read_text("utf-8"), "html.parser")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Return every file under folder with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve a built folder on 127.0.0.1 and yield its root URL."""
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
