"""Running a configured source: picks its adapter and yields one PageOutcome per URL.

Called by ``socialekaart scrape run SOURCE``; stores nothing (the caller matches and stores).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from scrapers.adapters import caw, jsonld, sociaal_huis, sociale_kaart_api
from scrapers.config import SourceConfig
from scrapers.crawl import Crawler, PageOutcome
from scrapers.http import Fetcher

__all__ = ["ADAPTER_CRAWLERS", "run_source"]

ADAPTER_CRAWLERS: dict[str, Crawler] = {
    "caw": caw.crawl,
    "jsonld": jsonld.crawl,
    "sociaal_huis": sociaal_huis.crawl,
    "sociale_kaart_api": sociale_kaart_api.crawl,
}


def run_source(
    source: SourceConfig,
    fetcher: Fetcher,
    limit: int | None = None,
    *,
    retrieved: date | None = None,
) -> Iterator[PageOutcome]:
    """Crawl one source lazily; a fault on one URL becomes a failed outcome, never an exception.

    :param limit: at most this many detail pages (API pages for API sources).
    """
    if source.min_interval is not None:
        for url in (*source.start_urls, source.base_url):
            fetcher.set_host_interval(url, source.min_interval)
    return ADAPTER_CRAWLERS[source.adapter](source, fetcher, limit=limit, retrieved=retrieved)
