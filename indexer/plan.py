"""One search: the validated request, its town, filters, ranking, hits and facets.

Works on an indexer.snapshot.Snapshot; holds no state beyond the one search.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from urllib.parse import urlencode

from directory.gazetteer import Gazetteer, Municipality, UnknownMunicipality
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
from indexer.query import ParsedQuery, build_query, suggestion
from indexer.snapshot import DocSet, Snapshot, add_scores
from indexer.snippet import snippet
from indexer.vocabulary import (
    domain_labels,
    fold,
    target_group_labels,
    text_words,
)

# Services located this close to the searched town, without serving it, are shown after those
# that serve it ("merely nearby").
NEARBY_KM = 20.0
NEARBY_FACTOR = 0.3
# Among services that serve the town, nearer ones rank a little higher: up to this share of the
# score is lost at DISTANCE_SCALE_KM and beyond.
DISTANCE_PENALTY = 0.25
DISTANCE_SCALE_KM = 40.0
# A match is relevant when it matches most query words (indexer.query.REQUIRED_SHARE) and scores
# at least this share of the best match: relevant services that serve the town come before
# relevant ones merely nearby, whatever their exact scores.
RELEVANT_SHARE = 0.1
# How many of the town's services in the query's life domain rank right after its relevant ones,
# before relevant services elsewhere, even when they lack the query's words (the town's OCMW).
ENTRY_POINTS = 2
FACET_LIMIT = 30
# Facets of single-valued filters: URL parameter -> labels of its values.
FLAG_LABELS = {"free": {"1": "Gratis", "0": "Niet gratis"}, "open_now": {"1": "Nu open"}}

UrlForParams = Callable[[dict], str]


def default_url(params: dict) -> str:
    """Relative URL '?q=..&domain=..' (lists repeat the key); independent of any web framework."""
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


class Plan:
    """One search: validated request, town, filters, ranking, hits and facets."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        request: SearchRequest,
        now: datetime | None,
        url_for_params: UrlForParams,
    ) -> None:
        self.gazetteer = gazetteer
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
        if request.radius_km is not None and request.near is None and self.town is None:
            # Silently ignoring it would show a radius chip over an unfiltered list.
            raise SearchInputError("De straal vraagt een punt (near) of een gemeente.")
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
            raise SearchInputError(str(exc), exc.suggestions) from exc

    @property
    def point(self) -> tuple[float, float] | None:
        """Where distances are measured from: the given point, else the town's centre."""
        if self.request.near is not None:
            return self.request.near
        if self.town is not None:
            return (self.town.lat, self.town.lon)
        return None

    # -- filters ---------------------------------------------------------------------------

    def _filters(self, snap: Snapshot) -> list[DocSet]:
        req = self.request
        sets: list[DocSet] = []

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
            sets.append(snap.open_at(self.now))
        if self.town is not None:
            sets.append(self.serving | set(self.nearby))
        if req.radius_km is not None and self.point is not None:
            sets.append(set(snap.within(self.point, req.radius_km)))
        return sets

    def run(self, snap: Snapshot) -> SearchResults:
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
        allowed: DocSet | None = None
        for docs in filters:
            allowed = docs if allowed is None else (allowed & docs)
        parsed = build_query(req.q, snap)
        self.highlight = parsed.highlight
        if parsed.query is None and text_words(req.q):
            self.messages.append(
                "Uw zoekopdracht bevat alleen veelgebruikte woorden; alle diensten worden getoond."
            )
        wanted = req.page * req.per_page
        if allowed is not None and not allowed:
            matched: DocSet = frozenset()  # Whoosh would treat filter=set() as no filter
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
            request=req,
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
        self, parsed: ParsedQuery, allowed: DocSet | None, wanted: int
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
        in_domain: DocSet = frozenset(),
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

    def _count(self, field: str, matched: DocSet) -> Counter[str]:
        """Value counts over the result set: per-doc values for small sets, set sizes for large."""
        docsets = self.snap.docsets(field)
        if len(matched) * 4 < len(self.snap.all_docs):
            per_doc = self.snap.values_of(field)
            return Counter(v for doc in matched for v in per_doc[doc])
        return Counter({value: len(docs & matched) for value, docs in docsets.items()})

    def _facets(self, matched: DocSet) -> dict[str, list[FacetValue]]:
        req = self.request
        params = request_params(req)
        params.pop("page", None)
        selected_town = {self.town.nis} if self.town else set()
        org_selected = {req.organization_id} if req.organization_id else set()
        towns = self._count("towns", matched)
        orgs = self._count("organization_id", matched)
        free = self.snap.docsets("free").get("t", frozenset())
        open_now = self.snap.open_at(self.now)
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
            "language": self._language_facet(matched, params),
            "free": self._flag_facet("free", len(free & matched), matched, params),
            "open_now": self._flag_facet("open_now", len(open_now & matched), matched, params),
        }

    def _language_facet(self, matched: DocSet, params: dict) -> list[FacetValue]:
        """Language codes (labelled with the code) in the result set; none when the index knows
        only one language and none is picked."""
        spoken = self.snap.docsets("languages")
        selected = {self.request.language} if self.request.language else set()
        if len(spoken) < 2 and not selected:
            return []
        counts = self._count("languages", matched)
        return self._facet("language", counts, selected, {code: code for code in spoken}, params)

    def _flag_facet(self, name: str, count: int, matched: DocSet, params: dict) -> list[FacetValue]:
        """The one value of a yes/no filter: its count, or the whole set when it is selected."""
        current = params.get(name)
        value = current or "1"
        selected = current is not None
        return [
            FacetValue(
                value=value,
                label=FLAG_LABELS[name][value],
                count=len(matched) if selected else count,
                selected=selected,
                toggle_url=self.url_for_params(self._toggle(params, name, value, selected)),
            )
        ]

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
