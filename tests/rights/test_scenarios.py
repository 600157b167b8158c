"""Whole situations: a household on leefloon in Roeselare and what the check tells its worker."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rights import Evaluation, RuleBook, Situation, evaluate, where_to_apply
from tests.rights.test_offices import services_in

ON = date(2025, 6, 1)
LEEFLOON_IN_ROESELARE = {
    "municipality": "Roeselare",
    "statuses": ["leefloon"],
    "leefloon_months": 8,
    "age": 34,
    "household_size": 3,
    "minor_children": 2,
    "tenure": "private_huurder",
}


@pytest.fixture(scope="module")
def evaluation(book: RuleBook) -> Evaluation:
    return evaluate(Situation.from_json(LEEFLOON_IN_ROESELARE, book), on=ON, rulebook=book)


@pytest.fixture(scope="module")
def roeselare() -> list[dict[str, Any]]:
    return services_in("Roeselare")


def test_leefloon_is_already_there(evaluation: Evaluation) -> None:
    assert evaluation.result("leefloon").status == "already_has"


@pytest.mark.parametrize(
    "entitlement_id",
    [
        "verhoogde_tegemoetkoming",
        "sociaal_tarief_energie",
        "sociaal_tarief_water",
        "maximumfactuur",
        "derdebetalersregeling",
        "zorgpremie_vsb_verminderd",
        "groeipakket_basis",
    ],
)
def test_derived_rights_are_automatic_to_check(evaluation: Evaluation, entitlement_id: str) -> None:
    result = evaluation.result(entitlement_id)
    assert result.status == "automatic_check"
    assert result.why


def test_verhoogde_tegemoetkoming_explains_the_leefloon_route(evaluation: Evaluation) -> None:
    why = evaluation.result("verhoogde_tegemoetkoming").why
    assert any("Leefloon" in line for line in why)
    assert any("8 maanden (voorwaarde: minstens 3 maanden)" in line for line in why)


@pytest.mark.parametrize(
    "entitlement_id",
    [
        "de_lijn_sociaal_abonnement",
        "uitpas_kansentarief",
        "sociaal_telefoontarief",
        "vakantieparticipatie",
    ],
)
def test_rights_on_request_are_likely(evaluation: Evaluation, entitlement_id: str) -> None:
    assert evaluation.result(entitlement_id).status == "likely"


def test_the_welzijnshuis_is_where_to_apply_for_the_rest(
    book: RuleBook, evaluation: Evaluation, roeselare: list[dict[str, Any]]
) -> None:
    to_apply = [r for r in evaluation.with_status("likely", "possible") if "ocmw" in r.office_kinds]
    assert {"de_lijn_sociaal_abonnement", "uitpas_kansentarief", "huurwaarborg_ocmw"} <= {
        r.id for r in to_apply
    }
    for result in to_apply:
        offices = where_to_apply(result, roeselare, rulebook=book)
        assert offices, result.id
        assert any(
            o.organization_name == "Welzijnshuis Roeselare (OCMW/Stad Roeselare)" for o in offices
        )


def test_uitpas_points_to_the_vrijetijdspas_first(
    book: RuleBook, evaluation: Evaluation, roeselare: list[dict[str, Any]]
) -> None:
    offices = where_to_apply(evaluation.result("uitpas_kansentarief"), roeselare, rulebook=book)
    assert offices[0].service_name == "Vrijetijdspas Roeselare"


def test_questions_left_are_about_what_is_still_open(evaluation: Evaluation) -> None:
    asked = [question.fact_id for question in evaluation.questions]
    assert "statuses" not in asked and "region" not in asked  # answered (region via the town)
    assert "income_year" in asked[:3]


def test_leefloon_in_a_brussels_municipality_gets_no_flemish_water_tariff(book: RuleBook) -> None:
    situation = Situation.from_json({**LEEFLOON_IN_ROESELARE, "municipality": "Elsene"}, book)
    result = evaluate(situation, on=ON, rulebook=book).result("sociaal_tarief_water")
    assert result.status == "not_applicable"
