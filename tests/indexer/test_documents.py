"""From an HSDS full service dict to an index document: towns by NIS, flags, coordinates."""

from __future__ import annotations

import json

import pytest

from directory.gazetteer import Gazetteer
from indexer.documents import is_searchable, service_to_document
from tests.indexer.conftest import service

ROESELARE, IZEGEM, TIELT, HEUVELLAND, IEPER = "36015", "36008", "37022", "33039", "33011"


def document(gazetteer: Gazetteer, **kwargs: object) -> dict:
    return service_to_document(service("Dienst", **kwargs), gazetteer)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "towns", "located"),
    [
        ({"city": "Roeselare"}, [ROESELARE], [ROESELARE]),  # no areas: where it is located
        ({"city": "Roeselare", "areas": ("Izegem", "Roeselare")}, [IZEGEM, ROESELARE], [ROESELARE]),
        ({"city": "Meulebeke", "areas": ("Meulebeke",)}, [TIELT], [TIELT]),  # merged in 2025
        ({"city": "Kemmel", "postcode": "8956"}, [HEUVELLAND], [HEUVELLAND]),  # deelgemeente
        ({"city": None, "areas": ("Ieper",)}, [IEPER], []),
    ],
)
def test_towns_are_resolved_to_current_nis_codes(
    gazetteer: Gazetteer, kwargs: dict, towns: list[str], located: list[str]
) -> None:
    doc = document(gazetteer, **kwargs)
    assert doc["towns"].split(",") == towns
    assert (doc["located"].split(",") if doc["located"] else []) == located


def test_a_region_as_service_area_serves_all_its_towns(gazetteer: Gazetteer) -> None:
    towns = document(gazetteer, areas=("Midwest",))["towns"].split(",")
    assert {ROESELARE, IZEGEM, TIELT} <= set(towns) and IEPER not in towns
    assert len(towns) == sum(
        1 for m in gazetteer.municipalities() if m.reference_region == "Midwest"
    )


def test_unknown_area_name_is_logged_not_fatal(gazetteer: Gazetteer, caplog) -> None:
    doc = document(gazetteer, areas=("Nergenshuizen",))
    assert doc["towns"] == ROESELARE  # falls back to the location
    assert "Nergenshuizen" in caplog.text


@pytest.mark.parametrize(
    ("fees", "cost_options", "free"),
    [
        ("Gratis.", None, "t"),
        ("gratis voor inwoners", None, "t"),
        ("€ 5 per maand", None, "f"),
        (None, [{"amount": 0}], "t"),
        (None, [{"amount": 15}], "f"),
        (None, None, None),
    ],
)
def test_free_of_charge(gazetteer: Gazetteer, fees, cost_options, free) -> None:
    extra = {"cost_options": cost_options} if cost_options else {}
    doc = document(gazetteer, fees=fees, **extra)
    assert doc.get("free") is free


def test_fields(gazetteer: Gazetteer) -> None:
    doc = document(
        gazetteer,
        domains=("financien", "wonen"),
        groups=("jongeren",),
        min_age=16,
        languages=("nl", "FR"),
        alternate_name="Schuldendienst",
    )
    assert doc["domains"] == "financien,wonen" and doc["target_groups"] == "jongeren"
    assert doc["min_age"] == 16 and doc["max_age"] == 200
    assert doc["languages"] == "fr,nl"
    assert "Schuldendienst" in doc["name"]
    assert doc["geo"] == b"50946600,3122900"  # integer micro-degrees
    assert json.loads(doc["payload"])["municipalities"] == [ROESELARE]


def test_defaults_when_little_is_known(gazetteer: Gazetteer) -> None:
    doc = document(gazetteer, coordinates=False)
    assert doc["languages"] == "nl" and doc["min_age"] == 0 and doc["hours"] == ""
    # no coordinates in the record: the town's point from the gazetteer
    lat, lon = (int(v) / 1e6 for v in doc["geo"].decode().split(","))
    assert abs(lat - 50.95) < 0.05 and abs(lon - 3.13) < 0.05


def test_document_is_a_pure_function(gazetteer: Gazetteer) -> None:
    record = service("Dienst", areas=("Izegem",))
    assert service_to_document(record, gazetteer) == service_to_document(record, gazetteer)


@pytest.mark.parametrize(
    ("status", "searchable"),
    [("active", True), ("inactive", False), ("defunct", False), ("temporarily closed", True)],
)
def test_is_searchable(status: str, searchable: bool) -> None:
    assert is_searchable(service("Dienst", status=status)) is searchable
