"""Whoosh analyzer for Dutch service texts: fold, drop stop words, lemma + stem, compound parts.

The word logic lives in indexer.vocabulary; this module only wraps it as Whoosh filters, so the
index and the query builder produce the same terms.
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Filter, RegexTokenizer, Token

from indexer.vocabulary import (
    TOKEN_RE,
    analyse_word,
    compound_parts,
    fold_token,
    lemma,
    stopwords,
)


class _StatelessFilter(Filter):
    """Filters without settings compare equal by type (Whoosh compares schemas on open)."""

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))


class FoldFilter(_StatelessFilter):
    """Each word folded exactly as queries are (indexer.vocabulary.fold_token: NFKC, lowercase,
    accents and ligatures out), so 'ﬁnanciële' in a text is found by 'financiële' and back."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for token in tokens:
            for word in fold_token(token.text):
                token.text = word
                yield token


class DutchTermFilter(_StatelessFilter):
    """Stop words out, each word as its stem, plus the stems of its compound parts (same position).

    Holds no data itself (indexer.vocabulary loads the lexicon), so the pickled schema stays small.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stops = stopwords()
        for token in tokens:
            word = token.text
            if word in stops or len(word) < 2:
                continue
            token.text = analyse_word(word)
            yield token
            if word.isalpha():
                seen = {token.text}
                for part in compound_parts(lemma(word)):
                    term = analyse_word(part)
                    if term not in seen and part not in stops:
                        seen.add(term)
                        token.text = term
                        yield token


def dutch_analyzer():
    """Analyzer of the searchable text fields: the query builder's tokens, folds and terms."""
    return RegexTokenizer(TOKEN_RE.pattern) | FoldFilter() | DutchTermFilter()
