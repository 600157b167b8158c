"""The search page (/zoeken) and the search context it shares with the JSON API (datasette style).

``build_search_context`` turns query-string arguments into everything a result page shows; the
HTML view renders it, ``web.views.api`` serialises it with ``SearchContext.as_json``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any
from urllib.parse import quote, quote_plus

from flask import Blueprint, current_app, render_template, request, url_for
from markupsafe import Markup

from directory.gazetteer import Gazetteer, Municipality, municipality_outline
from directory.reference import domain_labels, target_group_labels
from indexer import FacetValue, SearchHit, SearchInputError, SearchRequest, request_params
from web.maps import MapHtml, MapPoint, render_map
from web.params import ParamError, carried_fields, parse_search_args
from web.state import get_session, get_state
from web.views import clock
from web.views.formatting import km, language_name
from web.views.lookups import opening_labels
from web.views.pages import municipality_names

bp = Blueprint("search", __name__)

PAGE_WINDOW = 2  # page links shown either side of the current page
FORM_FIELDS = ("q", "municipality", "age", "page")
MAX_TOWNS_SHOWN = 3
MIN_DISTANCE_KM = 0.1

UrlBuilder = Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class Label:
    """A code with its Dutch label (a domain or target group chip)."""

    code: str
    label: str


@dataclass(frozen=True)
class ResultItem:
    """One result as the page and the API show it."""

    id: str
    name: str
    organization: str
    organization_id: str
    snippet: Markup
    domains: tuple[Label, ...]
    target_groups: tuple[Label, ...]
    municipalities: tuple[Label, ...]
    locations: tuple[dict[str, Any], ...]
    distance_km: float | None
    serves_town: bool | None
    place: str | None
    opening: str | None
    is_open: bool
    url: str
    organization_url: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "organization": {"id": self.organization_id, "name": self.organization},
            "snippet": str(self.snippet),
            "domains": [d.code for d in self.domains],
            "target_groups": [g.code for g in self.target_groups],
            "municipalities": [{"nis": t.code, "name": t.label} for t in self.municipalities],
            "locations": list(self.locations),
            "distance_km": self.distance_km,
            "serves_municipality": self.serves_town,
            "opening": self.opening,
            "url": self.url,
        }


@dataclass(frozen=True)
class PageLink:
    number: int
    url: str
    is_current: bool


@dataclass
class SearchContext:
    """Everything one search shows, for HTML and JSON alike."""

    status: int = 200
    error: str | None = None
    error_links: list[tuple[str, str]] = field(default_factory=list)
    form: dict[str, str] = field(default_factory=dict)
    hidden: list[tuple[str, str]] = field(default_factory=list)
    request: SearchRequest | None = None
    params: dict[str, Any] = field(default_factory=dict)
    town: Municipality | None = None
    total: int = 0
    page: int = 1
    per_page: int = 20
    items: list[ResultItem] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    domain_tiles: list[FacetValue] = field(default_factory=list)
    active: list[FacetValue] = field(default_factory=list)
    suggestion: str | None = None
    suggestion_url: str | None = None
    messages: list[str] = field(default_factory=list)
    pages: list[PageLink] = field(default_factory=list)
    prev_url: str | None = None
    next_url: str | None = None
    heading: str = ""
    api_url: str | None = None

    @property
    def error_intro(self) -> str | None:
        """The error without its 'Bedoelde u: ...?' when the page shows those as links."""
        if self.error and self.error_links:
            return self.error.split(" Bedoelde u")[0]
        return self.error

    def as_json(self) -> dict[str, Any]:
        """The API body: {ok: true, total, ..., results, facets} or {ok: false, error, status}."""
        if self.error is not None:
            return {"ok": False, "error": self.error, "status": self.status}
        town = self.town
        return {
            "ok": True,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "results": [item.as_json() for item in self.items],
            "facets": {
                name: [
                    {
                        "value": v.value,
                        "label": v.label,
                        "count": v.count,
                        "selected": v.selected,
                        "toggle_url": v.toggle_url,
                    }
                    for v in values
                ]
                for name, values in self.facets.items()
            },
            "suggestion": self.suggestion,
            "suggestion_url": self.suggestion_url,
            "municipality": (
                {"nis": town.nis, "name": town.name_nl, "slug": town.slug} if town else None
            ),
            "messages": self.messages,
            "query": self.params,
            "next_url": self.next_url,
            "prev_url": self.prev_url,
        }


def _raw_form(args: Mapping[str, Any]) -> dict[str, str]:
    return {name: str(args.get(name) or "")[:300] for name in ("q", "municipality", "age")}


def _error(ctx: SearchContext, message: str, links: list[tuple[str, str]] | None = None) -> None:
    ctx.status = 400
    ctx.error = message
    ctx.error_links = links or []


def query_url_builder(path: str) -> UrlBuilder:
    """path?params (lists repeat the key). A search builds a hundred facet links: url_for
    costs about 70 µs each, which is most of an API request's time."""

    def url(params: Mapping[str, Any]) -> str:
        pairs = [
            _pair(name, str(v))
            for name, value in params.items()
            for v in (value if isinstance(value, list | tuple) else [value])
        ]
        return f"{path}?{'&'.join(pairs)}" if pairs else path

    return url


