"""Blueprints of the web app; ``init_app`` registers them all."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register every blueprint and the error pages."""
    from web.views import (
        api,
        errors,
        exhaustion,
        hsds,
        pages,
        rights,
        search,
        services,
        towns,
    )

    for module in (pages, search, services, towns, api, exhaustion, rights, hsds):
        app.register_blueprint(module.bp)
    errors.init_app(app)
