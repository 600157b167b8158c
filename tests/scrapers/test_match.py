"""Matching scraped services to catalogue ones, and field-by-field proposed changes."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from scrapers.match import (
    FieldChange,
    Match,
    ServiceIndex,
    compare_service,
    diff_service,
    match_service,
)

_ids = itertools.count(1)


def _service(
    name: str,
    *,
    street: str | None = None,
    postcode: str = "8800",
    city: str = "Roeselare",
    kbo: str | None = None,
    phones: tuple[str, ...] = (),
    service_id: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A small HSDS full-service dict with only what matching and diffing read."""
    organization: dict[str, Any] = {"id": "org", "name": fields.pop("org_name", "OCMW")}
    if kbo:
        organization["organization_identifiers"] = [
            {"identifier_scheme": "BE-BCE_KBO", "identifier": kbo}
        ]
    locations = []
    if street:
        address = {"address_1": street, "postal_code": postcode, "city": city}
        locations.append({"location": {"addresses": [address]}})
    return {
        "id": service_id or f"s{next(_ids)}",
        "name": name,
        "organization": organization,
        "phones": [{"number": number} for number in phones],
        "service_at_locations": locations,
        **fields,
    }


CATALOGUE = [
    _service("Budgetbegeleiding", street="Welzijnsplein 3", service_id="budget-roeselare"),
    _service("Leefloon", street="Welzijnsplein 3", service_id="leefloon-roeselare"),
    _service("Onthaal", street="Hulpstraat 4", kbo="0812.345.603", service_id="caw-onthaal"),
    _service("Budgethulp", street="Hulpstraat 4", kbo="0812.345.603", service_id="caw-budget"),
    _service(
        "Budgetbegeleiding Poperinge",
        street="Markt 1",
        postcode="8970",
        city="Poperinge",
        service_id="budget-poperinge",
    ),
    _service(
        "Voedselbank De Schakel",
        street="Magazijnstraat 40",
        postcode="8700",
        city="Tielt",
        service_id="voedselbank",
    ),
]


@pytest.mark.parametrize(
    ("scraped", "expected"),
    [
        (
            _service("Iets anders", service_id="leefloon-roeselare"),
            Match("leefloon-roeselare", "id", 100.0),
        ),
        (_service("Onthaal volwassenen", kbo="0812345603"), ("caw-onthaal", "kbo")),
        (_service("Budgethulp", kbo="BE 0812.345.603"), ("caw-budget", "kbo")),
        (_service("Budgetbegeleiding", street="Welzijnsplein 3"), ("budget-roeselare", "address")),
        (_service("Het leefloon", street="welzijnsplein 3"), ("leefloon-roeselare", "address")),
        (_service("Voedselbank De Schakel vzw"), ("voedselbank", "name")),
        (
            _service("Voedselbank de Schakel", street="Andere straat 1", postcode="8700"),
            ("voedselbank", "name"),
        ),
        # the same name in another town is another service
        (
            _service(
                "Voedselbank De Schakel", street="Kerkstraat 1", postcode="8900", city="Ieper"
            ),
            None,
        ),
        (
            _service("Budgetbegeleiding Veurne", street="Markt 2", postcode="8630", city="Veurne"),
            None,
        ),
        (_service("Kinderopvang Het Nestje"), None),
    ],
)
def test_match_service(scraped: dict[str, Any], expected: Match | tuple[str, str] | None) -> None:
    match = match_service(scraped, CATALOGUE)

    if expected is None or isinstance(expected, Match):
        assert match == expected
    else:
        assert match is not None and (match.service_id, match.method) == expected


def test_a_tie_between_equally_named_services_is_no_match() -> None:
    twins = [_service("Sociaal Huis", street="Markt 1"), _service("Sociaal Huis", street="Markt 2")]

    assert match_service(_service("Sociaal Huis"), twins) is None


def test_an_index_can_be_reused() -> None:
    index = ServiceIndex(CATALOGUE)

    assert index.match(_service("Leefloon", street="Welzijnsplein 3")) == match_service(
        _service("Leefloon", street="Welzijnsplein 3"), CATALOGUE
    )
    assert index.get("voedselbank") is CATALOGUE[-1]


def test_diff_lists_changed_fields_in_order() -> None:
    existing = _service(
        "Leefloon",
        street="Welzijnsplein 3",
        phones=("051 00 01 30",),
        description="Minimuminkomen.",
        email="Sociaal@Gemeente.be",
        url="https://gemeente.be/leefloon/",
    )
    scraped = _service(
        "Leefloon",
        street="Welzijnsplein 3 bus 1",
        phones=("+32 51 00 01 30", "051 00 01 39"),
        description="  Minimuminkomen. ",
        email="sociaal@gemeente.be",
        url="https://GEMEENTE.be/leefloon",
    )

    assert diff_service(existing, scraped) == [
        FieldChange("phones", ["051 00 01 30"], ["+32 51 00 01 30", "051 00 01 39"]),
        FieldChange(
            "addresses",
            ["Welzijnsplein 3, 8800 Roeselare"],
            ["Welzijnsplein 3 bus 1, 8800 Roeselare"],
        ),
    ]


