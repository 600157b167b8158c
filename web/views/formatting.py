"""Dutch display formats shared by the pages: distances, dates, ages, phone and web links,
language names.

Pure functions; no flask.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from directory.opening_hours import MONTH_NAMES

LANGUAGE_NAMES = {
    "nl": "Nederlands",
    "fr": "Frans",
    "en": "Engels",
    "de": "Duits",
    "ar": "Arabisch",
    "tr": "Turks",
    "ru": "Russisch",
    "uk": "Oekraïens",
    "pl": "Pools",
    "ro": "Roemeens",
    "bg": "Bulgaars",
    "es": "Spaans",
    "it": "Italiaans",
    "pt": "Portugees",
    "fa": "Perzisch",
    "prs": "Dari",
    "ps": "Pasjtoe",
    "so": "Somalisch",
    "ti": "Tigrinya",
    "am": "Amhaars",
    "sq": "Albanees",
    "ku": "Koerdisch",
    "ber": "Berbers",
    "zh": "Chinees",
    "vgt": "Vlaamse Gebarentaal",
}
_PHONE_KEEP = re.compile(r"[^\d+]")
_ISO_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
LINK_SCHEMES = frozenset({"http", "https"})


def language_name(code: str) -> str:
    """Dutch name of a language code; the code itself when we do not know it."""
    return LANGUAGE_NAMES.get(code.lower(), code)


def km(value: float) -> str:
    """'3,2 km' (Dutch decimal comma); under 1 km in metres."""
    if value < 1:
        return f"{round(value * 1000 / 50) * 50:.0f} m"
    return f"{value:.1f} km".replace(".", ",")


def dutch_date(day: date) -> str:
    """'22 november 2026'."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def tel_href(number: str, extension: str | None = None) -> str | None:
    """'tel:' link of a written phone number ('051 23 35 00' -> 'tel:051233500'); None if empty.

    '+32 (0)51 ...' drops the '(0)', which is only dialled from inside the country.
    """
    digits = _PHONE_KEEP.sub("", (number or "").replace("(0)", ""))
    if not re.search(r"\d{3}", digits):
        return None
    if extension and extension.strip().isdigit():
        digits += f",{extension.strip()}"
    return f"tel:{digits}"


def safe_link(url: object) -> str | None:
    """A catalogue URL fit for an href (http or https with a host), else None.

    Catalogue data comes from scrapers and imports: a 'javascript:' or 'data:' URL rendered as a
    link would run script on our pages, so anything else is treated as a missing link. Takes any
    JSON value because HSDS documents are not type-checked this far.
    """
    text = url.strip() if isinstance(url, str) else ""
    if not text or _CONTROL.search(text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.hostname:
        return None
    return text
