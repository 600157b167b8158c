"""The HSDS 3.0 <-> database mapping: one table-driven walk for reading, writing and deleting.

HSDS nests entities inside each other (a full service holds its organization, locations, phones...).
``NESTS`` says, per model, which JSON keys hold which child entities and through which column they
point at their parent; everything else here walks that table, so no entity needs code of its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from directory import models as m

# Columns of ours on HSDS tables: never read from, nor written to, HSDS documents.
OUR_COLUMNS = frozenset(
    {"extra", "position", "version", "content_hash", "updated_at", "geo_lat", "geo_lon",
     "geo_precision", "municipality_nis"}
)  # fmt: skip


@dataclass(frozen=True)
class Many:
    """A list of owned child entities: ``key`` in the parent document, ``link`` column in the child.

    ``unless`` names more specific parent columns that must be empty, so a phone of a contact is not
    listed a second time under the contact's service.
    """

    key: str
    model: type[m.Base]
    link: str
    unless: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ref:
    """A single shared entity the parent points at through its own ``column`` (not owned)."""

    key: str
    model: type[m.Base]
    column: str


def _common(*specific: Many | Ref) -> list[Many | Ref]:
    return [
        *specific,
        Many("attributes", m.Attribute, "link_id"),
        Many("metadata", m.Metadata, "resource_id"),
    ]


NESTS: dict[type[m.Base], list[Many | Ref]] = {
    m.Service: _common(
        Many(
            "phones", m.Phone, "service_id", ("contact_id", "service_at_location_id", "location_id")
        ),
        Many("schedules", m.Schedule, "service_id", ("service_at_location_id", "location_id")),
        Many("service_areas", m.ServiceArea, "service_id"),
        Many("service_at_locations", m.ServiceAtLocation, "service_id"),
        Many("languages", m.Language, "service_id", ("location_id", "phone_id")),
        Ref("organization", m.Organization, "organization_id"),
        Many("funding", m.Funding, "service_id"),
        Many("cost_options", m.CostOption, "service_id"),
        Ref("program", m.Program, "program_id"),
        Many("required_documents", m.RequiredDocument, "service_id"),
        Many("contacts", m.Contact, "service_id", ("service_at_location_id", "location_id")),
    ),
    m.Organization: _common(
        Many("funding", m.Funding, "organization_id", ("service_id",)),
        Many(
            "contacts",
            m.Contact,
            "organization_id",
            ("service_at_location_id", "location_id", "service_id"),
        ),
        Many(
            "phones",
            m.Phone,
            "organization_id",
            ("contact_id", "service_at_location_id", "location_id", "service_id"),
        ),
        Many("organization_identifiers", m.OrganizationIdentifier, "organization_id"),
    ),
    m.ServiceAtLocation: _common(
        Many("contacts", m.Contact, "service_at_location_id"),
        Many("phones", m.Phone, "service_at_location_id", ("contact_id",)),
        Many("schedules", m.Schedule, "service_at_location_id"),
        Ref("location", m.Location, "location_id"),
    ),
    m.Location: _common(
        Many("languages", m.Language, "location_id", ("phone_id",)),
        Many("addresses", m.Address, "location_id"),
        Many("contacts", m.Contact, "location_id", ("service_at_location_id",)),
        Many("accessibility", m.Accessibility, "location_id"),
        Many("phones", m.Phone, "location_id", ("contact_id", "service_at_location_id")),
        Many("schedules", m.Schedule, "location_id", ("service_at_location_id",)),
    ),
    m.Contact: _common(Many("phones", m.Phone, "contact_id")),
    m.Phone: _common(Many("languages", m.Language, "phone_id")),
    m.Attribute: [
        Ref("taxonomy_term", m.TaxonomyTerm, "taxonomy_term_id"),
        Many("metadata", m.Metadata, "resource_id"),
    ],
    m.TaxonomyTerm: [
        Ref("taxonomy_detail", m.Taxonomy, "taxonomy_id"),
        Many("metadata", m.Metadata, "resource_id"),
    ],
    m.Taxonomy: [Many("metadata", m.Metadata, "resource_id")],
    m.Metadata: [],
}
for _model in (
    m.Address, m.Schedule, m.ServiceArea, m.Language, m.Funding, m.CostOption, m.Program,
    m.RequiredDocument, m.Accessibility, m.OrganizationIdentifier,
):  # fmt: skip
    NESTS[_model] = _common()

ENTITY_NAMES: dict[type[m.Base], str] = {model: model.__tablename__ for model in NESTS}


def hsds_fields(model: type[m.Base]) -> list[str]:
    """The HSDS field names a model stores as columns, in the specification's order."""
    return [c.name for c in model.__table__.columns if c.name not in OUR_COLUMNS]


