"""The rights check: questionnaire (/rechten), two printable sheets, and its JSON API.

Nothing about the person is stored or logged: the answers travel in the POSTed form (hidden fields)
or the API body, and every response says ``no-store``. The rules live in ``rights``; this module
only asks, shows, and finds the offices of the person's town in the catalogue.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from directory import models as m
from directory.gazetteer import Gazetteer, Municipality
from directory.hsds import services_to_hsds
from rights import (
    STATUS_LABELS_NL,
    STATUSES,
    EntitlementResult,
    Evaluation,
    Fact,
    Figure,
    OfficeMatch,
    Option,
    Question,
    Range,
    RuleBook,
    Situation,
    SituationError,
    default_rulebook,
    evaluate,
    match_offices,
)
from rights.model import format_date_nl, format_number_nl
from web.state import get_session, get_state
from web.views import clock
from web.views.formatting import tel_href

log = logging.getLogger(__name__)

bp = Blueprint("rights", __name__)

MUNICIPALITY = "municipality"  # not a fact of the engine: resolved with the gazetteer
MUNICIPALITY_QUESTION = "In welke gemeente woont de persoon?"
MAX_STATE_CHARS = 20_000  # a full set of answers is about 2,000 characters
MAX_BODY_BYTES = 64_000
MAX_INPUT_CHARS = 100
SERVICES_PER_KIND = 2  # the best catalogue services shown per kind of office
OFFICES_TTL_SECONDS = 300  # catalogue edits show up in the rights check within five minutes
OPEN_GROUPS = frozenset({"already_has", "automatic_check", "likely"})
DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
DUTCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
NO_ANSWER = "Kies of vul een antwoord in, of kies ‘Weet ik niet’."


@bp.after_request
def _private(response: Response) -> Response:
    """Answers must not linger in caches or leak to linked sites through the Referer header."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- views of the evaluation, shared by the pages and the API -------------------------------------


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


# -- the questionnaire's state: answers travel in hidden fields, never on the server --------------


@dataclass
class FormState:
    """What the person answered so far, as carried by the form."""

    answers: dict[str, Any] = field(default_factory=dict)  # raw answers, as from_json takes them
    skipped: list[str] = field(default_factory=list)  # "weet ik niet": never asked again
    history: list[str] = field(default_factory=list)  # questions in the order they were handled
    notices: list[str] = field(default_factory=list)

    def hidden(self) -> dict[str, str]:
        return {
            "answers": json.dumps(self.answers, ensure_ascii=False, sort_keys=True),
            "skipped": " ".join(self.skipped),
            "history": " ".join(self.history),
        }

    def remember(self, fact_id: str) -> None:
        if fact_id not in self.history:
            self.history.append(fact_id)


def _known_ids(book: RuleBook) -> set[str]:
    return {*book.facts, MUNICIPALITY}


def read_state(form: Mapping[str, str], book: RuleBook) -> FormState:
    """The carried state; anything unreadable is dropped with a Dutch notice, never a crash."""
    state = FormState()
    known = _known_ids(book)
    raw = form.get("answers") or ""
    if len(raw) > MAX_STATE_CHARS:
        state.notices.append("De antwoorden waren te lang om te lezen; begin opnieuw.")
    elif raw:
        try:
            answers = json.loads(raw)
        except ValueError:
            answers = None
        if isinstance(answers, dict):
            state.answers = {k: v for k, v in answers.items() if k in known and v is not None}
        else:
            state.notices.append("De vorige antwoorden konden niet gelezen worden; begin opnieuw.")
    for name in ("skipped", "history"):
        ids = [i for i in (form.get(name) or "")[:MAX_STATE_CHARS].split() if i in known]
        setattr(state, name, list(dict.fromkeys(ids)))
    state.skipped = [i for i in state.skipped if i not in state.answers]
    return state


def situation_of(state: FormState, gazetteer: Gazetteer, book: RuleBook) -> Situation:
    """Validate the carried answers; drop (with a notice) any that no longer validate."""
    for _ in range(len(state.answers) + 1):
        try:
            return Situation.from_json(state.answers, book, gazetteer=gazetteer)
        except SituationError as exc:
            bad = [key for key in exc.errors if key in state.answers] or list(state.answers)
            for key in bad:
                state.answers.pop(key, None)
            state.notices.append(
                "Dit antwoord is weggelaten omdat het niet klopte: " + " ".join(exc.errors.values())
            )
    return Situation()


