"""The gazetteer against the real data/gazetteer files: resolving, free text, points, outlines."""

from __future__ import annotations

import json

import pytest

from directory.gazetteer import (
    DEFAULT_BOUNDARIES,
    Gazetteer,
    UnknownMunicipality,
    default_gazetteer,
    municipality_outline,
)

MIDWEST_SEED = {  # the 17 towns of seed 000, with the municipality they belong to since 2025
    "Ardooie": "37020",
    "Dentergem": "37002",
    "Hooglede": "36006",
    "Ingelmunster": "36007",
    "Izegem": "36008",
    "Ledegem": "36010",
    "Lichtervelde": "36011",
    "Meulebeke": "37022",
    "Moorslede": "36012",
    "Oostrozebeke": "37010",
    "Pittem": "37011",
    "Roeselare": "36015",
    "Ruiselede": "37021",
    "Staden": "36019",
    "Tielt": "37022",
    "Wielsbeke": "37017",
    "Wingene": "37021",
}
WESTHOEK = {
    "Alveringem": "38002",
    "De Panne": "38008",
    "Diksmuide": "32003",
    "Heuvelland": "33039",
    "Houthulst": "32006",
    "Ieper": "33011",
    "Koekelare": "32010",
    "Koksijde": "38014",
    "Kortemark": "32011",
    "Langemark-Poelkapelle": "33040",
    "Lo-Reninge": "32030",
    "Mesen": "33016",
    "Nieuwpoort": "38016",
    "Poperinge": "33021",
    "Veurne": "38025",
    "Vleteren": "33041",
    "Zonnebeke": "33037",
}
LINK = {
    "Brecht": "11009",
    "Essen": "11016",
    "Kalmthout": "11022",
    "Ranst": "11035",
    "Schelle": "11038",
    "Schilde": "11039",
    "Wijnegem": "11050",
    "Zandhoven": "11054",
    "Zoersel": "11055",
}
MERGED = {  # former municipalities -> their municipality since 2019 or 2025
    "Borsbeek": "11002",
    "Zwijndrecht": "46030",
    "Kruibeke": "46030",
    "Beveren": "46030",
    "Galmaarden": "23106",
    "Gooik": "23106",
    "Herne": "23106",
    "De Pinte": "44086",
    "Nazareth": "44086",
    "Melle": "44088",
    "Merelbeke": "44088",
    "Wachtebeke": "44087",
    "Moerbeke": "46029",
    "Kortessem": "71072",
    "Ham": "71071",
    "Tessenderlo": "71071",
    "Hoeselt": "73110",
    "Borgloon": "73111",
    "Tongeren": "73111",
    "Knesselare": "44084",
    "Nevele": "44083",
    "Zingem": "45068",
    "Kruishoutem": "45068",
    "Lovendegem": "44085",
    "Overpelt": "72043",
    "Meeuwen-Gruitrode": "72042",
    "Puurs": "12041",
    "Sint-Amands": "12041",
}
VARIANTS = {
    "8760": "37022",  # Meulebeke's postcode
    "8800": "36015",
    "Rumbeke": "36015",
    "Zwevezele": "37021",
    "Roulers": "36015",
    "Ypres": "33011",
    "Courtrai": "34022",
    "Anvers": "11002",
    "Malines": "12025",
    "Tirlemont": "24107",
    "roeselare ": "36015",
    "  IZEGEM": "36008",
    "'s Gravenwezel": "11039",
    "s-Gravenwezel": "11039",
    "’s-Gravenwezel": "11039",
    "Sint Niklaas": "46021",
    "St.-Niklaas": "46021",
    "sint-niklaas": "46021",
    "Léau": "24130",
    "Leau": "24130",
    "Poelkapelle": "33040",
    "langemark poelkapelle": "33040",
    "Kluisbergen": "45060",
    "9690 Berchem": "45060",  # the postcode picks the Berchem of Kluisbergen ...
    "Berchem": "11002",  # ... and alone the one with a postcode of its own (2600)
    "Berchem 2600": "11002",
    "Beveren-Waas": "46030",
    "Sint-Job-in-'t-Goor": "11009",
    "Stad Gent": "44021",
    "Gemeente Zoersel": "11055",
    "1804": "23088",  # shared by Vilvoorde and Zemst: the one holding the postcode's places
    "Brussel": "21004",  # kept for resolving addresses
    "1050": "21009",
}
TABLE = {**MIDWEST_SEED, **WESTHOEK, **LINK, **MERGED, **VARIANTS}


def test_table_is_big_enough() -> None:
    assert len(TABLE) >= 50


@pytest.mark.parametrize(("text", "nis"), sorted(TABLE.items()))
def test_resolve(gazetteer: Gazetteer, text: str, nis: str) -> None:
    assert gazetteer.resolve(text).nis == nis
    assert gazetteer.lookup(text) == gazetteer.by_nis(nis)


