"""Proposed changes: review before write, editor corrections protected, provenance per field."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.catalogue import upsert_service
from directory.changes import (
    ChangeError,
    Proposal,
    accept_change,
    apply_field,
    edit_field,
    editor_fields,
    pending_changes,
    propose,
    reject_change,
)
from directory.gazetteer import Gazetteer
from directory.hsds import service_to_hsds
from directory.models import AuditEntry, Provenance, Service
from tests.conftest import STARTER_CATALOGUE, load_json


@pytest.fixture
def service(session: Session, gazetteer: Gazetteer) -> dict:
    document = next(s for s in load_json(STARTER_CATALOGUE) if s["phones"])
    upsert_service(session, document, source="import:test", gazetteer=gazetteer)
    return document


def scraped_with_phone(service: dict, number: str) -> dict:
    scraped = copy.deepcopy(service)
    scraped["phones"] = [{"id": "5f0e6a3c-5a52-4c4e-9a57-35d1d1b9a001", "number": number}]
    return scraped


def test_apply_field_takes_only_that_field(service: dict) -> None:
    scraped = scraped_with_phone(service, "051 99 99 99")
    scraped["name"] = "Andere naam"
    updated = apply_field(service, "phones", scraped)
    assert [p["number"] for p in updated["phones"]] == ["051 99 99 99"]
    assert updated["name"] == service["name"]
    with pytest.raises(ChangeError, match="unknown field"):
        apply_field(service, "shoe_size", scraped)


def test_accepting_a_change_applies_it_with_field_provenance(
    session: Session, gazetteer: Gazetteer, service: dict
) -> None:
    scraped = scraped_with_phone(service, "051 99 99 99")
    [change] = propose(
        session,
        service_id=service["id"],
        proposals=[Proposal("phones", ["old"], ["051 99 99 99"])],
        scraped=scraped,
        source="scraper:test",
        source_url="http://127.0.0.1/page",
    )
    assert pending_changes(session) == [change]
    stored = service_to_hsds(session, session.get(Service, service["id"]))
    assert stored["phones"][0]["number"] != "051 99 99 99"  # nothing written before review
    accept_change(session, change.id, actor="reviewer@ocmw", gazetteer=gazetteer)
    stored = service_to_hsds(session, session.get(Service, service["id"]))
    assert [p["number"] for p in stored["phones"]] == ["051 99 99 99"]
    assert stored["x-source"] == service["x-source"]  # the record's own source is kept
    row = session.scalars(select(Provenance).where(Provenance.field_name == "phones")).one()
    assert (row.source, row.source_url, row.verified_by) == (
        "scraper:test",
        "http://127.0.0.1/page",
        "reviewer@ocmw",
    )
    assert change.status == "accepted" and pending_changes(session) == []
    with pytest.raises(ChangeError, match="already accepted"):
        reject_change(session, change.id, actor="x")


def test_rejecting_leaves_the_service_alone(
    session: Session, gazetteer: Gazetteer, service: dict
) -> None:
    before = service_to_hsds(session, session.get(Service, service["id"]))
    [change] = propose(
        session,
        service_id=service["id"],
        proposals=[Proposal("name", service["name"], "Verkeerde naam")],
        scraped={**service, "name": "Verkeerde naam"},
        source="scraper:test",
        source_url=None,
    )
    reject_change(session, change.id, actor="reviewer")
    assert service_to_hsds(session, session.get(Service, service["id"])) == before
    actions = {row.action for row in session.scalars(select(AuditEntry))}
    assert "reject" in actions


def test_the_same_proposal_is_not_stored_twice_and_a_newer_one_supersedes(
    session: Session, service: dict
) -> None:
    def once(number: str) -> list:
        return propose(
            session,
            service_id=service["id"],
            proposals=[Proposal("phones", [], [number])],
            scraped=scraped_with_phone(service, number),
            source="scraper:test",
            source_url=None,
        )

    first = once("051 11 11 11")
    assert once("051 11 11 11") == []
    second = once("051 22 22 22")
    assert first[0].status == "superseded" and pending_changes(session) == second


def test_an_editor_correction_is_protected(
    session: Session, gazetteer: Gazetteer, service: dict
) -> None:
    edit_field(
        session,
        service["id"],
        "phones",
        [{"id": "5f0e6a3c-5a52-4c4e-9a57-35d1d1b9a002", "number": "051 12 34 56"}],
        actor="editor@welzijnshuis",
        gazetteer=gazetteer,
    )
    assert "phones" in editor_fields(session, service["id"])
    stored = service_to_hsds(session, session.get(Service, service["id"]))
    assert [p["number"] for p in stored["phones"]] == ["051 12 34 56"]


def test_accepting_a_new_service(session: Session, gazetteer: Gazetteer) -> None:
    document = load_json(STARTER_CATALOGUE)[10]
    [change] = propose(
        session,
        service_id=document["id"],
        proposals=[Proposal("*", None, document["name"])],
        scraped=document,
        source="scraper:test",
        source_url=None,
    )
    assert session.get(Service, document["id"]) is None
    accept_change(session, change.id, actor="reviewer", gazetteer=gazetteer)
    assert session.get(Service, document["id"]).name == document["name"]
