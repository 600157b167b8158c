"""Engine and session factories, and schema creation through Alembic.

No module-level engine: callers pass a URL in, so tests and the web app each own theirs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; on SQLite, enforce foreign keys and let readers run beside one writer."""
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling breaks SAVEPOINTs, which imports rely on to
            # reject one record without losing the others: we emit BEGIN ourselves instead.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url and url != "sqlite://":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection: Any) -> None:
            # Writers take the write lock up front (BEGIN IMMEDIATE): a deferred transaction that
            # read first and writes later fails at once when another writer committed meanwhile.
            mode = connection.get_execution_options().get("sqlite_begin", "")
            connection.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit (views render after commit)."""
    return sessionmaker(engine, expire_on_commit=False)


def make_writer_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for write units (an import, a scraped page, a review decision).

    On SQLite they begin with the write lock taken, so concurrent writers wait their turn
    (busy_timeout) instead of failing halfway; on PostgreSQL they are ordinary sessions.
    """
    return sessionmaker(engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False)


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Bring the database to the newest schema (production path: never ``create_all``)."""
    command.upgrade(alembic_config(url), "head")
