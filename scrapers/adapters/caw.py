"""Adapter for a multi-location organisation such as a CAW: one offer page, many towns.

Each offer ("Onthaal", "Budgethulp") lists the towns where it is offered, each with its own address,
phone and hours; they become service_at_locations of one service, not separate services.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from scrapers.config import SourceConfig
from scrapers.crawl import PageOutcome, crawl_html, relative_key, require
from scrapers.http import Fetcher, FetchResult
from scrapers.page import parse_html
from scrapers.records import to_hsds
from scrapers.selection import configured_draft

__all__ = ["crawl", "parse_page"]


def parse_page(source: SourceConfig, page: FetchResult, retrieved: date) -> list[dict[str, Any]]:
    """One service per offer page, with a location per town block."""
    soup = parse_html(page.text or "")
    draft = configured_draft(soup, page.final_url, source)
    org_name = draft.organization.name or "CAW"
    for location in draft.locations:
        city = location.addresses[0].city if location.addresses else None
        if not location.name and city:
            location.name = f"{org_name} {city}"
    if not draft.service_areas:
        # A CAW serves the towns where it has an office unless the config says otherwise.
        cities = [loc.addresses[0].city for loc in draft.locations if loc.addresses]
        draft.service_areas = list(dict.fromkeys(cities))
    require(draft, source.required)
    return [
        to_hsds(
            draft,
            key=relative_key(source, page.final_url),
            source_url=page.final_url,
            retrieved=retrieved,
            method="config",
            source_id=source.id,
        )
    ]


def crawl(
    source: SourceConfig,
    fetcher: Fetcher,
    *,
    limit: int | None = None,
    retrieved: date | None = None,
) -> Iterator[PageOutcome]:
    """Offer list pages, then every offer page."""
    return crawl_html(source, fetcher, parse_page, limit=limit, retrieved=retrieved)
