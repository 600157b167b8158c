"""Fixtures for the web tests: one app loaded with the starter catalogue per session, a fixed
clock, and the same app served by a real werkzeug server on 127.0.0.1 for the browser tests."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from tests.conftest import STARTER_CATALOGUE
from web import create_app
from web.views import clock

# A Monday morning outside public holidays: opening hours in the tests do not depend on the day.
FIXED_NOW = datetime(2026, 11, 23, 10, 30, tzinfo=clock.BRUSSELS)
TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.fixture(scope="session")
def loaded_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The real app with the bundled catalogue, set up as a user would: init, import, index."""
    instance = tmp_path_factory.mktemp("web-instance")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{instance / 'app.sqlite'}",
            "INDEX_DIR": str(instance / "index"),
            "TILE_URL": TILE_URL,
        }
    )
    runner = app.test_cli_runner()
    for args in (["init"], ["import", str(STARTER_CATALOGUE)], ["index", "rebuild"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    return app


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Every web test runs at FIXED_NOW (opening states, 'open now', stale warnings)."""
    monkeypatch.setattr(clock, "now", lambda: FIXED_NOW)
    return FIXED_NOW


@pytest.fixture
def web(loaded_app: Flask) -> FlaskClient:
    """A test client of the loaded app."""
    return loaded_app.test_client()


@pytest.fixture(scope="session")
def live_server(loaded_app: Flask) -> Iterator[str]:
    """The loaded app behind a real threaded werkzeug server; yields its base URL."""
    server = make_server("127.0.0.1", 0, loaded_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (git-ignored)."""
    folder = Path(__file__).resolve().parents[1] / "artifacts"
    folder.mkdir(exist_ok=True)
    return folder


# -- a real browser: Debian's Chromium, never a downloaded one ------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for every browser test (skipped only outside CI when missing)."""
    if not Path(CHROMIUM).exists():
        message = "Debian's chromium is not installed (make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()
