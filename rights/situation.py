"""The situation of a person and household as validated facts; bad answers get Dutch messages.

Nothing is stored: a Situation lives as long as one request. Imports rights modules and the
gazetteer (directory.gazetteer) to resolve the municipality.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from directory.gazetteer import Gazetteer, Municipality, UnknownMunicipality, default_gazetteer
from rights.conditions import suggestion
from rights.model import Range
from rights.rules import RuleBook, default_rulebook
from rights.vocabulary import Fact, parse_iso_date

FactValue = bool | int | float | str | date | Range | frozenset[str]
MUNICIPALITY_KEY = "municipality"
BRUSSELS_NIS_PREFIX = "21"


class SituationError(ValueError):
    """Invalid answers; `.errors` maps each bad field to a Dutch message for the user."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(" ".join(self.errors.values()))


@dataclass(frozen=True)
class Situation:
    """Known facts only: a missing fact is unknown, never a default."""

    facts: Mapping[str, FactValue] = field(default_factory=dict)
    municipality: str | None = None  # official Dutch name, resolved with the gazetteer
    municipality_nis: str | None = None

    @classmethod
    def from_json(
        cls,
        data: Mapping[str, Any],
        rulebook: RuleBook | None = None,
        *,
        gazetteer: Gazetteer | None = None,
        today: date | None = None,
    ) -> Situation:
        """Validate a JSON object of answers (null = unknown); raise SituationError in Dutch.

        `municipality` (name, postcode, deelgemeente) is resolved with the gazetteer and, when
        the region is not given, answers it (Flemish or Brussels municipality).
        """
        book = rulebook or default_rulebook()
        if not isinstance(data, Mapping):
            raise SituationError({"-": "De situatie moet een JSON-object zijn met gegevens."})
        errors: dict[str, str] = {}
        facts: dict[str, FactValue] = {}
        municipality = None
        for key, raw in data.items():
            if raw is None:
                continue
            if key == MUNICIPALITY_KEY:
                municipality = _municipality(raw, gazetteer, errors)
                continue
            fact = book.facts.get(key)
            if fact is None:
                hint = _hint_nl(key, [*book.facts, MUNICIPALITY_KEY])
                errors[key] = f"Onbekend gegeven '{key}'.{hint}"
                continue
            value = _validate(fact, raw, errors, today or date.today())
            if value is not None:
                facts[key] = value
        _move_options(book, facts, errors)
        _check_household(book, facts, errors)
        if municipality is not None:
            _region_of(municipality, book, facts, errors)
        if errors:
            raise SituationError(errors)
        return cls(
            facts,
            municipality.name_nl if municipality else None,
            municipality.nis if municipality else None,
        )

    def value(self, fact_id: str) -> FactValue | None:
        return self.facts.get(fact_id)

    def as_json(self) -> dict[str, Any]:
        """The answers in the shape from_json accepts."""
        out: dict[str, Any] = {}
        for key, value in self.facts.items():
            if isinstance(value, Range):
                out[key] = value.as_json()
            elif isinstance(value, frozenset):
                out[key] = sorted(value)
            elif isinstance(value, date):
                out[key] = value.isoformat()
            else:
                out[key] = value
        if self.municipality_nis:
            out[MUNICIPALITY_KEY] = self.municipality
        return out


def _hint_nl(value: Any, choices: Any) -> str:
    english = suggestion(value, choices)  # " (did you mean 'x'?)"
    return f" Bedoelde u '{english.split(chr(39))[1]}'?" if english else ""


def _label(fact: Fact) -> str:
    return fact.label_nl[:1].upper() + fact.label_nl[1:]


def _municipality(
    raw: Any, gazetteer: Gazetteer | None, errors: dict[str, str]
) -> Municipality | None:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 100:
        errors[MUNICIPALITY_KEY] = "Gemeente: geef de naam of de postcode van de gemeente."
        return None
    try:
        return (gazetteer or default_gazetteer()).resolve(raw)
    except UnknownMunicipality as exc:
        errors[MUNICIPALITY_KEY] = str(exc)  # already Dutch, with suggestions
        return None


def _region_of(
    municipality: Municipality, book: RuleBook, facts: dict[str, FactValue], errors: dict[str, str]
) -> None:
    """The gazetteer knows Flemish and Brussels municipalities: the town answers the region."""
    region = "brussel" if municipality.nis.startswith(BRUSSELS_NIS_PREFIX) else "vlaanderen"
    if "region" not in book.facts:
        return
    if facts.get("region", region) != region:
        errors["region"] = (
            f"Gewest: {municipality.name_nl} ligt niet in het gekozen gewest ({facts['region']})."
        )
    facts["region"] = region


