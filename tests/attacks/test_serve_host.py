"""`footfall serve` answers only requests addressed to this machine: DNS rebinding cannot read the journal."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.dev.serve import BuildReport, DevServer, EVENTS_PATH
from tests.conftest import REPO, entry
from tests.test_serve import free_port, wait_for_http

JOURNAL_WORD = "wrenfeather"  # a private entry's word: only the writer's own browser may read it
FOREIGN = ["evil.example", "evil.example:{port}", "127.0.0.1.nip.io:{port}", "localhost.evil.example",
           "attacker.localhost.example:{port}", "[::2]:{port}", "10.1.2.3:{port}", "", "local host"]
LOCAL = ["localhost", "localhost:{port}", "127.0.0.1", "127.0.0.1:{port}", "[::1]:{port}", "LocalHost:{port}"]


def request(port: int, host: str | None, path: str = "/", method: str = "GET") -> tuple[int, bytes]:
    """Send one request to 127.0.0.1:port with the given Host header (None: none at all); return status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def journal_server(make_site, tmp_path: Path) -> Iterator[int]:
    """Run `footfall serve` (the journal) on a site with a private entry; yield its port; always stop it."""
    site = make_site({"content/2026/private.md": entry("title: Quiet run\ndate: 2026-03-10\nvisibility: private",
                                                        f"The {JOURNAL_WORD} thought.\n")})
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with (tmp_path / "serve.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
                                   cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", process)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_foreign_host_gets_nothing_from_the_journal(journal_server: int) -> None:
    port = journal_server
    status, body = request(port, f"localhost:{port}", "/2026/03/10/quiet-run/")
    assert status == 200 and JOURNAL_WORD.encode() in body
    for host in FOREIGN:
        for path in ("/", "/2026/03/10/quiet-run/", EVENTS_PATH, "/feed.xml"):
            status, body = request(port, host.format(port=port), path)
            assert status == 403, (host, path, status)
            assert JOURNAL_WORD.encode() not in body and b"DNS rebinding" in body
    status, body = request(port, None)
    assert status == 403 and JOURNAL_WORD.encode() not in body
    status, body = request(port, "evil.example", "/2026/03/10/quiet-run/", method="HEAD")
    assert status == 403 and body == b""


@pytest.fixture
def dev_server(tmp_path: Path) -> Iterator[DevServer]:
    """Run a DevServer in this process over a folder with one page; always stop it."""
    (tmp_path / "index.html").write_text(f"<html><body><p>{JOURNAL_WORD}</p></body></html>")
    server = DevServer(tmp_path, tmp_path, lambda: BuildReport(True), port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()


def test_local_names_with_or_without_the_port_are_answered(dev_server: DevServer) -> None:
    port = dev_server.port
    for host in LOCAL:
        status, body = request(port, host.format(port=port))
        assert status == 200 and JOURNAL_WORD.encode() in body, host
    for host in FOREIGN:
        status, body = request(port, host.format(port=port))
        assert status == 403 and JOURNAL_WORD.encode() not in body, host


def test_the_refusal_says_where_to_go_and_echoes_nothing(dev_server: DevServer) -> None:
    port = dev_server.port
    status, body = request(port, "<script>alert(1)</script>.example")
    assert status == 403
    assert f"http://localhost:{port}/".encode() in body and b"<script>" not in body
