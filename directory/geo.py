"""Geocoding behind one small interface, and distances.

Offline (the default) the gazetteer answers: a deelgemeente's point, else the municipality's
centroid, always saying how precise it is. Online geocoding through geopy is opt-in, rate-limited
and cached: by default no address leaves the machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from geopy.distance import great_circle

from directory.gazetteer import Gazetteer

# A point further than this from its own municipality's centroid is not trusted.
SUSPECT_DISTANCE_KM = 25.0


@dataclass(frozen=True)
class GeoPoint:
    """A point and how it was found: exact (given), address, place, municipality, or suspect."""

    lat: float
    lon: float
    precision: str


@dataclass(frozen=True)
class AddressQuery:
    """What a geocoder gets to work with: street, postcode, town; any may be missing."""

    street: str | None
    postcode: str | None
    city: str | None


class Geocoder(Protocol):
    """Turns an address into a point, or None when it cannot."""

    def geocode(self, address: AddressQuery) -> GeoPoint | None: ...


class OfflineGeocoder:
    """The gazetteer as geocoder: never leaves the machine."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def geocode(self, address: AddressQuery) -> GeoPoint | None:
        """The place's point when postcode or town names a deelgemeente, else the centroid."""
        point = self.gazetteer.place_point(address.postcode, address.city)
        if point is not None:
            return GeoPoint(point[0], point[1], "place")
        for text in (address.postcode, address.city):
            municipality = self.gazetteer.lookup(text) if text else None
            if municipality is not None:
                return GeoPoint(municipality.lat, municipality.lon, "municipality")
        return None


class GeopyGeocoder:
    """Nominatim (or any geopy geocoder) behind a rate limiter and a cache; opt-in only."""

    def __init__(self, user_agent: str, fallback: Geocoder, min_delay_seconds: float = 1.0) -> None:
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        self._geocode = RateLimiter(
            Nominatim(user_agent=user_agent).geocode, min_delay_seconds=min_delay_seconds
        )
        self._cache: dict[AddressQuery, GeoPoint | None] = {}
        self.fallback = fallback

    def geocode(self, address: AddressQuery) -> GeoPoint | None:
        """Ask the online service once per address; fall back to the gazetteer on failure."""
        if address not in self._cache:
            text = ", ".join(p for p in (address.street, address.postcode, address.city) if p)
            try:
                found = self._geocode(f"{text}, België", country_codes="be")
            except Exception:  # noqa: BLE001 - any network fault means: use the gazetteer
                found = None
            self._cache[address] = (
                GeoPoint(found.latitude, found.longitude, "address") if found else None
            )
        return self._cache[address] or self.fallback.geocode(address)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in kilometres."""
    return float(great_circle(a, b).km)


def check_given_point(
    lat: float, lon: float, municipality_point: tuple[float, float] | None
) -> GeoPoint:
    """A source's own coordinates, or, when far from the record's municipality, its centroid.

    Precision "suspect" tells the import report and the map that the given point was not used.
    """
    if municipality_point is not None:
        if distance_km((lat, lon), municipality_point) > SUSPECT_DISTANCE_KM:
            return GeoPoint(municipality_point[0], municipality_point[1], "suspect")
    return GeoPoint(lat, lon, "exact")
