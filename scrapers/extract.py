"""Structured data on a page: schema.org JSON-LD and microdata turned into service drafts.

Reads Organization, GovernmentService, LocalBusiness, PostalAddress, ContactPoint and
OpeningHoursSpecification. JSON-LD is parsed per script so one broken block does not hide the rest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import extruct
from bs4 import BeautifulSoup

from scrapers.heuristics import (
    Phone,
    PostalAddress,
    find_addresses,
    normalize_email,
    normalize_kbo,
    normalize_phone,
)
from scrapers.hours import SCHEMA_DAYS, WEEK, parse_schema_org_hours
from scrapers.page import absolute_url
from scrapers.records import LocationDraft, OrganizationDraft, ServiceDraft

__all__ = ["StructuredDraft", "jsonld_items", "microdata_items", "structured_drafts"]

SERVICE_TYPES = frozenset(
    {"Service", "GovernmentService", "BroadcastService", "CableOrSatelliteService"}
)
# Organization, LocalBusiness and the subtypes social-map pages use.
ORGANIZATION_TYPES = frozenset(
    {
        "Organization",
        "GovernmentOrganization",
        "NGO",
        "LocalBusiness",
        "GovernmentOffice",
        "MedicalOrganization",
        "MedicalClinic",
        "Hospital",
        "Physician",
        "Dentist",
        "Pharmacy",
        "EducationalOrganization",
        "School",
        "ChildCare",
        "Library",
        "EmergencyService",
        "PoliceStation",
        "FinancialService",
        "ProfessionalService",
        "LegalService",
        "Attorney",
        "Notary",
        "EmploymentAgency",
        "SportsOrganization",
        "PerformingGroup",
        "Corporation",
        "Consortium",
        "CivicStructure",
        "Place",
    }
)
_WRAPPERS = frozenset({"WebPage", "ItemPage", "AboutPage", "ContactPage", "CollectionPage"})
_DAY_NL = {
    "MO": "maandag",
    "TU": "dinsdag",
    "WE": "woensdag",
    "TH": "donderdag",
    "FR": "vrijdag",
    "SA": "zaterdag",
    "SU": "zondag",
}


@dataclass(frozen=True)
class StructuredDraft:
    """A draft built from one schema.org entity, and how it was found."""

    method: str  # "json-ld" or "microdata"
    draft: ServiceDraft
    is_service: bool
    date_modified: str | None = None


def jsonld_items(soup: BeautifulSoup) -> list[dict[str, Any]]:
    """All JSON-LD objects on the page, ``@graph`` flattened; unreadable blocks are skipped."""
    items: list[dict[str, Any]] = []
    for script in soup.find_all("script", attrs={"type": re.compile(r"ld\+json", re.I)}):
        raw = script.string or script.get_text()
        raw = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", raw.strip())
        try:
            data = json.loads(raw, strict=False)
        except ValueError:
            continue
        items.extend(_flatten(data))
    return items


def _flatten(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _flatten(entry)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _flatten(data["@graph"])
        if "@type" in data:
            yield data


def microdata_items(html: str, url: str) -> list[dict[str, Any]]:
    """Microdata items in JSON-LD shape (via extruct); [] when there are none or on bad markup."""
    if "itemscope" not in html:
        return []
    try:
        result = extruct.extract(
            html.encode("utf-8"),
            base_url=url,
            encoding="UTF-8",
            syntaxes=["microdata"],
            uniform=True,
            errors="ignore",
        )
    except Exception:  # noqa: BLE001 - extruct/lxml raise many types on hostile markup
        return []
    return [item for item in result.get("microdata", []) if isinstance(item, dict)]


def structured_drafts(soup: BeautifulSoup, html: str, url: str) -> list[StructuredDraft]:
    """One draft per top-level service or organisation entity, services first."""
    found: list[StructuredDraft] = []
    for method, items in (
        ("json-ld", jsonld_items(soup)),
        ("microdata", microdata_items(html, url)),
    ):
        index = {str(item["@id"]): item for item in items if isinstance(item.get("@id"), str)}
        date_modified = next(
            (_text(item.get("dateModified")) for item in items if item.get("dateModified")), None
        )
        referenced = {
            str(value["@id"])
            for item in items
            for value in item.values()
            if isinstance(value, dict) and isinstance(value.get("@id"), str)
        }
        for item in items:
            entity = _main_entity(item, index)
            if entity is None:
                continue
            types = _types(entity)
            if types & SERVICE_TYPES:
                draft = _service_draft(entity, index)
                found.append(StructuredDraft(method, draft, True, date_modified))
            elif types & ORGANIZATION_TYPES and (
                entity is not item or str(entity.get("@id")) not in referenced
            ):
                found.append(
                    StructuredDraft(
                        method, _organization_draft(entity, index), False, date_modified
                    )
                )
    found.sort(key=lambda s: not s.is_service)
    for structured in found:
        # A JSON-LD "url" may be relative, or javascript:/data: on a hostile page.
        structured.draft.url = absolute_url(url, structured.draft.url)
        organization = structured.draft.organization
        organization.website = absolute_url(url, organization.website)
    return [s for s in found if s.draft.name]


def _main_entity(item: dict[str, Any], index: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The entity a page wrapper (WebPage) is about, or the item itself."""
    if _types(item) & _WRAPPERS:
        inner = _resolve(item.get("mainEntity") or item.get("about"), index)
        return inner if isinstance(inner, dict) else None
    return item


