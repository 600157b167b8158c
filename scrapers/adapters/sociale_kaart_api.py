"""Adapter for a paged JSON directory API shaped like De Sociale Kaart's ``/api/health-offers``.

Pages are requested as ``?rubrics=<rubric>&page=<n>&size=<m>`` (zero-based); a response holds
``content`` records and ``page.totalPages``. Records are read leniently: field shapes vary.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode, urljoin

from scrapers.config import RubricConfig, SourceConfig
from scrapers.crawl import PageOutcome
from scrapers.generic import ExtractionError
from scrapers.heuristics import PostalAddress, normalize_email, normalize_kbo, normalize_phone
from scrapers.http import Fetcher
from scrapers.page import absolute_url
from scrapers.records import LocationDraft, OrganizationDraft, ServiceDraft, to_hsds

__all__ = ["crawl", "record_to_service"]

_INACTIVE_STATES = {"inactive", "stopped", "closed", "ended", "archived", "deleted"}


def crawl(
    source: SourceConfig,
    fetcher: Fetcher,
    *,
    limit: int | None = None,
    retrieved: date | None = None,
) -> Iterator[PageOutcome]:
    """Every page of every configured rubric; ``limit`` caps the number of API pages."""
    api = source.api
    if api is None:
        raise ValueError(f"source {source.id} has no 'api' section")
    day = retrieved or date.today()
    endpoint = urljoin(source.base_url, api.path)
    seen: set[str] = set()
    pages = 0
    for rubric in api.rubrics or (RubricConfig(rubric=""),):
        for number in range(api.max_pages):
            if limit is not None and pages >= limit:
                return
            pages += 1
            query = {"rubrics": rubric.rubric, "page": number, "size": api.page_size}
            url = f"{endpoint}?{urlencode(query)}"
            result = fetcher.fetch(url)
            if not result.is_ok or result.text is None:
                yield PageOutcome(url, "failed", result.error, from_cache=result.from_cache)
                break
            try:
                records, total_pages = _page(json.loads(result.text))
            except (ValueError, TypeError) as exc:
                yield PageOutcome(url, "failed", f"not a directory API page ({exc})")
                break
            services, problems = [], []
            for position, record in enumerate(records):
                try:
                    service = record_to_service(record, source, rubric, day, page_url=url)
                except ExtractionError as exc:
                    problems.append(str(exc))
                    continue
                except Exception as exc:  # noqa: BLE001 - one odd record must not end the run
                    problems.append(
                        f"record {position + 1}: extraction error ({type(exc).__name__}: {exc})"
                    )
                    continue
                if service["id"] not in seen:
                    seen.add(service["id"])
                    services.append(service)
            reason = (
                f"{len(problems)} record(s) skipped: {'; '.join(problems)}" if problems else None
            )
            yield PageOutcome(url, "ok", reason, services, from_cache=result.from_cache)
            if not records or number + 1 >= total_pages:
                break


def _page(data: Any) -> tuple[list[dict[str, Any]], int]:
    """Records and total page count of a response (Spring-style ``page`` block, or a bare list)."""
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)], 1
    if not isinstance(data, dict):
        raise TypeError("expected a JSON object or list")
    records = data.get("content", data.get("items", data.get("results")))
    if not isinstance(records, list):
        raise ValueError("no 'content' list in the response")
    page = data.get("page") if isinstance(data.get("page"), dict) else data
    total = page.get("totalPages", 1)
    return [r for r in records if isinstance(r, dict)], int(total) if isinstance(total, int) else 1


def _label(value: Any) -> str | None:
    """A string from the API's label shapes: "x", {"description": "x"}, {"nl": "x"}, ..."""
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if isinstance(value, dict):
        for key in ("description", "nl", "name", "label", "value"):
            if key in value:
                found = _label(value[key])
                if found:
                    return found
    return None


def _values(entries: Any) -> list[str]:
    """Contact values, primary first: strings or {"value": ..., "primary": bool}."""
    if not isinstance(entries, list):
        return []
    ordered = sorted(entries, key=lambda e: not (isinstance(e, dict) and e.get("primary")))
    values = [_label(e if isinstance(e, str) else (e or {}).get("value")) for e in ordered]
    return [v for v in values if v]


