"""Adapter for a municipal Sociaal Huis: one product page per service, one contact block each.

Flemish municipal sites publish a page per product ("Budgetbegeleiding", "Leefloon") with an intro,
"Voor wie?", "Hoe aanvragen?", "Wat kost het?" sections and the Sociaal Huis contact card.
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
    """The one service a product page describes."""
    soup = parse_html(page.text or "")
    draft = configured_draft(soup, page.final_url, source)
    for location in draft.locations:
        # Contact cards often just say "Sociaal Huis"; the town makes the location findable.
        if not location.name and location.addresses:
            location.name = f"Sociaal Huis {location.addresses[0].city}"
    if not draft.organization.name and draft.locations and draft.locations[0].addresses:
        draft.organization.name = f"OCMW {draft.locations[0].addresses[0].city}"
    return [page_service(source, page, retrieved, draft)]


# Product list pages, then every product page.
crawl = partial(crawl_html, parse=parse_page)
