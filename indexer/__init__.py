"""Dutch service search on Whoosh: the only package that imports whoosh. Reads directory only."""

from __future__ import annotations

from indexer.engine import SearchIndex
from indexer.model import (
    FacetValue,
    Location,
    SearchHit,
    SearchInputError,
    SearchRequest,
    SearchResults,
)
from indexer.plan import request_params

__all__ = [
    "FacetValue",
    "Location",
    "SearchHit",
    "SearchIndex",
    "SearchInputError",
    "SearchRequest",
    "SearchResults",
    "request_params",
]
