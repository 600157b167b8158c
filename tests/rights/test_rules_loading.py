"""Loading data/rights: everything loads, and broken files are refused with a clear message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from rights import Figure, RuleBook, RuleFileError, load_rulebook
from rights.conditions import All, AnyOf, Arith, Compare, FactRef
from rights.rules import DEFAULT_DATA_DIR


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_all_49_entitlements_load(book: RuleBook) -> None:
    assert len(book.entitlements) == 49
    assert {e.id for e in book.evaluation_order} == {e.id for e in book.entitlements}


def test_every_source_of_the_research_is_kept(book: RuleBook) -> None:
    research = yaml.safe_load((DEFAULT_DATA_DIR / "catalogue.yaml").read_text(encoding="utf-8"))
    for entry in research["entitlements"]:
        assert book.entitlement(entry["id"]).sources == tuple(entry["sources"])


def test_every_parameter_value_is_dated_sourced_and_flagged(book: RuleBook) -> None:
    for parameter in book.parameters.values():
        assert parameter.values, parameter.id
        for figure in parameter.values:
            assert isinstance(figure.valid_from, date)
            assert isinstance(figure.verified, bool)
            assert figure.source.startswith("http")


def _facts_of(node: object) -> set[str]:
    """Facts a condition or expression reads, including those inside thresholds."""
    if isinstance(node, FactRef):
        return {node.fact_id}
    if isinstance(node, Compare):
        return {node.fact_id} | _facts_of(node.value)
    if isinstance(node, All | AnyOf | Arith):
        return set().union(*(_facts_of(item) for item in node.items))
    if isinstance(node, tuple):
        return set().union(*(_facts_of(item) for item in node))
    return set()


def test_every_fact_is_used_by_a_rule(book: RuleBook) -> None:
    used = {"birth_date"}  # derives age
    for e in book.entitlements:
        for condition in (e.applies_if, e.automatic_if, e.likely_if, e.already_has_if):
            used |= _facts_of(condition)
    assert set(book.facts) == used


def test_received_offers_only_entitlements_no_other_answer_reveals(book: RuleBook) -> None:
    codes = {option.code for option in book.facts["received"].options}
    assert "maximumfactuur" in codes
    assert "leefloon" not in codes  # answered by statuses
    assert "sociale_huurwoning" not in codes  # answered by tenure


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "rules/gezondheid.yaml",
            "{fact: wgc_area",
            "{fact: wgc_aera",
            "rules/gezondheid.yaml: entitlement 'medisch_huis_forfait', "
            "field 'likely_if.all[1].fact': unknown fact 'wgc_aera' (did you mean 'wgc_area'?)",
        ),
        (
            "rules/inkomen_ocmw.yaml",
            '    applies_if: {fact: residence, "==": vreemdelingenregister}',
            '    applies_iff: {fact: residence, "==": vreemdelingenregister}',
            "entitlement 'equivalent_leefloon', field 'applies_iff': "
            "unexpected key (did you mean 'applies_if'?)",
        ),
        (
            "rules/zorg_handicap.yaml",
            "{fact: statuses, has: zwaar_zorgbehoevend}",
            "{fact: statuses, has: zwaar_zorgbehoevnd}",
            "unknown option 'zwaar_zorgbehoevnd' for fact 'statuses' "
            "(did you mean 'zwaar_zorgbehoevend'?)",
        ),
        (
            "rules/werk.yaml",
            '{fact: is_employee, "==": true}',
            '{fact: is_employee, ">=": 1}',
            "fact 'is_employee' (boolean) needs exactly one operator of !=, ==",
        ),
        (
            "rules/werk.yaml",
            "office_kinds: [vdab]\n    likely_if:",
            "office_kinds: [vdba]\n    likely_if:",
            "field 'office_kinds': unknown office kind 'vdba' (did you mean 'vdab'?)",
        ),
        (
            "rules/gezin.yaml",
            "{param: sociale_toeslag_grens}",
            "{param: sociale_toeslag_gren}",
            "unknown parameter 'sociale_toeslag_gren' (did you mean 'sociale_toeslag_grens'?)",
        ),
        (
            "rules/gezondheid.yaml",
            "{entitlement: igo}",
            "{entitlement: igoo}",
            "unknown entitlement 'igoo' (did you mean 'igo'?)",
        ),
        (
            "parameters.yaml",
            "- {valid_from: 2024-05-01, value: 858.97,",
            "- {value: 858.97,",
            "parameters.yaml: field 'leefloon_cat1.values[0].valid_from': "
            "missing: every parameter value needs the date it applies from",
        ),
        (
            "parameters.yaml",
            "- {valid_from: 2024-05-01, value: 858.97,",
            '- {valid_from: "01/05/2024", value: 858.97,',
            "field 'leefloon_cat1.values[0].valid_from': "
            "not a date in the form YYYY-MM-DD: '01/05/2024'",
        ),
        (
            "parameters.yaml",
            "value: 858.97, verified: true,",
            "value: 858.97, verified: yes please,",
            "field 'leefloon_cat1.values[0].verified': must be true or false",
        ),
        (
            "rules/werk.yaml",
            "  opleidingscheques:",
            "  opleidingscheque:",
            "rules/werk.yaml: entitlement 'opleidingscheque', field '-': not in catalogue.yaml "
            "(did you mean 'opleidingscheques'?)",
        ),
        (
            "rules/wonen.yaml",
            "    likely_if:\n      all:\n        - {fact: housing_list_months",
            "    likely_if:\n      all\n        - {fact: housing_list_months",
            "rules/wonen.yaml: field '-': invalid YAML: line",
        ),
    ],
)
def test_broken_rule_file_is_refused_with_a_clear_message(
    rules_copy: Path, file: str, old: str, new: str, expected: str
) -> None:
    edit(rules_copy / file, old, new)
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(rules_copy)
    assert expected in str(caught.value)


def test_catalogue_entitlement_without_rule_is_refused(rules_copy: Path) -> None:
    edit(rules_copy / "rules" / "werk.yaml", "  opleidingscheques:", "  opleidingscheque:")
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(rules_copy)
    assert (
        "entitlement 'opleidingscheques', field '-': entitlement of catalogue.yaml has no rule"
        in str(caught.value)
    )


def test_cycle_between_entitlements_is_refused(rules_copy: Path) -> None:
    edit(
        rules_copy / "rules" / "inkomen_ocmw.yaml",
        "        - {use: meerderjarig_of_kind_ten_laste}\n        - {use: inkomen_onder_leefloon}\n"
        '    note_nl: "Ook werkbereidheid',
        "        - {use: meerderjarig_of_kind_ten_laste}\n        - {use: inkomen_onder_leefloon}\n"
        '        - {entitlement: uitpas_kansentarief}\n    note_nl: "Ook werkbereidheid',
    )
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(rules_copy)
    message = str(caught.value)
    assert "cycle between entitlements:" in message
    assert "leefloon -> uitpas_kansentarief -> leefloon" in message


def test_cycle_between_definitions_is_refused(rules_copy: Path) -> None:
    edit(
        rules_copy / "rules" / "definities.yaml",
        '  woont_in_vlaanderen: {fact: region, "==": vlaanderen}',
        "  woont_in_vlaanderen: {any: [{use: woont_in_vlaanderen_of_brussel}]}\n"
        "  tussen: {use: woont_in_vlaanderen}",
    )
    edit(
        rules_copy / "rules" / "definities.yaml",
        "  woont_in_vlaanderen_of_brussel: {fact: region, in: [vlaanderen, brussel]}",
        "  woont_in_vlaanderen_of_brussel: {use: tussen}",
    )
    with pytest.raises(RuleFileError, match="definition cycle: woont_in_vlaanderen -> "):
        load_rulebook(rules_copy)


def test_every_problem_is_listed_not_only_the_first(rules_copy: Path) -> None:
    edit(rules_copy / "rules" / "gezondheid.yaml", "{fact: wgc_area", "{fact: wgc_aera")
    edit(
        rules_copy / "parameters.yaml",
        "- {valid_from: 2024-05-01, value: 858.97,",
        "- {value: 858.97,",
    )
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(rules_copy)
    assert len(caught.value.problems) == 2


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2018, 12, 31), None),
        (date(2019, 1, 1), 18855.63),
        (date(2023, 12, 31), 18855.63),
        (date(2024, 1, 1), 26313.70),
        (date(2025, 6, 1), 27011.00),
    ],
)
def test_parameter_value_valid_on_a_date(book: RuleBook, day: date, expected: float | None) -> None:
    figure = book.parameters["vt_grens_basis"].on(day)
    assert (figure.value if figure else None) == expected


def _figure(**overrides: object) -> Figure:
    values: dict[str, object] = {
        "parameter_id": "leefloon_cat2",
        "label_nl": "Leefloon categorie 2",
        "value": 1288.46,
        "unit": "EUR/maand",
        "valid_from": date(2024, 5, 1),
        "verified": True,
        "source": "https://example.org",
    }
    return Figure(**{**values, **overrides})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "on", "caption"),
    [
        ({}, date(2024, 6, 1), "bedrag van 1 mei 2024"),
        ({}, date(2025, 6, 1), "bedrag van 1 mei 2024, te controleren"),  # older than a year
        ({"verified": False}, date(2024, 6, 1), "bedrag van 1 mei 2024, te controleren"),
        (
            {"date_estimated": True},
            date(2024, 6, 1),
            "bedrag van ongeveer 1 mei 2024, te controleren",
        ),
        ({"unit": "maanden", "value": 48}, date(2024, 6, 1), "waarde van 1 mei 2024"),
    ],
)
def test_figure_caption_says_date_and_doubt(
    overrides: dict[str, object], on: date, caption: str
) -> None:
    figure = _figure(**overrides)
    assert figure.caption_nl(on) == caption
    assert figure.needs_check(on) == caption.endswith("te controleren")


def test_figure_value_in_dutch_notation() -> None:
    assert _figure(value=27011.0, unit="EUR/jaar").value_nl() == "27.011,00 EUR/jaar"


@pytest.mark.parametrize("name", ["facts.yaml", "parameters.yaml", "offices.yaml"])
def test_a_file_that_is_not_a_mapping_is_refused_with_a_message(
    rules_copy: Path, name: str
) -> None:
    (rules_copy / name).write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as caught:
        load_rulebook(rules_copy)
    assert f"{name}" in str(caught.value) and "expected a mapping" in str(caught.value)
