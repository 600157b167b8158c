"""Public pages: the home page, which starts with the town and the life domain."""

from __future__ import annotations

from flask import Blueprint, render_template

from directory.reference import domain_labels
from web.state import get_state

bp = Blueprint("pages", __name__)


def municipality_names() -> list[str]:
    """Names for the town field's suggestion list (any other form is accepted too)."""
    return [m.name_nl for m in get_state().gazetteer.municipalities()]


@bp.get("/")
def home() -> str:
    """Home page: start with the town and the life domain."""
    return render_template(
        "home.html",
        domains=list(domain_labels().items()),
        towns=municipality_names(),
    )
