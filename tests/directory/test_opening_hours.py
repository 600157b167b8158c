"""Opening hours over HSDS schedules: holidays, open now, next opening, labels, table, keys."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.opening_hours import (
    DAY_CODES,
    DayHours,
    easter_sunday,
    is_open,
    is_public_holiday,
    next_opening,
    opening_state_label,
    week_keys,
    weekly_table,
)


def weekly(byday: str, opens: str, closes: str, **extra: object) -> dict:
    schedule = {
        "freq": "WEEKLY",
        "wkst": "MO",
        "byday": byday,
        "opens_at": opens,
        "closes_at": closes,
    }
    return schedule | extra


# 9-12 and 13-17 on weekdays: the split day of many OCMW counters.
SPLIT = [weekly("MO,TU,WE,TH,FR", "09:00", "12:00"), weekly("MO,TU,WE,TH,FR", "13:00", "17:00")]
NIGHT = [weekly("MO,TU,WE,TH,FR,SA,SU", "19:00", "09:00")]  # a night shelter
SECOND_TUESDAY = [{"freq": "MONTHLY", "byday": "2TU", "opens_at": "14:00", "closes_at": "16:00"}]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2008, date(2008, 3, 23)), (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20))]
    + [(2026, date(2026, 4, 5)), (2027, date(2027, 3, 28)), (2038, date(2038, 4, 25))],
)
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2025, 1, 1), "Nieuwjaar"),
        (date(2027, 3, 29), "Paasmaandag"),
        (date(2025, 4, 21), "Paasmaandag"),
        (date(2025, 5, 1), "Feest van de Arbeid"),
        (date(2025, 5, 29), "Hemelvaartsdag"),
        (date(2025, 6, 9), "Pinkstermaandag"),
        (date(2025, 7, 21), "Nationale feestdag"),
        (date(2025, 8, 15), "Onze-Lieve-Vrouw-Hemelvaart"),
        (date(2025, 11, 1), "Allerheiligen"),
        (date(2025, 11, 11), "Wapenstilstand"),
        (date(2025, 12, 25), "Kerstmis"),
        (date(2008, 5, 1), "Feest van de Arbeid"),  # Ascension fell on 1 May ...
        (date(2008, 5, 2), "Hemelvaartsdag"),  # ... and was moved to 2 May by royal decree
        (date(2027, 3, 28), None),  # Easter Sunday is a Sunday, not a legal holiday
        (date(2025, 12, 26), None),  # Boxing Day is not a Belgian legal holiday
        (date(2025, 11, 12), None),
        (date(1970, 1, 1), None),  # before the 1974 law
    ],
)
def test_is_public_holiday(day: date, name: str | None) -> None:
    assert is_public_holiday(day) == name


def test_is_public_holiday_reads_a_datetime_in_brussels() -> None:
    # 23:30 UTC on 10 November is already 11 November in Brussels.
    assert is_public_holiday(datetime(2025, 11, 10, 23, 30, tzinfo=UTC)) == "Wapenstilstand"


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2025-11-10 10:00", True),  # Monday morning
        ("2025-11-10 08:59", False),
        ("2025-11-10 12:00", False),  # closing time is exclusive
        ("2025-11-10 12:30", False),  # lunch break of the split day
        ("2025-11-10 13:00", True),
        ("2025-11-10 16:59", True),
        ("2025-11-08 10:00", False),  # Saturday
        ("2025-11-11 10:00", False),  # Wapenstilstand
        ("2027-03-29 10:00", False),  # Easter Monday 2027
        ("2027-03-30 10:00", True),
        ("2025-11-10 09:30+01:00", True),
        ("2025-11-10 08:30+00:00", True),  # 09:30 in Brussels (CET)
        ("2025-07-01 07:30+00:00", True),  # 09:30 in Brussels (CEST)
        ("2025-07-01 07:30+02:00", False),
    ],
)
def test_is_open_split_day(moment: str, expected: bool) -> None:
    assert is_open(SPLIT, at(moment)) is expected


@pytest.mark.parametrize(
    "schedules",
    [
        None,
        [],
        [{"freq": "WEEKLY", "byday": "MO", "opens_at": "9 uur", "closes_at": "12:00"}],
        [{"freq": "YEARLY", "byday": "MO", "opens_at": "09:00", "closes_at": "12:00"}],
        [weekly("MO", "09:00", "12:00", count=5)],  # count is not supported: unknown, not wrong
        [weekly("XX", "09:00", "12:00")],
        [weekly("MO", "09:00", "12:00", valid_from="1 maart")],
        [{"description": "Op afspraak"}],
    ],
)
def test_no_usable_schedule_means_unknown(schedules: list[dict] | None) -> None:
    moment = at("2025-11-10 10:00")
    assert is_open(schedules, moment) is None
    assert next_opening(schedules, moment) is None
    assert opening_state_label(schedules, moment) is None
    assert weekly_table(schedules) == []
    assert week_keys(schedules) == []


def test_unusable_schedules_are_skipped_next_to_usable_ones() -> None:
    schedules = [{"freq": "WEEKLY", "byday": "MO", "opens_at": "?", "closes_at": "?"}, *SPLIT]
    assert is_open(schedules, at("2025-11-10 10:00")) is True


def test_open_on_a_holiday_only_when_a_schedule_names_that_date() -> None:
    holiday_opening = {"valid_from": "2025-11-11", "valid_to": "2025-11-11"} | {
        "opens_at": "10:00",
        "closes_at": "12:00",
    }
    schedules = [*SPLIT, holiday_opening]
    assert is_open(schedules, at("2025-11-11 11:00")) is True
    assert is_open(schedules, at("2025-11-11 09:30")) is False
    assert opening_state_label(schedules, at("2025-11-11 08:00")) == "Opent om 10u"
    # The one-day schedule is not a weekly rule: it does not open other days.
    assert is_open(schedules, at("2025-11-18 11:00")) is True  # ordinary Tuesday hours
    assert is_open([holiday_opening], at("2025-11-18 11:00")) is False


@pytest.mark.parametrize(
    ("schedules", "after", "expected"),
    [
        (SPLIT, "2025-11-10 10:00", "2025-11-10 13:00"),
        (SPLIT, "2025-11-10 17:30", "2025-11-12 09:00"),  # Tuesday 11/11 is a holiday
        (SPLIT, "2025-11-08 10:00", "2025-11-10 09:00"),
        (SPLIT, "2027-03-26 18:00", "2027-03-30 09:00"),  # over Easter Monday
        (SPLIT, "2025-12-24 17:00", "2025-12-26 09:00"),  # over Christmas
        (SECOND_TUESDAY, "2025-11-01 10:00", "2025-12-09 14:00"),  # 11/11 is the 2nd Tuesday
        (NIGHT, "2025-11-10 10:00", "2025-11-10 19:00"),
        ([weekly("MO", "09:00", "12:00", valid_to="2025-11-01")], "2025-11-10 10:00", None),
    ],
)
def test_next_opening(schedules: list[dict], after: str, expected: str | None) -> None:
    found = next_opening(schedules, at(after))
    if expected is None:
        assert found is None
    else:
        assert found is not None and found.replace(tzinfo=None) == at(expected)
        assert found.utcoffset() in (timedelta(hours=1), timedelta(hours=2))


@pytest.mark.parametrize(
    ("schedules", "moment", "label"),
    [
        (SPLIT, "2025-11-10 10:00", "Nu open tot 12u"),
        (SPLIT, "2025-11-10 12:15", "Opent om 13u"),
        (SPLIT, "2025-11-10 07:00", "Opent om 9u"),
        (SPLIT, "2025-11-09 10:00", "Opent morgen om 9u"),
        (SPLIT, "2027-03-26 18:00", "Opent dinsdag om 9u"),
        (SPLIT, "2025-11-11 10:00", "Gesloten (feestdag: Wapenstilstand)"),
        (SPLIT, "2027-03-29 08:00", "Gesloten (feestdag: Paasmaandag)"),
        ([weekly("MO,TU,WE,TH,FR", "08:30", "12:30")], "2025-11-10 09:00", "Nu open tot 12u30"),
        (NIGHT, "2025-11-10 20:00", "Nu open tot morgen 9u"),
        (NIGHT, "2025-11-11 08:00", "Nu open tot 9u"),  # opened the evening before the holiday
        ([weekly("FR", "18:00", "24:00")], "2025-11-14 20:00", "Nu open tot middernacht"),
        (
            [weekly("MO", "09:00", "12:00"), weekly("MO", "12:00", "17:00")],
            "2025-11-10 10:00",
            "Nu open tot 17u",
        ),
        ([weekly("MO,TU,WE,TH,FR,SA,SU", "00:00", "24:00")], "2025-11-17 10:00", "Nu open"),
        # ... but not through a public holiday (Tuesday 11 November)
        (
            [weekly("MO,TU,WE,TH,FR,SA,SU", "00:00", "24:00")],
            "2025-11-10 10:00",
            "Nu open tot middernacht",
        ),
        (SECOND_TUESDAY, "2025-11-01 10:00", "Gesloten (feestdag: Allerheiligen)"),
        (SECOND_TUESDAY, "2025-11-20 10:00", "Opent op 9 december om 14u"),
        ([weekly("MO", "09:00", "12:00", valid_to="2025-11-01")], "2025-11-10 13:00", "Gesloten"),
        ([], "2025-11-10 10:00", None),
    ],
)
def test_opening_state_label(schedules: list[dict], moment: str, label: str | None) -> None:
    assert opening_state_label(schedules, at(moment)) == label


@pytest.mark.parametrize(
    ("schedule", "open_at", "closed_at"),
    [
        (  # every other week, counted from dtstart
            weekly("WE", "14:00", "16:00", interval=2, dtstart="2025-11-05"),
            "2025-11-19 15:00",
            "2025-11-12 15:00",
        ),
        (  # last Friday of the month
            {"freq": "MONTHLY", "byday": "-1FR", "opens_at": "09:00", "closes_at": "12:00"},
            "2025-11-28 10:00",
            "2025-11-21 10:00",
        ),
        (  # on the 15th
            {"freq": "MONTHLY", "bymonthday": "15", "opens_at": "09:00", "closes_at": "12:00"},
            "2025-10-15 10:00",
            "2025-10-16 10:00",
        ),
        (  # only within its validity window
            weekly("MO", "09:00", "12:00", valid_from="2025-11-01", valid_to="2025-11-30"),
            "2025-11-17 10:00",
            "2025-12-01 10:00",
        ),
        (weekly("MO", "9.00", "12.00"), "2025-11-17 10:00", "2025-11-17 12:01"),
        (weekly("MO", "09:00:00", "12:00:00Z"), "2025-11-17 10:00", "2025-11-17 08:00"),
    ],
)
def test_recurrences(schedule: dict, open_at: str, closed_at: str) -> None:
    assert is_open([schedule], at(open_at)) is True
    assert is_open([schedule], at(closed_at)) is False


def test_weekly_table_split_day() -> None:
    table = weekly_table(SPLIT)
    assert [row.name for row in table] == [
        "Maandag",
        "Dinsdag",
        "Woensdag",
        "Donderdag",
        "Vrijdag",
        "Zaterdag",
        "Zondag",
    ]
    assert table[0] == DayHours(0, "Maandag", (("09:00", "12:00"), ("13:00", "17:00")), None)
    assert table[5].hours == () and table[6].hours == ()


def test_weekly_table_notes_and_validity() -> None:
    schedules = [
        weekly("TU", "09:00", "12:00"),
        *SECOND_TUESDAY,
        weekly("TH", "13:00", "16:00", valid_to="2025-06-30", notes="enkel op afspraak"),
        weekly("SA", "9:00", "11:30", interval=2, dtstart="2025-01-04"),
    ]
    table = weekly_table(schedules)
    assert table[1].hours == (("09:00", "12:00"), ("14:00", "16:00"))
    assert table[1].note == "14:00-16:00: enkel 2e dinsdag van de maand"
    assert table[3].note == "tot 30 juni 2025, enkel op afspraak"
    assert table[5].hours == (("09:00", "11:30"),)
    assert table[5].note == "om de 2 weken, vanaf 4 januari 2025"
    assert weekly_table(schedules, on=date(2025, 11, 1))[3].hours == ()


def test_weekly_table_night_opening() -> None:
    assert weekly_table(NIGHT)[0].hours == (("19:00", "09:00"),)


@pytest.mark.parametrize(
    ("schedules", "keys"),
    [
        (
            SPLIT[:1] + [weekly("TU", "13:30", "16:30")],
            ["MO0900-1200", "TU0900-1200", "TU1330-1630", "WE0900-1200", "TH0900-1200"]
            + ["FR0900-1200"],
        ),
        ([weekly("SU", "19:00", "09:00")], ["MO0000-0900", "SU1900-2400"]),
        ([weekly("FR", "18:00", "00:00")], ["FR1800-2400"]),
        ([weekly("MO", "09:00", "12:00"), weekly("MO", "09:00", "12:00")], ["MO0900-1200"]),
        (SECOND_TUESDAY, []),  # not every week: left to is_open
        ([weekly("WE", "14:00", "16:00", interval=2, dtstart="2025-11-05")], []),
    ],
)
def test_week_keys(schedules: list[dict], keys: list[str]) -> None:
    assert week_keys(schedules) == keys


def test_week_keys_drop_expired_schedules_when_asked() -> None:
    schedules = [weekly("MO", "09:00", "12:00", valid_to="2025-06-30")]
    assert week_keys(schedules) == ["MO0900-1200"]
    assert week_keys(schedules, on=date(2025, 11, 1)) == []


def _open_by_keys(keys: list[str], moment: datetime) -> bool:
    """How an index reads week_keys on an ordinary (non-holiday) day."""
    code, clock = DAY_CODES[moment.weekday()], moment.strftime("%H%M")
    return any(key[:2] == code and key[2:6] <= clock < key[7:11] for key in keys)


_clock = st.integers(min_value=0, max_value=23 * 4).map(lambda q: f"{q // 4:02d}:{q % 4 * 15:02d}")


@settings(max_examples=150, deadline=None)
@given(
    days=st.sets(st.sampled_from(DAY_CODES), min_size=1),
    opens=_clock,
    closes=_clock,
    minute=st.integers(min_value=0, max_value=7 * 24 * 60 - 1),
)
def test_week_keys_agree_with_is_open(days: set[str], opens: str, closes: str, minute: int) -> None:
    schedules = [weekly(",".join(sorted(days)), opens, closes)]
    # 2025-11-17..23 holds no public holiday, nor does the Sunday before it.
    moment = datetime(2025, 11, 17) + timedelta(minutes=minute)
    assert _open_by_keys(week_keys(schedules), moment) == is_open(schedules, moment)
