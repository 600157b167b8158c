"""The rights check's JSON API: evaluate a situation, list the entitlements and facts.

Its routes hang on the pages' blueprint ``rights`` (see ``register``), so they share its no-store /
no-referrer hook; the request body is never stored or logged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import Blueprint, jsonify, request, url_for
from werkzeug.wrappers import Response

from rights import (
    STATUS_LABELS_NL,
    STATUSES,
    Figure,
    Situation,
    SituationError,
    default_rulebook,
    evaluate,
)
from web.state import get_state
from web.views import clock
from web.views.rights_form import MUNICIPALITY, MUNICIPALITY_QUESTION
from web.views.rights_results import town_offices

MAX_BODY_BYTES = 64_000


def register(bp: Blueprint) -> None:
    """Attach the API routes to the rights blueprint; endpoints stay ``rights.api_*``."""
    bp.add_url_rule("/api/v1/rights/evaluate", view_func=api_evaluate, methods=["POST"])
    bp.add_url_rule("/api/v1/rights", view_func=api_entitlements, methods=["GET"])


def _api_error(message: str, errors: Mapping[str, str], status: int = 400) -> tuple[Response, int]:
    body = {
        "ok": False,
        "error": message,
        "status": status,
        "errors": [{"field": key, "message": text} for key, text in errors.items()],
    }
    return jsonify(body), status


def _api_date(raw: Any) -> date | str:
    """The evaluation date, or a Dutch message."""
    if raw is None:
        return clock.now().date()
    if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    return f"Datum moet een bestaande datum zijn in de vorm JJJJ-MM-DD (gekregen: {raw!r:.40})."


def _figure_json(figure: Figure, on: date) -> dict[str, Any]:
    return {**figure.as_json(on), "value_nl": figure.value_nl()}


def api_evaluate() -> tuple[Response, int]:
    """Evaluate a situation (facts may be missing): per entitlement status, why, where to apply."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _api_error("De gegevens zijn te groot.", {"-": "Maximaal 64 kB."}, 413)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        example = '{"situation": {"statuses": ["leefloon"], "municipality": "Roeselare"}}'
        return _api_error("Stuur de situatie als JSON-object.", {"-": f"Bijvoorbeeld: {example}"})
    errors: dict[str, str] = {}
    if "situation" in body:
        facts = body["situation"]
        for key in body:
            if key not in ("situation", "date"):
                name = str(key)[:40]
                errors[name] = f"Onbekend veld '{name}': zet de gegevens in 'situation'."
    else:
        facts = {k: v for k, v in body.items() if k != "date"}
    on = _api_date(body.get("date"))
    if isinstance(on, str):
        errors["date"] = on
    book = default_rulebook()
    gazetteer = get_state().gazetteer
    situation = None
    if not isinstance(facts, dict):
        errors["situation"] = "De situatie moet een JSON-object zijn met gegevens."
    else:
        try:
            situation = Situation.from_json(facts, book, gazetteer=gazetteer)
        except SituationError as exc:
            errors.update(exc.errors)
    if errors or situation is None or isinstance(on, str):
        return _api_error("Niet alle gegevens zijn geldig: zie 'errors'.", errors)
    evaluation = evaluate(situation, on=on, rulebook=book)
    town = gazetteer.by_nis(situation.municipality_nis) if situation.municipality_nis else None
    offices = town_offices(town, book)
    results = []
    for result in evaluation.results:
        item = result.as_json(evaluation.on)
        item["figures"] = [_figure_json(f, evaluation.on) for f in result.figures]
        item["offices"] = [
            {"code": code, "label": book.offices[code].label_nl if code in book.offices else code}
            for code in result.office_kinds
        ]
        item["services"] = [s.as_json() for s in offices.get(result.id, ())]
        results.append(item)
    municipality = (
        {
            "name": town.name_nl,
            "nis": town.nis,
            "url": url_for("towns.town_page", key=town.slug),
        }
        if town
        else None
    )
    body_out = {
        "ok": True,
        "date": evaluation.on.isoformat(),
        "municipality": municipality,
        "situation": situation.as_json(),
        "results": results,
        "questions": [q.as_json() for q in evaluation.questions],
    }
    return jsonify(body_out), 200


def api_entitlements() -> tuple[Response, int]:
    """Every entitlement with its offices, documents, sources and dated figures; and the facts."""
    on = _api_date(request.args.get("date"))
    if isinstance(on, str):
        return _api_error("Ongeldige datum.", {"date": on})
    book = default_rulebook()
    entitlements = []
    for entitlement in book.entitlements:
        figures = [book.parameters[p].on(on) for p in entitlement.figures if p in book.parameters]
        entitlements.append(
            {
                "id": entitlement.id,
                "name": entitlement.name_nl,
                "level": entitlement.level,
                "grant_mode": entitlement.grant_mode,
                "offices": [
                    {"code": c, "label": book.offices[c].label_nl if c in book.offices else c}
                    for c in entitlement.office_kinds
                ],
                "apply_at": list(entitlement.apply_at),
                "documents": list(entitlement.documents),
                "sources": list(entitlement.sources),
                "notes": list(entitlement.notes),
                "figures": [_figure_json(f, on) for f in figures if f is not None],
            }
        )
    facts = [
        {
            "id": fact.id,
            "type": fact.type,
            "label": fact.label_nl,
            "question": fact.question_nl,
            "options": [{"code": o.code, "label": o.label_nl} for o in fact.options],
            "min": fact.minimum,
            "max": fact.maximum,
            "unit": fact.unit,
            "accepts_range": fact.accepts_range,
        }
        for fact in book.facts.values()
    ]
    facts.append(
        {
            "id": MUNICIPALITY,
            "type": "municipality",
            "label": "gemeente",
            "question": MUNICIPALITY_QUESTION,
            "options": [],
            "min": None,
            "max": None,
            "unit": None,
            "accepts_range": False,
        }
    )
    return jsonify(
        ok=True,
        date=on.isoformat(),
        statuses=[{"code": s, "label": STATUS_LABELS_NL[s]} for s in STATUSES],
        entitlements=entitlements,
        facts=facts,
    ), 200
