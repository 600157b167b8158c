"""Read-side queries of the catalogue: filtered, paginated id lists and the HSDS API's shapes.

Pure SQLAlchemy over ``directory.models``; no flask. Results cross into web as frozen dataclasses
of ids and as plain HSDS dicts, never as ORM rows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from directory import models as m
from directory.geo import distance_km
from directory.hsds import entity_to_hsds, hsds_fields, services_to_hsds

KM_PER_DEGREE = 111.32  # along a meridian; longitude degrees shrink with cos(latitude)


@dataclass(frozen=True)
class IdPage:
    """The ids on one page, in order, and how many matched in all."""

    ids: tuple[str, ...]
    total: int


@dataclass(frozen=True)
class ServiceFilter:
    """What a service must match; empty fields do not filter."""

    search: str = ""
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: datetime | None = None  # timezone-aware


@dataclass(frozen=True)
class Coverage:
    """A postcode a service must serve: at an address there, or by a service area covering it."""

    postcode: str
    nis: str | None = None  # the postcode's municipality, when the gazetteer knows it


@dataclass(frozen=True)
class Near:
    """A circle a location's point must fall in."""

    lat: float
    lon: float
    km: float


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 date or date-time as an aware UTC datetime (naive means UTC).

    Raises ValueError for anything else, so callers can turn it into a clear message.
    """
    value = datetime.fromisoformat(text.strip())  # a bare date is the start of that day
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# ----------------------------------------------------------------------------------------- find


def find_services(
    session: Session, wanted: ServiceFilter, *, page: int = 1, per_page: int | None = None
) -> IdPage:
    """Services matching the filter, in id order; ``per_page=None`` returns them all."""
    query = select(m.Service.id).where(*_service_conditions(wanted)).order_by(m.Service.id)
    if wanted.modified_after is None:
        return _sql_page(session, query, page, per_page)
    query = query.add_columns(m.Service.last_modified).where(
        _modified_prefilter(wanted.modified_after)
    )
    ids = [
        service_id
        for service_id, stamp in session.execute(query)
        if _on_or_after(stamp, wanted.modified_after)
    ]
    return _slice(ids, page, per_page)


def find_service_at_locations(
    session: Session,
    wanted: ServiceFilter,
    *,
    coverage: Coverage | None = None,
    near: Near | None = None,
    page: int = 1,
    per_page: int | None = None,
) -> IdPage:
    """Service-at-locations whose service matches; nearest first when ``near`` is given.

    ``near`` replaces the postcode match: the HSDS API measures proximity from the postcode.
    """
    sal = m.ServiceAtLocation
    query = (
        select(sal.id)
        .join(m.Service, m.Service.id == sal.service_id)
        .where(*_service_conditions(wanted))
        .order_by(sal.id)
    )
    if coverage is not None and near is None:
        query = query.where(_covers(coverage))
    if near is None and wanted.modified_after is None:
        return _sql_page(session, query, page, per_page)

    lat = func.coalesce(m.Location.geo_lat, m.Location.latitude)
    lon = func.coalesce(m.Location.geo_lon, m.Location.longitude)
    query = query.outerjoin(m.Location, m.Location.id == sal.location_id).add_columns(
        m.Service.last_modified, lat, lon
    )
    if wanted.modified_after is not None:
        query = query.where(_modified_prefilter(wanted.modified_after))
    if near is not None:
        # A cheap box in SQL, then the exact circle in Python.
        dlat = near.km / KM_PER_DEGREE
        dlon = near.km / (KM_PER_DEGREE * max(math.cos(math.radians(near.lat)), 0.01))
        query = query.where(
            lat.between(near.lat - dlat, near.lat + dlat),
            lon.between(near.lon - dlon, near.lon + dlon),
        )
    found: list[tuple[float, str]] = []
    for sal_id, stamp, point_lat, point_lon in session.execute(query):
        if wanted.modified_after is not None and not _on_or_after(stamp, wanted.modified_after):
            continue
        distance = 0.0
        if near is not None:
            distance = distance_km((near.lat, near.lon), (point_lat, point_lon))
            if distance > near.km:
                continue
        found.append((distance, sal_id))
    found.sort()
    return _slice([sal_id for _distance, sal_id in found], page, per_page)


def find_organizations(
    session: Session, search: str = "", *, page: int = 1, per_page: int | None = None
) -> IdPage:
    """Organizations whose name or description holds every search word, in name order."""
    org = m.Organization
    query = select(org.id).where(*_words_in(search, org.name, org.alternate_name, org.description))
    return _sql_page(session, query.order_by(org.name, org.id), page, per_page)


def find_taxonomies(
    session: Session, search: str = "", *, page: int = 1, per_page: int | None = None
) -> IdPage:
    """Taxonomies whose name or description holds every search word."""
    tax = m.Taxonomy
    query = select(tax.id).where(*_words_in(search, tax.name, tax.description))
    return _sql_page(session, query.order_by(tax.name, tax.id), page, per_page)


def find_taxonomy_terms(
    session: Session,
    search: str = "",
    *,
    taxonomy_id: str | None = None,
    parent_id: str | None = None,
    top_only: bool = False,
    page: int = 1,
    per_page: int | None = None,
) -> IdPage:
    """Taxonomy terms, optionally of one taxonomy, under one parent, or only top-level ones."""
    term = m.TaxonomyTerm
    query = select(term.id).where(*_words_in(search, term.name, term.code, term.description))
    if taxonomy_id:
        query = query.where(term.taxonomy_id == taxonomy_id)
    if parent_id:
        query = query.where(term.parent_id == parent_id)
    if top_only:
        query = query.where(or_(term.parent_id.is_(None), term.parent_id == ""))
    order = (term.taxonomy_id, term.position, term.name, term.id)
    return _sql_page(session, query.order_by(*order), page, per_page)


def _sql_page(session: Session, query: Select, page: int, per_page: int | None) -> IdPage:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if per_page is not None:
        query = query.offset((page - 1) * per_page).limit(per_page)
    return IdPage(tuple(session.scalars(query)), total or 0)


def _slice(ids: Sequence[str], page: int, per_page: int | None) -> IdPage:
    if per_page is None:
        return IdPage(tuple(ids), len(ids))
    start = (page - 1) * per_page
    return IdPage(tuple(ids[start : start + per_page]), len(ids))


def _words_in(search: str, *columns: Any) -> list[ColumnElement[bool]]:
    """One condition per word: the word appears, in any case, in one of the columns."""
    return [
        or_(*(column.icontains(word, autoescape=True) for column in columns))
        for word in search.split()
    ]


def _service_conditions(wanted: ServiceFilter) -> list[ColumnElement[bool]]:
    service = m.Service
    organization_names = select(m.Organization.id)
    conditions = [
        or_(
            service.name.icontains(word, autoescape=True),
            service.description.icontains(word, autoescape=True),
            service.organization_id.in_(
                organization_names.where(m.Organization.name.icontains(word, autoescape=True))
            ),
        )
        for word in wanted.search.split()
    ]
    if wanted.organization_id:
        conditions.append(service.organization_id == wanted.organization_id)
    if wanted.taxonomy_term_id:
        conditions.append(
            select(m.Attribute.id)
            .where(
                m.Attribute.link_id == service.id,
                m.Attribute.taxonomy_term_id == wanted.taxonomy_term_id,
            )
            .exists()
        )
    if wanted.taxonomy_id:
        conditions.append(
            select(m.Attribute.id)
            .join(m.TaxonomyTerm, m.TaxonomyTerm.id == m.Attribute.taxonomy_term_id)
            .where(
                m.Attribute.link_id == service.id,
                m.TaxonomyTerm.taxonomy_id == wanted.taxonomy_id,
            )
            .exists()
        )
    return conditions


def _covers(coverage: Coverage) -> ColumnElement[bool]:
    sal = m.ServiceAtLocation
    at_address = (
        select(m.Address.id)
        .where(
            m.Address.location_id == sal.location_id,
            func.trim(m.Address.postal_code) == coverage.postcode,
        )
        .exists()
    )
    if coverage.nis is None:
        return at_address
    in_area = (
        select(m.ServiceArea.id)
        .where(
            m.ServiceArea.service_id == sal.service_id,
            m.ServiceArea.municipality_nis == coverage.nis,
        )
        .exists()
    )
    return or_(at_address, in_area)


def _modified_prefilter(cutoff: datetime) -> ColumnElement[bool]:
    """A lexical bound that keeps every ISO stamp on or after ``cutoff`` in any time zone.

    Offsets move a local date at most a day from UTC; the exact test runs in Python afterwards.
    """
    earliest = (cutoff.astimezone(UTC).date() - timedelta(days=1)).isoformat()
    return and_(m.Service.last_modified.is_not(None), m.Service.last_modified >= earliest)


def _on_or_after(stamp: str | None, cutoff: datetime) -> bool:
    if not stamp:
        return False
    try:
        return parse_timestamp(stamp) >= cutoff
    except ValueError:
        return False


# ------------------------------------------------------------------------------------ documents


def flat_document(model: type[m.Base], row: Any) -> dict[str, Any]:
    """A record's one-to-one HSDS fields only, as in the specification's list responses."""
    document = {}
    for name in hsds_fields(model):
        value = getattr(row, name)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if value is not None:
            document[name] = value
    return document


def _rows(session: Session, model: type[m.Base], ids: Iterable[str | None]) -> dict[str, Any]:
    wanted = sorted({i for i in ids if i})
    found: dict[str, Any] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            (row.id, row) for row in session.scalars(select(model).where(model.id.in_(chunk)))
        )
    return found


def _in_order(rows: dict[str, Any], ids: Sequence[str]) -> list[Any]:
    return [rows[i] for i in ids if i in rows]


def service_documents(session: Session, ids: Sequence[str], *, full: bool) -> list[dict]:
    """Services in ``ids`` order: full documents, or one-to-one fields plus organization/program."""
    services = _in_order(_rows(session, m.Service, ids), ids)
    if full:
        return services_to_hsds(session, services)
    organizations = _rows(session, m.Organization, [s.organization_id for s in services])
    programs = _rows(session, m.Program, [s.program_id for s in services])
    documents = []
    for service in services:
        document = flat_document(m.Service, service)
        if service.organization_id in organizations:
            document["organization"] = flat_document(
                m.Organization, organizations[service.organization_id]
            )
        if service.program_id in programs:
            document["program"] = flat_document(m.Program, programs[service.program_id])
        documents.append(document)
    return documents


def organization_documents(
    session: Session, ids: Sequence[str], *, full: bool, full_service: bool = False
) -> list[dict]:
    """Organizations in ``ids`` order: one-to-one fields, or nested with locations, programs and
    services (one-to-one fields, or full service documents with ``full_service``)."""
    organizations = _in_order(_rows(session, m.Organization, ids), ids)
    if not (full or full_service):
        return [flat_document(m.Organization, org) for org in organizations]
    documents = []
    for org in organizations:
        document = entity_to_hsds(session, m.Organization, org)
        for key, model in (("locations", m.Location), ("programs", m.Program)):
            query = select(model).where(model.organization_id == org.id).order_by(model.id)
            document[key] = [entity_to_hsds(session, model, row) for row in session.scalars(query)]
        service_ids = list(
            session.scalars(
                select(m.Service.id)
                .where(m.Service.organization_id == org.id)
                .order_by(m.Service.id)
            )
        )
        if full_service:
            document["services"] = service_documents(session, service_ids, full=True)
        else:
            services = _in_order(_rows(session, m.Service, service_ids), service_ids)
            document["services"] = [flat_document(m.Service, s) for s in services]
        documents.append(document)
    return documents


def entity_documents(session: Session, model: type[m.Base], ids: Sequence[str]) -> list[dict]:
    """Nested HSDS documents of another entity (taxonomy, term...), in ``ids`` order."""
    return [
        entity_to_hsds(session, model, row) for row in _in_order(_rows(session, model, ids), ids)
    ]


def service_at_location_documents(
    session: Session, ids: Sequence[str], *, full: bool
) -> list[dict]:
    """Service-at-locations in ``ids`` order, each with its location and its service.

    One-to-one fields throughout, or (``full``) the nested service_at_location document with its
    service's one-to-one fields, organization and program.
    """
    links = _in_order(_rows(session, m.ServiceAtLocation, ids), ids)
    service_ids = sorted({link.service_id for link in links if link.service_id})
    services = {doc["id"]: doc for doc in service_documents(session, service_ids, full=False)}
    locations = {} if full else _rows(session, m.Location, [link.location_id for link in links])
    documents = []
    for link in links:
        if full:
            document = entity_to_hsds(session, m.ServiceAtLocation, link)
        else:
            document = flat_document(m.ServiceAtLocation, link)
            if link.location_id in locations:
                document["location"] = flat_document(m.Location, locations[link.location_id])
        if link.service_id in services:
            document["service"] = services[link.service_id]
        documents.append(document)
    return documents
