"""Local partnerships (Midwest Moves, WestUp, Link): region, contact, referral steps, intake check.

Reads data/partnerships.yaml; the intake check is pure and three-valued, so a referrer sees what is
met, what is not, and which questions are still open. Imports only directory.gazetteer.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from directory.gazetteer import Gazetteer, default_gazetteer

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "partnerships.yaml"

_KINDS = ("residence", "min_age", "age_range", "fact", "not_both", "any_of")
_CONTACT_FIELDS = ("person", "email", "phone", "website", "referral_form")


class Outcome(StrEnum):
    MEETS = "meets"
    DOES_NOT_MEET = "does_not_meet"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class NeedProfile:
    """What a referrer knows about a person; None means "not known yet". Never stored."""

    municipality_nis: str | None = None  # where the person actually lives
    age: int | None = None
    has_employment_contract: bool | None = None
    is_professionally_active: bool | None = None
    has_valid_residence: bool | None = None
    is_long_term_sick: bool | None = None
    in_compulsory_education: bool | None = None
    is_supported_by_service: bool | None = None  # other help is already present
    has_activation_question: bool | None = None
    consents: bool | None = None
    regular_services_exhausted: bool | None = None
    is_care_avoider: bool | None = None
    has_migration_background: bool | None = None


_FACTS = frozenset(f.name for f in dataclasses.fields(NeedProfile)) - {"municipality_nis", "age"}


@dataclass(frozen=True)
class Contact:
    person: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    referral_form: str | None = None


@dataclass(frozen=True)
class FormerMunicipality:
    nis: str  # NIS code 2019-2024
    name: str


@dataclass(frozen=True)
class RegionMunicipality:
    nis: str  # NIS code since 1 January 2025
    name: str
    former: tuple[FormerMunicipality, ...] = ()


@dataclass(frozen=True)
class Criterion:
    id: str
    kind: str
    label: str
    question: str | None = None
    excluded: str | None = None
    min_age: int | None = None
    max_age: int | None = None
    fact: str | None = None
    expected: bool | None = None
    facts: tuple[str, ...] = ()
    options: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class IntakeNote:
    """Advice that never blocks, shown when the profile may fall under it."""

    text: str
    min_age: int | None = None
    max_age: int | None = None
    fact: str | None = None
    expected: bool | None = None


@dataclass(frozen=True)
class Partnership:
    id: str
    name: str
    reference_region: str
    source: str
    summary: str
    municipalities: tuple[RegionMunicipality, ...]
    contact: Contact
    referral_steps: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    notes: tuple[IntakeNote, ...] = ()
    promoter: str | None = None
    partners: tuple[str, ...] = ()

    @property
    def all_nis(self) -> frozenset[str]:
        """Current NIS codes plus the 2019-2024 codes of merged municipalities."""
        return frozenset(
            code
            for m in self.municipalities
            for code in (m.nis, *(former.nis for former in m.former))
        )

    def municipality(self, nis: str) -> RegionMunicipality | None:
        for m in self.municipalities:
            if nis == m.nis or any(nis == former.nis for former in m.former):
                return m
        return None


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    label: str
    outcome: Outcome
    explanation: str  # Dutch
    question: str | None  # Dutch, only when the outcome is unknown


@dataclass(frozen=True)
class IntakeCheck:
    partnership_id: str
    outcome: Outcome
    results: tuple[CriterionResult, ...]
    notes: tuple[str, ...]

    @property
    def questions(self) -> tuple[str, ...]:
        return tuple(r.question for r in self.results if r.question)


class PartnershipDataError(ValueError):
    """The partnerships file is broken; the message names the partnership and the field."""


# -- loading --------------------------------------------------------------------------------------


class _Reader:
    """Typed access to one YAML mapping, with errors that say where the problem is."""

    def __init__(self, source: str, partnership: str, data: Any, where: str = "") -> None:
        self.source, self.partnership, self.where = source, partnership, where
        if not isinstance(data, Mapping):
            self.fail("", "expected a mapping")
        self.data = data

    def fail(self, key: str, problem: str) -> None:
        field = f"{self.where}.{key}" if self.where and key else self.where or key
        raise PartnershipDataError(
            f"{self.source}: partnership '{self.partnership}', field '{field}': {problem}"
        )

    def child(self, key: str, data: Any) -> _Reader:
        where = f"{self.where}.{key}" if self.where else key
        return _Reader(self.source, self.partnership, data, where)

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "expected a non-empty text")
        return value.strip()

    def integer(self, key: str, required: bool = True) -> int | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.fail(key, "expected a whole number >= 0")
        return value

    def boolean(self, key: str) -> bool:
        value = self.data.get(key)
        if not isinstance(value, bool):
            self.fail(key, "expected true or false")
        return value

    def items(self, key: str, required: bool = True) -> list[Any]:
        value = self.data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            self.fail(key, "expected a non-empty list")
        return value

    def fact(self, key: str) -> str:
        name = self.text(key)
        if name not in _FACTS:
            self.fail(key, f"unknown fact {name!r}; known: {', '.join(sorted(_FACTS))}")
        return name


def _criterion(reader: _Reader, nested: bool = False) -> Criterion:
    kind = reader.text("kind")
    if kind not in _KINDS or (nested and kind in ("residence", "any_of")):
        reader.fail("kind", f"unknown criterion kind {kind!r}")
    values: dict[str, Any] = {
        "id": reader.text("id"),
        "kind": kind,
        "label": reader.text("label"),
        "question": reader.text("question", required=not nested),
        "excluded": reader.text("excluded", required=not nested),
    }
    if kind in ("min_age", "age_range"):
        values["min_age"] = reader.integer("min_age")
    if kind == "age_range":
        values["max_age"] = reader.integer("max_age")
        if values["max_age"] < values["min_age"]:
            reader.fail("max_age", "must not be below min_age")
    if kind == "fact":
        values["fact"] = reader.fact("fact")
        values["expected"] = reader.boolean("expected")
    if kind == "not_both":
        facts = reader.items("facts")
        values["facts"] = tuple(
            reader.child(f"facts[{i}]", {"fact": f}).fact("fact") for i, f in enumerate(facts)
        )
    if kind == "any_of":
        values["options"] = tuple(
            _criterion(reader.child(f"options[{i}]", option), nested=True)
            for i, option in enumerate(reader.items("options"))
        )
    return Criterion(**values)


def _note(reader: _Reader) -> IntakeNote:
    fact = reader.fact("fact") if "fact" in reader.data else None
    return IntakeNote(
        text=reader.text("text"),
        min_age=reader.integer("min_age", required=False),
        max_age=reader.integer("max_age", required=False),
        fact=fact,
        expected=reader.boolean("expected") if fact else None,
    )


def _partnership(source: str, data: Any, index: int, gazetteer: Gazetteer) -> Partnership:
    name = data.get("id") if isinstance(data, Mapping) else None
    reader = _Reader(source, str(name or f"#{index + 1}"), data)
    municipalities = []
    for i, item in enumerate(reader.items("municipalities")):
        entry = reader.child(f"municipalities[{i}]", item)
        nis = entry.text("nis")
        try:
            gazetteer.by_nis(nis)
        except KeyError:
            entry.fail("nis", f"{nis!r} is not a current NIS code")
        former = tuple(
            FormerMunicipality(f.text("nis"), f.text("name"))
            for f in (
                entry.child(f"former[{j}]", x)
                for j, x in enumerate(entry.items("former", required=False))
            )
        )
        municipalities.append(RegionMunicipality(nis, entry.text("name"), former))
    contact = reader.child("contact", reader.data.get("contact") or {})
    for key in contact.data:
        if key not in _CONTACT_FIELDS:
            contact.fail(key, f"unknown contact field; known: {', '.join(_CONTACT_FIELDS)}")
    intake = reader.child("intake", reader.data.get("intake"))
    criteria = tuple(
        _criterion(intake.child(f"criteria[{i}]", c))
        for i, c in enumerate(intake.items("criteria"))
    )
    ids = [c.id for c in criteria]
    if len(set(ids)) != len(ids):
        intake.fail("criteria", "criterion ids must be unique")
    notes = tuple(
        _note(intake.child(f"notes[{i}]", n))
        for i, n in enumerate(intake.items("notes", required=False))
    )
    steps = reader.items("referral_steps")
    for i, step in enumerate(steps):
        if not isinstance(step, str) or not step.strip():
            reader.fail(f"referral_steps[{i}]", "expected a non-empty text")
    partners = reader.items("partners", required=False)
    return Partnership(
        id=reader.text("id"),
        name=reader.text("name"),
        reference_region=reader.text("reference_region"),
        source=reader.text("source"),
        summary=reader.text("summary"),
        municipalities=tuple(municipalities),
        contact=Contact(**{key: contact.text(key) for key in contact.data}),
        referral_steps=tuple(" ".join(step.split()) for step in steps),
        criteria=criteria,
        notes=notes,
        promoter=reader.text("promoter", required=False),
        partners=tuple(str(p) for p in partners),
    )


def load_partnerships(
    path: Path | None = None, gazetteer: Gazetteer | None = None
) -> tuple[Partnership, ...]:
    """Read and validate the partnerships file; NIS codes are checked against the gazetteer."""
    path = path or DEFAULT_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PartnershipDataError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, Mapping) or not isinstance(data.get("partnerships"), list):
        raise PartnershipDataError(f"{path.name}: expected a top-level 'partnerships' list")
    gazetteer = gazetteer or default_gazetteer()
    partnerships = tuple(
        _partnership(path.name, item, i, gazetteer) for i, item in enumerate(data["partnerships"])
    )
    ids = [p.id for p in partnerships]
    if len(set(ids)) != len(ids):
        raise PartnershipDataError(f"{path.name}: partnership ids must be unique")
    return partnerships


@functools.cache
def default_partnerships() -> tuple[Partnership, ...]:
    return load_partnerships()


def partnerships_for(
    municipality_nis: str, partnerships: Iterable[Partnership] | None = None
) -> list[Partnership]:
    """Partnerships working in a municipality (current NIS, or a 2019-2024 one of a merged town)."""
    candidates = default_partnerships() if partnerships is None else partnerships
    return [p for p in candidates if municipality_nis in p.all_nis]


# -- intake check ---------------------------------------------------------------------------------


def _age_outcome(age: int | None, low: int | None, high: int | None) -> Outcome:
    if age is None:
        return Outcome.UNKNOWN
    if (low is not None and age < low) or (high is not None and age > high):
        return Outcome.DOES_NOT_MEET
    return Outcome.MEETS


def _fact_outcome(value: bool | None, expected: bool | None) -> Outcome:
    if value is None:
        return Outcome.UNKNOWN
    return Outcome.MEETS if value == expected else Outcome.DOES_NOT_MEET


def _outcome(partnership: Partnership, criterion: Criterion, profile: NeedProfile) -> Outcome:
    kind = criterion.kind
    if kind == "residence":
        if profile.municipality_nis is None:
            return Outcome.UNKNOWN
        in_region = profile.municipality_nis in partnership.all_nis
        return Outcome.MEETS if in_region else Outcome.DOES_NOT_MEET
    if kind == "min_age":
        return _age_outcome(profile.age, criterion.min_age, None)
    if kind == "age_range":
        return _age_outcome(profile.age, criterion.min_age, criterion.max_age)
    if kind == "fact":
        return _fact_outcome(getattr(profile, criterion.fact or ""), criterion.expected)
    if kind == "not_both":
        values = [getattr(profile, fact) for fact in criterion.facts]
        if any(value is False for value in values):
            return Outcome.MEETS
        return Outcome.DOES_NOT_MEET if all(values) else Outcome.UNKNOWN
    outcomes = [_outcome(partnership, option, profile) for option in criterion.options]
    return _combine_any(outcomes)


def _combine_any(outcomes: Sequence[Outcome]) -> Outcome:
    if Outcome.MEETS in outcomes:
        return Outcome.MEETS
    return Outcome.UNKNOWN if Outcome.UNKNOWN in outcomes else Outcome.DOES_NOT_MEET


def _explain(
    partnership: Partnership, criterion: Criterion, outcome: Outcome, profile: NeedProfile
) -> str:
    label = _lower_first(criterion.label)
    if outcome == Outcome.DOES_NOT_MEET:
        return criterion.excluded or f"Niet voldaan: {label}."
    if outcome == Outcome.UNKNOWN:
        return f"Nog niet bekend: {label}."
    detail = ""
    if criterion.kind == "residence" and profile.municipality_nis:
        town = partnership.municipality(profile.municipality_nis)
        detail = f" ({town.name})" if town else ""
    elif criterion.kind in ("min_age", "age_range"):
        detail = f" ({profile.age} jaar)"
    elif criterion.kind == "any_of":
        met = [
            _lower_first(o.label)
            for o in criterion.options
            if _outcome(partnership, o, profile) == Outcome.MEETS
        ]
        detail = f" ({', '.join(met)})"
    return f"Voldaan: {label}{detail}."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _note_applies(note: IntakeNote, profile: NeedProfile) -> bool:
    """An age-bound note needs a known age in range; an unknown fact keeps the note visible."""
    if note.min_age is not None or note.max_age is not None:
        if _age_outcome(profile.age, note.min_age, note.max_age) != Outcome.MEETS:
            return False
    if note.fact is not None:
        return _fact_outcome(getattr(profile, note.fact), note.expected) != Outcome.DOES_NOT_MEET
    return True


def check_intake(partnership: Partnership, profile: NeedProfile) -> IntakeCheck:
    """Per criterion meets / does_not_meet / unknown; overall: any failure, else any unknown."""
    results = []
    for criterion in partnership.criteria:
        outcome = _outcome(partnership, criterion, profile)
        results.append(
            CriterionResult(
                criterion_id=criterion.id,
                label=criterion.label,
                outcome=outcome,
                explanation=_explain(partnership, criterion, outcome, profile),
                question=criterion.question if outcome == Outcome.UNKNOWN else None,
            )
        )
    outcomes = {r.outcome for r in results}
    if Outcome.DOES_NOT_MEET in outcomes:
        overall = Outcome.DOES_NOT_MEET
    elif Outcome.UNKNOWN in outcomes:
        overall = Outcome.UNKNOWN
    else:
        overall = Outcome.MEETS
    notes = tuple(note.text for note in partnership.notes if _note_applies(note, profile))
    return IntakeCheck(partnership.id, overall, tuple(results), notes)
