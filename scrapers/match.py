"""Matching scraped services to catalogue ones and diffing them field by field (pure functions).

Proposals only: nothing here writes. Works on HSDS full-service dicts on both sides.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from rapidfuzz import fuzz

from directory.changes import REVIEWABLE_FIELDS
from scrapers.heuristics import address_key, fold, normalize_kbo, normalize_phone

__all__ = [
    "Comparison",
    "FieldChange",
    "Match",
    "ServiceIndex",
    "compare_service",
    "diff_service",
    "match_service",
]

NAME_THRESHOLD = 90.0  # name alone must be this close (rapidfuzz token_sort_ratio, 0-100)
SHARED_KEY_THRESHOLD = 60.0  # with the same KBO number or address, a looser name match will do
_NOISE_WORDS_RE = re.compile(r"\b(?:vzw|v\.z\.w\.?|asbl|bv|nv|cvba)\b")


@dataclass(frozen=True)
class Match:
    """Which catalogue service a scraped one is, and on what grounds."""

    service_id: str
    method: str  # "id" | "kbo" | "address" | "name"
    score: float  # name similarity 0-100


@dataclass(frozen=True)
class FieldChange:
    """One proposed change; ``old``/``new`` are JSON-ready (lists for phones, addresses, ...)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Comparison:
    """A scraped service against the catalogue: "new", "changed" or "unchanged"."""

    status: str
    match: Match | None
    changes: tuple[FieldChange, ...]


def _name(text: str | None) -> str:
    value = _NOISE_WORDS_RE.sub(" ", fold(text or ""))
    return " ".join(re.sub(r"[^\w]+", " ", value).split())


def _similarity(a: str, b: str) -> float:
    """Whole-name similarity: "Budgetbegeleiding Veurne" is not "Budgetbegeleiding Poperinge"."""
    return float(fuzz.token_sort_ratio(a, b)) if a and b else 0.0


def _overlap(a: str, b: str) -> float:
    """Similarity that forgives extra words: "Onthaal" is "Onthaal volwassenen" at the same CAW."""
    return float(fuzz.token_set_ratio(a, b)) if a and b else 0.0


def _kbos(service: dict[str, Any]) -> set[str]:
    org = service.get("organization") or {}
    found = set()
    for ident in org.get("organization_identifiers") or []:
        kbo = normalize_kbo(str(ident.get("identifier", "")))
        if kbo:
            found.add(kbo)
    return found


def _addresses(service: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        address
        for sal in service.get("service_at_locations") or []
        for address in (sal.get("location") or {}).get("addresses") or []
    ]


def _address_keys(service: dict[str, Any]) -> set[str]:
    return {_hsds_address_key(a) for a in _addresses(service) if a.get("address_1")}


def _places(service: dict[str, Any]) -> set[str]:
    return {str(a.get("postal_code") or fold(a.get("city") or "")) for a in _addresses(service)}


@dataclass(frozen=True)
class _Entry:
    """A catalogue service with what matching compares, computed once."""

    service: dict[str, Any]
    name: str
    places: frozenset[str]


