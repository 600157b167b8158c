"""Pure parsing and formatting: query parameters, Dutch formats, stale warnings."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from indexer import SearchRequest
from web.params import ParamError, carried_fields, parse_search_args
from web.views.formatting import dutch_date, km, tel_href
from web.views.service_view import stale_warning


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], SearchRequest()),
        ([("q", "  schulden  ")], SearchRequest(q="schulden")),
        ([("domain", "Wonen"), ("domain", "werk"), ("domain", "wonen")],
         SearchRequest(domains=("wonen", "werk"))),
        ([("age", " 17 ")], SearchRequest(age=17)),
        ([("free", "ja")], SearchRequest(free=True)),
        ([("free", "0")], SearchRequest(free=False)),
        ([("free", "")], SearchRequest()),
        ([("open_now", "on")], SearchRequest(open_now=True)),
        ([("near", "50.95,3.12"), ("radius_km", "2,5")],
         SearchRequest(near=(50.95, 3.12), radius_km=2.5)),
        ([("page", "3"), ("per_page", "50")], SearchRequest(page=3, per_page=50)),
        ([("language", "AR")], SearchRequest(language="ar")),
        ([("organization", "org-1"), ("sort", "name")],
         SearchRequest(organization_id="org-1", sort="name")),
        ([("q", "a\x00b")], SearchRequest(q="ab")),
        ([("onbekend", "x")], SearchRequest()),
    ],
)  # fmt: skip
def test_parse_search_args(pairs: list[tuple[str, str]], expected: SearchRequest) -> None:
    assert parse_search_args(MultiDict(pairs)) == expected


@pytest.mark.parametrize(
    ("pairs", "param"),
    [
        ([("age", "٣")], "age"),
        ([("age", "1_0")], "age"),
        ([("age", "-1")], "age"),
        ([("page", "0")], "page"),
        ([("page", "501")], "page"),
        ([("per_page", "101")], "per_page"),
        ([("near", "50.9")], "near"),
        ([("near", "nan,3")], "near"),
        ([("near", "1e5,3")], "near"),
        ([("radius_km", "0")], "radius_km"),
        ([("radius_km", "inf")], "radius_km"),
        ([("free", "misschien")], "free"),
        ([("sort", "random")], "sort"),
        ([("language", "Nederlands")], "language"),
        ([("q", "x" * 301)], "q"),
        ([("domain", str(i)) for i in range(21)], "domain"),
    ],
)
def test_bad_parameters_raise_dutch_errors(pairs: list[tuple[str, str]], param: str) -> None:
    with pytest.raises(ParamError) as caught:
        parse_search_args(MultiDict(pairs))
    assert caught.value.param == param
    assert str(caught.value).endswith((".", "?"))


def test_per_page_default_comes_from_settings() -> None:
    assert parse_search_args(MultiDict(), per_page_default=7).per_page == 7


def test_carried_fields_repeat_lists() -> None:
    params = {"q": "x", "domain": ["wonen", "werk"], "free": "1"}
    assert carried_fields(params, ["q"]) == [("domain", "wonen"), ("domain", "werk"), ("free", "1")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.04, "50 m"), (0.5, "500 m"), (1.0, "1,0 km"), (12.345, "12,3 km")],
)
def test_km(value: float, expected: str) -> None:
    assert km(value) == expected


@pytest.mark.parametrize(
    ("number", "extension", "expected"),
    [
        ("051 23 35 00", None, "tel:051233500"),
        ("+32 (0)51 23 35 00", None, "tel:+3251233500"),
        ("1712", None, "tel:1712"),
        ("056 12 34 56", "12", "tel:056123456,12"),
        ("onbekend", None, None),
    ],
)
def test_tel_href(number: str, extension: str | None, expected: str | None) -> None:
    assert tel_href(number, extension) == expected


@pytest.mark.parametrize(
    ("age_days", "limit", "expected"),
    [
        (10, 365, None),
        (365, 365, None),
        (366, 365, "Deze gegevens zijn ouder dan 12 maanden: controleer ze voor je doorverwijst."),
        (200, 180, "Deze gegevens zijn ouder dan 6 maanden: controleer ze voor je doorverwijst."),
        (None, 365, "De bron vermeldt geen datum: deze gegevens kunnen ouder zijn dan 12 maanden. "
                    "Controleer ze voor je doorverwijst."),
    ],
)  # fmt: skip
def test_stale_warning(age_days: int | None, limit: int, expected: str | None) -> None:
    assert stale_warning(age_days, limit) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2026, 11, 22), "22 november 2026"), (date(2027, 1, 1), "1 januari 2027")],
)
def test_dutch_date(day: date, expected: str) -> None:
    assert dutch_date(day) == expected
