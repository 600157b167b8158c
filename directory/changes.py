"""Proposed changes: what scrapers found, kept for review instead of written over the catalogue.

A field an editor set by hand is never changed without review; every accepted change records
where it came from, per field. Field names are those of the review screen ("phones",
"organization.name", "life_domains"...), not HSDS paths, because a reviewer decides per topic.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory import models as m
from directory.catalogue import UpsertResult, audit, content_hash, upsert_service
from directory.gazetteer import Gazetteer
from directory.hsds import service_to_hsds
from directory.validation import service_problems

EDITOR = "editor"
SCALAR_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "application_process",
    "fees_description",
    "eligibility_description",
    "status",
)
REVIEWABLE_FIELDS = (
    *SCALAR_FIELDS,
    "organization.name",
    "organization.website",
    "phones",
    "addresses",
    "schedules",
    "life_domains",
    "service_areas",
)


class ChangeError(ValueError):
    """A change cannot be applied (unknown id, already decided, unknown field)."""


@dataclass(frozen=True)
class Proposal:
    """One field a scrape would change, with the values a reviewer compares."""

    field: str
    old: Any
    new: Any


def _attributes_for(document: dict, codes: set[str]) -> list[dict]:
    return [
        a
        for a in document.get("attributes") or []
        if (a.get("taxonomy_term") or {}).get("taxonomy") == "levensdomein"
        and (a.get("taxonomy_term") or {}).get("code") in codes
    ]


def apply_field(document: dict, field: str, scraped: dict) -> dict:
    """A copy of ``document`` with one reviewable field taken from the scraped document."""
    if field not in REVIEWABLE_FIELDS:
        raise ChangeError(f"unknown field {field!r}")
    result = copy.deepcopy(document)
    if field in SCALAR_FIELDS:
        result[field] = scraped.get(field)
    elif field.startswith("organization."):
        key = field.split(".", 1)[1]
        organization = result.get("organization")
        if not isinstance(organization, dict) or "id" not in organization:
            organization = copy.deepcopy(scraped.get("organization") or {})
            if "id" not in organization:
                raise ChangeError("the service has no organization to change")
            result["organization"] = organization
            result["organization_id"] = organization["id"]
        organization[key] = (scraped.get("organization") or {}).get(key)
    elif field in ("phones", "schedules"):
        result[field] = [
            {**item, "service_id": result["id"]} for item in copy.deepcopy(scraped.get(field) or [])
        ]
    elif field == "addresses":
        links = copy.deepcopy(scraped.get("service_at_locations") or [])
        for link in links:
            link["service_id"] = result["id"]
        result["service_at_locations"] = links
    elif field == "life_domains":
        have = {
            (a.get("taxonomy_term") or {}).get("code")
            for a in result.get("attributes") or []
            if (a.get("taxonomy_term") or {}).get("taxonomy") == "levensdomein"
        }
        wanted = {
            (a.get("taxonomy_term") or {}).get("code")
            for a in scraped.get("attributes") or []
            if (a.get("taxonomy_term") or {}).get("taxonomy") == "levensdomein"
        }
        for attribute in _attributes_for(scraped, wanted - have):
            result.setdefault("attributes", []).append({**attribute, "link_id": result["id"]})
    elif field == "service_areas":
        names = {(a.get("name") or "").casefold() for a in result.get("service_areas") or []}
        for area in scraped.get("service_areas") or []:
            if (area.get("name") or "").casefold() not in names:
                result.setdefault("service_areas", []).append({**area, "service_id": result["id"]})
    return result


def field_value(document: dict, field: str) -> Any:
    """The value a reviewer sees for one reviewable field of a document."""
    if field.startswith("organization."):
        return (document.get("organization") or {}).get(field.split(".", 1)[1])
    if field == "addresses":
        return document.get("service_at_locations") or []
    if field == "life_domains":
        return sorted(
            (a.get("taxonomy_term") or {}).get("code")
            for a in document.get("attributes") or []
            if (a.get("taxonomy_term") or {}).get("taxonomy") == "levensdomein"
        )
    return document.get(field)


def protect_editor_fields(
    session: Session, document: dict, *, source: str, source_url: str | None = None
) -> tuple[dict, list[str]]:
    """Keep an editor's hand-set values in an incoming document; propose the incoming ones.

    Returns the document to write and one message per field kept, so an import or a trusted
    scrape never silently reverts a correction made by phone.
    """
    service = session.get(m.Service, document.get("id"))
    if service is None or service.content_hash == content_hash(document):
        return document, []  # new, or exactly what was last written: nothing to protect
    protected = editor_fields(session, service.id) & set(REVIEWABLE_FIELDS)
    if not protected:
        return document, []
    current = service_to_hsds(session, service)
    messages = []
    for field in sorted(protected):
        if field_value(document, field) == field_value(current, field):
            continue
        propose(
            session,
            service_id=service.id,
            proposals=[Proposal(field, field_value(current, field), field_value(document, field))],
            scraped=copy.deepcopy(document),
            source=source,
            source_url=source_url,
        )
        document = apply_field(document, field, current)
        messages.append(f"{field}: kept the value an editor set; the new value awaits review")
    return document, messages


def editor_fields(session: Session, service_id: str) -> set[str]:
    """Fields of a service that an editor set by hand (protected from automatic changes)."""
    rows = session.scalars(
        select(m.Provenance.field_name).where(
            m.Provenance.record_type == "service",
            m.Provenance.record_id == service_id,
            m.Provenance.source == EDITOR,
        )
    )
    return set(rows)


def _field_provenance(
    session: Session,
    service_id: str,
    field: str,
    *,
    source: str,
    source_url: str | None,
    actor: str,
) -> None:
    row = session.scalars(
        select(m.Provenance).where(
            m.Provenance.record_type == "service",
            m.Provenance.record_id == service_id,
            m.Provenance.field_name == field,
        )
    ).first()
    if row is None:
        row = m.Provenance(record_type="service", record_id=service_id, field_name=field)
        session.add(row)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    row.source = source
    row.source_url = source_url
    row.retrieved_at = now
    row.verified_at = now if source == EDITOR else None
    row.verified_by = actor
    row.details = {}


def edit_field(
    session: Session,
    service_id: str,
    field: str,
    value: Any,
    *,
    actor: str,
    gazetteer: Gazetteer,
) -> UpsertResult:
    """An editor's correction (say, a phone number confirmed by phone): applied and protected."""
    service = session.get(m.Service, service_id)
    if service is None:
        raise ChangeError(f"no service {service_id}")
    document = service_to_hsds(session, service)
    scraped = {"id": service_id, "organization": {}}
    if field.startswith("organization."):
        scraped["organization"][field.split(".", 1)[1]] = value
    else:
        scraped[field] = value
    updated = apply_field(document, field, scraped)
    result = upsert_service(
        session, updated, source=EDITOR, gazetteer=gazetteer, keep_record_source=True
    )
    _field_provenance(session, service_id, field, source=EDITOR, source_url=None, actor=actor)
    audit(session, actor, "edit", "service", service_id, f"{field} set by hand")
    return result


