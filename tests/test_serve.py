"""`footfall serve` in a real browser: a save shows at once, a broken file shows an overlay, a fix clears it."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from generator.errors import error
from generator.dev.serve import BuildReport, DevServer, LiveState, inject, overlay_html, url_of_output
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, entry, snapshot

WAIT_MS = 20_000  # every browser wait is bounded by this


def free_port() -> int:
    """Return a port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_http(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until the server answers (or fail when it exits or takes too long)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"footfall serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"footfall serve did not answer at {url}")


@pytest.fixture
def served(make_site, tmp_path: Path) -> Iterator[tuple[Path, str, Path]]:
    """Start `footfall serve` on a small site; yield (site, base URL, log file); always stop it."""
    site = make_site({
        "content/2026/old-house.md": entry("title: Past the old house\ndate: 2026-03-14\nslug: old-house\n"
                                           "emotions: [calm]\nvisibility: public", "The gate was open.\n"),
        "content/2026/rain.md": entry("title: Rain run\ndate: 2026-03-10\nslug: rain", "Wet and glad.\n"),
    })
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--site", str(site), "--port", str(port)],
                                   cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", process)
        yield site, f"http://127.0.0.1:{port}", log
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def test_a_save_reloads_the_page_a_broken_file_shows_an_overlay_and_the_fix_clears_it(served) -> None:
    site, base, log = served
    source = site / "content/2026/old-house.md"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{base}/2026/03/14/old-house/")
            expect(page.locator("article")).to_contain_text("The gate was open.")
            wait_for_live_connection(page)

            mark(page)
            source.write_text(source.read_text().replace("The gate was open.", "The gate was shut today."))
            expect(page.locator("article")).to_contain_text("The gate was shut today.", timeout=WAIT_MS)
            assert page.evaluate("window.footfallMark") is None, "the page should have reloaded"

            mark(page)
            source.write_text(source.read_text().replace("slug: old-house", "slug: [old-house"))
            overlay = page.locator("#footfall-overlay")
            expect(overlay).to_be_visible(timeout=WAIT_MS)
            expect(overlay).to_contain_text("content/2026/old-house.md:")
            expect(overlay).to_contain_text("starts its value with [, which YAML takes for a list")
            expect(page.locator("article")).to_contain_text("The gate was shut today.")
            assert page.evaluate("window.footfallMark") == 1, "a failed build must not reload the page"
            page.reload()
            expect(page.locator("#footfall-overlay")).to_be_visible()

            source.write_text(source.read_text().replace("slug: [old-house", "slug: old-house")
                              .replace("shut today.", "shut again."))
            expect(page.locator("#footfall-overlay")).to_have_count(0, timeout=WAIT_MS)
            expect(page.locator("article")).to_contain_text("The gate was shut again.", timeout=WAIT_MS)

            wait_for_live_connection(page)
            css = (REPO / "generator/themes/default/static/css/footfall.css").read_text("utf-8")
            (site / "static/css").mkdir(parents=True)
            (site / "static/css/footfall.css").write_text(css + "\nbody { border-top: 7px solid rgb(1, 2, 3); }\n")
            page.wait_for_function("getComputedStyle(document.body).borderTopWidth === '7px'", timeout=WAIT_MS)
        finally:
            browser.close()
    built = snapshot(site / "output/journal")
    assert built and not [path for path, data in built.items() if b"footfall-live" in data or b"__footfall" in data]
    text = log.read_text()
    assert "Traceback" not in text and "Built journal" in text and "Found 1 error" in text


def mark(page: Page) -> None:
    """Set a marker on the window that a reload would wipe out."""
    page.evaluate("window.footfallMark = 1")


def wait_for_live_connection(page: Page) -> None:
    """Wait until the page's live-reload script has opened its event stream."""
    page.wait_for_function("document.getElementById('footfall-live') !== null", timeout=WAIT_MS)
    page.wait_for_timeout(300)


def test_a_port_in_use_is_a_clear_message(make_site, run_cli) -> None:
    site = make_site({"content/a.md": entry("title: A\ndate: 2026-03-01")})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--site", str(site), "--port", str(port))
    assert result.exit_code == 1
    assert f"port {port} is already in use" in result.output and "Traceback" not in result.output


def test_a_missing_site_is_a_clear_message(tmp_path: Path, run_cli) -> None:
    result = run_cli("serve", "--site", str(tmp_path / "nowhere"))
    assert result.exit_code == 1 and "no site.toml" in result.output


def test_a_missing_theme_is_a_clear_message(make_site, run_cli) -> None:
    site = make_site({}, site_toml='title = "T"\ntheme = "no-such-theme"\n')
    result = run_cli("serve", "--site", str(site))
    assert result.exit_code == 1 and "theme 'no-such-theme' not found" in result.output


def test_the_overlay_escapes_what_it_shows(tmp_path: Path) -> None:
    problem = error(tmp_path / "content/<b>.md", 3, "unknown field `<script>alert(1)</script>`", "use <i>")
    markup = overlay_html((problem,), tmp_path)
    assert "<script>" not in markup and "&lt;script&gt;" in markup and "content/&lt;b&gt;.md:3" in markup
    assert overlay_html((), tmp_path) == ""


def test_the_script_goes_before_the_last_body_end(tmp_path: Path) -> None:
    state = LiveState(tmp_path, generation=4)
    page = inject(b"<html><body><p>a</p></body></html>", state)
    assert page.startswith(b"<html><body><p>a</p><script id=\"footfall-live\">") and page.endswith(b"</body></html>")
    assert b"let generation = 4;" in page
    assert inject(b"no body", state).startswith(b"no body<script")
    assert url_of_output("index.html") == "/" and url_of_output("a/b/index.html") == "/a/b/"
    assert url_of_output("static/css/footfall.css") == "/static/css/footfall.css"
    assert BuildReport(True).changed == ()


def test_requests_wait_for_the_build_in_flight_and_a_crashing_build_keeps_the_server_up(tmp_path: Path) -> None:
    out = tmp_path / "output"
    out.mkdir()
    (out / "index.html").write_text("<html><body><p>old</p></body></html>")
    started, release = threading.Event(), threading.Event()
    outcomes: list[str] = ["slow", "crash", "good"]

    def builder() -> BuildReport:
        outcome = outcomes.pop(0)
        if outcome == "crash":
            raise RuntimeError("a bug")
        if outcome == "slow":
            started.set()
            assert release.wait(timeout=30)
            (out / "index.html").write_text("<html><body><p>new</p></body></html>")
        return BuildReport(True, (), ("index.html",))

    server = DevServer(out, tmp_path, builder, port=0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        building = threading.Thread(target=server.rebuild)
        building.start()
        assert started.wait(timeout=30)
        pages: list[bytes] = []
        fetch = threading.Thread(target=lambda: pages.append(urllib.request.urlopen(server.url, timeout=30).read()))
        fetch.start()
        time.sleep(0.5)  # give the request time to arrive while the build is still running
        release.set()
        building.join(timeout=30)
        fetch.join(timeout=30)
        assert b"<p>new</p>" in pages[0] and b"footfall-live" in pages[0]

        crashed = server.rebuild()
        assert not crashed.ok and "a bug" in crashed.problems[0].message
        page = urllib.request.urlopen(server.url, timeout=30).read()
        assert b'id="footfall-overlay"' in page and b"the build stopped unexpectedly" in page
        assert server.rebuild().ok
        assert b'id="footfall-overlay"' not in urllib.request.urlopen(server.url, timeout=30).read()
    finally:
        server.shutdown()


def test_a_browser_that_leaves_in_the_middle_of_an_answer_is_no_traceback(served) -> None:
    """A reload or a closed tab drops the connection while a page is sent: the terminal stays quiet."""
    site, base, log = served
    (site / "output/journal/big.bin").write_bytes(bytes(32 * 1024 * 1024))
    port = int(base.rsplit(":", 1)[1])
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(b"GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert client.recv(1024).startswith(b"HTTP/1.")
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close with a reset
    with urllib.request.urlopen(f"{base}/2026/03/14/old-house/", timeout=30) as answer:  # still serving
        assert b"The gate was open." in answer.read()
    time.sleep(1)
    text = log.read_text()
    assert "Traceback" not in text and "BrokenPipe" not in text and "ConnectionReset" not in text, text[-3000:]
