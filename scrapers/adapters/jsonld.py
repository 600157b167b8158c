"""Adapter for sites whose service pages carry schema.org JSON-LD or microdata.

Structured data is the source of truth; configured selectors, if any, override single fields.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from scrapers.config import SourceConfig
from scrapers.crawl import crawl_html, page_service
from scrapers.extract import structured_drafts
from scrapers.generic import ExtractionError
from scrapers.http import FetchResult
from scrapers.page import parse_html
from scrapers.selection import configured_draft

__all__ = ["crawl", "parse_page"]

_OVERRIDABLE = (
    "name",
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
    "email",
    "phones",
    "schedules",
    "locations",
)


def parse_page(source: SourceConfig, page: FetchResult, retrieved: date) -> list[dict[str, Any]]:
    """Every service entity on the page, or the organisation when there is no service entity."""
    html = page.text or ""
    soup = parse_html(html)
    found = structured_drafts(soup, html, page.final_url)
    if not found:
        raise ExtractionError("no schema.org JSON-LD or microdata on the page")
    services = [s for s in found if s.is_service] or found[:1]
    configured = configured_draft(soup, page.final_url, source) if source.fields else None
    out = []
    for index, structured in enumerate(services):
        draft = structured.draft
        if configured is not None:
            for name in _OVERRIDABLE:
                if getattr(configured, name):
                    setattr(draft, name, getattr(configured, name))
        draft.url = draft.url or page.final_url
        draft.life_domains = list(source.life_domains_for(page.final_url))
        draft.service_areas = draft.service_areas or list(source.service_areas)
        org = source.organization
        draft.organization.name = draft.organization.name or org.name
        draft.organization.kbo = draft.organization.kbo or org.kbo
        draft.organization.website = draft.organization.website or org.website
        out.append(
            page_service(
                source,
                page,
                retrieved,
                draft,
                method=structured.method,
                key_suffix=f"#{index}" if index else "",
                source_date=structured.date_modified,
            )
        )
    return out


# List pages, then the structured data of every linked page.
crawl = partial(crawl_html, parse=parse_page)
