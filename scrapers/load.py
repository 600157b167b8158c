"""From scraped pages to the catalogue: match, diff, then propose (or, for trusted sources, apply).

Each page is its own transaction (a run killed halfway leaves no half-applied page) and each
service its own savepoint (a record that cannot be stored is reported, the others kept). A field
an editor set by hand is only ever proposed, whatever the source's trust.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from directory.catalogue import audit, upsert_service
from directory.changes import Proposal, accept_change, editor_fields, propose
from directory.gazetteer import Gazetteer
from directory.hsds import iter_service_documents
from directory.validation import service_problems
from scrapers.config import SourceConfig
from scrapers.crawl import PageOutcome
from scrapers.match import ServiceIndex, compare_service

LOAD_RESULTS = ("new", "added", "changed", "applied", "unchanged", "failed")


@dataclass(frozen=True)
class LoadOutcome:
    """What one scraped service (or one failed page) did to the catalogue."""

    url: str
    result: str  # "new", "added", "changed", "applied", "unchanged", "failed"
    service_id: str | None = None
    name: str | None = None
    detail: str = ""


def _source_name(source: SourceConfig) -> str:
    return f"scraper:{source.id}"


def _in_savepoint(
    session: Session, scraped: dict, url: str, load: Callable[[Session, dict, str], LoadOutcome]
) -> LoadOutcome:
    """Load one scraped service inside a savepoint; any fault becomes a "failed" outcome.

    Scraped data is hostile input: whatever it breaks (a value the database refuses, a bug in an
    adapter) must cost that one record, never the page or the run.
    """
    try:
        with session.begin_nested():
            return load(session, scraped, url)
    except Exception as exc:  # noqa: BLE001 - reported per record; the run goes on
        reason = f"not stored ({type(exc).__name__}: {_first_line(exc)})"
        return LoadOutcome(url, "failed", scraped.get("id"), scraped.get("name"), reason)


def _first_line(exc: Exception) -> str:
    """Database errors carry the whole statement and parameters; the first line says why."""
    return (str(exc) or type(exc).__name__).splitlines()[0]


def _load_service(
    session: Session,
    scraped: dict,
    url: str,
    *,
    index: ServiceIndex,
    source: SourceConfig,
    gazetteer: Gazetteer,
) -> LoadOutcome:
    problems = service_problems(scraped, gazetteer.postcode_exists)
    if problems:
        return LoadOutcome(url, "failed", scraped.get("id"), scraped.get("name"), str(problems[0]))
    comparison = compare_service(scraped, index)
    name = scraped.get("name")
    if comparison.status == "unchanged" and comparison.match is not None:
        return LoadOutcome(url, "unchanged", comparison.match.service_id, name)
    if comparison.match is None:
        if source.auto_accept_new:
            upsert_service(session, scraped, source=_source_name(source), gazetteer=gazetteer)
            audit(session, _source_name(source), "add", "service", scraped["id"], url)
            return LoadOutcome(url, "added", scraped["id"], name)
        propose(
            session,
            service_id=scraped["id"],
            proposals=[Proposal("*", None, name)],
            scraped=scraped,
            source=_source_name(source),
            source_url=url,
        )
        return LoadOutcome(url, "new", scraped["id"], name, "proposed as a new service")
    service_id = comparison.match.service_id
    protected = editor_fields(session, service_id)
    stored = propose(
        session,
        service_id=service_id,
        proposals=[Proposal(c.field, c.old, c.new) for c in comparison.changes],
        scraped=scraped,
        source=_source_name(source),
        source_url=url,
    )
    applied = [
        accept_change(session, change.id, actor=_source_name(source), gazetteer=gazetteer)
        for change in stored
        if source.auto_accept_changes and change.field_name not in protected
    ]
    fields = ", ".join(c.field for c in comparison.changes)
    if applied:
        return LoadOutcome(url, "applied", service_id, name, f"applied: {fields}")
    return LoadOutcome(url, "changed", service_id, name, f"proposed: {fields}")


def load_pages(
    sessions: sessionmaker[Session],
    pages: Iterable[PageOutcome],
    *,
    source: SourceConfig,
    gazetteer: Gazetteer,
    dry_run: bool = False,
) -> Iterator[LoadOutcome]:
    """Compare every scraped service with the catalogue and record what should change.

    With ``dry_run`` every page's transaction is rolled back: the report without the writes.
    """
    with sessions() as session:
        index = ServiceIndex(list(iter_service_documents(session)))
    load = partial(_load_service, index=index, source=source, gazetteer=gazetteer)
    for page in pages:
        if page.status != "ok":
            yield LoadOutcome(page.url, "failed", detail=page.reason or "failed")
            continue
        with sessions() as session, session.begin():
            outcomes = [
                _in_savepoint(session, scraped, page.url, load) for scraped in page.services
            ]
            if dry_run:
                session.rollback()
        yield from outcomes
