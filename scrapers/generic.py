"""Generic extraction for any page: structured data first, then Flemish heuristics; scrape_url().

Behind ``socialekaart scrape url URL --dry-run --json``. No site-specific selectors (see config.py).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bs4 import BeautifulSoup, Tag

from scrapers.extract import structured_drafts
from scrapers.heuristics import find_addresses
from scrapers.hours import parse_opening_hours
from scrapers.http import Fetcher
from scrapers.page import (
    absolute_url,
    block_text,
    content_scope,
    emails_in,
    meta_content,
    parse_html,
    phones_in,
    site_name_of,
    title_of,
)
from scrapers.records import LocationDraft, OrganizationDraft, ServiceDraft, to_hsds

__all__ = ["ExtractionError", "ScrapeError", "extract_service", "heuristic_draft", "scrape_url"]

_HOURS_HEADING_RE = re.compile(
    r"^\s*(?:openingsuren|openingstijden|openingsdagen|openingsuur|uren|zitdag(?:en)?|"
    r"spreekuur|spreekuren|permanentie(?:s)?|bereikbaarheid|wanneer)\b",
    re.I,
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_DAY_WORD_RE = re.compile(
    r"\b(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|werkdag|weekdag)", re.I
)
_CLOCK_RE = re.compile(r"\d{1,2}(?:[:.hu]\d{2})?\s*(?:u|uur|h)?\s*(?:-|–|tot)\s*\d{1,2}", re.I)
_MAX_FOUND = 5  # more phones or addresses than this on one page means a listing, not a service


class ExtractionError(ValueError):
    """A page yielded no usable service; the message says why (shown per URL)."""


class ScrapeError(RuntimeError):
    """scrape_url could not fetch or read the page; the message is the reason."""


def extract_service(
    html: str,
    url: str,
    *,
    retrieved: date | None = None,
    life_domains: tuple[str, ...] = (),
    source_id: str | None = None,
) -> dict[str, Any]:
    """The HSDS 3.0 service a page describes, as a proposal with ``x-source`` provenance.

    JSON-LD and microdata come first; heuristics fill the fields they leave empty, and those
    fields are listed in ``x-source.derived_fields``.

    :raises ExtractionError: when no service name can be found.
    """
    soup = parse_html(html)
    structured = structured_drafts(soup, html, url)
    heuristic = heuristic_draft(soup, url)
    source_date = meta_content(soup, "article:modified_time", "dcterms.modified", "last-modified")
    if structured:
        draft, method = structured[0].draft, structured[0].method
        source_date = source_date or structured[0].date_modified
        _fill_gaps(draft, heuristic)
    else:
        draft, method = heuristic, "heuristics"
    if not draft.name:
        raise ExtractionError("no service name found on the page")
    draft.url = draft.url or url
    draft.life_domains.extend(life_domains)
    return to_hsds(
        draft,
        key=url,
        source_url=url,
        retrieved=retrieved or date.today(),
        method=method,
        source_id=source_id,
        source_date=source_date,
    )


def heuristic_draft(soup: BeautifulSoup, url: str) -> ServiceDraft:
    """What a page says about its service without structured data. Strips the soup's site chrome."""
    site_name = site_name_of(soup)
    description = meta_content(soup, "description", "og:description")
    name = title_of(soup)
    scope = content_scope(soup)
    if not description:
        description = _first_paragraph(scope)
    draft = ServiceDraft(
        name=name,
        description=description,
        url=absolute_url(url, meta_content(soup, "og:url"))
        or absolute_url(url, _canonical(soup))
        or url,
        organization=OrganizationDraft(name=site_name),
    )
    phones = phones_in(scope)
    emails = emails_in(scope)
    if len(phones) <= _MAX_FOUND:
        draft.phones = phones
    draft.email = emails[0] if emails else None
    text = block_text(scope)
    addresses = find_addresses(text)
    if len(addresses) <= _MAX_FOUND:
        draft.locations = [LocationDraft(name=name, addresses=[a]) for a in addresses]
    draft.schedules = parse_opening_hours(_hours_text(scope) or _hours_lines(text))
    return draft


def _fill_gaps(draft: ServiceDraft, heuristic: ServiceDraft) -> None:
    """Copy heuristic findings into fields structured data left empty, and say so."""
    for name in ("description", "email", "phones", "schedules", "locations"):
        if not getattr(draft, name) and getattr(heuristic, name):
            setattr(draft, name, getattr(heuristic, name))
            draft.derived_fields.append(f"{name}: heuristics")
    if not draft.organization.name and heuristic.organization.name:
        draft.organization.name = heuristic.organization.name
        draft.derived_fields.append("organization: heuristics")


def _canonical(soup: BeautifulSoup) -> str | None:
    link = soup.find("link", rel="canonical")
    href = link.get("href") if isinstance(link, Tag) else None
    return str(href) if href else None


def _first_paragraph(scope: Tag) -> str | None:
    main = scope.find("main") or scope.find("article") or scope
    for paragraph in main.find_all("p") if isinstance(main, Tag) else []:
        text = " ".join(paragraph.get_text(" ").split())
        if len(text) >= 60:
            return text
    return None


def _hours_text(scope: Tag) -> str:
    """Text under an "Openingsuren"-like heading, label or table header."""
    parts: list[str] = []
    for label in scope.find_all([*_HEADINGS, "strong", "b", "dt", "th", "caption", "summary"]):
        if not _HOURS_HEADING_RE.match(label.get_text(" ")):
            continue
        if label.name in _HEADINGS:
            parts.append(_section_after(label))
        elif label.name in {"dt", "th", "caption", "summary"}:
            container = label.find_parent(["dl", "table", "details"]) or label.parent
            parts.append(block_text(container) if isinstance(container, Tag) else "")
        else:
            block = label.find_parent(["p", "div", "li", "td", "section"]) or label.parent
            if isinstance(block, Tag):
                parts.append(block_text(block))
                if len(block_text(block)) < len(label.get_text()) + 5:
                    parts.append(_section_after(block))
    return "\n".join(p for p in parts if p)


def _section_after(heading: Tag) -> str:
    """Sibling content after a heading, up to the next heading."""
    lines = []
    for sibling in heading.find_next_siblings():
        if sibling.name in _HEADINGS:
            break
        lines.append(block_text(sibling))
    return "\n".join(lines)[:2000]


def _hours_lines(text: str) -> str:
    """Without an hours heading, only lines naming a day and a clock time are trusted."""
    return "\n".join(
        line for line in text.splitlines() if _DAY_WORD_RE.search(line) and _CLOCK_RE.search(line)
    )


def scrape_url(url: str, fetcher: Fetcher, *, retrieved: date | None = None) -> dict[str, Any]:
    """Fetch one page and return the HSDS service record it would propose (nothing is stored).

    :raises ScrapeError: with the per-URL reason ("HTTP 404", "blocked by robots.txt", ...).
    """
    result = fetcher.fetch(url)
    if not result.is_ok or result.text is None:
        raise ScrapeError(result.error or "empty response")
    if "json" in result.content_type and "html" not in result.content_type:
        raise ScrapeError(f"not an HTML page ({result.content_type.split(';')[0]})")
    try:
        return extract_service(result.text, result.final_url, retrieved=retrieved)
    except ExtractionError as exc:
        raise ScrapeError(str(exc)) from exc
