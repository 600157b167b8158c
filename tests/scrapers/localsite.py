"""The local HTTP server (a real ThreadingHTTPServer on 127.0.0.1) standing in for the internet.

It serves tests/scrapers/fixtures/ (pages written for these tests, modelled on Flemish sites) plus
fault endpoints: robots.txt, redirects and a loop, 404/500, flaky 503s, a slow page, 50 MB pages,
ETag / Last-Modified revalidation, badly labelled encodings, a dropped connection.
"""

from __future__ import annotations

import email.utils
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"
DEFAULT_ROBOTS = "User-agent: *\nDisallow: /verboden/\n\nUser-agent: andere-bot\nDisallow: /\n"
ETAG = '"v1-7d2c"'
LAST_MODIFIED = email.utils.formatdate(1_700_000_000, usegmt=True)
HUGE_BYTES = 50 * 1024 * 1024
# The cloud metadata service: redirects point here, the fetcher must refuse before connecting.
METADATA_URL = "http://169.254.169.254/latest/meta-data/"

# A product page in Windows-1252, served with various (wrong or missing) charset labels.
CP1252_PAGE = """<!DOCTYPE html><html lang="nl"><head>{meta}
<title>Financiële hulp | Gemeente</title></head><body><main><h1>Financiële hulp en één loket</h1>
<p class="product__intro">Wij helpen bij schulden, energiefacturen en premies; café-gesprekken
over geld op woensdag. Kostprijs: € 0, ‘gratis’ voor iedereen.</p>
<aside><div class="contact-card">
<p class="contact-card__address">Welzijnsplein 3<br>8800 Roeselare</p>
<p class="contact-card__phone">051 00 01 20</p></div></aside></main></body></html>"""


@dataclass
class LocalSite:
    """State shared by the handler threads: robots rules, request log, per-path counters."""

    robots_txt: str | None = DEFAULT_ROBOTS
    robots_status: int = 200
    robots_redirect: str | None = None
    base_url: str = ""
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    hits: Counter[str] = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.hits.clear()

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def paths(self) -> list[str]:
        with self.lock:
            return [path for path, _headers in self.requests]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are separate writes: without TCP_NODELAY every answer waits ~40 ms.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        """Keep test output clean."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        site = self.server.site
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        with site.lock:
            site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            site.hits[parts.path] += 1
            hits = site.hits[parts.path]
        try:
            self._route(site, parts.path, query, hits)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def _page(self, title: str) -> bytes:
        html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
        return html.encode()

    def _route(self, site: LocalSite, path: str, query: dict[str, str], hits: int) -> None:
        if path == "/robots.txt":
            if site.robots_redirect is not None:
                self._send(302, b"", headers={"Location": site.robots_redirect})
            elif site.robots_txt is None:
                self._send(404, b"not found", "text/plain")
            else:
                self._send(site.robots_status, site.robots_txt.encode(), "text/plain")
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            self._send(code, self._page(f"Status {code}"))
        elif path.startswith("/flaky/"):
            if hits <= int(query.get("fail", "1")):
                self._send(503, self._page("Even geduld"), headers={"Retry-After": "0"})
            else:
                self._send(200, self._page("Terug online"))
        elif path == "/slow":
            site.stop.wait(float(query.get("seconds", "2")))
            self._send(200, self._page("Traag"))
        elif path == "/redirect-to":
            self._send(301, b"", headers={"Location": query["target"]})
        elif path.startswith("/redirect/chain/"):
            left = int(path.rsplit("/", 1)[1])
            if left == 0:
                self._send(200, self._page("Einde van de keten"))
            else:
                self._send(302, b"", headers={"Location": f"/redirect/chain/{left - 1}"})
        elif path in {"/loop/a", "/loop/b"}:
            self._send(
                302, b"", headers={"Location": "/loop/b" if path == "/loop/a" else "/loop/a"}
            )
        elif path in {"/huge", "/huge-chunked"}:
            self._huge(declare_length=path == "/huge")
        elif path == "/conditional/etag":
            if self.headers.get("If-None-Match") == ETAG:
                self._send(304, b"", content_type="", headers={"ETag": ETAG})
            else:
                self._send(200, self._page("Versie 1"), headers={"ETag": ETAG})
        elif path == "/conditional/lastmod":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self._send(304, b"", content_type="")
            else:
                self._send(200, self._page("Gewijzigd"), headers={"Last-Modified": LAST_MODIFIED})
        elif path == "/charset/cp1252-undeclared":
            self._send(200, CP1252_PAGE.format(meta="").encode("cp1252"), "text/html")
        elif path == "/charset/wrong-header":
            self._send(200, CP1252_PAGE.format(meta="").encode("cp1252"))
        elif path == "/charset/meta":
            page = CP1252_PAGE.format(meta='<meta charset="windows-1252">')
            self._send(200, page.encode("cp1252"), "text/html")
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png")
        elif path == "/drop-connection":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
        elif path.endswith("/api/health-offers"):
            self._api(path, query)
        else:
            self._file(path)

    def _huge(self, *, declare_length: bool) -> None:
        """50 MB of HTML; without Content-Length the body ends when the connection closes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if declare_length:
            self.send_header("Content-Length", str(HUGE_BYTES))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        chunk = b"<p>" + b"x" * 65_530 + b"</p>"
        sent = 0
        while sent < HUGE_BYTES and not self.server.site.stop.is_set():
            self.wfile.write(chunk[: HUGE_BYTES - sent])
            sent += len(chunk)

    def _api(self, path: str, query: dict[str, str]) -> None:
        folder = FIXTURES / path.strip("/").split("/", 1)[0]
        page = folder / f"health-offers-page-{query.get('page', '0')}.json"
        if not page.is_file():
            self._send(404, b'{"error": "no such page"}', "application/json")
        else:
            self._send(200, page.read_bytes(), "application/json")

    def _file(self, path: str) -> None:
        relative = path.lstrip("/")
        candidates = [FIXTURES / relative]
        if path.endswith("/"):
            candidates = [FIXTURES / relative / "index.html"]
        elif not Path(relative).suffix:
            candidates.append(FIXTURES / f"{relative}.html")
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved.is_file() and FIXTURES.resolve() in resolved.parents:
                types = {".json": "application/json", ".html": "text/html; charset=utf-8"}
                self._send(200, resolved.read_bytes(), types.get(resolved.suffix, "text/plain"))
                return
        self._send(404, self._page("Pagina niet gevonden"))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: LocalSite) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-answer (timeouts, size cut-offs) are expected here."""


def serve(site: LocalSite) -> Iterator[LocalSite]:
    server = _Server(site)
    host, port = server.server_address[:2]
    site.base_url = f"http://{host!s}:{port}"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield site
    finally:
        site.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