_FIELDS = {model: hsds_fields(model) for model in NESTS}
_NEST_KEYS = {model: {n.key for n in nests} for model, nests in NESTS.items()}


def _plain(value: Any) -> Any:
    """Export numbers as JSON would have them: 17 rather than 17.0."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# ------------------------------------------------------------------------------------------ read


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_children(session: Session, nest: Many, parent_ids: list[str]) -> list[Any]:
    table = nest.model.__table__
    rows: list[Any] = []
    for chunk in _chunks(parent_ids):
        query = select(nest.model).where(table.c[nest.link].in_(chunk))
        for column in nest.unless:
            query = query.where(table.c[column].is_(None))
        rows.extend(session.scalars(query))
    rows.sort(key=lambda row: (row.position, row.id))
    return rows


def _to_documents(session: Session, model: type[m.Base], rows: list[Any], top: bool) -> list[dict]:
    """Turn rows of one model into HSDS documents, fetching each level of children in batches."""
    if not rows:
        return []
    documents = []
    for row in rows:
        document = {}
        for name in _FIELDS[model]:
            value = getattr(row, name)
            if value is not None:
                document[name] = _plain(value)
        document.update(row.extra or {})
        documents.append(document)
    ids = [row.id for row in rows]
    for nest in NESTS[model]:
        if isinstance(nest, Many):
            children = _load_children(session, nest, ids)
            child_docs = _to_documents(session, nest.model, children, top=False)
            grouped: dict[str, list[dict]] = defaultdict(list)
            for child, child_doc in zip(children, child_docs, strict=True):
                grouped[getattr(child, nest.link)].append(child_doc)
            for row, document in zip(rows, documents, strict=True):
                if grouped.get(row.id) or top:
                    document[nest.key] = grouped.get(row.id, [])
        else:
            ref_ids = sorted({getattr(row, nest.column) for row in rows} - {None})
            refs = [r for chunk in _chunks(ref_ids) for r in _get_many(session, nest.model, chunk)]
            ref_docs = dict(
                zip(
                    [r.id for r in refs],
                    _to_documents(session, nest.model, refs, False),
                    strict=True,
                )
            )
            for row, document in zip(rows, documents, strict=True):
                ref_doc = ref_docs.get(getattr(row, nest.column))
                if ref_doc is not None:
                    document[nest.key] = ref_doc
    return documents


def _get_many(session: Session, model: type[m.Base], ids: list[str]) -> list[Any]:
    table = model.__table__
    return list(session.scalars(select(model).where(table.c.id.in_(ids))))


def services_to_hsds(session: Session, services: list[m.Service]) -> list[dict]:
    """HSDS 3.0 full service documents for these services, with provenance as ``x-source``."""
    documents = _to_documents(session, m.Service, services, top=True)
    sources = _service_sources(session, [s.id for s in services])
    for service, document in zip(services, documents, strict=True):
        if service.id in sources:
            document["x-source"] = sources[service.id]
    return documents


def service_to_hsds(session: Session, service: m.Service) -> dict:
    """The HSDS 3.0 full service document of one service."""
    return services_to_hsds(session, [service])[0]


def iter_service_documents(
    session: Session, *, batch: int = 500, include_inactive: bool = True
) -> Iterator[dict]:
    """Every service as an HSDS document, in id order, fetched in batches to bound memory."""
    last = ""
    while True:
        query = select(m.Service).where(m.Service.id > last).order_by(m.Service.id).limit(batch)
        services = list(session.scalars(query))
        if not services:
            return
        for document in services_to_hsds(session, services):
            if include_inactive or document.get("status") == "active":
                yield document
        last = services[-1].id


def entity_to_hsds(session: Session, model: type[m.Base], row: Any) -> dict:
    """An HSDS document of another entity (organization, term...), nested as in a service."""
    return _to_documents(session, model, [row], top=False)[0]


def _service_sources(session: Session, ids: list[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for chunk in _chunks(ids):
        query = select(m.Provenance).where(
            m.Provenance.record_type == "service",
            m.Provenance.field_name == "*",
            m.Provenance.record_id.in_(chunk),
        )
        for row in session.scalars(query):
            if "x-source" in (row.details or {}):
                found[row.record_id] = row.details["x-source"]
    return found


# ----------------------------------------------------------------------------------------- write


class RecordConflict(ValueError):
    """A record's content clashes with what is stored (an id used by another record, say)."""