def _resolve(value: Any, index: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in index:
        return index[value["@id"]]
    return value


def _types(item: dict[str, Any]) -> set[str]:
    raw = item.get("@type", [])
    values = raw if isinstance(raw, list) else [raw]
    return {re.split(r"[/#:]", str(v))[-1] for v in values}


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    """A plain string from a schema.org value: a string, ``{"@value": ...}``, a named thing."""
    for entry in _list(value):
        if isinstance(entry, str | int | float) and str(entry).strip():
            return " ".join(str(entry).split())
        if isinstance(entry, dict):
            inner = entry.get("@value") or entry.get("name")
            if inner:
                return _text(inner)
    return None


def _phones(value: Any) -> list[Phone]:
    phones = []
    for entry in _list(value):
        text = _text(entry)
        phone = normalize_phone(text) if text else None
        if phone:
            phones.append(phone)
    return phones


def _email(value: Any) -> str | None:
    text = _text(value)
    return normalize_email(text) if text else None


def _address(value: Any) -> PostalAddress | None:
    if isinstance(value, str):
        found = find_addresses(value)
        return found[0] if found else None
    if not isinstance(value, dict):
        return None
    street = _text(value.get("streetAddress"))
    postal_code = _text(value.get("postalCode"))
    city = _text(value.get("addressLocality"))
    if street and postal_code and city:
        country = (_text(value.get("addressCountry")) or "BE").strip()
        if country.lower() in {"be", "bel", "belgië", "belgie", "belgium", "belgique"}:
            country = "BE"
        return PostalAddress(street=street, postal_code=postal_code, city=city, country=country)
    joined = ", ".join(filter(None, [street, f"{postal_code or ''} {city or ''}".strip()]))
    found = find_addresses(joined)
    return found[0] if found else None


def _schedules(entity: dict[str, Any], *keys: str) -> list[dict[str, Any]]:
    schedules: list[dict[str, Any]] = []
    for key in keys:
        for entry in _list(entity.get(key)):
            if isinstance(entry, str):
                # Dutch descriptions are generated below, like those of OpeningHoursSpecification.
                parsed = parse_schema_org_hours(entry)
                schedules.extend({k: v for k, v in p.items() if k != "description"} for p in parsed)
            elif isinstance(entry, dict):
                schedules.extend(_hours_spec([entry]))
    return _merge_days(schedules)


def _hours_spec(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """OpeningHoursSpecification entries to WEEKLY schedules, one per day."""
    schedules = []
    for spec in specs:
        opens, closes = _clock(spec.get("opens")), _clock(spec.get("closes"))
        for day in _list(spec.get("dayOfWeek")):
            # "https://schema.org/Monday", "Monday" or "Mo"
            code = SCHEMA_DAYS.get(re.split(r"[/#:]", _text(day) or "")[-1].lower())
            if code and opens and closes:
                schedules.append(
                    {"freq": "WEEKLY", "byday": code, "opens_at": opens, "closes_at": closes}
                )
    return schedules


def _merge_days(schedules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Join days with the same hours ("MO 09:00-12:00" + "TU 09:00-12:00" -> "MO,TU")."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for schedule in schedules:
        slot = (schedule.get("freq"), schedule.get("opens_at"), schedule.get("closes_at"))
        if slot in merged:
            days = set(merged[slot]["byday"].split(",")) | set(schedule["byday"].split(","))
            merged[slot]["byday"] = ",".join(d for d in WEEK if d in days)
        else:
            merged[slot] = dict(schedule)
    for schedule in merged.values():
        days = ", ".join(_DAY_NL[d] for d in schedule["byday"].split(",") if d in _DAY_NL)
        schedule.setdefault(
            "description", f"{days} van {schedule['opens_at']} tot {schedule['closes_at']}"
        )
    return list(merged.values())


def _clock(value: Any) -> str | None:
    match = re.match(r"(\d{1,2}):(\d{2})", _text(value) or "")
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def _kbo(entity: dict[str, Any]) -> str | None:
    for key in ("taxID", "vatID", "identifier", "leiCode"):
        for entry in _list(entity.get(key)):
            value = entry.get("value") if isinstance(entry, dict) else entry
            kbo = normalize_kbo(str(value)) if value else None
            if kbo:
                return kbo
    return None


def _location(entity: dict[str, Any], index: dict[str, dict[str, Any]]) -> LocationDraft | None:
    """A location from a Place / LocalBusiness / PostalAddress entity."""
    entity = _resolve(entity, index)
    if isinstance(entity, str):
        address = _address(entity)
        return LocationDraft(addresses=[address]) if address else None
    if not isinstance(entity, dict):
        return None
    if "PostalAddress" in _types(entity):
        address = _address(entity)
        return LocationDraft(addresses=[address]) if address else None
    address = _address(_resolve(entity.get("address"), index))
    geo = entity.get("geo") if isinstance(entity.get("geo"), dict) else {}
    location = LocationDraft(
        name=_text(entity.get("name")),
        addresses=[address] if address else [],
        latitude=_float(geo.get("latitude")),
        longitude=_float(geo.get("longitude")),
        phones=_phones(entity.get("telephone")),
        schedules=_schedules(entity, "openingHoursSpecification", "openingHours"),
    )
    if not (location.addresses or location.latitude is not None):
        return None
    return location


def _float(value: Any) -> float | None:
    try:
        return float(_text(value) or "")
    except ValueError:
        return None


def _organization(entity: Any, index: dict[str, dict[str, Any]]) -> OrganizationDraft:
    entity = _resolve(entity, index)
    if isinstance(entity, str):
        return OrganizationDraft(name=entity)
    if not isinstance(entity, dict):
        return OrganizationDraft()
    return OrganizationDraft(
        name=_text(entity.get("legalName")) or _text(entity.get("name")),
        description=_text(entity.get("description")),
        website=_text(entity.get("url")),
        email=_email(entity.get("email")),
        kbo=_kbo(entity),
    )


def _contact_points(draft: ServiceDraft, value: Any, index: dict[str, dict[str, Any]]) -> None:
    for point in _list(value):
        point = _resolve(point, index)
        if not isinstance(point, dict):
            continue
        draft.phones.extend(p for p in _phones(point.get("telephone")) if p not in draft.phones)
        draft.email = draft.email or _email(point.get("email"))
        draft.schedules.extend(_schedules(point, "hoursAvailable"))


def _areas(value: Any) -> list[str]:
    return [name for name in (_text(v) for v in _list(value)) if name]


def _organization_draft(entity: dict[str, Any], index: dict[str, dict[str, Any]]) -> ServiceDraft:
    """A LocalBusiness or Organization read as the service it offers at its own address."""
    parent = entity.get("parentOrganization")
    organization = _organization(parent, index) if parent else _organization(entity, index)
    organization.kbo = organization.kbo or _kbo(entity)
    draft = ServiceDraft(
        name=_text(entity.get("name")),
        description=_text(entity.get("description")),
        url=_text(entity.get("url")),
        email=_email(entity.get("email")),
        phones=_phones(entity.get("telephone")),
        schedules=_schedules(entity, "openingHoursSpecification", "openingHours"),
        organization=organization,
        service_areas=_areas(entity.get("areaServed")),
    )
    _contact_points(draft, entity.get("contactPoint"), index)
    own = _location({k: v for k, v in entity.items() if k not in {"telephone"}}, index)
    if own is not None:
        own.schedules = []  # the service-level schedules above already hold them
        draft.locations.append(own)
    for key in ("location", "department", "subOrganization"):
        for entry in _list(entity.get(key)):
            location = _location(entry, index)
            if location is not None and location.addresses not in [
                loc.addresses for loc in draft.locations
            ]:
                draft.locations.append(location)
    return draft


def _service_draft(entity: dict[str, Any], index: dict[str, dict[str, Any]]) -> ServiceDraft:
    """A (Government)Service with its provider, channels and hours."""
    provider = _resolve(entity.get("provider") or entity.get("serviceOperator"), index)
    draft = ServiceDraft(
        name=_text(entity.get("name")),
        description=_text(entity.get("description")),
        url=_text(entity.get("url")),
        organization=_organization(provider, index),
        schedules=_schedules(entity, "hoursAvailable"),
        service_areas=_areas(entity.get("areaServed")),
    )
    audience = _resolve(entity.get("audience"), index)
    if isinstance(audience, dict):
        draft.eligibility_description = _text(audience.get("description")) or _text(
            audience.get("audienceType")
        )
    if entity.get("isAccessibleForFree") in {True, "true", "True"}:
        draft.fees_description = "Gratis"
    for channel in _list(entity.get("availableChannel")):
        channel = _resolve(channel, index)
        if not isinstance(channel, dict):
            continue
        draft.url = draft.url or _text(channel.get("serviceUrl"))
        _contact_points(draft, channel.get("servicePhone"), index)
        for place in _list(channel.get("serviceLocation")):
            location = _location(place, index)
            if location is not None:
                draft.locations.append(location)
    if isinstance(provider, dict):
        draft.phones = draft.phones or _phones(provider.get("telephone"))
        draft.email = draft.email or _email(provider.get("email"))
        _contact_points(draft, provider.get("contactPoint"), index)
        if not draft.locations:
            location = _location(provider, index)
            if location is not None:
                draft.schedules = draft.schedules or location.schedules
                location.schedules = []
                draft.locations.append(location)
    return draft
