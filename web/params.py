"""Query-string parsing: request args -> indexer.SearchRequest, with Dutch errors for users.

Shared by the search page and the JSON API so both accept exactly the same parameters. Imports no
flask: it reads any mapping with ``get``/``getlist`` (werkzeug's MultiDict).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Protocol

from indexer import SearchRequest
from indexer.model import MAX_PER_PAGE, SORTS

MAX_QUERY_CHARS = 300
MAX_PAGE = 500
MAX_VALUES = 20  # repeated parameters (domain, target_group) beyond this are an error
_INT = re.compile(r"\s*([+-]?\d{1,6})\s*", re.ASCII)
_FLOAT = re.compile(r"\s*([+-]?\d{1,6}(?:[.,]\d{1,12})?)\s*", re.ASCII)
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})?", re.ASCII)
_TRUE = frozenset({"1", "true", "ja", "on", "yes"})
_FALSE = frozenset({"0", "false", "nee", "off", "no"})
# Characters no search needs; stripping them keeps logs and snippets clean.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Every parameter the search understands, in the order of the API documentation.
SEARCH_PARAMETERS = (
    "q",
    "municipality",
    "domain",
    "target_group",
    "organization",
    "age",
    "free",
    "language",
    "open_now",
    "near",
    "radius_km",
    "sort",
    "page",
    "per_page",
)


class ParamError(ValueError):
    """A parameter value we cannot use; str() is a Dutch sentence for the user."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        super().__init__(message)


class Args(Protocol):
    def get(self, key: str, default: str | None = None) -> str | None: ...

    def getlist(self, key: str) -> list[str]: ...


def _text(args: Args, name: str) -> str:
    return _CONTROL.sub("", args.get(name) or "").strip()


def parse_int(value: str, name: str, label: str, low: int, high: int) -> int:
    """An ASCII integer within [low, high]; int() alone would accept '٣' or '1_0'."""
    match = _INT.fullmatch(value)
    if match is None:
        raise ParamError(name, f"{label} moet een geheel getal zijn.")
    number = int(match.group(1))
    if not low <= number <= high:
        raise ParamError(name, f"{label} moet tussen {low} en {high} liggen.")
    return number


def parse_float(value: str, name: str, label: str) -> float:
    """A plain decimal number (point or comma); no exponents, NaN or infinity."""
    match = _FLOAT.fullmatch(value)
    if match is None:
        raise ParamError(name, f"{label} moet een getal zijn.")
    number = float(match.group(1).replace(",", "."))
    if not math.isfinite(number):
        raise ParamError(name, f"{label} moet een getal zijn.")
    return number


def parse_bool(value: str, name: str, label: str) -> bool | None:
    """'1/0', 'ja/nee', 'true/false', 'on/off'; empty means not set."""
    folded = value.strip().lower()
    if not folded:
        return None
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ParamError(name, f"{label}: gebruik 1 (ja) of 0 (nee).")


def parse_point(value: str, name: str = "near") -> tuple[float, float]:
    """'lat,lon' in decimal degrees."""
    parts = value.split(",")
    if len(parts) != 2:
        raise ParamError(name, "Geef een punt als breedtegraad,lengtegraad (bv. 50.95,3.12).")
    lat = parse_float(parts[0], name, "De breedtegraad")
    lon = parse_float(parts[1], name, "De lengtegraad")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ParamError(
            name, "Dat punt bestaat niet: breedtegraad -90..90, lengtegraad -180..180."
        )
    return (lat, lon)


def _codes(args: Args, name: str) -> tuple[str, ...]:
    values = [_CONTROL.sub("", v).strip().lower() for v in args.getlist(name)]
    values = [v for v in values if v]
    if len(values) > MAX_VALUES:
        raise ParamError(name, f"Te veel waarden voor {name} (hoogstens {MAX_VALUES}).")
    return tuple(dict.fromkeys(values))


def parse_search_args(args: Args, per_page_default: int = 20) -> SearchRequest:
    """Read the public search parameters; unknown parameters are ignored, bad values raise."""
    q = _text(args, "q")
    if len(q) > MAX_QUERY_CHARS:
        raise ParamError("q", f"De zoekopdracht is te lang (hoogstens {MAX_QUERY_CHARS} tekens).")
    municipality = _text(args, "municipality")
    if len(municipality) > 100:
        raise ParamError("municipality", "De gemeentenaam is te lang.")
    language = _text(args, "language").lower()
    if language and not _LANGUAGE.fullmatch(language):
        raise ParamError("language", "Geef een taal als taalcode, bv. nl, fr, en of ar.")
    organization = _text(args, "organization")
    if len(organization) > 64:
        raise ParamError("organization", "Onbekende organisatie.")
    sort = _text(args, "sort") or "relevance"
    if sort not in SORTS:
        raise ParamError("sort", f"Sorteer op {', '.join(SORTS)}.")
    raw = {name: _text(args, name) for name in ("age", "radius_km", "near", "page", "per_page")}
    free = parse_bool(_text(args, "free"), "free", "Gratis")
    return SearchRequest(
        q=q,
        municipality=municipality or None,
        domains=_codes(args, "domain"),
        target_groups=_codes(args, "target_group"),
        organization_id=organization or None,
        age=parse_int(raw["age"], "age", "De leeftijd", 0, 150) if raw["age"] else None,
        free=free,
        language=language or None,
        open_now=bool(parse_bool(_text(args, "open_now"), "open_now", "Nu open")),
        near=parse_point(raw["near"]) if raw["near"] else None,
        radius_km=_radius(raw["radius_km"]) if raw["radius_km"] else None,
        page=parse_int(raw["page"], "page", "Het paginanummer", 1, MAX_PAGE) if raw["page"] else 1,
        per_page=(
            parse_int(raw["per_page"], "per_page", "Het aantal per pagina", 1, MAX_PER_PAGE)
            if raw["per_page"]
            else per_page_default
        ),
        sort=sort,
    )


def _radius(value: str) -> float:
    radius = parse_float(value, "radius_km", "De straal")
    if not 0 < radius <= 500:
        raise ParamError("radius_km", "De straal moet tussen 0 en 500 km liggen.")
    return radius


def carried_fields(params: dict[str, object], skip: Iterable[str]) -> list[tuple[str, str]]:
    """(name, value) pairs of hidden form fields that keep the other filters when a form is sent."""
    skipped = set(skip)
    fields = []
    for name, value in params.items():
        if name in skipped:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        fields.extend((name, str(v)) for v in values)
    return fields
