"""Small batched catalogue reads for lists of services: schedules and phones by service id.

A result list needs only these two beyond what the index stores; one query each per page.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import cast, literal_column, null, select, union_all
from sqlalchemy.orm import Session

from directory import models as m
from directory.hsds import hsds_fields
from directory.opening_hours import opening_state_label, service_schedules

SCHEDULE_TTL_SECONDS = 60.0
MAX_CACHED_SERVICES = 50_000
_SCHEDULES: dict[str, dict[str, tuple[float, list[dict[str, Any]]]]] = {}
_LABELS: dict[str, tuple[datetime, dict[str, str | None]]] = {}


def schedules_by_service(session: Session, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """HSDS schedule dicts of these services: those that say when each is open (their own and
    their service_at_locations', see directory.opening_hours.service_schedules).

    Every result page needs them for 'nu open / opent om 13u'; they change only on import, so
    each process keeps them for a minute (SCHEDULE_TTL_SECONDS).
    """
    now = time.monotonic()
    cache = _SCHEDULES.setdefault(str(session.get_bind().engine.url), {})
    found = {i: cache[i][1] for i in ids if i in cache and cache[i][0] > now}
    missing = [i for i in dict.fromkeys(ids) if i not in found]
    if missing:
        if len(cache) > MAX_CACHED_SERVICES:
            cache.clear()
        loaded = _load_schedules(session, missing)
        for service_id in missing:
            schedules = loaded.get(service_id, [])
            cache[service_id] = (now + SCHEDULE_TTL_SECONDS, schedules)
            found[service_id] = schedules
    return {i: found[i] for i in ids if found.get(i)}


def opening_labels(session: Session, ids: list[str], now: datetime) -> dict[str, str]:
    """'Nu open tot 12u' / 'Opent om 13u' per service (services without hours left out).

    A label holds for the minute it was made in; each process remembers it for that minute.
    """
    minute = now.replace(second=0, microsecond=0)
    database = str(session.get_bind().engine.url)
    memo = _LABELS.get(database)
    if memo is None or memo[0] != minute:
        memo = _LABELS[database] = (minute, {})
    labels: dict[str, str] = {}
    schedules = schedules_by_service(session, ids)
    for service_id in ids:
        if service_id not in memo[1]:
            memo[1][service_id] = opening_state_label(schedules.get(service_id), now)
        label = memo[1][service_id]
        if label:
            labels[service_id] = label
    return labels


def _load_schedules(session: Session, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The schedules directory.opening_hours.service_schedules picks, as the search index does.

    One Core query of three indexed halves (an OR across the joins would scan the table) places
    each schedule where the HSDS export puts it: the service's own, its service_at_locations',
    its locations'; the indexer's function then chooses among them.
    """
    schedule, link = m.Schedule.__table__, m.ServiceAtLocation.__table__
    names = hsds_fields(m.Schedule)
    columns = [schedule.c[n] for n in names]
    no_link = cast(null(), link.c.id.type).label("link")
    level = literal_column("'own'").label("level")
    own = select(schedule.c.service_id.label("owner"), no_link, level).where(
        schedule.c.service_id.in_(ids),
        schedule.c.service_at_location_id.is_(None),
        schedule.c.location_id.is_(None),
    )
    linked = (
        select(link.c.service_id, link.c.id, literal_column("'link'"))
        .join(link, link.c.id == schedule.c.service_at_location_id)
        .where(link.c.service_id.in_(ids))
    )
    located = (
        select(link.c.service_id, link.c.id, literal_column("'location'"))
        .join(link, link.c.location_id == schedule.c.location_id)
        .where(link.c.service_id.in_(ids), schedule.c.service_at_location_id.is_(None))
    )
    query = union_all(*(part.add_columns(*columns) for part in (own, linked, located)))
    documents: dict[str, dict[str, Any]] = {}
    places: dict[str, dict[str, Any]] = {}
    for row in session.execute(query):
        values = row._mapping
        document = documents.setdefault(
            values["owner"], {"schedules": [], "service_at_locations": []}
        )
        entry = {n: values[n] for n in names}
        if values["level"] == "own":
            document["schedules"].append(entry)
            continue
        if values["link"] not in places:
            places[values["link"]] = {"schedules": [], "location": {"schedules": []}}
            document["service_at_locations"].append(places[values["link"]])
        place = places[values["link"]]
        (place if values["level"] == "link" else place["location"])["schedules"].append(entry)
    return {owner: service_schedules(document) for owner, document in documents.items()}


def phones_by_service(session: Session, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The services' own phone numbers (not those of contacts), in their listed order."""
    if not ids:
        return {}
    query = (
        select(m.Phone)
        .where(m.Phone.service_id.in_(ids), m.Phone.contact_id.is_(None))
        .order_by(m.Phone.position, m.Phone.id)
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for row in session.scalars(query):
        found.setdefault(row.service_id or "", []).append(
            {
                "number": row.number,
                "extension": int(row.extension) if row.extension is not None else None,
                "description": row.description,
            }
        )
    return found
