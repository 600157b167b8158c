"""The rights check's questionnaire state and what a step shows: the answers carried in hidden
form fields (never stored on the server), questions refilled, answers as text, and the check of
one set of answers. No flask here: plain functions over form mappings, testable without a request.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from directory.gazetteer import Gazetteer, Municipality
from rights import (
    Evaluation,
    Fact,
    Option,
    Question,
    Range,
    RuleBook,
    Situation,
    SituationError,
    evaluate,
)
from rights.model import format_date_nl, format_number_nl
from web.views.rights_results import (
    Offices,
    ResultView,
    StatusGroup,
    result_view,
    status_groups,
)

MUNICIPALITY = "municipality"  # not a fact of the engine: resolved with the gazetteer
MUNICIPALITY_QUESTION = "In welke gemeente woont de persoon?"
MAX_STATE_CHARS = 20_000  # a full set of answers is about 2,000 characters
MAX_INPUT_CHARS = 100
DUTCH_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
DUTCH_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
NO_ANSWER = "Kies of vul een antwoord in, of kies ‘Weet ik niet’."


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


def known_ids(book: RuleBook) -> set[str]:
    """The ids a form may carry: the engine's facts and the municipality."""
    return {*book.facts, MUNICIPALITY}


def read_state(form: Mapping[str, str], book: RuleBook) -> FormState:
    """The carried state; anything unreadable is dropped with a Dutch notice, never a crash."""
    state = FormState()
    known = known_ids(book)
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


def fact_label(fact_id: str, book: RuleBook) -> str:
    """The Dutch label of a question's fact, capitalised for answer lists and sheets."""
    text = "gemeente" if fact_id == MUNICIPALITY else book.facts[fact_id].label_nl
    return text[:1].upper() + text[1:]


def answer_lines(state: FormState, situation: Situation, book: RuleBook) -> list[AnswerLine]:
    """Given and skipped answers, in the order they were handled."""
    order = [*state.history, *[k for k in state.answers if k not in state.history]]
    lines = []
    for fact_id in dict.fromkeys(order):
        if fact_id in state.answers:
            lines.append(
                AnswerLine(
                    fact_id, fact_label(fact_id, book), answer_text(fact_id, situation, book)
                )
            )
        elif fact_id in state.skipped:
            lines.append(AnswerLine(fact_id, fact_label(fact_id, book), "Weet ik niet"))
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


def run_check(
    state: FormState,
    book: RuleBook,
    gazetteer: Gazetteer,
    on: date,
    offices_of: Callable[[Municipality | None], Offices],
) -> Check:
    """Evaluate the carried answers on `on`; `offices_of` says where to apply in the town."""
    situation = situation_of(state, gazetteer, book)
    evaluation = evaluate(situation, on=on, rulebook=book)
    town = gazetteer.by_nis(situation.municipality_nis) if situation.municipality_nis else None
    offices = offices_of(town)
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
