"""The directory-API adapter against JSON pages served by the local server."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from scrapers.adapters import sociale_kaart_api
from scrapers.config import ApiConfig, RubricConfig, SourceConfig
from scrapers.generic import ExtractionError
from scrapers.http import Fetcher
from tests.scrapers.localsite import LocalSite

DAY = date(2026, 11, 22)


@pytest.fixture
def api_source(sources: dict[str, SourceConfig]) -> SourceConfig:
    source = sources["sociale-kaart-api"]
    assert source.api is not None
    rubric = source.api.rubrics[0]
    return dataclasses.replace(
        source, api=dataclasses.replace(source.api, rubrics=(rubric,), page_size=3)
    )


def test_pages_through_the_api(site: LocalSite, fetcher: Fetcher, api_source: SourceConfig) -> None:
    outcomes = list(sociale_kaart_api.crawl(api_source, fetcher, retrieved=DAY))

    assert [o.status for o in outcomes] == ["ok", "ok"]
    assert outcomes[1].reason == "1 record(s) skipped: record 900105 has no name"
    names = [s["name"] for o in outcomes for s in o.services]
    assert names == [
        "Onthaal CAW Roeselare",
        "Kinderdagverblijf De Knuffelbeer",
        "Gezinsopvang Het Nestje",
        "Buitenschoolse opvang De Speelboot",
    ]
    queries = [p for p in site.paths() if "health-offers" in p]
    assert queries == [
        "/sociale_kaart_api/api/health-offers?rubrics=10.07.03.+Gezinsopvang+voor+kinderen&page=0&size=3",
        "/sociale_kaart_api/api/health-offers?rubrics=10.07.03.+Gezinsopvang+voor+kinderen&page=1&size=3",
    ]


def test_record_fields(fetcher: Fetcher, api_source: SourceConfig) -> None:
    first_page = next(iter(sociale_kaart_api.crawl(api_source, fetcher, retrieved=DAY)))
    onthaal, opvang, nestje = first_page.services

    assert [sal["location"]["addresses"][0]["city"] for sal in onthaal["service_at_locations"]] == [
        "Roeselare",  # the primary address comes first
        "Izegem",
    ]
    location = onthaal["service_at_locations"][0]["location"]
    assert (location["latitude"], location["longitude"]) == (50.9462, 3.123)
    assert onthaal["organization"]["name"] == "CAW Midwest Voorbeeld vzw"
    assert onthaal["organization"]["organization_identifiers"][0]["identifier"] == "0812.345.603"
    assert onthaal["url"] == "https://www.caw-voorbeeld.example"
    assert onthaal["email"] == "onthaal@caw-voorbeeld.example"
    assert [p["number"] for p in onthaal["phones"]] == ["051 00 04 10"]
    assert onthaal["description"] == "Activiteiten: Onthaal en informatie, Budgethulp"
    assert onthaal["x-source"]["verified"] is True and opvang["x-source"]["verified"] is False
    assert onthaal["x-source"]["record_id"] == "900101"
    assert opvang["service_at_locations"][0]["location"]["addresses"][0]["address_1"] == (
        "Speelpleinstraat 12 bus A"
    )
    assert [p["type"] for p in opvang["phones"]] == ["cell"]
    assert nestje["status"] == "inactive"
    assert [a["taxonomy_term"]["code"] for a in nestje["attributes"]] == ["gezin-opvoeding"]


def test_limit_counts_api_pages(fetcher: Fetcher, api_source: SourceConfig) -> None:
    assert len(list(sociale_kaart_api.crawl(api_source, fetcher, limit=1))) == 1


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("status/500", "HTTP 500 after 3 attempts"),
        ("product/leefloon", "not a directory API page ("),
    ],
)
def test_a_broken_api_is_reported_and_stops_that_rubric(
    site: LocalSite, fetcher: Fetcher, api_source: SourceConfig, path: str, reason: str
) -> None:
    api = ApiConfig(path=path, rubrics=(RubricConfig("a"), RubricConfig("b")))
    base = site.url("/") if path.startswith("status") else site.url("/sociaal_huis/")
    source = dataclasses.replace(api_source, base_url=base, api=api)

    outcomes = list(sociale_kaart_api.crawl(source, fetcher))

    assert [o.status for o in outcomes] == ["failed", "failed"]  # one per rubric, then on
    assert all(o.reason and o.reason.startswith(reason) for o in outcomes)


def test_records_without_id_are_refused(api_source: SourceConfig) -> None:
    with pytest.raises(ExtractionError, match="record without id"):
        sociale_kaart_api.record_to_service({"legalName": "X"}, api_source, RubricConfig(""), DAY)


def test_a_bad_record_is_reported_and_the_page_goes_on(
    site: LocalSite, fetcher: Fetcher, api_source: SourceConfig
) -> None:
    source = dataclasses.replace(api_source, base_url=site.url("/sociale_kaart_api_vijandig/"))
    [outcome] = sociale_kaart_api.crawl(source, fetcher, retrieved=DAY)

    assert outcome.status == "ok"
    assert outcome.reason == (
        "1 record(s) skipped: record 1: extraction error (TypeError: 'int' object is not iterable)"
    )
    [service] = outcome.services
    assert service["name"] == "Sociaal Huis Ardooie"
    # javascript: and data: websites are dropped; a bare host name becomes https.
    assert service["url"] == "https://www.ardooie.example/sociaal-huis"
    assert service["organization"]["website"] == "https://www.ardooie.example/sociaal-huis"
