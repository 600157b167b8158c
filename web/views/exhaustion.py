"""The exhaustion check (/uitputtingscheck) and its JSON APIs: partnerships, intake check, verdicts.

Stateless by design, and no profile in a URL: town and life domains (the question) may come from
the link, age and situation flags (the person) only from the POSTed form, so they stay out of
access logs, proxies and browser history. Outcomes and notes stay in the browser tab. Nothing here
logs or stores a profile; every response is sent with ``Cache-Control: no-store``. The rules live
in directory.exhaustion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from sqlalchemy import select

from directory import models as m
from directory.display import age_range, source_date_label
from directory.exhaustion import (
    FLAGS,
    OUTCOME_LABELS,
    Entry,
    Hint,
    RecordError,
    check_record,
    data_date,
    domain_verdict,
    is_partnership_service,
    need_profile,
    parse_age,
    parse_record,
    service_hints,
    services_exhausted,
)
from directory.gazetteer import Gazetteer, Municipality, UnknownMunicipality
from directory.hsds import services_to_hsds
from directory.partnerships import (
    Criterion,
    IntakeCheck,
    Outcome,
    Partnership,
    check_intake,
    default_partnerships,
    partnerships_for,
)
from directory.reference import domain_labels
from indexer import SearchHit, SearchRequest
from indexer.model import MAX_PER_PAGE
from web.state import get_session, get_state
from web.views import clock
from web.views.formatting import dutch_date, tel_href
from web.views.towns import resolve_town

bp = Blueprint("exhaustion", __name__)

MAX_ROWS = 50  # services listed per domain, most relevant first
MAX_PAGES = 10
INTAKE_LABELS = {
    Outcome.MEETS: "Voldoet",
    Outcome.DOES_NOT_MEET: "Voldoet niet",
    Outcome.UNKNOWN: "Nog na te vragen",
}
# The three states of the partnership fact "regular services exhausted", as the page shows them.
EXHAUSTED_VARIANTS = (("unknown", None), ("yes", True), ("no", False))
_FLAG_VALUES = {"": None, "ja": True, "nee": False}
# Fields that describe the person: read from a POSTed form only, never from a URL.
PERSONAL_FIELDS = ("leeftijd", *(flag.param for flag in FLAGS))


@bp.after_request
def _private(response: Response) -> Response:
    """Profiles must not linger in caches or leak to linked sites through the Referer header."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# -- the profile form -----------------------------------------------------------------------------


@dataclass
class ProfileForm:
    """The need profile as typed (to refill the form) and as understood (when valid)."""

    town_text: str = ""
    domain_codes: list[str] = field(default_factory=list)
    age_text: str = ""
    flag_texts: dict[str, str] = field(default_factory=dict)  # param -> "", "ja" or "nee"
    submitted: bool = False
    # A link (old bookmark, hand-made URL) carried age or flags: they were not used.
    ignored_from_link: bool = False
    errors: dict[str, str] = field(default_factory=dict)  # field id -> Dutch message
    suggestions: list[tuple[str, str]] = field(default_factory=list)  # (name, slug)
    town: Municipality | None = None
    age: int | None = None
    flags: dict[str, bool | None] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return self.submitted and not self.errors and self.town is not None

    @property
    def domains(self) -> tuple[str, ...]:
        return tuple(self.domain_codes)


def _clean(value: str | None, limit: int = 100) -> str:
    return "".join(ch for ch in (value or "") if ch.isprintable()).strip()[:limit]


