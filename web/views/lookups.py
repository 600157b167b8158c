"""Small batched catalogue reads for lists of services: schedules and phones by service id.

A result list needs only these two beyond what the index stores; one query each per page.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import select, union_all
from sqlalchemy.orm import Session

from directory import models as m
from directory.hsds import hsds_fields
from directory.opening_hours import opening_state_label

LANGUAGE_TTL_SECONDS = 60.0
SCHEDULE_TTL_SECONDS = 60.0
MAX_CACHED_SERVICES = 50_000
_LANGUAGES: dict[str, tuple[float, frozenset[str]]] = {}
_SCHEDULES: dict[str, dict[str, tuple[float, list[dict[str, Any]]]]] = {}
_LABELS: dict[str, tuple[datetime, dict[str, str | None]]] = {}


def schedules_by_service(session: Session, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """HSDS schedule dicts of these services, their own and those of their locations' links.

    Every result page needs them for 'nu open / opent om 13u'; they change only on import, so
    each process keeps them for a minute (SCHEDULE_TTL_SECONDS).
    """
    now = time.monotonic()
    cache = _SCHEDULES.setdefault(str(session.get_bind().url), {})
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
    database = str(session.get_bind().url)
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
    """One Core query of two indexed halves (an OR across the join would scan the table)."""
    schedule, link = m.Schedule.__table__, m.ServiceAtLocation.__table__
    names = hsds_fields(m.Schedule)
    columns = [schedule.c[n] for n in names]
    own = select(schedule.c.service_id.label("owner"), *columns).where(
        schedule.c.service_id.in_(ids)
    )
    linked = (
        select(link.c.service_id.label("owner"), *columns)
        .join(link, link.c.id == schedule.c.service_at_location_id)
        .where(link.c.service_id.in_(ids), schedule.c.service_id.is_(None))
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for row in session.execute(union_all(own, linked)):
        values = row._mapping
        found.setdefault(values["owner"], []).append({n: values[n] for n in names})
    return found


def language_codes(session: Session) -> frozenset[str]:
    """Language codes the catalogue mentions, re-read at most once a minute per process.

    Every search shows a language facet built from these; the set only changes on import.
    """
    now = time.monotonic()
    key = str(session.get_bind().url)
    cached = _LANGUAGES.get(key)
    if cached is None or cached[0] < now:
        rows = session.execute(
            select(m.Language.code).where(m.Language.code.is_not(None)).distinct()
        )
        cached = (now + LANGUAGE_TTL_SECONDS, frozenset(str(c).lower() for (c,) in rows))
        _LANGUAGES[key] = cached
    return cached[1]


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
