"""SearchIndex: the small interface that hides Whoosh (storage, atomic rebuild, updates, search).

Layout of an index folder: `CURRENT` names the live generation folder (`gen-N/`, a Whoosh index);
`write.lock` serialises writers across processes. A rebuild writes a new generation beside the old
one and switches `CURRENT` atomically (os.replace), so a crash mid-build leaves the old one serving.
"""

from __future__ import annotations

import fcntl
import heapq
import html
import json
import logging
import math
import os
import re
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import cached_property, lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import index as windex
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import Matcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.searching import Searcher

from directory.gazetteer import Gazetteer, Municipality, UnknownMunicipality, default_gazetteer
from indexer import opening
from indexer.documents import ServiceSchema, is_searchable, service_to_document, spelling_words
from indexer.model import (
    MAX_PER_PAGE,
    SORTS,
    FacetValue,
    Location,
    SearchHit,
    SearchInputError,
    SearchRequest,
    SearchResults,
)
from indexer.query import TEXT_FIELDS, ParsedQuery, build_query, suggestion
from indexer.vocabulary import (
    TOKEN_RE,
    analyse_word,
    compound_parts,
    domain_labels,
    fold,
    known_words,
    lemma,
    target_group_labels,
)

log = logging.getLogger(__name__)

KM_PER_DEGREE = 111.195
POINTER = "CURRENT"
# Beside each generation's Whoosh files: surface word -> document count, for typo correction.
# A side file rather than a Whoosh field: as postings these words made up a third of the build.
SPELLING = "spelling.tsv"
LOCK = "write.lock"
GEN_RE = re.compile(r"^gen-(\d+)$")
# Services located this close to the searched town, without serving it, are shown after those
# that serve it ("merely nearby").
NEARBY_KM = 20.0
NEARBY_FACTOR = 0.3
# Among services that serve the town, nearer ones rank a little higher: up to this share of the
# score is lost at DISTANCE_SCALE_KM and beyond.
DISTANCE_PENALTY = 0.25
# A match is relevant when it matches most query words (indexer.query.REQUIRED_SHARE) and scores
# at least this share of the best match: relevant services that serve the town come before
# relevant ones merely nearby, whatever their exact scores.
RELEVANT_SHARE = 0.1
# How many of the town's services in the query's life domain rank right after its relevant ones,
# before relevant services elsewhere, even when they lack the query's words (the town's OCMW).
ENTRY_POINTS = 2
# BM25 term-frequency saturation; no length normalisation (b = 0): on short service texts it
# changed nothing measurable and saves a field-length lookup per posting.
BM25_K1 = 1.2
# Fields whose per-value document sets are cached: their terms are scored from those sets.
KEYWORD_FIELDS = frozenset({"domains", "target_groups", "towns", "located", "languages"})
DISTANCE_SCALE_KM = 40.0
FACET_LIMIT = 30
SNIPPET_WORDS = 40

UrlForParams = Callable[[dict], str]


def default_url(params: dict) -> str:
    """Relative URL '?q=..&domain=..' (lists repeat the key); independent of any web framework."""
    from urllib.parse import urlencode

    return "?" + urlencode(params, doseq=True)


def request_params(request: SearchRequest) -> dict:
    """The public URL parameters of a request (defaults left out)."""
    params: dict = {}
    if request.q:
        params["q"] = request.q
    if request.municipality:
        params["municipality"] = request.municipality
    if request.domains:
        params["domain"] = list(request.domains)
    if request.target_groups:
        params["target_group"] = list(request.target_groups)
    if request.organization_id:
        params["organization"] = request.organization_id
    if request.age is not None:
        params["age"] = request.age
    if request.free is not None:
        params["free"] = "1" if request.free else "0"
    if request.language:
        params["language"] = request.language
    if request.open_now:
        params["open_now"] = "1"
    if request.near:
        params["near"] = f"{request.near[0]:.5f},{request.near[1]:.5f}"
    if request.radius_km is not None:
        params["radius_km"] = request.radius_km
    if request.sort != "relevance":
        params["sort"] = request.sort
    if request.per_page != SearchRequest.per_page:
        params["per_page"] = request.per_page
    if request.page != 1:
        params["page"] = request.page
    return params


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


