"""Blueprints of the web app; ``init_app`` registers them all."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint."""
    from web.views import pages

    app.register_blueprint(pages.bp)

    from web.views import hsds

    app.register_blueprint(hsds.bp)