def _validate(fact: Fact, raw: Any, errors: dict[str, str], today: date) -> FactValue | None:
    label = _label(fact)
    if fact.type == "boolean":
        if isinstance(raw, bool):
            return raw
        errors[fact.id] = f"{label}: antwoord met ja of nee (true of false)."
    elif fact.type == "integer":
        number = _number(raw)
        if number is None or not float(number).is_integer():
            errors[fact.id] = f"{label}: geef een geheel getal (gekregen: {raw!r})."
        elif not _in_bounds(fact, number):
            errors[fact.id] = (
                f"{label} moet tussen {fact.minimum:g} en {fact.maximum:g} liggen "
                f"(gekregen: {number:g})."
            )
        else:
            return int(number)
    elif fact.type == "money":
        return _money(fact, raw, errors)
    elif fact.type == "choice":
        codes = [option.code for option in fact.options]
        if isinstance(raw, str) and raw in codes:
            return raw
        errors[fact.id] = (
            f"{label}: onbekend antwoord {raw!r}.{_hint_nl(raw, codes)} "
            f"Mogelijk: {', '.join(codes)}."
        )
    elif fact.type == "multi_choice":
        return _multi(fact, raw, errors)
    elif fact.type == "date":
        day = parse_iso_date(raw) if isinstance(raw, str) else None
        if day is None:
            errors[fact.id] = (
                f"{label} moet een datum zijn in de vorm JJJJ-MM-DD (gekregen: {raw!r})."
            )
        elif day > today:
            errors[fact.id] = f"{label} ligt in de toekomst ({raw})."
        elif fact.derives == "age" and today.year - day.year > 120:
            errors[fact.id] = f"{label}: een leeftijd boven 120 jaar is niet mogelijk ({raw})."
        else:
            return day
    return None


def _number(raw: Any) -> float | None:
    """A JSON number, or a string such as '1250,50' from a form; None if not a finite number."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, str):
        try:
            raw = float(raw.strip().replace(",", "."))
        except ValueError:
            return None
    if isinstance(raw, int) and not -(10**15) < raw < 10**15:
        raw = math.inf  # a number too large for a float is refused like infinity
    if isinstance(raw, int | float) and math.isfinite(raw):
        return raw
    return None


def _in_bounds(fact: Fact, number: float) -> bool:
    low = -math.inf if fact.minimum is None else fact.minimum
    high = math.inf if fact.maximum is None else fact.maximum
    return low <= number <= high


def _money(fact: Fact, raw: Any, errors: dict[str, str]) -> float | Range | None:
    label = _label(fact)
    if isinstance(raw, Mapping) or isinstance(raw, list):
        if not fact.accepts_range:
            errors[fact.id] = f"{label}: geef één bedrag."
            return None
        low, high = (
            (raw.get("min"), raw.get("max"))
            if isinstance(raw, Mapping)
            else (raw + [None, None])[:2]
        )
        low_number, high_number = _number(low), _number(high)
        if low_number is None or high_number is None or (isinstance(raw, list) and len(raw) != 2):
            errors[fact.id] = (
                f"{label}: een bereik heeft een minimum en een maximum, "
                'bv. {"min": 20000, "max": 25000}.'
            )
        elif low_number < 0 or high_number < 0:
            errors[fact.id] = f"{label} mag niet negatief zijn."
        elif low_number > high_number:
            errors[fact.id] = f"{label}: het minimum is groter dan het maximum."
        else:
            return low_number if low_number == high_number else Range(low_number, high_number)
        return None
    number = _number(raw)
    if number is None:
        errors[fact.id] = f"{label}: geef een bedrag in euro, bv. 1250.50 (gekregen: {raw!r})."
    elif number < 0:
        errors[fact.id] = f"{label} mag niet negatief zijn (gekregen: {number:g})."
    else:
        return number
    return None


def _multi(fact: Fact, raw: Any, errors: dict[str, str]) -> frozenset[str] | None:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        errors[fact.id] = f"{_label(fact)}: geef een lijst (leeg = geen)."
        return None
    codes = [option.code for option in fact.options]
    allowed = {*codes, *(fact.moved_options or {})}
    unknown = [item for item in raw if item not in allowed]
    if unknown:
        errors[fact.id] = " ".join(
            f"{_label(fact)}: onbekende waarde '{item}'.{_hint_nl(item, codes)}" for item in unknown
        )
        return None
    return frozenset(raw)


def _move_options(book: RuleBook, facts: dict[str, FactValue], errors: dict[str, str]) -> None:
    """Housing and residence codes ticked as statuses answer the tenure and residence questions."""
    for fact in book.facts.values():
        chosen = facts.get(fact.id)
        if not fact.moved_options or not isinstance(chosen, frozenset):
            continue
        for code in sorted(chosen & set(fact.moved_options)):
            target, value = fact.moved_options[code]
            if facts.get(target, value) != value:
                other = book.facts[target]
                errors[target] = (
                    f"{_label(other)}: '{code}' bij {fact.label_nl} "
                    f"spreekt '{facts[target]}' tegen."
                )
            facts[target] = value
        facts[fact.id] = chosen - set(fact.moved_options)


def _check_household(book: RuleBook, facts: dict[str, FactValue], errors: dict[str, str]) -> None:
    size = facts.get("household_size")
    if not isinstance(size, int):
        return
    # A minor can be the person asked about; a person is never their own dependant.
    for fact_id, most in (("minor_children", size), ("dependants", size - 1)):
        count = facts.get(fact_id)
        if isinstance(count, int) and fact_id in book.facts and count > most:
            errors[fact_id] = (
                f"{_label(book.facts[fact_id])} ({count}) past niet bij het aantal "
                f"gezinsleden ({size})."
            )