@dataclass
class WritePlan:
    """Rows to insert per model, refs to update, and owned subtrees to delete first."""

    inserts: dict[type[m.Base], list[dict]] = field(default_factory=lambda: defaultdict(list))
    updates: list[tuple[type[m.Base], dict]] = field(default_factory=list)
    replace: list[tuple[Many, str]] = field(default_factory=list)
    seen: dict[tuple[str, str], dict] = field(default_factory=dict)


def _split(model: type[m.Base], document: dict) -> tuple[dict, dict]:
    values = {name: document[name] for name in _FIELDS[model] if name in document}
    extra = {
        key: value
        for key, value in document.items()
        if key not in _FIELDS[model] and key not in _NEST_KEYS[model]
    }
    return values, extra


def _plan(
    session: Session,
    plan: WritePlan,
    model: type[m.Base],
    document: dict,
    *,
    owned: bool,
    top: bool = False,
    link: tuple[str, str] | None = None,
    clear: tuple[str, ...] = (),
    position: int = 0,
) -> str:
    """Plan the writes for one entity and everything nested in it; return its id.

    Where a record is nested is the truth about its parent: ``clear`` names the more specific
    parent columns (a phone of the service is not also a location's phone), emptied on write.
    """
    values, extra = _split(model, document)
    entity_id = str(values["id"])
    name = ENTITY_NAMES[model]
    if (name, entity_id) in plan.seen:
        # The same entity listed in two places (a phone under a contact and under the service):
        # one row, linked to its first parent. Two different contents under one id is an error.
        if plan.seen[(name, entity_id)] != document:
            raise RecordConflict(f"{name} id {entity_id} appears twice with different content")
        return entity_id
    plan.seen[(name, entity_id)] = document
    if link is not None:
        values[link[0]] = link[1]
        values.update(dict.fromkeys(clear))
    for nest in NESTS[model]:
        if isinstance(nest, Ref) and isinstance(document.get(nest.key), dict):
            ref_id = _plan(session, plan, nest.model, document[nest.key], owned=False)
            given = values.get(nest.column)
            if given is not None and given != ref_id:
                raise RecordConflict(
                    f"{name} {entity_id}: {nest.column} is {given} but the nested "
                    f"{nest.key} has id {ref_id}"
                )
            values[nest.column] = ref_id
    row = {**{f: None for f in _FIELDS[model]}, **values, "extra": extra, "position": position}
    existing = session.get(model, entity_id)
    if owned:
        # Ids are global: a row another record owns is not taken over silently.
        if existing is not None and (link is None or getattr(existing, link[0]) != link[1]):
            raise RecordConflict(f"{name} id {entity_id} already belongs to another record")
        plan.inserts[model].append(row)
    elif existing is None:
        plan.inserts[model].append(row)
    elif top:
        plan.updates.append((model, row))  # the service itself: its document is the whole truth
    else:
        # A shared record (organization, location, term) is updated with what this document
        # says of it, never blanked where the document is silent: other services point at it.
        plan.updates.append((model, {**values, "extra": {**(existing.extra or {}), **extra}}))
    for nest in NESTS[model]:
        if isinstance(nest, Many) and isinstance(document.get(nest.key), list):
            if not owned and existing is not None:
                plan.replace.append((nest, entity_id))
            for index, child in enumerate(document[nest.key]):
                _plan(
                    session, plan, nest.model, child, owned=True, link=(nest.link, entity_id),
                    clear=nest.unless, position=index,
                )  # fmt: skip
    return entity_id


