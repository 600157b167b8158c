"""'Open now' keys: weekly hours, public holidays closed, one-day schedules open."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

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