def read_form(values: Any, gazetteer: Gazetteer, *, posted: bool) -> ProfileForm:
    """Parse the profile; every problem becomes a Dutch message beside its field.

    From a link (``posted=False``) only the town and the domains are read; age and flags come from
    the POSTed form alone. A POST is always a submission; a link is one when it says ``toon``.
    """
    labels = domain_labels()
    chosen = _clean(values.get("kies_gemeente")) if posted else ""  # a 'Bedoelde je' button
    form = ProfileForm(
        town_text=chosen or _clean(values.get("gemeente")),
        age_text=_clean(values.get("leeftijd"), 20) if posted else "",
        submitted=posted or "toon" in values,
        ignored_from_link=not posted and any(values.get(name) for name in PERSONAL_FIELDS),
    )
    codes = list(dict.fromkeys(_clean(v, 40).lower() for v in values.getlist("domein")))
    form.domain_codes = [c for c in codes if c in labels]
    unknown = [c for c in codes if c and c not in labels]
    if unknown:
        form.errors["domeinen"] = f"Onbekend levensdomein: {', '.join(unknown)}."
    elif form.submitted and not form.domain_codes:
        form.errors["domeinen"] = "Kies minstens één levensdomein."
    if form.town_text:
        try:
            form.town = resolve_town(form.town_text, gazetteer)
            if chosen:
                form.town_text = form.town.name_nl
        except UnknownMunicipality as exc:
            # The suggestions follow as buttons, so the message leaves them out.
            form.errors["gemeente"] = f"Geen gemeente gevonden voor ‘{exc.query}’."
            form.suggestions = [(s.name_nl, s.slug) for s in exc.suggestions]
    elif form.submitted:
        form.errors["gemeente"] = "Vul de gemeente in waar de persoon woont."
    try:
        form.age = parse_age(form.age_text)
    except RecordError as exc:
        form.errors["leeftijd"] = str(exc)
    for flag in FLAGS:
        text = _clean(values.get(flag.param), 10).lower() if posted else ""
        form.flag_texts[flag.param] = text
        if text in _FLAG_VALUES:
            form.flags[flag.name] = _FLAG_VALUES[text]
        else:
            form.flag_texts[flag.param] = ""
            form.flags[flag.name] = None
            form.errors[f"vlag-{flag.param}"] = f"Kies ja, nee of onbekend bij ‘{flag.label}’."
    return form


def profile_fields(
    town: Municipality, domains: Sequence[str], age: int | None, flags: Mapping[str, bool | None]
) -> dict[str, str | list[str]]:
    """The form fields that reopen a profile when POSTed to the page (the JSON upload does this).

    Fields, not a link: a link with the age and flags would end up in logs and browser history.
    """
    fields: dict[str, str | list[str]] = {"gemeente": town.slug, "domein": list(domains)}
    if age is not None:
        fields["leeftijd"] = str(age)
    for flag in FLAGS:
        value = flags.get(flag.name)
        if value is not None:
            fields[flag.param] = "ja" if value else "nee"
    return fields


# -- the check list -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactLine:
    text: str
    href: str | None


@dataclass(frozen=True)
class ServiceRow:
    key: str  # "<domain>|<service id>": how the browser stores its outcome
    id: str
    name: str
    organization: str
    url: str
    contacts: tuple[ContactLine, ...]
    age_range: str | None
    source_date: str | None
    verified: str | None
    hints: tuple[Hint, ...]

    @property
    def source_label(self) -> str:
        return source_date_label(self.source_date)


@dataclass(frozen=True)
class DomainList:
    code: str
    label: str
    rows: tuple[ServiceRow, ...]
    verdict_message: str
    more: int  # services beyond MAX_ROWS
    search_url: str


def _located_in(hit: SearchHit, town: Municipality, gazetteer: Gazetteer) -> bool:
    for location in hit.locations:
        found = gazetteer.lookup(location.city) if location.city else None
        if found is not None and found.nis == town.nis:
            return True
    return False


def _domain_hits(town: Municipality, domain: str) -> list[SearchHit]:
    """Services of one domain that serve the town or have an address in it, by relevance."""
    state = get_state()
    hits: list[SearchHit] = []
    for page in range(1, MAX_PAGES + 1):
        results = state.index.search(
            SearchRequest(
                municipality=town.name_nl, domains=(domain,), page=page, per_page=MAX_PER_PAGE
            ),
            now=clock.now(),
        )
        hits.extend(
            h for h in results.hits if h.serves_town or _located_in(h, town, state.gazetteer)
        )
        if page * MAX_PER_PAGE >= results.total:
            break
    return hits


def _documents(ids: list[str]) -> tuple[dict[str, dict], dict[str, m.Provenance]]:
    """HSDS documents and record-level provenance of the listed services, in two batched reads."""
    if not ids:
        return {}, {}
    session = get_session()
    services = list(session.scalars(select(m.Service).where(m.Service.id.in_(ids))))
    documents = {d["id"]: d for d in services_to_hsds(session, services)}
    rows = session.scalars(
        select(m.Provenance).where(
            m.Provenance.record_type == "service",
            m.Provenance.field_name == "*",
            m.Provenance.record_id.in_(ids),
        )
    )
    return documents, {row.record_id: row for row in rows}


