"""Local partnerships: the YAML against the seeds and the gazetteer, and the three-valued intake."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from directory.gazetteer import Gazetteer
from directory.partnerships import (
    DEFAULT_PATH,
    CriterionResult,
    IntakeCheck,
    NeedProfile,
    Outcome,
    Partnership,
    PartnershipDataError,
    check_intake,
    load_partnerships,
    partnerships_for,
)
from tests.directory.test_gazetteer import LINK, MIDWEST_SEED, WESTHOEK

MEETS, FAILS, UNKNOWN = Outcome.MEETS, Outcome.DOES_NOT_MEET, Outcome.UNKNOWN

# Profiles that meet every criterion; each test changes one fact.
ELIGIBLE = {
    "midwest-moves": NeedProfile(
        municipality_nis="36015",
        age=30,
        is_professionally_active=False,
        has_valid_residence=True,
        is_long_term_sick=False,
        has_employment_contract=False,
        regular_services_exhausted=True,
        consents=True,
    ),
    "link": NeedProfile(
        municipality_nis="11039",
        age=30,
        has_valid_residence=True,
        has_employment_contract=False,
        is_supported_by_service=True,
        has_activation_question=True,
        regular_services_exhausted=True,
    ),
    "westup": NeedProfile(
        municipality_nis="33011",
        age=45,
        is_care_avoider=True,
        has_migration_background=False,
    ),
}


@pytest.fixture(scope="module")
def partnerships() -> dict[str, Partnership]:
    return {p.id: p for p in load_partnerships()}


def check(partnerships: dict[str, Partnership], pid: str, **changes: object) -> IntakeCheck:
    return check_intake(partnerships[pid], dataclasses.replace(ELIGIBLE[pid], **changes))


def result(check_: IntakeCheck, criterion_id: str) -> CriterionResult:
    return next(r for r in check_.results if r.criterion_id == criterion_id)


# -- the data -------------------------------------------------------------------------------------


def test_three_partnerships(partnerships: dict[str, Partnership]) -> None:
    assert set(partnerships) == {"midwest-moves", "westup", "link"}
    assert [p.name for p in partnerships.values()] == ["Midwest Moves", "WestUp", "Link"]


def test_regions_match_seeds_and_gazetteer(
    partnerships: dict[str, Partnership], gazetteer: Gazetteer
) -> None:
    midwest, westup, link = (partnerships[k] for k in ("midwest-moves", "westup", "link"))
    for name in MIDWEST_SEED:  # the 17 names of seed 000, two of them merged since 2025
        assert gazetteer.resolve(name).nis in {m.nis for m in midwest.municipalities}
    named = {m.name for m in midwest.municipalities} | {
        f.name for m in midwest.municipalities for f in m.former
    }
    assert named == set(MIDWEST_SEED)
    assert len(midwest.municipalities) == 15
    for partnership, region in ((midwest, "Midwest"), (westup, "Westhoek")):
        in_region = {m.nis for m in gazetteer.municipalities() if m.reference_region == region}
        assert {m.nis for m in partnership.municipalities} == in_region
    assert {m.nis for m in westup.municipalities} == set(WESTHOEK.values())
    assert {m.nis for m in link.municipalities} == set(LINK.values())
    for partnership in partnerships.values():
        for m in partnership.municipalities:
            assert gazetteer.by_nis(m.nis).name_nl == m.name
            for former in m.former:
                assert gazetteer.current_nis(former.nis) == m.nis


def test_contacts_come_from_the_seeds_only(partnerships: dict[str, Partnership]) -> None:
    midwest, westup, link = (partnerships[k] for k in ("midwest-moves", "westup", "link"))
    assert midwest.contact.email == "midwest.moves@midwest.be"
    assert (midwest.contact.phone, midwest.contact.website) == (None, None)
    assert dataclasses.astuple(westup.contact) == (None,) * 5
    assert (link.contact.email, link.contact.phone) == ("florian.mertens@kina.be", "0473 56 53 08")
    assert link.contact.referral_form is None  # the seed names a form but gives no address
    for partnership in partnerships.values():
        assert partnership.referral_steps
        assert all("  " not in step and "\n" not in step for step in partnership.referral_steps)
    assert any("ondertekenen" in step for step in midwest.referral_steps)


@pytest.mark.parametrize(
    ("town", "expected"),
    [
        ("Meulebeke", ["midwest-moves"]),  # merged into Tielt in 2025
        ("Ruiselede", ["midwest-moves"]),  # merged into Wingene
        ("8760", ["midwest-moves"]),
        ("Rumbeke", ["midwest-moves"]),
        ("Ypres", ["westup"]),
        ("Langemark-Poelkapelle", ["westup"]),
        ("'s Gravenwezel", ["link"]),
        ("Zoersel", ["link"]),
        ("Gent", []),
        ("Brussel", []),
    ],
)
def test_partnerships_for_a_town(gazetteer: Gazetteer, town: str, expected: list[str]) -> None:
    assert [p.id for p in partnerships_for(gazetteer.resolve(town).nis)] == expected


def test_partnerships_for_a_former_nis_code() -> None:
    assert [p.id for p in partnerships_for("37007")] == ["midwest-moves"]  # Meulebeke 2019-2024
    assert partnerships_for("00000") == []


def test_profile_in_meulebeke_meets_midwest_residence(
    partnerships: dict[str, Partnership], gazetteer: Gazetteer
) -> None:
    tielt = gazetteer.resolve("Meulebeke")
    checked = check(partnerships, "midwest-moves", municipality_nis=tielt.nis)
    assert checked.outcome == MEETS
    assert result(checked, "woonplaats").explanation.endswith("(Tielt).")


# -- the intake check -----------------------------------------------------------------------------


@pytest.mark.parametrize("pid", sorted(ELIGIBLE))
def test_eligible_profiles_meet_everything(partnerships: dict[str, Partnership], pid: str) -> None:
    checked = check(partnerships, pid)
    assert checked.outcome == MEETS
    assert {r.outcome for r in checked.results} == {MEETS}
    assert checked.questions == ()
    assert all(r.explanation.startswith("Voldaan: ") for r in checked.results)


def test_empty_profile_is_unknown_with_a_question_per_criterion(
    partnerships: dict[str, Partnership],
) -> None:
    for partnership in partnerships.values():
        checked = check_intake(partnership, NeedProfile())
        assert checked.outcome == UNKNOWN
        assert len(checked.questions) == len(partnership.criteria)
        assert all(q.endswith("?") or q.endswith(".)") for q in checked.questions)


FACTS = [  # (partnership, criterion, field, value that meets, value that fails)
    ("midwest-moves", "woonplaats", "municipality_nis", "37021", "44021"),
    ("midwest-moves", "niet-beroepsactief", "is_professionally_active", False, True),
    ("midwest-moves", "verblijfsstatuut", "has_valid_residence", True, False),
    ("midwest-moves", "regulier-aanbod-uitgeput", "regular_services_exhausted", True, False),
    ("midwest-moves", "vrijwillig", "consents", True, False),
    ("link", "woonplaats", "municipality_nis", "11009", "36015"),
    ("link", "verblijfsstatuut", "has_valid_residence", True, False),
    ("link", "geen-arbeidscontract", "has_employment_contract", False, True),
    ("link", "hulpverlening-aanwezig", "is_supported_by_service", True, False),
    ("link", "activeringsvraag", "has_activation_question", True, False),
    ("link", "regulier-aanbod-verkend", "regular_services_exhausted", True, False),
    ("westup", "woonplaats", "municipality_nis", "38025", "36015"),
]


@pytest.mark.parametrize(("pid", "criterion", "field", "good", "bad"), FACTS)
def test_each_criterion_has_three_outcomes(
    partnerships: dict[str, Partnership],
    pid: str,
    criterion: str,
    field: str,
    good: object,
    bad: object,
) -> None:
    met = check(partnerships, pid, **{field: good})
    assert result(met, criterion).outcome == MEETS and met.outcome == MEETS

    failed = check(partnerships, pid, **{field: bad})
    assert result(failed, criterion).outcome == FAILS and failed.outcome == FAILS
    assert result(failed, criterion).question is None
    assert result(failed, criterion).explanation  # the Dutch reason

    unknown = check(partnerships, pid, **{field: None})
    assert result(unknown, criterion).outcome == UNKNOWN and unknown.outcome == UNKNOWN
    assert unknown.questions == (result(unknown, criterion).question,)
    assert result(unknown, criterion).explanation.startswith("Nog niet bekend: ")


@pytest.mark.parametrize(
    ("sick", "contract", "outcome"),
    [
        (True, True, FAILS),  # long-term sick WITH a contract: excluded
        (True, False, MEETS),
        (False, True, MEETS),  # a contract alone is not this exclusion (being at work is another)
        (False, None, MEETS),
        (None, False, MEETS),
        (True, None, UNKNOWN),
        (None, True, UNKNOWN),
        (None, None, UNKNOWN),
    ],
)
def test_midwest_long_term_sick_with_contract(
    partnerships: dict[str, Partnership], sick: bool | None, contract: bool | None, outcome: Outcome
) -> None:
    checked = check(
        partnerships, "midwest-moves", is_long_term_sick=sick, has_employment_contract=contract
    )
    assert result(checked, "niet-langdurig-ziek-met-contract").outcome == outcome
    assert checked.outcome == outcome


@pytest.mark.parametrize(
    ("pid", "age", "outcome"),
    [
        ("midwest-moves", 15, FAILS),
        ("midwest-moves", 16, FAILS),  # "jonger dan 17 jaar" is excluded
        ("midwest-moves", 17, MEETS),
        ("midwest-moves", 64, MEETS),
        ("midwest-moves", None, UNKNOWN),
        ("link", 15, FAILS),
        ("link", 16, MEETS),  # "16-17 jarigen ... kunnen opgestart worden"
        ("link", 17, MEETS),
        ("link", 18, MEETS),
        ("link", None, UNKNOWN),
    ],
)
def test_age_edges(
    partnerships: dict[str, Partnership], pid: str, age: int | None, outcome: Outcome
) -> None:
    checked = check(partnerships, pid, age=age)
    assert result(checked, "leeftijd").outcome == outcome
    assert checked.outcome == outcome


@pytest.mark.parametrize(
    ("age", "compulsory", "has_note"),
    [
        (16, True, True),
        (17, True, True),
        (17, None, True),  # not known yet: keep the advice visible
        (17, False, False),
        (18, True, False),
        (15, True, False),  # not eligible at all
        (None, True, False),
    ],
)
def test_link_compulsory_education_note(
    partnerships: dict[str, Partnership], age: int | None, compulsory: bool | None, has_note: bool
) -> None:
    checked = check(partnerships, "link", age=age, in_compulsory_education=compulsory)
    assert bool(checked.notes) is has_note
    if has_note:
        assert checked.outcome == MEETS  # the note advises, it never blocks
        assert "onderwijs" in checked.notes[0]


@pytest.mark.parametrize(
    ("age", "care_avoider", "migration", "outcome"),
    [
        (17, False, False, FAILS),
        (18, False, False, MEETS),
        (30, False, False, MEETS),
        (31, False, False, FAILS),
        (45, True, False, MEETS),
        (45, False, True, MEETS),
        (45, None, False, UNKNOWN),
        (None, False, False, UNKNOWN),
        (None, None, True, MEETS),  # one target group suffices
        (None, None, None, UNKNOWN),
    ],
)
def test_westup_target_groups_any_of(
    partnerships: dict[str, Partnership],
    age: int | None,
    care_avoider: bool | None,
    migration: bool | None,
    outcome: Outcome,
) -> None:
    checked = check(
        partnerships,
        "westup",
        age=age,
        is_care_avoider=care_avoider,
        has_migration_background=migration,
    )
    assert result(checked, "doelgroep").outcome == outcome
    assert checked.outcome == outcome


def test_westup_explains_which_target_group(partnerships: dict[str, Partnership]) -> None:
    checked = check(partnerships, "westup", age=25, is_care_avoider=False)
    assert result(checked, "doelgroep").explanation == (
        "Voldaan: behoort tot een doelgroep van WestUp (jongvolwassene (18-30 jaar))."
    )


def test_a_failure_outweighs_unknowns(partnerships: dict[str, Partnership]) -> None:
    checked = check(partnerships, "link", age=12, has_valid_residence=None, consents=None)
    assert checked.outcome == FAILS
    assert result(checked, "verblijfsstatuut").outcome == UNKNOWN


# -- a broken file --------------------------------------------------------------------------------


def _broken(tmp_path: Path, change) -> Path:
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(data["partnerships"])
    path = tmp_path / "partnerships.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _set(index: int, dotted: str, value: object):
    def change(partnerships: list) -> None:
        target = partnerships[index]
        *parents, last = dotted.split(".")
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is KeyError:
            del target[last]
        else:
            target[last] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(0, "name", KeyError), "partnership 'midwest-moves', field 'name'"),
        (
            _set(2, "intake.criteria.1.min_age", "zestien"),
            "partnership 'link', field 'intake.criteria[1].min_age': expected a whole number",
        ),
        (
            _set(0, "intake.criteria.2.fact", "is_employed"),
            "field 'intake.criteria[2].fact': unknown fact 'is_employed'",
        ),
        (
            _set(1, "intake.criteria.0.kind", "postcode"),
            "partnership 'westup', field 'intake.criteria[0].kind'",
        ),
        (
            _set(1, "municipalities.0.nis", "37007"),
            "partnership 'westup', field 'municipalities[0].nis': '37007' is not a current NIS",
        ),
        (_set(2, "contact.fax", "03 123"), "partnership 'link', field 'contact.fax'"),
        (_set(0, "referral_steps", []), "partnership 'midwest-moves', field 'referral_steps'"),
        (
            _set(1, "intake.criteria.1.options.0.max_age", 10),
            "field 'intake.criteria[1].options[0].max_age': must not be below min_age",
        ),
    ],
)
def test_broken_file_names_partnership_and_field(
    tmp_path: Path, gazetteer: Gazetteer, change, message: str
) -> None:
    with pytest.raises(PartnershipDataError) as caught:
        load_partnerships(_broken(tmp_path, change), gazetteer)
    assert message in str(caught.value)
    assert str(caught.value).startswith("partnerships.yaml: ")


def test_not_yaml_at_all(tmp_path: Path) -> None:
    path = tmp_path / "partnerships.yaml"
    path.write_text("partnerships: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(PartnershipDataError, match="not valid YAML"):
        load_partnerships(path)
    path.write_text("- just a list\n", encoding="utf-8")
    with pytest.raises(PartnershipDataError, match="top-level 'partnerships' list"):
        load_partnerships(path)
