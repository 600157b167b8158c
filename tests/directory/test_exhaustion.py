"""Exhaustion check rules: verdicts, hints, the saved JSON record, and every partnership criterion
through the profile the check builds (three outcomes each, age edges, 2025 merged towns)."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from directory.exhaustion import (
    EXHAUSTING,
    FLAG_NAMES,
    DataDate,
    Entry,
    RecordError,
    ServiceOutcome,
    VerdictStatus,
    check_record,
    data_date,
    domain_verdict,
    is_partnership_service,
    need_profile,
    parse_age,
    parse_record,
    service_hints,
    services_exhausted,
    verdicts,
)
from directory.gazetteer import Gazetteer
from directory.partnerships import Outcome, check_intake, default_partnerships
from directory.reference import domain_labels

Out = ServiceOutcome
TODAY = date(2026, 11, 22)


def entry(name: str, outcome: ServiceOutcome, domain: str = "wonen", **kw: Any) -> Entry:
    return Entry(domain=domain, name=name, outcome=outcome, id=kw.pop("id", name), **kw)


# -- verdict rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "status", "to_try", "accepted"),
    [
        ([], VerdictStatus.EMPTY, (), ()),
        ([Out.NOT_TRIED], VerdictStatus.OPEN, ("A",), ()),
        ([Out.ACCEPTED], VerdictStatus.OPEN, (), ("A",)),
        ([Out.NOT_ELIGIBLE], VerdictStatus.EXHAUSTED, (), ()),
        ([Out.WAITING_LIST], VerdictStatus.EXHAUSTED, (), ()),
        ([Out.NO_CAPACITY], VerdictStatus.EXHAUSTED, (), ()),
        ([Out.REFUSED], VerdictStatus.EXHAUSTED, (), ()),
        ([Out.DOES_NOT_FIT], VerdictStatus.EXHAUSTED, (), ()),
        ([Out.NOT_ELIGIBLE, Out.NO_CAPACITY, Out.REFUSED], VerdictStatus.EXHAUSTED, (), ()),
        ([Out.NOT_ELIGIBLE, Out.NOT_TRIED], VerdictStatus.OPEN, ("B",), ()),
        ([Out.NO_CAPACITY, Out.ACCEPTED, Out.NOT_TRIED], VerdictStatus.OPEN, ("C",), ("B",)),
        ([Out.NOT_TRIED, Out.NOT_TRIED], VerdictStatus.OPEN, ("A", "B"), ()),
    ],
)
def test_domain_verdict(
    outcomes: list[ServiceOutcome],
    status: VerdictStatus,
    to_try: tuple[str, ...],
    accepted: tuple[str, ...],
) -> None:
    entries = [entry("ABC"[i], outcome) for i, outcome in enumerate(outcomes)]
    verdict = domain_verdict("wonen", entries)
    assert (verdict.status, verdict.to_try, verdict.accepted) == (status, to_try, accepted)


def test_only_not_tried_and_accepted_keep_a_domain_open() -> None:
    assert set(ServiceOutcome) - EXHAUSTING == {Out.NOT_TRIED, Out.ACCEPTED}


def test_verdict_counts_added_services_and_ignores_other_domains() -> None:
    entries = [
        entry("OCMW", Out.NOT_ELIGIBLE),
        Entry(domain="wonen", name="Buurtwerk", outcome=Out.NOT_TRIED),  # added: no id
        entry("VDAB", Out.NOT_TRIED, domain="werk"),
    ]
    result = verdicts(["wonen", "financien"], entries)
    assert result["wonen"].to_try == ("Buurtwerk",)
    assert result["financien"].status == VerdictStatus.EMPTY
    assert "werk" not in result


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        ([], None),
        ([entry("A", Out.NOT_TRIED), entry("B", Out.NOT_TRIED, domain="werk")], None),
        ([entry("A", Out.NO_CAPACITY), entry("B", Out.REFUSED, domain="werk")], True),
        ([entry("A", Out.NO_CAPACITY), entry("B", Out.NOT_TRIED, domain="werk")], False),
        ([entry("A", Out.ACCEPTED), entry("B", Out.REFUSED, domain="werk")], False),
        ([entry("A", Out.NO_CAPACITY)], False),  # 'werk' lists nothing: not exhausted
    ],
)
def test_services_exhausted(entries: list[Entry], expected: bool | None) -> None:
    domains = ["wonen", "werk"]
    assert services_exhausted(verdicts(domains, entries), entries) is expected


def test_verdict_messages_say_what_is_left() -> None:
    open_ = domain_verdict("wonen", [entry("OCMW", Out.ACCEPTED), entry("CAW", Out.NOT_TRIED)])
    assert open_.message == "Niet uitgeput. Aanvaard door: OCMW. Nog te proberen: CAW."
    assert domain_verdict("wonen", [entry("CAW", Out.REFUSED)]).message.startswith("Uitgeput")
    assert "Voeg de diensten toe" in domain_verdict("wonen", []).message
    assert open_.as_json() == {"status": "open", "to_try": ["CAW"], "accepted": ["OCMW"]}


# -- hints ----------------------------------------------------------------------------------------


def test_data_date_prefers_provenance_and_verification() -> None:
    doc = {"x-source": {"source_date": "2019-01"}, "assured_date": "2026-10-01"}
    assert data_date(doc) == DataDate("2019-01", "2026-10-01", date(2026, 10, 1))
    assert data_date(doc, source_date="2020-02", verified=None).source_date == "2020-02"
    assert data_date({}).reference is None


def hint_codes(gazetteer: Gazetteer, service: dict, **kw: Any) -> list[str]:
    options = {
        "town": gazetteer.resolve("Tielt"),
        "serves_town": True,
        "age": 30,
        "dates": data_date(service),
        "today": TODAY,
    }
    options.update(kw)
    return [hint.code for hint in service_hints(service, **options)]


RECENT = {"x-source": {"source_date": "2026-02-13"}, "status": "active"}


@pytest.mark.parametrize(
    ("changes", "age", "expected"),
    [
        ({}, 30, []),
        ({"minimum_age": 12, "maximum_age": 25}, 30, ["age_outside"]),
        ({"minimum_age": 12, "maximum_age": 25}, 25, []),
        ({"minimum_age": 65}, 64, ["age_outside"]),
        ({"minimum_age": 65}, None, []),  # age unknown: no guess
        ({"status": "inactive"}, 30, ["inactive"]),
        ({"x-source": {"source_date": "2022-06"}}, 30, ["stale"]),
        ({"x-source": {"source_date": "undated (~2019)"}}, 30, ["undated"]),
        ({"x-source": {"source_date": "2019"}, "assured_date": "2026-09-01"}, 30, []),
    ],
)
def test_service_hints(
    gazetteer: Gazetteer, changes: dict, age: int | None, expected: list[str]
) -> None:
    assert hint_codes(gazetteer, {**RECENT, **changes}, age=age) == expected


def test_hint_for_a_service_that_does_not_serve_the_town(gazetteer: Gazetteer) -> None:
    hints = service_hints(
        RECENT,
        town=gazetteer.resolve("Tielt"),
        serves_town=False,
        age=None,
        dates=data_date(RECENT),
        today=TODAY,
    )
    assert [h.text for h in hints] == [
        "Heeft een adres in Tielt, maar werkt niet voor die gemeente."
    ]


@pytest.mark.parametrize(("days", "stale"), [(365, False), (366, True)])
def test_stale_after_twelve_months(gazetteer: Gazetteer, days: int, stale: bool) -> None:
    dates = DataDate("x", None, date.fromordinal(TODAY.toordinal() - days))
    assert ("stale" in hint_codes(gazetteer, RECENT, dates=dates)) is stale


def test_partnership_records_are_not_regular_services() -> None:
    partnerships = default_partnerships()
    assert is_partnership_service(
        {"name": "Midwest Moves – lokaal partnerschap voor activering op maat"}, partnerships
    )
    assert is_partnership_service({"name": "Link – lokaal partnerschap"}, partnerships)
    assert is_partnership_service(
        {"name": "Aanmelding", "email": "Midwest.Moves@midwest.be"}, partnerships
    )
    assert not is_partnership_service(
        {"name": "De LINK – vervoersdienst op maat (Roeselare-Oekene)"}, partnerships
    )


@pytest.mark.parametrize(
    ("value", "expected"), [("", None), (None, None), ("17", 17), (" 0 ", 0), (120, 120)]
)
def test_parse_age(value: Any, expected: int | None) -> None:
    assert parse_age(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-3", "tussen 0 en 120"),
        ("250", "tussen 0 en 120"),
        (250, "tussen 0 en 120"),
        ("zeventien", "geheel getal"),
        ("17.5", "geheel getal"),
        (True, "geheel getal"),
    ],
)
def test_parse_age_refuses_in_dutch(value: Any, message: str) -> None:
    with pytest.raises(RecordError, match=message):
        parse_age(value)


# -- the saved record -----------------------------------------------------------------------------


def valid_record() -> dict[str, Any]:
    return {
        "version": 1,
        "created": "2026-11-22",
        "municipality": {"nis": "37022", "name": "Tielt", "slug": "tielt"},
        "domains": ["wonen", "financien"],
        "age": 30,
        "flags": {name: None for name in FLAG_NAMES} | {"has_income": True},
        "services": [
            {"id": "s1", "name": "OCMW", "organization": "Welzijn Tielt", "domain": "wonen",
             "outcome": "waiting_list", "waiting_weeks": 8, "note": "na intake",
             "source_date": "2021-12"},
            {"id": "s1", "name": "OCMW", "organization": "Welzijn Tielt", "domain": "financien",
             "outcome": "not_eligible", "waiting_weeks": None, "note": "", "source_date": None},
        ],
        "added": [
            {"name": "Buurtwerk", "contact": "051 00 00 00", "domain": "wonen",
             "outcome": "no_capacity", "waiting_weeks": None, "note": ""},
        ],
        "verdicts": {
            "wonen": {"status": "exhausted", "to_try": [], "accepted": []},
            "financien": {"status": "exhausted", "to_try": [], "accepted": []},
        },
        "exhausted": True,
    }  # fmt: skip


def parse(data: Any, gazetteer: Gazetteer) -> Any:
    record = parse_record(data, gazetteer=gazetteer, domain_labels=domain_labels())
    return record, check_record(record, domain_labels())


def test_a_valid_record_parses_and_its_verdicts_check(gazetteer: Gazetteer) -> None:
    record, computed = parse(valid_record(), gazetteer)
    assert record.municipality.name_nl == "Tielt"
    assert record.entries[0].waiting_weeks == 8
    assert record.entries[2].contact == "051 00 00 00" and record.entries[2].id is None
    assert {d: v.status for d, v in computed.items()} == {
        "wonen": VerdictStatus.EXHAUSTED,
        "financien": VerdictStatus.EXHAUSTED,
    }


def test_notes_are_optional_so_the_upload_check_can_leave_them_out(gazetteer: Gazetteer) -> None:
    data = valid_record()
    for item in data["services"] + data["added"]:
        del item["note"]
    record, _ = parse(data, gazetteer)
    assert all(e.note == "" for e in record.entries)


def test_a_former_municipality_code_reads_as_the_merged_town(gazetteer: Gazetteer) -> None:
    data = valid_record()
    data["municipality"] = {"nis": "37007", "name": "Meulebeke"}
    record, _ = parse(data, gazetteer)
    assert record.municipality.nis == "37022"


def _set(path: str, value: Any) -> Any:
    def change(data: dict) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        if value is KeyError:
            del target[int(last) if last.isdigit() else last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("version", 2), "onbekende versie"),
        (_set("created", "gisteren"), "geen geldige datum"),
        (_set("municipality", {"nis": "99999"}), "onbekende gemeente"),
        (_set("municipality", "Tielt"), "onbekende gemeente"),
        (_set("domains", []), "levensdomeinen"),
        (_set("domains", ["wonen", "ruimtevaart"]), "levensdomeinen"),
        (_set("domains", ["wonen", "wonen"]), "levensdomeinen"),
        (_set("age", -3), "tussen 0 en 120"),
        (_set("age", 250), "tussen 0 en 120"),
        (_set("age", "30"), "getal"),
        (_set("flags", {"name": "Jan"}), "situatievragen"),
        (_set("flags", []), "situatievragen"),
        (_set("flags", {"has_income": "ja"}), "situatievragen"),
        (_set("services", {}), "lijsten"),
        (_set("services.0.outcome", "bogus"), "onbekende uitkomst 'bogus'"),
        (_set("services.0.domain", "werk"), "hoort niet bij de gekozen domeinen"),
        (_set("services.0.waiting_weeks", -1), "wachttijd"),
        (_set("services.0.waiting_weeks", 600), "wachttijd"),
        (_set("services.0.waiting_weeks", "8"), "wachttijd"),
        (_set("services.0.name", " "), "naam"),
        (_set("services.0.id", KeyError), "id"),
        (_set("services.0.note", "x" * 501), "te lang"),
        (_set("services.1.domain", "wonen"), "twee keer"),
        (_set("added.0", "Buurtwerk"), "geen object"),
        (_set("verdicts", []), "verdicts"),
    ],
)
def test_a_broken_record_is_refused_in_dutch(gazetteer: Gazetteer, change, message: str) -> None:
    data = valid_record()
    change(data)
    with pytest.raises(RecordError, match=message):
        parse(data, gazetteer)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("services.1.outcome", "not_tried"), "oordeel voor ‘Financiën’"),
        (_set("verdicts.wonen", {"status": "open", "to_try": [], "accepted": []}), "‘Wonen’"),
        (_set("verdicts.werk", {"status": "empty", "to_try": [], "accepted": []}), "domeinen"),
        (_set("exhausted", False), "eindoordeel"),
    ],
)
def test_a_hand_edited_record_is_refused(gazetteer: Gazetteer, change, message: str) -> None:
    data = valid_record()
    change(data)
    with pytest.raises(RecordError, match=f"Het bestand werd gewijzigd.*{message}"):
        parse(data, gazetteer)


def test_an_edited_outcome_with_matching_verdicts_is_accepted(gazetteer: Gazetteer) -> None:
    """Consistent edits cannot be told from real ones; the check catches inconsistent files."""
    data = copy.deepcopy(valid_record())
    data["services"][1]["outcome"] = "not_tried"
    data["verdicts"]["financien"] = {"status": "open", "to_try": ["OCMW"], "accepted": []}
    data["exhausted"] = False
    _, computed = parse(data, gazetteer)
    assert computed["financien"].to_try == ("OCMW",)


# -- the partnership intake through the check's profile -------------------------------------------

BASE = {
    "midwest-moves": dict(
        nis="37022", age=30, exhausted=True,
        flags=dict(is_professionally_active=False, has_valid_residence=True,
                   is_long_term_sick=False, has_employment_contract=False, consents=True),
    ),
    "westup": dict(nis="33011", age=25, exhausted=None, flags={}),
    "link": dict(
        nis="11009", age=30, exhausted=True,
        flags=dict(has_valid_residence=True, has_employment_contract=False,
                   is_supported_by_service=True, has_activation_question=True),
    ),
}  # fmt: skip

# (partnership, criterion, outcome) -> what changes in the base profile
CASES: dict[tuple[str, str, Outcome], dict[str, Any]] = {
    ("midwest-moves", "woonplaats", Outcome.MEETS): {"nis": "37022"},
    ("midwest-moves", "woonplaats", Outcome.DOES_NOT_MEET): {"nis": "44021"},  # Gent
    ("midwest-moves", "woonplaats", Outcome.UNKNOWN): {"nis": None},
    ("midwest-moves", "leeftijd", Outcome.MEETS): {"age": 17},
    ("midwest-moves", "leeftijd", Outcome.DOES_NOT_MEET): {"age": 16},
    ("midwest-moves", "leeftijd", Outcome.UNKNOWN): {"age": None},
    ("midwest-moves", "niet-beroepsactief", Outcome.MEETS): {"is_professionally_active": False},
    ("midwest-moves", "niet-beroepsactief", Outcome.DOES_NOT_MEET): {
        "is_professionally_active": True
    },
    ("midwest-moves", "niet-beroepsactief", Outcome.UNKNOWN): {"is_professionally_active": None},
    ("midwest-moves", "verblijfsstatuut", Outcome.MEETS): {"has_valid_residence": True},
    ("midwest-moves", "verblijfsstatuut", Outcome.DOES_NOT_MEET): {"has_valid_residence": False},
    ("midwest-moves", "verblijfsstatuut", Outcome.UNKNOWN): {"has_valid_residence": None},
    ("midwest-moves", "niet-langdurig-ziek-met-contract", Outcome.MEETS): {
        "is_long_term_sick": True,
        "has_employment_contract": False,
    },
    ("midwest-moves", "niet-langdurig-ziek-met-contract", Outcome.DOES_NOT_MEET): {
        "is_long_term_sick": True,
        "has_employment_contract": True,
    },
    ("midwest-moves", "niet-langdurig-ziek-met-contract", Outcome.UNKNOWN): {
        "is_long_term_sick": True,
        "has_employment_contract": None,
    },
    ("midwest-moves", "regulier-aanbod-uitgeput", Outcome.MEETS): {"exhausted": True},
    ("midwest-moves", "regulier-aanbod-uitgeput", Outcome.DOES_NOT_MEET): {"exhausted": False},
    ("midwest-moves", "regulier-aanbod-uitgeput", Outcome.UNKNOWN): {"exhausted": None},
    ("midwest-moves", "vrijwillig", Outcome.MEETS): {"consents": True},
    ("midwest-moves", "vrijwillig", Outcome.DOES_NOT_MEET): {"consents": False},
    ("midwest-moves", "vrijwillig", Outcome.UNKNOWN): {"consents": None},
    ("westup", "woonplaats", Outcome.MEETS): {"nis": "33011"},
    ("westup", "woonplaats", Outcome.DOES_NOT_MEET): {"nis": "37022"},
    ("westup", "woonplaats", Outcome.UNKNOWN): {"nis": None},
    ("westup", "doelgroep", Outcome.MEETS): {"age": 18},
    ("westup", "doelgroep", Outcome.DOES_NOT_MEET): {
        "age": 31,
        "is_care_avoider": False,
        "has_migration_background": False,
    },
    ("westup", "doelgroep", Outcome.UNKNOWN): {"age": 31, "is_care_avoider": None},
    ("link", "woonplaats", Outcome.MEETS): {"nis": "11055"},  # Zoersel
    ("link", "woonplaats", Outcome.DOES_NOT_MEET): {"nis": "11002"},  # Antwerpen
    ("link", "woonplaats", Outcome.UNKNOWN): {"nis": None},
    ("link", "leeftijd", Outcome.MEETS): {"age": 16},
    ("link", "leeftijd", Outcome.DOES_NOT_MEET): {"age": 15},
    ("link", "leeftijd", Outcome.UNKNOWN): {"age": None},
    ("link", "verblijfsstatuut", Outcome.MEETS): {"has_valid_residence": True},
    ("link", "verblijfsstatuut", Outcome.DOES_NOT_MEET): {"has_valid_residence": False},
    ("link", "verblijfsstatuut", Outcome.UNKNOWN): {"has_valid_residence": None},
    ("link", "geen-arbeidscontract", Outcome.MEETS): {"has_employment_contract": False},
    ("link", "geen-arbeidscontract", Outcome.DOES_NOT_MEET): {"has_employment_contract": True},
    ("link", "geen-arbeidscontract", Outcome.UNKNOWN): {"has_employment_contract": None},
    ("link", "hulpverlening-aanwezig", Outcome.MEETS): {"is_supported_by_service": True},
    ("link", "hulpverlening-aanwezig", Outcome.DOES_NOT_MEET): {"is_supported_by_service": False},
    ("link", "hulpverlening-aanwezig", Outcome.UNKNOWN): {"is_supported_by_service": None},
    ("link", "activeringsvraag", Outcome.MEETS): {"has_activation_question": True},
    ("link", "activeringsvraag", Outcome.DOES_NOT_MEET): {"has_activation_question": False},
    ("link", "activeringsvraag", Outcome.UNKNOWN): {"has_activation_question": None},
    ("link", "regulier-aanbod-verkend", Outcome.MEETS): {"exhausted": True},
    ("link", "regulier-aanbod-verkend", Outcome.DOES_NOT_MEET): {"exhausted": False},
    ("link", "regulier-aanbod-verkend", Outcome.UNKNOWN): {"exhausted": None},
}


def intake(partnership_id: str, changes: dict[str, Any]) -> Any:
    base = BASE[partnership_id]
    values = {"nis": base["nis"], "age": base["age"], "exhausted": base["exhausted"]}
    flags: dict[str, Any] = dict(base["flags"])
    for key, value in changes.items():
        (values if key in values else flags)[key] = value
    profile = need_profile(values["nis"], values["age"], flags, values["exhausted"])
    partnership = next(p for p in default_partnerships() if p.id == partnership_id)
    return check_intake(partnership, profile)


def test_every_criterion_in_the_data_has_its_three_outcomes_tested() -> None:
    in_data = {
        (p.id, c.id, outcome)
        for p in default_partnerships()
        for c in p.criteria
        for outcome in Outcome
    }
    assert set(CASES) == in_data


@pytest.mark.parametrize(("key", "changes"), list(CASES.items()), ids=lambda v: str(v))
def test_partnership_criterion(key: tuple[str, str, Outcome], changes: dict[str, Any]) -> None:
    partnership_id, criterion_id, outcome = key
    check = intake(partnership_id, changes)
    result = next(r for r in check.results if r.criterion_id == criterion_id)
    assert result.outcome == outcome
    assert (result.question is not None) == (outcome == Outcome.UNKNOWN)


@pytest.mark.parametrize("partnership_id", list(BASE))
def test_the_base_profiles_meet_every_criterion(partnership_id: str) -> None:
    check = intake(partnership_id, {})
    assert check.outcome == Outcome.MEETS, [r for r in check.results if r.outcome != Outcome.MEETS]


@pytest.mark.parametrize(
    ("partnership_id", "age", "outcome"),
    [
        ("midwest-moves", 16, Outcome.DOES_NOT_MEET),
        ("midwest-moves", 17, Outcome.MEETS),
        ("link", 15, Outcome.DOES_NOT_MEET),
        ("link", 16, Outcome.MEETS),
        ("link", 17, Outcome.MEETS),
    ],
)
def test_age_edges(partnership_id: str, age: int, outcome: Outcome) -> None:
    assert intake(partnership_id, {"age": age}).outcome == outcome


@pytest.mark.parametrize(
    ("age", "compulsory", "noted"),
    [(16, True, True), (17, True, True), (17, None, True), (18, True, False), (16, False, False)],
)
def test_link_advises_regular_education_for_16_17_year_olds(
    age: int, compulsory: bool | None, noted: bool
) -> None:
    check = intake("link", {"age": age, "in_compulsory_education": compulsory})
    assert check.outcome == Outcome.MEETS  # the note advises, it never blocks
    assert bool(check.notes) is noted


@pytest.mark.parametrize(
    ("typed", "current"), [("Meulebeke", "Tielt"), ("Ruiselede", "Wingene"), ("8755", "Wingene")]
)
def test_merged_towns_belong_to_midwest(gazetteer: Gazetteer, typed: str, current: str) -> None:
    town = gazetteer.resolve(typed)
    assert town.name_nl == current
    check = intake("midwest-moves", {"nis": town.nis})
    assert check.outcome == Outcome.MEETS
    assert check.results[0].explanation == f"Voldaan: woont in de regio Midwest ({current})."


@pytest.mark.parametrize("former", ["37007", "37012"])  # Meulebeke, Ruiselede (2019-2024)
def test_former_nis_codes_still_count(former: str) -> None:
    assert intake("midwest-moves", {"nis": former}).results[0].outcome == Outcome.MEETS


def test_income_is_recorded_but_no_criterion_uses_it() -> None:
    with_income = need_profile("37022", 30, {"has_income": True}, None)
    without = need_profile("37022", 30, {"has_income": False}, None)
    assert with_income == without
    assert need_profile("37022", 30, {"consents": True}, True).regular_services_exhausted is True
