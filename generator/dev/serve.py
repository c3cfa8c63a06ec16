"""The writing loop's server: serve a build folder on loopback, reload open tabs, show build problems.

The builder is passed in (this module knows nothing of the pipeline). Requests wait while a build
is in flight; a failed build leaves the last good pages served, with an overlay listing each
problem; the next good build clears it. The reload script and the overlay are added to HTML
responses only, never to the files on disk.

Only requests addressed to this machine are answered: the Host header must name a local name
(localhost, 127.0.0.1, [::1]) or the address the server is bound to. A web page elsewhere that
points its own name at 127.0.0.1 (DNS rebinding) sends its own name as the Host, and is refused.
"""

from __future__ import annotations

import html
import ipaddress
import json
import mimetypes
import posixpath
import queue
import re
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.errors import Problem, error

GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)  # a browser that closed its connection

EVENTS_PATH = "/__footfall/events"
REQUEST_WAIT = 60.0  # seconds a request waits for a build in flight
PING_EVERY = 15.0  # seconds between keep-alive comments on the event stream
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})  # Host names always answered
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})  # bound to every address: any address literal is answered too
_HOST = re.compile(r"^(?:\[(?P<ip6>[0-9A-Fa-f:.]+)\]|(?P<name>[^\[\]:/\s]+))(?::(?P<port>[0-9]{1,5}))?$")


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What the server needs to know about a build."""

    ok: bool  # False when the build had errors (the output was left as it was)
    problems: tuple[Problem, ...] = ()  # errors first
    changed: tuple[str, ...] = ()  # output paths written or removed


@dataclass
class LiveState:
    """The server's view of the builds: a generation count, the current problems, the listeners."""

    root: Path  # the site folder, to show problem paths relative to it
    generation: int = 0  # goes up with every build that changed files
    overlay: str = ""  # the problems overlay (HTML), empty when the last build was good
    building: bool = False  # a build is in flight
    listeners: list[queue.Queue[str | None]] = field(default_factory=list)
    lock: threading.Condition = field(default_factory=threading.Condition)

    def event(self, changed: list[str] | str) -> str:
        """Return the current state as a server-sent event."""
        data = {"generation": self.generation, "changed": changed, "overlay": self.overlay}
        return f"event: build\ndata: {json.dumps(data)}\n\n"


def host_name(header: str | None) -> str | None:
    """Return the host a Host header names (lower case, without port or brackets); None when it is malformed."""
    found = _HOST.match((header or "").strip())
    if found is None:
        return None
    return (found["ip6"] or found["name"]).lower().rstrip(".")


def is_address(name: str) -> bool:
    """Return True when a host is an IP address literal (which no DNS answer can stand for)."""
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def host_allowed(header: str | None, bound: Iterable[str]) -> bool:
    """Return True when a request's Host header names this machine: a local name or the bound host.

    `bound` holds the host the server was asked to listen on and the address it got; when that is
    every address (0.0.0.0, ::), an address literal is answered too (no DNS answer can stand for one).
    """
    name = host_name(header)
    if name is None:
        return False
    hosts = {host.strip("[]").lower().rstrip(".") for host in bound}
    if name in LOCAL_NAMES or name in hosts:
        return True
    return bool(hosts & WILDCARD_HOSTS) and is_address(name)


def url_of_output(relpath: str) -> str:
    """Return the URL path a browser uses for an output file (a/index.html -> /a/)."""
    url = "/" + relpath
    return url[: -len("index.html")] if url.endswith("/index.html") or url == "/index.html" else url


def overlay_html(problems: tuple[Problem, ...], root: Path) -> str:
    """Return the overlay listing build errors with file, line, message and hint, all escaped."""
    errors = [p for p in problems if p.is_error]
    if not errors:
        return ""
    items = "".join(
        f'<li style="margin:.5em 0"><code style="font-weight:bold">{html.escape(p.location(root))}</code> '
        f"{html.escape(p.message)}"
        + (f'<br><span style="opacity:.8">→ {html.escape(p.hint)}</span>' if p.hint else "") + "</li>"
        for p in errors)
    return (
        '<div id="footfall-overlay" role="alert" style="position:fixed;inset:auto 1rem 1rem 1rem;z-index:2147483647;'
        "max-height:60vh;overflow:auto;background:#fff4f2;color:#3b0d0a;border:2px solid #c0392b;"
        'border-radius:8px;padding:1rem 1.25rem;font:15px/1.45 system-ui,sans-serif;box-shadow:0 6px 24px #0004">'
        f'<strong style="font-size:1.1em">The last build failed ({len(errors)} problem{"s" if len(errors) != 1 else ""})'
        f'</strong><ol style="margin:.5em 0 .5em 1.2em;padding:0">{items}</ol>'
        '<p style="margin:0;opacity:.8">This page shows the last good build. Fix the file and save: '
        "this message goes away by itself.</p></div>")


