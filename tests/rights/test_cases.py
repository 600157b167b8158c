"""Runs every YAML test case of data/rights/tests/ (id = entitlement/case) and checks coverage."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from rights import STATUSES, RuleBook, Situation, default_rulebook, evaluate
from rights.conditions import Const
from rights.rules import DEFAULT_DATA_DIR, Entitlement

CASES_DIR = DEFAULT_DATA_DIR / "tests"
CASE_KEYS = {
    "name",
    "situation",
    "base",
    "date",
    "expect",
    "asks",
    "why_contains",
    "why_not_contains",
}


class CaseFileError(ValueError):
    pass


def load_case_file(path: Path, bases: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """Check one test file and return (entitlement id, cases with base and date resolved)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    where = f"{path.name}"
    if not isinstance(doc, dict) or set(doc) != {"entitlement", "date", "cases"}:
        raise CaseFileError(f"{where}: needs exactly the keys entitlement, date, cases")
    if not isinstance(doc["date"], date):
        raise CaseFileError(f"{where}: date must be YYYY-MM-DD, got {doc['date']!r}")
    cases, names = [], set()
    for index, case in enumerate(doc["cases"]):
        at = f"{where}: cases[{index}]"
        unknown = set(case) - CASE_KEYS
        if unknown:
            raise CaseFileError(f"{at}: unexpected keys {sorted(unknown)}")
        if case.get("expect") not in STATUSES:
            raise CaseFileError(
                f"{at}: unknown status {case.get('expect')!r}; use one of {STATUSES}"
            )
        if case.get("name") in names or not case.get("name"):
            raise CaseFileError(f"{at}: missing or duplicate name {case.get('name')!r}")
        if case.get("base") is not None and case["base"] not in bases:
            raise CaseFileError(f"{at}: unknown base {case['base']!r}")
        names.add(case["name"])
        on = case.get("date", doc["date"])
        if not isinstance(on, date):
            raise CaseFileError(f"{at}: date must be YYYY-MM-DD, got {on!r}")
        situation = {**bases.get(case.get("base"), {}), **(case.get("situation") or {})}
        cases.append({**case, "date": on, "situation": situation})
    return doc["entitlement"], cases


def all_cases() -> list[Any]:
    bases = yaml.safe_load((CASES_DIR / "_bases.yaml").read_text(encoding="utf-8"))
    params = []
    for path in sorted(CASES_DIR.glob("[!_]*.yaml")):
        entitlement_id, cases = load_case_file(path, bases)
        for case in cases:
            params.append(pytest.param(entitlement_id, case, id=f"{entitlement_id}/{case['name']}"))
    return params


CASES = all_cases()


@pytest.mark.parametrize(("entitlement_id", "case"), CASES)
def test_case(book: RuleBook, entitlement_id: str, case: dict[str, Any]) -> None:
    situation = Situation.from_json(case["situation"], book, today=case["date"])
    result = evaluate(situation, on=case["date"], rulebook=book).result(entitlement_id)
    assert result.status == case["expect"], (result.why, result.why_not, result.unknowns)
    if "asks" in case:
        assert set(case["asks"]) <= set(result.unknowns)
    if "why_contains" in case:
        assert any(case["why_contains"] in line for line in result.why), result.why
    if "why_not_contains" in case:
        assert case["why_not_contains"] in (result.why_not or ""), result.why_not


def reachable_statuses(entitlement: Entitlement) -> set[str]:
    """The outcomes the rule's structure allows (used to demand a test case for each)."""
    statuses = {"already_has", "possible"}
    if entitlement.applies_if is not None:
        statuses.add("not_applicable")
    if entitlement.automatic_if is not None:
        statuses.add("automatic_check")
    if entitlement.likely_if is not None and entitlement.likely_if != Const(False):
        statuses.add("likely")
    if Const(True) not in (entitlement.likely_if, entitlement.automatic_if):
        statuses.add("unlikely")
    return statuses


@pytest.mark.parametrize("entitlement", default_rulebook().entitlements, ids=lambda e: e.id)
def test_every_reachable_status_has_a_case(entitlement: Entitlement) -> None:
    tested = {case.values[1]["expect"] for case in CASES if case.values[0] == entitlement.id}
    assert reachable_statuses(entitlement) <= tested


def test_every_case_file_names_a_known_entitlement(book: RuleBook) -> None:
    ids = {entitlement.id for entitlement in book.entitlements}
    assert {case.values[0] for case in CASES} == ids


HEADER = "entitlement: leefloon\ndate: 2025-06-01\ncases:\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            HEADER + "  - {name: a, situation: {}, expect: maybe}\n",
            "unknown status 'maybe'",
        ),
        ("entitlement: leefloon\ndate: 01/06/2025\ncases: []\n", "date must be YYYY-MM-DD"),
        (
            HEADER + "  - {name: a, expect: likely, sitaution: {}}\n",
            "unexpected keys ['sitaution']",
        ),
    ],
)
def test_broken_case_file_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "leefloon.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CaseFileError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_case_file(path, {})
