"""Public values of the rights check: statuses, dated figures, results, questions, office matches.

Frozen dataclasses only; this module imports nothing from the rest of the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from directory.opening_hours import MONTH_NAMES

STATUSES: tuple[str, ...] = (
    "already_has",
    "automatic_check",
    "likely",
    "possible",
    "unlikely",
    "not_applicable",
)

STATUS_LABELS_NL: dict[str, str] = {
    "already_has": "Heeft dit al",
    "automatic_check": "Automatisch: controleer of het toegekend is",
    "likely": "Waarschijnlijk recht",
    "possible": "Mogelijk recht (nog vragen open)",
    "unlikely": "Waarschijnlijk geen recht",
    "not_applicable": "Niet van toepassing",
}

ANSWER_TYPES: tuple[str, ...] = ("boolean", "integer", "money", "choice", "multi_choice", "date")

# A figure older than this must be re-checked before a user relies on it.
FIGURE_MAX_AGE = timedelta(days=365)


def format_date_nl(day: date) -> str:
    """'1 mei 2024': dates as Flemish users read them."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def format_number_nl(value: float, unit: str | None = None) -> str:
    """Dutch number notation; money (EUR units) always with two decimals."""
    if unit and unit.startswith("EUR"):
        text = f"{value:,.2f}"
    elif float(value).is_integer():
        text = f"{int(value):,}"
    else:
        text = f"{value:,.2f}"
    text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text} {unit}" if unit else text


@dataclass(frozen=True)
class Range:
    """A value known only between two bounds (e.g. an income 'between 20,000 and 25,000')."""

    low: float
    high: float

    def as_json(self) -> dict[str, float]:
        return {"min": self.low, "max": self.high}


@dataclass(frozen=True)
class Figure:
    """One dated value of a parameter, with where it comes from and whether it was verified."""

    parameter_id: str
    label_nl: str
    value: float
    unit: str
    valid_from: date
    verified: bool
    source: str
    date_estimated: bool = False
    note: str | None = None

    def needs_check(self, on: date) -> bool:
        """Must users be told to check it? Unverified, undated or over a year old."""
        return not self.verified or self.date_estimated or on - self.valid_from > FIGURE_MAX_AGE

    def caption_nl(self, on: date) -> str:
        """'bedrag van 1 mei 2024, te controleren': the date (and doubt) shown with the figure."""
        noun = "bedrag" if self.unit.startswith("EUR") else "waarde"
        when = format_date_nl(self.valid_from)
        if self.date_estimated:
            when = f"ongeveer {when}"
        caption = f"{noun} van {when}"
        return f"{caption}, te controleren" if self.needs_check(on) else caption

    def value_nl(self) -> str:
        return format_number_nl(self.value, self.unit)

    def as_json(self, on: date) -> dict[str, Any]:
        return {
            "parameter": self.parameter_id,
            "label": self.label_nl,
            "value": self.value,
            "unit": self.unit,
            "valid_from": self.valid_from.isoformat(),
            "date_estimated": self.date_estimated,
            "verified": self.verified,
            "needs_check": self.needs_check(on),
            "caption": self.caption_nl(on),
            "source": self.source,
        }


@dataclass(frozen=True)
class Option:
    code: str
    label_nl: str


@dataclass(frozen=True)
class Question:
    """An unknown fact worth asking, with how many undecided entitlements it appears in."""

    fact_id: str
    text_nl: str
    answer_type: str
    options: tuple[Option, ...]
    unit: str | None
    minimum: float | None
    maximum: float | None
    accepts_range: bool
    entitlement_ids: tuple[str, ...]
    settles: int  # undecided entitlements for which this is the only unknown fact

    @property
    def count(self) -> int:
        return len(self.entitlement_ids)

    def as_json(self) -> dict[str, Any]:
        return {
            "fact": self.fact_id,
            "question": self.text_nl,
            "answer_type": self.answer_type,
            "options": [{"code": o.code, "label": o.label_nl} for o in self.options],
            "unit": self.unit,
            "min": self.minimum,
            "max": self.maximum,
            "accepts_range": self.accepts_range,
            "entitlements": list(self.entitlement_ids),
            "count": self.count,
            "settles": self.settles,
        }


@dataclass(frozen=True)
class OfficeKind:
    code: str
    label_nl: str
    phrases: tuple[str, ...]
    prefer: tuple[str, ...]


@dataclass(frozen=True)
class OfficeMatch:
    """A catalogue service of the person's town where an entitlement can be applied for."""

    service_id: str
    service_name: str
    organization_name: str | None
    office_kind: str
    office_label_nl: str
    score: int
    url: str | None


@dataclass(frozen=True)
class EntitlementResult:
    id: str
    name_nl: str
    level: str
    grant_mode: str
    status: str
    why: tuple[str, ...]
    why_not: str | None
    unknowns: tuple[str, ...]
    office_kinds: tuple[str, ...]
    apply_at: tuple[str, ...]
    documents: tuple[str, ...]
    figures: tuple[Figure, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...]

    @property
    def status_label_nl(self) -> str:
        return STATUS_LABELS_NL[self.status]

    def as_json(self, on: date) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name_nl,
            "level": self.level,
            "grant_mode": self.grant_mode,
            "status": self.status,
            "status_label": self.status_label_nl,
            "why": list(self.why),
            "why_not": self.why_not,
            "unknowns": list(self.unknowns),
            "office_kinds": list(self.office_kinds),
            "apply_at": list(self.apply_at),
            "documents": list(self.documents),
            "figures": [figure.as_json(on) for figure in self.figures],
            "sources": list(self.sources),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Evaluation:
    on: date
    results: tuple[EntitlementResult, ...]
    questions: tuple[Question, ...]

    def result(self, entitlement_id: str) -> EntitlementResult:
        for result in self.results:
            if result.id == entitlement_id:
                return result
        raise KeyError(entitlement_id)

    def with_status(self, *statuses: str) -> tuple[EntitlementResult, ...]:
        return tuple(result for result in self.results if result.status in statuses)

    def as_json(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "results": [result.as_json(self.on) for result in self.results],
            "questions": [question.as_json() for question in self.questions],
        }


@dataclass(frozen=True)
class RuleProblem:
    file: str
    entitlement: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"entitlement '{self.entitlement}', " if self.entitlement else ""
        return f"{self.file}: {where}field '{self.field}': {self.message}"


class RuleFileError(ValueError):
    """The rule files are broken; `.problems` lists every problem found."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"- {problem}" for problem in problems)
        super().__init__(f"{len(problems)} problem(s) in the rights rule files:\n{lines}")
