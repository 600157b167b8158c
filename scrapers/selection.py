"""Config-driven extraction: the CSS selectors of a source's YAML applied to a detail page.

Selected text still goes through the heuristics (phones, addresses, opening hours) to normalise it.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from scrapers.config import SourceConfig
from scrapers.heuristics import find_addresses, find_kbo, normalize_kbo
from scrapers.hours import parse_opening_hours
from scrapers.page import absolute_url, block_text, emails_in, phones_in
from scrapers.records import LocationDraft, OrganizationDraft, ServiceDraft

__all__ = ["configured_draft", "selected_text"]

_TEXT_FIELDS = (
    "name",
    "description",
    "eligibility_description",
    "application_process",
    "fees_description",
)


def selected_text(root: Tag, selector: str | None) -> str | None:
    """Readable text of everything ``selector`` matches under ``root``, or None if nothing does."""
    if not selector:
        return None
    texts = [block_text(tag) for tag in root.select(selector)]
    text = "\n".join(t for t in texts if t).strip()
    return text or None


def _one_line(text: str | None) -> str | None:
    return " ".join(text.split()) if text else None


def _location(root: Tag, fields: dict[str, str]) -> tuple[LocationDraft, list[str]]:
    """A location from selectors under ``root``; also returns the e-mails found there."""
    location = LocationDraft(name=_one_line(selected_text(root, fields.get("name"))))
    address_text = selected_text(root, fields.get("address"))
    if address_text:
        location.addresses = find_addresses(address_text)[:1]
    emails: list[str] = []
    for tag in root.select(fields["phones"]) if fields.get("phones") else []:
        location.phones.extend(p for p in phones_in(tag) if p not in location.phones)
    for tag in root.select(fields["email"]) if fields.get("email") else []:
        emails.extend(e for e in emails_in(tag) if e not in emails)
    hours_text = selected_text(root, fields.get("hours"))
    if hours_text:
        location.schedules = parse_opening_hours(hours_text)
    return location, emails


def configured_draft(soup: BeautifulSoup, url: str, source: SourceConfig) -> ServiceDraft:
    """A service draft from the source's field and location selectors; unset fields stay empty."""
    fields = dict(source.fields)
    draft = ServiceDraft(url=url)
    for name in _TEXT_FIELDS:
        text = selected_text(soup, fields.get(name))
        if text:
            setattr(draft, name, text.splitlines()[0] if name == "name" else text)
    if fields.get("url"):
        link = soup.select_one(fields["url"])
        href = absolute_url(url, str(link.get("href"))) if isinstance(link, Tag) else None
        draft.url = href or url
    org = source.organization
    kbo_text = selected_text(soup, fields.get("kbo"))
    draft.organization = OrganizationDraft(
        name=org.name,
        description=org.description,
        website=org.website,
        kbo=org.kbo or (find_kbo(kbo_text) or normalize_kbo(kbo_text) if kbo_text else None),
    )

    # The page's own contact block: the fields named like a location's, at page level.
    page_location, emails = _location(
        soup,
        {
            "name": fields.get("location_name", ""),
            "address": fields.get("address", ""),
            "phones": fields.get("phones", ""),
            "email": fields.get("email", ""),
            "hours": fields.get("hours", ""),
        },
    )
    draft.phones, draft.schedules = page_location.phones, page_location.schedules
    page_location.phones, page_location.schedules = [], []
    if page_location.addresses:
        draft.locations.append(page_location)
    if source.locations is not None:
        for block in soup.select(source.locations.selector):
            location, block_emails = _location(block, dict(source.locations.fields))
            emails.extend(e for e in block_emails if e not in emails)
            if location.addresses or location.phones or location.schedules:
                draft.locations.append(location)
    draft.email = emails[0] if emails else None
    # One place only: its phones and hours are simply the service's, as the catalogue stores them.
    if len(draft.locations) == 1:
        only = draft.locations[0]
        draft.phones = draft.phones or only.phones
        draft.schedules = draft.schedules or only.schedules
        only.phones, only.schedules = [], []
    draft.life_domains = list(source.life_domains_for(url))
    draft.service_areas = list(source.service_areas)
    return draft
