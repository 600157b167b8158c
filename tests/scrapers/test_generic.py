"""Generic extraction on any page and scrape_url() against the local server (no internet)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from scrapers.generic import ExtractionError, ScrapeError, extract_service, scrape_url
from scrapers.http import Fetcher
from tests.scrapers.localsite import LocalSite

FIXTURES = Path(__file__).parent / "fixtures"
DAY = date(2026, 11, 22)


def _page(relative: str) -> str:
    return (FIXTURES / relative).read_text(encoding="utf-8")


def _addresses(service: dict) -> list[str]:
    return [
        f"{a['address_1']}, {a['postal_code']} {a['city']}"
        for sal in service["service_at_locations"]
        for a in sal["location"]["addresses"]
    ]


def test_heuristics_read_a_municipal_product_page_without_its_footer() -> None:
    url = "https://www.voorbeeldgemeente.example/sociaal-huis/product/budgetbegeleiding"
    service = extract_service(
        _page("sociaal_huis/product/budgetbegeleiding.html"), url, retrieved=DAY
    )

    assert service["name"] == "Budgetbegeleiding"
    assert service["organization"]["name"] == "Stad Roeselare"
    assert service["email"] == "sociaalhuis@voorbeeldgemeente.example"  # not the cookie banner's
    assert [p["number"] for p in service["phones"]] == ["051 00 01 20"]  # not the town hall's
    assert _addresses(service) == ["Welzijnsplein 3, 8800 Roeselare"]  # not Botermarkt 2
    [schedule] = service["schedules"]
    assert (schedule["byday"], schedule["opens_at"], schedule["closes_at"]) == (
        "MO,TU,WE,TH,FR",
        "09:00",
        "12:00",
    )
    assert schedule["notes"] == "op afspraak"
    assert service["url"] == url  # the canonical link
    assert service["x-source"] == {
        "url": url,
        "retrieved": "2026-11-22",
        "method": "heuristics",
        "source": None,
        "source_date": "2025-03-14T10:12:00+01:00",
    }


def test_hours_in_a_table_under_a_caption() -> None:
    service = extract_service(_page("sociaal_huis/product/energiepremie.html"), "http://x.test/e")

    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in service["schedules"]] == [
        ("MO", "09:00", "12:00"),
        ("WE", "13:30", "16:30"),
        ("TH", "09:00", "12:00"),
        ("TH", "13:30", "18:00"),
    ]


def test_structured_data_comes_first_and_heuristics_only_fill_gaps() -> None:
    html = """<html><head><title>Onthaal | CAW</title>
      <script type="application/ld+json">{"@context": "https://schema.org", "@type": "NGO",
        "name": "CAW Onthaal", "address": {"@type": "PostalAddress",
        "streetAddress": "Hulpstraat 4", "postalCode": "8800", "addressLocality": "Roeselare"}}
      </script></head>
      <body><main><h1>Een andere titel</h1><p>Bel 051 00 04 10.</p></main></body></html>"""
    service = extract_service(html, "http://x.test/onthaal")

    assert service["name"] == "CAW Onthaal"
    assert service["x-source"]["method"] == "json-ld"
    assert [p["number"] for p in service["phones"]] == ["051 00 04 10"]
    assert service["x-source"]["derived_fields"] == ["phones: heuristics"]
    assert service["organization"]["name"] == "CAW Onthaal"  # an NGO offers its own service


def test_ids_are_stable_across_scrapes() -> None:
    html = _page("sociaal_huis/product/leefloon.html")
    first = extract_service(html, "http://x.test/leefloon", retrieved=date(2025, 1, 1))
    second = extract_service(html, "http://x.test/leefloon", retrieved=date(2026, 1, 1))

    assert first["id"] == second["id"]
    assert first["service_at_locations"][0]["id"] == second["service_at_locations"][0]["id"]
    assert first["x-source"]["retrieved"] != second["x-source"]["retrieved"]


def test_a_page_without_any_name_is_refused() -> None:
    with pytest.raises(ExtractionError, match="no service name"):
        extract_service("<html><body><p>Welkom</p></body></html>", "http://x.test/")


def test_scrape_url_on_a_json_ld_page(site: LocalSite, fetcher: Fetcher) -> None:
    service = scrape_url(site.url("/jsonld/organisaties/budgetbeheer"), fetcher, retrieved=DAY)

    assert service["name"] == "Budgetbeheer"
    assert service["organization"]["organization_identifiers"][0]["identifier"] == "0448.000.042"
    assert service["x-source"]["method"] == "json-ld"
    assert _addresses(service) == ["Zorgstraat 18, 8870 Izegem"]
    json.dumps(service)  # the CLI prints it as JSON


def test_scrape_url_on_a_windows_1252_page(site: LocalSite, fetcher: Fetcher) -> None:
    service = scrape_url(site.url("/charset/cp1252-undeclared"), fetcher)

    assert service["name"] == "Financiële hulp en één loket"
    assert service["organization"]["name"] == "Gemeente"  # from the <title> suffix


def test_scrape_url_on_broken_html(site: LocalSite, fetcher: Fetcher) -> None:
    service = scrape_url(site.url("/fouten/kapot"), fetcher)

    assert service["name"] == "Schuldbemiddeling"
    assert _addresses(service) == ["Welzijnsplein 3, 8800 Roeselare"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/status/404", "HTTP 404"),
        ("/verboden/intern", "blocked by robots.txt"),
        ("/image.png", "unsupported content type image/png"),
        ("/sociale_kaart_api/api/health-offers", "not an HTML page (application/json)"),
    ],
)
def test_scrape_url_failures_carry_the_reason(
    site: LocalSite, fetcher: Fetcher, path: str, reason: str
) -> None:
    with pytest.raises(ScrapeError) as error:
        scrape_url(site.url(path), fetcher)
    assert str(error.value) == reason


def test_scrape_url_never_proposes_a_script_url(site: LocalSite, fetcher: Fetcher) -> None:
    url = site.url("/vijandig/scriptlinks")
    service = scrape_url(url, fetcher)

    assert service["name"] == "Schuldbemiddeling"
    assert service["url"] == url  # the page itself, not "javascript:alert(1)"
    assert "website" not in service["organization"]
    assert "javascript" not in json.dumps(service).lower()


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<meta property="og:url" content="javascript:alert(1)">', "http://x.test/leefloon"),
        ('<link rel="canonical" href="data:text/html,x">', "http://x.test/leefloon"),
        (
            '<meta property="og:url" content="javascript:alert(1)">'
            '<link rel="canonical" href="/diensten/leefloon">',
            "http://x.test/diensten/leefloon",
        ),
    ],
)
def test_page_metadata_urls_must_be_web_links(head: str, expected: str) -> None:
    html = f"<html><head>{head}</head><body><main><h1>Leefloon</h1></main></body></html>"

    assert extract_service(html, "http://x.test/leefloon")["url"] == expected
