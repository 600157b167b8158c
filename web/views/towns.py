"""Town pages: 'Sociale kaart van <gemeente>', every life domain's regular services, printable."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from directory.gazetteer import Gazetteer, Municipality, UnknownMunicipality, municipality_outline
from directory.partnerships import Partnership, partnerships_for
from directory.reference import domain_labels
from indexer import SearchHit, SearchRequest
from indexer.model import MAX_PER_PAGE
from web.maps import MapPoint
from web.state import get_session, get_state
from web.views import clock
from web.views.formatting import safe_link, tel_href
from web.views.lookups import opening_labels, phones_by_service
from web.views.search import page_map

bp = Blueprint("towns", __name__)

MAX_PAGES = 20  # 2,000 services serving or near one town is far beyond any real town
OTHER = "overige"


@dataclass(frozen=True)
class TownEntry:
    """A service on the town page."""

    id: str
    name: str
    url: str
    organization: str
    organization_url: str | None
    address: str | None
    phone: str | None
    phone_href: str | None
    opening: str | None
    is_located_here: bool


@dataclass(frozen=True)
class DomainSection:
    code: str
    label: str
    entries: tuple[TownEntry, ...]
    search_url: str


def resolve_town(key: str, gazetteer: Gazetteer) -> Municipality:
    """A slug, name, postcode or NIS code (current or 2019-2024) -> municipality."""
    key = key.strip()
    if key.isdigit() and len(key) == 5:
        try:
            return gazetteer.by_nis(gazetteer.current_nis(key))
        except KeyError:
            raise UnknownMunicipality(key, []) from None
    return gazetteer.resolve(key)


def _is_located(hit: SearchHit, town: Municipality, gazetteer: Gazetteer) -> bool:
    for location in hit.locations:
        found = gazetteer.lookup(location.city) if location.city else None
        if found is not None and found.nis == town.nis:
            return True
    return False


def town_hits(town: Municipality) -> list[tuple[SearchHit, bool]]:
    """Services that serve the town or are located in it, with 'located here' per service."""
    state = get_state()
    found = []
    for page in range(1, MAX_PAGES + 1):
        results = state.index.search(
            SearchRequest(municipality=town.name_nl, page=page, per_page=MAX_PER_PAGE)
        )
        for hit in results.hits:
            located = _is_located(hit, town, state.gazetteer)
            if hit.serves_town or located:
                found.append((hit, located))
        if page * MAX_PER_PAGE >= results.total:
            break
    return found


def _entries(found: list[tuple[SearchHit, bool]]) -> dict[str, TownEntry]:
    ids = [hit.id for hit, _ in found]
    session = get_session()
    phones = phones_by_service(session, ids)
    openings = opening_labels(session, ids, clock.now())
    entries = {}
    for hit, located in found:
        phone = (phones.get(hit.id) or [{}])[0].get("number")
        place = next((loc for loc in hit.locations if loc.city), None)
        entries[hit.id] = TownEntry(
            id=hit.id,
            name=hit.name,
            url=url_for("services.service_page", service_id=hit.id),
            organization=hit.organization,
            organization_url=(
                url_for("services.organization_page", organization_id=hit.organization_id)
                if hit.organization_id
                else None
            ),
            address=(f"{place.name}, {place.city}" if place and place.name != hit.name else None)
            or (place.city if place else None),
            phone=phone,
            phone_href=tel_href(phone) if phone else None,
            opening=openings.get(hit.id),
            is_located_here=located,
        )
    return entries


def _sections(town: Municipality, found: list[tuple[SearchHit, bool]]) -> list[DomainSection]:
    entries = _entries(found)
    sections = []
    labels = {**domain_labels(), OTHER: "Overige"}
    for code, label in labels.items():
        members = [
            entries[hit.id]
            for hit, _ in found
            if code in hit.domains or (code == OTHER and not hit.domains)
        ]
        members.sort(key=lambda e: (not e.is_located_here, e.name.lower()))
        search = {"municipality": town.name_nl}
        if code != OTHER:
            search["domain"] = code
        sections.append(
            DomainSection(code, label, tuple(members), url_for("search.search_page", **search))
        )
    return [s for s in sections if s.entries or s.code != OTHER]


def _partnership_view(partnership: Partnership) -> dict:
    contact = partnership.contact
    return {
        "name": partnership.name,
        "summary": partnership.summary,
        "region": partnership.reference_region,
        "promoter": partnership.promoter,
        "partners": partnership.partners,
        "steps": partnership.referral_steps,
        "email": contact.email,
        "person": contact.person,
        "phone": contact.phone,
        "phone_href": tel_href(contact.phone) if contact.phone else None,
        "website": safe_link(contact.website),
        "referral_form": safe_link(contact.referral_form),
        "towns": [m.name for m in partnership.municipalities],
    }


@bp.get("/gemeente")
def town_index() -> Response | tuple[str, int] | str:
    """All municipalities; with ?naam= it jumps to that town's page."""
    gazetteer = get_state().gazetteer
    name = (request.args.get("naam") or "").strip()[:100]
    error, suggestions = None, []
    if name:
        try:
            town = resolve_town(name, gazetteer)
        except UnknownMunicipality as exc:
            error = str(exc)
            suggestions = [
                (s.name_nl, url_for("towns.town_page", key=s.slug)) for s in exc.suggestions
            ]
        else:
            return redirect(url_for("towns.town_page", key=town.slug))
    provinces: dict[str, list[tuple[str, str]]] = {}
    for town in gazetteer.municipalities():
        provinces.setdefault(town.province, []).append(
            (town.name_nl, url_for("towns.town_page", key=town.slug))
        )
    page = render_template(
        "towns.html",
        provinces=sorted(provinces.items()),
        error=error,
        suggestions=suggestions,
        name=name,
    )
    return (page, 404) if error else page


@bp.get("/gemeente/<key>")
def town_page(key: str) -> Response | str:
    """'Sociale kaart van <gemeente>': per life domain the services for this town, and a map."""
    gazetteer = get_state().gazetteer
    try:
        town = resolve_town(key, gazetteer)
    except UnknownMunicipality as exc:
        links = ", ".join(s.name_nl for s in exc.suggestions)
        hint = f" Bedoelde u: {links}?" if links else ""
        abort(404, description=f"Geen gemeente gevonden voor ‘{key[:60]}’.{hint}")
    if key != town.slug:
        return redirect(url_for("towns.town_page", key=town.slug), code=301)
    found = town_hits(town)
    sections = _sections(town, found)
    points = [
        MapPoint(
            loc.lat,
            loc.lon,
            hit.name,
            url_for("services.service_page", service_id=hit.id),
            loc.name,
        )
        for hit, located in found
        if located
        for loc in hit.locations
        if loc.lat is not None and loc.lon is not None
    ]
    outline = municipality_outline(town.nis)
    map_html = page_map(
        points, f"Kaart van de diensten in {town.name_nl}", [outline] if outline else []
    )
    return render_template(
        "town.html",
        town=town,
        sections=sections,
        total=len(found),
        partnerships=[_partnership_view(p) for p in partnerships_for(town.nis)],
        map=map_html,
        check_url=url_for("exhaustion.check_page", gemeente=town.slug),
        search_url=url_for("search.search_page", municipality=town.name_nl),
    )
