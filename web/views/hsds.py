"""The HSDS 3.0 API under /hsds/, as the official openapi.json describes it; read-only, CORS open.

HTTP only: parameters are parsed and checked here, the queries and document shapes live in
``directory.queries``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import cache
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context, url_for

from directory import models as m
from directory.queries import (
    Coverage,
    IdPage,
    Near,
    ServiceFilter,
    entity_documents,
    find_organizations,
    find_service_at_locations,
    find_services,
    find_taxonomies,
    find_taxonomy_terms,
    organization_documents,
    parse_timestamp,
    service_at_location_documents,
    service_documents,
)
from directory.validation import SCHEMA_DIR
from web.state import get_session, get_state

bp = Blueprint("hsds", __name__, url_prefix="/hsds")

HSDS_VERSION = "3.0"
HSDS_PROFILE = "https://openreferral.org/specification/3.0/"
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000  # far beyond any catalogue; keeps SQL offsets in range
NDJSON_BATCH = 100
_POSTCODE = re.compile(r"[1-9]\d{3}")
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}

Finder = Callable[[int, int | None], IdPage]
Renderer = Callable[[Sequence[str]], list[dict]]


class ApiError(Exception):
    """A request the API refuses; the message is Dutch, for the person behind the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> tuple[Response, int]:
    return jsonify(ok=False, error=error.message, status=error.status), error.status


