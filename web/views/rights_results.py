"""Result view models of the rights check and where to apply: the town's catalogue services per
entitlement (cached per app and town). Shared by the pages and the JSON API; no routes here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from directory import models as m
from directory.gazetteer import Gazetteer, Municipality
from directory.hsds import services_to_hsds
from rights import (
    STATUS_LABELS_NL,
    STATUSES,
    EntitlementResult,
    Figure,
    OfficeMatch,
    RuleBook,
    match_offices,
)
from web.state import get_session, get_state
from web.views.formatting import tel_href

log = logging.getLogger(__name__)

SERVICES_PER_KIND = 2  # the best catalogue services shown per kind of office
OFFICES_TTL_SECONDS = 300  # catalogue edits show up in the rights check within five minutes
OPEN_GROUPS = frozenset({"already_has", "automatic_check", "likely"})


@dataclass(frozen=True)
class ServiceLink:
    """A catalogue service of the person's town where an entitlement can be applied for."""

    id: str
    name: str
    organization: str | None
    office_kind: str
    office_label: str
    url: str
    website: str | None
    address: str | None
    phone: str | None
    phone_href: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "organization": self.organization,
            "office_kind": self.office_kind,
            "office_label": self.office_label,
            "url": self.url,
            "website": self.website,
            "address": self.address,
            "phone": self.phone,
        }


Offices = Mapping[str, tuple[ServiceLink, ...]]  # entitlement id -> where to apply in the town


@dataclass(frozen=True)
class FigureView:
    label: str
    value: str
    caption: str  # "bedrag van 1 mei 2024, te controleren"
    needs_check: bool
    source: str


