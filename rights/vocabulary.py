"""Facts and dated parameters: the vocabulary the rules are written in, loaded from data/rights/.

Also where rule-file problems are collected. Imports only the standard library, yaml and rights.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from rights.conditions import suggestion
from rights.model import ANSWER_TYPES, Figure, OfficeKind, Option, RuleProblem

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FACT_KEYS = (
    "type",
    "label_nl",
    "question_nl",
    "options",
    "options_from",
    "moved_options",
    "min",
    "max",
    "unit",
    "accepts_range",
    "derives",
)
VALUE_KEYS = ("valid_from", "value", "verified", "source", "date_estimated", "note")


@dataclass(frozen=True)
class Fact:
    id: str
    type: str
    label_nl: str
    question_nl: str
    options: tuple[Option, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None
    accepts_range: bool = False
    derives: str | None = None
    moved_options: Mapping[str, tuple[str, str]] | None = None  # code -> (fact id, value)

    def option_label(self, code: str) -> str:
        for option in self.options:
            if option.code == code:
                return option.label_nl
        return code


@dataclass(frozen=True)
class Parameter:
    id: str
    label_nl: str
    unit: str
    values: tuple[Figure, ...]  # sorted by valid_from

    def on(self, day: date) -> Figure | None:
        """The value valid on `day`: the latest valid_from on or before it."""
        current = None
        for figure in self.values:
            if figure.valid_from <= day:
                current = figure
        return current


class Problems:
    def __init__(self) -> None:
        self.items: list[RuleProblem] = []

    def add(self, file: str, entitlement: str | None, field: str, message: str) -> None:
        self.items.append(RuleProblem(file, entitlement, field, message))


# The C loader when libyaml is there: the rule files load in a fraction of the time.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, problems: Problems, name: str | None = None) -> Any:
    name = name or path.name
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_LOADER)  # noqa: S506 - a safe loader
    except OSError as exc:
        problems.add(name, None, "-", f"cannot read file: {exc.strerror}")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark else ""
        problems.add(name, None, "-", f"invalid YAML: {line}{getattr(exc, 'problem', exc)}")
    return None


def read_mapping(path: Path, problems: Problems) -> dict[str, Any]:
    """A YAML file whose top level must be a mapping; anything else is reported, not raised."""
    data = read_yaml(path, problems)
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.add(
            path.name, None, "-", f"expected a mapping at the top, not {type(data).__name__}"
        )
        return {}
    return data


def parse_iso_date(value: Any) -> date | None:
    """A date from YAML (already a date) or a 'YYYY-MM-DD' string; None when malformed."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def load_facts(
    path: Path, vocabulary: Mapping[str, str], entries: Mapping[str, Any], problems: Problems
) -> dict[str, Fact]:
    raw_facts = read_mapping(path, problems)
    facts: dict[str, Fact] = {}
    for fact_id, raw in raw_facts.items():

        def bad(field: str, message: str, fact_id: str = fact_id) -> None:
            problems.add(path.name, None, f"{fact_id}.{field}", message)

        if not isinstance(raw, dict):
            bad("-", "a fact must be a mapping")
            continue
        for key in raw:
            if key not in FACT_KEYS:
                bad(key, f"unexpected key{suggestion(key, FACT_KEYS)}")
        fact_type = raw.get("type")
        if fact_type not in ANSWER_TYPES:
            bad("type", f"must be one of {', '.join(ANSWER_TYPES)}, got {fact_type!r}")
            continue
        for key in ("label_nl", "question_nl"):
            if not raw.get(key):
                bad(key, "missing")
        moved = {
            code: next(iter(target.items()))
            for code, target in (raw.get("moved_options") or {}).items()
        }
        options = _fact_options(raw, vocabulary, entries, set(moved), bad)
        if fact_type in ("choice", "multi_choice") and not options:
            bad("options", f"a {fact_type} fact needs options")
        facts[fact_id] = Fact(
            id=fact_id,
            type=fact_type,
            label_nl=raw.get("label_nl", fact_id),
            question_nl=raw.get("question_nl", ""),
            options=options,
            minimum=raw.get("min"),
            maximum=raw.get("max"),
            unit=raw.get("unit"),
            accepts_range=bool(raw.get("accepts_range", False)),
            derives=raw.get("derives"),
            moved_options=moved or None,
        )
    for fact in facts.values():
        if fact.derives and (fact.type != "date" or fact.derives not in facts):
            problems.add(
                path.name,
                None,
                f"{fact.id}.derives",
                "only a date fact can derive an existing integer fact (age)",
            )
        for code, (target, value) in (fact.moved_options or {}).items():
            target_fact = facts.get(target)
            if target_fact is None or value not in {o.code for o in target_fact.options}:
                problems.add(
                    path.name,
                    None,
                    f"{fact.id}.moved_options.{code}",
                    f"unknown target {target}={value}",
                )
    return facts


