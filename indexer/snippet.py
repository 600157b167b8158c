"""Hit snippets: an HTML-safe excerpt of a description with the matched words in <mark>.

Pure text work over indexer.vocabulary (the same folding and terms as the index); no Whoosh.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from indexer.vocabulary import TOKEN_RE, analyse_word, compound_parts, fold_token, lemma

SNIPPET_WORDS = 40


@lru_cache(maxsize=100_000)
def _marked_terms(word: str) -> frozenset[str]:
    """Index terms of one word of the text: a word is marked when one of them was searched."""
    terms = set()
    for folded in fold_token(word):
        terms.add(analyse_word(folded))
        if folded.isalpha():
            terms.update(analyse_word(p) for p in compound_parts(lemma(folded)))
    return frozenset(terms)


def snippet(text: str, terms: set[str], words: int = SNIPPET_WORDS) -> str:
    """HTML-safe excerpt of `text` around the first matched word, matched words in <mark>."""
    tokens = list(re.finditer(r"\S+", text))
    if not tokens:
        return ""
    marks = []
    for token in tokens:
        core = TOKEN_RE.findall(token.group(0))
        marks.append(bool(terms) and any(_marked_terms(w) & terms for w in core))
    first = next((i for i, m in enumerate(marks) if m), 0)
    start = max(0, min(first - 5, len(tokens) - words))
    parts = []
    for i in range(start, min(len(tokens), start + words)):
        word = html.escape(tokens[i].group(0))
        parts.append(f"<mark>{word}</mark>" if marks[i] else word)
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(tokens) else ""
    return prefix + " ".join(parts) + suffix