@dataclass(frozen=True)
class ResultView:
    """One entitlement as the pages show it."""

    id: str
    name: str
    status: str
    status_label: str
    why: tuple[str, ...]
    why_not: str | None
    unknowns: tuple[str, ...]  # Dutch labels of the facts still open
    offices: tuple[str, ...]  # Dutch labels of the kinds of office
    apply_at: tuple[str, ...]
    services: tuple[ServiceLink, ...]
    documents: tuple[str, ...]
    figures: tuple[FigureView, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class StatusGroup:
    status: str
    label: str
    results: tuple[ResultView, ...]
    is_open: bool


def town_services(town: Municipality, gazetteer: Gazetteer) -> list[dict[str, Any]]:
    """HSDS documents of the active services serving the town (service area or address there).

    A region named as service area ("Midwest") counts for its towns. When the catalogue cannot be
    read the check still works, without services: offices are then named by kind only.
    """
    try:
        session = get_session()
        ids = set(
            session.scalars(
                select(m.ServiceArea.service_id).where(m.ServiceArea.municipality_nis == town.nis)
            )
        )
        ids |= set(
            session.scalars(
                select(m.ServiceAtLocation.service_id)
                .join(m.Address, m.Address.location_id == m.ServiceAtLocation.location_id)
                .where(m.Address.municipality_nis == town.nis)
            )
        )
        if town.reference_region:
            unresolved = session.execute(
                select(m.ServiceArea.service_id, m.ServiceArea.name).where(
                    m.ServiceArea.municipality_nis.is_(None)
                )
            )
            ids |= {
                service_id
                for service_id, name in unresolved
                if name and town in gazetteer.region_municipalities(name)
            }
        services = list(
            session.scalars(
                select(m.Service)
                .where(m.Service.id.in_(sorted(i for i in ids if i)))
                .order_by(m.Service.id)
            )
        )
        documents = services_to_hsds(session, services)
    except SQLAlchemyError:
        log.warning("rights check: catalogue unreadable, offices shown without services")
        get_session().rollback()
        return []
    return [d for d in documents if (d.get("status") or "active") == "active"]


def _first_address(document: Mapping[str, Any]) -> str | None:
    for link in document.get("service_at_locations") or []:
        for address in (link.get("location") or {}).get("addresses") or []:
            town = " ".join(filter(None, [address.get("postal_code"), address.get("city")]))
            text = ", ".join(filter(None, [address.get("address_1"), town]))
            if text:
                return text
    return None


def _first_phone(document: Mapping[str, Any]) -> str | None:
    phones = list(document.get("phones") or [])
    for link in document.get("service_at_locations") or []:
        phones += (link.get("location") or {}).get("phones") or []
    return next((p["number"] for p in phones if p.get("number")), None)


def _links(
    matches: Sequence[OfficeMatch], by_id: Mapping[str, Mapping[str, Any]]
) -> tuple[ServiceLink, ...]:
    """The best few services per kind of office, in the rule's order of kinds."""
    links: list[ServiceLink] = []
    per_kind: dict[str, int] = {}
    for match in matches:
        if per_kind.get(match.office_kind, 0) >= SERVICES_PER_KIND:
            continue
        per_kind[match.office_kind] = per_kind.get(match.office_kind, 0) + 1
        document = by_id.get(match.service_id, {})
        phone = _first_phone(document)
        links.append(
            ServiceLink(
                id=match.service_id,
                name=match.service_name,
                organization=match.organization_name,
                office_kind=match.office_kind,
                office_label=match.office_label_nl,
                url=url_for("services.service_page", service_id=match.service_id),
                website=match.url,
                address=_first_address(document),
                phone=phone,
                phone_href=tel_href(phone) if phone else None,
            )
        )
    return tuple(links)


def town_offices(
    town: Municipality | None, book: RuleBook
) -> Mapping[str, tuple[ServiceLink, ...]]:
    """Per entitlement id, the catalogue services of the town where to apply.

    Matching every rule against every service of a town takes a few hundred milliseconds, and
    depends only on the town and the catalogue: kept per app and town for OFFICES_TTL_SECONDS.
    """
    if town is None:
        return {}
    cache = current_app.extensions.setdefault("rights_offices", {})
    cached = cache.get(town.nis)
    if cached is not None and time.monotonic() - cached[0] < OFFICES_TTL_SECONDS:
        return cached[1]
    documents = town_services(town, get_state().gazetteer)
    by_id = {str(d.get("id")): d for d in documents}
    by_rule: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[ServiceLink, ...]] = {}
    offices = {}
    for entitlement in book.entitlements:
        key = (entitlement.office_kinds, entitlement.service_keywords)
        if key not in by_rule:
            matches = match_offices(
                entitlement.office_kinds,
                documents,
                keywords=entitlement.service_keywords,
                rulebook=book,
            )
            by_rule[key] = _links(matches, by_id)
        offices[entitlement.id] = by_rule[key]
    cache[town.nis] = (time.monotonic(), offices)
    return offices


def _figure_view(figure: Figure, on: date) -> FigureView:
    return FigureView(
        label=figure.label_nl,
        value=figure.value_nl(),
        caption=figure.caption_nl(on),
        needs_check=figure.needs_check(on),
        source=figure.source,
    )


def result_view(
    result: EntitlementResult,
    on: date,
    offices: Offices,
    book: RuleBook,
) -> ResultView:
    """What the pages show of one result: labels instead of codes, the town's offices."""
    return ResultView(
        id=result.id,
        name=result.name_nl,
        status=result.status,
        status_label=result.status_label_nl,
        why=result.why,
        why_not=result.why_not,
        unknowns=tuple(book.facts[f].label_nl if f in book.facts else f for f in result.unknowns),
        offices=tuple(
            book.offices[code].label_nl if code in book.offices else code
            for code in result.office_kinds
        ),
        apply_at=result.apply_at,
        services=offices.get(result.id, ()),
        documents=result.documents,
        figures=tuple(_figure_view(f, on) for f in result.figures),
        sources=result.sources,
        notes=result.notes,
    )


def status_groups(results: Sequence[ResultView]) -> list[StatusGroup]:
    """Results grouped by status in the engine's order; empty groups left out."""
    groups = []
    for status in STATUSES:
        members = tuple(r for r in results if r.status == status)
        if members:
            groups.append(
                StatusGroup(status, STATUS_LABELS_NL[status], members, status in OPEN_GROUPS)
            )
    return groups
