"""Adapter for a multi-location organisation such as a CAW: one offer page, many towns.

Each offer ("Onthaal", "Budgethulp") lists the towns where it is offered, each with its own address,
phone and hours; they become service_at_locations of one service, not separate services.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from scrapers.config import SourceConfig
from scrapers.crawl import crawl_html, page_service
from scrapers.http import FetchResult
from scrapers.page import parse_html
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
    return [page_service(source, page, retrieved, draft)]


# Offer list pages, then every offer page.
crawl = partial(crawl_html, parse=parse_page)
