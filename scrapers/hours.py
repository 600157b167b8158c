"""Dutch opening-hours prose to HSDS schedules ("maandag tot vrijdag van 9 tot 12 uur").

Pure text functions; no HTML and no network. Output dicts are HSDS schedules without ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["SCHEMA_DAYS", "WEEK", "parse_opening_hours", "parse_schema_org_hours"]

WEEK = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = {
    "maandag": "MO",
    "dinsdag": "TU",
    "woensdag": "WE",
    "donderdag": "TH",
    "vrijdag": "FR",
    "zaterdag": "SA",
    "zondag": "SU",
}
_DAY_ABBREVIATIONS = {
    "ma": "MO",
    "di": "TU",
    "wo": "WE",
    "do": "TH",
    "vr": "FR",
    "za": "SA",
    "zo": "SU",
}
_ORDINALS = {
    "eerste": 1,
    "1ste": 1,
    "1e": 1,
    "tweede": 2,
    "2de": 2,
    "2e": 2,
    "derde": 3,
    "3de": 3,
    "3e": 3,
    "vierde": 4,
    "4de": 4,
    "4e": 4,
    "vijfde": 5,
    "5de": 5,
    "laatste": -1,
}
_MONTHS = (
    "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    "|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"
)

_FULL_DAY = (
    r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)"
    r"(?:voormiddag|namiddag|middag|ochtend|morgen|avond|nacht)?(?:en|s)?\b"
)
# "zo" and "ma" are Dutch words too: an abbreviation counts only when a list, range or time follows.
_ABBREVIATED_DAY = (
    r"\b(?:ma|di|wo|do|vr|za|zo)\b\.?(?=\s*(?:[-\u2013\u2014:,/&]|\d|en\b|t/m|t\.e\.m|tot\b))"
)
_DAY = rf"(?:{_FULL_DAY}|{_ABBREVIATED_DAY})"
# Inside a recognised token there is no ambiguity left, so plain words are enough.
_DAY_WORD_RE = re.compile(
    r"maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|\b(?:ma|di|wo|do|vr|za|zo)\b", re.I
)
_DAY_RANGE_SEP = r"\s*(?:-|\u2013|\u2014|tot\s+en\s+met|t\.\s?e\.\s?m\.?|tem|t/m|tot)\s*"
_ORDINAL = r"(?:eerste|1ste|1e|tweede|2de|2e|derde|3de|3e|vierde|4de|4e|vijfde|5de|laatste)"
_TIME = r"(?:[01]?\d|2[0-4])(?!\d)(?:\s?[:.hu]\s?[0-5]\d)?(?:\s?(?:uur|u|h)\b)?"
_TOKEN_RE = re.compile(
    "|".join(
        [
            r"(?P<always>24\s*/\s*7|24\s*op\s*24|dag\s+en\s+nacht)",
            r"(?P<everyday>7\s*(?:op|/)\s*7|dagelijks|elke\s+dag|iedere\s+dag|alle\s+dagen)",
            rf"(?P<ordinal>{_ORDINAL}(?:\s*(?:,|en|&)\s*{_ORDINAL})*\s+{_DAY})",
            rf"(?P<dayrange>{_DAY}{_DAY_RANGE_SEP}{_DAY})",
            rf"(?P<day>{_DAY})",
            r"(?P<workdays>\b(?:werk|week)dag(?:en|s)?\b)",
            r"(?P<weekend>\bweekend(?:s|dagen)?\b)",
            rf"(?P<range>(?:\bvan\s+)?(?<![\d.,:/])(?P<t1>{_TIME})\s*(?:-|\u2013|\u2014|tot|à)\s*"
            rf"(?P<t2>{_TIME})(?!\s*(?:{_MONTHS})\b))",
            rf"(?P<at>\b(?:om|vanaf)\s+(?P<t3>{_TIME}))",
            r"(?P<except>\bbehalve\b|\buitgezonderd\b|m\.u\.v\.?|met\s+uitzondering\s+van)",
            r"(?P<closed>\bgesloten\b|\bdicht\b)",
            r"(?P<appointment>\b(?:op|na|volgens)\s+(?:telefonische\s+)?afspraak\b)",
        ]
    ),
    re.I,
)
_ONLY_BY_APPOINTMENT_RE = re.compile(r"\b(?:enkel|alleen|uitsluitend|steeds|altijd)\b", re.I)
_ABBREVIATION_END_RE = re.compile(r"(?:t\.e\.m|m\.u\.v|o\.a|i\.p\.v|tel|nr|\b[a-z])$", re.I)
_SENTENCE_END_RE = re.compile(r"\.\s+(?=[A-ZÀ-Ý])")


@dataclass
class _Group:
    """Days and the times that belong to them, collected while reading one clause."""

    days: list[str] = field(default_factory=list)
    monthly: list[str] = field(default_factory=list)
    excluded: set[str] = field(default_factory=set)
    ranges: list[tuple[str, str | None]] = field(default_factory=list)
    is_closed: bool = False
    has_appointment: bool = False
    # None until the first time or "gesloten"; True when it came before the days it belongs to.
    is_times_first: bool | None = None

    def has_days(self) -> bool:
        return bool(self.days or self.monthly)


def parse_opening_hours(text: str) -> list[dict[str, Any]]:
    """Turn Dutch opening-hours prose into HSDS schedules (freq, byday, opens_at, closes_at).

    Each schedule keeps the clause it came from as ``description``; "op afspraak" goes into
    ``notes``. Text with only "enkel op afspraak" gives one schedule without days or times.
    """
    schedules: list[dict[str, Any]] = []
    general_notes: list[str] = []
    for clause in _clauses(text):
        found, has_appointment = _parse_clause(clause)
        if found:
            schedules.extend(s for s in found if s not in schedules)
        elif has_appointment:
            general_notes.append(clause)
    if general_notes:
        note = "; ".join(general_notes)
        for schedule in schedules:
            schedule["notes"] = "; ".join(filter(None, [schedule.get("notes"), note]))
        if not schedules:
            schedules.append({"description": _squash(text)[:500], "notes": note})
    return schedules


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _clauses(text: str) -> list[str]:
    """Split on lines, semicolons and sentence ends; join a day-only line with a times-only line."""
    parts: list[str] = []
    for line in re.split(r"[\n;•]+", text):
        start = 0
        for match in _SENTENCE_END_RE.finditer(line):
            if not _ABBREVIATION_END_RE.search(line[: match.start()]):
                parts.append(line[start : match.start()])
                start = match.end()
        parts.append(line[start:])
    clauses = [_squash(p).strip(" .,:") for p in parts]
    clauses = [c for c in clauses if c]
    merged: list[str] = []
    for clause in clauses:
        if merged and _is_days_only(merged[-1]) and _is_times_only(clause):
            merged[-1] = f"{merged[-1]} {clause}"
        else:
            merged.append(clause)
    return merged


def _kinds(clause: str) -> set[str]:
    return {m.lastgroup or "" for m in _TOKEN_RE.finditer(clause)}


def _is_days_only(clause: str) -> bool:
    kinds = _kinds(clause)
    return bool(kinds & {"day", "dayrange", "ordinal", "workdays", "weekend", "everyday"}) and not (
        kinds & {"range", "at", "closed", "appointment"}
    )


def _is_times_only(clause: str) -> bool:
    kinds = _kinds(clause)
    return bool(kinds & {"range", "at", "closed"}) and not (
        kinds & {"day", "dayrange", "ordinal", "workdays", "weekend", "everyday"}
    )


def _parse_clause(clause: str) -> tuple[list[dict[str, Any]], bool]:
    groups: list[_Group] = []
    current = _Group()
    excluding = False
    has_appointment = False
    for match in _TOKEN_RE.finditer(clause):
        kind = match.lastgroup
        days, monthly = _days_of(match)
        if days or monthly:
            if excluding:
                current.excluded.update(days)
                continue
            if current.has_days() and current.is_times_first is False:
                groups.append(current)
                current = _Group()
            current.days.extend(d for d in days if d not in current.days)
            current.monthly.extend(d for d in monthly if d not in current.monthly)
            if kind == "always":
                current.ranges.append(("00:00", "24:00"))
                current.is_times_first = False
            continue
        excluding = kind == "except"
        times: tuple[str | None, str | None] = (None, None)
        if kind == "range":
            times = _time(match.group("t1")), _time(match.group("t2"))
            if not (times[0] and times[1] and times[0] < times[1]):
                continue
        elif kind == "at":
            times = _time(match.group("t3")), None
            if not times[0]:
                continue
        elif kind == "closed":
            current.is_closed = True
            current.is_times_first = current.is_times_first or not current.has_days()
        if times[0]:
            # "Van 9 tot 12 uur: maandag, ... ; van 14 tot 16 uur: woensdag" puts times first.
            if current.is_times_first and current.has_days():
                groups.append(current)
                current = _Group()
            if current.is_times_first is None:
                current.is_times_first = not current.has_days()
            current.ranges.append(times)  # type: ignore[arg-type]
        elif kind == "appointment":
            current.has_appointment = has_appointment = True
    groups.append(current)

    schedules: list[dict[str, Any]] = []
    only_by_appointment = bool(_ONLY_BY_APPOINTMENT_RE.search(clause))
    for group in groups:
        if group.is_closed or not (group.has_days() or group.ranges):
            continue
        note = None
        if group.has_appointment or (has_appointment and len(groups) == 1):
            note = (
                "enkel op afspraak" if only_by_appointment and not group.ranges else "op afspraak"
            )
        weekly = [d for d in WEEK if d in group.days and d not in group.excluded]
        patterns = []
        if weekly or not group.monthly:
            patterns.append(("WEEKLY", ",".join(weekly)))
        if group.monthly:
            patterns.append(("MONTHLY", ",".join(group.monthly)))
        for freq, byday in patterns:
            for opens, closes in group.ranges or [(None, None)]:
                schedule: dict[str, Any] = {"freq": freq}
                if byday:
                    schedule["byday"] = byday
                if opens:
                    schedule["opens_at"] = opens
                if closes:
                    schedule["closes_at"] = closes
                schedule["description"] = clause
                if note:
                    schedule["notes"] = note
                schedules.append(schedule)
    return schedules, has_appointment


def _day_code(word: str) -> str:
    word = word.lower().rstrip(".")
    for name, code in _DAY_NAMES.items():
        if word.startswith(name):
            return code
    return _DAY_ABBREVIATIONS[word[:2]]


def _days_of(match: re.Match[str]) -> tuple[list[str], list[str]]:
    """Weekly day codes and monthly codes ("1TU") that a token stands for."""
    kind = match.lastgroup
    text = match.group(0)
    if kind in {"always", "everyday"}:
        return list(WEEK), []
    if kind == "workdays":
        return list(WEEK[:5]), []
    if kind == "weekend":
        return ["SA", "SU"], []
    if kind == "day":
        return [_day_code(text)], []
    if kind == "dayrange":
        words = _DAY_WORD_RE.findall(text)
        first, last = _day_code(words[0]), _day_code(words[-1])
        start, end = WEEK.index(first), WEEK.index(last)
        if end < start:  # "zaterdag tot maandag" wraps over the weekend
            return list(WEEK[start:]) + list(WEEK[: end + 1]), []
        return list(WEEK[start : end + 1]), []
    if kind == "ordinal":
        day = _day_code(_DAY_WORD_RE.findall(text)[-1])
        numbers = [_ORDINALS[o.lower()] for o in re.findall(_ORDINAL, text, re.I)]
        return [], [f"{n}{day}" for n in numbers]
    return [], []


def _time(text: str) -> str | None:
    """ "9", "9u30", "13.30 uur", "8h" -> "HH:MM"."""
    match = re.match(r"(\d{1,2})(?:\s?[:.hu]\s?(\d{2}))?", text.strip())
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    if hours > 24 or (hours == 24 and minutes):
        return None
    return f"{hours:02d}:{minutes:02d}"


# schema.org day names (dayOfWeek, with the schema.org/ prefix removed) and openingHours codes.
SCHEMA_DAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
    "mo": "MO",
    "tu": "TU",
    "we": "WE",
    "th": "TH",
    "fr": "FR",
    "sa": "SA",
    "su": "SU",
}


def parse_schema_org_hours(value: str) -> list[dict[str, Any]]:
    """schema.org ``openingHours`` strings ("Mo-Fr 09:00-12:00 13:00-16:00") to schedules."""
    schedules: list[dict[str, Any]] = []
    # Parts are separated by ";" or by "," after a time: "Mo,We 09:00-12:00, Th 13:30-17:00".
    for part in re.split(r"\s*;\s*|(?<=\d)\s*,\s*(?=[A-Za-z]{2}\b)", value.strip()):
        match = re.match(r"([A-Za-z]{2}(?:\s*[-,]\s*[A-Za-z]{2})*)\s+(.*)", part)
        if not match:
            continue
        days: list[str] = []
        for chunk in re.split(r"\s*,\s*", match.group(1)):
            ends = [SCHEMA_DAYS.get(d.lower()) for d in re.split(r"\s*-\s*", chunk)]
            if None in ends:
                days = []  # an unknown day code makes the whole part unreliable
                break
            first, last = WEEK.index(ends[0] or ""), WEEK.index(ends[-1] or "")
            days.extend(WEEK[first : last + 1])
        if not days:
            continue
        ranges = re.findall(r"(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})", match.group(2))
        for opens, closes in ranges:
            schedules.append(
                {
                    "freq": "WEEKLY",
                    "byday": ",".join(d for d in WEEK if d in days),
                    "opens_at": _time(opens),
                    "closes_at": _time(closes),
                    "description": part,
                }
            )
    return schedules
