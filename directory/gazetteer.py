"""Gazetteer of Flemish (and Brussels) municipalities after the 1 January 2025 mergers.

Turns what people type (names, French names, postcodes, deelgemeenten, former municipalities) into a
Municipality. Reads data/gazetteer/ and data/boundaries/; imports none of our other packages.
"""

from __future__ import annotations

import csv
import functools
import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

_DATA_ROOT = Path(__file__).resolve().parent.parent / "data"
DEFAULT_DATA_DIR = _DATA_ROOT / "gazetteer"
DEFAULT_BOUNDARIES = _DATA_ROOT / "boundaries" / "gemeente_wgs84.geojson"

_BRUSSELS_PREFIX = "21"  # NIS codes of the 19 Brussels municipalities start with 21
_TOKEN = re.compile(r"[^\W_]+")
_POSTCODE = re.compile(r"[1-9][0-9]{3}")
# Words before a town that say "this is a place"; removed together with the town from a query.
_LOCATIVE = frozenset(
    {"in", "te", "uit", "rond", "rondom", "nabij", "omgeving", "regio", "gemeente", "stad", "near"}
)
# Tokens after a 4-digit number that make it an amount, not a postcode.
_NOT_POSTCODE_AFTER = frozenset({"euro", "eur", "procent", "jaar", "km", "m", "uur"})
# Leading words people put before a municipality name ("Stad Gent", "gemeente Schilde").
_NAME_PREFIXES = frozenset({"gemeente", "stad", "deelgemeente", "ocmw"})
_SUGGESTION_CUTOFF = 70.0
_SUGGESTION_SPREAD = 12.0

# Lower rank wins when a name or a text fragment matches several kinds of place.
_RANK_MUNICIPALITY, _RANK_FORMER, _RANK_POSTCODE, _RANK_DEELGEMEENTE, _RANK_PLACE = range(5)


@dataclass(frozen=True)
class Municipality:
    """A municipality as it exists since 1 January 2025."""

    nis: str
    name_nl: str
    name_fr: str
    province: str
    postcodes: tuple[str, ...]
    lat: float
    lon: float
    reference_region: str | None
    slug: str


class UnknownMunicipality(ValueError):
    """No municipality matches; the message is Dutch because it is shown to users."""

    def __init__(self, query: str, suggestions: list[Municipality]) -> None:
        self.query = query
        self.suggestions = suggestions
        message = f"Geen gemeente gevonden voor '{query}'."
        if suggestions:
            message += " Bedoelde u: " + ", ".join(m.name_nl for m in suggestions) + "?"
        super().__init__(message)


def _norm_token(token: str) -> str:
    """Accent-free, case-folded token; 'st' is the usual abbreviation of 'sint'."""
    decomposed = unicodedata.normalize("NFKD", token)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return "sint" if plain == "st" else plain


def normalize(text: str) -> str:
    """Comparison key for place names: "'s-Gravenwezel " and "s Gravenwezel" give the same key."""
    return " ".join(_norm_token(t) for t in _TOKEN.findall(unicodedata.normalize("NFC", text)))


def _slug(name: str) -> str:
    return normalize(name).replace(" ", "-")


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


_Place = tuple[str, float, float, str]  # normalized place name, lat, lon, NIS


@dataclass(frozen=True)
class _Match:
    start: int  # token index, inclusive
    end: int  # token index, exclusive
    rank: int
    nis: str