@pytest.mark.parametrize(
    ("text", "message", "first"),
    [
        ("Roeselaere", "Geen gemeente gevonden voor 'Roeselaere'. Bedoelde u: Roeselare?", "36015"),
        ("Kalmhout", "Geen gemeente gevonden voor 'Kalmhout'. Bedoelde u: Kalmthout?", "11022"),
        ("Izegm", "Geen gemeente gevonden voor 'Izegm'. Bedoelde u: Izegem?", "36008"),
        ("xyzzy", "Geen gemeente gevonden voor 'xyzzy'.", None),
        ("  ", "Geen gemeente gevonden voor ''.", None),
        ("7700", "Geen gemeente gevonden voor '7700'.", None),  # Mouscron: not in Flanders
    ],
)
def test_unknown_gives_dutch_message_and_suggestions(
    gazetteer: Gazetteer, text: str, message: str, first: str | None
) -> None:
    with pytest.raises(UnknownMunicipality) as caught:
        gazetteer.resolve(text)
    assert str(caught.value) == message
    assert caught.value.query == text.strip()
    assert len(caught.value.suggestions) <= 3
    if first is None:
        assert caught.value.suggestions == []
    else:
        assert caught.value.suggestions[0].nis == first
    assert gazetteer.lookup(text) is None


def test_unknown_is_a_value_error_with_at_most_three_suggestions(gazetteer: Gazetteer) -> None:
    with pytest.raises(ValueError) as caught:
        gazetteer.resolve("Sint-Martens")
    assert isinstance(caught.value, UnknownMunicipality)
    assert 1 <= len(caught.value.suggestions) <= 3
    assert "Bedoelde u: " in str(caught.value)


def test_merged_municipality_record(gazetteer: Gazetteer) -> None:
    tielt = gazetteer.by_nis("37022")
    assert (tielt.name_nl, tielt.province, tielt.reference_region) == (
        "Tielt",
        "West-Vlaanderen",
        "Midwest",
    )
    assert {"8700", "8760"} <= set(tielt.postcodes)
    assert "Meulebeke" in gazetteer.deelgemeenten("37022")
    assert gazetteer.current_nis("37007") == "37022"  # Meulebeke 2019-2024
    assert gazetteer.current_nis("37012") == "37021"  # Ruiselede
    assert gazetteer.current_nis("36015") == "36015"
    with pytest.raises(KeyError):
        gazetteer.by_nis("37007")
    with pytest.raises(KeyError):
        gazetteer.current_nis("99999")


def test_municipalities_are_the_285_flemish_ones(gazetteer: Gazetteer) -> None:
    towns = gazetteer.municipalities()
    assert len(towns) == 285
    assert not any(m.nis.startswith("21") for m in towns)
    assert [m.slug for m in towns] == sorted(m.slug for m in towns)
    assert len({m.slug for m in towns}) == 285
    for m in towns:
        assert m.postcodes, m.name_nl
        assert m.reference_region, m.name_nl
        assert 50.6 < m.lat < 51.6 and 2.5 < m.lon < 6.0, m.name_nl
        assert m.province in {
            "Antwerpen",
            "Vlaams-Brabant",
            "West-Vlaanderen",
            "Oost-Vlaanderen",
            "Limburg",
        }
    regions = {m.reference_region for m in towns}
    assert {"Midwest", "Westhoek", "Regio Antwerpen"} <= regions
    assert {m.nis for m in towns if m.reference_region == "Westhoek"} == set(WESTHOEK.values())


def test_slug_and_names(gazetteer: Gazetteer) -> None:
    assert gazetteer.by_nis("46021").slug == "sint-niklaas"
    assert gazetteer.by_nis("38008").slug == "de-panne"
    assert gazetteer.by_nis("36015").name_fr == "Roulers"


def test_load_from_explicit_dir_equals_default(gazetteer: Gazetteer) -> None:
    from directory.gazetteer import DEFAULT_DATA_DIR

    loaded = Gazetteer.load(DEFAULT_DATA_DIR)
    assert loaded.municipalities() == gazetteer.municipalities()
    assert default_gazetteer() is default_gazetteer()


