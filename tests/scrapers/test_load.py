"""Scraped pages into the catalogue: proposals, trust rules, editor corrections that survive.

The local HTTP server (localsite.py) stands in for the internet; the database is a real SQLite file.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from directory.changes import edit_field, pending_changes
from directory.db import make_engine, make_session_factory
from directory.gazetteer import Gazetteer
from directory.hsds import service_to_hsds
from directory.models import Base, ProposedChange, Service
from scrapers.config import SourceConfig
from scrapers.crawl import PageOutcome
from scrapers.http import Fetcher
from scrapers.load import load_pages
from scrapers.run import run_source


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'scrape.sqlite'}")
    Base.metadata.create_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


def run(
    sessions: sessionmaker[Session],
    source: SourceConfig,
    fetcher: Fetcher,
    gazetteer: Gazetteer,
    dry_run: bool = False,
) -> list:
    pages = run_source(source, fetcher)
    return list(load_pages(sessions, pages, source=source, gazetteer=gazetteer, dry_run=dry_run))


def count(sessions: sessionmaker[Session], model: type) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_an_untrusted_source_only_proposes_new_services(
    sessions: sessionmaker[Session],
    sources: dict[str, SourceConfig],
    fetcher: Fetcher,
    gazetteer: Gazetteer,
) -> None:
    outcomes = run(sessions, sources["sociaal-huis-voorbeeld"], fetcher, gazetteer)
    new = [o for o in outcomes if o.result == "new"]
    assert new and count(sessions, Service) == 0
    with sessions() as session:
        assert len(pending_changes(session)) == len(new)


def test_a_dry_run_writes_nothing(
    sessions: sessionmaker[Session],
    sources: dict[str, SourceConfig],
    fetcher: Fetcher,
    gazetteer: Gazetteer,
) -> None:
    outcomes = run(sessions, sources["sociaal-huis-voorbeeld"], fetcher, gazetteer, dry_run=True)
    assert any(o.result == "new" for o in outcomes)
    assert count(sessions, ProposedChange) == 0 and count(sessions, Service) == 0


def test_a_hand_correction_survives_a_scrape_that_disagrees(
    sessions: sessionmaker[Session],
    sources: dict[str, SourceConfig],
    fetcher: Fetcher,
    gazetteer: Gazetteer,
) -> None:
    trusted = dataclasses.replace(
        sources["sociaal-huis-voorbeeld"], auto_accept_new=True, auto_accept_changes=True
    )
    first = run(sessions, trusted, fetcher, gazetteer)
    added = [o for o in first if o.result == "added"]
    assert added and count(sessions, Service) == len(added)
    with sessions() as session:
        target = next(
            s for s in session.scalars(select(Service)) if service_to_hsds(session, s)["phones"]
        )
        target_id = target.id
    correction = [{"id": "0e0c4d1f-8f0b-4d0a-9c47-0a6a3c1f0b11", "number": "051 11 22 33"}]
    with sessions.begin() as session:
        edit_field(
            session, target_id, "phones", correction, actor="editor@ocmw", gazetteer=gazetteer
        )
    second = run(sessions, trusted, fetcher, gazetteer)
    mine = [o for o in second if o.service_id == target_id]
    assert [o.result for o in mine] == ["changed"]  # proposed, not applied
    with sessions() as session:
        stored = service_to_hsds(session, session.get(Service, target_id))
        assert [p["number"] for p in stored["phones"]] == ["051 11 22 33"]
        [proposal] = [c for c in pending_changes(session) if c.record_id == target_id]
        assert (
            proposal.field_name == "phones" and proposal.source == "scraper:sociaal-huis-voorbeeld"
        )
    others = [o for o in second if o.service_id != target_id and o.result != "failed"]
    assert others and all(o.result == "unchanged" for o in others)


def test_failed_pages_are_reported_and_touch_nothing(
    sessions: sessionmaker[Session],
    sources: dict[str, SourceConfig],
    fetcher: Fetcher,
    gazetteer: Gazetteer,
) -> None:
    source = dataclasses.replace(
        sources["sociaal-huis-voorbeeld"],
        start_urls=(sources["sociaal-huis-voorbeeld"].base_url + "bestaat-niet/",),
    )
    outcomes = run(sessions, source, fetcher, gazetteer)
    assert [o.result for o in outcomes] == ["failed"]
    assert "404" in outcomes[0].detail
    assert count(sessions, ProposedChange) == 0


@pytest.mark.parametrize(
    ("trusted", "results", "stored"),
    [
        (False, ["failed", "new", "new"], ProposedChange),
        (True, ["failed", "added", "added"], Service),
    ],
)
def test_a_record_that_cannot_be_stored_costs_only_that_record(
    sessions: sessionmaker[Session],
    sources: dict[str, SourceConfig],
    fetcher: Fetcher,
    gazetteer: Gazetteer,
    trusted: bool,
    results: list[str],
    stored: type,
) -> None:
    source = dataclasses.replace(sources["sociaal-huis-voorbeeld"], auto_accept_new=trusted)
    first, second, third = [page for page in run_source(source, fetcher) if page.services]
    broken = copy.deepcopy(third.services[0])
    # Valid HSDS, but an adapter bug left a value the database cannot store as JSON.
    broken["x-source"]["retrieved"] = date(2026, 11, 22)
    pages = [dataclasses.replace(first, services=[broken, *first.services]), second]

    outcomes = list(load_pages(sessions, pages, source=source, gazetteer=gazetteer))

    assert [o.result for o in outcomes] == results
    assert outcomes[0].service_id == broken["id"] and outcomes[0].detail == (
        "not stored (StatementError: (builtins.TypeError) "
        "Object of type date is not JSON serializable)"
    )
    # The broken record left nothing behind; its page-mate and the next page were stored.
    assert count(sessions, stored) == 2
    with sessions() as session:
        assert session.get(Service, broken["id"]) is None


def test_a_failed_page_outcome_is_reported_not_loaded(
    sessions: sessionmaker[Session], sources: dict[str, SourceConfig], gazetteer: Gazetteer
) -> None:
    page = PageOutcome("http://10.0.0.1/", "failed", "refused: private address 10.0.0.1")
    [outcome] = load_pages(
        sessions, [page], source=sources["sociaal-huis-voorbeeld"], gazetteer=gazetteer
    )

    assert (outcome.result, outcome.detail) == ("failed", "refused: private address 10.0.0.1")