def number_from_text(text: str) -> float | str:
    """'1.250,50', '1250,5', '€ 900' -> a number; anything else stays text for a clear message."""
    cleaned = text.replace("€", "").replace("\u00a0", "").replace(" ", "")
    if DUTCH_THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return text
    return int(number) if number.is_integer() else number


def read_answer(fact_id: str, form: MultiDict[str, str], book: RuleBook) -> tuple[Any, str | None]:
    """The answer to one question as from_json takes it, or a Dutch message when none was given."""
    value = (form.get("value") or "").strip()[:MAX_INPUT_CHARS]
    if fact_id == MUNICIPALITY:
        return (value, None) if value else (None, "Geef de naam of de postcode van de gemeente.")
    fact = book.facts[fact_id]
    if fact.type == "multi_choice":
        return sorted({v[:MAX_INPUT_CHARS] for v in form.getlist("values")}), None
    if fact.type == "money" and fact.accepts_range:
        low = (form.get("value_min") or "").strip()[:MAX_INPUT_CHARS]
        high = (form.get("value_max") or "").strip()[:MAX_INPUT_CHARS]
        if not value and (low or high):
            if not (low and high):
                return None, "Geef voor een schatting zowel het laagste als het hoogste bedrag."
            return {"min": number_from_text(low), "max": number_from_text(high)}, None
    if not value:
        return None, NO_ANSWER
    if fact.type == "boolean":
        return {"ja": True, "nee": False}.get(value, value), None
    if fact.type in ("integer", "money"):
        return number_from_text(value), None
    if fact.type == "date":
        found = DUTCH_DATE.match(value)
        if found:
            day, month, year = found.groups()
            return f"{year}-{int(month):02d}-{int(day):02d}", None
    return value, None


# -- what a step shows -----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionView:
    """One question on screen, with what to refill it with."""

    fact_id: str
    text: str
    answer_type: str  # a fact type, or "municipality"
    options: tuple[Option, ...] = ()
    unit: str | None = None
    hint: str | None = None
    accepts_range: bool = False
    value: str = ""
    values: frozenset[str] = frozenset()
    value_min: str = ""
    value_max: str = ""
    count: int = 0  # undecided entitlements it can settle