@pytest.mark.parametrize(
    ("text", "nis", "rest"),
    [
        ("kinderopvang izegem", "36008", "kinderopvang"),
        ("8800 budget", "36015", "budget"),
        ("homeless shelter Ypres", "33011", "homeless shelter"),
        ("schuldhulp Langemark-Poelkapelle", "33040", "schuldhulp"),
        ("kinderopvang sint-jan", "33011", "kinderopvang"),  # deelgemeente of Ieper
        ("sint-jan brugge", "31005", "sint-jan"),  # a municipality beats a deelgemeente
        ("budgetbeheer in Roeselare 8800", "36015", "budgetbeheer"),
        ("budget, izegem, gratis", "36008", "budget, gratis"),
        ("voedselbank 's Gravenwezel", "11039", "voedselbank"),
        ("psycholoog Beveren-Waas", "46030", "psycholoog"),
        ("thuiszorg meulebeke", "37022", "thuiszorg"),
        ("OCMW Ruiselede", "37021", "OCMW"),
        ("dak- en thuislozen Essen", "11016", "dak- en thuislozen"),
        ("kinderopvang te Kapellen", "11023", "kinderopvang"),
        ("huis zoeken in Meer", "13014", "huis zoeken"),  # a common word with "in" is a town
        ("meer info over Werken", "32011", "meer info over"),  # capitalised mid-text
        ("woning in Peer", "72030", "woning"),
        ("Zolder 3550 kinesist", "71070", "kinesist"),  # next to its own postcode
    ],
)
def test_find_in_text(gazetteer: Gazetteer, text: str, nis: str, rest: str) -> None:
    town, remaining = gazetteer.find_in_text(text)
    assert town is not None and town.nis == nis
    assert remaining == rest


@pytest.mark.parametrize(
    "text",
    [
        "hulp bij werk",
        "huis en zorg",
        "bos en dam hoek",
        "werken",  # Werken is a deelgemeente of Kortemark, but alone it is a topic
        "meer info",  # Meer (Hoogstraten)
        "hulp bij melden van geweld",  # Melden (Oudenaarde)
        "papieren halen",  # Halen is a municipality, but also "to fetch"
        "peer support",
        "1000 euro premie",
        "budget",
        "",
    ],
)
def test_find_in_text_leaves_ordinary_words_alone(gazetteer: Gazetteer, text: str) -> None:
    town, remaining = gazetteer.find_in_text(text)
    assert town is None
    assert remaining == text


def test_place_point(gazetteer: Gazetteer) -> None:
    rumbeke = gazetteer.place_point("8800", "Rumbeke")
    roeselare = gazetteer.by_nis("36015")
    assert rumbeke is not None and rumbeke != (roeselare.lat, roeselare.lon)
    assert gazetteer.place_point(None, "rumbeke") == rumbeke
    assert gazetteer.place_point("8800", None) == (roeselare.lat, roeselare.lon)
    # A place not in that postcode falls back to the postcode's main place.
    assert gazetteer.place_point("8800", "Nergensdorp") == (roeselare.lat, roeselare.lon)
    berchem_kluisbergen = gazetteer.place_point("9690", "Berchem")
    berchem_antwerpen = gazetteer.place_point(None, "Berchem")
    assert berchem_kluisbergen is not None and berchem_antwerpen is not None
    assert berchem_kluisbergen[0] < 50.9 < berchem_antwerpen[0]
    assert gazetteer.place_point(None, "Nergensdorp") is None
    assert gazetteer.place_point(None, None) is None
    assert gazetteer.place_point("0000", None) is None


def _inside(point: tuple[float, float], geometry: dict) -> bool:
    """Even-odd ray casting over all rings (lon/lat order as in GeoJSON)."""
    lat, lon = point
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    inside = False
    for polygon in polygons:
        for ring in polygon:
            for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
                if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
                    inside = not inside
    return inside


def test_outlines_hold_their_municipality_point(gazetteer: Gazetteer) -> None:
    for m in gazetteer.municipalities():
        outline = municipality_outline(m.nis)
        assert outline is not None, m.name_nl
        assert outline["properties"] == {"nis": m.nis, "naam": m.name_nl}
        assert _inside((m.lat, m.lon), outline["geometry"]), m.name_nl


def test_outline_file_is_small_and_flemish_only() -> None:
    assert DEFAULT_BOUNDARIES.stat().st_size <= 1_500_000
    features = json.loads(DEFAULT_BOUNDARIES.read_text(encoding="utf-8"))["features"]
    assert len(features) == 285
    assert municipality_outline("21004") is None  # Brussels
    assert municipality_outline("37007") is None  # Meulebeke: merged


@pytest.mark.parametrize(
    ("postcode", "exists"), [("8800", True), ("7700", True), ("4000", True), ("8899", False)]
)
def test_postcode_exists_covers_all_of_belgium(
    gazetteer: Gazetteer, postcode: str, exists: bool
) -> None:
    assert gazetteer.postcode_exists(postcode) is exists


def test_a_reference_region_lists_its_municipalities(gazetteer: Gazetteer) -> None:
    names = {m.name_nl for m in gazetteer.region_municipalities("westhoek")}
    assert {"Ieper", "Poperinge", "Diksmuide", "Veurne"} <= names
    assert "Roeselare" not in names
    assert gazetteer.region_municipalities("nergensland") == []
