"""How a service's source date and age range read in Dutch, the same on every page and annex.

Pure functions on catalogue values; imports nothing of ours and no web library.
"""

from __future__ import annotations

import re
from datetime import date

UNDATED = "niet gedateerd"

_DATE = re.compile(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


def period_start(text: str | None) -> date | None:
    """First day of the period a source date names ('2022-06' -> 1 June 2022); None if undated.

    The start, not the end: a warning about old data should rather come too early than too late.
    """
    match = _DATE.match(text or "")
    if match is None:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def source_date_label(text: str | None) -> str:
    """A source date as a referrer reads it: catalogue notes write 'undated (~2019)'.

    'undated (~2019)' -> 'niet gedateerd (~2019)'; no date at all -> 'niet gedateerd'; a date
    stays as the source wrote it.
    """
    text = (text or "").strip()
    if not text:
        return UNDATED
    if text.lower().startswith("undated"):
        return UNDATED + text[len("undated") :]
    return text


def age_range(minimum: float | None, maximum: float | None) -> str | None:
    """'vanaf 17 jaar', 'tot 25 jaar', '10 tot 20 jaar'; None when the source gives no ages."""
    low = int(minimum) if minimum is not None else None
    high = int(maximum) if maximum is not None else None
    if low is not None and high is not None:
        return f"{low} tot {high} jaar"
    if low is not None:
        return f"vanaf {low} jaar"
    if high is not None:
        return f"tot {high} jaar"
    return None
