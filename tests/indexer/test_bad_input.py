"""Any string is a valid query: nothing a user types may raise (property-based and known cases)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import SearchIndex, SearchRequest
from tests.indexer.conftest import service

NASTY = [
    "",
    "   ",
    "x" * 10_000,
    "schulden " * 2_000,
    "de het een en van",  # only stop words
    '"unterminated',
    "*",
    "schuld*",
    "AND",
    "OR NOT AND",
    "(((",
    "kinderopvang~2",
    "name:schulden",
    "^3",
    "🏠🍞 dakloos 💶",
    "'; DROP TABLE services; --",
    "<script>alert(1)</script>",
    "\x00\x01\x7f",
    "ꙮ ǅ ﬁ ß İ",
    "8800",
    "9999 schulden",
]


@pytest.mark.parametrize("text", NASTY)
def test_known_nasty_queries_do_not_raise(built: SearchIndex, text: str) -> None:
    results = built.search(SearchRequest(q=text, per_page=5))
    assert results.total <= built.doc_count()
    assert len(results.hits) == min(results.total, 5)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    """An index whose texts carry markup, as a scraped or imported description may."""
    index = SearchIndex.open_or_create(tmp_path_factory.mktemp("hostile"))
    index.rebuild(
        [
            service(
                "Schuldhulp met opmaak",
                'Hulp bij <script>alert("schulden")</script> en <b onclick="x()">budget</b>.',
            )
        ]
    )
    yield index
    index.close()


@pytest.mark.parametrize("text", ["schulden", "script", "<script>alert(1)</script>", "budget"])
def test_markup_in_a_description_is_escaped_in_the_snippet(hostile: SearchIndex, text: str) -> None:
    [hit] = hostile.search(SearchRequest(q=text)).hits
    assert "<mark>" in hit.snippet and "&lt;script&gt;" in hit.snippet
    unmarked = hit.snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in unmarked and ">" not in unmarked  # <mark> is the only markup


def test_only_stop_words_lists_everything_with_a_message(built: SearchIndex) -> None:
    results = built.search(SearchRequest(q="de het een"))
    assert results.total == built.doc_count()
    assert any("veelgebruikte woorden" in m for m in results.messages)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_is_a_valid_query(built: SearchIndex, text: str) -> None:
    results = built.search(SearchRequest(q=text, per_page=5))
    assert len(results.hits) <= 5 and results.total >= len(results.hits)


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(
        st.sampled_from(
            ["schulden", "izegem", "AND", '"', "*", "(", "~", "nachtopvnag", "8800", "é"]
        ),
        max_size=8,
    ),
    page=st.integers(min_value=-5, max_value=50),
    per_page=st.integers(min_value=-5, max_value=500),
)
def test_any_combination_of_tricky_words_and_paging(
    built: SearchIndex, words: list[str], page: int, per_page: int
) -> None:
    results = built.search(SearchRequest(q=" ".join(words), page=page, per_page=per_page))
    assert 1 <= results.per_page <= 100 and results.page >= 1
