"""'Open now' for the index: opening-hours keys per service and the documents open at a moment.

Weekly keys ("MO0900-1200") come from directory.opening_hours.week_keys. One-day schedules (the
only way to be open on a public holiday) get dated keys ("20261225" + "0900-1200").
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from directory.opening_hours import DAY_CODES, is_public_holiday, service_schedules, week_keys

BRUSSELS = ZoneInfo("Europe/Brussels")
_CLOCK = re.compile(r"^\s*(\d{1,2})[:.](\d{2})")
_ORDINAL = re.compile(r"\d")  # "1TU", "-1FR": a monthly day the index cannot place


def _hhmm(value: object) -> str | None:
    match = _CLOCK.match(str(value or ""))
    if not match or int(match.group(1)) > 24 or int(match.group(2)) > 59:
        return None
    return f"{int(match.group(1)):02d}{match.group(2)}"


def _one_day_keys(schedules: list[dict]) -> list[str]:
    keys = []
    for schedule in schedules:
        first = str(schedule.get("valid_from") or schedule.get("dtstart") or "")[:10]
        last = str(schedule.get("valid_to") or schedule.get("until") or "")[:10]
        opens, closes = _hhmm(schedule.get("opens_at")), _hhmm(schedule.get("closes_at"))
        if first and first == last and opens and closes and opens < closes:
            try:
                day = date.fromisoformat(first)
            except ValueError:
                continue
            keys.append(f"{day:%Y%m%d}{opens}-{closes}")
    return keys


def _every_week(schedule: dict) -> dict:
    """A MONTHLY schedule on plain weekdays ("TU", no ordinal, every month) is open on every such
    day, as directory.opening_hours reads it for the labels; week_keys takes WEEKLY ones only."""
    monthly = str(schedule.get("freq") or "").upper() == "MONTHLY"
    plain_days = schedule.get("byday") and not _ORDINAL.search(str(schedule["byday"]))
    every_month = str(schedule.get("interval") or "1").strip() in ("1", "1.0")
    if monthly and plain_days and every_month and not schedule.get("bymonthday"):
        return schedule | {"freq": "WEEKLY"}
    return schedule


def keys_for(service: dict) -> list[str] | None:
    """Opening-hours keys of a service, or None when it publishes no usable hours.

    The schedules are those the result labels use (directory.opening_hours.service_schedules):
    the service's own and those of its service_at_locations.
    """
    schedules = [_every_week(s) for s in service_schedules(service)]
    keys = week_keys(schedules) + _one_day_keys(schedules)
    return keys or None


def _local(moment: datetime) -> datetime:
    return moment.astimezone(BRUSSELS) if moment.tzinfo else moment


def open_now_docs(hours: dict[str, frozenset[int]], now: datetime) -> frozenset[int]:
    """Documents open at `now` (Brussels time; a naive datetime is taken as Brussels time).

    On a public holiday only dated keys count: weekly hours are closed that day.
    """
    local = _local(now)
    clock = f"{local:%H%M}"
    day_code = DAY_CODES[local.weekday()]
    dated = f"{local:%Y%m%d}"
    holiday = is_public_holiday(local.date()) is not None
    docs: set[int] = set()
    for key, members in hours.items():
        prefix, _, end = key.rpartition("-")
        start = prefix[-4:]
        day = prefix[:-4].upper()
        if day == dated or (day == day_code and not holiday):
            if start <= clock < end:
                docs |= members
    return frozenset(docs)