class ServiceIndex:
    """The catalogue's services indexed by id, KBO number and address; build once per run."""

    def __init__(self, existing: Iterable[dict[str, Any]]) -> None:
        self.services = list(existing)
        self._by_id = {s["id"]: s for s in self.services if s.get("id")}
        self._by_kbo: dict[str, list[_Entry]] = defaultdict(list)
        self._by_address: dict[str, list[_Entry]] = defaultdict(list)
        self._entries = [
            _Entry(s, _name(s.get("name")), frozenset(_places(s))) for s in self.services
        ]
        for entry in self._entries:
            for kbo in _kbos(entry.service):
                self._by_kbo[kbo].append(entry)
            for key in _address_keys(entry.service):
                self._by_address[key].append(entry)

    def get(self, service_id: str) -> dict[str, Any] | None:
        """The catalogue service with this id."""
        return self._by_id.get(service_id)

    def match(self, scraped: dict[str, Any]) -> Match | None:
        """Best catalogue match: same id, then same KBO, then same address, then a close name."""
        if scraped.get("id") in self._by_id:
            return Match(scraped["id"], "id", 100.0)
        name = _name(scraped.get("name"))
        for method, candidates in (
            ("kbo", [e for kbo in _kbos(scraped) for e in self._by_kbo.get(kbo, [])]),
            ("address", [e for k in _address_keys(scraped) for e in self._by_address.get(k, [])]),
        ):
            unique = list({e.service["id"]: e for e in candidates}.values())
            if not unique:
                continue
            if method == "kbo" and len(unique) == 1:
                only = unique[0]
                return Match(only.service["id"], method, _similarity(name, only.name))
            best = self._best(name, unique, SHARED_KEY_THRESHOLD, lenient=True)
            if best is not None:
                return Match(best[1]["id"], method, best[0])
        places = frozenset(_places(scraped))
        # The same name in another town is another service (17 towns have a "Sociaal Huis").
        compatible = [
            e for e in self._entries if not (places and e.places and not places & e.places)
        ]
        best = self._best(name, compatible, NAME_THRESHOLD, lenient=False)
        return Match(best[1]["id"], "name", best[0]) if best else None

    @staticmethod
    def _best(
        name: str, candidates: list[_Entry], threshold: float, *, lenient: bool
    ) -> tuple[float, dict[str, Any]] | None:
        """Best candidate at or above threshold; None on a tie (ambiguous).

        ``lenient`` ranks by word overlap first (same KBO or address already agree), whole-name
        similarity breaking ties; otherwise whole-name similarity alone decides.
        """
        scored = []
        for entry in candidates:
            whole = _similarity(name, entry.name)
            if not lenient and whole < threshold:
                continue
            rank = (_overlap(name, entry.name), whole) if lenient else (whole, whole)
            scored.append((rank, entry.service))
        scored.sort(key=lambda pair: pair[0], reverse=True)
        if not scored or scored[0][0][0] < threshold:
            return None
        if len(scored) > 1 and scored[1][0] == scored[0][0]:
            return None
        return scored[0][0][0], scored[0][1]


def match_service(
    scraped: dict[str, Any], existing: Iterable[dict[str, Any]] | ServiceIndex
) -> Match | None:
    """The catalogue service a scraped one corresponds to, or None when it looks new.

    Pass a ServiceIndex when matching many records against the same catalogue.
    """
    index = existing if isinstance(existing, ServiceIndex) else ServiceIndex(existing)
    return index.match(scraped)


# --- diff -------------------------------------------------------------------------------------


def _squash(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _url(value: Any) -> str:
    text = _squash(value)
    if not text:
        return ""
    parts = urlsplit(text)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/')}" + (
        f"?{parts.query}" if parts.query else ""
    )


def _phones(service: dict[str, Any]) -> list[dict[str, Any]]:
    return list(service.get("phones") or [])


def _phone_key(phone: dict[str, Any]) -> str:
    number = str(phone.get("number") or "")
    parsed = normalize_phone(number)
    return parsed.e164 if parsed else re.sub(r"\D", "", number)


def _schedules(service: dict[str, Any]) -> list[dict[str, Any]]:
    return list(service.get("schedules") or [])


def _schedule_key(schedule: dict[str, Any]) -> tuple[str, ...]:
    slot = tuple(str(schedule.get(k) or "") for k in ("freq", "byday", "opens_at", "closes_at"))
    # A schedule without days or times is only its description ("enkel op afspraak").
    return slot if any(slot[1:]) else (*slot, _squash(schedule.get("description")).lower())


def _plain_schedule(schedule: dict[str, Any]) -> dict[str, Any]:
    drop = {"id", "service_id", "location_id", "service_at_location_id"}
    return {k: v for k, v in schedule.items() if k not in drop}


def _life_domains(service: dict[str, Any]) -> list[str]:
    codes = []
    for attribute in service.get("attributes") or []:
        term = attribute.get("taxonomy_term") or {}
        if term.get("taxonomy") == "levensdomein" and term.get("code"):
            codes.append(term["code"])
    return sorted(set(codes))


def _areas(service: dict[str, Any]) -> list[str]:
    return sorted({a["name"] for a in service.get("service_areas") or [] if a.get("name")})


def _display_phone(phone: dict[str, Any]) -> str:
    return str(phone.get("number") or "")


def _hsds_address_key(address: dict[str, Any]) -> str:
    return address_key(address.get("address_1") or "", str(address.get("postal_code") or ""))


def _display_address(address: dict[str, Any]) -> str:
    street, city = address.get("address_1", ""), address.get("city", "")
    return f"{street}, {address.get('postal_code', '')} {city}"


def diff_service(
    existing: dict[str, Any],
    scraped: dict[str, Any],
    *,
    fields: tuple[str, ...] = REVIEWABLE_FIELDS,
) -> list[FieldChange]:
    """Field-by-field differences, in ``fields`` order, as proposed changes to ``existing``.

    A field the scrape did not find is never proposed for removal: a page that lost its address
    block says nothing about the address. Life domains and service areas are only ever added to,
    since configs give broad defaults and the catalogue's are curated. Status is only proposed
    when the source says "inactive".
    """
    changes: list[FieldChange] = []
    for name in fields:
        change = _diff_field(name, existing, scraped)
        if change is not None:
            changes.append(change)
    return changes


