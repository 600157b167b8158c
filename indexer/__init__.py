"""Dutch service search on Whoosh: the only package that imports whoosh. Reads directory only."""

from __future__ import annotations

from indexer.engine import SearchIndex, request_params
from indexer.model import (
    FacetValue,
    Location,
    SearchHit,
    SearchInputError,
    SearchRequest,
    SearchResults,
)

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
