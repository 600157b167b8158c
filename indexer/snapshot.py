"""One searcher over one index state, with what searches reuse cached on it: per-value document
sets, ages, points, the open-now set, spelling words, and BM25 scoring of query trees.

Thrown away (caches and all) when the index changes; everything is built lazily, on first use.
"""

from __future__ import annotations

import json
import math
from collections.abc import Container, Iterable, Iterator, Sequence
from datetime import datetime
from functools import cached_property
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import Matcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.searching import Searcher

from indexer import opening
from indexer.query import TEXT_FIELDS
from indexer.storage import read_spelling
from indexer.vocabulary import analyse_word, known_words

KM_PER_DEGREE = 111.195
# BM25 term-frequency saturation; no length normalisation (b = 0): on short service texts it
# changed nothing measurable and saves a field-length lookup per posting.
BM25_K1 = 1.2
# Fields whose per-value document sets are cached: their terms are scored from those sets.
KEYWORD_FIELDS = frozenset({"domains", "target_groups", "towns", "located", "languages"})
# Cached results of geo and open-now lookups per snapshot, before the cache is emptied.
MAX_CACHED = 256
# Typo-correction candidates looked at per word (then filtered and ranked on the live index).
CANDIDATES = 20

DocSet = frozenset[int] | set[int]


def _posting_blocks(matcher: Matcher) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """(ids, term frequencies) of a term's postings, a block at a time, deleted ones left out.

    Whoosh 2.7's on-disk matcher is read a whole block at a time through its (internal) block
    attributes: per-posting method calls cost more than the scoring itself. Other matchers
    (short posting lists kept inline) go through the public API.
    """
    deleted: Container[int] = ()
    if isinstance(matcher, FilterMatcher):  # how SegmentReader hides deleted documents
        deleted, matcher = matcher._ids, matcher.child
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            matcher.id(), matcher.weight()  # load the current block's ids and weights
            start = matcher._i
            ids, weights = matcher._ids[start:], matcher._weights[start:]
            if deleted:
                kept = [(d, w) for d, w in zip(ids, weights, strict=True) if d not in deleted]
                ids, weights = [d for d, _ in kept], [w for _, w in kept]
            yield ids, weights
            matcher._next_block()
        return
    ids, weights = [], []
    while matcher.is_active():
        if matcher.id() not in deleted:
            ids.append(matcher.id())
            weights.append(matcher.weight())
        matcher.next()
    yield ids, weights


