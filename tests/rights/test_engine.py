"""Three-valued logic and the engine's semantics: no defaults, statuses, explanations, questions."""

from __future__ import annotations

from datetime import date

import pytest

from rights import STATUSES, RuleBook, Situation, evaluate
from rights.engine import Outcome, _Interval, all_of, any_of, compare_numbers, not3

T, F, U = True, False, None
ON = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("a", "b", "expected_and", "expected_or"),
    [
        (T, T, T, T),
        (T, F, F, T),
        (T, U, U, T),
        (F, F, F, F),
        (F, U, F, U),
        (U, U, U, U),
    ],
)
def test_kleene_tables(
    a: bool | None, b: bool | None, expected_and: bool | None, expected_or: bool | None
) -> None:
    for left, right in ((a, b), (b, a)):
        assert all_of([Outcome(left), Outcome(right)]).value is expected_and
        assert any_of([Outcome(left), Outcome(right)]).value is expected_or


@pytest.mark.parametrize(("value", "negated"), [(T, F), (F, T), (U, U)])
def test_negation_keeps_unknown(value: bool | None, negated: bool | None) -> None:
    assert not3(value) is negated


def test_empty_all_is_true_and_empty_any_is_false() -> None:
    assert all_of([]).value is True
    assert any_of([]).value is False


def test_unknowns_of_a_decided_group_are_dropped() -> None:
    unknown = Outcome(None, unknowns=frozenset({"age"}))
    assert all_of([Outcome(False, failed="x"), unknown]).unknowns == frozenset()
    assert any_of([Outcome(True, met=("y",)), unknown]).unknowns == frozenset()
    assert all_of([Outcome(True, met=("y",)), unknown]).unknowns == {"age"}


def test_any_explains_with_the_alternative_that_got_furthest() -> None:
    near = all_of([Outcome(True, met=("size ok",)), Outcome(False, failed="income too high")])
    far = all_of([Outcome(False, failed="size wrong")])
    assert any_of([far, near]).failed == "income too high"
    assert (
        any_of([Outcome(False, failed="first"), Outcome(False, failed="second")]).failed == "first"
    )


def iv(low: float, high: float | None = None) -> _Interval:
    return _Interval(low, low if high is None else high)


@pytest.mark.parametrize(
    ("op", "x", "t", "expected"),
    [
        ("<=", iv(100), iv(200), T),
        ("<=", iv(200), iv(200), T),
        ("<=", iv(201), iv(200), F),
        ("<=", iv(100, 150), iv(200), T),  # whole range below
        ("<=", iv(150, 250), iv(200), U),  # range straddles the threshold
        ("<=", iv(250, 300), iv(200), F),
        ("<", iv(200), iv(200), F),
        (">=", iv(65), iv(66), F),
        (">=", iv(66), iv(66), T),
        (">", iv(10, 20), iv(5), T),
        ("==", iv(3), iv(3), T),
        ("==", iv(2, 4), iv(3), U),
        ("!=", iv(2, 4), iv(3), U),
        ("!=", iv(5), iv(3), T),
        ("<=", iv(100), iv(90, 110), U),  # threshold itself a range (computed from a range)
    ],
)
def test_comparisons_with_ranges(
    op: str, x: _Interval, t: _Interval, expected: bool | None
) -> None:
    assert compare_numbers(op, x, t) is expected


def test_missing_facts_are_never_defaulted(book: RuleBook) -> None:
    evaluation = evaluate(Situation(), on=ON, rulebook=book)
    assert {result.status for result in evaluation.results} == {"possible"}
    assert all(result.unknowns for result in evaluation.results)


def test_every_result_has_a_known_status_and_a_source(book: RuleBook) -> None:
    evaluation = evaluate(Situation.from_json({"age": 40}, book), on=ON, rulebook=book)
    assert len(evaluation.results) == 49
    for result in evaluation.results:
        assert result.status in STATUSES
        assert result.sources
        assert result.office_kinds


def test_questions_rank_by_how_many_undecided_entitlements_they_appear_in(book: RuleBook) -> None:
    evaluation = evaluate(Situation(), on=ON, rulebook=book)
    counts = [question.count for question in evaluation.questions]
    assert counts == sorted(counts, reverse=True)
    assert {"age", "statuses"} <= {question.fact_id for question in evaluation.questions[:3]}
    for question in evaluation.questions:
        listed = {r.id for r in evaluation.results if question.fact_id in r.unknowns}
        assert set(question.entitlement_ids) == listed