def _contacts(document: dict) -> tuple[ContactLine, ...]:
    organization = document.get("organization") or {}
    lines = []
    phones = document.get("phones") or organization.get("phones") or []
    if phones and phones[0].get("number"):
        number = phones[0]["number"]
        lines.append(ContactLine(number, tel_href(number)))
    email = document.get("email") or organization.get("email")
    if email:
        lines.append(ContactLine(email, f"mailto:{email}"))
    website = document.get("url") or organization.get("website")
    if website:
        lines.append(ContactLine(website, website))
    return tuple(lines)


def build_checklist(form: ProfileForm, today: date) -> list[DomainList]:
    """Per chosen domain, the regular services for the town with their hints."""
    town = form.town
    assert town is not None
    labels = domain_labels()
    per_domain = {domain: _domain_hits(town, domain) for domain in form.domains}
    ids = list(dict.fromkeys(h.id for hits in per_domain.values() for h in hits))
    documents, provenance = _documents(ids)
    partnerships = default_partnerships()
    stale_after = current_app.config["STALE_AFTER_DAYS"]
    lists = []
    for domain, hits in per_domain.items():
        rows = []
        for hit in hits:
            document = documents.get(hit.id)
            if document is None or is_partnership_service(document, partnerships):
                continue  # stale index entry, or a partnership's own record
            source = provenance.get(hit.id)
            dates = data_date(
                document,
                source_date=source.source_date if source else None,
                verified=source.verified_at if source else None,
            )
            hints = service_hints(
                document,
                town=town,
                serves_town=bool(hit.serves_town),
                age=form.age,
                dates=dates,
                today=today,
                stale_after_days=stale_after,
            )
            rows.append(
                ServiceRow(
                    key=f"{domain}|{hit.id}",
                    id=hit.id,
                    name=hit.name,
                    organization=hit.organization,
                    url=url_for("services.service_page", service_id=hit.id),
                    contacts=_contacts(document),
                    age_range=age_range(document.get("minimum_age"), document.get("maximum_age")),
                    source_date=dates.source_date,
                    verified=dates.verified,
                    hints=hints,
                )
            )
        shown = rows[:MAX_ROWS]
        entries = [Entry(domain=domain, name=row.name, id=row.id) for row in shown]
        lists.append(
            DomainList(
                code=domain,
                label=labels[domain],
                rows=tuple(shown),
                verdict_message=domain_verdict(domain, entries).message,
                more=len(rows) - len(shown),
                search_url=url_for("search.search_page", municipality=town.name_nl, domain=domain),
            )
        )
    return lists


# -- the partnership intake check -----------------------------------------------------------------


@dataclass(frozen=True)
class IntakeVariant:
    state: str  # "unknown", "yes" or "no": the exhaustion fact this check assumed
    check: IntakeCheck


@dataclass(frozen=True)
class PartnershipPanel:
    partnership: Partnership
    variants: tuple[IntakeVariant, ...]
    phone_href: str | None


def partnership_panels(form: ProfileForm) -> list[PartnershipPanel]:
    """Each partnership covering the town, checked once per state of the exhaustion verdict.

    The verdict lives in the browser, so the page carries all three checks and the script shows
    the one that applies; without the script the 'unknown' one shows.
    """
    town = form.town
    assert town is not None
    panels = []
    for partnership in partnerships_for(town.nis):
        variants = tuple(
            IntakeVariant(
                state,
                check_intake(partnership, need_profile(town.nis, form.age, form.flags, exhausted)),
            )
            for state, exhausted in EXHAUSTED_VARIANTS
        )
        phone = partnership.contact.phone
        panels.append(PartnershipPanel(partnership, variants, tel_href(phone) if phone else None))
    return panels


# -- the page -------------------------------------------------------------------------------------


def _town_json(town: Municipality) -> dict[str, str]:
    return {"nis": town.nis, "name": town.name_nl, "slug": town.slug}


def _page_data(form: ProfileForm, sections: list[DomainList]) -> dict[str, Any]:
    """What the script needs to keep outcomes and write the JSON download."""
    assert form.town is not None
    return {
        "municipality": _town_json(form.town),
        "domains": list(form.domains),
        "domain_labels": {s.code: s.label for s in sections},
        "age": form.age,
        "flags": form.flags,
        "services": [
            {
                "key": row.key,
                "id": row.id,
                "name": row.name,
                "organization": row.organization,
                "domain": section.code,
                "source_date": row.source_date,
            }
            for section in sections
            for row in section.rows
        ],
    }