def add_scores(parts: Iterable[dict[int, float]]) -> dict[int, float]:
    """Sum of score dicts (fresh dicts, reused): the smaller one is added into the larger one."""
    total: dict[int, float] = {}
    for part in parts:
        if len(part) > len(total):
            total, part = part, total
        get = total.get
        for doc, score in part.items():
            total[doc] = get(doc, 0.0) + score
    return total


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance on an equirectangular projection: within 0.1% of the great circle up to a few
    hundred km, and several times cheaper than haversine (it runs for every candidate)."""
    dx = (b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return KM_PER_DEGREE * math.hypot(b[0] - a[0], dx)


class Snapshot:
    """One searcher over one index state, with the per-value document sets cached for it."""

    def __init__(self, searcher: Searcher, folder: Path) -> None:
        self.searcher = searcher
        self.folder = folder
        self.reader = searcher.reader()
        self._docsets: dict[str, dict[str, frozenset[int]]] = {}
        self._per_doc: dict[str, list[tuple[str, ...]]] = {}
        self._age_sets: dict[int, frozenset[int]] = {}
        self._near_sets: dict[tuple[float, float, float], dict[int, float]] = {}
        self._open_sets: dict[datetime, frozenset[int]] = {}
        self._term_known: dict[str, bool] = {}
        self._org_labels: dict[str, str] = {}

    def docsets(self, field: str) -> dict[str, frozenset[int]]:
        """Value -> document numbers of a keyword field (deleted documents excluded)."""
        if field not in self._docsets:
            values = {}
            for raw in self.reader.lexicon(field):
                value = raw.decode("utf-8")
                values[value] = frozenset(self.reader.postings(field, raw).all_ids())
            self._docsets[field] = values
        return self._docsets[field]

    def values_of(self, field: str) -> list[tuple[str, ...]]:
        """Docnum -> values of a keyword field, the inverse of docsets (for counting small sets)."""
        if field not in self._per_doc:
            per_doc: list[list[str]] = [[] for _ in range(self.reader.doc_count_all())]
            for value, docs in self.docsets(field).items():
                for doc in docs:
                    per_doc[doc].append(value)
            self._per_doc[field] = [tuple(v) for v in per_doc]
        return self._per_doc[field]

    def _column(self, name: str) -> list:
        """A column's values per document; an index with no documents yet has no columns."""
        if self.reader.doc_count_all() == 0:
            return []
        return list(self.reader.column_reader(name))

    @cached_property
    def all_docs(self) -> frozenset[int]:
        return frozenset(self.reader.all_doc_ids())

    @cached_property
    def ages(self) -> tuple[list[int], list[int]]:
        return (
            self._column("min_age"),
            self._column("max_age"),
        )

    def age_set(self, age: int) -> frozenset[int]:
        if age not in self._age_sets:
            low, high = self.ages
            live = self.all_docs
            self._age_sets[age] = (
                frozenset(
                    d for d, (lo, hi) in enumerate(zip(low, high, strict=True)) if lo <= age <= hi
                )
                & live
            )
        return self._age_sets[age]

    def open_at(self, now: datetime) -> frozenset[int]:
        """Documents open at `now` (to the minute): the open-now filter and its facet count."""
        minute = now.replace(second=0, microsecond=0)
        if minute not in self._open_sets:
            if len(self._open_sets) > MAX_CACHED:
                self._open_sets.clear()
            self._open_sets[minute] = opening.open_now_docs(self.docsets("hours"), minute)
        return self._open_sets[minute]

    @cached_property
    def points(self) -> list[tuple[tuple[float, float], ...]]:
        """Docnum -> location points (degrees)."""
        result = []
        for raw in self._column("geo"):
            pts = []
            for pair in raw.decode("ascii").split(";") if raw else ():
                lat, lon = pair.split(",")
                pts.append((int(lat) / 1e6, int(lon) / 1e6))
            result.append(tuple(pts))
        return result

    @cached_property
    def grid(self) -> dict[tuple[int, int], list[int]]:
        """Docs bucketed by 0.1-degree cell, so radius queries look at a few cells only."""
        cells: dict[tuple[int, int], list[int]] = {}
        live = self.all_docs
        for doc, pts in enumerate(self.points):
            if doc in live:
                for cell in {(math.floor(lat * 10), math.floor(lon * 10)) for lat, lon in pts}:
                    cells.setdefault(cell, []).append(doc)
        return cells

    def within(self, point: tuple[float, float], radius_km: float) -> dict[int, float]:
        """Docnum -> distance of its nearest location, for locations within radius_km of point."""
        key = (round(point[0], 4), round(point[1], 4), radius_km)
        if key in self._near_sets:
            return self._near_sets[key]
        dlat = radius_km / 111.0
        dlon = radius_km / (111.0 * max(0.1, math.cos(math.radians(point[0]))))
        found: dict[int, float] = {}
        points = self.points
        cos = math.cos(math.radians(point[0]))  # the radius is small: one cosine will do
        for cx in range(math.floor((point[0] - dlat) * 10), math.floor((point[0] + dlat) * 10) + 1):
            for cy in range(
                math.floor((point[1] - dlon) * 10), math.floor((point[1] + dlon) * 10) + 1
            ):
                for doc in self.grid.get((cx, cy), ()):
                    if doc not in found:
                        d = min(
                            KM_PER_DEGREE * math.hypot(lat - point[0], (lon - point[1]) * cos)
                            for lat, lon in points[doc]
                        )
                        if d <= radius_km:
                            found[doc] = d
        if len(self._near_sets) > MAX_CACHED:
            self._near_sets.clear()
        self._near_sets[key] = found
        return found

    def nearest(self, doc: int, point: tuple[float, float]) -> float | None:
        pts = self.points[doc]
        return min(distance_km(point, p) for p in pts) if pts else None

    @cached_property
    def sortnames(self) -> list[bytes]:
        return self._column("sortname")

    def term_scores(
        self, field: str, text: str, boost: float, allowed: DocSet | None
    ) -> dict[int, float]:
        """BM25 (k1 = 1.2, no length normalisation) of one term, for live documents.

        Walks the postings a block at a time: one pass, no matcher tree, which is what makes
        unions of many expanded terms affordable.
        """
        df = self.reader.doc_frequency(field, text)
        if not df:
            return {}
        idf = math.log(self.reader.doc_count_all() / (df + 1)) + 1.0
        factor = boost * idf * (BM25_K1 + 1.0)
        if field in KEYWORD_FIELDS:  # tf is 1: the cached document set is the posting list
            docs = self.docsets(field).get(text, frozenset())
            if allowed is not None:
                docs = docs & allowed
            score = factor / (1.0 + BM25_K1)
            return dict.fromkeys(docs, score)
        saturation: dict[float, float] = {}
        scores: dict[int, float] = {}
        for sub, offset in self.searcher.leaf_searchers():
            reader = sub.reader()
            if (field, text) not in reader:
                continue
            for ids, weights in _posting_blocks(reader.postings(field, text)):
                for doc, tf in zip(ids, weights, strict=True):
                    doc += offset
                    if allowed is None or doc in allowed:
                        value = saturation.get(tf)
                        if value is None:
                            value = saturation[tf] = factor * tf / (tf + BM25_K1)
                        scores[doc] = value
        return scores

    def evaluate(self, q: wq.Query, allowed: DocSet | None) -> dict[int, float]:
        """Docnum -> score of the query trees indexer.query builds (Or, And, Term)."""
        if isinstance(q, wq.Term):
            return self.term_scores(q.fieldname, q.text, q.boost, allowed)
        if isinstance(q, wq.Or):
            return add_scores(self.evaluate(child, allowed) for child in q.subqueries)
        if isinstance(q, wq.And):
            parts = [self.evaluate(child, allowed) for child in q.subqueries]
            parts.sort(key=len)
            if not parts or not parts[0]:
                return {}
            common = set(parts[0]).intersection(*parts[1:])
            return {doc: sum(part[doc] for part in parts) for doc in common}
        raise TypeError(f"unsupported query node {type(q).__name__}")

    def org_label(self, org: str) -> str:
        """Organisation name for an organisation id (read once per snapshot)."""
        if org not in self._org_labels:
            docs = self.docsets("organization_id").get(org)
            name = ""
            if docs:
                name = json.loads(self.searcher.stored_fields(min(docs))["payload"])["organization"]
            self._org_labels[org] = name or org
        return self._org_labels[org]

    # -- what the query builder asks (indexer.query.Vocabulary) ----------------------------

    def has_term(self, term: str) -> bool:
        if term not in self._term_known:
            self._term_known[term] = any((f, term) in self.reader for f in TEXT_FIELDS)
        return self._term_known[term]

    @cached_property
    def spelling(self) -> list[str]:
        """Words a typo may be corrected to: the generation's surface words and our vocabulary's."""
        return sorted(read_spelling(self.folder) | known_words())

    def _in_live_document(self, term: str) -> bool:
        """Does a live document hold the term? (Whoosh keeps terms of deleted documents in its
        lexicon and counts until segments merge, so the postings are asked.)"""
        for sub, _ in self.searcher.leaf_searchers():
            reader = sub.reader()
            for field in TEXT_FIELDS:
                if (field, term) in reader and reader.postings(field, term).is_active():
                    return True
        return False

    def corrections(self, word: str) -> list[str]:
        """Words one or two edits away (transpositions count once) that a live document holds
        (or from our vocabulary), the index's most frequent first."""
        max_edits = 1 if len(word) < 8 else 2
        found = process.extract(
            word, self.spelling, scorer=OSA.distance, score_cutoff=max_edits, limit=CANDIDATES
        )
        ranked = []
        for candidate, edits, _ in found:
            if candidate == word:
                continue
            term = analyse_word(candidate)
            if self._in_live_document(term) or candidate in known_words():
                frequency = max(self.reader.doc_frequency(f, term) for f in TEXT_FIELDS)
                ranked.append((edits, -frequency, candidate))
        return [candidate for _, _, candidate in sorted(ranked)[:2]]
