"""Fixtures for search tests: a factory of HSDS full service dicts and a small real index."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer import SearchIndex
from tests.conftest import STARTER_CATALOGUE

# Real coordinates of a few West-Flemish towns (the gazetteer resolves their names).
POINTS = {
    "Roeselare": (50.9466, 3.1229),
    "Izegem": (50.9150, 3.2136),
    "Tielt": (50.9990, 3.3265),
    "Meulebeke": (50.9513, 3.2877),
    "Ieper": (50.8509, 2.8851),
    "Kemmel": (50.7833, 2.8286),
    "Poperinge": (50.8550, 2.7260),
    "Brugge": (51.2089, 3.2242),
    "Hasselt": (50.9307, 5.3378),
}
WEEKDAYS = {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "09:00", "closes_at": "17:00"}


def service(
    name: str,
    description: str = "",
    *,
    domains: tuple[str, ...] = ("financien",),
    groups: tuple[str, ...] = (),
    city: str | None = "Roeselare",
    postcode: str | None = None,
    areas: tuple[str, ...] = (),
    status: str = "active",
    organization: str = "OCMW Roeselare",
    min_age: int | None = None,
    max_age: int | None = None,
    fees: str | None = None,
    languages: tuple[str, ...] = (),
    schedules: tuple[dict, ...] = (),
    coordinates: bool = True,
    **extra: object,
) -> dict:
    """An HSDS 3.0 full service dict with just the parts the indexer reads."""
    sid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"test/{name}"))
    org_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"org/{organization}"))
    locations = []
    if city is not None:
        lat, lon = POINTS.get(city, (None, None)) if coordinates else (None, None)
        locations.append(
            {
                "id": f"loc-{sid}",
                "location": {
                    "id": f"loc-{sid}",
                    "location_type": "physical",
                    "name": name,
                    "latitude": lat,
                    "longitude": lon,
                    "addresses": [
                        {
                            "address_1": "Straat 1",
                            "city": city,
                            "postal_code": postcode,
                            "country": "BE",
                            "address_type": "physical",
                        }
                    ],
                },
            }
        )
    attributes = [
        {"taxonomy_term": {"code": code, "taxonomy": "levensdomein"}} for code in domains
    ] + [{"taxonomy_term": {"code": code, "taxonomy": "doelgroep"}} for code in groups]
    record: dict = {
        "id": sid,
        "name": name,
        "description": description or f"{name}.",
        "status": status,
        "organization_id": org_id,
        "organization": {"id": org_id, "name": organization},
        "service_areas": [{"name": area} for area in areas],
        "service_at_locations": locations,
        "attributes": attributes,
        "languages": [{"code": code} for code in languages],
        "schedules": list(schedules),
    }
    if min_age is not None:
        record["minimum_age"] = min_age
    if max_age is not None:
        record["maximum_age"] = max_age
    if fees is not None:
        record["fees_description"] = fees
    return record | extra


CATALOGUE = [
    service(
        "Schuldhulpverlening Roeselare",
        "Wie zijn rekeningen niet meer kan betalen, krijgt hier hulp: een afbetalingsplan en "
        "onderhandelen met schuldeisers.",
        fees="Gratis.",
        schedules=(WEEKDAYS,),
    ),
    service(
        "Sociale dienst Izegem",
        "Bemiddeling bij schulden en hulp bij het aanvragen van een leefloon.",
        city="Izegem",
        organization="OCMW Izegem",
        fees="Gratis voor inwoners.",
    ),
    service(
        "Nachtopvang De Haven",
        "Een bed, een douche en een warme maaltijd voor wie op straat staat.",
        domains=("wonen",),
        groups=("thuislozen",),
        organization="CAW Midwest",
        areas=("Roeselare", "Izegem"),
        languages=("nl", "fr", "en"),
    ),
    service(
        "Crèche Het Bolleke",
        "Kinderopvang voor baby's en peuters tot drie jaar.",
        domains=("gezin-opvoeding",),
        groups=("gezinnen",),
        city="Izegem",
        organization="Kinderopvang Midwest",
        min_age=0,
        max_age=3,
        fees="Inkomensgerelateerd tarief.",
    ),
    service(
        "Middelengebruik jongeren",
        "Preventie en begeleiding bij middelengebruik voor jongeren.",
        domains=("verslaving",),
        groups=("jongeren",),
        city="Tielt",
        organization="CGG Tielt",
        min_age=14,
        max_age=25,
    ),
    service(
        "Budgetbegeleiding Meulebeke",
        "Financiën op orde: budgetbeheer en begeleiding.",
        city="Meulebeke",
        organization="OCMW Tielt",
    ),
    service(
        "Regionale juridische bijstand",
        "Pro-deo advocaat via het Bureau voor Juridische Tweedelijnsbijstand.",
        domains=("justitie",),
        city="Brugge",
        areas=("Midwest",),
        organization="Orde van Advocaten",
    ),
    service(
        "Voedselbank Roeselare (gesloten)",
        "Voedselpakketten.",
        domains=("materiele-hulp",),
        status="inactive",
    ),
    service(
        "Voedselbedeling Oud",
        "Voedselpakketten.",
        domains=("materiele-hulp",),
        status="defunct",
    ),
    service(
        "Psycholoog Heuvelland",
        "Psychologische hulp voor jongeren en volwassenen.",
        domains=("psychisch-welzijn",),
        city="Kemmel",
        postcode="8956",
        organization="CGG Westhoek",
    ),
]


def by_name(name: str) -> dict:
    return next(s for s in CATALOGUE if s["name"] == name)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """The small catalogue indexed once per test module (read-only tests)."""
    index = SearchIndex.open_or_create(tmp_path_factory.mktemp("index"))
    index.rebuild(CATALOGUE)
    yield index
    index.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[SearchIndex]:
    """A writable index of the small catalogue, per test."""
    index = SearchIndex.open_or_create(tmp_path / "index")
    index.rebuild(CATALOGUE)
    yield index
    index.close()


@pytest.fixture(scope="session")
def starter_services() -> list[dict]:
    """The bundled starter catalogue (data/catalogue/catalogue.hsds.json), 186 services."""
    return json.loads(STARTER_CATALOGUE.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def starter(
    tmp_path_factory: pytest.TempPathFactory, starter_services: list[dict]
) -> Iterator[SearchIndex]:
    """The starter catalogue indexed once per session (read-only tests)."""
    index = SearchIndex.open_or_create(tmp_path_factory.mktemp("starter"))
    index.rebuild(starter_services)
    yield index
    index.close()
