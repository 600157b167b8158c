"""The rights check's pages: questionnaire (/rechten) and the two printable sheets.

Nothing about the person is stored or logged: the answers travel in the POSTed form (hidden fields)
or the API body, and every response of blueprint ``rights`` (pages and ``rights_api``) says
``no-store``. The rules live in ``rights``; the form state in ``rights_form``; the result views and
the town's offices in ``rights_results``.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from rights import Question, Situation, SituationError, default_rulebook
from rights.model import format_date_nl
from web.state import get_state
from web.views import clock, rights_api
from web.views.rights_form import (
    MUNICIPALITY,
    Check,
    FormState,
    fact_label,
    known_ids,
    question_view,
    read_answer,
    read_state,
    run_check,
)
from web.views.rights_results import town_offices

bp = Blueprint("rights", __name__)
rights_api.register(bp)


@bp.after_request
def _private(response: Response) -> Response:
    """Answers must not linger in caches or leak to linked sites through the Referer header."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _check(state: FormState) -> Check:
    """The check of the carried answers today, with the offices of the person's town."""
    book = default_rulebook()
    return run_check(
        state,
        book,
        get_state().gazetteer,
        clock.now().date(),
        lambda town: town_offices(town, book),
    )


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
    known = known_ids(book)
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
    check = _check(state)
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
    check = _check(read_state(request.form, default_rulebook()))
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
    check = _check(read_state(request.form, default_rulebook()))
    skipped = [fact_label(f, default_rulebook()) for f in check.state.skipped]
    return render_template(
        "rights/sheet_worker.html",
        check=check,
        hidden=check.state.hidden(),
        skipped=skipped,
        today=format_date_nl(check.evaluation.on),
    )