class Gazetteer:
    """Lookup tables built once from data/gazetteer; see data/gazetteer/README.md for the files."""

    def __init__(
        self,
        municipalities: dict[str, Municipality],
        names: dict[str, tuple[int, str]],
        postcode_primary: dict[str, str],
        postcode_places: dict[str, list[_Place]],
        former: dict[str, str],
        deelgemeenten: dict[str, tuple[str, ...]],
        common_words: frozenset[str],
    ) -> None:
        self._by_nis = municipalities
        self._names = names
        self._postcode_primary = postcode_primary
        self._postcode_places = postcode_places
        self._former = former
        self._deelgemeenten = deelgemeenten
        self._common_words = common_words
        self._places_by_name: dict[str, list[_Place]] = defaultdict(list)
        for places in postcode_places.values():
            for place in places:
                self._places_by_name[place[0]].append(place)
        self._max_name_tokens = max(len(key.split()) for key in names)
        self._flemish = sorted(
            (m for m in municipalities.values() if not m.nis.startswith(_BRUSSELS_PREFIX)),
            key=lambda m: normalize(m.name_nl),
        )

    @classmethod
    def load(cls, data_dir: Path | None = None) -> Gazetteer:
        data_dir = data_dir or DEFAULT_DATA_DIR
        postcode_rows = _read_csv(data_dir / "postcodes.csv")
        postcodes_of: dict[str, list[str]] = defaultdict(list)
        postcode_primary: dict[str, str] = {}
        for row in postcode_rows:
            postcodes_of[row["nis"]].append(row["postcode"])
            if row["primary"] == "1":
                postcode_primary[row["postcode"]] = row["nis"]

        municipalities: dict[str, Municipality] = {}
        for row in _read_csv(data_dir / "municipalities.csv"):
            municipalities[row["nis"]] = Municipality(
                nis=row["nis"],
                name_nl=row["name_nl"],
                name_fr=row["name_fr"],
                province=row["province"],
                postcodes=tuple(sorted(postcodes_of[row["nis"]])),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                reference_region=row["reference_region"] or None,
                slug=_slug(row["name_nl"]),
            )

        postcode_places: dict[str, list[_Place]] = defaultdict(list)
        for row in _read_csv(data_dir / "places.csv"):
            postcode_places[row["postcode"]].append(
                (normalize(row["name"]), float(row["lat"]), float(row["lon"]), row["nis"])
            )
        # A place with a postcode of its own (Berchem 2600) outranks a namesake sharing one.
        own_postcode = {
            (places[0][0], places[0][3]) for places in postcode_places.values() if len(places) == 1
        }

        candidates: dict[str, list[tuple[int, bool, str]]] = defaultdict(list)

        def add(name: str, rank: int, nis: str) -> None:
            key = normalize(name)
            if key:
                candidates[key].append((rank, (key, nis) not in own_postcode, nis))

        for m in municipalities.values():
            add(m.name_nl, _RANK_MUNICIPALITY, m.nis)
            add(m.name_fr, _RANK_MUNICIPALITY, m.nis)
        former: dict[str, str] = {}
        for row in _read_csv(data_dir / "former_municipalities.csv"):
            add(row["name_nl"], _RANK_FORMER, row["nis"])
            add(row["name_fr"], _RANK_FORMER, row["nis"])
            if row["former_nis"]:
                former[row["former_nis"]] = row["nis"]
        deelgemeenten: dict[str, list[str]] = defaultdict(list)
        for row in _read_csv(data_dir / "deelgemeenten.csv"):
            add(row["name"], _RANK_DEELGEMEENTE, row["nis"])
            deelgemeenten[row["nis"]].append(row["name"])
        for places in postcode_places.values():
            for key, _lat, _lon, nis in places:
                add(key, _RANK_PLACE, nis)
        names: dict[str, tuple[int, str]] = {}
        for key, options in candidates.items():
            rank, _shares_postcode, nis = min(options)
            names[key] = (rank, nis)

        words = (data_dir / "common_words.txt").read_text(encoding="utf-8").splitlines()
        common_words = frozenset(w.strip() for w in words if w.strip() and not w.startswith("#"))
        return cls(
            municipalities,
            names,
            postcode_primary,
            dict(postcode_places),
            former,
            {nis: tuple(sorted(v)) for nis, v in deelgemeenten.items()},
            common_words,
        )

    # -- lookups -------------------------------------------------------------------------------

    def by_nis(self, nis: str) -> Municipality:
        return self._by_nis[nis]

    def current_nis(self, nis: str) -> str:
        """Map a NIS code from before a merger (Meulebeke 37007) to today's (Tielt 37022)."""
        if nis in self._by_nis:
            return nis
        return self._former[nis]

    def municipalities(self) -> list[Municipality]:
        """Flemish municipalities only; Brussels is kept for resolving addresses."""
        return list(self._flemish)

    def postcode_exists(self, postcode: str) -> bool:
        """Whether a Belgian postcode exists (anywhere in Belgium, not only in Flanders)."""
        return postcode.strip() in _belgian_postcodes()

    def region_municipalities(self, name: str) -> list[Municipality]:
        """The municipalities of a reference region named in a service area ("Westhoek")."""
        key = normalize(name)
        return [
            m for m in self._flemish if m.reference_region and normalize(m.reference_region) == key
        ]

    def deelgemeenten(self, nis: str) -> tuple[str, ...]:
        return self._deelgemeenten.get(nis, ())

    def lookup(self, text: str) -> Municipality | None:
        try:
            return self.resolve(text)
        except UnknownMunicipality:
            return None

    def resolve(self, text: str) -> Municipality:
        """Name, French name, postcode, deelgemeente or former municipality -> municipality."""
        tokens = normalize(text).split()
        while len(tokens) > 1 and tokens[0] in _NAME_PREFIXES:
            tokens = tokens[1:]
        codes = [t for t in tokens if _POSTCODE.fullmatch(t)]
        words = [t for t in tokens if not _POSTCODE.fullmatch(t)]
        name = " ".join(words)
        if len(codes) == 1 and codes[0] in self._postcode_primary:
            return self._by_nis[self._in_postcode(codes[0], name)]
        if not codes and name in self._names:
            return self._by_nis[self._names[name][1]]
        raise UnknownMunicipality(text.strip(), self._suggest(" ".join(tokens)))

    def _in_postcode(self, postcode: str, name: str) -> str:
        """Municipality of a postcode, using the place name to pick among the places it covers."""
        places = self._postcode_places.get(postcode, [])
        for key, _lat, _lon, nis in places:
            if key == name:
                return nis
        named = self._names.get(name)
        if named and any(named[1] == nis for *_, nis in places):
            return named[1]
        return self._postcode_primary[postcode]

    def _suggest(self, query: str) -> list[Municipality]:
        """Up to three close names, only those nearly as close as the best: a short hint."""
        if not query:
            return []
        scored = process.extract(
            query, self._name_keys, scorer=fuzz.ratio, limit=20, score_cutoff=_SUGGESTION_CUTOFF
        )
        found: list[Municipality] = []
        for key, score, _index in scored:
            municipality = self._by_nis[self._names[key][1]]
            if score >= scored[0][1] - _SUGGESTION_SPREAD and municipality not in found:
                found.append(municipality)
        return found[:3]

    @functools.cached_property
    def _name_keys(self) -> list[str]:
        return sorted(self._names)

    # -- free text ------------------------------------------------------------------------------

    def find_in_text(self, text: str) -> tuple[Municipality | None, str]:
        """The town a search query mentions, and the query without it.

        Longer names beat the names inside them ("Beveren-Leie" over "Beveren"); then municipalities
        beat former municipalities, postcodes, deelgemeenten and bpost places, in that order. Place
        names that are ordinary words ("meer", "werken") only count with a place signal.
        """
        source = unicodedata.normalize("NFC", text)
        spans = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(source)]
        keys = [_norm_token(word) for *_, word in spans]
        matches = self._text_matches(spans, keys)
        if not matches:
            return None, _tidy(source)
        best = min(matches, key=lambda m: (m.rank, m.start - m.end, m.start))
        removed = [m for m in matches if m.nis == best.nis]
        cut: set[int] = set()
        for match in removed:
            cut.update(range(match.start, match.end))
            if match.start > 0 and keys[match.start - 1] in _LOCATIVE:
                cut.add(match.start - 1)
        return self._by_nis[best.nis], _tidy(_cut_tokens(source, spans, cut))

    def _text_matches(self, spans: list[tuple[int, int, str]], keys: list[str]) -> list[_Match]:
        found: list[_Match] = []
        for start in range(len(keys)):
            key = keys[start]
            if (
                _POSTCODE.fullmatch(key)
                and key in self._postcode_primary
                and (start + 1 == len(keys) or keys[start + 1] not in _NOT_POSTCODE_AFTER)
            ):
                found.append(_Match(start, start + 1, _RANK_POSTCODE, self._postcode_primary[key]))
            for length in range(min(self._max_name_tokens, len(keys) - start), 0, -1):
                name = " ".join(keys[start : start + length])
                entry = self._names.get(name)
                if entry is None:
                    continue
                if name in self._common_words and not self._has_place_signal(
                    spans, keys, start, start + length, entry[1]
                ):
                    continue
                found.append(_Match(start, start + length, entry[0], entry[1]))
        # A name inside a longer matched name is not a separate mention.
        return [
            m
            for m in found
            if not any(
                o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)
                for o in found
            )
        ]

    def _has_place_signal(
        self, spans: list[tuple[int, int, str]], keys: list[str], start: int, end: int, nis: str
    ) -> bool:
        """A word like "meer" is a town only after "in"/"te"..., capitalised mid-text, or next to
        its postcode. A query that is only "werken" stays a topic, not Werken (Kortemark)."""
        if start > 0 and keys[start - 1] in _LOCATIVE:
            return True
        if start > 0 and spans[start][2][:1].isupper():
            return True
        neighbours = [keys[i] for i in (start - 1, end) if 0 <= i < len(keys)]
        return any(self._postcode_primary.get(k) == nis for k in neighbours)

    # -- coordinates ------------------------------------------------------------------------------

    def place_point(self, postcode: str | None, place: str | None) -> tuple[float, float] | None:
        """(lat, lon) of a deelgemeente/place, else of the postcode's main place.

        None when neither is known, so callers can tell a place from a municipality centroid.
        """
        code = (postcode or "").strip()
        key = normalize(place or "")
        places = self._postcode_places.get(code, [])
        if key:
            if places:
                hits = [p for p in places if p[0] == key]
            else:
                entry = self._names.get(key)
                hits = [p for p in self._places_by_name.get(key, []) if entry and p[3] == entry[1]]
            if hits:
                return hits[0][1], hits[0][2]
        return self._postcode_point(code, places) if places else None

    def _postcode_point(self, code: str, places: list[_Place]) -> tuple[float, float]:
        """The postcode's main place (named like its municipality), else the mean of its places."""
        main = normalize(self._by_nis[self._postcode_primary[code]].name_nl)
        for name, lat, lon, _nis in places:
            if len(places) == 1 or name == main:
                return lat, lon
        return (
            sum(p[1] for p in places) / len(places),
            sum(p[2] for p in places) / len(places),
        )


