"""Service pages (/dienst/<id>) and organisation pages (/organisatie/<id>)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, url_for
from sqlalchemy import select

from directory import models as m
from directory.catalogue import get_service, service_provenance
from directory.hsds import entity_to_hsds, service_to_hsds
from directory.reference import domain_labels
from web.maps import MapPoint
from web.state import get_session, get_state
from web.views import clock
from web.views.formatting import safe_link
from web.views.search import page_map
from web.views.service_view import ServiceView, build_service_view

bp = Blueprint("services", __name__)

HIDDEN_STATUSES = frozenset({"inactive", "defunct"})


def load_service_view(service_id: str) -> ServiceView | None:
    """The service page's content, or None when the catalogue has no such service."""
    session = get_session()
    service = get_service(session, service_id)
    if service is None:
        return None
    document = service_to_hsds(session, service)
    provenance = next(
        (row for row in service_provenance(session, service_id) if row.field_name == "*"), None
    )
    location_ids = [
        (link.get("location") or {}).get("id") for link in document["service_at_locations"]
    ]
    points = {
        row.id: (row.geo_lat, row.geo_lon, row.geo_precision)
        for row in session.scalars(
            select(m.Location).where(m.Location.id.in_([i for i in location_ids if i]))
        )
    }
    return build_service_view(
        document,
        provenance=provenance,
        points=points,
        gazetteer=get_state().gazetteer,
        now=clock.now(),
        stale_after_days=int(current_app.config["STALE_AFTER_DAYS"]),
        town_url=lambda slug: url_for("towns.town_page", key=slug),
        organization_url=lambda oid: url_for("services.organization_page", organization_id=oid),
    )


@bp.get("/dienst/<service_id>")
def service_page(service_id: str) -> str:
    """Everything about one service before picking up the phone."""
    view = load_service_view(service_id)
    if view is None:
        abort(404, description="Deze dienst staat niet (meer) in de sociale kaart.")
    points = [
        MapPoint(loc.lat, loc.lon, loc.name, subtitle=loc.address)
        for loc in view.locations
        if loc.lat is not None and loc.lon is not None
    ]
    map_html = page_map(points, f"Kaart met de locaties van {view.name}", []) if points else None
    return render_template(
        "service.html",
        service=view,
        map=map_html,
        is_inactive=view.status in HIDDEN_STATUSES,
        api_url=url_for("api.service", service_id=view.id),
        search_domain_urls=[
            (d.label, url_for("search.search_page", domain=d.url)) for d in view.domains
        ],
    )


@bp.get("/organisatie/<organization_id>")
def organization_page(organization_id: str) -> str:
    """An organisation and its services."""
    session = get_session()
    organization = session.get(m.Organization, organization_id)
    if organization is None:
        abort(404, description="Deze organisatie staat niet (meer) in de sociale kaart.")
    document = entity_to_hsds(session, m.Organization, organization)
    services = list(
        session.scalars(
            select(m.Service)
            .where(m.Service.organization_id == organization_id)
            .order_by(m.Service.name, m.Service.id)
        )
    )
    labels = domain_labels()
    domain_rows = session.execute(
        select(m.Attribute.link_id, m.TaxonomyTerm.code)
        .join(m.TaxonomyTerm, m.TaxonomyTerm.id == m.Attribute.taxonomy_term_id)
        .where(
            m.Attribute.link_id.in_([s.id for s in services]),
            m.TaxonomyTerm.taxonomy == "levensdomein",
        )
    )
    domains: dict[str, list[str]] = {}
    for service_id, code in domain_rows:
        domains.setdefault(service_id, []).append(labels.get(code, code))
    entries = [
        {
            "name": service.name or "Naamloze dienst",
            "url": url_for("services.service_page", service_id=service.id),
            "description": service.description,
            "domains": domains.get(service.id, []),
            "is_inactive": (service.status or "active") in HIDDEN_STATUSES,
        }
        for service in services
    ]
    return render_template(
        "organization.html",
        organization=document,
        website=safe_link(document.get("website")),
        services=entries,
        search_url=url_for("search.search_page", organization=organization_id),
    )
