"""Scraped service drafts and their conversion to HSDS 3.0 full-service dicts with stable ids.

Drafts are the working form every extractor fills; only to_hsds() output leaves the package.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from directory.reference import taxonomy, taxonomy_id, term_id
from scrapers.heuristics import Phone, PostalAddress, address_key, fold, province_for_postcode
from scrapers.page import absolute_url

__all__ = [
    "NAMESPACE",
    "REQUIRABLE_FIELDS",
    "LocationDraft",
    "OrganizationDraft",
    "ServiceDraft",
    "stable_id",
    "to_hsds",
]

# uuid5 namespace of scraped records: the same source key always gives the same ids.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/socialekaart/scrapers")
KBO_SCHEME = "BE-BCE_KBO"  # org-id.guide code for the Crossroads Bank for Enterprises

REQUIRABLE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "phones",
    "address",
    "hours",
    "organization",
)


def stable_id(*parts: str) -> str:
    """A uuid5 from key parts, so re-scraping the same thing gives the same id."""
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


@dataclass
class LocationDraft:
    """A place where the service is offered, with its own phones and hours when it has them."""

    name: str | None = None
    addresses: list[PostalAddress] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    phones: list[Phone] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class OrganizationDraft:
    """The organisation that offers the service."""

    name: str | None = None
    description: str | None = None
    website: str | None = None
    email: str | None = None
    kbo: str | None = None


@dataclass
class ServiceDraft:
    """Everything found about one service on a page, before ids are assigned."""

    name: str | None = None
    description: str | None = None
    url: str | None = None
    email: str | None = None
    phones: list[Phone] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    locations: list[LocationDraft] = field(default_factory=list)
    organization: OrganizationDraft = field(default_factory=OrganizationDraft)
    application_process: str | None = None
    fees_description: str | None = None
    eligibility_description: str | None = None
    service_areas: list[str] = field(default_factory=list)
    life_domains: list[str] = field(default_factory=list)
    status: str = "active"
    # Fields a fallback filled in, e.g. "phones: heuristics", so reviewers know what to check.
    derived_fields: list[str] = field(default_factory=list)

    def missing(self, required: tuple[str, ...] | list[str]) -> list[str]:
        """The required fields (names from REQUIRABLE_FIELDS) this draft lacks."""
        present = {
            "name": bool(self.name),
            "description": bool(self.description),
            "url": bool(self.url),
            "email": bool(self.email),
            "phones": bool(self.phones) or any(loc.phones for loc in self.locations),
            "address": any(loc.addresses for loc in self.locations),
            "hours": bool(self.schedules) or any(loc.schedules for loc in self.locations),
            "organization": bool(self.organization.name),
        }
        return [name for name in required if not present.get(name, False)]


def to_hsds(
    draft: ServiceDraft,
    *,
    key: str,
    source_url: str,
    retrieved: date,
    method: str,
    source_id: str | None = None,
    source_date: str | None = None,
    extra_source: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The HSDS 3.0 full service dict for a draft, with ``x-source`` provenance.

    :param key: what identifies this service within its source (a record id or a page URL);
        ids are uuid5 of it, so a re-scrape proposes changes to the same record.
    """
    domains = {item["code"]: item for item in taxonomy()["levensdomein"]}
    service_id = stable_id("service", key)
    org = draft.organization
    org_key = org.kbo or (fold(org.name) if org.name else f"{key}/organization")
    org_id = stable_id("organization", org_key)
    service: dict[str, Any] = {
        "id": service_id,
        "organization_id": org_id,
        "name": draft.name or "",
    }
    # Links are checked here again, whichever adapter made the draft: only absolute http(s) URLs
    # reach the catalogue (never javascript: or data:).
    texts = {
        "description": draft.description,
        "url": absolute_url(source_url, draft.url),
        "email": draft.email,
        "application_process": draft.application_process,
        "fees_description": draft.fees_description,
        "eligibility_description": draft.eligibility_description,
    }
    service.update({name: value for name, value in texts.items() if value})
    service["status"] = draft.status
    service["phones"] = _phones(draft.phones, "service_id", service_id)
    service["schedules"] = _schedules(draft.schedules, "service_id", service_id)
    service["service_areas"] = [
        {"id": stable_id(service_id, "area", fold(area)), "service_id": service_id, "name": area}
        for area in dict.fromkeys(draft.service_areas)
    ]
    service["service_at_locations"] = [
        _service_at_location(loc, index, service_id, org_id, draft.name or "")
        for index, loc in enumerate(draft.locations)
    ]
    organization: dict[str, Any] = {
        "id": org_id,
        "name": org.name or "",
        "description": org.description or "",
    }
    website = absolute_url(source_url, org.website)
    if website:
        organization["website"] = website
    if org.email:
        organization["email"] = org.email
    if org.kbo:
        organization["organization_identifiers"] = [
            {
                "id": stable_id(org_id, "kbo"),
                "organization_id": org_id,
                "identifier_scheme": KBO_SCHEME,
                "identifier_type": "KBO-nummer",
                "identifier": org.kbo,
            }
        ]
    service["organization"] = organization
    service["attributes"] = [
        _life_domain_attribute(domains[code], service_id)
        for code in dict.fromkeys(draft.life_domains)
        if code in domains
    ]
    provenance: dict[str, Any] = {
        "url": source_url,
        "retrieved": retrieved.isoformat(),
        "method": method,
        "source": source_id,
    }
    if source_date:
        provenance["source_date"] = source_date
    if draft.derived_fields:
        provenance["derived_fields"] = list(dict.fromkeys(draft.derived_fields))
    provenance.update(extra_source or {})
    service["x-source"] = provenance
    return service


