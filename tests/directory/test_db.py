"""SQLite transactions: writers queue for the lock instead of failing halfway."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from directory.catalogue import audit
from directory.db import make_engine, make_session_factory, make_writer_session_factory
from directory.models import AuditEntry, Base


def race(tmp_path: Path, writer: bool) -> list[str]:
    """A reads, B commits meanwhile, then A writes: the classic WAL stale-snapshot failure."""
    engine = make_engine(f"sqlite:///{tmp_path / f'race-{writer}.sqlite'}")
    Base.metadata.create_all(engine)
    factory = make_writer_session_factory(engine) if writer else make_session_factory(engine)
    started = threading.Event()

    def other() -> None:
        started.wait()
        with factory.begin() as session:
            audit(session, "b", "b")

    thread = threading.Thread(target=other)
    thread.start()
    try:
        with factory.begin() as session:
            session.scalars(select(AuditEntry)).all()
            started.set()
            time.sleep(0.3)
            audit(session, "a", "a")
    finally:
        thread.join()
    with make_session_factory(engine)() as session:
        actions = sorted(e.action for e in session.scalars(select(AuditEntry)))
    engine.dispose()
    return actions


def test_writer_sessions_take_turns(tmp_path: Path) -> None:
    assert race(tmp_path, writer=True) == ["a", "b"]


def test_plain_sessions_would_fail_halfway(tmp_path: Path) -> None:
    with pytest.raises(OperationalError, match="locked"):
        race(tmp_path, writer=False)