def _address(entry: dict[str, Any]) -> PostalAddress | None:
    street = _label(entry.get("street")) or _label(entry.get("streetName"))
    number = _label(entry.get("number")) or _label(entry.get("houseNumber"))
    box = _label(entry.get("box")) or _label(entry.get("boxNumber"))
    municipality = entry.get("municipality")
    postal_code = _label(entry.get("postalCode"))
    city = _label(entry.get("city"))
    if isinstance(municipality, dict):
        postal_code = postal_code or _label(municipality.get("postalCode"))
        city = city or _label(municipality.get("name"))
    elif isinstance(municipality, str):
        city = city or municipality
    if not (street and postal_code and city):
        return None
    line = " ".join(filter(None, [street, number, f"bus {box}" if box else None]))
    return PostalAddress(street=line, postal_code=str(postal_code), city=city)


def _website(value: str) -> str | None:
    """An absolute http(s) URL: "www.x.be" gets https://, other schemes (javascript:) go."""
    has_scheme = re.match(r"[a-z][a-z0-9+.-]*:(?!\d)", value, re.I) is not None
    url = value if has_scheme else f"https://{value}"
    return absolute_url(url, url)


def record_to_service(
    record: dict[str, Any],
    source: SourceConfig,
    rubric: RubricConfig,
    retrieved: date,
    *,
    page_url: str = "",
) -> dict[str, Any]:
    """One API record as an HSDS service proposal.

    :raises ExtractionError: when the record has no id or no name.
    """
    raw_id = record.get("id")
    record_id = raw_id.get("id") if isinstance(raw_id, dict) else raw_id
    if record_id is None or record_id == "":
        raise ExtractionError("record without id")
    name = _label(record.get("name")) or _label(record.get("legalName"))
    if not name:
        raise ExtractionError(f"record {record_id} has no name")
    legal_name = _label(record.get("legalName")) or name
    kbo = None
    for key in ("enterpriseNumber", "kboNumber", "companyNumber"):
        kbo = kbo or (normalize_kbo(str(record[key])) if record.get(key) else None)
    if isinstance(raw_id, dict) and str(raw_id.get("authenticSource", "")).upper() == "KBO":
        kbo = kbo or normalize_kbo(str(record_id))
    contact = record.get("contactInfo") if isinstance(record.get("contactInfo"), dict) else {}
    websites = [w for w in (_website(v) for v in _values(contact.get("websites"))) if w]
    phones = [p for p in (normalize_phone(v) for v in _values(contact.get("phones"))) if p]
    emails = [e for e in (normalize_email(v) for v in _values(contact.get("emails"))) if e]
    activities = [a for a in (_label(x) for x in record.get("activities") or []) if a]
    description = _label(record.get("description")) or (
        "Activiteiten: " + ", ".join(activities) if activities else None
    )
    locations = []
    entries = [a for a in record.get("addresses") or [] if isinstance(a, dict)]
    for entry in sorted(entries, key=lambda a: not a.get("primary")):
        address = _address(entry)
        point = entry.get("location") if isinstance(entry.get("location"), dict) else {}
        if address is not None:
            locations.append(
                LocationDraft(
                    name=name,
                    addresses=[address],
                    latitude=_coordinate(point.get("lat")),
                    longitude=_coordinate(point.get("lon")),
                )
            )
    state = str(record.get("state") or "").lower()
    draft = ServiceDraft(
        name=name,
        description=description,
        url=websites[0] if websites else None,
        email=emails[0] if emails else None,
        phones=list(dict.fromkeys(phones)),
        locations=locations,
        organization=OrganizationDraft(
            name=legal_name, website=websites[0] if websites else None, kbo=kbo
        ),
        life_domains=[*source.life_domains, *rubric.life_domains],
        service_areas=list(source.service_areas),
        status="inactive" if state in _INACTIVE_STATES else "active",
    )
    return to_hsds(
        draft,
        key=f"{source.id}:{record_id}",
        source_url=page_url or source.base_url,
        retrieved=retrieved,
        method="api",
        source_id=source.id,
        extra_source={
            "record_id": str(record_id),
            "verified": bool(record.get("verified")),
            "rubric": rubric.rubric or None,
        },
    )


def _coordinate(value: Any) -> float | None:
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
