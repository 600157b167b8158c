"""Public pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pages", __name__)


@bp.get("/")
def home() -> str:
    """Home page: start with the town and the life domain."""
    return "<!doctype html><html lang='nl'><title>socialekaart</title><h1>Sociale kaart</h1></html>"