def test_what_the_page_no_longer_shows_is_not_proposed_for_removal() -> None:
    existing = _service(
        "Huurpremie", street="Welzijnsplein 3", phones=("051 00 01 20",), email="a@b.be"
    )
    existing["schedules"] = [{"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00"}]
    scraped = _service("Huurpremie")

    assert diff_service(existing, scraped) == []


def test_phone_numbers_compare_by_their_normalised_form() -> None:
    existing = _service("X", phones=("051/00.01.20",))
    scraped = _service("X", phones=("+32 (0)51 00 01 20",))

    assert diff_service(existing, scraped) == []


def test_schedules_compare_by_slot_not_by_wording() -> None:
    slot = {"freq": "WEEKLY", "byday": "MO,TU", "opens_at": "09:00", "closes_at": "12:00"}
    existing = _service("X", schedules=[{"id": "1", "description": "ma en di 9-12 u", **slot}])
    same = _service(
        "X", schedules=[{"id": "2", "description": "maandag, dinsdag 9 tot 12", **slot}]
    )
    later = _service("X", schedules=[{**slot, "closes_at": "12:30", "service_id": "s"}])

    assert diff_service(existing, same) == []
    [change] = diff_service(existing, later)
    assert change.field == "schedules"
    assert change.new == [{**slot, "closes_at": "12:30"}]  # ids stripped, ready to store


def _domains(*codes: str) -> list[dict[str, Any]]:
    return [{"taxonomy_term": {"code": c, "taxonomy": "levensdomein"}} for c in codes]


def test_life_domains_and_areas_are_only_added_to() -> None:
    existing = _service(
        "X", attributes=_domains("financien", "wonen"), service_areas=[{"name": "Ieper"}]
    )
    narrower = _service("X", attributes=_domains("financien"), service_areas=[{"name": "Ieper"}])
    wider = _service(
        "X", attributes=_domains("financien", "administratie"), service_areas=[{"name": "Mesen"}]
    )

    assert diff_service(existing, narrower) == []
    assert diff_service(existing, wider) == [
        FieldChange(
            "life_domains", ["financien", "wonen"], ["administratie", "financien", "wonen"]
        ),
        FieldChange("service_areas", ["Ieper"], ["Ieper", "Mesen"]),
    ]


def test_status_is_only_proposed_when_the_source_says_inactive() -> None:
    inactive = _service("X", status="inactive")
    active = _service("X", status="active")

    assert diff_service(inactive, active) == []
    assert diff_service(active, inactive) == [FieldChange("status", "active", "inactive")]


def test_diff_can_skip_fields() -> None:
    existing = _service("X", description="Door onderzoekers geschreven samenvatting.")
    scraped = _service("X", description="Letterlijke tekst van de website.")

    assert [c.field for c in diff_service(existing, scraped)] == ["description"]
    assert diff_service(existing, scraped, fields=("name", "phones")) == []


@pytest.mark.parametrize(
    ("scraped", "status", "fields"),
    [
        (_service("Kinderopvang Het Nestje"), "new", []),
        (_service("Leefloon", street="Welzijnsplein 3"), "unchanged", []),
        (
            _service("Leefloon", street="Welzijnsplein 3", phones=("051 00 01 30",)),
            "changed",
            ["phones"],
        ),
    ],
)
def test_compare_service(scraped: dict[str, Any], status: str, fields: list[str]) -> None:
    comparison = compare_service(scraped, CATALOGUE)

    assert comparison.status == status
    assert [c.field for c in comparison.changes] == fields
    assert (comparison.match is None) == (status == "new")


def test_a_town_office_with_new_hours_is_an_address_change() -> None:
    """Phones and hours given per location travel with the locations (service_at_locations)."""

    def caw(closes: str) -> dict[str, Any]:
        service = _service("Onthaal", street="Hulpstraat 4")
        link = service["service_at_locations"][0]
        link["phones"] = [{"number": "051 00 04 10"}]
        link["schedules"] = [
            {"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": closes}
        ]
        return service

    assert diff_service(caw("12:00"), caw("12:00")) == []
    assert diff_service(caw("12:00"), caw("12:30")) == [
        FieldChange(
            "addresses",
            ["Hulpstraat 4, 8800 Roeselare · 051 00 04 10 · MO 09:00-12:00"],
            ["Hulpstraat 4, 8800 Roeselare · 051 00 04 10 · MO 09:00-12:30"],
        )
    ]
