"""The Flask app: pages, JSON API, HSDS API and maps. Only this package imports flask and folium."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from web import cli, security, state
from web.config import DEFAULTS

__all__ = ["create_app"]


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then ``SOCIALEKAART_*`` environment variables, then test config."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("SOCIALEKAART")
    if test_config is not None:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'socialekaart.sqlite'}"
    if not app.config["INDEX_DIR"]:
        app.config["INDEX_DIR"] = str(Path(app.instance_path) / "index")
    state.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    from web import views

    views.init_app(app)
    return app