def read_spelling(folder: Path) -> Counter[str]:
    """The spelling side file of a generation (empty when missing)."""
    counts: Counter[str] = Counter()
    try:
        text = (folder / SPELLING).read_text(encoding="utf-8")
    except FileNotFoundError:
        return counts
    for line in text.splitlines():
        word, _, count = line.partition("\t")
        counts[word] = int(count or 0)
    return counts


def write_spelling(folder: Path, counts: Counter[str]) -> None:
    """Replace the spelling side file atomically."""
    tmp = folder / (SPELLING + ".tmp")
    tmp.write_text("".join(f"{w}\t{c}\n" for w, c in sorted(counts.items())), encoding="utf-8")
    os.replace(tmp, folder / SPELLING)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance on an equirectangular projection: within 0.1% of the great circle up to a few
    hundred km, and several times cheaper than haversine (it runs for every candidate)."""
    dx = (b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return KM_PER_DEGREE * math.hypot(b[0] - a[0], dx)


class _Snapshot:
    """One searcher over one index state, with the per-value document sets cached for it.

    Thrown away (and its caches with it) when the index changes; built lazily, field by field.
    """

    def __init__(self, searcher: Searcher, folder: Path) -> None:
        self.searcher = searcher
        self.folder = folder
        self.reader = searcher.reader()
        self._docsets: dict[str, dict[str, frozenset[int]]] = {}
        self._age_sets: dict[int, frozenset[int]] = {}
        self._near_sets: dict[tuple[float, float, float], dict[int, float]] = {}
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
        key = f"by-doc:{field}"
        if key not in self._docsets:
            per_doc: list[list[str]] = [[] for _ in range(self.reader.doc_count_all())]
            for value, docs in self.docsets(field).items():
                for doc in docs:
                    per_doc[doc].append(value)
            self._docsets[key] = [tuple(v) for v in per_doc]  # type: ignore[assignment]
        return self._docsets[key]  # type: ignore[return-value]

    @cached_property
    def all_docs(self) -> frozenset[int]:
        return frozenset(self.reader.all_doc_ids())

    @cached_property
    def ages(self) -> tuple[list[int], list[int]]:
        return (
            list(self.reader.column_reader("min_age")),
            list(self.reader.column_reader("max_age")),
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

    @cached_property
    def points(self) -> list[tuple[tuple[float, float], ...]]:
        """Docnum -> location points (degrees)."""
        result = []
        for raw in self.reader.column_reader("geo"):
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
        if len(self._near_sets) > 256:
            self._near_sets.clear()
        self._near_sets[key] = found
        return found

    def nearest(self, doc: int, point: tuple[float, float]) -> float | None:
        pts = self.points[doc]
        return min(distance_km(point, p) for p in pts) if pts else None

    @cached_property
    def sortnames(self) -> list[bytes]:
        return list(self.reader.column_reader("sortname"))

    @cached_property
    def spelling(self) -> tuple[list[str], list[int]]:
        """Words a typo may be corrected to: the index's, then our vocabulary's (count 0)."""
        counts = read_spelling(self.folder)
        extra = sorted(known_words() - counts.keys())
        return list(counts) + extra, list(counts.values()) + [0] * len(extra)

    def term_scores(
        self, field: str, text: str, boost: float, allowed: frozenset[int] | set[int] | None
    ) -> dict[int, float]:
        """BM25 (k1 = 1.2, no length normalisation) of one term, for live documents.

        Walks the postings with the public matcher API (id, weight, next): one pass, no
        matcher tree, which is what makes unions of many expanded terms affordable.
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

    def evaluate(self, q: wq.Query, allowed: frozenset[int] | set[int] | None) -> dict[int, float]:
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

    def has_term(self, term: str) -> bool:
        if term not in self._term_known:
            self._term_known[term] = any((f, term) in self.reader for f in TEXT_FIELDS)
        return self._term_known[term]

    def corrections(self, word: str) -> list[str]:
        """Index words one or two edits away (transpositions count once), most frequent first."""
        words, freqs = self.spelling
        max_edits = 1 if len(word) < 8 else 2
        found = process.extract(word, words, scorer=OSA.distance, score_cutoff=max_edits, limit=20)
        ranked = sorted(found, key=lambda m: (m[1], -freqs[m[2]]))
        return [m[0] for m in ranked[:2] if m[0] != word]


