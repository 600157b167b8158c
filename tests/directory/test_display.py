"""Source dates and age ranges in Dutch: one reading for the service page, the exhaustion check and
its annex."""

from __future__ import annotations

from datetime import date

import pytest

from directory.display import UNDATED, age_range, period_start, source_date_label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022", date(2022, 1, 1)),
        ("2022-06", date(2022, 6, 1)),
        ("2022-6", date(2022, 6, 1)),
        ("2024-06-18", date(2024, 6, 18)),
        ("  2024-06-18", date(2024, 6, 18)),
        ("2024-03 (startmoment 7 maart 2024)", date(2024, 3, 1)),
        ("undated (~2019)", None),
        ("2022-13", None),
        ("2023-02-30", None),
        ("", None),
        (None, None),
    ],
)
def test_period_start(text: str | None, expected: date | None) -> None:
    assert period_start(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("undated (~2019)", "niet gedateerd (~2019)"),
        ("Undated (recent)", "niet gedateerd (recent)"),
        ("undated", "niet gedateerd"),
        ("2022-06", "2022-06"),
        (" 2024-03 (startmoment) ", "2024-03 (startmoment)"),
        ("", UNDATED),
        (None, UNDATED),
    ],
)
def test_source_date_label(text: str | None, expected: str) -> None:
    assert source_date_label(text) == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (17, None, "vanaf 17 jaar"),
        (None, 25, "tot 25 jaar"),
        (10, 20, "10 tot 20 jaar"),
        (18.0, 64.0, "18 tot 64 jaar"),
        (0, None, "vanaf 0 jaar"),
        (None, None, None),
    ],
)
def test_age_range(low: float | None, high: float | None, expected: str | None) -> None:
    assert age_range(low, high) == expected
