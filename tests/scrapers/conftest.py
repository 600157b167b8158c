"""Fixtures for scraper tests: the local server stands in for the internet (see localsite.py)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scrapers.config import SourceConfig, load_sources
from scrapers.http import Fetcher
from tests.scrapers.localsite import METADATA_URL, LocalSite, serve


@pytest.fixture(scope="session")
def _shared_site() -> Iterator[LocalSite]:
    yield from serve(LocalSite())


@pytest.fixture
def site(_shared_site: LocalSite) -> LocalSite:
    """The shared local server, with its request log and counters emptied."""
    _shared_site.reset()
    return _shared_site


@pytest.fixture
def strict_site() -> Iterator[LocalSite]:
    """A second host whose robots.txt forbids everything."""
    yield from serve(LocalSite(robots_txt="User-agent: *\nDisallow: /\n"))


@pytest.fixture
def broken_robots_site() -> Iterator[LocalSite]:
    """A host whose robots.txt answers 503: per RFC 9309 the whole host is off limits."""
    yield from serve(LocalSite(robots_status=503))


@pytest.fixture
def metadata_redirect_site() -> Iterator[LocalSite]:
    """A host whose robots.txt redirects to the cloud metadata address (never connected to)."""
    yield from serve(LocalSite(robots_redirect=METADATA_URL))


@pytest.fixture
def fetcher(tmp_path: Path) -> Iterator[Fetcher]:
    """A fetcher for tests: the local server allowed, no rate limit, short timeouts, tiny backoff,
    cache in tmp_path."""
    with Fetcher(
        cache_dir=tmp_path / "cache",
        min_interval=0,
        timeout=2,
        retries=2,
        backoff=0.01,
        allow_private=True,
    ) as instance:
        yield instance


@dataclass
class FakeTime:
    """A clock that only moves when slept on, recording every pause the fetcher asks for."""

    now: float = 0.0
    pauses: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def free_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def sources(site: LocalSite) -> dict[str, SourceConfig]:
    """The shipped source configs, pointed at the fixture copies on the local server."""
    return load_sources(
        base_urls={
            "sociaal-huis-voorbeeld": site.url("/sociaal_huis/"),
            "caw-voorbeeld": site.url("/caw/"),
            "jsonld-voorbeeld": site.url("/jsonld/"),
            "sociale-kaart-api": site.url("/sociale_kaart_api/"),
        }
    )
