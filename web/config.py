"""Settings: defaults here, overridden by ``SOCIALEKAART_*`` environment variables, then tests.

Every key is documented in the README's settings table (a test checks it).
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # SQLAlchemy URL; empty means SQLite in the instance folder.
    "DATABASE_URL": "",
    # Folder of the Whoosh index; empty means "index" in the instance folder.
    "INDEX_DIR": "",
    # Map tiles: any XYZ tile server; markers and outlines show even when it is unreachable.
    "TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    "TILE_ATTRIBUTION": "&copy; OpenStreetMap-bijdragers",
    # "offline" (gazetteer only) or "nominatim" (opt-in; rate-limited and cached).
    "GEOCODER": "offline",
    # Records whose source is older than this many days get a visible warning.
    "STALE_AFTER_DAYS": 365,
    # Results per page on the search page and the API's default.
    "PER_PAGE": 20,
    # Secret for signing cookies; set it in production.
    "SECRET_KEY": "dev-only-change-me",
    # Largest request body in bytes (1 MB); a bigger one gets a Dutch 413 page or JSON error.
    "MAX_CONTENT_LENGTH": 1_000_000,
}