@lru_cache(maxsize=8192)
def _pair(name: str, value: str) -> str:
    """'name=value' as urlencode writes it; the same few pairs recur in every facet link."""
    return f"{quote_plus(name)}={quote_plus(value)}"


def id_url_builder(endpoint: str, argument: str) -> Callable[[str], str]:
    """URL of a page with one id in its path (/dienst/<id>), routed once rather than per id."""
    marker = "__id__"
    template = url_for(endpoint, **{argument: marker})
    return lambda value: template.replace(marker, quote(value, safe=""))


def build_search_context(args: Mapping[str, Any], *, endpoint: str) -> SearchContext:
    """Parse, search and prepare one result page; bad input gives a context with a 400 error."""
    state = get_state()
    config = current_app.config

    url = query_url_builder(url_for(endpoint))

    ctx = SearchContext(form=_raw_form(args))
    try:
        asked = parse_search_args(args, per_page_default=config["PER_PAGE"])
    except ParamError as exc:
        _error(ctx, str(exc))
        return ctx
    now = clock.now()
    try:
        results = state.index.search(asked, now=now, url_for_params=url)
    except SearchInputError as exc:
        # An unknown town comes with the towns the user may have meant, as links.
        params = request_params(replace(asked, municipality=None, page=1))
        links = [(t.name_nl, url({**params, "municipality": t.name_nl})) for t in exc.suggestions]
        _error(ctx, str(exc), links)
        return ctx
    req = results.request or asked
    town = results.municipality
    params = request_params(req)
    ctx.request, ctx.town, ctx.params = req, town, params
    ctx.total, ctx.page, ctx.per_page = results.total, results.page, results.per_page
    ctx.messages = list(results.messages)
    ctx.form = {
        "q": req.q,
        "municipality": town.name_nl if town else "",
        "age": "" if req.age is None else str(req.age),
    }
    ctx.hidden = carried_fields(params, FORM_FIELDS)
    ctx.facets = dict(results.facets)
    ctx.facets["language"] = _language_labels(ctx.facets.get("language", []))
    ctx.domain_tiles = _domain_tiles(req, ctx.facets.get("domain", []), params, url)
    ctx.active = _active_filters(req, town, ctx.facets, params, url)
    if results.suggestion:
        ctx.suggestion = results.suggestion
        ctx.suggestion_url = url({**_without(params, "page"), "q": results.suggestion})
    ctx.items = _items(results.hits, town, state.gazetteer, now)
    _paginate(ctx, params, url)
    ctx.heading = _heading(req, town, results.total)
    ctx.api_url = query_url_builder(url_for("api.search"))(params)
    return ctx