@bp.after_request
def _cors(response: Response) -> Response:
    """Open data: any site may read it. No cookies are involved, so ``*`` is safe."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
        asked = request.headers.get("Access-Control-Request-Headers")
        response.headers["Access-Control-Allow-Headers"] = asked or "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "86400"
        response.vary.add("Access-Control-Request-Headers")
    return response


# ------------------------------------------------------------------------------------ endpoints


@bp.get("/")
def meta() -> Response:
    """What this API is: the HSDS version and profile, and where its description lives."""
    return jsonify(
        version=HSDS_VERSION,
        profile=HSDS_PROFILE,
        openapi_url=url_for("hsds.openapi", _external=True),
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    """The official HSDS 3.0 openapi.json, with its placeholders filled in for this server."""
    document = dict(_official_openapi())
    document["info"] = {
        "title": "socialekaart HSDS API",
        "version": "1",
        "summary": "The social map of Flanders as Open Referral HSDS 3.0.",
        "description": "Read-only; CORS open. Errors are JSON: {ok, error, status}.",
        "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
    }
    document["servers"] = [{"url": url_for("hsds.meta", _external=True).rstrip("/")}]
    return jsonify(document)


@bp.get("/services")
def services() -> Response:
    """Services, paginated; one-to-one fields unless ``full``."""
    wanted = _service_filter()
    full = _bool_arg("full")
    return _listing(
        lambda page, per_page: find_services(get_session(), wanted, page=page, per_page=per_page),
        lambda ids: service_documents(get_session(), ids, full=full),
    )


@bp.get("/services/<entity_id>")
def service(entity_id: str) -> Response:
    """One fully nested service."""
    return _one(service_documents(get_session(), [entity_id], full=True), "dienst", entity_id)


@bp.get("/organizations")
def organizations() -> Response:
    """Organizations, paginated; nested with their services when ``full`` or ``full_service``."""
    search = request.args.get("search", "")
    full, full_service = _bool_arg("full"), _bool_arg("full_service")
    return _listing(
        lambda page, per_page: find_organizations(
            get_session(), search, page=page, per_page=per_page
        ),
        lambda ids: organization_documents(
            get_session(), ids, full=full, full_service=full_service
        ),
    )


@bp.get("/organizations/<entity_id>")
def organization(entity_id: str) -> Response:
    """One nested organization with its services (full ones with ``full_service``)."""
    documents = organization_documents(
        get_session(), [entity_id], full=True, full_service=_bool_arg("full_service")
    )
    return _one(documents, "organisatie", entity_id)


@bp.get("/taxonomies")
def taxonomies() -> Response:
    """Taxonomies, paginated."""
    search = request.args.get("search", "")
    return _listing(
        lambda page, per_page: find_taxonomies(get_session(), search, page=page, per_page=per_page),
        lambda ids: entity_documents(get_session(), m.Taxonomy, ids),
    )


@bp.get("/taxonomies/<entity_id>")
def taxonomy(entity_id: str) -> Response:
    """One taxonomy."""
    return _one(entity_documents(get_session(), m.Taxonomy, [entity_id]), "taxonomie", entity_id)


@bp.get("/taxonomy_terms")
def taxonomy_terms() -> Response:
    """Taxonomy terms, paginated; by taxonomy, by parent, or only top-level ones."""
    search = request.args.get("search", "")
    taxonomy_id = request.args.get("taxonomy_id") or None
    parent_id = request.args.get("parent_id") or None
    top_only = _bool_arg("top_only")
    return _listing(
        lambda page, per_page: find_taxonomy_terms(
            get_session(),
            search,
            taxonomy_id=taxonomy_id,
            parent_id=parent_id,
            top_only=top_only,
            page=page,
            per_page=per_page,
        ),
        lambda ids: entity_documents(get_session(), m.TaxonomyTerm, ids),
    )


@bp.get("/taxonomy_terms/<entity_id>")
def taxonomy_term(entity_id: str) -> Response:
    """One taxonomy term, with its taxonomy."""
    documents = entity_documents(get_session(), m.TaxonomyTerm, [entity_id])
    return _one(documents, "taxonomieterm", entity_id)


@bp.get("/service_at_locations")
def service_at_locations() -> Response:
    """Services at locations, paginated; by postcode, or within ``proximity`` metres of it."""
    wanted = _service_filter()
    full = _bool_arg("full")
    coverage, near = _place()
    return _listing(
        lambda page, per_page: find_service_at_locations(
            get_session(), wanted, coverage=coverage, near=near, page=page, per_page=per_page
        ),
        lambda ids: service_at_location_documents(get_session(), ids, full=full),
    )


@bp.get("/service_at_locations/<entity_id>")
def service_at_location(entity_id: str) -> Response:
    """One fully nested service at a location, with its service."""
    documents = service_at_location_documents(get_session(), [entity_id], full=True)
    return _one(documents, "dienst op locatie", entity_id)


# -------------------------------------------------------------------------------------- helpers


@cache
def _official_openapi() -> dict[str, Any]:
    return json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))


def _one(documents: list[dict], what: str, entity_id: str) -> Response:
    if not documents:
        raise ApiError(404, f"Geen {what} gevonden met id '{entity_id}'.")
    return jsonify(documents[0])


def _listing(find: Finder, render: Renderer) -> Response:
    """A Page object as openapi.json defines it, or every result as NDJSON (no pagination)."""
    if _format() == "ndjson":
        ids = find(1, None).ids
        return Response(stream_with_context(_ndjson(ids, render)), mimetype="application/x-ndjson")
    page = _int_arg("page", 1, 1, MAX_PAGE)
    per_page = _int_arg("per_page", current_app.config["PER_PAGE"], 1, MAX_PER_PAGE)
    found = find(page, per_page)
    contents = render(found.ids)
    total_pages = math.ceil(found.total / per_page)
    return jsonify(
        total_items=found.total,
        total_pages=total_pages,
        page_number=page,
        size=len(contents),
        first_page=page == 1,
        last_page=page >= total_pages,
        empty=not contents,
        contents=contents,
    )


def _ndjson(ids: Sequence[str], render: Renderer) -> Iterator[str]:
    for start in range(0, len(ids), NDJSON_BATCH):
        for document in render(ids[start : start + NDJSON_BATCH]):
            yield json.dumps(document, ensure_ascii=False) + "\n"


def _format() -> str:
    value = request.args.get("format", "json").strip().lower() or "json"
    if value not in ("json", "ndjson"):
        raise ApiError(400, f"Onbekend formaat '{value}': kies json of ndjson.")
    return value


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise ApiError(
            400, f"{name} moet een geheel getal van {low} tot {high} zijn, niet '{raw}'."
        )
    return value


def _bool_arg(name: str) -> bool:
    raw = request.args.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ApiError(400, f"{name} moet true of false zijn, niet '{raw}'.")


def _service_filter() -> ServiceFilter:
    return ServiceFilter(
        search=request.args.get("search", ""),
        taxonomy_term_id=request.args.get("taxonomy_term_id") or None,
        taxonomy_id=request.args.get("taxonomy_id") or None,
        organization_id=request.args.get("organization_id") or None,
        modified_after=_modified_after(),
    )


def _modified_after() -> datetime | None:
    raw = request.args.get("modified_after", "").strip()
    if not raw:
        return None
    # An unencoded "+01:00" arrives as " 01:00": put the plus back.
    text = re.sub(r" (\d{2}:?\d{2})$", r"+\1", raw)
    try:
        return parse_timestamp(text)
    except ValueError:
        raise ApiError(
            400,
            f"modified_after is geen geldige datum: '{raw}'. "
            "Gebruik ISO 8601, bijvoorbeeld 2025-01-31 of 2025-01-31T08:00:00Z.",
        ) from None


def _place() -> tuple[Coverage | None, Near | None]:
    """``postcode`` (coverage) and ``proximity`` (metres from the postcode's centre)."""
    postcode = request.args.get("postcode", "").strip()
    proximity = request.args.get("proximity", "").strip()
    if not postcode:
        if proximity:
            raise ApiError(
                400, "proximity vraagt ook een postcode: de afstand telt vanaf die postcode."
            )
        return None, None
    if not _POSTCODE.fullmatch(postcode):
        raise ApiError(400, f"Ongeldige postcode '{postcode}': verwacht 4 cijfers.")
    gazetteer = get_state().gazetteer
    municipality = gazetteer.lookup(postcode)
    coverage = Coverage(postcode, municipality.nis if municipality else None)
    if not proximity:
        return coverage, None
    try:
        metres = float(proximity)
    except ValueError:
        metres = math.nan
    if not (math.isfinite(metres) and metres > 0):
        raise ApiError(400, f"proximity moet een afstand in meter zijn (> 0), niet '{proximity}'.")
    point = gazetteer.place_point(postcode, None)
    if point is None:
        raise ApiError(
            400, f"Postcode {postcode} is onbekend: de afstand kan niet berekend worden."
        )
    return coverage, Near(point[0], point[1], metres / 1000)
