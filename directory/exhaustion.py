"""Exhaustion check (uitputtingscheck): outcome codes, verdict rules, hints and the JSON record.

Pure rules, shared by the page, the APIs and (mirrored) web/static/js/exhaustion.js. Nothing here
stores anything. Imports only directory.display, directory.gazetteer and directory.partnerships.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from directory.display import age_range, period_start
from directory.gazetteer import Gazetteer, Municipality, normalize
from directory.partnerships import NeedProfile, Partnership

RECORD_VERSION = 1
MIN_AGE, MAX_AGE = 0, 120
MAX_WAITING_WEEKS = 520
MAX_NOTE_CHARS = 500
MAX_NAME_CHARS = 300
MAX_ENTRIES = 2000  # 16 domains x 100 services, with room for added ones
STALE_AFTER_DAYS = 365  # 'older than 12 months'; the app passes its STALE_AFTER_DAYS


class ServiceOutcome(StrEnum):
    """What came of trying one service; the codes are a public contract (JSON, API, URLs)."""

    NOT_TRIED = "not_tried"
    ACCEPTED = "accepted"
    NOT_ELIGIBLE = "not_eligible"
    WAITING_LIST = "waiting_list"
    NO_CAPACITY = "no_capacity"
    REFUSED = "refused"
    DOES_NOT_FIT = "does_not_fit"


OUTCOME_LABELS: dict[ServiceOutcome, str] = {
    ServiceOutcome.NOT_TRIED: "Niet geprobeerd",
    ServiceOutcome.ACCEPTED: "Gecontacteerd: aanvaard",
    ServiceOutcome.NOT_ELIGIBLE: "Gecontacteerd: komt niet in aanmerking",
    ServiceOutcome.WAITING_LIST: "Gecontacteerd: wachtlijst",
    ServiceOutcome.NO_CAPACITY: "Gecontacteerd: geen plaats (capaciteit)",
    ServiceOutcome.REFUSED: "Gecontacteerd: de persoon weigerde",
    ServiceOutcome.DOES_NOT_FIT: "Gecontacteerd: past niet bij de hulpvraag",
}

# Outcomes that close a service as a regular option; not_tried and accepted keep a domain open.
EXHAUSTING = frozenset(set(ServiceOutcome) - {ServiceOutcome.NOT_TRIED, ServiceOutcome.ACCEPTED})


class VerdictStatus(StrEnum):
    EXHAUSTED = "exhausted"
    OPEN = "open"
    EMPTY = "empty"  # nothing listed: the catalogue knows no service and the referrer added none


@dataclass(frozen=True)
class Flag:
    """A yes/no fact about the person's situation that regular services or partnerships ask."""

    name: str  # NeedProfile field name (JSON key), or has_income
    param: str  # short Dutch key in the page's link
    label: str
    primary: bool = False  # asked up front; the others only matter for the partnerships


FLAGS: tuple[Flag, ...] = (
    Flag("has_income", "inkomen", "Heeft een inkomen (loon, uitkering, leefloon …)", True),
    Flag("is_professionally_active", "beroepsactief", "Is aan het werk (beroepsactief)", True),
    Flag("has_valid_residence", "verblijf", "Heeft een geldig verblijfsstatuut", True),
    Flag("is_supported_by_service", "begeleid", "Wordt al begeleid door een dienst", True),
    Flag("has_employment_contract", "arbeidscontract", "Heeft een lopend arbeidscontract"),
    Flag("is_long_term_sick", "langdurig_ziek", "Is langdurig ziek"),
    Flag("in_compulsory_education", "leerplicht", "Valt onder de leerplicht"),
    Flag(
        "has_activation_question",
        "activeringsvraag",
        "Heeft zelf een vraag naar activering (werk, opleiding, dagbesteding)",
    ),
    Flag("is_care_avoider", "zorgmijder", "Mijdt zorg en hulp (zorgwekkende aanbodmijder)"),
    Flag("has_migration_background", "migratie", "Heeft een migratieachtergrond"),
    Flag("consents", "toestemming", "Geeft toestemming voor een aanmelding bij het partnerschap"),
)
FLAG_NAMES = tuple(f.name for f in FLAGS)


class RecordError(ValueError):
    """A need profile or a saved check we cannot use; str() is Dutch, for the referrer."""


