"""JSON API /api/v1: search (the search page's twin), municipalities, one service, OpenAPI.

Success bodies carry ``ok: true``; errors are ``{ok: false, error, status}`` (web.views.errors).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request, url_for

from directory.gazetteer import Municipality, UnknownMunicipality, normalize
from web.state import get_state
from web.views.search import build_search_context
from web.views.services import load_service_view
from web.views.towns import resolve_town

bp = Blueprint("api", __name__, url_prefix="/api/v1")

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi.json"
MAX_MATCHES = 10


@bp.get("/search")
def search() -> tuple[Response, int]:
    """Search with the same parameters as /zoeken."""
    ctx = build_search_context(request.args, endpoint="api.search")
    return jsonify(ctx.as_json()), ctx.status


def _municipality_json(town: Municipality) -> dict[str, Any]:
    return {
        "nis": town.nis,
        "name": town.name_nl,
        "name_fr": town.name_fr,
        "slug": town.slug,
        "province": town.province,
        "postcodes": list(town.postcodes),
        "lat": town.lat,
        "lon": town.lon,
        "url": url_for("towns.town_page", key=town.slug),
    }


@bp.get("/municipalities")
def municipalities() -> Response:
    """Resolve any form of a town name or postcode, or complete the start of one (?q=)."""
    gazetteer = get_state().gazetteer
    q = (request.args.get("q") or "").strip()[:100]
    everything = gazetteer.municipalities()
    if not q:
        return jsonify(ok=True, match=None, results=[_municipality_json(t) for t in everything])
    key = normalize(q)
    if not key:
        # Only punctuation or spaces: every name "starts with" the empty key, so nothing matches.
        return jsonify(ok=True, match=None, results=[])
    match: Municipality | None
    suggestions: list[Municipality] = []
    try:
        match = resolve_town(q, gazetteer)
    except UnknownMunicipality as exc:
        match, suggestions = None, exc.suggestions
    starts = [
        t
        for t in everything
        if normalize(t.name_nl).startswith(key) or any(p.startswith(key) for p in t.postcodes)
    ]
    results = ([match] if match else []) + [t for t in starts if t != match] + suggestions
    unique = list(dict.fromkeys(results))[:MAX_MATCHES]
    return jsonify(
        ok=True,
        match=_municipality_json(match) if match else None,
        results=[_municipality_json(t) for t in unique],
    )


@bp.get("/services/<service_id>")
def service(service_id: str) -> Response:
    """One service as the service page shows it."""
    view = load_service_view(service_id)
    if view is None:
        abort(404, description=f"Onbekende dienst: {service_id[:80]}")
    body = view.as_json()
    body["url"] = url_for("services.service_page", service_id=view.id)
    return jsonify(ok=True, service=body)


@cache
def _openapi_text(path: Path) -> str:
    return json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return Response(_openapi_text(OPENAPI_PATH), mimetype="application/json")