@bp.route("/uitputtingscheck", methods=["GET", "POST"])
def check_page() -> tuple[str, int]:
    """The need profile form and, once it is valid, the check list, the annex and the intake.

    GET takes the town and domains from the link (the town page's prefill); the form POSTs the
    whole profile, so the age and flags never appear in a URL.
    """
    gazetteer = get_state().gazetteer
    posted = request.method == "POST"
    form = read_form(request.form if posted else request.args, gazetteer, posted=posted)
    today = clock.now().date()
    sections: list[DomainList] = []
    panels: list[PartnershipPanel] = []
    if form.ready:
        sections = build_checklist(form, today)
        panels = partnership_panels(form)
    labels = domain_labels()
    page = render_template(
        "exhaustion/check.html",
        form=form,
        flags=FLAGS,
        labels=labels,
        sections=sections,
        panels=panels,
        outcomes=[(str(code), label) for code, label in OUTCOME_LABELS.items()],
        intake_labels={str(k): v for k, v in INTAKE_LABELS.items()},
        today=today,
        today_text=dutch_date(today),
        towns=[t.name_nl for t in gazetteer.municipalities()],
        data=_page_data(form, sections) if form.ready else None,
        verdict_api=url_for("exhaustion.verdict_api"),
        town_entered=(
            form.town_text
            if form.town
            and form.town_text.casefold() not in {form.town.slug, form.town.name_nl.casefold()}
            else None
        ),
    )
    return page, 400 if form.errors else 200


# -- JSON APIs ------------------------------------------------------------------------------------


def _api_error(message: str, status: int) -> tuple[Response, int]:
    return jsonify(ok=False, error=message, status=status), status