class SearchIndex:
    """A Dutch service search index in a folder. Thread-safe; one reused searcher per instance."""

    def __init__(
        self, root: Path, gazetteer: Gazetteer, url_for_params: UrlForParams | None = None
    ) -> None:
        self.root = Path(root)
        self.gazetteer = gazetteer
        self.url_for_params = url_for_params or default_url
        self._read_mutex = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._generation: str | None = None

    # -- storage -----------------------------------------------------------------------------

    @classmethod
    def open_or_create(
        cls,
        index_dir: Path,
        gazetteer: Gazetteer | None = None,
        url_for_params: UrlForParams | None = None,
    ) -> SearchIndex:
        """Open the index in `index_dir`, creating an empty one there if there is none."""
        index = cls(Path(index_dir), gazetteer or default_gazetteer(), url_for_params)
        index.root.mkdir(parents=True, exist_ok=True)
        if index._current() is None:
            with index._write_lock():
                if index._current() is None:
                    index._switch(index._new_generation([]))
        return index

    def _current(self) -> str | None:
        try:
            name = (self.root / POINTER).read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        return name if GEN_RE.match(name) and (self.root / name).is_dir() else None

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """Exclusive across processes and threads (each call opens its own file description)."""
        with open(self.root / LOCK, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _generations(self) -> list[str]:
        names = [p.name for p in self.root.iterdir() if GEN_RE.match(p.name) and p.is_dir()]
        return sorted(names, key=lambda n: int(GEN_RE.match(n).group(1)))  # type: ignore[union-attr]

    def _documents(self, services: Iterable[dict], spelling: Counter[str]) -> Iterator[dict]:
        for service in services:
            if is_searchable(service):
                document = service_to_document(service, self.gazetteer, opening.keys_for(service))
                spelling.update(spelling_words(document))
                yield document

    def _new_generation(self, services: Iterable[dict]) -> str:
        """Build a complete index in a fresh folder; on any error remove it and re-raise."""
        existing = self._generations()
        number = int(GEN_RE.match(existing[-1]).group(1)) + 1 if existing else 1  # type: ignore[union-attr]
        name = f"gen-{number}"
        folder = self.root / name
        folder.mkdir()
        try:
            ix = windex.create_in(str(folder), ServiceSchema())
            writer = ix.writer(limitmb=512)
            spelling: Counter[str] = Counter()
            try:
                for document in self._documents(services, spelling):
                    writer.add_document(**document)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            ix.close()
            write_spelling(folder, spelling)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return name

    def _switch(self, name: str) -> None:
        """Point CURRENT at `name` atomically; keep the previous generation for open readers."""
        tmp = self.root / f"{POINTER}.tmp"
        with open(tmp, "w", encoding="ascii") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.root / POINTER)
        keep = self._generations()
        keep = keep[keep.index(name) - 1 :] if name in keep else keep
        for old in self._generations():
            if old not in keep:
                shutil.rmtree(self.root / old, ignore_errors=True)

    def rebuild(self, services: Iterable[dict]) -> int:
        """Index `services` from scratch beside the live index, then switch; returns the doc count.

        Stray folders of builds that crashed earlier are removed first (under the writer lock).
        """
        with self._write_lock():
            current = self._current()
            for name in self._generations():
                if current is not None and int(name[4:]) > int(current[4:]):
                    shutil.rmtree(self.root / name, ignore_errors=True)
            name = self._new_generation(services)
            self._switch(name)
        return self.doc_count()

    def upsert(self, services: Iterable[dict]) -> int:
        """Add or replace services in one commit; inactive or defunct ones are removed instead."""
        count = 0
        with self._write_lock():
            ix = self._open_current()
            writer = ix.writer(limitmb=128)
            spelling: Counter[str] = Counter()
            try:
                for service in services:
                    count += 1
                    if is_searchable(service):
                        document = service_to_document(
                            service, self.gazetteer, opening.keys_for(service)
                        )
                        spelling.update(spelling_words(document))
                        writer.update_document(**document)
                    else:
                        writer.delete_by_term("id", service["id"])
            except BaseException:
                writer.cancel()
                raise
            if spelling:  # before the commit, so a reader of the new state finds the words
                folder = Path(ix.storage.folder)
                write_spelling(folder, read_spelling(folder) + spelling)
            writer.commit()
            ix.close()
        return count

    def delete(self, ids: Iterable[str]) -> int:
        """Remove services by id; returns how many documents were deleted."""
        with self._write_lock():
            ix = self._open_current()
            writer = ix.writer()
            deleted = sum(writer.delete_by_term("id", service_id) for service_id in ids)
            writer.commit()
            ix.close()
        return deleted

    def _open_current(self) -> windex.Index:
        name = self._current()
        if name is None:
            raise FileNotFoundError(f"no search index in {self.root}")
        return windex.open_dir(str(self.root / name))

    def _fresh_snapshot(self) -> _Snapshot:
        """The reused searcher, refreshed only when CURRENT or the live index changed."""
        name = self._current()
        if name is None:
            raise FileNotFoundError(f"no search index in {self.root}")
        snap = self._snapshot
        if snap is not None and name == self._generation and snap.searcher.up_to_date():
            return snap
        # A new searcher, not Searcher.refresh(): refresh() reuses segment readers by segment id
        # and so keeps their old deleted-document sets (updated documents would show twice).
        if snap is not None:
            snap.searcher.close()
        self._generation = name
        folder = self.root / name
        self._snapshot = _Snapshot(windex.open_dir(str(folder)).searcher(), folder)
        return self._snapshot

    def doc_count(self) -> int:
        """Number of searchable services in the live index."""
        with self._read_mutex:
            return self._fresh_snapshot().searcher.doc_count()

    def close(self) -> None:
        with self._read_mutex:
            if self._snapshot is not None:
                self._snapshot.searcher.close()
            self._snapshot = None
            self._generation = None

    # -- search ------------------------------------------------------------------------------

    def search(
        self,
        request: SearchRequest,
        now: datetime | None = None,
        url_for_params: UrlForParams | None = None,
    ) -> SearchResults:
        """Run a search. Any `q` is valid; unknown towns or codes raise SearchInputError (Dutch)."""
        plan = _Plan(self, request, now, url_for_params or self.url_for_params)
        with self._read_mutex:
            return plan.run(self._fresh_snapshot())