def propose(
    session: Session,
    *,
    service_id: str,
    proposals: list[Proposal],
    scraped: dict,
    source: str,
    source_url: str | None,
) -> list[m.ProposedChange]:
    """Store proposals, skipping ones already pending with the same new value."""
    stored = []
    for proposal in proposals:
        duplicate = session.scalars(
            select(m.ProposedChange).where(
                m.ProposedChange.record_id == service_id,
                m.ProposedChange.field_name == proposal.field,
                m.ProposedChange.status == "pending",
                m.ProposedChange.source == source,
            )
        ).first()
        if duplicate is not None and duplicate.new_value == proposal.new:
            continue
        if duplicate is not None:  # a newer scrape supersedes the older pending value
            duplicate.status = "superseded"
        change = m.ProposedChange(
            record_type="service",
            record_id=service_id,
            field_name=proposal.field,
            old_value=proposal.old,
            new_value=proposal.new,
            source=source,
            source_url=source_url,
            proposal=scraped,
            found_at=datetime.now(UTC),
            status="pending",
        )
        session.add(change)
        stored.append(change)
    session.flush()
    return stored


def pending_changes(session: Session) -> list[m.ProposedChange]:
    """Changes waiting for review, oldest first."""
    query = select(m.ProposedChange).where(m.ProposedChange.status == "pending")
    return list(session.scalars(query.order_by(m.ProposedChange.id)))


def _pending(session: Session, change_id: int) -> m.ProposedChange:
    change = session.get(m.ProposedChange, change_id)
    if change is None:
        raise ChangeError(f"no proposed change {change_id}")
    if change.status != "pending":
        raise ChangeError(f"change {change_id} is already {change.status}")
    return change


def accept_change(
    session: Session, change_id: int, *, actor: str, gazetteer: Gazetteer
) -> m.ProposedChange:
    """Apply a proposed change, with its provenance recorded on the field it changed."""
    change = _pending(session, change_id)
    scraped = change.proposal or {}
    if change.field_name == "*":
        document = scraped
    else:
        service = session.get(m.Service, change.record_id)
        if service is None:
            raise ChangeError(f"service {change.record_id} no longer exists")
        document = apply_field(service_to_hsds(session, service), change.field_name, scraped)
    problems = service_problems(document, gazetteer.postcode_exists)
    if problems:
        raise ChangeError(f"change {change_id} would make the service invalid: {problems[0]}")
    try:
        with session.begin_nested():
            upsert_service(
                session,
                document,
                source=change.source,
                gazetteer=gazetteer,
                keep_record_source=change.field_name != "*",
            )
    except (ValueError, KeyError) as exc:
        raise ChangeError(f"change {change_id} cannot be applied: {exc}") from exc
    if change.field_name != "*":
        _field_provenance(
            session,
            change.record_id,
            change.field_name,
            source=change.source,
            source_url=change.source_url,
            actor=actor,
        )
    change.status = "accepted"
    change.decided_at = datetime.now(UTC)
    change.decided_by = actor
    audit(session, actor, "accept", "service", change.record_id, f"change {change.id}")
    return change


def reject_change(session: Session, change_id: int, *, actor: str) -> m.ProposedChange:
    """Refuse a proposed change; it stays on record as rejected."""
    change = _pending(session, change_id)
    change.status = "rejected"
    change.decided_at = datetime.now(UTC)
    change.decided_by = actor
    audit(session, actor, "reject", "service", change.record_id, f"change {change.id}")
    return change
