"""The Whoosh schema and the pure mapping from an HSDS 3.0 full service dict to an index document.

Towns are resolved to current NIS codes through the gazetteer here, once, at indexing time.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, SchemaClass

from directory.gazetteer import Gazetteer, Municipality
from indexer.analysis import dutch_analyzer
from indexer.vocabulary import fold, stopwords, text_words

log = logging.getLogger(__name__)

# HSDS 3.0 statuses that are never shown in search results.
HIDDEN_STATUSES = frozenset({"inactive", "defunct"})
NO_MIN_AGE = 0
NO_MAX_AGE = 200
FREE_RE = re.compile(r"^\s*(gratis|kosteloos|free)\b", re.IGNORECASE)


class ServiceSchema(SchemaClass):
    """One document per searchable service. Lean stored fields: `payload` holds what a hit shows."""

    id = ID(unique=True, stored=True)
    name = TEXT(analyzer=dutch_analyzer(), phrase=False)  # name and alternate names
    # description, eligibility, fees and the organisation's name (one field: fewer term matchers)
    body = TEXT(analyzer=dutch_analyzer(), phrase=False)
    # Keyword fields are scorable only so that they get a length column: without one, Whoosh
    # 2.7 stats the column file once per posting while writing (a third of the build time).
    domains = KEYWORD(commas=True, lowercase=True, scorable=True)
    target_groups = KEYWORD(commas=True, lowercase=True, scorable=True)
    towns = KEYWORD(commas=True, scorable=True)  # NIS codes of the municipalities served
    located = KEYWORD(commas=True, scorable=True)  # NIS codes of its locations' municipalities
    organization_id = KEYWORD(scorable=True)
    languages = KEYWORD(commas=True, lowercase=True, scorable=True)
    free = KEYWORD(scorable=True)  # "t" (free of charge), "f" (not), absent (unknown)
    hours = KEYWORD(commas=True, scorable=True)  # directory.opening_hours.week_keys
    min_age = NUMERIC(int, bits=16, signed=False, sortable=True, default=NO_MIN_AGE)
    max_age = NUMERIC(int, bits=16, signed=False, sortable=True, default=NO_MAX_AGE)
    # Locations as "lat,lon;lat,lon" in integer micro-degrees (NUMERIC floats crash Whoosh).
    geo = COLUMN()
    sortname = COLUMN()
    payload = STORED()


@dataclass(frozen=True)
class Place:
    """A service location as shown in a hit."""

    name: str
    lat: float | None
    lon: float | None
    city: str | None


def is_searchable(service: dict) -> bool:
    """Inactive and defunct services are never indexed, so they are never returned."""
    return str(service.get("status") or "active").lower() not in HIDDEN_STATUSES


def _codes(service: dict, taxonomy: str) -> list[str]:
    codes = []
    for attribute in service.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") == taxonomy and term.get("code") and term["code"] not in codes:
            codes.append(term["code"])
    return codes


def _area_towns(name: str, gazetteer: Gazetteer) -> list[str]:
    """NIS codes an area name covers: a municipality (any form), or a region or province name."""
    municipality = gazetteer.lookup(name)
    if municipality is not None:
        return [municipality.nis]
    wanted = fold(name).strip()
    members = [
        m.nis
        for m in gazetteer.municipalities()
        if wanted in {fold(m.reference_region or ""), fold(m.province)}
    ]
    if wanted in {"vlaanderen", "vlaams gewest"}:
        members = [m.nis for m in gazetteer.municipalities()]
    if not members:
        log.warning("service area %r matches no municipality or region", name)
    return members


def _locations(service: dict, gazetteer: Gazetteer) -> list[tuple[Place, Municipality | None]]:
    places = []
    for link in service.get("service_at_locations") or []:
        location = link.get("location") or {}
        addresses = location.get("addresses") or []
        address = next(
            (a for a in addresses if a.get("address_type") in (None, "physical")),
            addresses[0] if addresses else {},
        )
        city, postcode = address.get("city"), address.get("postal_code")
        municipality = None
        for text in (city, postcode):
            if text and municipality is None:
                municipality = gazetteer.lookup(str(text))
        lat, lon = location.get("latitude"), location.get("longitude")
        if lat is None or lon is None:
            point = gazetteer.place_point(postcode, city)
            if point is None and municipality is not None:
                point = (municipality.lat, municipality.lon)
            lat, lon = point if point else (None, None)
        name = location.get("name") or service.get("name") or ""
        places.append((Place(name, lat, lon, city), municipality))
    return places


def spelling_words(document: dict) -> set[str]:
    """Distinct surface words (folded) of a document that typo correction may propose."""
    stops = stopwords()
    words = text_words(document["name"] + "\n" + document["body"])
    return {w for w in words if len(w) >= 4 and w.isalpha()} - stops


def _is_free(service: dict) -> bool | None:
    fees = service.get("fees_description") or ""
    if FREE_RE.match(fees):
        return True
    amounts = [o.get("amount") for o in service.get("cost_options") or []]
    if amounts and all(a == 0 for a in amounts if a is not None):
        return True
    if fees or amounts:
        return False
    return None


def _alternate_names(service: dict) -> list[str]:
    names = [service.get("alternate_name") or ""]
    names.extend(service.get("x-alternate_names") or [])
    return [n for n in names if n]


def service_to_document(
    service: dict, gazetteer: Gazetteer, week_keys: list[str] | None = None
) -> dict:
    """Index document of one service (pure: same service and gazetteer, same document).

    A service serves the towns its service areas cover; without service areas, the towns it is
    located in. `week_keys` are its opening-hours keys, None when it publishes no hours.
    """
    organization = service.get("organization") or {}
    places = _locations(service, gazetteer)
    located = sorted({m.nis for _, m in places if m is not None})
    served: set[str] = set()
    for area in service.get("service_areas") or []:
        if area.get("name"):
            served.update(_area_towns(area["name"], gazetteer))
    towns = sorted(served) if served else located
    spoken = {(lang.get("code") or "").lower() for lang in service.get("languages") or []}
    languages = sorted(code for code in spoken if code) or ["nl"]
    domains = _codes(service, "levensdomein")
    groups = _codes(service, "doelgroep")
    names = [service.get("name") or "", *_alternate_names(service)]
    description = service.get("description") or ""
    body = [description, service.get("eligibility_description") or ""]
    body += [service.get("fees_description") or "", organization.get("name") or ""]
    coords = [
        f"{round(p.lat * 1e6)},{round(p.lon * 1e6)}"
        for p, _ in places
        if p.lat is not None and p.lon is not None
    ]
    payload = {
        "name": service.get("name") or "",
        "organization": organization.get("name") or "",
        "organization_id": service.get("organization_id") or organization.get("id") or "",
        "description": description,
        "domains": domains,
        "target_groups": groups,
        "municipalities": towns,
        "locations": [[p.name, p.lat, p.lon, p.city] for p, _ in places],
    }
    free = _is_free(service)
    document = {
        "id": service["id"],
        "name": "\n".join(names),
        "body": "\n".join(t for t in body if t),
        "domains": ",".join(domains),
        "target_groups": ",".join(groups),
        "towns": ",".join(towns),
        "located": ",".join(located),
        "organization_id": payload["organization_id"],
        "languages": ",".join(languages),
        "hours": ",".join(week_keys or []),
        "min_age": _age(service.get("minimum_age"), NO_MIN_AGE),
        "max_age": _age(service.get("maximum_age"), NO_MAX_AGE),
        "geo": ";".join(coords).encode("ascii"),
        "sortname": fold(service.get("name") or "").encode("utf-8"),
        "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
    }
    if free is not None:
        document["free"] = "t" if free else "f"
    return document


def _age(value: object, default: int) -> int:
    try:
        age = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return min(max(age, NO_MIN_AGE), NO_MAX_AGE)