def _diff_field(name: str, existing: dict[str, Any], scraped: dict[str, Any]) -> FieldChange | None:
    if name in {"phones", "addresses", "schedules"}:
        return _diff_list(name, existing, scraped)
    if name in {"life_domains", "service_areas"}:
        reader = _life_domains if name == "life_domains" else _areas
        old, new = reader(existing), reader(scraped)
        if set(new) - set(old):
            return FieldChange(name, old, sorted(set(old) | set(new)))
        return None
    if name.startswith("organization."):
        key = name.split(".", 1)[1]
        old_value = (existing.get("organization") or {}).get(key)
        new_value = (scraped.get("organization") or {}).get(key)
    else:
        old_value, new_value = existing.get(name), scraped.get(name)
    if new_value in (None, "", []):
        return None
    if name == "status" and new_value != "inactive":
        return None
    normalise = _url if name in {"url", "organization.website"} else _squash
    if normalise(old_value).casefold() == normalise(new_value).casefold() and name == "email":
        return None
    if normalise(old_value) == normalise(new_value):
        return None
    return FieldChange(name, old_value, new_value)


def _location_key(link: dict[str, Any]) -> tuple[Any, ...]:
    """A place with the phones and hours given for it there (a CAW town office, say)."""
    addresses = (link.get("location") or {}).get("addresses") or []
    return (
        frozenset(_hsds_address_key(a) for a in addresses if a.get("address_1")),
        frozenset(_phone_key(p) for p in link.get("phones") or []),
        frozenset(_schedule_key(s) for s in link.get("schedules") or []),
    )


def _display_location(link: dict[str, Any]) -> str:
    """ "Hulpstraat 4, 8800 Roeselare · 051 00 04 10 · MO,WE,FR 09:00-12:00" for the reviewer."""
    location = link.get("location") or {}
    addresses = location.get("addresses") or []
    parts = ["; ".join(_display_address(a) for a in addresses) or location.get("name")]
    parts += [_display_phone(p) for p in link.get("phones") or []]
    for schedule in link.get("schedules") or []:
        slot = " ".join(
            filter(None, [schedule.get("byday"), _span(schedule), schedule.get("notes")])
        )
        parts.append(slot or _squash(schedule.get("description")))
    return " · ".join(str(p) for p in parts if p)


def _span(schedule: dict[str, Any]) -> str:
    opens, closes = schedule.get("opens_at"), schedule.get("closes_at")
    return f"{opens}-{closes}" if opens and closes else str(opens or "")


def _diff_list(name: str, existing: dict[str, Any], scraped: dict[str, Any]) -> FieldChange | None:
    """Phones and schedules of the service itself; "addresses" covers each location with the
    phones and hours given for it, since accepting it replaces the service_at_locations."""
    key: Callable[[dict[str, Any]], Any]
    show: Callable[[dict[str, Any]], Any]
    if name == "phones":
        old_items, new_items = _phones(existing), _phones(scraped)
        key, show = _phone_key, _display_phone
    elif name == "addresses":
        old_items = list(existing.get("service_at_locations") or [])
        new_items = list(scraped.get("service_at_locations") or [])
        if not any(_addresses({"service_at_locations": [link]}) for link in new_items):
            return None
        key, show = _location_key, _display_location
    else:
        old_items, new_items = _schedules(existing), _schedules(scraped)
        key, show = _schedule_key, _plain_schedule
    if not new_items:
        return None
    if {key(i) for i in old_items} == {key(i) for i in new_items}:
        return None
    return FieldChange(name, [show(i) for i in old_items], [show(i) for i in new_items])


def compare_service(
    scraped: dict[str, Any],
    existing: Iterable[dict[str, Any]] | ServiceIndex,
    *,
    fields: tuple[str, ...] = REVIEWABLE_FIELDS,
) -> Comparison:
    """Match, then diff: what ``scrape run`` reports per service (new, changed, unchanged)."""
    index = existing if isinstance(existing, ServiceIndex) else ServiceIndex(existing)
    match = index.match(scraped)
    if match is None:
        return Comparison("new", None, ())
    current = index.get(match.service_id) or {}
    changes = tuple(diff_service(current, scraped, fields=fields))
    return Comparison("changed" if changes else "unchanged", match, changes)