class _Plan:
    """One search: validated request, town, filters, ranking, hits and facets."""

    def __init__(
        self,
        index: SearchIndex,
        request: SearchRequest,
        now: datetime | None,
        url_for_params: UrlForParams,
    ) -> None:
        self.index = index
        self.gazetteer = index.gazetteer
        self.url_for_params = url_for_params
        self.now = now or datetime.now()
        self.messages: list[str] = []
        self._factors: dict[int, float] = {}
        self.request = self._validated(request)

    def _validated(self, request: SearchRequest) -> SearchRequest:
        """Resolve the town (picked, or named in q), check codes; return the effective request."""
        domains = tuple(dict.fromkeys(d.strip().lower() for d in request.domains if d.strip()))
        unknown = [d for d in domains if d not in domain_labels()]
        if unknown:
            raise SearchInputError(
                f"Onbekend levensdomein: {', '.join(unknown)}. "
                f"Kies uit: {', '.join(sorted(domain_labels()))}."
            )
        groups = tuple(dict.fromkeys(g.strip().lower() for g in request.target_groups if g.strip()))
        unknown = [g for g in groups if g not in target_group_labels()]
        if unknown:
            raise SearchInputError(f"Onbekende doelgroep: {', '.join(unknown)}.")
        if request.sort not in SORTS:
            raise SearchInputError(f"Onbekende sortering: {request.sort}.")
        if request.age is not None and not 0 <= request.age <= 150:
            raise SearchInputError("Leeftijd moet tussen 0 en 150 liggen.")
        if request.radius_km is not None and not 0 < request.radius_km <= 500:
            raise SearchInputError("De straal moet tussen 0 en 500 km liggen.")
        if request.near is not None:
            lat, lon = request.near
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise SearchInputError("Ongeldige coördinaten.")
        q = " ".join((request.q or "").split())
        self.town: Municipality | None = None
        municipality = (request.municipality or "").strip() or None
        if municipality is not None:
            self.town = self._resolve(municipality)
        elif q:
            self.town, rest = self.gazetteer.find_in_text(q)
            if self.town is not None:
                q = rest
                self.messages.append(f"Gezocht in {self.town.name_nl}.")
        return SearchRequest(
            q=q,
            municipality=self.town.name_nl if self.town else None,
            domains=domains,
            target_groups=groups,
            organization_id=request.organization_id or None,
            age=request.age,
            free=request.free,
            language=(request.language or "").strip().lower() or None,
            open_now=request.open_now,
            near=request.near,
            radius_km=request.radius_km,
            page=max(1, request.page),
            per_page=min(MAX_PER_PAGE, max(1, request.per_page)),
            sort=request.sort,
        )

    def _resolve(self, text: str) -> Municipality:
        """A town from its name, postcode, former name or deelgemeente, or its NIS code."""
        if len(text) == 5 and text.isdigit():
            try:
                return self.gazetteer.by_nis(text)
            except KeyError:
                pass
        try:
            return self.gazetteer.resolve(text)
        except UnknownMunicipality as exc:
            raise SearchInputError(str(exc)) from exc

    @property
    def point(self) -> tuple[float, float] | None:
        """Where distances are measured from: the given point, else the town's centre."""
        if self.request.near is not None:
            return self.request.near
        if self.town is not None:
            return (self.town.lat, self.town.lon)
        return None

    # -- filters ---------------------------------------------------------------------------

    def _filters(self, snap: _Snapshot) -> list[frozenset[int] | set[int]]:
        req = self.request
        sets: list[frozenset[int] | set[int]] = []

        def union(field: str, values: Iterable[str]) -> frozenset[int]:
            docsets = snap.docsets(field)
            return frozenset().union(*(docsets.get(v, frozenset()) for v in values))

        if req.domains:
            sets.append(union("domains", req.domains))
        if req.target_groups:
            sets.append(union("target_groups", req.target_groups))
        if req.organization_id:
            sets.append(snap.docsets("organization_id").get(req.organization_id, frozenset()))
        if req.language:
            sets.append(snap.docsets("languages").get(req.language, frozenset()))
        if req.free is not None:
            sets.append(snap.docsets("free").get("t" if req.free else "f", frozenset()))
        if req.age is not None:
            sets.append(snap.age_set(req.age))
        if req.open_now:
            sets.append(opening.open_now_docs(snap.docsets("hours"), self.now))
        if self.town is not None:
            sets.append(self.serving | set(self.nearby))
        if req.radius_km is not None and self.point is not None:
            sets.append(set(snap.within(self.point, req.radius_km)))
        return sets

    def run(self, snap: _Snapshot) -> SearchResults:
        req = self.request
        self.snap = snap
        self.serving = (
            snap.docsets("towns").get(self.town.nis, frozenset()) if self.town else frozenset()
        )
        self.nearby = (
            {
                d: km
                for d, km in snap.within((self.town.lat, self.town.lon), NEARBY_KM).items()
                if d not in self.serving
            }
            if self.town is not None
            else {}
        )
        filters = sorted(self._filters(snap), key=len)
        allowed: frozenset[int] | set[int] | None = None
        for docs in filters:
            allowed = docs if allowed is None else (allowed & docs)
        parsed = build_query(req.q, snap)
        self.highlight = parsed.highlight
        if parsed.query is None and TOKEN_RE.search(fold(req.q)):
            self.messages.append(
                "Uw zoekopdracht bevat alleen veelgebruikte woorden; alle diensten worden getoond."
            )
        wanted = req.page * req.per_page
        if allowed is not None and not allowed:
            matched: set[int] | frozenset[int] = frozenset()  # Whoosh treats filter=set() as none
            ranked: list[tuple[float, int]] = []
        elif parsed.query is None:
            matched = allowed if allowed is not None else snap.all_docs
            ranked = self._browse(matched, wanted)
        else:
            matched, ranked = self._score(parsed, allowed, wanted)
            if req.sort != "relevance":
                ranked = self._browse(matched, wanted)
        page = ranked[(req.page - 1) * req.per_page : wanted]
        return SearchResults(
            total=len(matched),
            page=req.page,
            per_page=req.per_page,
            hits=[self._hit(doc, score) for score, doc in page],
            facets=self._facets(matched),
            suggestion=suggestion(req.q, parsed.corrections),
            municipality=self.town,
            messages=self.messages,
        )

    # -- ranking ---------------------------------------------------------------------------

    def _factor(self, doc: int) -> float:
        """Town and distance part of the score (<= 1, multiplies text relevance)."""
        factor = self._factors.get(doc)
        if factor is None:
            factor = self._factors[doc] = self._compute_factor(doc)
        return factor

    def _compute_factor(self, doc: int) -> float:
        if self.town is not None:
            if doc in self.serving:
                km = self.snap.nearest(doc, (self.town.lat, self.town.lon))
                return 1.0 - DISTANCE_PENALTY * min(1.0, (km or 0.0) / DISTANCE_SCALE_KM)
            km = self.nearby.get(doc, NEARBY_KM)
            return NEARBY_FACTOR * (1.0 - DISTANCE_PENALTY * km / NEARBY_KM)
        if self.request.near is not None:
            km = self.snap.nearest(doc, self.request.near)
            if km is None:
                return 1.0 - DISTANCE_PENALTY
            return 1.0 - DISTANCE_PENALTY * min(1.0, km / DISTANCE_SCALE_KM)
        return 1.0

    def _score(
        self, parsed: ParsedQuery, allowed: frozenset[int] | set[int] | None, wanted: int
    ) -> tuple[set[int], list[tuple[float, int]]]:
        """All matches (for total and facets) with their text score, then ranked."""
        parts = [self.snap.evaluate(clause, allowed) for clause in parsed.clauses]
        words = [set(part) for part in parts[: parsed.word_count]]
        in_domain = set().union(*parts[len(parts) - parsed.domain_count :])
        scores = add_scores(parts)
        return set(scores), self._rank(scores, words, parsed.required, wanted, in_domain)

    def _rank(
        self,
        scores: dict[int, float],
        words: list[set[int]],
        required: int,
        wanted: int,
        in_domain: set[int] | frozenset[int] = frozenset(),
    ) -> list[tuple[float, int]]:
        """Text relevance first; among relevant services, serving the town before merely nearby;
        then text score times the distance factor. `words`: the matches of each query word.

        A service of the town in the life domain the query speaks of ("schulden" -> financien)
        counts as relevant even without the word: the town's OCMW is a right answer, and a
        specialised service elsewhere must not push it down."""
        if not scores:
            return []
        if self.town is None and self.request.near is None:
            best = heapq.nlargest(wanted, scores.items(), key=lambda item: (item[1], -item[0]))
            return [(score, doc) for doc, score in best]
        strong = RELEVANT_SHARE * max(scores.values())

        def text_good(doc: int, score: float) -> bool:
            return score >= strong and sum(doc in w for w in words) >= required

        # The town's few best services in the query's life domain, even without the words.
        entry_points: set[int] = set()
        if self.town is not None and in_domain:
            candidates = [
                (score, doc)
                for doc, score in scores.items()
                if doc in self.serving and doc in in_domain and not text_good(doc, score)
            ]
            entry_points = {doc for _, doc in heapq.nlargest(ENTRY_POINTS, candidates)}

        def key(item: tuple[int, float]) -> tuple:
            doc, score = item
            serving = self.town is None or doc in self.serving
            good = text_good(doc, score)
            return (good and serving, doc in entry_points, good, score * self._factor(doc), -doc)

        best = heapq.nlargest(wanted, scores.items(), key=key)
        return [(score * self._factor(doc), doc) for doc, score in best]

    def _browse(self, docs: Iterable[int], wanted: int) -> list[tuple[float, int]]:
        """Order without text relevance: serving before nearby, then distance, then name."""
        names = self.snap.sortnames
        point = self.point
        sort = self.request.sort

        def key(doc: int) -> tuple:
            km = self.snap.nearest(doc, point) if point is not None else None
            far = km if km is not None else math.inf
            if sort == "name":
                return (names[doc], doc)
            serving = 0 if self.town is None or doc in self.serving else 1
            if sort == "distance":
                return (far, serving, names[doc], doc)
            return (serving, far, names[doc], doc)

        best = heapq.nsmallest(wanted, docs, key=key)
        return [(0.0, doc) for doc in best]

    # -- output ----------------------------------------------------------------------------

    def _hit(self, doc: int, score: float) -> SearchHit:
        stored = self.snap.searcher.stored_fields(doc)
        data = json.loads(stored["payload"])
        serves = None if self.town is None else doc in self.serving
        point = self.point
        km = self.snap.nearest(doc, point) if point is not None else None
        return SearchHit(
            id=stored["id"],
            name=data["name"],
            organization=data["organization"],
            organization_id=data["organization_id"],
            snippet=snippet(data["description"], self.highlight),
            domains=tuple(data["domains"]),
            target_groups=tuple(data["target_groups"]),
            municipalities=tuple(data["municipalities"]),
            locations=tuple(Location(*loc) for loc in data["locations"]),
            serves_town=serves,
            distance_km=None if km is None else round(km, 1),
            score=round(score, 4),
        )

    def _count(self, field: str, matched: set[int] | frozenset[int]) -> Counter[str]:
        """Value counts over the result set: per-doc values for small sets, set sizes for large."""
        docsets = self.snap.docsets(field)
        if len(matched) * 4 < len(self.snap.all_docs):
            per_doc = self.snap.values_of(field)
            return Counter(v for doc in matched for v in per_doc[doc])
        return Counter({value: len(docs & matched) for value, docs in docsets.items()})

    def _facets(self, matched: set[int] | frozenset[int]) -> dict[str, list[FacetValue]]:
        req = self.request
        params = request_params(req)
        params.pop("page", None)
        selected_town = {self.town.nis} if self.town else set()
        org_selected = {req.organization_id} if req.organization_id else set()
        towns = self._count("towns", matched)
        orgs = self._count("organization_id", matched)
        return {
            "domain": self._facet(
                "domain", self._count("domains", matched), set(req.domains), domain_labels(), params
            ),
            "municipality": self._facet(
                "municipality",
                towns,
                selected_town,
                self._town_labels(towns, selected_town),
                params,
            ),
            "target_group": self._facet(
                "target_group",
                self._count("target_groups", matched),
                set(req.target_groups),
                target_group_labels(),
                params,
            ),
            "organization": self._facet(
                "organization", orgs, org_selected, self._org_labels(orgs, org_selected), params
            ),
        }

    def _town_labels(self, counts: Counter[str], selected: set[str]) -> dict[str, str]:
        labels = {}
        for nis, _ in counts.most_common(FACET_LIMIT):
            labels[nis] = self._town_name(nis)
        for nis in selected:
            labels[nis] = self._town_name(nis)
        return labels

    def _town_name(self, nis: str) -> str:
        try:
            return self.gazetteer.by_nis(nis).name_nl
        except KeyError:
            return nis

    def _org_labels(self, counts: Counter[str], selected: set[str]) -> dict[str, str]:
        wanted = [o for o, _ in counts.most_common(FACET_LIMIT)] + sorted(selected)
        return {org: self.snap.org_label(org) for org in wanted}

    def _facet(
        self,
        name: str,
        counts: Counter[str],
        selected: set[str],
        labels: dict[str, str],
        params: dict,
    ) -> list[FacetValue]:
        values = [v for v, c in counts.most_common() if c > 0 and v in labels][:FACET_LIMIT]
        values += [v for v in sorted(selected) if v not in values]
        result = []
        for value in values:
            is_selected = value in selected
            result.append(
                FacetValue(
                    value=value,
                    label=labels.get(value, value),
                    count=counts.get(value, 0),
                    selected=is_selected,
                    toggle_url=self.url_for_params(self._toggle(params, name, value, is_selected)),
                )
            )
        result.sort(key=lambda f: (not f.selected, -f.count, fold(f.label)))
        return result

    def _toggle(self, params: dict, name: str, value: str, selected: bool) -> dict:
        params = dict(params)
        if name in ("domain", "target_group"):
            current = list(params.get(name, []))
            current = [v for v in current if v != value] if selected else [*current, value]
            if current:
                params[name] = current
            else:
                params.pop(name, None)
            return params
        if name == "municipality":
            value = self._town_name(value)
        if selected:
            params.pop(name, None)
        else:
            params[name] = value
        return params


@lru_cache(maxsize=100_000)
def _marked_terms(word: str) -> frozenset[str]:
    folded = fold(word)
    terms = {analyse_word(folded)}
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
