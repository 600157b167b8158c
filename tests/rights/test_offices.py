"""Where to apply: matching office kinds against real catalogue services of one town."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rights import RuleBook, match_offices

CATALOGUE = Path(__file__).resolve().parents[2] / "data" / "catalogue" / "catalogue.hsds.json"


def services_in(town: str) -> list[dict[str, Any]]:
    """Services whose service area or address city is `town` (what the web layer passes in)."""
    services = json.loads(CATALOGUE.read_text(encoding="utf-8"))

    def places(service: dict[str, Any]) -> set[str]:
        areas = {area["name"] for area in service.get("service_areas") or []}
        cities = {
            address.get("city")
            for at in service.get("service_at_locations") or []
            for address in (at.get("location") or {}).get("addresses") or []
        }
        return areas | cities

    return [service for service in services if town in places(service)]


@pytest.fixture(scope="module")
def roeselare() -> list[dict[str, Any]]:
    return services_in("Roeselare")


def test_ocmw_of_roeselare_is_the_welzijnshuis(
    book: RuleBook, roeselare: list[dict[str, Any]]
) -> None:
    matches = match_offices(["ocmw"], roeselare, rulebook=book)
    assert matches, "no OCMW found"
    assert all("Welzijnshuis Roeselare" in (m.organization_name or "") for m in matches)
    assert matches[0].service_name == "Welzijnshuis Roeselare – onthaal en sociale dienstverlening"
    assert {m.office_kind for m in matches} == {"ocmw"}
    welzijnshuis = {
        s["id"] for s in roeselare if "Welzijnshuis Roeselare" in s["organization"]["name"]
    }
    assert {m.service_id for m in matches} == welzijnshuis


def test_keywords_put_the_service_about_the_entitlement_first(
    book: RuleBook, roeselare: list[dict[str, Any]]
) -> None:
    matches = match_offices(["ocmw"], roeselare, keywords=["leefloon"], rulebook=book)
    assert matches[0].service_name == "Leefloon – Welzijnshuis Roeselare"
    budget = match_offices(["ocmw"], roeselare, keywords=["schuld", "budget"], rulebook=book)
    assert budget[0].service_name == "Budget- en schuldhulp – Welzijnshuis Roeselare"


@pytest.mark.parametrize(
    ("kind", "expected_name"),
    [
        ("ziekenfonds", "Ziekenfonds CM – gebouw Beversesteenweg (Roeselare)"),
        ("vdab", "VDAB – begeleiding en opleiding van werkzoekenden (Roeselare)"),
        ("woonmaatschappij", "Sociale huurwoning – De Mandel"),
        ("sociaal_verhuurkantoor", "Sociaal Verhuurkantoor (SVK) Regio Roeselare"),
        ("woonloket", "Woonloket – Woondienst regio Roeselare"),
        ("uitpas", "Vrijetijdspas Roeselare"),
        ("kind_en_gezin", "Huis van het Kind Roeselare"),
    ],
)
def test_office_kind_finds_the_local_service(
    book: RuleBook, roeselare: list[dict[str, Any]], kind: str, expected_name: str
) -> None:
    assert expected_name in [
        m.service_name for m in match_offices([kind], roeselare, rulebook=book)
    ]


def test_online_only_office_kinds_match_nothing(
    book: RuleBook, roeselare: list[dict[str, Any]]
) -> None:
    assert match_offices(["energieleverancier", "studietoelagen"], roeselare, rulebook=book) == []


def service(name: str, organization: str = "Iets", **extra: Any) -> dict[str, Any]:
    return {
        "id": name.lower().replace(" ", "-"),
        "name": name,
        "organization": {"name": organization},
        **extra,
    }


@pytest.mark.parametrize(
    ("services", "kinds", "expected"),
    [
        ([service("Sociaal Huis Moorslede")], ["ocmw"], ["sociaal-huis-moorslede"]),
        ([service("Onthaal", "OCMW Wervik – sociale dienst")], ["ocmw"], ["onthaal"]),
        ([service("Cawdor bakkerij")], ["caw"], []),  # whole words only
        ([service("Hulp CAW", status="inactive")], ["caw"], []),  # inactive services are skipped
        (
            [service("Onthaal", "OCMW X"), service("OCMW X loket")],
            ["ocmw"],
            ["ocmw-x-loket", "onthaal"],
        ),
        ([service("CM loket")], ["ocmw", "ziekenfonds"], ["cm-loket"]),
        ([service("Loket")], ["onbestaande_soort"], []),
    ],
)
def test_match_offices_table(
    book: RuleBook, services: list[dict[str, Any]], kinds: list[str], expected: list[str]
) -> None:
    assert [m.service_id for m in match_offices(kinds, services, rulebook=book)] == expected


def test_a_service_matching_two_kinds_appears_once_under_the_first(book: RuleBook) -> None:
    both = [service("Sociaal Huis en ziekenfonds")]
    (match,) = match_offices(["ziekenfonds", "ocmw"], both, rulebook=book)
    assert match.office_kind == "ziekenfonds"
