"""Crawling HTML sources: list pages -> detail pages -> services, one PageOutcome per URL.

Every fault is caught per URL and reported; the run always goes on. Shared by the HTML adapters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from bs4 import Tag

from scrapers.config import SourceConfig
from scrapers.generic import ExtractionError
from scrapers.http import Fetcher, FetchResult
from scrapers.page import absolute_url, parse_html
from scrapers.records import ServiceDraft, to_hsds

__all__ = [
    "Crawler",
    "PageOutcome",
    "crawl_html",
    "page_service",
    "relative_key",
    "require",
]

ParsePage = Callable[[SourceConfig, FetchResult, date], list[dict[str, Any]]]


@dataclass(frozen=True)
class PageOutcome:
    """What happened to one URL of a run.

    ``status`` is "ok" or "failed"; ``reason`` says why it failed, or for list pages how many
    links were found; ``services`` are the HSDS records proposed from the page (empty on failure).
    """

    url: str
    status: str
    reason: str | None = None
    services: list[dict[str, Any]] = field(default_factory=list)
    kind: str = "detail"  # "list" for index pages, "detail" for service pages and API pages
    from_cache: bool = False

    @property
    def is_ok(self) -> bool:
        """True when the page was read (even if it proposed nothing)."""
        return self.status == "ok"


# An adapter's crawl(source, fetcher, *, limit=None, retrieved=None): one outcome per URL.
Crawler = Callable[..., Iterator[PageOutcome]]


def require(draft: ServiceDraft, required: tuple[str, ...]) -> None:
    """Refuse a draft that lacks a required field: a changed page layout must not erase data.

    :raises ExtractionError: naming the missing fields.
    """
    missing = draft.missing(required)
    if missing:
        raise ExtractionError(
            f"missing required field(s): {', '.join(missing)} (page layout may have changed)"
        )


def relative_key(source: SourceConfig, url: str) -> str:
    """Record key of a page: its URL relative to the source's base URL, so a mirror keeps ids."""
    relative = (
        url.removeprefix(source.base_url).lstrip("/") if url.startswith(source.base_url) else url
    )
    return f"{source.id}:{relative}"


def page_service(
    source: SourceConfig,
    page: FetchResult,
    retrieved: date,
    draft: ServiceDraft,
    *,
    method: str = "config",
    key_suffix: str = "",
    source_date: str | None = None,
) -> dict[str, Any]:
    """The HSDS proposal for a draft read from a page of an HTML source.

    Refuses a draft without the source's required fields; ids come from the page's path under
    ``base_url`` (plus ``key_suffix`` when one page holds several services).

    :raises ExtractionError: naming the missing fields.
    """
    require(draft, source.required)
    return to_hsds(
        draft,
        key=relative_key(source, page.final_url) + key_suffix,
        source_url=page.final_url,
        retrieved=retrieved,
        method=method,
        source_id=source.id,
        source_date=source_date,
    )


def crawl_html(
    source: SourceConfig,
    fetcher: Fetcher,
    parse: ParsePage,
    *,
    limit: int | None = None,
    retrieved: date | None = None,
) -> Iterator[PageOutcome]:
    """Walk list pages (following ``list.next``) and parse each linked detail page.

    Without ``list.links`` the start URLs are the detail pages. ``limit`` caps detail pages.
    """
    day = retrieved or date.today()
    done: set[str] = set()
    detail_count = 0

    def detail(url: str) -> PageOutcome:
        done.add(url)
        result = fetcher.fetch(url)
        if not result.is_ok:
            return PageOutcome(url, "failed", result.error, from_cache=result.from_cache)
        if result.final_url != url and result.final_url in done:
            return PageOutcome(url, "ok", f"same page as {result.final_url}")
        done.add(result.final_url)
        try:
            services = parse(source, result, day)
        except ExtractionError as exc:
            return PageOutcome(url, "failed", str(exc), from_cache=result.from_cache)
        except Exception as exc:  # noqa: BLE001 - one odd page must not end the run
            reason = f"extraction error ({type(exc).__name__}: {exc})"
            return PageOutcome(url, "failed", reason, from_cache=result.from_cache)
        return PageOutcome(url, "ok", None, services, from_cache=result.from_cache)

    if source.link_selector is None:
        for url in source.start_urls:
            if limit is not None and detail_count >= limit:
                return
            if url not in done:
                detail_count += 1
                yield detail(url)
        return

    queue = list(source.start_urls)
    listed: set[str] = set()
    list_pages = 0
    while queue and list_pages < source.max_list_pages * max(1, len(source.start_urls)):
        list_url = queue.pop(0)
        if list_url in listed:
            continue
        listed.add(list_url)
        list_pages += 1
        result = fetcher.fetch(list_url)
        if not result.is_ok or result.text is None:
            yield PageOutcome(list_url, "failed", result.error, kind="list")
            continue
        links, next_pages = _links(source, result)
        queue.extend(u for u in next_pages if u not in listed)
        yield PageOutcome(
            list_url, "ok", f"{len(links)} links", kind="list", from_cache=result.from_cache
        )
        for url in links:
            if limit is not None and detail_count >= limit:
                return
            if url in done:
                continue
            detail_count += 1
            yield detail(url)


def _links(source: SourceConfig, page: FetchResult) -> tuple[list[str], list[str]]:
    """Detail links and next-page links on a list page, same host only, in page order."""
    soup = parse_html(page.text or "")
    host = urlsplit(page.final_url).netloc

    def hrefs(selector: str | None) -> list[str]:
        found: list[str] = []
        for tag in soup.select(selector) if selector else []:
            anchor = tag if tag.name == "a" else tag.find("a", href=True)
            href = anchor.get("href") if isinstance(anchor, Tag) else None
            url = absolute_url(page.final_url, str(href) if href else None)
            if url and urlsplit(url).netloc == host and url not in found:
                found.append(url)
        return found

    return hrefs(source.link_selector), hrefs(source.next_selector)
