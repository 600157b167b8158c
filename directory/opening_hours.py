"""Opening hours over HSDS 3.0 schedule dicts: open now, next opening, weekly table, Dutch labels.

Pure functions; the Belgian legal public holidays come from data/gazetteer/public-holidays.json.
Imports none of our other packages.

Times are Europe/Brussels wall-clock times. HSDS allows a UTC offset suffix on opens_at/closes_at
and a `timezone` field; Flemish sources write local times, so both are ignored. Supported
recurrences: WEEKLY (byday, interval with dtstart), MONTHLY (byday with ordinal such as "2TU" or
"-1FR", or bymonthday), bounded by valid_from/valid_to and dtstart/until, and one-day schedules
(valid_from == valid_to, or dtstart == until), which are the only way to be open on a public
holiday. Schedules using count, byweekno or byyearday, or with unreadable fields, are skipped:
better "unknown" than wrong.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
DEFAULT_HOLIDAYS = (
    Path(__file__).resolve().parent.parent / "data" / "gazetteer" / "public-holidays.json"
)

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
DAY_NAMES = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTH_NAMES = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_DAY_MINUTES = 24 * 60
_HORIZON_DAYS = 400  # a closure of most of a year plus holidays still finds the next opening
_TIME = re.compile(r"\s*(\d{1,2})[:.hu](\d{2})(?::\d{2})?\s*(?:Z|[+-]\d{2}:?\d{2})?\s*", re.I)
_MONTHLY_DAY = re.compile(r"([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)")
_UNSUPPORTED = ("count", "byweekno", "byyearday")

Schedule = Mapping[str, object]


@dataclass(frozen=True)
class DayHours:
    """One row of the weekly table on a service page; hours are ("09:00", "12:00") pairs."""

    weekday: int  # 0 = Monday
    name: str  # Dutch day name, capitalised for a table
    hours: tuple[tuple[str, str], ...]
    note: str | None


@dataclass(frozen=True)
class _Rule:
    """A parsed, usable schedule."""

    weekdays: frozenset[int]  # WEEKLY days, or MONTHLY days with ordinal 0 (every such day)
    monthly: bool
    nth_weekdays: tuple[tuple[int, int], ...]  # MONTHLY (ordinal, weekday): (2, 1) = 2nd Tuesday
    month_days: tuple[int, ...]  # MONTHLY bymonthday; negative counts from the month's end
    opens: int  # minutes after midnight
    closes: int  # minutes after midnight; <= opens means the next day
    first: date | None
    last: date | None
    interval: int
    anchor: date | None
    one_day: date | None
    notes: str | None

    def occurs_on(self, day: date) -> bool:
        if (self.first and day < self.first) or (self.last and day > self.last):
            return False
        if self.one_day is not None:
            return day == self.one_day
        if self.monthly:
            return self._monthly_match(day) and self._interval_match(day)
        return day.weekday() in self.weekdays and self._interval_match(day)

    def _monthly_match(self, day: date) -> bool:
        month_length = _month_length(day)
        if any(d == day.day or month_length + 1 + d == day.day for d in self.month_days):
            return True
        if day.weekday() in self.weekdays:
            return True
        ordinal_from_start = (day.day - 1) // 7 + 1
        ordinal_from_end = -((month_length - day.day) // 7 + 1)
        return any(
            weekday == day.weekday() and ordinal in (ordinal_from_start, ordinal_from_end)
            for ordinal, weekday in self.nth_weekdays
        )

    def _interval_match(self, day: date) -> bool:
        if self.interval == 1 or self.anchor is None:
            return True
        if self.monthly:
            months = (day.year - self.anchor.year) * 12 + day.month - self.anchor.month
            return months % self.interval == 0
        weeks = (_monday(day) - _monday(self.anchor)).days // 7
        return weeks % self.interval == 0

    @property
    def every_week(self) -> bool:
        return not self.monthly and self.one_day is None and self.interval == 1


def _month_length(day: date) -> int:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


# -- public holidays ------------------------------------------------------------------------------


@functools.cache
def _holiday_rules(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def easter_sunday(year: int) -> date:
    """Gregorian Easter (anonymous Gregorian algorithm); python-dateutil is not a dependency."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


