"""Scraped pages into the catalogue: proposals, trust rules, editor corrections that survive.

The local HTTP server (localsite.py) stands in for the internet; the database is a real SQLite file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
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


def test_the_scrape_commands(site, tmp_path: Path) -> None:  # noqa: ANN001 - fixture
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
            "INDEX_DIR": str(tmp_path / "index"),
        }
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    listing = runner.invoke(args=["scrape", "list"])
    assert "sociaal-huis-voorbeeld" in listing.output and "review everything" in listing.output
    base = site.url("/sociaal_huis/")
    dry = runner.invoke(
        args=["scrape", "run", "sociaal-huis-voorbeeld", "--base-url", base, "--dry-run"]
    )
    assert dry.exit_code == 0, dry.output
    assert "(dry run: nothing written)" in dry.output and " new" in dry.output
    real = runner.invoke(args=["scrape", "run", "sociaal-huis-voorbeeld", "--base-url", base])
    summary = real.output.splitlines()[-1]
    # The fixture site has 3 good product pages and 3 broken ones (lost address block...).
    assert summary == (
        "sociaal-huis-voorbeeld: 3 new, 0 added, 0 changed, 0 applied, 0 unchanged, 3 failed"
    )
    pending = runner.invoke(args=["changes", "list"])
    assert "3 pending change(s)." in pending.output
    page = next((Path(__file__).parent / "fixtures" / "jsonld" / "organisaties").glob("*.html"))
    one = runner.invoke(
        args=["scrape", "url", site.url(f"/jsonld/organisaties/{page.name}"), "--dry-run", "--json"]
    )
    assert one.exit_code == 0, one.output
    assert '"name":' in one.output and '"x-source"' in one.output
    missing = runner.invoke(args=["scrape", "url", site.url("/bestaat-niet"), "--dry-run"])
    assert missing.exit_code == 1 and "HTTP 404" in missing.output
