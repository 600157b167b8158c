"""Shared fixtures: a real database (SQLite, or PostgreSQL when SOCIALEKAART_TEST_DATABASE_URL is
set), the real Flask app on a temp instance, its test client and CLI runner."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from directory.db import make_engine
from directory.gazetteer import Gazetteer, default_gazetteer
from directory.models import Base

ROOT = Path(__file__).resolve().parent.parent
STARTER_CATALOGUE = ROOT / "data" / "catalogue" / "catalogue.hsds.json"
HSDS_EXAMPLES = ROOT / "tests" / "fixtures" / "hsds"


def pytest_report_header() -> str:
    url = os.environ.get("SOCIALEKAART_TEST_DATABASE_URL")
    return f"database tests on: {'PostgreSQL' if url else 'SQLite'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """PostgreSQL in a throw-away schema when configured, else a SQLite file."""
    url = os.environ.get("SOCIALEKAART_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
        return
    schema = f"test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    yield session
    session.close()
    transaction.rollback()
    connection.close()


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return default_gazetteer()


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The real app on a fresh SQLite database and index in a temp folder."""
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
            "INDEX_DIR": str(tmp_path / "index"),
        }
    )
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