def test_answering_the_top_question_settles_entitlements(book: RuleBook) -> None:
    before = evaluate(Situation(), on=ON, rulebook=book)
    after = evaluate(Situation.from_json({"statuses": ["leefloon"]}, book), on=ON, rulebook=book)
    assert len(after.with_status("possible")) < len(before.with_status("possible"))
    assert "statuses" not in {question.fact_id for question in after.questions}


def test_question_carries_dutch_text_type_and_options(book: RuleBook) -> None:
    evaluation = evaluate(Situation.from_json({"age": 40}, book), on=ON, rulebook=book)
    tenure = next(q for q in evaluation.questions if q.fact_id == "tenure")
    assert tenure.answer_type == "choice"
    assert tenure.text_nl.startswith("Hoe woont")
    assert ("private_huurder", "Huurt op de private markt") in [
        (o.code, o.label_nl) for o in tenure.options
    ]
    income = next(q for q in evaluation.questions if q.fact_id == "income_year")
    assert income.answer_type == "money"
    assert income.accepts_range


def test_settles_counts_entitlements_where_the_fact_is_the_only_unknown(book: RuleBook) -> None:
    evaluation = evaluate(Situation.from_json({"minor_children": 1}, book), on=ON, rulebook=book)
    region = next(q for q in evaluation.questions if q.fact_id == "region")
    sole = [r.id for r in evaluation.results if r.unknowns == ("region",)]
    assert "groeipakket_basis" in sole
    assert region.settles == len(sole)


@pytest.mark.parametrize(
    ("birth_date", "on", "status"),
    [
        ("1959-06-01", date(2025, 6, 1), "likely"),  # 66 today: pension age 66 in 2025
        ("1959-06-02", date(2025, 6, 1), "not_applicable"),  # 66 only tomorrow
    ],
)
def test_age_is_derived_from_birth_date_on_the_evaluation_date(
    book: RuleBook, birth_date: str, on: date, status: str
) -> None:
    situation = Situation.from_json(
        {"birth_date": birth_date, "statuses": [], "household_size": 1, "income_month": 900},
        book,
        today=on,
    )
    assert evaluate(situation, on=on, rulebook=book).result("igo").status == status


def test_why_names_values_parameters_and_their_dates(book: RuleBook) -> None:
    situation = Situation.from_json(
        {"statuses": [], "household_size": 2, "income_year": 20000}, book
    )
    result = evaluate(situation, on=ON, rulebook=book).result("verhoogde_tegemoetkoming")
    assert result.status == "likely"
    (line,) = [line for line in result.why if "gezinsinkomen" in line]
    assert "20.000,00 EUR/jaar" in line
    assert "hoogstens 32.011,48 EUR/jaar" in line  # 27,011.00 + 5,000.48 x (2 - 1)
    assert "bedrag van ongeveer 1 januari 2025, te controleren" in line


def test_figures_carry_date_source_and_verified_flag(book: RuleBook) -> None:
    result = evaluate(Situation(), on=ON, rulebook=book).result("leefloon")
    figures = {figure.parameter_id: figure for figure in result.figures}
    cat2 = figures["leefloon_cat2"]
    assert (cat2.value, cat2.valid_from, cat2.verified) == (1288.46, date(2024, 5, 1), True)
    assert cat2.caption_nl(ON) == "bedrag van 1 mei 2024, te controleren"  # over a year old
    assert cat2.source.startswith("https://")


def test_automatic_right_becomes_likely_with_open_question_when_duration_unknown(
    book: RuleBook,
) -> None:
    situation = Situation.from_json({"statuses": ["leefloon"], "age": 30}, book)
    result = evaluate(situation, on=ON, rulebook=book).result("verhoogde_tegemoetkoming")
    assert result.status == "likely"
    assert result.unknowns == ("leefloon_months",)


def test_evaluation_as_json_is_plain_data(book: RuleBook) -> None:
    data = evaluate(
        Situation.from_json({"statuses": ["leefloon"]}, book), on=ON, rulebook=book
    ).as_json()
    assert data["on"] == "2025-06-01"
    vt = next(r for r in data["results"] if r["id"] == "verhoogde_tegemoetkoming")
    assert vt["status_label"] == "Waarschijnlijk recht"
    assert data["questions"][0]["question"]
    assert all(isinstance(f["needs_check"], bool) for r in data["results"] for f in r["figures"])


def test_likely_right_says_why_it_is_not_automatic(book: RuleBook) -> None:
    answers = {"statuses": [], "age": 30, "residence": "belg_of_eu", "household_size": 1}
    situation = Situation.from_json({**answers, "income_year": 17000}, book)
    result = evaluate(situation, on=ON, rulebook=book).result("verhoogde_tegemoetkoming")
    assert result.status == "likely"
    assert result.why_not == "Leefloon (recht op maatschappelijke integratie) – nog niet toegekend"
