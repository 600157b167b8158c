"""Per-process state: the database engine, a session per request, the gazetteer and the index.

One search index object per process, reused across requests (see notes on Whoosh searchers).
Searches are serialised per process, so production scales with processes: gunicorn with several
workers and ``--threads 1`` (see docs/web.md).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from directory.db import make_engine, make_session_factory, make_writer_session_factory
from directory.gazetteer import Gazetteer, default_gazetteer
from directory.geo import Geocoder, GeopyGeocoder, OfflineGeocoder
from indexer import SearchIndex


@dataclass
class AppState:
    """What the app keeps for its lifetime; built once in ``init_app``.

    Shared by every thread of one process. The index is opened lazily under a lock, so two threads
    answering the first requests at once cannot open (or create) it twice; per process there is
    exactly one ``SearchIndex``.
    """

    engine: Engine
    sessions: sessionmaker[Session]
    # Write units (imports, scraped pages, review decisions) take the write lock up front.
    writers: sessionmaker[Session]
    gazetteer: Gazetteer
    index_dir: Path
    geocoder_name: str
    _index: SearchIndex | None = field(default=None, repr=False)
    _index_lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def index(self) -> SearchIndex:
        """The search index, opened (or created empty) on first use; one per process."""
        index = self._index
        if index is None:
            with self._index_lock:
                if self._index is None:  # another thread may have opened it while we waited
                    self._index = SearchIndex.open_or_create(self.index_dir)
                index = self._index
        return index

    def geocoder(self) -> Geocoder:
        """Offline by default; Nominatim only when the setting asks for it."""
        offline = OfflineGeocoder(self.gazetteer)
        if self.geocoder_name == "nominatim":
            return GeopyGeocoder("socialekaart/0.1", fallback=offline)
        return offline


def init_app(app: Flask) -> None:
    """Create the engine and register the per-request session teardown."""
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["socialekaart"] = AppState(
        engine=engine,
        sessions=make_session_factory(engine),
        writers=make_writer_session_factory(engine),
        gazetteer=default_gazetteer(),
        index_dir=Path(app.config["INDEX_DIR"]),
        geocoder_name=app.config["GEOCODER"],
    )
    app.teardown_appcontext(_close_session)


def get_state() -> AppState:
    """The running app's state."""
    return current_app.extensions["socialekaart"]


def get_session() -> Session:
    """The request's database session, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_state().sessions()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
