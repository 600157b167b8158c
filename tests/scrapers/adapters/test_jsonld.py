"""The JSON-LD / microdata adapter against the local server."""

from __future__ import annotations

import dataclasses
from datetime import date

from scrapers.adapters import jsonld
from scrapers.config import SourceConfig
from scrapers.http import Fetcher
from tests.scrapers.localsite import LocalSite

DAY = date(2026, 11, 22)


def test_crawl_reads_json_ld_and_microdata_and_reports_broken_pages(
    site: LocalSite, fetcher: Fetcher, sources: dict[str, SourceConfig]
) -> None:
    outcomes = list(jsonld.crawl(sources["jsonld-voorbeeld"], fetcher, retrieved=DAY))

    assert [
        (o.url.removeprefix(site.base_url), o.status, o.reason, [s["name"] for s in o.services])
        for o in outcomes
    ] == [
        ("/jsonld/organisaties/", "ok", "4 links", []),
        ("/jsonld/organisaties/budgetbeheer", "ok", None, ["Budgetbeheer"]),
        ("/jsonld/organisaties/huis-van-het-kind", "ok", None, ["Huis van het Kind Izegem"]),
        ("/jsonld/organisaties/voedselbank", "ok", None, ["Voedselbank De Schakel"]),
        (
            "/jsonld/organisaties/kapot",
            "failed",
            "no schema.org JSON-LD or microdata on the page",
            [],
        ),
    ]
    methods = [o.services[0]["x-source"]["method"] for o in outcomes[1:4]]
    assert methods == ["json-ld", "json-ld", "microdata"]
    kind = outcomes[2].services[0]
    assert kind["x-source"]["source_date"] == "2025-01-20T08:00:00+01:00"
    assert [a["taxonomy_term"]["code"] for a in kind["attributes"]] == ["gezin-opvoeding"]
    assert len(kind["service_at_locations"]) == 3


def test_a_script_url_falls_back_to_the_page_url(
    site: LocalSite, fetcher: Fetcher, sources: dict[str, SourceConfig]
) -> None:
    page = site.url("/vijandig/scriptlinks")
    source = dataclasses.replace(
        sources["jsonld-voorbeeld"], start_urls=(page,), link_selector=None
    )
    [outcome] = jsonld.crawl(source, fetcher, retrieved=DAY)

    [service] = outcome.services
    assert service["url"] == page
    assert "website" not in service["organization"]  # it was a data: URL
