"""JSON API /api/v1: response shapes, errors, the twin of the search page, the OpenAPI document."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from web.params import SEARCH_PARAMETERS

TEJO = "ced65db4-412b-5d2d-ad23-19dec981e558"
OPENAPI = Path(__file__).resolve().parents[2] / "web" / "openapi.json"
RESULT_KEYS = {
    "id",
    "name",
    "organization",
    "snippet",
    "domains",
    "target_groups",
    "municipalities",
    "locations",
    "distance_km",
    "url",
}


def schema_validator(name: str) -> Draft202012Validator:
    """A validator for one of the OpenAPI document's component schemas (refs resolved)."""
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:socialekaart:openapi", resource)
    schema = {"$ref": f"urn:socialekaart:openapi#/components/schemas/{name}"}
    return Draft202012Validator(schema, registry=registry)


def test_search_shape(web: FlaskClient) -> None:
    response = web.get("/api/v1/search?municipality=Roeselare&domain=financien&per_page=5")
    body = response.get_json()
    assert response.status_code == 200
    assert body["ok"] is True
    assert body["page"] == 1 and body["per_page"] == 5
    assert body["total"] >= len(body["results"]) > 0
    assert RESULT_KEYS <= set(body["results"][0])
    assert all("financien" in r["domains"] for r in body["results"])
    assert body["results"][0]["url"] == f"/dienst/{body['results'][0]['id']}"
    assert set(body["facets"]) >= {
        "domain",
        "municipality",
        "target_group",
        "organization",
        "free",
        "open_now",
    }
    domain = next(v for v in body["facets"]["domain"] if v["value"] == "financien")
    assert domain["selected"] is True and domain["count"] == body["total"]
    assert urlsplit(domain["toggle_url"]).path == "/api/v1/search"
    assert body["municipality"]["slug"] == "roeselare"
    assert body["suggestion"] is None
    assert not list(schema_validator("SearchResponse").iter_errors(body))


def test_search_next_url_pages_on(web: FlaskClient) -> None:
    body = web.get("/api/v1/search?municipality=Roeselare&per_page=2").get_json()
    assert parse_qs(urlsplit(body["next_url"]).query)["page"] == ["2"]
    second = web.get(body["next_url"]).get_json()
    assert second["page"] == 2
    assert {r["id"] for r in second["results"]}.isdisjoint(r["id"] for r in body["results"])


def test_api_is_the_twin_of_the_page(web: FlaskClient) -> None:
    query = "q=schulden&municipality=8800&per_page=10"
    api = web.get(f"/api/v1/search?{query}").get_json()
    page = BeautifulSoup(web.get(f"/zoeken?{query}").get_data(as_text=True), "html.parser")
    ids = [a["href"].rsplit("/", 1)[1] for a in page.select(".result-title a")]
    assert ids == [r["id"] for r in api["results"]]


def test_search_suggestion(web: FlaskClient) -> None:
    body = web.get("/api/v1/search?q=shulden").get_json()
    assert body["suggestion"] == "schulden"
    assert parse_qs(urlsplit(body["suggestion_url"]).query)["q"] == ["schulden"]


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "per_page=1000",
        "age=x",
        "age=151",
        "domain=ruimtevaart",
        "target_group=astronauten",
        "municipality=Atlantis",
        "near=abc",
        "near=50.9,3.1&radius_km=-1",
        "sort=random",
        "language=Nederlands!",
        "q=" + "a" * 301,
    ],
)
def test_search_errors_are_json_400(web: FlaskClient, query: str) -> None:
    response = web.get(f"/api/v1/search?{query}")
    body = response.get_json()
    assert response.status_code == 400
    assert body["ok"] is False and body["status"] == 400
    assert isinstance(body["error"], str) and body["error"]
    assert not list(schema_validator("Error").iter_errors(body))


_VALUES = st.text(max_size=30) | st.sampled_from(
    ["1", "0", "-0", "1.5", "50.95,3.12", "ja", "wonen", "8800", "Roeselare", "\x00", "%ff"]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(SEARCH_PARAMETERS), _VALUES), max_size=6))
def test_any_parameters_give_json_never_500(
    loaded_app: Flask, pairs: list[tuple[str, str]]
) -> None:
    response = loaded_app.test_client().get("/api/v1/search", query_string=pairs)
    body = response.get_json()
    assert response.status_code in (200, 400)
    assert body["ok"] is (response.status_code == 200)


@pytest.mark.parametrize(
    ("q", "slug"),
    [
        ("8800", "roeselare"),
        ("Roulers", "roeselare"),
        ("meulebeke", "tielt"),
        ("36015", "roeselare"),
    ],
)
def test_municipalities_resolve_any_form(web: FlaskClient, q: str, slug: str) -> None:
    body = web.get(f"/api/v1/municipalities?q={q}").get_json()
    assert body["ok"] is True
    assert body["match"]["slug"] == slug
    assert body["results"][0]["slug"] == slug
    assert body["match"]["url"] == f"/gemeente/{slug}"


def test_municipalities_complete_and_suggest(web: FlaskClient) -> None:
    started = web.get("/api/v1/municipalities?q=roe").get_json()
    assert started["match"] is None
    assert [r["name"] for r in started["results"]][:1] == ["Roeselare"]
    typo = web.get("/api/v1/municipalities?q=Roeslare").get_json()
    assert "Roeselare" in [r["name"] for r in typo["results"]]
    everything = web.get("/api/v1/municipalities").get_json()
    assert len(everything["results"]) == 285
    assert not list(schema_validator("MunicipalityResponse").iter_errors(everything))


@pytest.mark.parametrize("q", ["...", "-", " , ", "’", "?!", "°"])
def test_municipalities_of_punctuation_only_is_empty(web: FlaskClient, q: str) -> None:
    body = web.get("/api/v1/municipalities", query_string={"q": q}).get_json()
    assert body == {"ok": True, "match": None, "results": []}
    assert not list(schema_validator("MunicipalityResponse").iter_errors(body))


def test_service_json(web: FlaskClient) -> None:
    body = web.get(f"/api/v1/services/{TEJO}").get_json()
    service = body["service"]
    assert body["ok"] is True
    assert service["id"] == TEJO
    assert service["phones"][0]["href"] == "tel:0468547997"
    assert service["source"]["is_stale"] is True
    assert service["url"] == f"/dienst/{TEJO}"
    assert not list(schema_validator("ServiceResponse").iter_errors(body))


def test_unknown_service_is_json_404(web: FlaskClient) -> None:
    response = web.get("/api/v1/services/bestaat-niet")
    assert response.status_code == 404
    assert response.get_json() == {
        "ok": False,
        "error": "Onbekende dienst: bestaat-niet",
        "status": 404,
    }


def test_unknown_api_path_is_json_404(web: FlaskClient) -> None:
    body = web.get("/api/v1/nergens").get_json()
    assert body == {"ok": False, "error": body["error"], "status": 404}


def test_openapi_is_valid_31_and_covers_our_routes(web: FlaskClient, loaded_app: Flask) -> None:
    document = web.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)
    routes = {
        rule.rule.replace("<service_id>", "{service_id}")
        for rule in loaded_app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert routes <= set(document["paths"])
    documented = {p["name"] for p in document["paths"]["/api/v1/search"]["get"]["parameters"]}
    assert documented == set(SEARCH_PARAMETERS)


def test_every_api_route_is_in_the_openapi_document(app: Flask) -> None:
    spec = json.loads((Path(__file__).resolve().parents[2] / "web" / "openapi.json").read_text())
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented, f"{method} {path} is not in web/openapi.json"