def _cut_tokens(source: str, spans: list[tuple[int, int, str]], cut: set[int]) -> str:
    """Remove the cut tokens, and the hyphens/apostrophes joining them ("Sint-Jan", "'s Graven")."""
    pieces: list[str] = []
    position = 0
    for index in sorted(cut):
        start, end, _word = spans[index]
        if index - 1 in cut:
            position = end
            continue
        while start > position and source[start - 1] in "'’":
            start -= 1
        pieces.append(source[position:start])
        position = end
    pieces.append(source[position:])
    return " ".join(pieces)


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,;:])", r"\1", text)
    text = re.sub(r"([,;:/-])(\s*[,;:/-])+", r"\1", text)
    return text.strip(" ,;:/-")


@functools.cache
def _belgian_postcodes(path: Path = DEFAULT_DATA_DIR / "belgian_postcodes.txt") -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The shared gazetteer over the repository's data/gazetteer."""
    return Gazetteer.load()


@functools.cache
def _outlines(path: Path) -> dict[str, dict]:
    with path.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    return {feature["properties"]["nis"]: feature for feature in collection["features"]}


def municipality_outline(nis: str, path: Path | None = None) -> dict | None:
    """Simplified boundary of a Flemish municipality as a GeoJSON Feature (loaded on first use)."""
    return _outlines(path or DEFAULT_BOUNDARIES).get(nis)