def _json_body() -> Any:
    """The request's JSON document; raises RecordError (Dutch) when there is none."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise RecordError("Stuur een JSON-object (Content-Type: application/json).")
    return data


def _criterion_json(criterion: Criterion) -> dict[str, Any]:
    body: dict[str, Any] = {"id": criterion.id, "kind": criterion.kind, "label": criterion.label}
    if criterion.question:
        body["question"] = criterion.question
    if criterion.excluded:
        body["excluded"] = criterion.excluded
    if criterion.min_age is not None:
        body["min_age"] = criterion.min_age
    if criterion.max_age is not None:
        body["max_age"] = criterion.max_age
    if criterion.fact:
        body["fact"] = criterion.fact
        body["expected"] = criterion.expected
    if criterion.facts:
        body["facts"] = list(criterion.facts)
    if criterion.options:
        body["options"] = [_criterion_json(option) for option in criterion.options]
    return body


def _contact_json(partnership: Partnership) -> dict[str, str]:
    contact = partnership.contact
    values = {
        "person": contact.person,
        "email": contact.email,
        "phone": contact.phone,
        "website": contact.website,
        "referral_form": contact.referral_form,
    }
    return {key: value for key, value in values.items() if value}


def _partnership_json(partnership: Partnership) -> dict[str, Any]:
    return {
        "id": partnership.id,
        "name": partnership.name,
        "reference_region": partnership.reference_region,
        "summary": partnership.summary,
        "promoter": partnership.promoter,
        "partners": list(partnership.partners),
        "contact": _contact_json(partnership),
        "referral_steps": list(partnership.referral_steps),
        "criteria": [_criterion_json(c) for c in partnership.criteria],
        "notes": [note.text for note in partnership.notes],
        "municipalities": [
            {
                "nis": town.nis,
                "name": town.name,
                "former": [{"nis": f.nis, "name": f.name} for f in town.former],
            }
            for town in partnership.municipalities
        ],
        "source": partnership.source,
    }


def _no_partnership(town: Municipality) -> str:
    return f"Voor {town.name_nl} kennen we geen lokaal partnerschap."


@bp.get("/api/v1/partnerships")
def partnerships_api() -> tuple[Response, int]:
    """The partnership(s) covering a town (any form: name, postcode, NIS, former municipality)."""
    text = _clean(request.args.get("municipality"))
    if not text:
        return _api_error(
            "Geef een gemeente op met ?municipality= (naam, postcode of NIS-code).", 400
        )
    try:
        town = resolve_town(text, get_state().gazetteer)
    except UnknownMunicipality as exc:
        return _api_error(str(exc), 404)
    found = partnerships_for(town.nis)
    body: dict[str, Any] = {
        "ok": True,
        "municipality": _town_json(town),
        "partnerships": [_partnership_json(p) for p in found],
    }
    if not found:
        body["message"] = _no_partnership(town)
    return jsonify(body), 200


def _check_json(partnership: Partnership, check: IntakeCheck) -> dict[str, Any]:
    return {
        "partnership": {"id": partnership.id, "name": partnership.name},
        "outcome": str(check.outcome),
        "criteria": [
            {
                "id": r.criterion_id,
                "label": r.label,
                "outcome": str(r.outcome),
                "explanation": r.explanation,
                "question": r.question,
            }
            for r in check.results
        ],
        "questions": list(check.questions),
        "notes": list(check.notes),
        "referral": {
            "contact": _contact_json(partnership),
            "steps": list(partnership.referral_steps),
        },
    }


def _optional_bool(data: Mapping[str, Any], key: str, label: str) -> bool | None:
    value = data.get(key)
    if value is not None and not isinstance(value, bool):
        raise RecordError(f"{label} moet true, false of null zijn.")
    return value


def _overall(checks: Sequence[IntakeCheck]) -> str | None:
    """Across partnerships (a town normally has one): the best outcome."""
    outcomes = {check.outcome for check in checks}
    for outcome in (Outcome.MEETS, Outcome.UNKNOWN, Outcome.DOES_NOT_MEET):
        if outcome in outcomes:
            return str(outcome)
    return None


@bp.post("/api/v1/partnerships/check")
def partnership_check_api() -> tuple[Response, int]:
    """A need profile as JSON -> per partnership and criterion: meets / does_not_meet / unknown."""
    gazetteer = get_state().gazetteer
    try:
        data = _json_body()
        place = data.get("municipality")
        if isinstance(place, Mapping):
            place = place.get("nis")
        if place is not None and not isinstance(place, str):
            raise RecordError("municipality moet een tekst zijn (naam, postcode of NIS-code).")
        age = parse_age(data.get("age"))
        flags = {} if data.get("flags") is None else data["flags"]
        if not isinstance(flags, Mapping):
            raise RecordError("flags moet een object zijn.")
        known = {flag.name for flag in FLAGS}
        unknown = sorted(set(flags) - known)
        if unknown:
            names = ", ".join(sorted(known))
            raise RecordError(f"Onbekende situatievraag: {', '.join(unknown)}. Gekend: {names}.")
        facts = {name: _optional_bool(flags, name, f"flags.{name}") for name in known}
        key = "regular_services_exhausted" if "regular_services_exhausted" in data else "exhausted"
        exhausted = _optional_bool(data, key, key)
        wanted = data.get("partnership")
        if wanted is not None and not isinstance(wanted, str):
            raise RecordError("partnership moet de id van een partnerschap zijn.")
        if not place and not wanted:
            raise RecordError("Geef een gemeente (municipality) of een partnerschap (partnership).")
    except RecordError as exc:
        return _api_error(str(exc), 400)
    town = None
    if place:
        try:
            town = resolve_town(_clean(place), gazetteer)
        except UnknownMunicipality as exc:
            return _api_error(str(exc), 404)
    if wanted:
        chosen = [p for p in default_partnerships() if p.id == wanted]
        if not chosen:
            return _api_error(f"Onbekend partnerschap: ‘{_clean(wanted, 60)}’.", 404)
    else:
        assert town is not None
        chosen = partnerships_for(town.nis)
    profile = need_profile(town.nis if town else None, age, facts, exhausted)
    checks = [(p, check_intake(p, profile)) for p in chosen]
    body: dict[str, Any] = {
        "ok": True,
        "municipality": _town_json(town) if town else None,
        "outcome": _overall([check for _, check in checks]),
        "checks": [_check_json(p, check) for p, check in checks],
    }
    if not checks and town is not None:
        body["message"] = _no_partnership(town)
    return jsonify(body), 200


@bp.post("/api/v1/exhaustion/verdict")
def verdict_api() -> tuple[Response, int]:
    """A saved check (notes optional) -> verdict per domain; refuses a file edited by hand.

    ``reopen`` gives the form fields to POST to the page, never a link: a link would carry the
    age and flags into logs and browser history.
    """
    labels = domain_labels()
    try:
        record = parse_record(_json_body(), gazetteer=get_state().gazetteer, domain_labels=labels)
        computed = check_record(record, labels)
    except RecordError as exc:
        return _api_error(str(exc), 400)
    return jsonify(
        ok=True,
        municipality=_town_json(record.municipality),
        verdicts={domain: verdict.as_json() for domain, verdict in computed.items()},
        messages={domain: verdict.message for domain, verdict in computed.items()},
        exhausted=services_exhausted(computed, record.entries),
        reopen={
            "method": "post",
            "action": url_for("exhaustion.check_page"),
            "fields": profile_fields(record.municipality, record.domains, record.age, record.flags),
        },
    ), 200