# -- verdicts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One service on the check list (from the catalogue, or added by the referrer)."""

    domain: str
    name: str
    outcome: ServiceOutcome = ServiceOutcome.NOT_TRIED
    id: str | None = None  # None for a service the referrer added
    organization: str | None = None
    contact: str | None = None
    waiting_weeks: int | None = None
    note: str = ""
    source_date: str | None = None


@dataclass(frozen=True)
class DomainVerdict:
    domain: str
    status: VerdictStatus
    to_try: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {
            "status": str(self.status),
            "to_try": list(self.to_try),
            "accepted": list(self.accepted),
        }

    @property
    def message(self) -> str:
        """The verdict in one or two Dutch sentences (the JS builds the same sentences)."""
        if self.status == VerdictStatus.EXHAUSTED:
            return "Uitgeput: elke dienst op de lijst werd geprobeerd, zonder passende hulp."
        if self.status == VerdictStatus.EMPTY:
            return (
                "Geen diensten op de lijst: de catalogus kent hier geen regulier aanbod. "
                "Voeg de diensten toe die al geprobeerd werden."
            )
        parts = ["Niet uitgeput."]
        if self.accepted:
            parts.append(f"Aanvaard door: {', '.join(self.accepted)}.")
        if self.to_try:
            parts.append(f"Nog te proberen: {', '.join(self.to_try)}.")
        return " ".join(parts)


def domain_verdict(domain: str, entries: Iterable[Entry]) -> DomainVerdict:
    """'Exhausted' only when every listed service was tried without being accepted."""
    mine = [e for e in entries if e.domain == domain]
    if not mine:
        return DomainVerdict(domain, VerdictStatus.EMPTY)
    to_try = tuple(e.name for e in mine if e.outcome == ServiceOutcome.NOT_TRIED)
    accepted = tuple(e.name for e in mine if e.outcome == ServiceOutcome.ACCEPTED)
    if to_try or accepted:
        return DomainVerdict(domain, VerdictStatus.OPEN, to_try, accepted)
    return DomainVerdict(domain, VerdictStatus.EXHAUSTED)


def verdicts(domains: Sequence[str], entries: Sequence[Entry]) -> dict[str, DomainVerdict]:
    return {domain: domain_verdict(domain, entries) for domain in domains}


def services_exhausted(
    domain_verdicts: Mapping[str, DomainVerdict], entries: Iterable[Entry]
) -> bool | None:
    """The partnership fact: True when every domain is exhausted, None while nothing is marked."""
    if domain_verdicts and all(
        v.status == VerdictStatus.EXHAUSTED for v in domain_verdicts.values()
    ):
        return True
    if all(e.outcome == ServiceOutcome.NOT_TRIED for e in entries):
        return None
    return False


def need_profile(
    municipality_nis: str | None,
    age: int | None,
    flags: Mapping[str, bool | None],
    exhausted: bool | None,
) -> NeedProfile:
    """The partnership intake profile; has_income is recorded for the annex but no partnership
    criterion uses it."""
    facts = {name: flags.get(name) for name in FLAG_NAMES if name != "has_income"}
    return NeedProfile(
        municipality_nis=municipality_nis,
        age=age,
        regular_services_exhausted=exhausted,
        **facts,
    )


# -- hints ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hint:
    code: str  # age_outside, not_serving, inactive, stale, undated
    text: str  # Dutch


@dataclass(frozen=True)
class DataDate:
    """How old a record's data is: the source's date as given, a verification date, and the
    reference date the staleness hint uses (verification first)."""

    source_date: str | None
    verified: str | None
    reference: date | None


def data_date(
    service: Mapping[str, Any], *, source_date: str | None = None, verified: str | None = None
) -> DataDate:
    """The record's dates; provenance values (passed in) win over the document's x-source."""
    source = service.get("x-source")
    if (
        not source_date
        and isinstance(source, Mapping)
        and isinstance(source.get("source_date"), str)
    ):
        source_date = source["source_date"]
    if not verified and isinstance(service.get("assured_date"), str):
        verified = service["assured_date"]
    source_date = (source_date or "").strip() or None
    verified = (verified or "").strip() or None
    return DataDate(source_date, verified, period_start(verified) or period_start(source_date))