RELOAD_SCRIPT = r"""<script id="footfall-live">(() => {
  let generation = %d;
  const here = location.pathname.replace(/index\.html$/, "");
  const show = (markup) => {
    document.getElementById("footfall-overlay")?.remove();
    if (markup) document.body.insertAdjacentHTML("beforeend", markup);
  };
  const source = new EventSource("%s");
  source.addEventListener("build", (message) => {
    const state = JSON.parse(message.data);
    show(state.overlay);
    if (state.generation <= generation) return;
    generation = state.generation;
    const changed = state.changed;
    if (changed === "*" || changed.includes(here)) return location.reload();
    const used = new Set([...document.querySelectorAll('[src], link[rel~="stylesheet"], link[rel~="icon"]')]
      .map((node) => new URL(node.getAttribute("src") || node.getAttribute("href"), location.href).pathname));
    if (changed.some((path) => used.has(path))) location.reload();
  });
})();</script>"""


def inject(page: bytes, state: LiveState) -> bytes:
    """Return an HTML page with the reload script (and the overlay, if a build failed) before </body>."""
    addition = (state.overlay + RELOAD_SCRIPT % (state.generation, EVENTS_PATH)).encode("utf-8")
    found = None
    for found in re.finditer(rb"</body\s*>", page, re.IGNORECASE):
        pass
    if found is None:
        return page + addition
    return page[: found.start()] + addition + page[found.start():]


class DevServer:
    """Serves one build folder, rebuilds on demand and tells open tabs what changed."""

    def __init__(self, folder: Path, root: Path, builder: Callable[[], BuildReport], *,
                 host: str = "127.0.0.1", port: int = 8000) -> None:
        self.folder = folder  # the build folder served, e.g. output/journal
        self.builder = builder  # runs one (incremental) build
        self.asked_host = host  # the host as given (a name or an address)
        self.state = LiveState(root)
        self._build_lock = threading.Lock()
        self.httpd = _QuietServer((host, port), _handler(self))  # raises OSError when the port is taken
        self.httpd.daemon_threads = True

    @property
    def host(self) -> str:
        """Return the address the server is bound to."""
        host = self.httpd.server_address[0]
        return host.decode() if isinstance(host, bytes) else str(host)

    @property
    def port(self) -> int:
        """Return the port the server listens on."""
        return int(self.httpd.server_address[1])

    @property
    def url(self) -> str:
        """Return the address the server listens on."""
        host, port = self.httpd.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{name if ':' not in name else f'[{name}]'}:{port}/"

    def rebuild(self) -> BuildReport:
        """Run the builder (one build at a time; requests wait meanwhile) and tell the open tabs."""
        with self._build_lock:
            with self.state.lock:
                self.state.building = True
            try:
                report = self.builder()
            except Exception as exc:  # noqa: BLE001 - a failing build must never stop the server
                report = BuildReport(False, (error(None, None, f"the build stopped unexpectedly: {exc!r}",
                                                   "the last good pages stay up; save again to retry"),))
            finally:
                with self.state.lock:
                    self.state.building = False
                    self.state.lock.notify_all()
            self.publish(report)
            return report

    def publish(self, report: BuildReport) -> None:
        """Update the overlay and generation from a build and send the news to every open tab."""
        with self.state.lock:
            self.state.overlay = overlay_html(report.problems, self.state.root) if not report.ok else ""
            changed = sorted({url_of_output(p) for p in report.changed})
            if changed:
                self.state.generation += 1
            message = self.state.event(changed if len(changed) <= 2000 else "*")
            for listener in self.state.listeners:
                listener.put(message)

    def wait_until_built(self) -> None:
        """Block while a build is in flight (bounded)."""
        with self.state.lock:
            self.state.lock.wait_for(lambda: not self.state.building, timeout=REQUEST_WAIT)

    def serve_forever(self) -> None:
        """Serve requests until shutdown() is called from another thread."""
        self.httpd.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        """Stop serving and close every event stream."""
        with self.state.lock:
            for listener in self.state.listeners:
                listener.put(None)
        self.httpd.shutdown()
        self.httpd.server_close()


