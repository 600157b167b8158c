"""Polite HTTP fetching: the one httpx client, robots.txt, per-host rate limit, retries, cache.

The only module that talks to the network. Faults come back as FetchResult.error, not exceptions.
Every request, redirect hop and robots.txt included, is refused for internal addresses (SSRF).
"""

from __future__ import annotations

import email.utils
import ipaddress
import socket
import time
import urllib.robotparser
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from scrapers.cache import CachedPage, PageCache
from scrapers.encoding import decode_body

__all__ = ["USER_AGENT", "FetchResult", "Fetcher", "blocked_address", "make_client", "resolve_host"]

USER_AGENT = "socialekaart/0.1 (+https://github.com/socialekaart; sociale kaart Vlaanderen)"
_ACCEPT = (
    "text/html,application/xhtml+xml,application/json;q=0.9,application/ld+json;q=0.9,*/*;q=0.1"
)
_TEXT_TYPES = (
    "text/html",
    "application/xhtml+xml",
    "application/json",
    "application/ld+json",
    "text/plain",
)
_REDIRECTS = {301, 302, 303, 307, 308}
_RETRY_STATUSES = {429, 500, 502, 503, 504}
# RFC 9309 asks crawlers to read at least 500 KiB of robots.txt; more is not worth keeping.
_ROBOTS_MAX_BYTES = 512 * 1024
_MAX_CRAWL_DELAY = 30.0


@dataclass(frozen=True)
class FetchResult:
    """What happened to one URL: a decoded page, or ``error`` saying why there is none."""

    url: str
    final_url: str
    status: int | None
    text: str | None
    from_cache: bool
    error: str | None
    content_type: str = ""

    @property
    def is_ok(self) -> bool:
        """True when ``text`` holds a page."""
        return self.error is None and self.text is not None


def make_client(
    *,
    user_agent: str = USER_AGENT,
    timeout: float = 10.0,
    transport: httpx.BaseTransport | None = None,
    trust_env: bool = False,
) -> httpx.Client:
    """The project's httpx client: our User-Agent, Dutch first, no automatic redirects.

    ``trust_env`` is off by default so library code never picks up proxy settings from the
    environment; the CLI may turn it on.
    """
    return httpx.Client(
        headers={"User-Agent": user_agent, "Accept": _ACCEPT, "Accept-Language": "nl-BE,nl;q=0.9"},
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        transport=transport,
        trust_env=trust_env,
    )


class _Failure(Exception):
    """Internal: a fetch fault with the reason shown per URL."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


def resolve_host(host: str) -> list[str]:
    """The addresses a host name (or IP literal) resolves to, as the system resolver gives them."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)]


def blocked_address(address: str) -> str | None:
    """Why an address must not be fetched from ("loopback", "private"...), or None if public.

    Scraped pages choose where their links and redirects point; without this a page could make
    the server read its own admin ports or a cloud metadata service (169.254.169.254).
    """
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 reaches 127.0.0.1
    for kind, matches in (
        ("loopback", ip.is_loopback),
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-public", not ip.is_global),  # e.g. carrier-grade NAT, 100.64.0.0/10
    ):
        if matches:
            return kind
    return None


