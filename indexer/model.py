"""Values that cross the indexer boundary: requests, results, hits, facet values, input errors.

Frozen dataclasses only; nothing here knows Whoosh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from directory.gazetteer import Municipality

SORTS = ("relevance", "distance", "name")
MAX_PER_PAGE = 100


class SearchInputError(ValueError):
    """A request the search cannot honour (unknown town or code); str() is Dutch, for users.

    `suggestions`: for an unknown town, the towns the user may have meant (links on a page).
    """

    def __init__(self, message: str, suggestions: Sequence[Municipality] = ()) -> None:
        super().__init__(message)
        self.suggestions = tuple(suggestions)


@dataclass(frozen=True)
class SearchRequest:
    """What a referrer asks. `municipality`: any form the gazetteer knows (name, postcode...)."""

    q: str = ""
    municipality: str | None = None
    domains: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    organization_id: str | None = None
    age: int | None = None
    free: bool | None = None
    language: str | None = None
    open_now: bool = False
    near: tuple[float, float] | None = None
    radius_km: float | None = None
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"


@dataclass(frozen=True)
class Location:
    """A place where the service is offered."""

    name: str
    lat: float | None
    lon: float | None
    city: str | None


@dataclass(frozen=True)
class SearchHit:
    """One service in a result list. `snippet` is HTML-safe with matched words in <mark>."""

    id: str
    name: str
    organization: str
    organization_id: str
    snippet: str
    domains: tuple[str, ...]
    target_groups: tuple[str, ...]
    municipalities: tuple[str, ...]
    locations: tuple[Location, ...]
    serves_town: bool | None
    distance_km: float | None
    score: float


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with its count in the current result set and a URL that toggles it."""

    value: str
    label: str
    count: int
    selected: bool
    toggle_url: str


@dataclass(frozen=True)
class SearchResults:
    """A page of hits plus facets; `municipality` is the town searched (picked or read from q),
    `request` the request as searched (town resolved and taken out of q, codes normalised): the
    parameters of links that keep this search."""

    total: int
    page: int
    per_page: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None
    municipality: Municipality | None
    messages: list[str] = field(default_factory=list)
    request: SearchRequest | None = None
