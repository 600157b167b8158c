"""SearchIndex end to end on a real Whoosh index: Dutch text, towns, filters, facets, updates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from indexer import SearchIndex, SearchInputError, SearchRequest
from indexer.snippet import snippet
from tests.indexer.conftest import CATALOGUE, WEEKDAYS, by_name, service

ROESELARE, IZEGEM, TIELT = "36015", "36008", "37022"


def names(index: SearchIndex, **request: object) -> list[str]:
    return [hit.name for hit in index.search(SearchRequest(**request)).hits]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("schuld", "Schuldhulpverlening Roeselare"),  # modifier of a compound in the index
        ("schuldbemiddeling", "Sociale dienst Izegem"),  # compound query, split text
        ("financien", "Budgetbegeleiding Meulebeke"),  # accent folding
        ("creche", "Crèche Het Bolleke"),
        ("kinderdagverblijf", "Crèche Het Bolleke"),  # synonym
        ("dakloos", "Nachtopvang De Haven"),  # synonym group dakloos ~ nachtopvang
        ("homeless", "Nachtopvang De Haven"),  # English lay term
        ("drugs", "Middelengebruik jongeren"),  # drugs ~ middelengebruik
        ("geld", "Budgetbegeleiding Meulebeke"),  # geld ~ financiën
        ("pro deo", "Regionale juridische bijstand"),
    ],
)
def test_dutch_words_find_the_service(built: SearchIndex, query: str, expected: str) -> None:
    assert expected in names(built, q=query)


def test_exact_words_rank_above_synonyms(built: SearchIndex) -> None:
    assert names(built, q="nachtopvang")[0] == "Nachtopvang De Haven"


@pytest.mark.parametrize(
    ("typo", "fixed", "expected"),
    [
        ("schuldbemidelling", "schuldbemiddeling", "Sociale dienst Izegem"),
        ("nachtopvnag", "nachtopvang", "Nachtopvang De Haven"),
        ("kinderopvnag", "kinderopvang", "Crèche Het Bolleke"),
    ],
)
def test_typos_are_corrected_and_suggested(
    built: SearchIndex, typo: str, fixed: str, expected: str
) -> None:
    results = built.search(SearchRequest(q=typo))
    assert results.suggestion == fixed
    assert expected in [hit.name for hit in results.hits]


def test_known_words_get_no_suggestion(built: SearchIndex) -> None:
    assert built.search(SearchRequest(q="nachtopvang")).suggestion is None


@pytest.mark.parametrize(
    ("query", "town", "rest_matches"),
    [
        ("nachtopvang izegem", "Izegem", "Nachtopvang De Haven"),
        ("8800 schulden", "Roeselare", "Schuldhulpverlening Roeselare"),
        ("budget meulebeke", "Tielt", "Budgetbegeleiding Meulebeke"),  # former municipality
    ],
)
def test_town_in_query_becomes_the_town_filter(
    built: SearchIndex, query: str, town: str, rest_matches: str
) -> None:
    results = built.search(SearchRequest(q=query))
    assert results.municipality is not None and results.municipality.name_nl == town
    assert results.hits[0].name == rest_matches
    assert all(hit.serves_town is not None for hit in results.hits)


def test_picked_town_wins_over_text(built: SearchIndex) -> None:
    results = built.search(SearchRequest(q="schulden izegem", municipality="Roeselare"))
    assert results.municipality is not None and results.municipality.name_nl == "Roeselare"


def test_town_filter_uses_service_areas_then_locations(built: SearchIndex) -> None:
    hits = built.search(SearchRequest(municipality="Izegem", per_page=50)).hits
    serving = {hit.name for hit in hits if hit.serves_town}
    # areas cover Izegem; located in Izegem without areas; a regional (Midwest) service
    assert {"Nachtopvang De Haven", "Sociale dienst Izegem", "Regionale juridische bijstand"} <= (
        serving
    )
    # located in Roeselare, no areas: only nearby, listed after every serving service
    assert "Schuldhulpverlening Roeselare" not in serving
    flags = [hit.serves_town for hit in hits]
    assert flags == sorted(flags, reverse=True)
    # far away and not serving: not listed at all
    assert "Psycholoog Heuvelland" not in {hit.name for hit in hits}


def test_serving_services_rank_before_merely_nearby_ones(built: SearchIndex) -> None:
    hits = built.search(SearchRequest(q="schulden", municipality="Izegem")).hits
    assert [hit.name for hit in hits][:2] == [
        "Sociale dienst Izegem",
        "Schuldhulpverlening Roeselare",
    ]
    assert [hit.serves_town for hit in hits][:2] == [True, False]
    assert hits[1].distance_km is not None and hits[1].distance_km > 3


def test_deelgemeente_location_counts_for_its_municipality(built: SearchIndex) -> None:
    hits = built.search(SearchRequest(q="psycholoog", municipality="Heuvelland")).hits
    assert hits[0].name == "Psycholoog Heuvelland" and hits[0].serves_town


@pytest.mark.parametrize(
    ("request_args", "expected"),
    [
        ({"domains": ("wonen",)}, {"Nachtopvang De Haven"}),
        (
            {"domains": ("wonen", "justitie")},
            {"Nachtopvang De Haven", "Regionale juridische bijstand"},
        ),
        ({"target_groups": ("gezinnen",)}, {"Crèche Het Bolleke"}),
        ({"age": 2, "domains": ("gezin-opvoeding", "verslaving")}, {"Crèche Het Bolleke"}),
        ({"age": 16, "domains": ("gezin-opvoeding", "verslaving")}, {"Middelengebruik jongeren"}),
        ({"free": True}, {"Schuldhulpverlening Roeselare", "Sociale dienst Izegem"}),
        ({"free": False}, {"Crèche Het Bolleke"}),
        ({"language": "en"}, {"Nachtopvang De Haven"}),
        (
            {"organization_id": by_name("Crèche Het Bolleke")["organization_id"]},
            {"Crèche Het Bolleke"},
        ),
        (
            {"near": (50.9466, 3.1229), "radius_km": 3},
            {"Schuldhulpverlening Roeselare", "Nachtopvang De Haven"},
        ),
    ],
)
def test_filters(built: SearchIndex, request_args: dict, expected: set[str]) -> None:
    results = built.search(SearchRequest(per_page=50, **request_args))
    assert {hit.name for hit in results.hits} == expected
    assert results.total == len(expected)


def test_language_filter_assumes_dutch_when_none_listed(built: SearchIndex) -> None:
    assert "Schuldhulpverlening Roeselare" in names(built, language="nl", per_page=50)


def test_filter_with_no_matching_value_returns_nothing(built: SearchIndex) -> None:
    """Whoosh treats filter=set() as 'no filter'; an empty filter must mean no results."""
    results = built.search(SearchRequest(q="schulden", domains=("mobiliteit",)))
    assert results.total == 0 and results.hits == []


def test_sort_by_distance(built: SearchIndex) -> None:
    hits = built.search(SearchRequest(near=(50.9150, 3.2136), sort="distance", per_page=50)).hits
    distances = [hit.distance_km for hit in hits if hit.distance_km is not None]
    assert hits[0].name in {"Sociale dienst Izegem", "Crèche Het Bolleke"}
    assert distances == sorted(distances)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 3, 10, 10, 0), {"Schuldhulpverlening Roeselare"}),  # a Tuesday
        (datetime(2026, 3, 10, 18, 0), set()),  # after hours
        (datetime(2026, 3, 14, 10, 0), set()),  # Saturday
        (datetime(2026, 5, 1, 10, 0), set()),  # Feest van de Arbeid, a Friday
    ],
)
def test_open_now(built: SearchIndex, moment: datetime, expected: set[str]) -> None:
    results = built.search(SearchRequest(open_now=True, per_page=50), now=moment)
    assert {hit.name for hit in results.hits} == expected


def test_a_one_day_schedule_opens_on_a_public_holiday(fresh: SearchIndex) -> None:
    fresh.upsert(
        [
            service(
                "Winterloket",
                schedules=(
                    WEEKDAYS,
                    {
                        "valid_from": "2026-05-01",
                        "valid_to": "2026-05-01",
                        "opens_at": "10:00",
                        "closes_at": "12:00",
                    },
                ),
            )
        ]
    )
    found = names(fresh, open_now=True, per_page=50)
    assert "Winterloket" not in found  # now: whenever the test runs, not necessarily open
    at_holiday = fresh.search(SearchRequest(open_now=True), now=datetime(2026, 5, 1, 11, 0))
    assert [hit.name for hit in at_holiday.hits] == ["Winterloket"]


def test_inactive_and_defunct_services_are_never_returned(built: SearchIndex) -> None:
    found = names(built, q="voedselpakketten", per_page=50) + names(built, per_page=100)
    assert not any(name.startswith(("Voedselbank", "Voedselbedeling")) for name in found)
    assert built.doc_count() == len(CATALOGUE) - 2


def test_upsert_is_searchable_at_once_and_inactive_removes(
    fresh: SearchIndex, tmp_path: Path
) -> None:
    other = SearchIndex.open_or_create(tmp_path / "index")  # a second reader of the same index
    assert names(other, q="repair") == []
    new = service(
        "Repair café Roeselare", "Kapotte toestellen samen herstellen.", domains=("vrije-tijd",)
    )
    fresh.upsert([new])
    assert names(fresh, q="repair") == ["Repair café Roeselare"]
    assert names(other, q="repair") == ["Repair café Roeselare"]
    fresh.upsert([new | {"name": "Repair café De Schroevendraaier"}])
    assert names(fresh, q="repair") == ["Repair café De Schroevendraaier"]
    fresh.upsert([new | {"status": "inactive"}])
    assert names(other, q="repair") == []
    other.close()


def test_delete(fresh: SearchIndex) -> None:
    target = by_name("Nachtopvang De Haven")
    assert fresh.delete([target["id"], "no-such-id"]) == 1
    assert "Nachtopvang De Haven" not in names(fresh, q="nachtopvang")


@pytest.mark.parametrize(
    ("request_args", "message"),
    [
        ({"municipality": "Atlantis"}, "Geen gemeente gevonden voor 'Atlantis'"),
        ({"domains": ("feestjes",)}, "Onbekend levensdomein: feestjes"),
        ({"target_groups": ("katten",)}, "Onbekende doelgroep: katten"),
        ({"sort": "random"}, "Onbekende sortering"),
        ({"age": -3}, "Leeftijd"),
        ({"radius_km": 0}, "straal"),
        ({"near": (95.0, 3.0)}, "coördinaten"),
    ],
)
def test_bad_request_values_raise_a_dutch_message(
    built: SearchIndex, request_args: dict, message: str
) -> None:
    with pytest.raises(SearchInputError, match=message):
        built.search(SearchRequest(**request_args))


def test_facets_count_the_result_set_and_toggle(built: SearchIndex) -> None:
    results = built.search(
        SearchRequest(q="schulden", municipality="Izegem", domains=("financien",))
    )
    domain = {f.value: f for f in results.facets["domain"]}
    assert domain["financien"].selected and domain["financien"].count == results.total
    off = parse_qs(domain["financien"].toggle_url.lstrip("?"))
    assert "domain" not in off and off["municipality"] == ["Izegem"] and off["q"] == ["schulden"]
    towns = {f.value: f for f in results.facets["municipality"]}
    assert towns[IZEGEM].selected and towns[IZEGEM].label == "Izegem"
    assert "municipality" not in parse_qs(towns[IZEGEM].toggle_url.lstrip("?"))
    assert set(results.facets) == {
        "domain",
        "municipality",
        "target_group",
        "organization",
        "language",
        "free",
        "open_now",
    }
    orgs = {f.label for f in results.facets["organization"]}
    assert "OCMW Izegem" in orgs


def test_facet_toggle_adds_a_value_and_drops_the_page(built: SearchIndex) -> None:
    results = built.search(SearchRequest(domains=("wonen",), page=1, per_page=5))
    groups = {f.value: f for f in results.facets["target_group"]}
    on = parse_qs(groups["thuislozen"].toggle_url.lstrip("?"))
    assert on["target_group"] == ["thuislozen"] and on["domain"] == ["wonen"] and "page" not in on


def test_town_read_from_text_moves_into_the_toggle_urls(built: SearchIndex) -> None:
    results = built.search(SearchRequest(q="nachtopvang izegem"))
    url = results.facets["domain"][0].toggle_url
    assert parse_qs(url.lstrip("?"))["q"] == ["nachtopvang"]
    assert parse_qs(url.lstrip("?"))["municipality"] == ["Izegem"]


def test_custom_url_builder(tmp_path: Path) -> None:
    index = SearchIndex.open_or_create(tmp_path / "ix", url_for_params=lambda p: f"/zoek/{p}")
    index.rebuild(CATALOGUE[:2])
    facet = index.search(SearchRequest()).facets["domain"][0]
    assert facet.toggle_url == "/zoek/{'domain': ['financien']}"
    index.close()


def test_hits_carry_what_the_web_layer_shows(built: SearchIndex) -> None:
    hit = built.search(SearchRequest(q="nachtopvang maaltijd", municipality="Roeselare")).hits[0]
    assert hit.organization == "CAW Midwest"
    assert hit.domains == ("wonen",) and hit.target_groups == ("thuislozen",)
    assert set(hit.municipalities) == {ROESELARE, IZEGEM}
    assert hit.locations[0].city == "Roeselare" and hit.locations[0].lat == pytest.approx(50.9466)
    assert "<mark>" in hit.snippet and hit.serves_town is True and hit.score > 0


def test_paging(built: SearchIndex) -> None:
    first = built.search(SearchRequest(per_page=3, page=1))
    second = built.search(SearchRequest(per_page=3, page=2))
    assert first.total == second.total == len(CATALOGUE) - 2
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    assert len(first.hits) == 3


@pytest.mark.parametrize(
    ("text", "terms", "expected"),
    [
        (
            "Hulp bij <b>schulden</b> & meer",
            {"schuld"},
            "Hulp bij <mark>&lt;b&gt;schulden&lt;/b&gt;</mark> &amp; meer",
        ),
        ("Kinderopvang in Izegem", {"opvang"}, "<mark>Kinderopvang</mark> in Izegem"),
        ("Geen treffer hier", {"schuld"}, "Geen treffer hier"),
    ],
)
def test_snippet_is_html_safe_and_marks_matches(text: str, terms: set[str], expected: str) -> None:
    assert snippet(text, terms) == expected


def test_unmatched_query_words_do_not_break_the_search(built: SearchIndex) -> None:
    assert names(built, q="nachtopvang xyzzyqwv")[0] == "Nachtopvang De Haven"


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Hulp bij ﬁnanciële problemen.", "financiële"),  # ligature in the text
        ("Hulp bij financiële problemen.", "ﬁnanciële"),  # ligature in the query
        ("Begeleiding voor IJzer en Ĳzer.", "ijzer"),
        ("Beratung in der Straße.", "strasse"),
        ("Beratung in der Strasse.", "straße"),
        ("Rådgivning på dansk og Søren.", "soren"),
        ("Pomoc w Łódź.", "lodz"),
    ],
)
def test_text_and_query_fold_alike(fresh: SearchIndex, text: str, query: str) -> None:
    fresh.upsert([service("Vouwtest", text, city=None)])
    assert names(fresh, q=query) == ["Vouwtest"]


TUESDAY_MORNING = datetime(2026, 3, 10, 10, 0)


@pytest.mark.parametrize(
    "request_args",
    [{}, {"q": "schulden"}, {"municipality": "Izegem"}, {"domains": ("wonen", "financien")}],
)
def test_language_free_and_open_now_facets_count_what_the_filter_returns(
    built: SearchIndex, request_args: dict
) -> None:
    results = built.search(SearchRequest(**request_args), now=TUESDAY_MORNING)

    def total(**narrowed: object) -> int:
        request = SearchRequest(**request_args, **narrowed)  # type: ignore[arg-type]
        return built.search(request, now=TUESDAY_MORNING).total

    languages = {f.value: f.count for f in results.facets["language"]}
    assert languages and all(count == total(language=code) for code, count in languages.items())
    [free] = results.facets["free"]
    assert (free.value, free.label, free.count) == ("1", "Gratis", total(free=True))
    assert parse_qs(free.toggle_url.lstrip("?"))["free"] == ["1"]
    [open_now] = results.facets["open_now"]
    assert open_now.count == total(open_now=True) and not open_now.selected


def test_a_selected_flag_counts_the_result_set_and_toggles_off(built: SearchIndex) -> None:
    results = built.search(SearchRequest(free=False, open_now=True), now=TUESDAY_MORNING)
    [free], [open_now] = results.facets["free"], results.facets["open_now"]
    assert (free.value, free.label, free.selected) == ("0", "Niet gratis", True)
    assert free.count == open_now.count == results.total
    assert "free" not in parse_qs(free.toggle_url.lstrip("?"))
    assert parse_qs(open_now.toggle_url.lstrip("?")) == {"free": ["0"]}


MANY_LANGUAGES = ("ar", "bg", "de", "en", "es", "fr", "it", "nl", "pl", "ro", "uk")


@pytest.mark.parametrize(("language", "expected"), [("uk", 1), ("ti", 0)])
def test_the_selected_language_is_always_a_facet_value(
    fresh: SearchIndex, language: str, expected: int
) -> None:
    fresh.upsert([service("Onthaal nieuwkomers", "Budget en papieren.", languages=MANY_LANGUAGES)])
    results = fresh.search(SearchRequest(q="budget", language=language))
    assert results.total == expected
    chosen = [f for f in results.facets["language"] if f.selected]
    assert [(f.value, f.count) for f in chosen] == [(language, expected)]
    assert parse_qs(chosen[0].toggle_url.lstrip("?")) == {"q": ["budget"]}


def test_language_facet_is_empty_when_the_index_knows_one_language(tmp_path: Path) -> None:
    index = SearchIndex.open_or_create(tmp_path / "ix")
    index.rebuild([by_name("Schuldhulpverlening Roeselare"), by_name("Sociale dienst Izegem")])
    assert index.search(SearchRequest()).facets["language"] == []
    index.close()


@pytest.mark.parametrize(
    ("request_args", "town"),
    [
        ({"radius_km": 5, "municipality": "Izegem"}, "Izegem"),
        ({"radius_km": 5, "q": "schulden izegem"}, "Izegem"),
        ({"radius_km": 5, "near": (50.9150, 3.2136)}, None),
    ],
)
def test_a_radius_needs_a_point_or_a_town(
    built: SearchIndex, request_args: dict, town: str | None
) -> None:
    results = built.search(SearchRequest(per_page=50, **request_args))
    assert (results.municipality.name_nl if results.municipality else None) == town
    assert results.total and all(
        hit.distance_km is not None and hit.distance_km <= 5 for hit in results.hits
    )
    with pytest.raises(SearchInputError, match="De straal vraagt een punt"):
        built.search(SearchRequest(radius_km=5, q="schulden"))


@pytest.mark.parametrize("municipality", ["36015", "8800", "roeselare", "Rumbeke"])
def test_any_form_of_the_town_resolves(built: SearchIndex, municipality: str) -> None:
    results = built.search(SearchRequest(q="schulden", municipality=municipality))
    assert results.municipality is not None and results.municipality.nis == ROESELARE
    assert results.request is not None and results.request.municipality == "Roeselare"


def test_results_carry_the_request_as_searched(built: SearchIndex) -> None:
    results = built.search(SearchRequest(q="  nachtopvang   izegem ", domains=(" Wonen ",)))
    assert results.request == SearchRequest(
        q="nachtopvang", municipality="Izegem", domains=("wonen",)
    )


def test_an_unknown_town_comes_with_suggestions(built: SearchIndex) -> None:
    with pytest.raises(SearchInputError) as caught:
        built.search(SearchRequest(municipality="Roeslare"))
    assert "Roeselare" in [town.name_nl for town in caught.value.suggestions]
