"""The polite fetcher against the local server (conftest.py); the internet is never touched."""

from __future__ import annotations

import email.utils
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from scrapers.cache import CachedPage, PageCache
from scrapers.http import (
    USER_AGENT,
    Fetcher,
    _parse_retry_after,
    blocked_address,
    make_client,
    resolve_host,
)
from tests.scrapers.conftest import FakeTime
from tests.scrapers.localsite import ETAG, LAST_MODIFIED, METADATA_URL, LocalSite, serve


def test_fetch_returns_decoded_page_and_identifies_itself(
    site: LocalSite, fetcher: Fetcher
) -> None:
    result = fetcher.fetch(site.url("/sociaal_huis/product/budgetbegeleiding"))

    assert result.is_ok and result.status == 200 and result.error is None
    assert "Budgetbegeleiding" in (result.text or "")
    page_headers = dict(site.requests)["/sociaal_huis/product/budgetbegeleiding"]
    assert page_headers["user-agent"] == USER_AGENT
    assert page_headers["accept-language"].startswith("nl-BE")


def test_robots_txt_is_read_once_per_host(site: LocalSite, fetcher: Fetcher) -> None:
    fetcher.fetch(site.url("/sociaal_huis/product/leefloon"))
    fetcher.fetch(site.url("/sociaal_huis/product/budgetbegeleiding"))

    assert site.paths().count("/robots.txt") == 1


@pytest.mark.parametrize(
    ("path", "status", "reason"),
    [
        ("/status/404", 404, "HTTP 404"),
        ("/status/410", 410, "HTTP 410"),
        ("/status/500", 500, "HTTP 500 after 3 attempts"),
        ("/loop/a", 302, "redirect loop at {base}/loop/a"),
        ("/redirect/chain/6", 302, "too many redirects (more than 5)"),
        ("/huge", 200, "page larger than 5 MB (Content-Length 52428800)"),
        ("/huge-chunked", 200, "page larger than 5 MB"),
        ("/image.png", 200, "unsupported content type image/png"),
        ("/verboden/intern", None, "blocked by robots.txt"),
    ],
)
def test_faults_come_back_as_reasons_not_exceptions(
    site: LocalSite, fetcher: Fetcher, path: str, status: int | None, reason: str
) -> None:
    result = fetcher.fetch(site.url(path))

    assert not result.is_ok and result.text is None
    assert result.status == status
    assert result.error == reason.format(base=site.base_url)


def test_server_errors_are_retried_with_backoff(site: LocalSite, tmp_path: Path) -> None:
    pauses: list[float] = []
    with Fetcher(
        allow_private=True, min_interval=0, retries=3, backoff=0.5, sleep=pauses.append
    ) as fetcher:
        result = fetcher.fetch(site.url("/flaky/page?fail=2"))

    assert result.is_ok and "Terug online" in (result.text or "")
    assert site.paths().count("/flaky/page?fail=2") == 3
    assert pauses == [0.5, 1.0]  # exponential, and Retry-After: 0 does not shorten it


def test_retries_are_bounded(site: LocalSite, fetcher: Fetcher) -> None:
    fetcher.fetch(site.url("/status/503"))

    assert site.paths().count("/status/503") == 3  # one try plus two retries


def test_slow_page_times_out_without_retrying(site: LocalSite) -> None:
    with Fetcher(
        allow_private=True, min_interval=0, timeout=0.3, retries=2, backoff=0.01
    ) as fetcher:
        result = fetcher.fetch(site.url("/slow?seconds=3"))

    assert result.error == "timeout after 0.3s"
    assert site.paths().count("/slow?seconds=3") == 1


def test_dropped_connection_is_retried_then_reported(site: LocalSite, fetcher: Fetcher) -> None:
    result = fetcher.fetch(site.url("/drop-connection"))

    assert result.error is not None and result.error.startswith("connection failed")
    assert site.paths().count("/drop-connection") == 3


def test_connection_refused_is_reported(free_port_url: str) -> None:
    with Fetcher(
        allow_private=True, min_interval=0, retries=1, backoff=0.01, obey_robots=False
    ) as fetcher:
        result = fetcher.fetch(free_port_url)

    assert result.error is not None and result.error.startswith("connection failed")


