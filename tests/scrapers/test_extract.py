"""schema.org JSON-LD and microdata on saved pages turned into service drafts."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.extract import jsonld_items, structured_drafts
from scrapers.heuristics import PostalAddress
from scrapers.page import parse_html

PAGES = Path(__file__).parent / "fixtures" / "jsonld" / "organisaties"
HOSTILE = Path(__file__).parent / "fixtures" / "vijandig"


def _drafts(name: str, url: str = "https://welzijnsgids.example/organisaties/x"):
    html = (PAGES / name).read_text(encoding="utf-8")
    return structured_drafts(parse_html(html), html, url)


def test_government_service_with_provider_channel_and_hours() -> None:
    [found] = _drafts("budgetbeheer.html")
    draft = found.draft

    assert found.method == "json-ld" and found.is_service
    assert draft.name == "Budgetbeheer"
    assert draft.organization.name == "OCMW Izegem"
    assert draft.organization.kbo == "0448.000.042"
    assert draft.email == "budget@izegem.example"
    assert [p.number for p in draft.phones] == ["051 00 07 70"]
    assert draft.fees_description == "Gratis"
    assert draft.eligibility_description == "Inwoners van Izegem met betalingsproblemen"
    assert draft.service_areas == ["Izegem"]
    [location] = draft.locations
    assert location.name == "Sociaal Huis Izegem"
    assert location.addresses == [PostalAddress("Zorgstraat 18", "8870", "Izegem")]
    assert (location.latitude, location.longitude) == (50.9141, 3.2135)
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in draft.schedules] == [
        ("MO,TU,WE,TH,FR", "09:00", "12:00"),
        ("TU", "13:30", "16:00"),
    ]


def test_graph_page_uses_its_main_entity_not_the_publisher() -> None:
    found = _drafts("huis-van-het-kind.html")

    assert [f.draft.name for f in found] == ["Huis van het Kind Izegem"]
    draft = found[0].draft
    assert found[0].date_modified == "2025-01-20T08:00:00+01:00"
    assert draft.organization.name == "Stad Izegem"  # the parentOrganization
    assert draft.organization.kbo == "0876.543.270"  # from vatID "BE0876543270"
    assert draft.email == "info@huisvanhetkind-izegem.example"
    assert [loc.name for loc in draft.locations] == [
        "Huis van het Kind Izegem",
        "Consultatiebureau Emelgem",
        "Consultatiebureau Kachtem",
    ]
    assert draft.locations[2].addresses == [PostalAddress("Schoolstraat 11", "8870", "Kachtem")]
    assert [(s["byday"], s["opens_at"], s["description"]) for s in draft.schedules] == [
        ("MO,WE", "09:00", "maandag, woensdag van 09:00 tot 12:00"),
        ("TH", "13:30", "donderdag van 13:30 tot 17:00"),
    ]


def test_microdata_organisation() -> None:
    [found] = _drafts("voedselbank.html")

    assert found.method == "microdata" and not found.is_service
    assert found.draft.name == "Voedselbank De Schakel"
    assert found.draft.locations[0].addresses == [
        PostalAddress("Magazijnstraat 40", "8700", "Tielt")
    ]
    assert found.draft.organization.kbo == "0999.000.129"
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in found.draft.schedules] == [
        ("TU,TH", "14:00", "17:00")
    ]


def test_broken_json_ld_is_skipped_not_fatal() -> None:
    assert _drafts("kapot.html") == []


@pytest.mark.parametrize(
    ("script", "types"),
    [
        ('{"@type": "Organization", "name": "A"}', ["Organization"]),
        ('[{"@type": "NGO", "name": "A"}, {"@type": "Place", "name": "B"}]', ["NGO", "Place"]),
        (
            '{"@graph": [{"@type": "WebPage"}, {"@type": "LocalBusiness"}]}',
            ["WebPage", "LocalBusiness"],
        ),
        ('<!-- {"@type": "Organization", "name": "A"} -->', ["Organization"]),
        ('{"@type": "Organization", "name": "A",}', []),
    ],
)
def test_jsonld_items(script: str, types: list[str]) -> None:
    soup = parse_html(f'<script type="application/ld+json">{script}</script>')
    assert [item["@type"] for item in jsonld_items(soup)] == types


def test_one_bad_block_does_not_hide_a_good_one() -> None:
    html = (
        '<script type="application/ld+json">{"@type": "Service", "name": }</script>'
        '<script type="application/ld+json">{"@type": "Service", "name": "Goed"}</script>'
    )
    assert [f.draft.name for f in structured_drafts(parse_html(html), html, "http://x.test/")] == [
        "Goed"
    ]


def test_script_urls_in_json_ld_are_dropped() -> None:
    html = (HOSTILE / "scriptlinks.html").read_text(encoding="utf-8")
    [found] = structured_drafts(parse_html(html), html, "https://welzijnsgids.example/x")

    assert found.draft.name == "Schuldbemiddeling"
    assert found.draft.url is None  # "javascript:alert(1)", and serviceUrl likewise
    assert found.draft.organization.website is None  # a data: URL


def test_relative_urls_in_json_ld_are_made_absolute() -> None:
    html = (HOSTILE / "relatieve-links.html").read_text(encoding="utf-8")
    page = "https://welzijnsgids.example/organisaties/leefloon"
    [found] = structured_drafts(parse_html(html), html, page)

    assert found.draft.url == "https://welzijnsgids.example/diensten/leefloon"
    assert found.draft.organization.website == "https://www.wielsbeke.example/"