def _fact_options(
    raw: dict[str, Any],
    vocabulary: Mapping[str, str],
    entries: Mapping[str, Any],
    moved: set[str],
    bad: Any,
) -> tuple[Option, ...]:
    source = raw.get("options_from")
    if source == "status_vocabulary":
        return tuple(Option(code, label) for code, label in vocabulary.items() if code not in moved)
    if source == "entitlements":
        # Filled in once the rules are known (only entitlements without their own already_has_if).
        return tuple(Option(code, entry.get("name_nl", code)) for code, entry in entries.items())
    if source is not None:
        bad("options_from", f"must be status_vocabulary or entitlements, got {source!r}")
        return ()
    options = raw.get("options") or {}
    if not isinstance(options, dict):
        bad("options", "must map option codes to Dutch labels")
        return ()
    return tuple(Option(str(code), str(label)) for code, label in options.items())


def load_parameters(path: Path, problems: Problems) -> dict[str, Parameter]:
    raw_parameters = read_mapping(path, problems)
    parameters: dict[str, Parameter] = {}
    for parameter_id, raw in raw_parameters.items():

        def bad(field: str, message: str, parameter_id: str = parameter_id) -> None:
            problems.add(path.name, None, f"{parameter_id}.{field}", message)

        if not isinstance(raw, dict) or not raw.get("values"):
            bad("values", "a parameter needs label_nl, unit and a list of dated values")
            continue
        figures = []
        for index, value in enumerate(raw["values"]):
            figure = _parameter_value(
                parameter_id, raw, value, lambda f, m, i=index: bad(f"values[{i}].{f}", m)
            )
            if figure:
                figures.append(figure)
        figures.sort(key=lambda figure: figure.valid_from)
        days = [figure.valid_from for figure in figures]
        if len(set(days)) != len(days):
            bad("values", "two values with the same valid_from")
        parameters[parameter_id] = Parameter(
            parameter_id, raw.get("label_nl", parameter_id), raw.get("unit", ""), tuple(figures)
        )
        for key in ("label_nl", "unit"):
            if not raw.get(key):
                bad(key, "missing")
    return parameters


def _parameter_value(
    parameter_id: str, parameter: dict[str, Any], raw: Any, bad: Any
) -> Figure | None:
    if not isinstance(raw, dict):
        bad("-", "a value must be a mapping with valid_from, value, verified, source")
        return None
    for key in raw:
        if key not in VALUE_KEYS:
            bad(key, f"unexpected key{suggestion(key, VALUE_KEYS)}")
    ok = True
    if "valid_from" not in raw:
        bad("valid_from", "missing: every parameter value needs the date it applies from")
        ok = False
    valid_from = parse_iso_date(raw.get("valid_from"))
    if "valid_from" in raw and valid_from is None:
        bad("valid_from", f"not a date in the form YYYY-MM-DD: {raw['valid_from']!r}")
        ok = False
    value = raw.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        bad("value", f"must be a number, got {value!r}")
        ok = False
    if not isinstance(raw.get("verified"), bool):
        bad("verified", "must be true or false")
        ok = False
    if not isinstance(raw.get("source"), str) or not raw["source"].startswith("http"):
        bad("source", "must be the URL the figure comes from")
        ok = False
    if not ok or valid_from is None:
        return None
    return Figure(
        parameter_id=parameter_id,
        label_nl=parameter.get("label_nl", parameter_id),
        value=value,
        unit=parameter.get("unit", ""),
        valid_from=valid_from,
        verified=raw["verified"],
        source=raw["source"],
        date_estimated=bool(raw.get("date_estimated", False)),
        note=raw.get("note"),
    )


def load_offices(path: Path, problems: Problems) -> dict[str, OfficeKind]:
    raw_offices = read_mapping(path, problems)
    offices = {}
    for code, raw in raw_offices.items():
        if not isinstance(raw, dict) or not raw.get("label_nl"):
            problems.add(path.name, None, f"{code}.label_nl", "missing")
            continue
        phrases = raw.get("phrases", [])
        if not isinstance(phrases, list) or not all(isinstance(p, str) and p for p in phrases):
            problems.add(path.name, None, f"{code}.phrases", "must be a list of phrases")
            phrases = []
        offices[code] = OfficeKind(
            code, raw["label_nl"], tuple(phrases), tuple(raw.get("prefer", []))
        )
    return offices