def test_redirects_are_followed_up_to_the_limit(site: LocalSite, fetcher: Fetcher) -> None:
    result = fetcher.fetch(site.url("/redirect/chain/5"))

    assert result.is_ok
    assert result.final_url == site.url("/redirect/chain/0")
    assert result.url == site.url("/redirect/chain/5")


def test_non_http_urls_are_refused(fetcher: Fetcher) -> None:
    assert (
        fetcher.fetch("ftp://example.test/file").error
        == "not an http(s) URL: ftp://example.test/file"
    )


def test_robots_txt_that_forbids_everything(strict_site: LocalSite, fetcher: Fetcher) -> None:
    result = fetcher.fetch(strict_site.url("/sociaal_huis/product/leefloon"))

    assert result.error == "blocked by robots.txt"
    assert strict_site.paths() == ["/robots.txt"]


def test_robots_txt_server_error_skips_the_host(broken_robots_site: LocalSite) -> None:
    with Fetcher(allow_private=True, min_interval=0, retries=0) as fetcher:
        result = fetcher.fetch(broken_robots_site.url("/sociaal_huis/product/leefloon"))

    assert result.error == "robots.txt unavailable (HTTP 503); host skipped"
    assert "/sociaal_huis/product/leefloon" not in broken_robots_site.paths()


def test_missing_robots_txt_allows_everything(site: LocalSite, fetcher: Fetcher) -> None:
    site.robots_txt = None
    try:
        result = fetcher.fetch(site.url("/verboden/intern"))
    finally:
        site.robots_txt = LocalSite().robots_txt

    assert result.is_ok


def test_robots_can_be_switched_off_for_own_mirrors(site: LocalSite) -> None:
    with Fetcher(allow_private=True, min_interval=0, obey_robots=False) as fetcher:
        assert fetcher.fetch(site.url("/verboden/intern")).is_ok
    assert "/robots.txt" not in site.paths()


@pytest.mark.parametrize(
    ("path", "header", "value"),
    [
        ("/conditional/etag", "if-none-match", ETAG),
        ("/conditional/lastmod", "if-modified-since", LAST_MODIFIED),
    ],
)
def test_second_fetch_is_conditional_and_served_from_cache(
    site: LocalSite, fetcher: Fetcher, path: str, header: str, value: str
) -> None:
    first = fetcher.fetch(site.url(path))
    second = fetcher.fetch(site.url(path))

    assert first.is_ok and not first.from_cache and first.status == 200
    assert second.is_ok and second.from_cache and second.status == 304
    assert second.text == first.text
    conditional = [headers for p, headers in site.requests if p == path][1]
    assert conditional[header] == value


def test_pages_without_validators_are_fetched_in_full_again(
    site: LocalSite, fetcher: Fetcher
) -> None:
    fetcher.fetch(site.url("/sociaal_huis/product/leefloon"))
    second = fetcher.fetch(site.url("/sociaal_huis/product/leefloon"))

    assert second.status == 200 and not second.from_cache


def test_cache_survives_a_new_fetcher(site: LocalSite, tmp_path: Path) -> None:
    for _run in range(2):
        with Fetcher(cache_dir=tmp_path, min_interval=0, allow_private=True) as fetcher:
            result = fetcher.fetch(site.url("/conditional/etag"))

    assert result.from_cache


@pytest.mark.parametrize(
    "path", ["/charset/cp1252-undeclared", "/charset/wrong-header", "/charset/meta"]
)
def test_windows_1252_pages_are_decoded(site: LocalSite, fetcher: Fetcher, path: str) -> None:
    result = fetcher.fetch(site.url(path))

    assert "Financiële hulp en één loket" in (result.text or "")
    assert "€ 0, ‘gratis’" in (result.text or "")


def polite_fetcher(fake_time: FakeTime, min_interval: float) -> Fetcher:
    """A fetcher with a rate limit on the fake clock, for the local server."""
    return Fetcher(
        allow_private=True,
        min_interval=min_interval,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )


def test_rate_limit_spaces_requests_per_host(site: LocalSite, fake_time: FakeTime) -> None:
    fake_time.now = 100.0
    with polite_fetcher(fake_time, 2.0) as fetcher:
        fetcher.fetch(site.url("/status/200"))  # robots.txt, then the page
        fake_time.now += 0.5
        fetcher.fetch(site.url("/sociaal_huis/product/leefloon"))

    assert fake_time.pauses == [2.0, 1.5]


