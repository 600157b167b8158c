"""Dutch opening-hours prose and schema.org openingHours turned into HSDS schedules."""

from __future__ import annotations

from typing import Any

import pytest

from scrapers.hours import parse_opening_hours, parse_schema_org_hours

WORKDAYS = "MO,TU,WE,TH,FR"


def _slots(schedules: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (s.get("freq"), s.get("byday"), s.get("opens_at"), s.get("closes_at"), s.get("notes"))
        for s in schedules
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "maandag tot vrijdag van 9 tot 12 uur en op afspraak",
            [("WEEKLY", WORKDAYS, "09:00", "12:00", "op afspraak")],
        ),
        ("Maandag tot vrijdag 9-12 u", [("WEEKLY", WORKDAYS, "09:00", "12:00", None)]),
        ("van maandag t.e.m. vrijdag, 9u tot 12u", [("WEEKLY", WORKDAYS, "09:00", "12:00", None)]),
        (
            "ma-vr: 8.30 - 12.00 en 13.30 - 16.30",
            [
                ("WEEKLY", WORKDAYS, "08:30", "12:00", None),
                ("WEEKLY", WORKDAYS, "13:30", "16:30", None),
            ],
        ),
        ("Dinsdag en donderdag van 13u30 tot 16u", [("WEEKLY", "TU,TH", "13:30", "16:00", None)]),
        ("Woensdagnamiddag van 13.30 tot 17 uur", [("WEEKLY", "WE", "13:30", "17:00", None)]),
        ("ma, di, do: 9:00-12:00", [("WEEKLY", "MO,TU,TH", "09:00", "12:00", None)]),
        ("zaterdag 10-12u", [("WEEKLY", "SA", "10:00", "12:00", None)]),
        (
            "Maandag, dinsdag en donderdag van 09.00 tot 12.00 uur.",
            [("WEEKLY", "MO,TU,TH", "09:00", "12:00", None)],
        ),
        (
            "Elke werkdag van 9 tot 12 uur, behalve woensdag",
            [("WEEKLY", "MO,TU,TH,FR", "09:00", "12:00", None)],
        ),
        (
            "Van 9 tot 12 uur: maandag, woensdag en vrijdag",
            [("WEEKLY", "MO,WE,FR", "09:00", "12:00", None)],
        ),
        (
            "maandag van 9 tot 12 uur, dinsdag van 13 tot 16 uur",
            [("WEEKLY", "MO", "09:00", "12:00", None), ("WEEKLY", "TU", "13:00", "16:00", None)],
        ),
        (
            "Maandag: 9u - 12u / 13u - 17u\nDinsdag: gesloten",
            [("WEEKLY", "MO", "09:00", "12:00", None), ("WEEKLY", "MO", "13:00", "17:00", None)],
        ),
        (
            "Elke eerste dinsdag van de maand van 14 tot 16 uur",
            [("MONTHLY", "1TU", "14:00", "16:00", None)],
        ),
        (
            "Elke 2de en 4de dinsdag van de maand om 13.30 u",
            [("MONTHLY", "2TU,4TU", "13:30", None, None)],
        ),
        ("Laatste vrijdag van de maand: 19u-22u", [("MONTHLY", "-1FR", "19:00", "22:00", None)]),
        (
            "Dinsdag t.e.m. vrijdag 8.30-11.45 u; namiddag enkel op afspraak",
            [("WEEKLY", "TU,WE,TH,FR", "08:30", "11:45", "namiddag enkel op afspraak")],
        ),
        ("Elke maandag- en woensdagvoormiddag", [("WEEKLY", "MO,WE", None, None, None)]),
        ("24/7 bereikbaar", [("WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "00:00", "24:00", None)]),
        ("Enkel op afspraak", [(None, None, None, None, "Enkel op afspraak")]),
        (
            "Maandag\n9u - 12u\nDinsdag\n13u - 16u",
            [
                ("WEEKLY", "MO", "09:00", "12:00", None),
                ("WEEKLY", "TU", "13:00", "16:00", None),
            ],
        ),
        ("Dinsdag: gesloten", []),
        ("Gesloten van 1 tot 15 juli", []),
        ("De dienst is gesloten op feestdagen.", []),
        ("Zo snel mogelijk bellen", []),
        ("", []),
    ],
)
def test_parse_opening_hours(text: str, expected: list[tuple[Any, ...]]) -> None:
    assert _slots(parse_opening_hours(text)) == expected


def test_each_schedule_keeps_its_clause_as_description() -> None:
    schedules = parse_opening_hours(
        "Maandag van 9 tot 12 uur. Woensdag van 14 tot 16 uur. Buiten deze uren op afspraak."
    )
    assert [s["description"] for s in schedules] == [
        "Maandag van 9 tot 12 uur",
        "Woensdag van 14 tot 16 uur",
    ]
    assert {s["notes"] for s in schedules} == {"Buiten deze uren op afspraak"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "Mo-Fr 09:00-12:00 13:00-16:00",
            [
                ("WEEKLY", WORKDAYS, "09:00", "12:00", None),
                ("WEEKLY", WORKDAYS, "13:00", "16:00", None),
            ],
        ),
        (
            "Mo,We 09:00-12:00, Th 13:30-17:00",
            [("WEEKLY", "MO,WE", "09:00", "12:00", None), ("WEEKLY", "TH", "13:30", "17:00", None)],
        ),
        (
            "Sa 10:00-12:00; Su 10:00-11:00",
            [
                ("WEEKLY", "SA", "10:00", "12:00", None),
                ("WEEKLY", "SU", "10:00", "11:00", None),
            ],
        ),
        ("Xx 10:00-12:00", []),
    ],
)
def test_parse_schema_org_hours(value: str, expected: list[tuple[Any, ...]]) -> None:
    assert _slots(parse_schema_org_hours(value)) == expected