@dataclass(frozen=True)
class AnswerLine:
    fact_id: str
    label: str
    value: str  # "Weet ik niet" when skipped


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _input_text(value: Any) -> str:
    """A stored answer back in the input box ('1250,5', not '1250.5')."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float):
        return _plain(value).replace(".", ",")
    return _plain(value)


def _hint(fact: Fact) -> str | None:
    if fact.type == "integer" and fact.minimum is not None and fact.maximum is not None:
        unit = f" {fact.unit}" if fact.unit else ""
        return f"Een geheel getal van {fact.minimum:g} tot {fact.maximum:g}{unit}."
    if fact.type == "money":
        return f"Bedrag in euro ({fact.unit or 'EUR'}), bv. 1250,50."
    if fact.type == "date":
        return "Bv. 31-05-1980 of 1980-05-31."
    return None


def question_view(
    fact_id: str,
    book: RuleBook,
    *,
    stored: Any = None,
    typed: MultiDict[str, str] | None = None,
    ranked: Question | None = None,
) -> QuestionView:
    """The question for `fact_id`, refilled with what was typed (after an error) or answered."""
    count = ranked.count if ranked else 0
    if fact_id == MUNICIPALITY:
        value = (typed.get("value") if typed else None) or _plain(stored)
        return QuestionView(
            fact_id,
            MUNICIPALITY_QUESTION,
            MUNICIPALITY,
            hint="Naam, deelgemeente of postcode, bv. Roeselare of 8800.",
            value=value[:MAX_INPUT_CHARS],
        )
    fact = book.facts[fact_id]
    if typed is not None:
        value = (typed.get("value") or "")[:MAX_INPUT_CHARS]
        values = frozenset(typed.getlist("values"))
        low, high = typed.get("value_min") or "", typed.get("value_max") or ""
    else:
        value, values, low, high = "", frozenset(), "", ""
        if isinstance(stored, Mapping):
            low, high = _input_text(stored.get("min")), _input_text(stored.get("max"))
        elif isinstance(stored, list):
            values = frozenset(str(v) for v in stored)
        elif stored is not None:
            value = _input_text(stored)
    return QuestionView(
        fact_id=fact_id,
        text=fact.question_nl,
        answer_type=fact.type,
        options=fact.options,
        unit=fact.unit,
        hint=_hint(fact),
        accepts_range=fact.accepts_range,
        value=value,
        values=values,
        value_min=low[:MAX_INPUT_CHARS],
        value_max=high[:MAX_INPUT_CHARS],
        count=count,
    )


def answer_text(fact_id: str, situation: Situation, book: RuleBook) -> str:
    """An answer as a person reads it: 'ja', 'Leefloon, Eenoudergezin', '1.250,00 EUR/maand'."""
    if fact_id == MUNICIPALITY:
        return situation.municipality or ""
    fact = book.facts[fact_id]
    value = situation.value(fact_id)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, frozenset):
        labels = [fact.option_label(code) for code in sorted(value)]
        return ", ".join(labels) if labels else "geen van deze"
    if isinstance(value, Range):
        return (
            f"tussen {format_number_nl(value.low, fact.unit)} "
            f"en {format_number_nl(value.high, fact.unit)}"
        )
    if isinstance(value, date):
        return format_date_nl(value)
    if fact.type == "choice" and isinstance(value, str):
        return fact.option_label(value)
    if isinstance(value, int | float):
        return format_number_nl(value, fact.unit)
    return "" if value is None else str(value)


def _label(fact_id: str, book: RuleBook) -> str:
    text = "gemeente" if fact_id == MUNICIPALITY else book.facts[fact_id].label_nl
    return text[:1].upper() + text[1:]


def answer_lines(state: FormState, situation: Situation, book: RuleBook) -> list[AnswerLine]:
    """Given and skipped answers, in the order they were handled."""
    order = [*state.history, *[k for k in state.answers if k not in state.history]]
    lines = []
    for fact_id in dict.fromkeys(order):
        if fact_id in state.answers:
            lines.append(
                AnswerLine(fact_id, _label(fact_id, book), answer_text(fact_id, situation, book))
            )
        elif fact_id in state.skipped:
            lines.append(AnswerLine(fact_id, _label(fact_id, book), "Weet ik niet"))
    return lines


def pending_questions(state: FormState, evaluation: Evaluation) -> list[Question]:
    """The engine's ranked questions minus those answered (a range can stay open) or skipped."""
    done = {*state.answers, *state.skipped}
    return [q for q in evaluation.questions if q.fact_id not in done]


@dataclass(frozen=True)
class Check:
    """Everything a page of the rights check shows for one set of answers."""

    state: FormState
    situation: Situation
    evaluation: Evaluation
    town: Municipality | None
    results: tuple[ResultView, ...]
    groups: list[StatusGroup]
    answers: list[AnswerLine]
    pending: list[Question]

    def in_status(self, *statuses: str) -> list[ResultView]:
        return [r for r in self.results if r.status in statuses]


def run_check(state: FormState, on: date | None = None) -> Check:
    """Evaluate the carried answers (today by default) for a page."""
    book = default_rulebook()
    gazetteer = get_state().gazetteer
    situation = situation_of(state, gazetteer, book)
    evaluation = evaluate(situation, on=on or clock.now().date(), rulebook=book)
    town = gazetteer.by_nis(situation.municipality_nis) if situation.municipality_nis else None
    offices = town_offices(town, book)
    results = tuple(result_view(r, evaluation.on, offices, book) for r in evaluation.results)
    return Check(
        state=state,
        situation=situation,
        evaluation=evaluation,
        town=town,
        results=results,
        groups=status_groups(results),
        answers=answer_lines(state, situation, book),
        pending=pending_questions(state, evaluation),
    )


# -- pages -----------------------------------------------------------------------------------------


def _next_fact(state: FormState, pending: list[Question]) -> str | None:
    if MUNICIPALITY not in state.answers and MUNICIPALITY not in state.skipped:
        return MUNICIPALITY
    return pending[0].fact_id if pending else None