class Fetcher:
    """Fetches pages politely; one instance per run, not thread-safe.

    :param cache_dir: where raw pages and validators are kept (git-ignored); None disables caching.
    :param min_interval: seconds between two requests to the same host; 0 disables the limit.
        A longer ``Crawl-delay`` in robots.txt wins (capped at 30 s).
    :param retries: extra attempts after a 5xx, 429 or connection error, with exponential backoff.
    :param max_bytes: bodies larger than this are cut off and reported, never parsed.
    :param allow_private: also fetch from loopback, private, link-local and other non-public
        addresses (tests and local mirrors); off, every host is resolved before each request
        and such addresses are refused.
    :param resolve: host name to addresses (tests may stand in for DNS); the check uses it.
    """

    def __init__(
        self,
        *,
        cache_dir: Path | None = None,
        min_interval: float = 1.0,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        max_bytes: int = 5 * 1024 * 1024,
        max_redirects: int = 5,
        obey_robots: bool = True,
        allow_private: bool = False,
        user_agent: str = USER_AGENT,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        resolve: Callable[[str], Iterable[str]] = resolve_host,
    ) -> None:
        self.client = client or make_client(user_agent=user_agent, timeout=timeout)
        self._owns_client = client is None
        self.cache = PageCache(cache_dir) if cache_dir is not None else None
        self.min_interval = min_interval
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.obey_robots = obey_robots
        self.allow_private = allow_private
        self.user_agent = user_agent
        self._sleep = sleep
        self._clock = clock
        self._resolve = resolve
        # Per host: None when its addresses are public, else the reason it is refused.
        self._host_verdicts: dict[str, str | None] = {}
        self._last_request: dict[str, float] = {}
        self._host_intervals: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP client if this fetcher created it."""
        if self._owns_client:
            self.client.close()

    # --- public --------------------------------------------------------------------------------

    def set_host_interval(self, url: str, seconds: float) -> None:
        """Ask for a different pause for one host (a source's ``min_interval``).

        Ignored while the fetcher's own ``min_interval`` is 0, so "rate limit off" stays off.
        """
        self._host_intervals[urlsplit(url).netloc] = seconds

    def fetch(self, url: str) -> FetchResult:
        """Fetch one page, following up to ``max_redirects`` redirects; never raises for faults."""
        current = url
        seen = [url]
        status: int | None = None
        try:
            for _hop in range(self.max_redirects + 1):
                # Checked before robots.txt too: its request must not reach a refused host.
                self._check_target(current)
                self._check_robots(current)
                cached = self.cache.get(current) if self.cache else None
                response = self._send(current, cached)
                status = response.status_code
                try:
                    if status in _REDIRECTS and "location" in response.headers:
                        target = _redirect_target(current, response)
                        if target in seen:
                            raise _Failure(f"redirect loop at {target}", status)
                        seen.append(target)
                        current = target
                        continue
                    if status == 304 and cached is not None:
                        return self._result(
                            url, current, status, cached.body, cached.content_type, True
                        )
                    if status >= 400 or status == 304:
                        raise _Failure(_status_reason(response, self.retries), status)
                    content_type = response.headers.get("content-type", "")
                    if content_type and not content_type.lower().startswith(_TEXT_TYPES):
                        raise _Failure(
                            f"unsupported content type {content_type.split(';')[0]}", status
                        )
                    body = self._read_body(response)
                finally:
                    response.close()
                if self.cache is not None:
                    self.cache.put(
                        CachedPage(
                            url=current,
                            body=body,
                            content_type=content_type,
                            etag=response.headers.get("etag"),
                            last_modified=response.headers.get("last-modified"),
                            fetched_at=datetime.now(UTC).isoformat(timespec="seconds"),
                        )
                    )
                return self._result(url, current, status, body, content_type, False)
            raise _Failure(f"too many redirects (more than {self.max_redirects})", status)
        except _Failure as failure:
            return FetchResult(url, current, failure.status, None, False, failure.reason)

    # --- internals -----------------------------------------------------------------------------

    @staticmethod
    def _result(
        url: str, final_url: str, status: int, body: bytes, content_type: str, from_cache: bool
    ) -> FetchResult:
        text, _codec = decode_body(body, content_type)
        return FetchResult(url, final_url, status, text, from_cache, None, content_type)

    def _check_target(self, url: str) -> None:
        """Refuse non-http(s) URLs and, unless ``allow_private``, hosts with internal addresses.

        Runs before anything is sent to ``url``, so a refused host is never connected to.
        """
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise _Failure(f"not an http(s) URL: {url}")
        if self.allow_private:
            return
        if parts.hostname not in self._host_verdicts:
            self._host_verdicts[parts.hostname] = self._host_verdict(parts.hostname)
        verdict = self._host_verdicts[parts.hostname]
        if verdict is not None:
            raise _Failure(verdict)

    def _host_verdict(self, host: str) -> str | None:
        """Why a host is refused, or None; a host with any internal address is refused."""
        try:
            addresses = list(self._resolve(host))
        except (OSError, UnicodeError) as exc:
            # Not kept as a verdict: a DNS hiccup must not rule the host out for the whole run.
            raise _Failure(f"connection failed: cannot resolve {host} ({_describe(exc)})") from exc
        if not addresses:
            return f"connection failed: no address for {host}"
        for address in addresses:
            kind = blocked_address(address)
            if kind is not None:
                return f"refused: {kind} address {address}"
        return None

    def _send(self, url: str, cached: CachedPage | None) -> httpx.Response:
        """Send a GET with retries; the caller closes the streamed response."""
        self._check_target(url)
        headers: dict[str, str] = {}
        if cached is not None and cached.etag:
            headers["If-None-Match"] = cached.etag
        if cached is not None and cached.last_modified:
            headers["If-Modified-Since"] = cached.last_modified
        attempt = 0
        while True:
            self._wait_for_turn(url)
            try:
                request = self.client.build_request("GET", url, headers=headers)
                response = self.client.send(request, stream=True)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
                if attempt >= self.retries:
                    raise _Failure(f"connection failed: {_describe(exc)}") from exc
                self._sleep(self._delay(attempt, None))
                attempt += 1
                continue
            except httpx.TimeoutException as exc:
                # A slow server stays slow; asking again only adds load, so no retry.
                raise _Failure(f"timeout after {self.timeout:g}s") from exc
            except httpx.HTTPError as exc:
                raise _Failure(f"request failed: {_describe(exc)}") from exc
            if response.status_code in _RETRY_STATUSES and attempt < self.retries:
                retry_after = response.headers.get("retry-after")
                response.close()
                self._sleep(self._delay(attempt, retry_after))
                attempt += 1
                continue
            return response

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay = self.backoff * 2**attempt
        if retry_after:
            delay = max(delay, _parse_retry_after(retry_after))
        return min(delay, self.max_backoff)

    def _wait_for_turn(self, url: str) -> None:
        """Per-host rate limit: ``min_interval`` (or robots.txt Crawl-delay) between requests."""
        host = urlsplit(url).netloc
        interval = self._host_intervals.get(host, self.min_interval) if self.min_interval > 0 else 0
        robots = self._robots.get(_origin(url))
        if interval > 0 and isinstance(robots, urllib.robotparser.RobotFileParser):
            crawl_delay = robots.crawl_delay(self.user_agent)
            if crawl_delay:
                interval = max(interval, min(float(crawl_delay), _MAX_CRAWL_DELAY))
        last = self._last_request.get(host)
        if interval > 0 and last is not None:
            remaining = last + interval - self._clock()
            if remaining > 0:
                self._sleep(remaining)
        self._last_request[host] = self._clock()

    def _read_body(self, response: httpx.Response) -> bytes:
        limit = f"{self.max_bytes / 1_048_576:g} MB"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise _Failure(f"page larger than {limit} (Content-Length {declared})", 200)
        deadline = self._clock() + 3 * self.timeout
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise _Failure(f"page larger than {limit}", response.status_code)
                if self._clock() > deadline:
                    raise _Failure(
                        f"download took longer than {3 * self.timeout:g}s", response.status_code
                    )
                chunks.append(chunk)
        except httpx.TimeoutException as exc:
            raise _Failure(f"timeout after {self.timeout:g}s", response.status_code) from exc
        except httpx.HTTPError as exc:
            raise _Failure(f"download failed: {_describe(exc)}", response.status_code) from exc
        return b"".join(chunks)

    def _check_robots(self, url: str) -> None:
        if not self.obey_robots:
            return
        origin = _origin(url)
        rules = self._robots.get(origin)
        if rules is None:
            rules = self._load_robots(origin)
            self._robots[origin] = rules
        if isinstance(rules, str):
            raise _Failure(rules)
        if not rules.can_fetch(self.user_agent, url):
            raise _Failure("blocked by robots.txt")

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | str:
        """Rules for one origin, or a reason to skip the whole host (RFC 9309 semantics).

        A missing robots.txt (4xx) allows everything; a server error or no answer means the
        host is treated as fully disallowed for this run.
        """
        parser = urllib.robotparser.RobotFileParser(f"{origin}/robots.txt")
        url = f"{origin}/robots.txt"
        for _hop in range(self.max_redirects + 1):
            try:
                response = self._send(url, None)
            except _Failure as failure:
                return f"robots.txt unavailable ({failure.reason}); host skipped"
            try:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    url = _redirect_target(url, response)
                    continue
                if 400 <= response.status_code < 500:
                    parser.parse([])
                    return parser
                if response.status_code >= 500:
                    return f"robots.txt unavailable (HTTP {response.status_code}); host skipped"
                body = b""
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) >= _ROBOTS_MAX_BYTES:
                        break
            except httpx.HTTPError as exc:
                return f"robots.txt unavailable ({_describe(exc)}); host skipped"
            except _Failure as failure:
                return f"robots.txt unavailable ({failure.reason}); host skipped"
            finally:
                response.close()
            text, _codec = decode_body(body[:_ROBOTS_MAX_BYTES], "text/plain")
            parser.parse(text.splitlines())
            return parser
        return "robots.txt unavailable (too many redirects); host skipped"


def _redirect_target(current: str, response: httpx.Response) -> str:
    """Where a redirect points; an https page may not send us on over plain http."""
    target = urljoin(current, response.headers["location"])
    if urlsplit(current).scheme == "https" and urlsplit(target).scheme != "https":
        raise _Failure(f"refused: redirect from https to {target}", response.status_code)
    return target


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _describe(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def _status_reason(response: httpx.Response, retries: int) -> str:
    reason = f"HTTP {response.status_code}"
    if response.status_code in _RETRY_STATUSES and retries:
        reason += f" after {retries + 1} attempts"
    return reason


def _parse_retry_after(value: str) -> float:
    """Retry-After as seconds: either a number or an HTTP date."""
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    if when.tzinfo is None:
        # "-0000" (RFC 5322: no zone information) gives a naive datetime; HTTP dates are UTC.
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