def _handler(server: DevServer) -> type[BaseHTTPRequestHandler]:
    """Return a request handler class bound to one DevServer."""

    class Handler(_Handler):
        dev = server

    return Handler


class _QuietServer(ThreadingHTTPServer):
    """The HTTP server, saying nothing when a browser goes away in the middle of an answer (a reload does)."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Leave out a closed connection; report anything else as the server always does."""
        if not isinstance(sys.exc_info()[1], GONE):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    """GET and HEAD for built files, the event stream for live reload."""

    dev: DevServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the terminal for build summaries."""

    def do_HEAD(self) -> None:
        """Answer a HEAD request."""
        if self._local(head=True):
            self._respond(head=True)

    def do_GET(self) -> None:
        """Answer a GET request."""
        if not self._local(head=False):
            return
        if urlsplit(self.path).path == EVENTS_PATH:
            self._stream()
        else:
            self._respond(head=False)

    def _local(self, *, head: bool) -> bool:
        """Return True when the request is addressed to this machine; else refuse it (403) and say why."""
        if host_allowed(self.headers.get("Host"), (self.dev.asked_host, self.dev.host)):
            return True
        port = self.dev.port
        message = ("footfall serve answers only requests addressed to this machine "
                   f"(http://localhost:{port}/ or http://127.0.0.1:{port}/); this one named another host "
                   "in its Host header, as a web page elsewhere would (DNS rebinding), so it was refused.\n")
        self.close_connection = True
        self._send(HTTPStatus.FORBIDDEN, message.encode(), "text/plain; charset=utf-8", head)
        return False

    def _respond(self, *, head: bool) -> None:
        """Send a built file (HTML with the live script added), a redirect to a folder's URL, or the 404 page."""
        self.dev.wait_until_built()
        url = unquote(urlsplit(self.path).path)
        target = self._file_for(url)
        if target is not None and target.is_dir():
            if not url.endswith("/"):
                return self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", head, location=url + "/")
            target = target / "index.html"
        try:
            body = target.read_bytes() if target is not None else None
        except OSError:
            body = None
        if target is None or body is None:
            return self._send(HTTPStatus.NOT_FOUND, self._not_found(), "text/html", head)
        self._send(HTTPStatus.OK, body, mimetypes.guess_type(target.name)[0] or "application/octet-stream", head)

    def _not_found(self) -> bytes:
        """Return the site's 404 page, or a plain one."""
        try:
            return (self.dev.folder / "404.html").read_bytes()
        except OSError:
            return b"<!doctype html><title>Not found</title><body><p>Not found</p></body>"

    def _file_for(self, url: str) -> Path | None:
        """Return the path a URL names inside the build folder, or None when it would lead outside."""
        if "\x00" in url:
            return None
        path = self.dev.folder / posixpath.normpath("/" + url).lstrip("/")
        try:
            path.resolve().relative_to(self.dev.folder.resolve())
        except (ValueError, OSError):
            return None
        return path

    def _send(self, status: HTTPStatus, body: bytes, kind: str, head: bool, location: str = "") -> None:
        """Send a complete response; HTML gets the live-reload script and any overlay."""
        if kind == "text/html":
            with self.dev.state.lock:
                body = inject(body, self.dev.state)
            kind = "text/html; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _stream(self) -> None:
        """Hold an event stream open and send each build's news (and the current state first)."""
        listener: queue.Queue[str | None] = queue.Queue()
        with self.dev.state.lock:
            self.dev.state.listeners.append(listener)
            first = self.dev.state.event("*")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(first.encode())
            self.wfile.flush()
            while (message := _next(listener)) is not None:
                self.wfile.write(message.encode())
                self.wfile.flush()
        except (*GONE, TimeoutError):
            pass
        finally:
            with self.dev.state.lock:
                self.dev.state.listeners.remove(listener)


def _next(listener: queue.Queue[str | None]) -> str | None:
    """Return the next message for a stream, or a keep-alive comment after a quiet while."""
    try:
        return listener.get(timeout=PING_EVERY)
    except queue.Empty:
        return ": ping\n\n"