@functools.cache
def _holidays_in(year: int, path: Path) -> dict[date, str]:
    rules = _holiday_rules(path)
    if year < rules.get("fromYear", 0):
        return {}
    names: dict[str, str] = {}
    found: dict[date, str] = {}
    for holiday in rules["holidays"]:
        rule = holiday["rule"]
        names[holiday["id"]] = holiday["name"]["nl"]
        if rule["type"] == "fixed":
            day = date(year, rule["month"], rule["day"])
        else:
            day = easter_sunday(year) + timedelta(days=rule["daysAfterEaster"])
        found.setdefault(day, holiday["name"]["nl"])  # on a clash the earlier listed name stays
    for replacement in rules.get("replacements", []):
        day = date.fromisoformat(replacement["day"])
        if day.year == year:
            found[day] = names[replacement["holiday"]]
    return found


def is_public_holiday(day: date, holidays_path: Path | None = None) -> str | None:
    """Dutch name of the Belgian legal public holiday that day (a datetime is read in Brussels)."""
    if isinstance(day, datetime):
        day = _local(day).date()
    return _holidays_in(day.year, holidays_path or DEFAULT_HOLIDAYS).get(day)


# -- parsing --------------------------------------------------------------------------------------


def _text(schedule: Schedule, key: str) -> str | None:
    value = schedule.get(key)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _minutes(value: str | None) -> int | None:
    if value is None:
        return None
    match = _TIME.fullmatch(value)
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        return None
    return hours * 60 + minutes


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _parse(schedule: Schedule) -> _Rule | None:
    """A usable rule, or None for a schedule we cannot evaluate correctly."""
    try:
        return _parse_strict(schedule)
    except (ValueError, TypeError):
        return None


def _parse_strict(schedule: Schedule) -> _Rule | None:
    if any(_text(schedule, key) for key in _UNSUPPORTED):
        return None
    opens = _minutes(_text(schedule, "opens_at"))
    closes = _minutes(_text(schedule, "closes_at"))
    if opens is None or closes is None or opens == _DAY_MINUTES:
        return None
    valid_from, valid_to = _date(_text(schedule, "valid_from")), _date(_text(schedule, "valid_to"))
    dtstart, until = _date(_text(schedule, "dtstart")), _date(_text(schedule, "until"))
    starts = [d for d in (valid_from, dtstart) if d]
    ends = [d for d in (valid_to, until) if d]
    first, last = (max(starts) if starts else None), (min(ends) if ends else None)
    one_day = first if first is not None and first == last else None
    freq = (_text(schedule, "freq") or "WEEKLY").upper()
    interval = int(float(_text(schedule, "interval") or 1))
    if interval < 1 or freq not in ("WEEKLY", "MONTHLY"):
        return None
    anchor = dtstart or valid_from
    if interval > 1 and anchor is None:
        return None
    parts = [p.strip().upper() for p in (_text(schedule, "byday") or "").split(",") if p.strip()]
    weekdays: set[int] = set()
    nth: list[tuple[int, int]] = []
    for part in parts:
        match = _MONTHLY_DAY.fullmatch(part)
        if not match or (match.group(1) and freq == "WEEKLY"):
            return None
        weekday = DAY_CODES.index(match.group(2))
        if match.group(1):
            nth.append((int(match.group(1)), weekday))
        else:
            weekdays.add(weekday)
    month_days = tuple(
        int(p) for p in (_text(schedule, "bymonthday") or "").split(",") if p.strip()
    )
    if month_days and freq != "MONTHLY":
        return None
    if not (weekdays or nth or month_days or one_day):
        # iCal: without byday the recurrence repeats on the weekday / day of month of dtstart
        if anchor is None:
            return None
        if freq == "WEEKLY":
            weekdays.add(anchor.weekday())
        else:
            month_days = (anchor.day,)
    return _Rule(
        weekdays=frozenset(weekdays),
        monthly=freq == "MONTHLY",
        nth_weekdays=tuple(nth),
        month_days=month_days,
        opens=opens,
        closes=closes,
        first=first,
        last=last,
        interval=interval,
        anchor=anchor,
        one_day=one_day,
        notes=_text(schedule, "notes"),
    )


def _rules(schedules: Iterable[Schedule] | None) -> list[_Rule]:
    return [rule for rule in (_parse(s) for s in schedules or ()) if rule is not None]


