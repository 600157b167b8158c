"""From what a referrer types to a Whoosh query: stems, compound parts, synonyms, lay terms, typos.

No Whoosh query syntax is interpreted: every string is just words, so quotes, '*', 'AND' or '('
can never raise or trigger expensive wildcard queries. See docs/search.md for the weights.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from whoosh import query as wq

from indexer.vocabulary import (
    Expansion,
    analyse_word,
    expansions,
    fold,
    lemma,
    max_phrase_len,
    split_compound,
    stopwords,
    text_words,
    weak_words,
)

# Field weights: a word in the service name says more than one in its description.
FIELD_BOOSTS = {"name": 2.0, "body": 1.0}
TEXT_FIELDS = tuple(FIELD_BOOSTS)
# Weights of the alternatives of one query word, relative to the word itself.
COMPOUND_WEIGHT = 0.7
# One part of a compound alone ('gok' or 'verslaving' for 'gokverslaving'): a broader match.
PART_WEIGHT = 0.25
SYNONYM_WEIGHT = 0.6
TYPO_WEIGHT = 0.8
# A lay term ('geld', 'dakloos') also nudges services of its life domain upward.
DOMAIN_WEIGHT = 0.5
# Generic words ('hulp', 'dienst', 'zoeken') count for less than the need they come with.
WEAK_WEIGHT = 0.3
# Share of the (non-generic) query words a relevant document matches.
REQUIRED_SHARE = 0.67
# Long pasted texts: only the first words count.
MAX_WORDS = 12
MAX_WORD_LEN = 40


class Vocabulary(Protocol):
    """What the query builder needs to know about the index."""

    def has_term(self, term: str) -> bool: ...

    def corrections(self, word: str) -> list[str]: ...


@dataclass
class ParsedQuery:
    """The Whoosh query (None when no word is left), stems to highlight, typo fixes made."""

    query: wq.Query | None
    # The OR-ed clauses of `query`: first one per query word, then optional ones (phrases, domains).
    # A document matching `required` word clauses is relevant.
    clauses: list[wq.Query] = field(default_factory=list)
    word_count: int = 0
    # The last `domain_count` clauses are the life domains the words point to.
    domain_count: int = 0
    required: int = 0
    highlight: set[str] = field(default_factory=set)
    corrections: dict[str, str] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)


def query_words(text: str) -> list[str]:
    """The meaningful folded words of a query, in order (stop words dropped, length capped)."""
    stops = stopwords()
    words = [w[:MAX_WORD_LEN] for w in text_words(text) if w not in stops]
    return [w for w in words if len(w) >= 2 or w.isdigit()][:MAX_WORDS]


def _term(stem: str, boost: float = 1.0) -> wq.Query:
    return wq.Or([wq.Term(f, stem, boost=boost * b) for f, b in FIELD_BOOSTS.items()])


def _all_of(stems: tuple[str, ...], boost: float) -> wq.Query:
    if len(stems) == 1:
        return _term(stems[0], boost)
    return wq.And([_term(s, boost / len(stems)) for s in stems])


def _parts_of(stems: tuple[str, ...], boost: float) -> wq.Query:
    """Compound parts: any part matches ('schuld' alone finds debt help), all parts score most."""
    return wq.Or([_term(s, boost / len(stems)) for s in stems])


def _best_of(options: list[wq.Query]) -> wq.Query:
    return options[0] if len(options) == 1 else wq.Or(options)


def _phrases(stems: list[str]) -> list[tuple[int, int, Expansion]]:
    """Spans (start, end, expansion) of the query that the synonym and lay-term table knows."""
    table = expansions()
    found = []
    for n in range(min(max_phrase_len(), len(stems)), 0, -1):
        for start in range(len(stems) - n + 1):
            key = tuple(stems[start : start + n])
            if key in table:
                found.append((start, start + n, table[key]))
    return found


def _known(word: str, stem: str, vocabulary: Vocabulary) -> bool:
    """Is the word in the index (as itself or as compound parts) or in our vocabulary?"""
    if vocabulary.has_term(stem) or (stem,) in expansions():
        return True
    parts = split_compound(lemma(word))
    return bool(parts) and all(vocabulary.has_term(analyse_word(p)) for p in parts)


def _corrected(words: list[str], vocabulary: Vocabulary, parsed: ParsedQuery) -> list[str]:
    """Words unknown to the index replaced by their nearest index word (the typo fix)."""
    result = []
    for word in words:
        stem = analyse_word(word)
        if word.isalpha() and len(word) >= 4 and not _known(word, stem, vocabulary):
            fixes = vocabulary.corrections(word)
            if fixes:
                parsed.corrections[word] = fixes[0]
                result.append(fixes[0])
                continue
        result.append(word)
    return result


def build_query(text: str, vocabulary: Vocabulary) -> ParsedQuery:
    """Each word becomes the best of: itself, its compound parts, its synonyms.

    A word the index does not know is first replaced by its typo fix. Words are combined with
    OR (BM25 sums them, so matching more words ranks higher); multi-word synonyms ('pro deo')
    and lay terms add optional clauses, so a query never fails because one word is unknown.
    """
    parsed = ParsedQuery(None)
    original = query_words(text)
    if not original:
        return parsed
    words = _corrected(original, vocabulary, parsed)
    parsed.words = words
    stems = [analyse_word(w) for w in words]
    phrases = _phrases(stems)
    single = {start: exp for start, end, exp in phrases if end - start == 1}
    weak = weak_words()
    clauses: list[wq.Query] = []
    domains: set[str] = set()
    for i, (word, stem) in enumerate(zip(words, stems, strict=True)):
        weight = TYPO_WEIGHT if word != original[i] else 1.0
        if word in weak:
            weight *= WEAK_WEIGHT
        options = [_term(stem, weight)]
        parsed.highlight.add(stem)
        parts = tuple(analyse_word(p) for p in split_compound(lemma(word)))
        if parts:
            options.append(_all_of(parts, COMPOUND_WEIGHT * weight))
            options.append(_parts_of(parts, PART_WEIGHT * weight))
            parsed.highlight.update(parts)
        if i in single:
            for alternative in single[i].terms:
                options.append(_all_of(alternative, SYNONYM_WEIGHT * weight))
                parsed.highlight.update(alternative)
        clauses.append(_best_of(options))
        if word not in weak:
            parsed.required += 1
    for start, end, expansion in phrases:
        domains.update(expansion.domains)
        if end - start > 1 and expansion.terms:
            clauses.append(
                _best_of([_all_of(alt, SYNONYM_WEIGHT * (end - start)) for alt in expansion.terms])
            )
            for alternative in expansion.terms:
                parsed.highlight.update(alternative)
    clauses.extend(wq.Term("domains", code, boost=DOMAIN_WEIGHT) for code in sorted(domains))
    parsed.query = clauses[0] if len(clauses) == 1 else wq.Or(clauses)
    parsed.clauses, parsed.word_count = clauses, len(words)
    parsed.domain_count = len(domains)
    # Most words must match (2 of 3, 3 of 4...); generic words alone do not make a match relevant.
    parsed.required = max(1, round(REQUIRED_SHARE * (parsed.required or len(words))))
    return parsed


def suggestion(original: str, corrections: dict[str, str]) -> str | None:
    """'Bedoelde u ...?' text: the query as typed with corrected words replaced."""
    if not corrections:
        return None

    def fix(match: re.Match[str]) -> str:
        return corrections.get(fold(match.group(0)), match.group(0))

    return re.sub(r"\w+", fix, original).strip()