def test_a_source_may_ask_for_a_longer_pause(site: LocalSite, fake_time: FakeTime) -> None:
    with polite_fetcher(fake_time, 1.0) as fetcher:
        fetcher.set_host_interval(site.url("/"), 5.0)
        fetcher.fetch(site.url("/status/200"))

    assert fake_time.pauses == [5.0]


def test_zero_interval_disables_the_rate_limit(site: LocalSite) -> None:
    pauses: list[float] = []
    with Fetcher(allow_private=True, min_interval=0, sleep=pauses.append) as fetcher:
        fetcher.set_host_interval(site.url("/"), 5.0)
        for _ in range(3):
            fetcher.fetch(site.url("/status/200"))

    assert pauses == []


def test_an_injected_client_is_used_and_left_open() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        return httpx.Response(200, html="<h1>Hallo</h1>")

    client = make_client(transport=httpx.MockTransport(handler))
    with Fetcher(client=client, min_interval=0, allow_private=True) as fetcher:
        result = fetcher.fetch("http://mock.test/page")
    assert result.text == "<h1>Hallo</h1>"
    assert not client.is_closed
    client.close()


def test_damaged_cache_entries_count_as_missing(tmp_path: Path) -> None:
    cache = PageCache(tmp_path)
    cache.put(CachedPage(url="http://x.test/", body=b"<p>hoi</p>", etag='"1"'))
    assert cache.get("http://x.test/") == CachedPage(
        url="http://x.test/", body=b"<p>hoi</p>", etag='"1"'
    )

    for meta in tmp_path.rglob("*.json"):
        meta.write_text("{not json", encoding="utf-8")
    assert cache.get("http://x.test/") is None


def test_robots_crawl_delay_lengthens_the_pause(fake_time: FakeTime) -> None:
    polite = LocalSite(robots_txt="User-agent: *\nCrawl-delay: 4\nDisallow: /verboden/\n")
    for running in serve(polite):
        with polite_fetcher(fake_time, 1.0) as fetcher:
            fetcher.fetch(running.url("/status/200"))
            fetcher.fetch(running.url("/status/201"))

    assert fake_time.pauses == [
        4.0,
        4.0,
    ]  # robots.txt, then each page 4 s after the previous request


# --- internal addresses (SSRF) ----------------------------------------------------------------


def pretend_public(host: str) -> list[str]:
    """Stand-in DNS: the local test server counts as a public host, other names resolve normally.

    1.2.3.4 is never connected to: httpx still connects to the 127.0.0.1 in the URL.
    """
    return ["1.2.3.4"] if host == "127.0.0.1" else resolve_host(host)


def recording_client(sent: list[str], transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """The project's client, noting the URL of every request it actually sends."""
    client = make_client(timeout=2, transport=transport)
    client.event_hooks["request"] = [lambda request: sent.append(str(request.url))]
    return client


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("193.191.245.10", None),
        ("2a02:2c40::1", None),
    ],
)
def test_internal_addresses_are_recognised(address: str, kind: str | None) -> None:
    assert blocked_address(address) == kind


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/admin", "refused: private address 10.0.0.1"),
        (METADATA_URL, "refused: link-local address 169.254.169.254"),
        ("http://[::1]:8080/", "refused: loopback address ::1"),
        ("http://2130706433/", "refused: loopback address 127.0.0.1"),  # 127.0.0.1 as a number
    ],
)
def test_internal_addresses_are_refused_before_connecting(url: str, reason: str) -> None:
    sent: list[str] = []
    with Fetcher(client=recording_client(sent), min_interval=0) as fetcher:
        result = fetcher.fetch(url)

    assert result.error == reason and result.text is None
    assert sent == []  # not even robots.txt was asked for


def test_the_local_server_itself_is_refused_by_default(site: LocalSite) -> None:
    with Fetcher(min_interval=0) as fetcher:
        result = fetcher.fetch(site.url("/sociaal_huis/product/leefloon"))

    assert result.error == "refused: loopback address 127.0.0.1"
    assert site.paths() == []


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        (METADATA_URL, "refused: link-local address 169.254.169.254"),
        ("http://10.0.0.1/", "refused: private address 10.0.0.1"),
        ("http://localhost:9/", "refused: loopback address"),
    ],
)
def test_a_redirect_to_an_internal_address_is_refused(
    site: LocalSite, target: str, reason: str
) -> None:
    sent: list[str] = []
    client = recording_client(sent)
    with Fetcher(client=client, min_interval=0, retries=0, resolve=pretend_public) as fetcher:
        result = fetcher.fetch(site.url(f"/redirect-to?target={target}"))
    client.close()

    assert result.error is not None and result.error.startswith(reason)
    assert result.final_url == target and result.status is None
    # robots.txt and the redirect, nothing more
    assert [urlsplit(u).path for u in sent] == ["/robots.txt", "/redirect-to"]
    assert {urlsplit(u).hostname for u in sent} == {"127.0.0.1"}


