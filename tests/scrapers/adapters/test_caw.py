"""The CAW adapter: one offer, several towns, against the local server."""

from __future__ import annotations

from datetime import date

from scrapers.adapters import caw
from scrapers.config import SourceConfig
from scrapers.http import Fetcher
from tests.scrapers.localsite import LocalSite

DAY = date(2026, 11, 22)


def test_offer_with_three_locations(
    site: LocalSite, fetcher: Fetcher, sources: dict[str, SourceConfig]
) -> None:
    page = fetcher.fetch(site.url("/caw/aanbod/onthaal"))
    [service] = caw.parse_page(sources["caw-voorbeeld"], page, DAY)

    assert service["name"] == "Onthaal"
    assert service["email"] == "onthaal@caw-voorbeeld.example"
    assert service["organization"]["name"] == "CAW Midwest Voorbeeld"
    assert service["organization"]["organization_identifiers"][0]["identifier"] == "0812.345.603"
    assert service["phones"] == [] and service["schedules"] == []  # they belong to each town
    places = {
        sal["location"]["name"]: (
            sal["location"]["addresses"][0]["address_1"],
            [p["number"] for p in sal.get("phones", [])],
            [
                (s.get("byday"), s.get("opens_at"), s.get("closes_at"))
                for s in sal.get("schedules", [])
            ],
        )
        for sal in service["service_at_locations"]
    }
    assert places == {
        "CAW Midwest Voorbeeld – Roeselare": (
            "Hulpstraat 4",
            ["051 00 04 10"],
            [("MO,WE,FR", "09:00", "12:00"), ("TU", "16:00", "19:00")],
        ),
        "CAW Midwest Voorbeeld – Izegem": (
            "Onthaalplein 7",
            ["051 00 04 20"],
            [("MO,TU,WE,TH,FR", "09:00", "12:00")],
        ),
        "CAW Midwest Voorbeeld Tielt": (  # a block without its own name is named after the town
            "Stationsdreef 2 bus 1",
            ["0470 00 04 30"],
            [("TH", "13:30", "16:30")],
        ),
    }
    assert [a["name"] for a in service["service_areas"]] == ["Roeselare", "Izegem", "Tielt"]
    codes = {a["taxonomy_term"]["code"] for a in service["attributes"]}
    assert codes == {"sociaal-netwerk", "psychisch-welzijn"}


def test_crawl_follows_a_redirected_link(
    site: LocalSite, fetcher: Fetcher, sources: dict[str, SourceConfig]
) -> None:
    outcomes = list(caw.crawl(sources["caw-voorbeeld"], fetcher, retrieved=DAY))

    assert [o.status for o in outcomes] == ["ok", "ok", "ok", "ok"]
    jongeren = outcomes[-1].services[0]
    assert jongeren["name"] == "JAC – jongerenaanbod"
    assert jongeren["x-source"]["url"] == site.url("/caw/aanbod/jongeren")
    assert "gezin-opvoeding" in {a["taxonomy_term"]["code"] for a in jongeren["attributes"]}
    budget = outcomes[2].services[0]
    monthly = [s for sal in budget["service_at_locations"] for s in sal.get("schedules", [])]
    assert ("MONTHLY", "1TU") in {(s.get("freq"), s.get("byday")) for s in monthly}


def test_limit_caps_detail_pages(fetcher: Fetcher, sources: dict[str, SourceConfig]) -> None:
    outcomes = list(caw.crawl(sources["caw-voorbeeld"], fetcher, limit=1))

    assert [o.kind for o in outcomes] == ["list", "detail"]