def _age(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def service_hints(
    service: Mapping[str, Any],
    *,
    town: Municipality,
    serves_town: bool,
    age: int | None,
    dates: DataDate,
    today: date,
    stale_after_days: int = STALE_AFTER_DAYS,
) -> tuple[Hint, ...]:
    """What the data already says about a listed service for this person and town."""
    hints = []
    low, high = _age(service.get("minimum_age")), _age(service.get("maximum_age"))
    if age is not None and ((low is not None and age < low) or (high is not None and age > high)):
        hints.append(
            Hint(
                "age_outside",
                f"Leeftijd buiten bereik: deze dienst is {age_range(low, high)}.",
            )
        )
    if not serves_town:
        hints.append(
            Hint(
                "not_serving",
                f"Heeft een adres in {town.name_nl}, maar werkt niet voor die gemeente.",
            )
        )
    status = str(service.get("status") or "active").lower()
    if status != "active":
        hints.append(Hint("inactive", "Niet meer actief volgens de catalogus."))
    months = round(stale_after_days / 30.44)
    if dates.reference is None:
        hints.append(
            Hint("undated", "De bron vermeldt geen datum: controleer of de gegevens nog kloppen.")
        )
    elif (today - dates.reference).days > stale_after_days:
        shown = dates.verified or dates.source_date
        hints.append(
            Hint("stale", f"Gegevens ouder dan {months} maanden (van {shown}): controleer ze.")
        )
    return tuple(hints)


def is_partnership_service(service: Mapping[str, Any], partnerships: Iterable[Partnership]) -> bool:
    """A partnership's own catalogue record is not a regular service to exhaust."""
    name = normalize(str(service.get("name") or ""))
    email = str(service.get("email") or "").strip().lower()
    for partnership in partnerships:
        own = normalize(partnership.name)
        if name == own or name.startswith(own + " "):
            return True
        if email and partnership.contact.email and email == partnership.contact.email.lower():
            return True
    return False


# -- profile values -------------------------------------------------------------------------------

_INT = re.compile(r"\s*([+-]?\d{1,6})\s*", re.ASCII)


def parse_age(value: Any) -> int | None:
    """An age in whole years from a form field or JSON; empty means unknown."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise RecordError("De leeftijd moet een geheel getal zijn (in jaren).")
    if isinstance(value, int):
        number = value
    else:
        match = _INT.fullmatch(str(value))
        if match is None:
            raise RecordError("De leeftijd moet een geheel getal zijn (in jaren).")
        number = int(match.group(1))
    if not MIN_AGE <= number <= MAX_AGE:
        raise RecordError(f"De leeftijd moet tussen {MIN_AGE} en {MAX_AGE} jaar liggen.")
    return number


# -- the saved check (JSON) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """A saved check as the JSON download holds it."""

    created: date
    municipality: Municipality
    domains: tuple[str, ...]
    age: int | None
    flags: Mapping[str, bool | None]
    entries: tuple[Entry, ...]
    # What the file claimed, checked by check_record; None when it claimed nothing.
    given_verdicts: Mapping[str, Any] | None = field(default=None, compare=False)
    given_exhausted: tuple[Any] | None = field(default=None, compare=False)


def _fail(detail: str) -> RecordError:
    return RecordError(f"Dit bestand is geen geldige uitputtingscheck: {detail}")


def _text(value: Any, what: str, limit: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _fail(f"{what} ontbreekt of is geen tekst.")
    if len(value) > limit:
        raise _fail(f"{what} is te lang (hoogstens {limit} tekens).")
    return value.strip()


def _entry(item: Any, where: str, domains: Sequence[str], added: bool) -> Entry:
    if not isinstance(item, Mapping):
        raise _fail(f"{where} is geen object.")
    name = _text(item.get("name"), f"De naam van {where}", MAX_NAME_CHARS)
    what = f"‘{name}’"
    domain = item.get("domain")
    if domain not in domains:
        raise _fail(f"het domein van {what} hoort niet bij de gekozen domeinen.")
    try:
        outcome = ServiceOutcome(item.get("outcome"))
    except ValueError:
        raise _fail(f"onbekende uitkomst {item.get('outcome')!r} bij {what}.") from None
    weeks = item.get("waiting_weeks")
    if weeks is not None and (
        not isinstance(weeks, int) or isinstance(weeks, bool) or not 0 <= weeks <= MAX_WAITING_WEEKS
    ):
        raise _fail(f"de wachttijd bij {what} moet 0 tot {MAX_WAITING_WEEKS} weken zijn.")
    if added:
        service_id = None
        contact = _text(item.get("contact"), f"Het contact van {what}", MAX_NAME_CHARS, False)
    else:
        service_id = _text(item.get("id"), f"De id van {what}", 100)
        contact = None
    source = item.get("source_date")
    if source is not None and not isinstance(source, str):
        raise _fail(f"de brondatum van {what} is geen tekst.")
    return Entry(
        domain=domain,
        name=name,
        outcome=outcome,
        id=service_id,
        organization=_text(item.get("organization"), "De organisatie", MAX_NAME_CHARS, False)
        or None,
        contact=contact or None,
        waiting_weeks=weeks if outcome == ServiceOutcome.WAITING_LIST else None,
        note=_text(item.get("note"), f"De notitie bij {what}", MAX_NOTE_CHARS, False),
        source_date=source,
    )


def parse_record(data: Any, *, gazetteer: Gazetteer, domain_labels: Mapping[str, str]) -> Record:
    """Validate a saved check (the JSON download, notes optional); raises RecordError (Dutch)."""
    if not isinstance(data, Mapping):
        raise _fail("verwacht een JSON-object.")
    if data.get("version") != RECORD_VERSION:
        raise _fail(f"onbekende versie (verwacht {RECORD_VERSION}).")
    try:
        created = date.fromisoformat(str(data.get("created")))
    except ValueError:
        raise _fail("de datum (created) is geen geldige datum.") from None
    place = data.get("municipality")
    nis = place.get("nis") if isinstance(place, Mapping) else None
    try:
        town = gazetteer.by_nis(gazetteer.current_nis(str(nis)))
    except KeyError:
        raise _fail("onbekende gemeente.") from None
    domains = data.get("domains")
    if (
        not isinstance(domains, list)
        or not domains
        or any(d not in domain_labels for d in domains)
        or len(set(domains)) != len(domains)
    ):
        raise _fail("de levensdomeinen ontbreken of zijn onbekend.")
    if isinstance(data.get("age"), str):
        raise _fail("de leeftijd moet een getal zijn.")
    try:
        age = parse_age(data.get("age"))
    except RecordError as exc:
        raise _fail(str(exc)) from None
    flags = {} if data.get("flags") is None else data["flags"]
    if not isinstance(flags, Mapping) or any(
        k not in FLAG_NAMES or (v is not None and not isinstance(v, bool)) for k, v in flags.items()
    ):
        raise _fail("onbekende of ongeldige situatievragen (flags).")
    services, added = data.get("services", []), data.get("added", [])
    if not isinstance(services, list) or not isinstance(added, list):
        raise _fail("services en added moeten lijsten zijn.")
    if len(services) + len(added) > MAX_ENTRIES:
        raise _fail("te veel diensten.")
    entries = [
        _entry(item, f"dienst {i + 1}", domains, added=False) for i, item in enumerate(services)
    ] + [
        _entry(item, f"toegevoegde dienst {i + 1}", domains, added=True)
        for i, item in enumerate(added)
    ]
    keys = [(e.domain, e.id) for e in entries if e.id is not None]
    if len(set(keys)) != len(keys):
        raise _fail("een dienst staat twee keer in hetzelfde domein.")
    given = data.get("verdicts")
    if given is not None and not isinstance(given, Mapping):
        raise _fail("de oordelen (verdicts) zijn geen object.")
    return Record(
        created=created,
        municipality=town,
        domains=tuple(domains),
        age=age,
        flags={name: flags.get(name) for name in FLAG_NAMES},
        entries=tuple(entries),
        given_verdicts=given,
        given_exhausted=(data["exhausted"],) if "exhausted" in data else None,
    )


def check_record(record: Record, domain_labels: Mapping[str, str]) -> dict[str, DomainVerdict]:
    """Recompute the verdicts; a file whose stored verdicts disagree was edited by hand."""
    computed = verdicts(record.domains, record.entries)
    if record.given_verdicts is not None:
        for domain, verdict in computed.items():
            if record.given_verdicts.get(domain) != verdict.as_json():
                raise RecordError(
                    "Het bestand werd gewijzigd: het oordeel voor "
                    f"‘{domain_labels[domain]}’ klopt niet met de uitkomsten van de diensten."
                )
        if set(record.given_verdicts) != set(computed):
            raise RecordError("Het bestand werd gewijzigd: de oordelen horen niet bij de domeinen.")
    exhausted = services_exhausted(computed, record.entries)
    if record.given_exhausted is not None and record.given_exhausted[0] != exhausted:
        raise RecordError("Het bestand werd gewijzigd: het eindoordeel klopt niet.")
    return computed