def test_a_robots_txt_redirect_to_an_internal_address_skips_the_host(
    metadata_redirect_site: LocalSite,
) -> None:
    sent: list[str] = []
    client = recording_client(sent)
    with Fetcher(client=client, min_interval=0, resolve=pretend_public) as fetcher:
        result = fetcher.fetch(metadata_redirect_site.url("/sociaal_huis/product/leefloon"))
    client.close()

    assert result.error == (
        "robots.txt unavailable (refused: link-local address 169.254.169.254); host skipped"
    )
    assert metadata_redirect_site.paths() == ["/robots.txt"]
    assert sent == [metadata_redirect_site.url("/robots.txt")]


def https_site(request: httpx.Request) -> httpx.Response:
    """An https site whose robots.txt and /oud redirect to plain http."""
    if request.url.path == "/robots.txt" and request.url.host == "onveilig.test":
        return httpx.Response(301, headers={"Location": "http://onveilig.test/robots.txt"})
    if request.url.path == "/robots.txt":
        return httpx.Response(404)
    if request.url.path == "/oud":
        return httpx.Response(301, headers={"Location": "http://ocmw.test/nieuw"})
    if request.url.path == "/naar-https":
        return httpx.Response(301, headers={"Location": "https://ocmw.test/nieuw"})
    return httpx.Response(200, html="<h1>Nieuw</h1>")


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("https://ocmw.test/oud", "refused: redirect from https to http://ocmw.test/nieuw"),
        (
            "https://onveilig.test/pagina",
            "robots.txt unavailable (refused: redirect from https to "
            "http://onveilig.test/robots.txt); host skipped",
        ),
        ("http://ocmw.test/naar-https", None),  # upgrading is fine
    ],
)
def test_https_is_never_downgraded_on_redirect(url: str, error: str | None) -> None:
    sent: list[str] = []
    client = recording_client(sent, httpx.MockTransport(https_site))
    with Fetcher(client=client, min_interval=0, resolve=lambda host: ["193.191.245.10"]) as f:
        result = f.fetch(url)
    client.close()

    assert result.error == error
    assert (error is None) == any(u.startswith("http://") for u in sent)


def test_an_unresolvable_host_is_reported() -> None:
    def no_dns(host: str) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with Fetcher(min_interval=0, resolve=no_dns) as strict:
        result = strict.fetch("http://nergens.test/")

    assert result.error == (
        "connection failed: cannot resolve nergens.test ([Errno -2] Name or service not known)"
    )


# --- Retry-After ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past
        ("Wed, 21 Oct 2015 07:28:00 -0000", 0.0),  # "-0000": a naive datetime
        ("morgen misschien", 0.0),
        ("Wed, 21 Oct 99999 07:28:00 GMT", 0.0),
    ],
)
def test_retry_after_is_read_as_seconds(value: str, seconds: float) -> None:
    assert _parse_retry_after(value) == seconds


def test_a_future_retry_after_date_without_zone_is_honoured() -> None:
    later = email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=60))
    naive = later.replace("+0000", "-0000")

    assert 50 < _parse_retry_after(naive) <= 60


def test_a_retry_after_date_without_zone_does_not_break_fetch() -> None:
    answers = iter(
        [
            httpx.Response(404),  # robots.txt
            httpx.Response(503, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 -0000"}),
            httpx.Response(200, html="<h1>Terug</h1>"),
        ]
    )
    pauses: list[float] = []
    client = make_client(transport=httpx.MockTransport(lambda request: next(answers)))
    with Fetcher(client=client, min_interval=0, allow_private=True, sleep=pauses.append) as f:
        result = f.fetch("http://mock.test/pagina")
    client.close()

    assert result.is_ok and result.text == "<h1>Terug</h1>"
    assert pauses == [1.0]  # the default backoff: the date lies in the past