def owned_subtree(session: Session, model: type[m.Base], ids: list[str]) -> list[tuple[type, list]]:
    """Every (model, ids) owned below these records, deepest first, for a clean delete."""
    found: list[tuple[type, list]] = []
    for nest in NESTS[model]:
        if isinstance(nest, Many) and ids:
            children = [row.id for row in _load_children(session, nest, ids)]
            if children:
                found.extend(owned_subtree(session, nest.model, children))
                found.append((nest.model, children))
    return found


def _delete(session: Session, doomed: list[tuple[type, list]]) -> None:
    for model, ids in doomed:
        for chunk in _chunks(ids):
            session.execute(delete(model).where(model.__table__.c.id.in_(chunk)))


def write_service(session: Session, document: dict) -> list[tuple[type[m.Base], str]]:
    """Write one full service document, replacing what the service owned before.

    Returns the shared records (organization, location, term) whose content changed, since
    other services' documents show them too.

    The service's own lists (phones, locations...) are the document's truth; shared records it
    points at (organization, location, taxonomy term) are updated in place, never deleted.
    """
    service_id = str(document["id"])
    existing = session.get(m.Service, service_id)
    if existing is not None:
        _delete(session, owned_subtree(session, m.Service, [service_id]))
    plan = WritePlan()
    _plan(session, plan, m.Service, document, owned=False, top=True)
    for nest, parent_id in plan.replace:
        if nest.model is not m.Service:
            children = [row.id for row in _load_children(session, nest, [parent_id])]
            _delete(
                session, [*owned_subtree(session, nest.model, children), (nest.model, children)]
            )
    changed_refs: list[tuple[type[m.Base], str]] = []
    for model, row in plan.updates:
        current = session.get(model, row["id"])
        keys = {k: v for k, v in row.items() if k != "id"}
        if current is not None and all(getattr(current, k) == v for k, v in keys.items()):
            continue
        changed_refs.append((model, row["id"]))
        session.execute(update(model).where(model.__table__.c.id == row["id"]).values(**keys))
    for table in m.Base.metadata.sorted_tables:
        model = _MODEL_BY_TABLE.get(table.name)
        if model is not None and plan.inserts.get(model):
            session.execute(insert(model), plan.inserts[model])
    session.expire_all()
    return changed_refs


def services_sharing(session: Session, refs: list[tuple[type[m.Base], str]]) -> set[str]:
    """Ids of services whose documents show one of these shared records (to refresh them)."""
    found: set[str] = set()
    for model, ref_id in refs:
        if model is m.Organization:
            found.update(
                session.scalars(select(m.Service.id).where(m.Service.organization_id == ref_id))
            )
        elif model is m.Program:
            found.update(
                session.scalars(select(m.Service.id).where(m.Service.program_id == ref_id))
            )
        elif model is m.Location:
            found.update(
                session.scalars(
                    select(m.ServiceAtLocation.service_id).where(
                        m.ServiceAtLocation.location_id == ref_id
                    )
                )
            )
        elif model is m.TaxonomyTerm:
            found.update(
                session.scalars(
                    select(m.Attribute.link_id).where(m.Attribute.taxonomy_term_id == ref_id)
                )
            )
    return {sid for sid in found if sid is not None}


_MODEL_BY_TABLE = {model.__tablename__: model for model in NESTS}


def delete_service(session: Session, service_id: str) -> None:
    """Delete a service and everything it owns (shared organizations and locations stay)."""
    _delete(
        session,
        [*owned_subtree(session, m.Service, [service_id]), (m.Service, [service_id])],
    )


def iter_entities(document: dict, model: type[m.Base] = m.Service) -> Iterable[tuple[type, dict]]:
    """Every (model, document) nested in a document, the document itself first."""
    yield model, document
    for nest in NESTS[model]:
        value = document.get(nest.key)
        children = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        for child in children:
            if isinstance(child, dict):
                yield from iter_entities(child, nest.model)