def _without(params: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k not in names}


def _language_labels(values: list[FacetValue]) -> list[FacetValue]:
    """The index labels languages with their codes; the page names them in Dutch."""
    named = [replace(v, label=language_name(v.value)) for v in values]
    return sorted(named, key=lambda v: (not v.selected, -v.count, v.label))


def _domain_tiles(
    req: SearchRequest, facet: list[FacetValue], params: dict[str, Any], url: UrlBuilder
) -> list[FacetValue]:
    """Every life domain as a tile, with its count (0 when absent from the facet)."""
    counted = {v.value: v for v in facet}
    tiles = []
    for code, label in domain_labels().items():
        if code in counted:
            tiles.append(counted[code])
            continue
        selected = code in req.domains
        chosen = [d for d in req.domains if d != code] if selected else [*req.domains, code]
        target = {**_without(params, "page", "domain"), **({"domain": chosen} if chosen else {})}
        tiles.append(FacetValue(code, label, 0, selected, url(target)))
    # Selected first: on a phone the row scrolls sideways and the choice must stay in view.
    return sorted(tiles, key=lambda t: not t.selected)


def _active_filters(
    req: SearchRequest,
    town: Municipality | None,
    facets: dict[str, list[FacetValue]],
    params: dict[str, Any],
    url: UrlBuilder,
) -> list[FacetValue]:
    """Selected filters, each with a link that removes it."""
    active = [v for values in facets.values() for v in values if v.selected]
    base = _without(params, "page")
    if req.age is not None:
        active.append(
            FacetValue(
                str(req.age), f"Leeftijd: {req.age} jaar", 0, True, url(_without(base, "age"))
            )
        )
    if req.near is not None:
        where = f"Binnen {km(req.radius_km)}" if req.radius_km else "Dichtbij"
        # The radius goes with the point: measured from a town centre it would mean another area.
        off = url(_without(base, "near", "radius_km"))
        active.append(FacetValue("near", f"{where} van het gekozen punt", 0, True, off))
    elif req.radius_km is not None and town is not None:  # the search refuses it without both
        active.append(
            FacetValue(
                "radius",
                f"Binnen {km(req.radius_km)} van {town.name_nl}",
                0,
                True,
                url(_without(base, "radius_km")),
            )
        )
    return active


def _town_label(gazetteer: Gazetteer, nis: str) -> Label:
    try:
        return Label(nis, gazetteer.by_nis(nis).name_nl)
    except KeyError:
        return Label(nis, nis)


def _place(hit: SearchHit, town: Municipality | None, towns: tuple[Label, ...]) -> str | None:
    # A service at the town centre is 0 m away: only a real distance says something.
    km_away = hit.distance_km
    distance = f" · {km(km_away)}" if km_away is not None and km_away >= MIN_DISTANCE_KM else ""
    if town is not None and hit.serves_town:
        return f"Werkt voor {town.name_nl}{distance}"
    if town is not None:
        return f"Niet voor {town.name_nl}, wel in de buurt{distance}"
    if hit.distance_km is not None:
        return f"Op {km(hit.distance_km)}"
    if towns:
        shown = ", ".join(t.label for t in towns[:MAX_TOWNS_SHOWN])
        more = len(towns) - MAX_TOWNS_SHOWN
        return f"Werkt voor {shown}" + (f" en {more} andere gemeenten" if more > 0 else "")
    return None


