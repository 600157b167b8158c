"""Dutch word knowledge: folding, lemmas, compound splitting, synonym and lay-term expansion."""

from __future__ import annotations

import pytest

from indexer.vocabulary import (
    analyse_word,
    compound_parts,
    expansions,
    fold,
    known_words,
    lemma,
    split_compound,
    word_terms,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Financiën", "financien"),
        ("Crèche", "creche"),
        ("ÉÉN", "een"),
        ("Oekraïense", "oekraiense"),
        ("ﬁnanciële", "financiele"),  # ligature
        ("Ĳzer", "ijzer"),
        ("Straße", "strasse"),
        ("Søren", "soren"),
        ("Łódź", "lodz"),
        ("Æsop", "aesop"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("fiets", "fietsen"),
        ("tandarts", "tandartsen"),
        ("gezin", "gezinnen"),
        ("dakloos", "daklozen"),
        ("thuisloos", "thuislozen"),
        ("kind", "kinderen"),
        ("schuld", "schulden"),
        ("mogelijkheid", "mogelijkheden"),
    ],
)
def test_singular_and_plural_share_a_term(a: str, b: str) -> None:
    assert analyse_word(a) == analyse_word(b)


@pytest.mark.parametrize(("a", "b"), [("alleen", "alle"), ("ouderen", "ouders")])
def test_different_meanings_keep_different_terms(a: str, b: str) -> None:
    assert analyse_word(a) != analyse_word(b)


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("kinderopvang", ("kind", "opvang")),
        ("schuldbemiddeling", ("schuld", "bemiddeling")),
        ("schuldhulpverlening", ("schuld", "hulpverlening")),
        ("verslavingszorg", ("verslaving", "zorg")),
        ("gokverslaving", ("gok", "verslaving")),
        ("huurwoning", ("huur", "woning")),
        ("verslaving", ()),  # not 'vers' + 'laving'
        ("gezondheid", ()),
        ("bijstand", ()),  # 'bij' is too short to split off
        ("huis", ()),
    ],
)
def test_split_compound(word: str, parts: tuple[str, ...]) -> None:
    assert split_compound(word) == parts


def test_compound_parts_go_one_level_deeper() -> None:
    assert compound_parts("schuldhulpverlening")[:3] == ("schuld", "hulpverlening", "hulp")
    assert "ver" not in compound_parts("schuldhulpverlening")


def test_lemma_reduces_the_head_of_a_compound() -> None:
    assert lemma("tandartsen") == "tandarts"


@pytest.mark.parametrize(
    ("phrase", "means"),
    [
        ("dakloos", "thuisloos"),
        ("dakloos", "nachtopvang"),
        ("drugs", "middelengebruik"),
        ("geld", "financien"),
        ("voedselbank", "voedselpakket"),
        ("kringwinkel", "tweedehandswinkel"),
        ("pro deo", "juridische tweedelijnsbijstand"),
        ("kinderopvang", "kinderdagverblijf"),
        ("homeless", "dakloos"),
        ("debts", "schulden"),
        ("food", "voedsel"),
    ],
)
def test_expansions(phrase: str, means: str) -> None:
    assert tuple(word_terms(means)) in expansions()[tuple(word_terms(phrase))].terms


@pytest.mark.parametrize(
    ("lay_term", "domain"),
    [
        ("geld", "financien"),
        ("dakloos", "wonen"),
        ("eenzaam", "sociaal-netwerk"),
        ("drugs", "verslaving"),
    ],
)
def test_lay_terms_point_to_their_life_domain(lay_term: str, domain: str) -> None:
    assert domain in expansions()[tuple(word_terms(lay_term))].domains


def test_known_words_are_folded_single_words() -> None:
    words = known_words()
    assert {"schuldbemiddeling", "kinderopvang", "creche"} <= words
    assert all(w == fold(w) and w.isalpha() for w in words)
