"""Catalogue use-cases: upsert a service with its provenance, read services, record who did what.

Callers own the session and the transaction; these functions never commit, so an import can put each
record in its own savepoint and a web edit can commit once.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from directory import models as m
from directory.gazetteer import Gazetteer, Municipality
from directory.geo import AddressQuery, Geocoder, GeoPoint, OfflineGeocoder, check_given_point
from directory.hsds import service_to_hsds, services_sharing, write_service

SOURCE_KEY = "x-source"


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert did: "created", "updated" or "unchanged", and warnings worth a look."""

    service_id: str
    outcome: str
    warnings: tuple[str, ...] = ()
    # Other services whose documents changed through a shared organization or location.
    also_changed: tuple[str, ...] = ()


def get_service(session: Session, service_id: str) -> m.Service | None:
    """The service with this HSDS id, or None."""
    return session.get(m.Service, service_id)


def _resolve(gazetteer: Gazetteer, *texts: str | None) -> Municipality | None:
    for text in texts:
        if text:
            found = gazetteer.lookup(text)
            if found is not None:
                return found
    return None


def _place_locations(
    session: Session, document: dict, gazetteer: Gazetteer, geocoder: Geocoder
) -> list[str]:
    """Resolve towns of addresses and service areas; give every location a point we can map."""
    warnings = []
    for area in document.get("service_areas") or []:
        municipality = _resolve(gazetteer, area.get("name"))
        if municipality is None and not gazetteer.region_municipalities(area.get("name") or ""):
            warnings.append(
                f"service area {area.get('name')!r} is not a known municipality or region"
            )
        session.execute(
            update(m.ServiceArea)
            .where(m.ServiceArea.id == area["id"])
            .values(municipality_nis=municipality.nis if municipality else None)
        )
    for link in document.get("service_at_locations") or []:
        location = link.get("location")
        if not isinstance(location, dict):
            continue
        municipality = None
        point: GeoPoint | None = None
        for address in location.get("addresses") or []:
            found = _resolve(gazetteer, address.get("postal_code"), address.get("city"))
            found = _resolve(gazetteer, address.get("city")) or found
            session.execute(
                update(m.Address)
                .where(m.Address.id == address["id"])
                .values(municipality_nis=found.nis if found else None)
            )
            municipality = municipality or found
            if point is None:
                point = geocoder.geocode(
                    AddressQuery(
                        address.get("address_1"), address.get("postal_code"), address.get("city")
                    )
                )
        if point is None:
            # No usable address: a town named in the location's name ("Loket Ruiselede"), else
            # the service's only town. Still only as precise as a municipality.
            named = gazetteer.find_in_text(location.get("name") or "")[0]
            areas = [
                gazetteer.lookup(a.get("name") or "") for a in document.get("service_areas") or []
            ]
            municipality = municipality or named or (areas[0] if len(areas) == 1 else None)
            if municipality is not None:
                point = GeoPoint(municipality.lat, municipality.lon, "municipality")
        lat, lon = location.get("latitude"), location.get("longitude")
        given = isinstance(lat, int | float) and isinstance(lon, int | float)
        if given and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            warnings.append(f"location {location['id']}: coordinates {lat}, {lon} are impossible")
        elif given:
            centre = (municipality.lat, municipality.lon) if municipality else None
            point = check_given_point(float(lat), float(lon), centre)
            if point.precision == "suspect":
                warnings.append(
                    f"location {location['id']}: coordinates {lat}, {lon} lie far outside "
                    f"{municipality.name_nl if municipality else '?'}; using its centre"
                )
        session.execute(
            update(m.Location)
            .where(m.Location.id == location["id"])
            .values(
                geo_lat=point.lat if point else None,
                geo_lon=point.lon if point else None,
                geo_precision=point.precision if point else None,
            )
        )
    return warnings


def _record_source(session: Session, service_id: str, source: str, x_source: Any) -> None:
    """Keep the record's provenance: the x-source a file carried, else where we got it."""
    row = session.scalars(
        select(m.Provenance).where(
            m.Provenance.record_type == "service",
            m.Provenance.record_id == service_id,
            m.Provenance.field_name == "*",
        )
    ).first()
    if row is None:
        row = m.Provenance(record_type="service", record_id=service_id, field_name="*")
        session.add(row)
    row.source = source
    if isinstance(x_source, dict):
        row.source_url = x_source.get("url")
        row.source_date = str(x_source.get("source_date") or "") or None
        row.retrieved_at = str(x_source.get("retrieved") or "") or None
        row.details = {"x-source": x_source}
    else:
        row.details = {}


def upsert_service(
    session: Session,
    document: dict,
    *,
    source: str,
    gazetteer: Gazetteer,
    geocoder: Geocoder | None = None,
    keep_record_source: bool = False,
) -> UpsertResult:
    """Create or replace one service from a full HSDS document (already validated).

    Re-importing identical content is "unchanged" and leaves the version as it was.
    ``keep_record_source`` leaves the record's provenance alone: a one-field change records its
    own provenance on that field instead.
    """
    digest = content_hash(document)
    service_id = str(document["id"])
    existing = session.get(m.Service, service_id)
    if existing is not None and existing.content_hash == digest:
        return UpsertResult(service_id, "unchanged")
    document = copy.deepcopy(document)
    x_source = document.pop(SOURCE_KEY, None)
    before = service_to_hsds(session, existing) if existing is not None else None
    version = existing.version if existing is not None else 0
    changed_refs = write_service(session, document)
    warnings = _place_locations(
        session, document, gazetteer, geocoder or OfflineGeocoder(gazetteer)
    )
    if not keep_record_source:
        _record_source(session, service_id, source, x_source)
    session.flush()
    service = session.get(m.Service, service_id)
    if service is None:  # the write above always creates it; this guards the type only
        raise RuntimeError(f"service {service_id} vanished while being written")
    if before is None:
        outcome = "created"
    elif before == service_to_hsds(session, service):
        outcome = "unchanged"
    else:
        outcome = "updated"
    service.version = version + 1 if outcome != "unchanged" else version
    service.content_hash = digest
    others = services_sharing(session, changed_refs) - {service_id}
    return UpsertResult(service_id, outcome, tuple(warnings), tuple(sorted(others)))


def content_hash(document: dict) -> str:
    """A stable hash of a document as given (key order does not matter)."""
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def audit(
    session: Session,
    actor: str,
    action: str,
    record_type: str | None = None,
    record_id: str | None = None,
    summary: str | None = None,
) -> None:
    """Log who did what; no personal data about the people served ever goes here."""
    session.add(
        m.AuditEntry(
            at=datetime.now(UTC),
            actor=actor,
            action=action,
            record_type=record_type,
            record_id=record_id,
            summary=summary,
        )
    )


def service_provenance(session: Session, service_id: str) -> list[m.Provenance]:
    """Where a service and its fields came from, the record-level entry first."""
    rows = session.scalars(
        select(m.Provenance).where(
            m.Provenance.record_type == "service", m.Provenance.record_id == service_id
        )
    )
    return sorted(rows, key=lambda row: (row.field_name != "*", row.field_name))