def _items(
    hits: list[SearchHit], town: Municipality | None, gazetteer: Gazetteer, now: Any
) -> list[ResultItem]:
    openings = opening_labels(get_session(), [h.id for h in hits], now)
    service_url = id_url_builder("services.service_page", "service_id")
    organization_url = id_url_builder("services.organization_page", "organization_id")
    domains, groups = domain_labels(), target_group_labels()
    items = []
    for hit in hits:
        towns = tuple(_town_label(gazetteer, nis) for nis in hit.municipalities)
        items.append(
            ResultItem(
                id=hit.id,
                name=hit.name,
                organization=hit.organization,
                organization_id=hit.organization_id,
                snippet=Markup(hit.snippet),  # the indexer escapes it and adds only <mark>
                domains=tuple(Label(d, domains.get(d, d)) for d in hit.domains),
                target_groups=tuple(Label(g, groups.get(g, g)) for g in hit.target_groups),
                municipalities=towns,
                locations=tuple(
                    {"name": loc.name, "lat": loc.lat, "lon": loc.lon, "city": loc.city}
                    for loc in hit.locations
                ),
                distance_km=hit.distance_km,
                serves_town=hit.serves_town,
                place=_place(hit, town, towns),
                opening=(opening := openings.get(hit.id)),
                is_open=bool(opening and opening.startswith("Nu open")),
                url=service_url(hit.id),
                organization_url=(
                    organization_url(hit.organization_id) if hit.organization_id else None
                ),
            )
        )
    return items


def _paginate(ctx: SearchContext, params: dict[str, Any], url: UrlBuilder) -> None:
    last = max(1, math.ceil(ctx.total / ctx.per_page))
    base = _without(params, "page")

    def page_url(number: int) -> str:
        return url(base if number == 1 else {**base, "page": number})

    if ctx.page > 1:
        ctx.prev_url = page_url(min(ctx.page - 1, last))
    if ctx.page < last:
        ctx.next_url = page_url(ctx.page + 1)
    if last > 1:
        numbers = {1, last, *range(ctx.page - PAGE_WINDOW, ctx.page + PAGE_WINDOW + 1)}
        ctx.pages = [
            PageLink(n, page_url(n), n == ctx.page) for n in sorted(numbers) if 1 <= n <= last
        ]


def _heading(req: SearchRequest, town: Municipality | None, total: int) -> str:
    """'12 diensten voor Wonen in Roeselare': the answer in one line."""
    text = "1 dienst" if total == 1 else f"{total} diensten"
    labels = domain_labels()
    if req.domains:
        text += " voor " + " of ".join(labels.get(d, d) for d in req.domains)
    if town is not None:
        text += f" in {town.name_nl}"
    if req.q:
        text += f" met ‘{req.q}’"
    return text


def search_map(ctx: SearchContext, label: str) -> MapHtml:
    """The results of this page on a map, over the outline of the town searched."""
    points = [
        MapPoint(
            lat=loc["lat"],
            lon=loc["lon"],
            title=item.name,
            url=item.url,
            subtitle=loc["name"] if loc["name"] != item.name else item.organization,
        )
        for item in ctx.items
        for loc in item.locations
        if loc["lat"] is not None and loc["lon"] is not None
    ]
    outline = municipality_outline(ctx.town.nis) if ctx.town else None
    return page_map(points, label, [outline] if outline else [])


def page_map(points: list[MapPoint], label: str, outlines: list[dict]) -> MapHtml:
    """A map with the app's tile settings and static files."""
    config = current_app.config
    return render_map(
        points,
        static_url=lambda path: url_for("static", filename=path),
        tile_url=config["TILE_URL"],
        attribution=config["TILE_ATTRIBUTION"],
        label=label,
        outlines=outlines,
    )


@bp.get("/zoeken")
def search_page() -> tuple[str, int]:
    """Search page: query, town, life-domain tiles, facets, results and a map."""
    ctx = build_search_context(request.args, endpoint="search.search_page")
    shown = ctx.error is None and (ctx.items or ctx.town is not None)
    map_html = search_map(ctx, f"Kaart: {ctx.heading}") if shown else None
    page = render_template("search.html", ctx=ctx, map=map_html, towns=municipality_names())
    return page, ctx.status
