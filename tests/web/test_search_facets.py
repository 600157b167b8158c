"""Search page and API on the starter catalogue: flag and language facets from the one search,
the open label agreeing with the open filter, towns and radius checked by the index."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from directory import models as m
from directory.hsds import services_to_hsds
from directory.opening_hours import service_schedules
from indexer import SearchIndex
from tests.conftest import STARTER_CATALOGUE
from web.views.lookups import schedules_by_service

IZEGEM_HOUSING = "Woonwinkel – Woondienst Regio Izegem"  # hours only on its location link


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def facet_links(page: BeautifulSoup, facet: str) -> dict[str, tuple[int, bool, str]]:
    """Label -> (count, selected, href) of one facet's links on the page."""
    found = {}
    for link in page.select(f"#{facet} ~ ul a"):
        count = int(link.select_one(".count").get_text(" ", strip=True).split()[0])
        label = link.select_one(".facet-label").get_text(" ", strip=True)
        label = label.removeprefix("Filter wissen:").strip()
        found[label] = (count, link.has_attr("aria-current"), link["href"])
    return found


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The requests SearchIndex.search receives during a test."""
    seen: list[object] = []
    search = SearchIndex.search

    def counting(self: SearchIndex, request: object, *args: object, **kwargs: object):
        seen.append(request)
        return search(self, request, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "search", counting)
    return seen


# More languages than the page used to count (the first 8 alphabetically): "uk" comes last.
LANGUAGES = ("ar", "bg", "de", "en", "es", "fr", "it", "nl", "pl", "ro", "uk")


@pytest.fixture
def multilingual(app: Flask, tmp_path: Path) -> FlaskClient:
    """An app whose catalogue is two starter services, one of them speaking many languages."""
    services = json.loads(STARTER_CATALOGUE.read_text(encoding="utf-8"))
    chosen = [s for s in services if "Welzijnshuis Roeselare" in s["name"]][:2]
    chosen[0]["languages"] = [
        {
            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, code)),
            "service_id": chosen[0]["id"],
            "code": code,
        }
        for code in LANGUAGES
    ]
    catalogue = tmp_path / "catalogue.hsds.json"
    catalogue.write_text(json.dumps(chosen), encoding="utf-8")
    runner = app.test_cli_runner()
    for args in (["init"], ["import", str(catalogue)], ["index", "rebuild"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0 and "rejected record" not in result.output, result.output
    return app.test_client()


def test_the_last_of_many_languages_can_be_picked(multilingual: FlaskClient) -> None:
    page = soup(multilingual.get("/zoeken?municipality=Roeselare"))
    languages = facet_links(page, "facet-language")
    assert languages["Oekraïens"][:2] == (1, False) and languages["Nederlands"][0] == 2
    picked = soup(multilingual.get(languages["Oekraïens"][2]))
    assert picked.select_one("h1").get_text().startswith("1 dienst")
    assert facet_links(picked, "facet-language")["Oekraïens"][:2] == (1, True)
    chips = [a.get_text(" ", strip=True) for a in picked.select(".active-filters a")]
    assert any("Oekraïens" in chip for chip in chips)


def test_a_selected_language_stays_visible(web: FlaskClient, searches: list[object]) -> None:
    page = soup(web.get("/zoeken?q=budget&language=uk"))
    assert facet_links(page, "facet-language")["Oekraïens"][:2] == (0, True)
    chips = [a.get_text(" ", strip=True) for a in page.select(".active-filters a")]
    assert any("Oekraïens" in chip for chip in chips)
    off = facet_links(page, "facet-language")["Oekraïens"][2]
    assert parse_qs(urlsplit(off).query) == {"q": ["budget"]}
    assert len(searches) == 1
    body = web.get("/api/v1/search?q=budget&language=uk").get_json()
    assert [(v["value"], v["selected"]) for v in body["facets"]["language"]] == [("uk", True)]


@pytest.mark.parametrize(
    "query", ["municipality=Roeselare", "q=schulden", "domain=wonen&free=1", "q=budget&open_now=1"]
)
def test_flag_facets_come_from_the_one_search_and_count_right(
    web: FlaskClient, searches: list[object], query: str
) -> None:
    page = soup(web.get(f"/zoeken?{query}"))
    assert len(searches) == 1  # no extra search per facet value
    total = web.get(f"/api/v1/search?{query}").get_json()["total"]
    for facet in ("facet-free", "facet-open"):
        [(count, selected, href)] = facet_links(page, facet).values()
        if selected:  # the link drops the filter; the count is this result set
            assert count == total
        else:  # the link adds the filter; the count is what it will find
            assert count == web.get("/api/v1/search?" + urlsplit(href).query).get_json()["total"]


def test_the_open_label_and_the_open_filter_agree(web: FlaskClient) -> None:
    """Every service labelled 'Nu open' is in open_now=1, and open_now=1 holds nothing else."""
    labelled = set()
    for page in (1, 2):
        body = web.get(f"/api/v1/search?per_page=100&page={page}").get_json()
        labelled |= {
            r["name"] for r in body["results"] if (r["opening"] or "").startswith("Nu open")
        }
    assert IZEGEM_HOUSING in labelled
    body = web.get("/api/v1/search?open_now=1&per_page=100").get_json()
    assert {r["name"] for r in body["results"]} == labelled
    assert body["total"] == len(labelled)
    [facet] = web.get("/api/v1/search").get_json()["facets"]["open_now"]
    assert facet["count"] == len(labelled)


@pytest.mark.parametrize("path", ["/zoeken", "/api/v1/search"])
@pytest.mark.parametrize("query", ["radius_km=1", "radius_km=1&q=schulden"])
def test_a_radius_without_point_or_town_is_refused(web: FlaskClient, path: str, query: str) -> None:
    response = web.get(f"{path}?{query}")
    message = "De straal vraagt een punt (near) of een gemeente."
    assert response.status_code == 400
    if path == "/api/v1/search":
        assert response.get_json()["error"] == message
    else:
        assert message in soup(response).select_one("[role=alert]").get_text()


@pytest.mark.parametrize(
    ("query", "chip"),
    [
        ("municipality=Izegem&radius_km=1", "Binnen 1,0 km van Izegem"),
        ("near=50.915,3.2136&radius_km=2", "Binnen 2,0 km van het gekozen punt"),
    ],
)
def test_a_radius_chip_names_its_centre_and_clears_cleanly(
    web: FlaskClient, query: str, chip: str
) -> None:
    page = soup(web.get(f"/zoeken?{query}"))
    link = next(a for a in page.select(".active-filters a") if chip in a.get_text(" ", strip=True))
    cleared = web.get(link["href"])
    assert cleared.status_code == 200
    assert "radius_km" not in parse_qs(urlsplit(link["href"]).query)


@pytest.mark.parametrize("municipality", ["36015", "8800", "Rumbeke", "roeselare"])
def test_any_form_the_index_knows_is_a_town(web: FlaskClient, municipality: str) -> None:
    response = web.get(f"/zoeken?municipality={municipality}&domain=financien")
    page = soup(response)
    assert response.status_code == 200
    assert page.select_one("input#municipality")["value"] == "Roeselare"
    assert page.select_one("h1").get_text().endswith("in Roeselare")
    body = web.get(f"/api/v1/search?municipality={municipality}").get_json()
    assert body["municipality"]["nis"] == "36015"
    assert body["query"]["municipality"] == "Roeselare"


def test_a_town_read_from_the_query_moves_into_the_links(web: FlaskClient) -> None:
    body = web.get("/api/v1/search?q=budget+izegem&per_page=2").get_json()
    assert body["query"] == {"q": "budget", "municipality": "Izegem", "per_page": 2}
    assert parse_qs(urlsplit(body["next_url"]).query)["municipality"] == ["Izegem"]
    assert "Gezocht in Izegem." in body["messages"]


def test_the_labels_read_the_schedules_the_index_reads(session: Session) -> None:
    """schedules_by_service finds, in the database, what service_schedules picks from the HSDS
    document the indexer gets: own hours, a link's hours, a location's hours as the fallback."""
    ids = {name: str(uuid.uuid4()) for name in ("own", "linked", "building", "loc", "other")}
    session.add_all(
        [
            m.Location(id=ids["loc"], name="Loket"),
            m.Location(id=ids["other"], name="Elders"),
            *(m.Service(id=ids[n], name=n, status="active") for n in ("own", "linked", "building")),
            *(
                m.ServiceAtLocation(id=f"{ids[n]}-sal", service_id=ids[n], location_id=ids["loc"])
                for n in ("own", "linked", "building")
            ),
        ]
    )
    session.flush()

    def hours(day: str, **owner: str) -> m.Schedule:
        return m.Schedule(
            id=str(uuid.uuid4()),
            freq="WEEKLY",
            byday=day,
            opens_at="9:00",
            closes_at="12:00",
            **owner,
        )

    session.add_all(
        [
            hours("MO", service_id=ids["own"]),
            hours("TU", service_at_location_id=f"{ids['own']}-sal"),
            hours("WE", service_at_location_id=f"{ids['linked']}-sal", location_id=ids["loc"]),
            hours("TH", location_id=ids["loc"]),  # the building's hours
            hours("FR", location_id=ids["other"]),
        ]
    )
    session.flush()
    services = [session.get(m.Service, ids[n]) for n in ("own", "linked", "building")]
    found = schedules_by_service(session, [s.id for s in services])
    for document in services_to_hsds(session, services):
        expected = sorted(s["byday"] for s in service_schedules(document))
        assert sorted(s["byday"] for s in found[document["id"]]) == expected
    assert sorted(s["byday"] for s in found[ids["own"]]) == ["MO", "TU"]
    assert [s["byday"] for s in found[ids["linked"]]] == ["WE"]
    assert [s["byday"] for s in found[ids["building"]]] == ["TH"]
