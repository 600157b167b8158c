"""Loading and checking the rule files of data/rights/ into a RuleBook.

A broken file is refused as a whole, with one English line per problem naming file, entitlement
and field. Imports only the standard library, yaml and rights.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rights.conditions import (
    Compare,
    CompileContext,
    Condition,
    compile_condition,
    suggestion,
)
from rights.model import OfficeKind, RuleFileError
from rights.vocabulary import (
    Fact,
    Parameter,
    Problems,
    load_facts,
    load_offices,
    load_parameters,
    read_yaml,
)

DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "rights"
RULE_KEYS = (
    "office_kinds",
    "service_keywords",
    "figures",
    "already_has_if",
    "applies_if",
    "automatic_if",
    "likely_if",
    "note_nl",
)
CONDITION_KEYS = ("already_has_if", "applies_if", "automatic_if", "likely_if")


@dataclass(frozen=True)
class Entitlement:
    id: str
    name_nl: str
    level: str
    grant_mode: str
    office_kinds: tuple[str, ...]
    service_keywords: tuple[str, ...]
    figures: tuple[str, ...]  # parameter ids: declared figures + those used in conditions
    already_has_if: Condition
    applies_if: Condition | None
    automatic_if: Condition | None
    likely_if: Condition | None
    refs: frozenset[str]
    apply_at: tuple[str, ...]
    documents: tuple[str, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...]
    rule_file: str


@dataclass(frozen=True)
class RuleBook:
    facts: Mapping[str, Fact]  # in question-priority order
    parameters: Mapping[str, Parameter]
    entitlements: tuple[Entitlement, ...]  # catalogue order, for display
    evaluation_order: tuple[Entitlement, ...]  # referenced entitlements before those using them
    offices: Mapping[str, OfficeKind]
    status_vocabulary: Mapping[str, str]

    def entitlement(self, entitlement_id: str) -> Entitlement:
        for entitlement in self.entitlements:
            if entitlement.id == entitlement_id:
                return entitlement
        raise KeyError(entitlement_id)


def load_rulebook(data_dir: Path | None = None) -> RuleBook:
    """Load and check data/rights/ (or `data_dir`); raise RuleFileError listing every problem."""
    root = data_dir or DEFAULT_DATA_DIR
    problems = Problems()
    catalogue = read_yaml(root / "catalogue.yaml", problems) or {}
    vocabulary = catalogue.get("status_vocabulary") or {}
    entries = _catalogue_entries(catalogue, problems)
    facts = load_facts(root / "facts.yaml", vocabulary, entries, problems)
    parameters = load_parameters(root / "parameters.yaml", problems)
    offices = load_offices(root / "offices.yaml", problems)
    rule_files = sorted((root / "rules").glob("*.yaml"))
    if not rule_files:
        problems.add("rules/", None, "-", "no rule files found")
    before = len(problems.items)
    raw_rules, definitions = _read_rules(rule_files, problems)
    if len(problems.items) == before:  # a file that did not parse would make its rules "missing"
        for entitlement_id in entries:
            if entitlement_id not in raw_rules:
                problems.add(
                    "rules/", entitlement_id, "-", "entitlement of catalogue.yaml has no rule"
                )
    entitlements = _compile_rules(
        raw_rules, definitions, entries, facts, parameters, offices, problems
    )
    if problems.items:
        raise RuleFileError(problems.items)
    ordered = _dependency_order(entitlements, problems)
    if problems.items:
        raise RuleFileError(problems.items)
    in_catalogue_order = tuple(sorted(entitlements, key=lambda e: list(entries).index(e.id)))
    return RuleBook(facts, parameters, in_catalogue_order, ordered, offices, vocabulary)


@functools.cache
def default_rulebook() -> RuleBook:
    """The bundled rules, loaded once per process."""
    return load_rulebook()


def _catalogue_entries(catalogue: Any, problems: Problems) -> dict[str, dict[str, Any]]:
    entries: dict[str, dict[str, Any]] = {}
    for index, entry in enumerate(catalogue.get("entitlements") or []):
        entitlement_id = entry.get("id") if isinstance(entry, dict) else None
        if not entitlement_id:
            problems.add("catalogue.yaml", None, f"entitlements[{index}].id", "missing id")
            continue
        for key in ("name_nl", "level", "grant_mode", "sources"):
            if not entry.get(key):
                problems.add("catalogue.yaml", entitlement_id, key, "missing")
        if entitlement_id in entries:
            problems.add("catalogue.yaml", entitlement_id, "id", "duplicate id")
        entries[entitlement_id] = entry
    return entries


def _read_rules(
    files: list[Path], problems: Problems
) -> tuple[dict[str, tuple[str, Any]], dict[str, Any]]:
    rules: dict[str, tuple[str, Any]] = {}
    definitions: dict[str, Any] = {}
    for path in files:
        name = f"rules/{path.name}"
        content = read_yaml(path, problems, name) or {}
        for key in content:
            if key not in ("definitions", "entitlements"):
                problems.add(
                    name,
                    None,
                    key,
                    f"unexpected top-level key{suggestion(key, ('definitions', 'entitlements'))}",
                )
        for definition, raw in (content.get("definitions") or {}).items():
            if definition in definitions:
                problems.add(name, None, f"definitions.{definition}", "defined twice")
            definitions[definition] = raw
        for entitlement_id, raw in (content.get("entitlements") or {}).items():
            if entitlement_id in rules:
                problems.add(
                    name, entitlement_id, "-", f"rule also defined in {rules[entitlement_id][0]}"
                )
            rules[entitlement_id] = (name, raw)
    return rules, definitions


def _compile_rules(
    raw_rules: dict[str, tuple[str, Any]],
    definitions: dict[str, Any],
    entries: dict[str, dict[str, Any]],
    facts: dict[str, Fact],
    parameters: dict[str, Parameter],
    offices: dict[str, OfficeKind],
    problems: Problems,
) -> list[Entitlement]:
    compiled = []
    if "received" not in facts:
        problems.add("facts.yaml", None, "received", "missing: rules without already_has_if use it")
    for entitlement_id, (file, raw) in raw_rules.items():

        def bad(
            field: str, message: str, file: str = file, entitlement_id: str = entitlement_id
        ) -> None:
            problems.add(file, entitlement_id, field, message)

        entry = entries.get(entitlement_id)
        if entry is None:
            bad("-", f"not in catalogue.yaml{suggestion(entitlement_id, entries)}")
            continue
        if not isinstance(raw, dict):
            bad("-", "a rule must be a mapping")
            continue
        for key in raw:
            if key not in RULE_KEYS:
                bad(key, f"unexpected key{suggestion(key, RULE_KEYS)}")
        if "automatic_if" not in raw and "likely_if" not in raw:
            bad("likely_if", "a rule needs automatic_if or likely_if")
        kinds = raw.get("office_kinds") or []
        if not kinds:
            bad("office_kinds", "missing: where does one apply?")
        for kind in kinds:
            if kind not in offices:
                bad("office_kinds", f"unknown office kind '{kind}'{suggestion(kind, offices)}")
        for figure in raw.get("figures") or []:
            if figure not in parameters:
                bad("figures", f"unknown parameter '{figure}'{suggestion(figure, parameters)}")
        ctx = CompileContext(facts, parameters, frozenset(entries), definitions, bad)
        conditions = {
            key: compile_condition(raw[key], ctx, key) for key in CONDITION_KEYS if key in raw
        }
        already = conditions.get("already_has_if") or Compare("received", "has", entitlement_id)
        notes = [raw["note_nl"]] if raw.get("note_nl") else []
        compiled.append(
            Entitlement(
                id=entitlement_id,
                name_nl=entry["name_nl"],
                level=entry["level"],
                grant_mode=entry["grant_mode"],
                office_kinds=tuple(kinds),
                service_keywords=tuple(raw.get("service_keywords") or ()),
                figures=tuple(
                    dict.fromkeys([*(raw.get("figures") or []), *sorted(ctx.parameters_used)])
                ),
                already_has_if=already,
                applies_if=conditions.get("applies_if"),
                automatic_if=conditions.get("automatic_if"),
                likely_if=conditions.get("likely_if"),
                refs=frozenset(ctx.refs),
                apply_at=tuple(entry.get("apply_at") or ()),
                documents=tuple(entry.get("documents") or ()),
                sources=tuple(entry.get("sources") or ()),
                notes=tuple([*notes, *(entry.get("to_verify") or [])]),
                rule_file=file,
            )
        )
    _restrict_received(facts, compiled)
    return compiled


def _restrict_received(facts: dict[str, Fact], entitlements: list[Entitlement]) -> None:
    """`received` only offers entitlements that no other answer (statuses, tenure...) reveals."""
    received = facts.get("received")
    if received is None:
        return
    own = {e.id for e in entitlements if e.already_has_if == Compare("received", "has", e.id)}
    options = tuple(option for option in received.options if option.code in own)
    facts["received"] = replace(received, options=options)


def _dependency_order(
    entitlements: list[Entitlement], problems: Problems
) -> tuple[Entitlement, ...]:
    """Topological order of entitlement references; a cycle is a load error."""
    by_id = {entitlement.id: entitlement for entitlement in entitlements}
    ordered: list[Entitlement] = []
    state: dict[str, str] = {}

    def visit(entitlement_id: str, path: list[str]) -> None:
        if state.get(entitlement_id) == "done":
            return
        if state.get(entitlement_id) == "visiting":
            cycle = " -> ".join([*path[path.index(entitlement_id) :], entitlement_id])
            entitlement = by_id[entitlement_id]
            problems.add(
                entitlement.rule_file, entitlement_id, "-", f"cycle between entitlements: {cycle}"
            )
            return
        state[entitlement_id] = "visiting"
        for ref in sorted(by_id[entitlement_id].refs):
            visit(ref, [*path, entitlement_id])
        state[entitlement_id] = "done"
        ordered.append(by_id[entitlement_id])

    for entitlement in entitlements:
        visit(entitlement.id, [])
    return tuple(ordered)
