"""scrapers: polite fetching, structured and heuristic extraction, adapters, proposed changes.

The only package that imports bs4, httpx and extruct. It proposes HSDS records, never stores them.
"""

from __future__ import annotations

from scrapers.config import ConfigError, SourceConfig, load_source, load_sources
from scrapers.crawl import PageOutcome
from scrapers.generic import ExtractionError, ScrapeError, extract_service, scrape_url
from scrapers.heuristics import find_addresses, find_phones, normalize_kbo, normalize_phone
from scrapers.hours import parse_opening_hours
from scrapers.http import USER_AGENT, Fetcher, FetchResult, make_client
from scrapers.match import (
    Comparison,
    FieldChange,
    Match,
    ServiceIndex,
    compare_service,
    diff_service,
    match_service,
)
from scrapers.run import run_source

__all__ = [
    "USER_AGENT",
    "Comparison",
    "ConfigError",
    "ExtractionError",
    "FetchResult",
    "Fetcher",
    "FieldChange",
    "Match",
    "PageOutcome",
    "ScrapeError",
    "ServiceIndex",
    "SourceConfig",
    "compare_service",
    "diff_service",
    "extract_service",
    "find_addresses",
    "find_phones",
    "load_source",
    "load_sources",
    "make_client",
    "match_service",
    "normalize_kbo",
    "normalize_phone",
    "parse_opening_hours",
    "run_source",
    "scrape_url",
]
