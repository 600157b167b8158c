"""The current time of the web views, in one place so tests can fix it (monkeypatch ``now``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")


def now() -> datetime:
    """Now, in Brussels: opening hours and 'open now' are local wall-clock times."""
    return datetime.now(BRUSSELS)
