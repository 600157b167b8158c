"""Whole runs: every fault is reported per URL, the run goes on, failed pages propose nothing."""

from __future__ import annotations

import dataclasses
from datetime import date

from scrapers.config import SourceConfig
from scrapers.http import Fetcher
from scrapers.run import run_source
from tests.scrapers.conftest import FakeTime
from tests.scrapers.localsite import LocalSite

DAY = date(2026, 11, 22)


def test_a_run_survives_every_kind_of_fault(
    site: LocalSite, sources: dict[str, SourceConfig]
) -> None:
    source = dataclasses.replace(
        sources["sociaal-huis-voorbeeld"],
        start_urls=(site.url("/fouten/"),),
        link_selector="a.test-link",
        next_selector=None,
    )
    with Fetcher(
        allow_private=True, min_interval=0, timeout=0.5, retries=1, backoff=0.01
    ) as fetcher:
        outcomes = list(run_source(source, fetcher, retrieved=DAY))

    report = {o.url.removeprefix(site.base_url): (o.status, o.reason) for o in outcomes}
    assert report == {
        "/fouten/": ("ok", "10 links"),
        "/status/404": ("failed", "HTTP 404"),
        "/status/500": ("failed", "HTTP 500 after 2 attempts"),
        "/slow?seconds=3": ("failed", "timeout after 0.5s"),
        "/loop/a": ("failed", f"redirect loop at {site.base_url}/loop/a"),
        "/huge-chunked": ("failed", "page larger than 5 MB"),
        "/fouten/kapot": ("ok", None),
        "/charset/wrong-header": ("ok", None),
        "/verboden/intern": ("failed", "blocked by robots.txt"),
        "/sociaal_huis/product/huurpremie": (
            "failed",
            "missing required field(s): address (page layout may have changed)",
        ),
        "/sociaal_huis/product/budgetbegeleiding": ("ok", None),
    }
    assert all(o.services == [] for o in outcomes if not o.is_ok)
    by_url = {o.url.removeprefix(site.base_url): o for o in outcomes}
    assert by_url["/fouten/kapot"].services[0]["name"] == "Schuldbemiddeling"
    assert by_url["/charset/wrong-header"].services[0]["name"] == "Financiële hulp en één loket"
    assert sum(len(o.services) for o in outcomes) == 3


def test_a_run_is_lazy(sources: dict[str, SourceConfig], fetcher: Fetcher, site: LocalSite) -> None:
    outcomes = run_source(sources["caw-voorbeeld"], fetcher)
    assert site.paths() == []
    next(outcomes)
    assert site.paths() == ["/robots.txt", "/caw/aanbod/"]


def test_a_second_run_revalidates_from_the_cache(
    site: LocalSite, sources: dict[str, SourceConfig], fetcher: Fetcher
) -> None:
    source = dataclasses.replace(
        sources["sociaal-huis-voorbeeld"],
        start_urls=(site.url("/conditional/etag"),),
        link_selector=None,
        fields={"name": "h1"},
        required=("name",),
    )
    first = list(run_source(source, fetcher))
    second = list(run_source(source, fetcher))

    assert [o.from_cache for o in first + second] == [False, True]
    assert [o.services[0]["name"] for o in first + second] == ["Versie 1", "Versie 1"]
    assert first[0].services[0]["id"] == second[0].services[0]["id"]


def test_source_min_interval_reaches_the_fetcher(
    site: LocalSite, sources: dict[str, SourceConfig], fake_time: FakeTime
) -> None:
    source = dataclasses.replace(sources["caw-voorbeeld"], min_interval=3.0)
    with Fetcher(
        allow_private=True, min_interval=1.0, sleep=fake_time.sleep, clock=fake_time.clock
    ) as fetcher:
        list(run_source(source, fetcher, limit=1))

    assert fake_time.pauses == [3.0, 3.0]  # robots.txt -> list page -> one detail page