def _previous_fact(state: FormState, current: str | None) -> str | None:
    """The question before `current` in the order handled (the last one when at a new question)."""
    history = state.history
    if current in history:
        index = history.index(current)
        return history[index - 1] if index > 0 else None
    return history[-1] if history else None


def _step(
    state: FormState, form: MultiDict[str, str]
) -> tuple[str | None, MultiDict | None, list[str]]:
    """Apply the pressed button; return the question to show, what to refill it with, errors."""
    book = default_rulebook()
    known = _known_ids(book)
    current = form.get("fact") if form.get("fact") in known else None
    action = form.get("action") or "answer"
    if action.startswith("edit:"):
        target = action.removeprefix("edit:")
        return (target if target in known else None), None, []
    if action == "back":
        return _previous_fact(state, current), None, []
    if current is None:
        return None, None, []
    if action == "skip":
        state.answers.pop(current, None)
        if current not in state.skipped:
            state.skipped.append(current)
        state.remember(current)
        return None, None, []
    value, missing = read_answer(current, form, book)
    if missing:
        return current, form, [missing]
    candidate = {**state.answers, current: value}
    try:
        situation = Situation.from_json(candidate, book, gazetteer=get_state().gazetteer)
    except SituationError as exc:
        return current, form, list(exc.errors.values())
    if current == MUNICIPALITY:  # "8800" or "rumbeke" is kept as the official name
        candidate[MUNICIPALITY] = situation.municipality
    state.answers = candidate
    state.skipped = [s for s in state.skipped if s != current]
    state.remember(current)
    return None, None, []


def _render_step(
    state: FormState, shown: str | None, typed: MultiDict | None, errors: list[str]
) -> str:
    check = run_check(state)
    book = default_rulebook()
    fact_id = shown or _next_fact(state, check.pending)
    question = None
    if fact_id is not None:
        ranked = next((q for q in check.evaluation.questions if q.fact_id == fact_id), None)
        question = question_view(
            fact_id, book, stored=state.answers.get(fact_id), typed=typed, ranked=ranked
        )
    towns = [t.name_nl for t in get_state().gazetteer.municipalities()]
    return render_template(
        "rights/questionnaire.html",
        check=check,
        question=question,
        errors=errors,
        hidden=state.hidden(),
        step=len(state.history) + 1,
        can_go_back=_previous_fact(state, fact_id) is not None,
        towns=towns if question and question.answer_type == MUNICIPALITY else [],
        api_url=url_for("rights.api_evaluate"),
    )


@bp.get("/rechten")
def questionnaire_start() -> str:
    """The first question, with the (still open) result list."""
    return _render_step(FormState(), None, None, [])


@bp.post("/rechten")
def questionnaire_step() -> tuple[str, int] | str:
    """Handle one answer, skip or 'vorige', then show the next question and the live results."""
    state = read_state(request.form, default_rulebook())
    shown, typed, errors = _step(state, request.form)
    page = _render_step(state, shown, typed, errors)
    return (page, 422) if errors else page


@bp.route("/rechten/blad", methods=["GET", "POST"])
def person_sheet() -> Response | str:
    """The printable sheet for the person: what to do, where, what to bring."""
    if request.method == "GET":
        return redirect(url_for("rights.questionnaire_start"), 303)
    check = run_check(read_state(request.form, default_rulebook()))
    return render_template(
        "rights/sheet_person.html",
        check=check,
        hidden=check.state.hidden(),
        today=format_date_nl(check.evaluation.on),
    )


@bp.route("/rechten/verslag", methods=["GET", "POST"])
def worker_sheet() -> Response | str:
    """The printable report for the worker: every result with why, why not, figures, sources."""
    if request.method == "GET":
        return redirect(url_for("rights.questionnaire_start"), 303)
    check = run_check(read_state(request.form, default_rulebook()))
    skipped = [_label(f, default_rulebook()) for f in check.state.skipped]
    return render_template(
        "rights/sheet_worker.html",
        check=check,
        hidden=check.state.hidden(),
        skipped=skipped,
        today=format_date_nl(check.evaluation.on),
    )


# -- JSON API --------------------------------------------------------------------------------------


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


@bp.post("/api/v1/rights/evaluate")
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


@bp.get("/api/v1/rights")
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
