"""Per-process state: the database engine, a session per request, the gazetteer and the index.

One search index object per process, reused across requests (see notes on Whoosh searchers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from directory.db import make_engine, make_session_factory
from directory.gazetteer import Gazetteer, default_gazetteer
from directory.geo import Geocoder, GeopyGeocoder, OfflineGeocoder
from indexer import SearchIndex


@dataclass
class AppState:
    """What the app keeps for its lifetime; built once in ``init_app``."""

    engine: Engine
    sessions: sessionmaker[Session]
    gazetteer: Gazetteer
    index_dir: Path
    geocoder_name: str
    _index: SearchIndex | None = field(default=None, repr=False)

    @property
    def index(self) -> SearchIndex:
        """The search index, opened (or created empty) on first use."""
        if self._index is None:
            self._index = SearchIndex.open_or_create(self.index_dir)
        return self._index

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
