"""Integrity rules found in review: shared records, ids owned elsewhere, nesting, editors, links."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from directory.catalogue import upsert_service
from directory.changes import (
    ChangeError,
    Proposal,
    accept_change,
    edit_field,
    pending_changes,
    propose,
)
from directory.gazetteer import Gazetteer
from directory.hsds import service_to_hsds
from directory.importer import ImportFileError, import_path
from directory.models import Organization, Service
from tests.conftest import HSDS_EXAMPLES, STARTER_CATALOGUE, load_json

NEW_ID = "7d0f5e2a-1b3c-4d5e-8f90-123456789abc"


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def two_services_of_one_organization() -> tuple[dict, dict]:
    services = load_json(STARTER_CATALOGUE)
    by_org: dict[str, list[dict]] = {}
    for service in services:
        by_org.setdefault(service["organization"]["id"], []).append(service)
    pair = next(
        group
        for group in by_org.values()
        if len(group) >= 2 and group[0]["organization"].get("website")
    )
    return pair[0], pair[1]


def test_a_thin_organization_never_blanks_a_shared_one(
    session: Session, gazetteer: Gazetteer
) -> None:
    first, second = two_services_of_one_organization()
    upsert_service(session, first, source="t", gazetteer=gazetteer)
    upsert_service(session, second, source="t", gazetteer=gazetteer)
    thin = copy.deepcopy(second)
    thin["organization"] = {
        "id": first["organization"]["id"],
        "name": first["organization"]["name"],
        "description": "Nieuwe omschrijving",
    }
    thin["description"] = "Andere tekst"
    result = upsert_service(session, thin, source="t", gazetteer=gazetteer)
    organization = session.get(Organization, first["organization"]["id"])
    assert organization.website == first["organization"]["website"]  # kept, not blanked
    assert organization.description == "Nieuwe omschrijving"
    assert first["id"] in result.also_changed  # its document changed: it must be reindexed
    exported = service_to_hsds(session, session.get(Service, first["id"]))
    assert exported["organization"]["website"] == first["organization"]["website"]


def test_a_record_cannot_take_a_row_another_service_owns(
    session: Session, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    services = [s for s in load_json(STARTER_CATALOGUE) if s["phones"]][:2]
    import_path(session, write_json(tmp_path / "a.json", services[:1]), gazetteer=gazetteer)
    thief = copy.deepcopy(services[1])
    thief["phones"] = copy.deepcopy(services[0]["phones"])
    report = import_path(session, write_json(tmp_path / "b.json", [thief]), gazetteer=gazetteer)
    assert report.records[0].outcome == "rejected"
    assert "already belongs to another record" in report.records[0].reasons[0]
    owner = service_to_hsds(session, session.get(Service, services[0]["id"]))
    assert [p["id"] for p in owner["phones"]] == [p["id"] for p in services[0]["phones"]]


def test_where_a_phone_is_nested_decides_its_parent(session: Session, gazetteer: Gazetteer) -> None:
    service = copy.deepcopy(
        next(s for s in load_json(STARTER_CATALOGUE) if s["phones"] and s["service_at_locations"])
    )
    location_id = service["service_at_locations"][0]["location"]["id"]
    service["phones"][0]["location_id"] = location_id  # HSDS allows it; feeds often fill it
    upsert_service(session, service, source="t", gazetteer=gazetteer)
    stored = service_to_hsds(session, session.get(Service, service["id"]))
    assert [p["id"] for p in stored["phones"]] == [p["id"] for p in service["phones"]]
    service["name"] = "Nieuwe naam"
    assert upsert_service(session, service, source="t", gazetteer=gazetteer).outcome == "updated"


def test_an_import_never_reverts_an_editor_correction(
    session: Session, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    service = next(s for s in load_json(STARTER_CATALOGUE) if s.get("email"))
    path = write_json(tmp_path / "feed.json", [service])
    import_path(session, path, gazetteer=gazetteer)
    edit_field(
        session, service["id"], "email", "juist@example.be", actor="editor", gazetteer=gazetteer
    )
    report = import_path(session, path, gazetteer=gazetteer)
    assert any("email: kept the value an editor set" in r for r in report.records[0].reasons)
    assert session.get(Service, service["id"]).email == "juist@example.be"
    [proposal] = pending_changes(session)
    assert (proposal.field_name, proposal.new_value) == ("email", service["email"])
    again = import_path(session, path, gazetteer=gazetteer)
    assert len(pending_changes(session)) == 1 and again.records[0].outcome != "rejected"


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<b>x</b>", "geen url"])
def test_links_must_be_http(
    session: Session, gazetteer: Gazetteer, tmp_path: Path, link: str
) -> None:
    service = copy.deepcopy(load_json(STARTER_CATALOGUE)[0])
    service["url"] = link
    report = import_path(session, write_json(tmp_path / "x.json", [service]), gazetteer=gazetteer)
    assert report.records[0].outcome == "rejected"
    assert "is not an http(s) link" in report.records[0].reasons[0]


def test_impossible_coordinates_are_reported_and_ignored(
    session: Session, gazetteer: Gazetteer
) -> None:
    report = import_path(session, HSDS_EXAMPLES / "service_full.json", gazetteer=gazetteer)
    assert report.records[0].outcome == "created"
    assert any("are impossible" in reason for reason in report.records[0].reasons)


def test_accepting_an_organization_change_without_one_is_a_clear_error(
    session: Session, gazetteer: Gazetteer
) -> None:
    service = copy.deepcopy(load_json(STARTER_CATALOGUE)[0])
    upsert_service(session, service, source="t", gazetteer=gazetteer)
    [change] = propose(
        session,
        service_id=service["id"],
        proposals=[Proposal("organization.name", None, "X")],
        scraped={"id": service["id"], "organization": {"name": "X"}},
        source="scraper:t",
        source_url=None,
    )
    session.get(Service, service["id"]).organization_id = None
    with pytest.raises(ChangeError):
        accept_change(session, change.id, actor="r", gazetteer=gazetteer)


def test_a_legacy_taxonomy_row_without_id_is_refused(
    session: Session, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    folder = tmp_path / "v1"
    folder.mkdir()
    for path in (HSDS_EXAMPLES / "v1").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "taxonomy.csv").write_text("id,name,vocabulary\n,Schulden,levensdomein\n")
    with pytest.raises(ImportFileError, match="taxonomy.csv row 2: a taxonomy term without an id"):
        import_path(session, folder, gazetteer=gazetteer)
