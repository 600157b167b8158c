"""'Open now' keys: weekly hours, public holidays closed, one-day schedules open; the same
schedules as the result labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from directory.opening_hours import BRUSSELS, opening_state_label, service_schedules
from indexer import SearchIndex, SearchRequest
from indexer.opening import keys_for, open_now_docs

KEYS = {
    "MO0900-1200": frozenset({1}),
    "TU1300-1700": frozenset({2}),
    "MO1900-2400": frozenset({3}),
    "TU0000-0900": frozenset({3}),
    "202605010900-1200": frozenset({4}),
}


@pytest.mark.parametrize(
    ("moment", "docs"),
    [
        (datetime(2026, 3, 9, 9, 0), {1}),  # Monday at opening time
        (datetime(2026, 3, 9, 12, 0), set()),  # closing time is closed
        (datetime(2026, 3, 9, 23, 30), {3}),  # night opening, before midnight
        (datetime(2026, 3, 10, 8, 0), {3}),  # ... and after
        (datetime(2026, 3, 10, 14, 0), {2}),
        (datetime(2026, 3, 9, 8, 0, tzinfo=UTC), {1}),  # 09:00 in Brussels
        (datetime(2026, 4, 6, 10, 0), set()),  # Easter Monday: weekly hours closed
        (datetime(2026, 5, 1, 10, 0), {4}),  # a one-day schedule opens on a holiday
    ],
)
def test_open_now_docs(moment: datetime, docs: set[int]) -> None:
    assert open_now_docs(KEYS, moment) == docs


def test_keys_for() -> None:
    record = {
        "schedules": [
            {"freq": "WEEKLY", "byday": "MO,WE", "opens_at": "09:00", "closes_at": "12:30"},
            {
                "valid_from": "2026-12-26",
                "valid_to": "2026-12-26",
                "opens_at": "10:00",
                "closes_at": "12:00",
            },
        ]
    }
    assert keys_for(record) == ["MO0900-1230", "WE0900-1230", "202612261000-1200"]
    assert keys_for({"schedules": []}) is None
    assert keys_for({"schedules": [{"description": "op afspraak"}]}) is None


HOURS = {"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "12:00"}
LINK_HOURS = {"freq": "WEEKLY", "byday": "TU", "opens_at": "13:00", "closes_at": "16:00"}
BUILDING_HOURS = {"freq": "WEEKLY", "byday": "WE", "opens_at": "08:00", "closes_at": "18:00"}


def _link(schedules: list[dict], building: list[dict]) -> dict:
    return {"schedules": schedules, "location": {"name": "Loket", "schedules": building}}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"schedules": [HOURS]}, [HOURS]),
        ({"schedules": [], "service_at_locations": [_link([LINK_HOURS], [])]}, [LINK_HOURS]),
        (
            {"schedules": [HOURS], "service_at_locations": [_link([LINK_HOURS], [BUILDING_HOURS])]},
            [HOURS, LINK_HOURS],
        ),
        # the building's hours only when the service and its links publish none
        ({"service_at_locations": [_link([], [BUILDING_HOURS])]}, [BUILDING_HOURS]),
        ({"schedules": [HOURS], "service_at_locations": [_link([], [BUILDING_HOURS])]}, [HOURS]),
        ({"schedules": None, "service_at_locations": [{"location": None}, "junk"]}, []),
        ({}, []),
    ],
)
def test_service_schedules(document: dict, expected: list[dict]) -> None:
    assert service_schedules(document) == expected


def test_hours_on_a_service_at_location_count_for_open_now() -> None:
    record = {"schedules": [], "service_at_locations": [_link([LINK_HOURS], [])]}
    assert keys_for(record) == ["TU1300-1600"]


def test_monthly_hours_on_plain_weekdays_are_every_such_weekday() -> None:
    monthly = {"freq": "MONTHLY", "byday": "TU", "opens_at": "14:00", "closes_at": "16:00"}
    assert keys_for({"schedules": [monthly]}) == ["TU1400-1600"]
    # a given Tuesday of the month or every other month cannot be told from weekly keys
    assert keys_for({"schedules": [monthly | {"byday": "1TU"}]}) is None
    assert keys_for({"schedules": [monthly | {"interval": 2, "dtstart": "2026-01-06"}]}) is None


# Every half hour of a week with a public holiday (Tuesday 11 November 2025, Wapenstilstand).
WEEK = [
    datetime(2025, 11, 10, 0, 7, tzinfo=BRUSSELS) + timedelta(minutes=30 * i) for i in range(336)
]


def test_open_now_filter_agrees_with_the_open_label_on_the_starter_catalogue(
    starter: SearchIndex, starter_services: list[dict]
) -> None:
    """Whatever the result list labels 'Nu open' is what open_now=1 returns, and nothing else."""
    names_at_some_point: set[str] = set()
    for moment in WEEK:
        labelled = {
            s["name"]
            for s in starter_services
            if (opening_state_label(service_schedules(s), moment) or "").startswith("Nu open")
        }
        found = starter.search(SearchRequest(open_now=True, per_page=100), now=moment)
        assert {hit.name for hit in found.hits} == labelled, moment
        assert found.total == len(labelled)
        names_at_some_point |= labelled
    # hours only on its service_at_location link: labelled open, so found by the filter too
    assert "Woonwinkel – Woondienst Regio Izegem" in names_at_some_point
