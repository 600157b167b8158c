"""What the service page shows, built from the HSDS document, its provenance and our points.

One builder for the HTML page and /api/v1/services/<id>. Missing data stays missing (None or an
empty list): the template says 'geen telefoonnummer bekend', nothing is guessed. Web links from the
catalogue pass `safe_link` here, so neither the page nor the JSON carries a 'javascript:' link.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

from directory.display import age_range, period_start
from directory.gazetteer import Gazetteer
from directory.opening_hours import (
    MONTH_NAMES,
    DayHours,
    is_public_holiday,
    opening_state_label,
    weekly_table,
)
from directory.reference import domain_labels, target_group_labels
from web.views.formatting import (
    language_name,
    safe_link,
    tel_href,
)

HOLIDAY_LOOKAHEAD_DAYS = 14
PRECISION_NOTES = {
    "municipality": "ligging bij benadering: centrum van de gemeente",
    "deelgemeente": "ligging bij benadering: centrum van de deelgemeente",
    "postcode": "ligging bij benadering: centrum van de postcode",
    "suspect": "ligging bij benadering: de coördinaten van de bron klopten niet",
}


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None = None


@dataclass(frozen=True)
class PhoneView:
    number: str
    href: str | None
    description: str | None


@dataclass(frozen=True)
class HoursView:
    """Weekly hours; `rows` empty when the source gives hours only as text (`texts`)."""

    rows: tuple[DayHours, ...]
    today: int
    texts: tuple[str, ...]
    state: str | None


@dataclass(frozen=True)
class LocationView:
    id: str
    name: str
    address: str | None
    lat: float | None
    lon: float | None
    precision_note: str | None
    hours: HoursView | None
    phones: tuple[PhoneView, ...]
    accessibility: tuple[str, ...]
    transportation: str | None
    description: str | None


@dataclass(frozen=True)
class SourceView:
    url: str | None
    source_date: str | None
    retrieved: str | None
    verified: str | None
    is_stale: bool
    warning: str | None
    also: tuple[Link, ...]
    note: str | None


@dataclass(frozen=True)
class ContactView:
    name: str | None
    title: str | None
    email: str | None
    phones: tuple[PhoneView, ...]


@dataclass(frozen=True)
class ServiceView:
    """Everything a referrer needs before picking up the phone."""

    id: str
    name: str
    alternate_name: str | None
    status: str
    description: str | None
    alert: str | None
    organization: Link
    organization_id: str | None
    organization_description: str | None
    organization_website: str | None
    domains: tuple[Link, ...]
    target_groups: tuple[Link, ...]
    ages: str | None
    eligibility: str | None
    application_process: str | None
    attending: tuple[str, ...]
    required_documents: tuple[Link, ...]
    wait_time: str | None
    fees: str | None
    cost_options: tuple[str, ...]
    phones: tuple[PhoneView, ...]
    email: str | None
    website: str | None
    contacts: tuple[ContactView, ...]
    languages: tuple[str, ...]
    interpretation: str | None
    accessibility: tuple[str, ...]
    towns: tuple[Link, ...]
    hours: HoursView | None
    holidays: tuple[str, ...]
    locations: tuple[LocationView, ...]
    source: SourceView

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _phones(items: list[dict] | None) -> tuple[PhoneView, ...]:
    phones = []
    for phone in items or []:
        number = _text(phone.get("number"))
        if number:
            phones.append(
                PhoneView(
                    number=number
                    + (f" (toestel {phone['extension']})" if phone.get("extension") else ""),
                    href=tel_href(number, _text(phone.get("extension"))),
                    description=_text(phone.get("description")),
                )
            )
    return tuple(phones)


def _address(location: dict) -> str | None:
    addresses = location.get("addresses") or []
    physical = [a for a in addresses if a.get("address_type") in (None, "physical")]
    address = (physical or addresses or [None])[0]
    if not address:
        return None
    street = ", ".join(
        t for t in (_text(address.get("address_1")), _text(address.get("address_2"))) if t
    )
    town = " ".join(t for t in (_text(address.get("postal_code")), _text(address.get("city"))) if t)
    return ", ".join(t for t in (street, town) if t) or None


def _hours(schedules: list[dict] | None, now: datetime) -> HoursView | None:
    schedules = [s for s in schedules or [] if isinstance(s, dict)]
    if not schedules:
        return None
    rows = tuple(weekly_table(schedules, on=now.date()))
    texts = []
    for schedule in schedules:
        for key in ("description", "notes"):
            text = _text(schedule.get(key))
            if text and text not in texts and (not rows or key == "notes"):
                texts.append(text)
    return HoursView(
        rows=rows,
        today=now.weekday(),
        texts=tuple(texts),
        state=opening_state_label(schedules, now),
    )


def _holidays(today: date) -> tuple[str, ...]:
    """Public holidays from today on, for the next two weeks ('25 december: Kerstmis')."""
    found = []
    for offset in range(HOLIDAY_LOOKAHEAD_DAYS + 1):
        day = today + timedelta(days=offset)
        name = is_public_holiday(day)
        if name:
            when = "vandaag" if offset == 0 else f"{day.day} {MONTH_NAMES[day.month - 1]}"
            found.append(f"{when}: {name}")
    return tuple(found)


def _towns(document: dict, gazetteer: Gazetteer, town_url: Any) -> tuple[Link, ...]:
    """Municipalities served: service areas (a region lists its towns), else location towns."""
    links: list[Link] = []
    seen: set[str] = set()

    def add(label: str, url: str | None, key: str) -> None:
        if key not in seen:
            seen.add(key)
            links.append(Link(label, url))

    for area in document.get("service_areas") or []:
        name = _text(area.get("name"))
        if not name:
            continue
        town = gazetteer.lookup(name)
        if town is not None:
            add(town.name_nl, town_url(town.slug), town.nis)
            continue
        members = gazetteer.region_municipalities(name)
        if members:
            for member in members:
                add(member.name_nl, town_url(member.slug), member.nis)
        else:
            add(name, None, f"text:{name}")
    if not links:
        for link in document.get("service_at_locations") or []:
            for address in (link.get("location") or {}).get("addresses") or []:
                town = gazetteer.lookup(
                    str(address.get("city") or address.get("postal_code") or "")
                )
                if town is not None:
                    add(town.name_nl, town_url(town.slug), town.nis)
    return tuple(links)


def stale_warning(age_days: int | None, stale_after_days: int) -> str | None:
    """The warning of an old or undated record, in Dutch; None when recent enough."""
    months = round(stale_after_days / 30.44)
    period = f"{months} maanden" if months >= 2 else f"{stale_after_days} dagen"
    if age_days is None:
        return (
            f"De bron vermeldt geen datum: deze gegevens kunnen ouder zijn dan {period}. "
            "Controleer ze voor je doorverwijst."
        )
    if age_days > stale_after_days:
        return f"Deze gegevens zijn ouder dan {period}: controleer ze voor je doorverwijst."
    return None


def _dutch_source_date(text: str | None) -> str | None:
    """Catalogue notes write 'undated (...)'; the page says it in Dutch."""
    if text and text.lower().startswith("undated"):
        return "niet gedateerd" + text[len("undated") :]
    return text


def _source(
    document: dict, provenance: Any | None, today: date, stale_after_days: int
) -> SourceView:
    x_source = document.get("x-source") if isinstance(document.get("x-source"), dict) else {}
    url = safe_link(getattr(provenance, "source_url", None)) or safe_link(x_source.get("url"))
    source_date = _text(getattr(provenance, "source_date", None)) or _text(
        x_source.get("source_date")
    )
    retrieved = _text(getattr(provenance, "retrieved_at", None)) or _text(x_source.get("retrieved"))
    verified = _text(getattr(provenance, "verified_at", None)) or _text(
        document.get("assured_date")
    )
    reference = period_start(verified) or period_start(source_date)
    age_days = (today - reference).days if reference else None
    warning = stale_warning(age_days, stale_after_days)
    also = tuple(
        Link(
            _dutch_source_date(_text(item.get("source_date"))) or "niet gedateerd",
            safe_link(item.get("url")),
        )
        for item in x_source.get("also") or []
        if isinstance(item, dict) and safe_link(item.get("url"))
    )
    return SourceView(
        url=url,
        source_date=_dutch_source_date(source_date),
        retrieved=retrieved,
        verified=verified,
        is_stale=warning is not None,
        warning=warning,
        also=also,
        note=_text(x_source.get("note")),
    )


def _cost_options(items: list[dict] | None) -> tuple[str, ...]:
    options = []
    for item in items or []:
        label = _text(item.get("option")) or "prijs"
        amount = item.get("amount")
        if amount is not None:
            value = "gratis" if amount == 0 else f"{amount:.2f} {item.get('currency') or 'EUR'}"
            options.append(f"{label}: {value.replace('.', ',')}")
        elif _text(item.get("amount_description")):
            options.append(f"{label}: {item['amount_description']}")
    return tuple(options)


def build_service_view(
    document: dict,
    *,
    provenance: Any | None,
    points: dict[str, tuple[float | None, float | None, str | None]],
    gazetteer: Gazetteer,
    now: datetime,
    stale_after_days: int,
    town_url: Any,
    organization_url: Any,
) -> ServiceView:
    """The page of one service. `points`: location id -> (lat, lon, precision) we derived."""
    domains, groups = domain_labels(), target_group_labels()
    codes: dict[str, list[str]] = {"levensdomein": [], "doelgroep": []}
    for attribute in document.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") in codes and term.get("code"):
            codes[term["taxonomy"]].append(term["code"])
    organization = document.get("organization") or {}
    org_id = _text(document.get("organization_id")) or _text(organization.get("id"))
    locations = []
    for link in document.get("service_at_locations") or []:
        location = link.get("location") or {}
        lat, lon, precision = points.get(location.get("id") or "", (None, None, None))
        if lat is None and location.get("latitude") is not None:
            lat, lon, precision = location.get("latitude"), location.get("longitude"), None
        locations.append(
            LocationView(
                id=str(location.get("id") or link.get("id")),
                name=_text(location.get("name")) or document.get("name") or "Locatie",
                address=_address(location),
                lat=lat,
                lon=lon,
                precision_note=PRECISION_NOTES.get(precision or ""),
                hours=_hours(link.get("schedules") or location.get("schedules"), now),
                phones=_phones((link.get("phones") or []) + (location.get("phones") or [])),
                accessibility=tuple(
                    t
                    for a in location.get("accessibility") or []
                    for t in (_text(a.get("description")), _text(a.get("details")))
                    if t
                ),
                transportation=_text(location.get("transportation")),
                description=_text(location.get("description")),
            )
        )
    schedules = document.get("schedules") or []
    attending = sorted(
        {
            {"in_person": "ter plaatse", "phone": "telefonisch", "online": "online"}.get(
                str(s.get("attending_type")), str(s.get("attending_type"))
            )
            for s in schedules
            if s.get("attending_type")
        }
    )
    languages = []
    for language in document.get("languages") or []:
        name = _text(language.get("name")) or language_name(str(language.get("code") or ""))
        if name:
            note = _text(language.get("note"))
            languages.append(f"{name} ({note})" if note else name)
    return ServiceView(
        id=document["id"],
        name=document.get("name") or "Naamloze dienst",
        alternate_name=_text(document.get("alternate_name")),
        status=str(document.get("status") or "active"),
        description=_text(document.get("description")),
        alert=_text(document.get("alert")),
        organization=Link(
            _text(organization.get("name")) or "Onbekende organisatie",
            organization_url(org_id) if org_id else None,
        ),
        organization_id=org_id,
        organization_description=_text(organization.get("description")),
        organization_website=safe_link(organization.get("website")),
        domains=tuple(Link(domains.get(c, c), c) for c in codes["levensdomein"]),
        target_groups=tuple(Link(groups.get(c, c), c) for c in codes["doelgroep"]),
        ages=age_range(document.get("minimum_age"), document.get("maximum_age")),
        eligibility=_text(document.get("eligibility_description")),
        application_process=_text(document.get("application_process")),
        attending=tuple(attending),
        required_documents=tuple(
            Link(_text(d.get("document")) or "document", safe_link(d.get("uri")))
            for d in document.get("required_documents") or []
        ),
        wait_time=_text(document.get("wait_time")),
        fees=_text(document.get("fees_description")) or _text(document.get("fees")),
        cost_options=_cost_options(document.get("cost_options")),
        phones=_phones(document.get("phones")),
        email=_text(document.get("email")),
        website=safe_link(document.get("url")),
        contacts=tuple(
            ContactView(
                name=_text(c.get("name")),
                title=_text(c.get("title")),
                email=_text(c.get("email")),
                phones=_phones(c.get("phones")),
            )
            for c in document.get("contacts") or []
        ),
        languages=tuple(languages),
        interpretation=_text(document.get("interpretation_services")),
        accessibility=tuple(a for loc in locations for a in loc.accessibility),
        towns=_towns(document, gazetteer, town_url),
        hours=_hours(schedules, now),
        holidays=_holidays(now.date()),
        locations=tuple(locations),
        source=_source(document, provenance, now.date(), stale_after_days),
    )
