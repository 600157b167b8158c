"""The Sociaal Huis adapter on product pages served by the local server."""

from __future__ import annotations

import dataclasses
from datetime import date

from scrapers.adapters import sociaal_huis
from scrapers.config import SourceConfig, load_sources
from scrapers.http import Fetcher
from tests.scrapers.localsite import LocalSite

DAY = date(2026, 11, 22)


def test_crawls_list_pages_and_reports_every_url(
    site: LocalSite, fetcher: Fetcher, sources: dict[str, SourceConfig]
) -> None:
    outcomes = list(sociaal_huis.crawl(sources["sociaal-huis-voorbeeld"], fetcher, retrieved=DAY))

    report = [(o.kind, o.url.removeprefix(site.base_url), o.status, o.reason) for o in outcomes]
    assert report == [
        ("list", "/sociaal_huis/producten/", "ok", "4 links"),
        ("detail", "/sociaal_huis/product/budgetbegeleiding", "ok", None),
        ("detail", "/sociaal_huis/product/leefloon", "ok", None),
        (
            "detail",
            "/sociaal_huis/product/huurpremie",
            "failed",
            "missing required field(s): address (page layout may have changed)",
        ),
        ("detail", "/verboden/intern", "failed", "blocked by robots.txt"),
        ("list", "/sociaal_huis/producten/pagina-2", "ok", "3 links"),
        ("detail", "/sociaal_huis/product/energiepremie", "ok", None),
        ("detail", "/sociaal_huis/product/bestaat-niet", "failed", "HTTP 404"),
    ]
    assert "/verboden/intern" not in site.paths()
    assert all(not o.services for o in outcomes if o.status == "failed")


def test_product_page_becomes_one_hsds_service(
    site: LocalSite, fetcher: Fetcher, sources: dict[str, SourceConfig]
) -> None:
    source = sources["sociaal-huis-voorbeeld"]
    page = fetcher.fetch(site.url("/sociaal_huis/product/leefloon"))
    [service] = sociaal_huis.parse_page(source, page, DAY)

    assert service["name"] == "Leefloon"
    assert service["description"].startswith("Het leefloon is een minimuminkomen")
    assert "je bent meerderjarig;" in service["eligibility_description"]
    assert (
        service["application_process"] == "Een aanvraag doe je persoonlijk bij de sociale dienst."
    )
    assert service["email"] == "socialedienst@voorbeeldgemeente.example"
    assert [(p["number"], p["type"]) for p in service["phones"]] == [
        ("051 00 01 30", "voice"),
        ("051 00 01 39", "fax"),
    ]
    [schedule] = service["schedules"]
    assert (schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "TU,WE,TH,FR",
        "08:30",
        "11:45",
    )
    assert schedule["notes"] == "namiddag enkel op afspraak"
    [sal] = service["service_at_locations"]
    assert sal["location"]["name"] == "Sociale dienst"
    assert sal["location"]["addresses"][0]["address_1"] == "Welzijnsplein 3 bus 1"
    assert service["organization"]["name"] == "OCMW Roeselare"
    assert [a["name"] for a in service["service_areas"]] == ["Roeselare"]
    assert [a["taxonomy_term"]["code"] for a in service["attributes"]] == ["financien"]
    assert service["x-source"]["method"] == "config"
    assert service["x-source"]["source"] == "sociaal-huis-voorbeeld"


def test_ids_do_not_depend_on_where_the_site_is_served(
    site: LocalSite, fetcher: Fetcher, sources: dict[str, SourceConfig]
) -> None:
    """A mirror (or this test server) yields the ids the real site would."""
    source = sources["sociaal-huis-voorbeeld"]
    page = fetcher.fetch(site.url("/sociaal_huis/product/budgetbegeleiding"))
    [here] = sociaal_huis.parse_page(source, page, DAY)
    elsewhere = "https://www.voorbeeldgemeente.example"
    moved = dataclasses.replace(
        page,
        url=page.url.replace(site.base_url, elsewhere),
        final_url=page.final_url.replace(site.base_url, elsewhere),
    )
    [there] = sociaal_huis.parse_page(load_sources()["sociaal-huis-voorbeeld"], moved, DAY)

    assert here["id"] == there["id"]
    assert here["x-source"]["url"] != there["x-source"]["url"]