def _phones(phones: list[Phone], parent_key: str, parent_id: str) -> list[dict[str, Any]]:
    return [
        {
            "id": stable_id(parent_id, "phone", phone.e164),
            parent_key: parent_id,
            "number": phone.number,
            "type": phone.type,
            "x-e164": phone.e164,
        }
        for phone in dict.fromkeys(phones)
    ]


def _schedules(
    schedules: list[dict[str, Any]], parent_key: str, parent_id: str
) -> list[dict[str, Any]]:
    out = []
    for index, schedule in enumerate(schedules):
        content = "|".join(
            str(schedule.get(k, "")) for k in ("freq", "byday", "opens_at", "closes_at")
        )
        out.append(
            {"id": stable_id(parent_id, "schedule", str(index), content), parent_key: parent_id}
            | schedule
        )
    return out


def _service_at_location(
    location: LocationDraft, index: int, service_id: str, org_id: str, service_name: str
) -> dict[str, Any]:
    first = location.addresses[0] if location.addresses else None
    place = address_key(first.street, first.postal_code) if first else f"{index}"
    place_key = fold(location.name or "") + "|" + place
    location_id = stable_id(org_id, "location", place_key)
    sal_id = stable_id(service_id, "at", location_id)
    hsds_location: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "name": location.name or service_name,
        "organization_id": org_id,
    }
    if location.latitude is not None and location.longitude is not None:
        hsds_location["latitude"] = location.latitude
        hsds_location["longitude"] = location.longitude
    hsds_location["addresses"] = [
        {
            "id": stable_id(location_id, "address", address_key(a.street, a.postal_code)),
            "location_id": location_id,
            "address_1": a.street,
            "city": a.city,
            "state_province": province_for_postcode(a.postal_code) or "",
            "postal_code": a.postal_code,
            "country": a.country,
            "address_type": "physical",
        }
        for a in dict.fromkeys(location.addresses)
    ]
    sal: dict[str, Any] = {
        "id": sal_id,
        "service_id": service_id,
        "location_id": location_id,
        "location": hsds_location,
    }
    if location.phones:
        sal["phones"] = _phones(location.phones, "service_at_location_id", sal_id)
    if location.schedules:
        sal["schedules"] = _schedules(location.schedules, "service_at_location_id", sal_id)
    return sal


def _life_domain_attribute(domain: dict[str, Any], service_id: str) -> dict[str, Any]:
    """A "levensdomein" attribute whose term ids are the catalogue's own (directory.reference)."""
    code = domain["code"]
    identifier = term_id("levensdomein", code)
    return {
        "id": stable_id(service_id, "attribute", identifier),
        "link_id": service_id,
        "link_type": "levensdomein",
        "link_entity": "service",
        "taxonomy_term_id": identifier,
        "taxonomy_term": {
            "id": identifier,
            "code": code,
            "name": domain["label"],
            "description": domain.get("description") or domain["label"],
            "taxonomy": "levensdomein",
            "taxonomy_id": taxonomy_id("levensdomein"),
            "language": "nl",
        },
    }