# -- evaluation -----------------------------------------------------------------------------------


def _local(moment: datetime) -> datetime:
    """Aware Brussels time; a naive datetime is taken to be Brussels wall-clock time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BRUSSELS)
    return moment.astimezone(BRUSSELS)


def _at(day: date, minutes: int) -> datetime:
    extra_days, minutes = divmod(minutes, _DAY_MINUTES)
    return datetime.combine(
        day + timedelta(days=extra_days), time(minutes // 60, minutes % 60), tzinfo=BRUSSELS
    )


def _intervals_starting(rules: Sequence[_Rule], day: date) -> list[tuple[datetime, datetime]]:
    """Opening intervals that start on `day`; a public holiday closes all but one-day schedules."""
    holiday = is_public_holiday(day) is not None
    found = []
    for rule in rules:
        if not rule.occurs_on(day) or (holiday and rule.one_day != day):
            continue
        closes = rule.closes if rule.closes > rule.opens else rule.closes + _DAY_MINUTES
        found.append((_at(day, rule.opens), _at(day, closes)))
    return sorted(found)


def _current_interval(rules: Sequence[_Rule], now: datetime) -> tuple[datetime, datetime] | None:
    for day in (now.date() - timedelta(days=1), now.date()):
        for start, end in _intervals_starting(rules, day):
            if start <= now < end:
                return start, end
    return None


def is_open(schedules: Iterable[Schedule] | None, at: datetime) -> bool | None:
    """Open at that moment? None when there is no usable schedule (unknown, not closed)."""
    rules = _rules(schedules)
    if not rules:
        return None
    return _current_interval(rules, _local(at)) is not None


def _next_start(rules: Sequence[_Rule], after: datetime) -> datetime | None:
    last_days = [rule.last for rule in rules]
    stop = after.date() + timedelta(days=_HORIZON_DAYS)
    if all(last_days):
        stop = min(stop, max(d for d in last_days if d) + timedelta(days=1))
    day = after.date()
    while day <= stop:
        for start, _end in _intervals_starting(rules, day):
            if start > after:
                return start
        day += timedelta(days=1)
    return None


def next_opening(schedules: Iterable[Schedule] | None, after: datetime) -> datetime | None:
    """Start (Brussels time) of the first opening strictly after `after`; None if none is known."""
    rules = _rules(schedules)
    return _next_start(rules, _local(after)) if rules else None


def _clock(moment: datetime) -> str:
    return f"{moment.hour}u" if moment.minute == 0 else f"{moment.hour}u{moment.minute:02d}"


def opening_state_label(schedules: Iterable[Schedule] | None, at: datetime) -> str | None:
    """Short Dutch status for a result list: "Nu open tot 12u", "Opent dinsdag om 9u", ..."""
    rules = _rules(schedules)
    if not rules:
        return None
    now = _local(at)
    current = _current_interval(rules, now)
    if current:
        end = current[1]
        # Back-to-back schedules (9-12, 12-17) read as one opening; a week of them as always open.
        for _ in range(8):
            following = _current_interval(rules, end)
            if following is None:
                break
            end = following[1]
        else:
            return "Nu open"
        if end.time() == time(0) and end.date() == now.date() + timedelta(days=1):
            return "Nu open tot middernacht"
        if end.date() != now.date():
            return f"Nu open tot morgen {_clock(end)}"
        return f"Nu open tot {_clock(end)}"
    upcoming = _next_start(rules, now)
    holiday = is_public_holiday(now.date())
    if holiday and (upcoming is None or upcoming.date() != now.date()):
        return f"Gesloten (feestdag: {holiday})"
    if upcoming is None:
        return "Gesloten"
    days_ahead = (upcoming.date() - now.date()).days
    if days_ahead == 0:
        return f"Opent om {_clock(upcoming)}"
    if days_ahead == 1:
        return f"Opent morgen om {_clock(upcoming)}"
    if days_ahead < 7:
        return f"Opent {DAY_NAMES[upcoming.weekday()]} om {_clock(upcoming)}"
    return f"Opent op {upcoming.day} {MONTH_NAMES[upcoming.month - 1]} om {_clock(upcoming)}"


# -- weekly table and index keys ------------------------------------------------------------------


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _dutch_date(day: date) -> str:
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _qualifier(rule: _Rule, weekday: int) -> str | None:
    """Why a row of the weekly table does not hold every week, in Dutch."""
    parts = []
    ordinals = sorted(o for o, d in rule.nth_weekdays if d == weekday)
    if ordinals and weekday not in rule.weekdays:
        named = [
            ("laatste" if o == -1 else f"{abs(o)}e laatste" if o < 0 else f"{o}e") for o in ordinals
        ]
        parts.append(f"enkel {' en '.join(named)} {DAY_NAMES[weekday]} van de maand")
    if rule.interval > 1:
        unit = "maanden" if rule.monthly else "weken"
        parts.append(f"om de {rule.interval} {unit}")
    if rule.first:
        parts.append(f"vanaf {_dutch_date(rule.first)}")
    if rule.last:
        parts.append(f"tot {_dutch_date(rule.last)}")
    if rule.notes:
        parts.append(rule.notes)
    return ", ".join(parts) or None


def _recurring(schedules: Iterable[Schedule] | None, on: date | None) -> list[_Rule]:
    rules = [r for r in _rules(schedules) if r.one_day is None]
    if on is not None:
        rules = [
            r for r in rules if not (r.first and on < r.first) and not (r.last and on > r.last)
        ]
    return rules


def weekly_table(schedules: Iterable[Schedule] | None, on: date | None = None) -> list[DayHours]:
    """Monday..Sunday rows for the service page; [] when nothing is known.

    `on` drops schedules not valid on that date. One-day schedules and MONTHLY bymonthday rules
    have no weekday and are left to the schedule description.
    """
    rules = _recurring(schedules, on)
    rows: list[DayHours] = []
    for weekday in range(7):
        slots: dict[tuple[int, int], str | None] = {}
        for rule in rules:
            if weekday in rule.weekdays or any(d == weekday for _, d in rule.nth_weekdays):
                slots.setdefault((rule.opens, rule.closes), _qualifier(rule, weekday))
        ordered = sorted(slots.items())
        hours = tuple((_hhmm(o), _hhmm(c)) for (o, c), _ in ordered)
        notes = [
            (f"{_hhmm(o)}-{_hhmm(c)}: {note}" if len(ordered) > 1 else note)
            for (o, c), note in ordered
            if note
        ]
        rows.append(
            DayHours(weekday, DAY_NAMES[weekday].capitalize(), hours, "; ".join(notes) or None)
        )
    return rows if any(row.hours for row in rows) else []


def week_keys(schedules: Iterable[Schedule] | None, on: date | None = None) -> list[str]:
    """Compact keys of the hours that hold every week ("MO0900-1200"), for a search index.

    A night opening is split at midnight ("MO1900-2400", "TU0000-0900"). Monthly and fortnightly
    schedules are left out: an index cannot know which week it is.
    """
    keys: set[tuple[int, int, int]] = set()
    for rule in _recurring(schedules, on):
        if not rule.every_week:
            continue
        for weekday in rule.weekdays:
            if rule.closes > rule.opens:
                keys.add((weekday, rule.opens, rule.closes))
            else:
                keys.add((weekday, rule.opens, _DAY_MINUTES))
                if rule.closes:
                    keys.add(((weekday + 1) % 7, 0, rule.closes))
    return [
        f"{DAY_CODES[d]}{_hhmm(o).replace(':', '')}-{_hhmm(c).replace(':', '')}"
        for d, o, c in sorted(keys)
    ]


def service_schedules(document: Mapping[str, object]) -> list[dict]:
    """The schedules that say when a service is open, from an HSDS 3.0 full service dict.

    Its own schedules plus those of its service_at_locations (the service at that place); a
    location's own schedules (the building's hours) only when neither the service nor any of its
    links publishes hours. The one definition shared by the search filter and the result labels.
    """
    own = _dicts(document.get("schedules"))
    links = _dicts(document.get("service_at_locations"))
    linked = [s for link in links for s in _dicts(link.get("schedules"))]
    if own or linked:
        return own + linked
    return [s for link in links for s in _dicts(_location(link).get("schedules"))]


def _dicts(value: object) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _location(link: Mapping[str, object]) -> Mapping[str, object]:
    location = link.get("location")
    return location if isinstance(location, dict) else {}
