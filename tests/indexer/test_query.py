"""Query building: words, expansions, typo fixes and the 'Bedoelde u' text."""

from __future__ import annotations

import pytest

from indexer.query import build_query, query_words, suggestion
from indexer.vocabulary import analyse_word


class Known:
    """A stand-in index vocabulary."""

    def __init__(self, terms: set[str], words: list[str]) -> None:
        self.terms, self.words = terms, words

    def has_term(self, term: str) -> bool:
        return term in self.terms

    def corrections(self, word: str) -> list[str]:
        return [w for w in self.words if w[:3] == word[:3]]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hulp bij de Financiën!", ["hulp", "financien"]),
        ("name:schulden AND (x*)", ["name", "schulden"]),
        ("", []),
        ("de het een", []),
        ("a " * 50 + "schulden " * 50, ["schulden"] * 12),
    ],
)
def test_query_words(text: str, words: list[str]) -> None:
    assert query_words(text) == words


def test_unknown_word_is_replaced_by_its_fix() -> None:
    vocab = Known({analyse_word("nachtopvang")}, ["nachtopvang"])
    parsed = build_query("nachtopvnag", vocab)
    assert parsed.corrections == {"nachtopvnag": "nachtopvang"}
    assert analyse_word("nachtopvang") in parsed.highlight


def test_known_compound_parts_are_not_corrected() -> None:
    vocab = Known({analyse_word("schuld"), analyse_word("bemiddeling")}, ["schuldeiser"])
    assert build_query("schuldbemiddeling", vocab).corrections == {}


def test_lay_terms_add_a_domain_clause() -> None:
    parsed = build_query("geen geld", Known(set(), []))
    assert "domains:financien" in str(parsed.query)
    assert parsed.word_count == 1 and parsed.required == 1


def test_generic_words_are_not_required() -> None:
    parsed = build_query("hulp bij papieren", Known(set(), []))
    assert parsed.word_count == 2 and parsed.required == 1


@pytest.mark.parametrize(
    ("original", "fixes", "expected"),
    [
        (
            "Schuldbemidelling Veurne",
            {"schuldbemidelling": "schuldbemiddeling"},
            "schuldbemiddeling Veurne",
        ),
        ("kinderopvang", {}, None),
    ],
)
def test_suggestion(original: str, fixes: dict[str, str], expected: str | None) -> None:
    assert suggestion(original, fixes) == expected
