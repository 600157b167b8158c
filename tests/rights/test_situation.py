"""Validation of a situation: every bad answer gets a Dutch message naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from rights import Range, RuleBook, Situation, SituationError

TODAY = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"age": 300}, "age", "Leeftijd moet tussen 0 en 120 liggen (gekregen: 300)."),
        ({"age": -1}, "age", "Leeftijd moet tussen 0 en 120 liggen"),
        ({"age": 40.5}, "age", "Leeftijd: geef een geheel getal"),
        ({"age": True}, "age", "Leeftijd: geef een geheel getal"),
        (
            {"income_year": -5},
            "income_year",
            "Bruto belastbaar gezinsinkomen per jaar mag niet negatief zijn",
        ),
        ({"income_month": "veel"}, "income_month", "geef een bedrag in euro"),
        (
            {"income_year": {"min": 30000, "max": 20000}},
            "income_year",
            "het minimum is groter dan het maximum",
        ),
        ({"income_year": {"min": -1, "max": 20000}}, "income_year", "mag niet negatief zijn"),
        ({"income_year": {"min": 1}}, "income_year", "een bereik heeft een minimum en een maximum"),
        (
            {"birth_date": "12/03/1980"},
            "birth_date",
            "Geboortedatum moet een datum zijn in de vorm JJJJ-MM-DD",
        ),
        ({"birth_date": "1980-02-30"}, "birth_date", "in de vorm JJJJ-MM-DD"),
        ({"birth_date": "2030-01-01"}, "birth_date", "Geboortedatum ligt in de toekomst"),
        (
            {"statuses": ["lefloon"]},
            "statuses",
            "onbekende waarde 'lefloon'. Bedoelde u 'leefloon'?",
        ),
        ({"statuses": "leefloon"}, "statuses", "geef een lijst (leeg = geen)"),
        ({"tenure": "huurder"}, "tenure", "Woonsituatie: onbekend antwoord 'huurder'."),
        ({"debt_problems": "ja"}, "debt_problems", "antwoord met ja of nee"),
        ({"leeftijd": 40}, "leeftijd", "Onbekend gegeven 'leeftijd'."),
        ({"househld_size": 2}, "househld_size", "Bedoelde u 'household_size'?"),
        (
            {"household_size": 1, "minor_children": 2},
            "minor_children",
            "past niet bij het aantal gezinsleden (1)",
        ),
        (
            {"household_size": 2, "dependants": 2},
            "dependants",
            "past niet bij het aantal gezinsleden (2)",
        ),
        (
            {"statuses": ["eigenaar"], "tenure": "private_huurder"},
            "tenure",
            "spreekt 'private_huurder' tegen",
        ),
        (
            {"municipality": "Roeslare"},
            "municipality",
            "Geen gemeente gevonden voor 'Roeslare'. Bedoelde u: Roeselare",
        ),
        (
            {"municipality": "Roeselare", "region": "brussel"},
            "region",
            "Roeselare ligt niet in het gekozen gewest",
        ),
    ],
)
def test_bad_answer_gets_a_dutch_message(
    book: RuleBook, data: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(SituationError) as caught:
        Situation.from_json(data, book, today=TODAY)
    assert message in caught.value.errors[field]
    assert message in str(caught.value)


def test_all_bad_fields_are_reported_at_once(book: RuleBook) -> None:
    with pytest.raises(SituationError) as caught:
        Situation.from_json({"age": 300, "income_year": -1, "statuses": ["x"]}, book, today=TODAY)
    assert set(caught.value.errors) == {"age", "income_year", "statuses"}


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (1250.5, 1250.5),
        ("1250,50", 1250.5),
        ({"min": 20000, "max": 25000}, Range(20000, 25000)),
        ([20000, 25000], Range(20000, 25000)),
        ({"min": 1000, "max": 1000}, 1000),
    ],
)
def test_money_as_amount_or_range(book: RuleBook, raw: Any, value: Any) -> None:
    assert Situation.from_json({"income_year": raw}, book).value("income_year") == value


def test_null_means_unknown(book: RuleBook) -> None:
    situation = Situation.from_json({"age": None, "statuses": None}, book)
    assert situation.value("age") is None
    assert situation.facts == {}


def test_housing_and_residence_ticked_as_statuses_answer_those_questions(book: RuleBook) -> None:
    situation = Situation.from_json(
        {"statuses": ["leefloon", "private_huurder", "vreemdelingenregister"]}, book
    )
    assert situation.value("statuses") == frozenset({"leefloon"})
    assert situation.value("tenure") == "private_huurder"
    assert situation.value("residence") == "vreemdelingenregister"


@pytest.mark.parametrize(
    ("typed", "name", "region"),
    [
        ("Roeselare", "Roeselare", "vlaanderen"),
        ("8800", "Roeselare", "vlaanderen"),
        ("Rumbeke", "Roeselare", "vlaanderen"),
        ("Elsene", "Elsene", "brussel"),
    ],
)
def test_municipality_is_resolved_and_answers_the_region(
    book: RuleBook, typed: str, name: str, region: str
) -> None:
    situation = Situation.from_json({"municipality": typed}, book)
    assert situation.municipality == name
    assert situation.value("region") == region


def test_as_json_round_trips(book: RuleBook) -> None:
    data = {
        "age": 40,
        "birth_date": "1985-01-31",
        "statuses": ["leefloon", "schuldbemiddeling"],
        "income_year": {"min": 10000, "max": 12000},
        "tenure": "private_huurder",
        "debt_problems": True,
        "municipality": "Roeselare",
    }
    situation = Situation.from_json(data, book)
    assert Situation.from_json(situation.as_json(), book) == situation


def test_a_number_too_large_for_a_float_is_a_clear_error() -> None:
    from rights import Situation, SituationError

    with pytest.raises(SituationError):
        Situation.from_json({"age": 10**400})
