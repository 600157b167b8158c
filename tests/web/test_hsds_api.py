"""The HSDS 3.0 API under /hsds/: endpoints, Page maths, filters, errors, CORS and NDJSON.

Every response is validated against the schema openapi.json declares for its operation, resolved
to the official schema files in data/hsds/schema/ (the spec's $refs point at GitHub).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select

from directory import models as m
from directory.gazetteer import Gazetteer
from tests.conftest import HSDS_EXAMPLES, ROOT, STARTER_CATALOGUE, load_json

SCHEMA_DIR = ROOT / "data" / "hsds" / "schema"
REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
OPENAPI = load_json(SCHEMA_DIR / "openapi.json")
PAGE_KEYS = set(OPENAPI["components"]["schemas"]["Page"]["properties"]) | {"contents"}
CATALOGUE = load_json(STARTER_CATALOGUE)
EXAMPLE = load_json(HSDS_EXAMPLES / "service_full.json")
ALL_SERVICES = len(CATALOGUE) + 1
# The spec's detail schema for a service_at_location is compiled/service.json, a copy-paste slip
# (a link has no name or status); the entity's own schema is the one that fits.
SCHEMA_OVERRIDES = {"/service_at_locations/{id}": "service_at_location.json"}


def _retrieve(uri: str) -> Resource:
    """The spec's GitHub URLs, and relative names, as local files.

    compiled/service.json and compiled/organization.json are not shipped: they are the plain
    entity schemas with their references inlined, so the plain ones stand in for them.
    """
    name = uri.removeprefix(REMOTE)
    path = SCHEMA_DIR / name
    if not path.exists():
        path = SCHEMA_DIR / Path(name).name
    return Resource.from_contents(load_json(path), DRAFT202012)


REGISTRY = Registry(retrieve=_retrieve)


def validator(operation: str) -> Draft202012Validator:
    """A validator for the 200 response of ``GET operation`` (an openapi.json path)."""
    if operation in SCHEMA_OVERRIDES:
        schema = {"$ref": SCHEMA_OVERRIDES[operation]}
    else:
        pointer = "/".join(
            ["paths", operation.replace("~", "~0").replace("/", "~1")]
            + ["get", "responses", "200", "content", "application~1json", "schema"]
        )
        schema = {"$ref": f"openapi.json#/{quote(pointer)}"}
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker())


def assert_valid(operation: str, document: Any) -> None:
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator(operation).iter_errors(document)
    ]
    assert not errors, errors[:5]
    if not operation.endswith("}") and operation != "/":
        # Page declares its fields but requires none: we promise all of them.
        assert set(document) == PAGE_KEYS


def assert_valid_items(operation: str, items: list[dict]) -> None:
    """List items (NDJSON lines) against the list operation's item schema."""
    assert_valid(operation, page_of(items))


def page_of(items: list[dict]) -> dict:
    size = len(items)
    return {
        "total_items": size,
        "total_pages": 1,
        "page_number": 1,
        "size": size,
        "first_page": True,
        "last_page": True,
        "empty": not items,
        "contents": items,
    }


@pytest.fixture(scope="module")
def hsds_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One app for the module, loaded through the real CLI: init, the catalogue, the example."""
    from web import create_app

    folder = tmp_path_factory.mktemp("hsds")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'app.sqlite'}",
            "INDEX_DIR": str(folder / "index"),
            "SERVER_NAME": "kaart.example",
        }
    )
    runner = app.test_cli_runner()
    for args in (
        ["init"],
        ["import", str(STARTER_CATALOGUE)],
        ["import", str(HSDS_EXAMPLES / "service_full.json")],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output, result.exception)
    return app


@pytest.fixture
def api(hsds_app: Flask) -> FlaskClient:
    return hsds_app.test_client()


def get_json(api: FlaskClient, url: str, status: int = 200) -> Any:
    response = api.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def ndjson(api: FlaskClient, url: str) -> list[dict]:
    response = api.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/x-ndjson"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    text = response.get_data(as_text=True)
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def all_ids(api: FlaskClient, url: str) -> list[str]:
    separator = "&" if "?" in url else "?"
    return [item["id"] for item in ndjson(api, f"{url}{separator}format=ndjson")]


def org_id(service: dict) -> str:
    """The example nests its organization without repeating its id at the top."""
    return service.get("organization_id") or service["organization"]["id"]


def catalogue_services() -> Iterator[dict]:
    yield from CATALOGUE
    yield EXAMPLE


# ------------------------------------------------------------------------------------ meta


def test_root_describes_the_api_with_an_absolute_openapi_url(api: FlaskClient) -> None:
    body = get_json(api, "/hsds/")
    assert_valid("/", body)
    assert body == {
        "version": "3.0",
        "profile": "https://openreferral.org/specification/3.0/",
        "openapi_url": "http://kaart.example/hsds/openapi.json",
    }


def test_openapi_json_is_the_official_one_with_our_server(api: FlaskClient) -> None:
    body = get_json(api, "/hsds/openapi.json")
    assert body["paths"] == OPENAPI["paths"]
    assert body["components"] == OPENAPI["components"]
    assert body["servers"] == [{"url": "http://kaart.example/hsds"}]
    assert "REQUIRED" not in json.dumps(body["info"])


# -------------------------------------------------------------------------------- services


@pytest.mark.parametrize(
    ("page", "per_page", "size", "total_pages", "first", "last"),
    [
        (1, 50, 50, 4, True, False),
        (2, 50, 50, 4, False, False),
        (4, 50, ALL_SERVICES - 150, 4, False, True),
        (5, 50, 0, 4, False, True),
        (1, 100, 100, 2, True, False),
        (1, 1, 1, ALL_SERVICES, True, False),
        (ALL_SERVICES, 1, 1, ALL_SERVICES, False, True),
    ],
)
def test_services_page_maths(
    api: FlaskClient, page: int, per_page: int, size: int, total_pages: int, first: bool, last: bool
) -> None:
    body = get_json(api, f"/hsds/services?page={page}&per_page={per_page}")
    assert_valid("/services", body)
    assert body["total_items"] == ALL_SERVICES
    assert body["total_pages"] == total_pages == math.ceil(ALL_SERVICES / per_page)
    assert body["page_number"] == page
    assert body["size"] == len(body["contents"]) == size
    assert (body["first_page"], body["last_page"], body["empty"]) == (first, last, size == 0)


def test_pages_cover_every_service_once_in_the_ndjson_order(api: FlaskClient) -> None:
    paged = []
    for page in range(1, math.ceil(ALL_SERVICES / 40) + 1):
        paged += [
            s["id"] for s in get_json(api, f"/hsds/services?per_page=40&page={page}")["contents"]
        ]
    assert paged == all_ids(api, "/hsds/services")
    assert sorted(paged) == sorted(s["id"] for s in catalogue_services())


def test_default_page_size_is_the_configured_one(api: FlaskClient, hsds_app: Flask) -> None:
    body = get_json(api, "/hsds/services")
    assert body["size"] == hsds_app.config["PER_PAGE"]


def test_service_list_items_are_flat_and_full_ones_are_nested(api: FlaskClient) -> None:
    flat = get_json(api, "/hsds/services?per_page=100")
    assert_valid("/services", flat)
    for item in flat["contents"]:
        assert not [key for key, value in item.items() if isinstance(value, list)]
        assert item["organization"]["id"] == item["organization_id"]
    full = get_json(api, "/hsds/services?per_page=100&full=true")
    assert [s["id"] for s in full["contents"]] == [s["id"] for s in flat["contents"]]
    for item in full["contents"]:
        assert_valid("/services/{id}", item)
        assert isinstance(item["service_at_locations"], list)
        assert isinstance(item["attributes"], list)


def test_service_detail_is_the_full_service(api: FlaskClient) -> None:
    body = get_json(api, f"/hsds/services/{EXAMPLE['id']}")
    assert_valid("/services/{id}", body)
    assert body["name"] == EXAMPLE["name"]
    assert body["organization"]["id"] == EXAMPLE["organization"]["id"]
    assert [x["id"] for x in body["service_at_locations"]] == [
        x["id"] for x in EXAMPLE["service_at_locations"]
    ]
    located = body["service_at_locations"][0]["location"]
    assert located["addresses"][0]["postal_code"] == "ABC 1234"
    for service in CATALOGUE[:5]:
        assert_valid("/services/{id}", get_json(api, f"/hsds/services/{service['id']}"))


def _term_ids(service: dict) -> set[str]:
    return {a["taxonomy_term"]["id"] for a in service.get("attributes", [])}


def _taxonomy_ids(service: dict) -> set[str]:
    return {
        a["taxonomy_term"]["taxonomy_detail"]["id"]
        for a in service.get("attributes", [])
        if "taxonomy_detail" in a.get("taxonomy_term", {})
    }


def _busiest(values: list[str]) -> str:
    return max(set(values), key=values.count)


def test_services_by_taxonomy_term(api: FlaskClient) -> None:
    term = _busiest([t for s in CATALOGUE for t in _term_ids(s)])
    expected = {s["id"] for s in catalogue_services() if term in _term_ids(s)}
    assert 0 < len(expected) < ALL_SERVICES
    assert set(all_ids(api, f"/hsds/services?taxonomy_term_id={term}")) == expected
    body = get_json(api, f"/hsds/services?taxonomy_term_id={term}&per_page=10")
    assert body["total_items"] == len(expected)


def test_services_by_taxonomy(api: FlaskClient) -> None:
    taxonomy = _busiest([t for s in CATALOGUE for t in _taxonomy_ids(s)])
    expected = {s["id"] for s in catalogue_services() if taxonomy in _taxonomy_ids(s)}
    assert 0 < len(expected)
    assert set(all_ids(api, f"/hsds/services?taxonomy_id={taxonomy}")) == expected


def test_services_by_organization(api: FlaskClient) -> None:
    organization = _busiest([s["organization_id"] for s in CATALOGUE])
    expected = {s["id"] for s in CATALOGUE if s["organization_id"] == organization}
    body = get_json(api, f"/hsds/services?organization_id={organization}")
    assert {s["id"] for s in body["contents"]} == expected
    assert body["total_items"] == len(expected) > 1


def _text(service: dict) -> str:
    organization = service.get("organization", {}).get("name", "")
    return f"{service.get('name', '')} {service.get('description', '')} {organization}".lower()


@pytest.mark.parametrize("search", ["budget", "Roeselare", "budget ROESELARE", "counselling"])
def test_search_needs_every_word_in_name_description_or_organization(
    api: FlaskClient, search: str
) -> None:
    expected = {
        s["id"] for s in catalogue_services() if all(w in _text(s) for w in search.lower().split())
    }
    assert expected
    assert set(all_ids(api, f"/hsds/services?search={quote(search)}")) == expected


def test_search_treats_like_wildcards_literally(api: FlaskClient) -> None:
    assert get_json(api, "/hsds/services?search=_")["total_items"] < ALL_SERVICES
    assert get_json(api, "/hsds/services?search=%25")["total_items"] < ALL_SERVICES


@pytest.mark.parametrize(
    ("modified_after", "count"),
    [
        ("2020-01-01", ALL_SERVICES),
        ("2024-01-01", ALL_SERVICES - 1),  # the example dates from 2023-03-15T10:30:45.123Z
        ("2023-03-15T10:30:45.123Z", ALL_SERVICES),  # on or after
        ("2023-03-15T11:30:45.124+01:00", ALL_SERVICES - 1),  # a millisecond later, in CET
        ("2023-03-15T11:30:45.123 01:00", ALL_SERVICES),  # "+" lost to URL decoding
        ("2023-03-15T10:30:45.123", ALL_SERVICES),  # naive means UTC
        ("2026-11-22T00:00:00Z", ALL_SERVICES - 1),
        ("2026-11-22T00:00:01Z", 0),
    ],
)
def test_modified_after_compares_instants(
    api: FlaskClient, modified_after: str, count: int
) -> None:
    body = get_json(api, f"/hsds/services?per_page=1&modified_after={quote(modified_after)}")
    assert body["total_items"] == count
    assert body["empty"] is (count == 0)


def test_filters_combine(api: FlaskClient) -> None:
    organization = _busiest([s["organization_id"] for s in CATALOGUE])
    word = CATALOGUE[[s["organization_id"] for s in CATALOGUE].index(organization)]["name"].split()[
        0
    ]
    ids = all_ids(api, f"/hsds/services?organization_id={organization}&search={quote(word)}")
    assert ids
    assert all(
        s["organization_id"] == organization and word.lower() in _text(s)
        for s in CATALOGUE
        if s["id"] in ids
    )
    assert (
        all_ids(api, f"/hsds/services?organization_id={organization}&modified_after=2027-01-01")
        == []
    )


# ----------------------------------------------------------------------------------- ndjson


def test_ndjson_streams_every_match_without_pagination(api: FlaskClient) -> None:
    lines = ndjson(api, "/hsds/services?format=ndjson&per_page=5&page=3")
    assert len(lines) == ALL_SERVICES
    assert_valid_items("/services", lines)
    full = ndjson(api, "/hsds/services?format=ndjson&full=true&search=budget")
    assert full and len(full) == get_json(api, "/hsds/services?search=budget")["total_items"]
    for item in full:
        assert_valid("/services/{id}", item)
    assert ndjson(api, "/hsds/services?format=ndjson&modified_after=2030-01-01") == []


@pytest.mark.parametrize(
    ("url", "operation"),
    [
        ("/hsds/organizations", "/organizations"),
        ("/hsds/taxonomies", "/taxonomies"),
        ("/hsds/taxonomy_terms", "/taxonomy_terms"),
        ("/hsds/service_at_locations", "/service_at_locations"),
    ],
)
def test_every_list_streams_ndjson_like_its_pages(
    api: FlaskClient, url: str, operation: str
) -> None:
    lines = ndjson(api, f"{url}?format=ndjson")
    assert_valid_items(operation, lines)
    body = get_json(api, f"{url}?per_page=100")
    assert len(lines) == body["total_items"] > 0
    assert [item["id"] for item in lines[:100]] == [item["id"] for item in body["contents"]]


# ---------------------------------------------------------------------------- organizations


def test_organizations_list_and_nested_variants(api: FlaskClient) -> None:
    body = get_json(api, "/hsds/organizations?per_page=100")
    assert_valid("/organizations", body)
    assert body["total_items"] == len({org_id(s) for s in catalogue_services()})
    assert all("services" not in item for item in body["contents"])
    full = get_json(api, "/hsds/organizations?per_page=20&full=true")
    for item in full["contents"]:
        assert_valid("/organizations/{id}", item)
        assert item["services"] and all(
            s["organization_id"] == item["id"] for s in item["services"]
        )


def test_organization_detail_lists_its_services(api: FlaskClient) -> None:
    organization = _busiest([s["organization_id"] for s in CATALOGUE])
    expected = sorted(s["id"] for s in CATALOGUE if s["organization_id"] == organization)
    body = get_json(api, f"/hsds/organizations/{organization}")
    assert_valid("/organizations/{id}", body)
    assert [s["id"] for s in body["services"]] == expected
    assert all("service_at_locations" not in s for s in body["services"])
    full = get_json(api, f"/hsds/organizations/{organization}?full_service=true")
    assert [s["id"] for s in full["services"]] == expected
    for service in full["services"]:
        assert_valid("/services/{id}", service)
        assert "service_at_locations" in service


def test_organization_search(api: FlaskClient) -> None:
    body = get_json(api, "/hsds/organizations?search=ocmw&per_page=100")
    assert 0 < body["total_items"] < len({s["organization_id"] for s in CATALOGUE})
    for item in body["contents"]:
        text = f"{item.get('name', '')} {item.get('alternate_name', '')} {item['description']}"
        assert "ocmw" in text.lower()


# ------------------------------------------------------------------------------- taxonomies


def test_taxonomies_and_their_terms(api: FlaskClient) -> None:
    taxonomies = get_json(api, "/hsds/taxonomies")
    assert_valid("/taxonomies", taxonomies)
    names = {t["name"] for t in taxonomies["contents"]}
    assert {"levensdomein", "doelgroep"} <= names
    for taxonomy in taxonomies["contents"]:
        assert_valid("/taxonomies/{id}", get_json(api, f"/hsds/taxonomies/{taxonomy['id']}"))
        terms = get_json(api, f"/hsds/taxonomy_terms?taxonomy_id={taxonomy['id']}&per_page=100")
        assert_valid("/taxonomy_terms", terms)
        assert all(t["taxonomy_id"] == taxonomy["id"] for t in terms["contents"])
        assert all(t["taxonomy_detail"]["id"] == taxonomy["id"] for t in terms["contents"])
    every = get_json(api, "/hsds/taxonomy_terms?per_page=100")
    assert every["total_items"] == sum(
        get_json(api, f"/hsds/taxonomy_terms?taxonomy_id={t['id']}")["total_items"]
        for t in taxonomies["contents"]
    )


def test_taxonomy_term_detail_search_and_hierarchy(api: FlaskClient) -> None:
    found = get_json(api, "/hsds/taxonomy_terms?search=wonen&per_page=100")["contents"]
    assert found and all("wonen" in json.dumps(t, ensure_ascii=False).lower() for t in found)
    term = get_json(api, f"/hsds/taxonomy_terms/{found[0]['id']}")
    assert_valid("/taxonomy_terms/{id}", term)
    assert term["id"] == found[0]["id"]
    every = get_json(api, "/hsds/taxonomy_terms?per_page=100")["contents"]
    top = get_json(api, "/hsds/taxonomy_terms?per_page=100&top_only=true")["contents"]
    assert [t["id"] for t in top] == [t["id"] for t in every if not t.get("parent_id")]
    assert get_json(api, f"/hsds/taxonomy_terms?parent_id={found[0]['id']}")["contents"] == [
        t for t in every if t.get("parent_id") == found[0]["id"]
    ]


# --------------------------------------------------------------------- service_at_locations


def _sal_by_id() -> dict[str, tuple[dict, dict]]:
    return {
        link["id"]: (service, link)
        for service in catalogue_services()
        for link in service["service_at_locations"]
    }


def test_service_at_locations_list_full_and_detail(api: FlaskClient) -> None:
    links = _sal_by_id()
    body = get_json(api, "/hsds/service_at_locations?per_page=100")
    assert_valid("/service_at_locations", body)
    assert body["total_items"] == len(links)
    for item in body["contents"]:
        service, link = links[item["id"]]
        assert item["service"]["id"] == service["id"] == item["service_id"]
        assert item["location"]["id"] == link["location"]["id"]
        assert "addresses" not in item["location"]
    full = get_json(api, "/hsds/service_at_locations?per_page=10&full=true")
    for item in full["contents"]:
        assert_valid("/service_at_locations/{id}", item)
        location = links[item["id"]][1]["location"]
        assert item["location"].get("addresses") == location.get("addresses")
    one = next(iter(links))
    detail = get_json(api, f"/hsds/service_at_locations/{one}")
    assert_valid("/service_at_locations/{id}", detail)
    assert detail["service"]["name"] == links[one][0]["name"]


def test_service_at_locations_share_the_service_filters(api: FlaskClient) -> None:
    links = _sal_by_id()
    organization = _busiest([s["organization_id"] for s in CATALOGUE if s["service_at_locations"]])
    ids = all_ids(api, f"/hsds/service_at_locations?organization_id={organization}")
    assert ids
    assert {i for i, (s, _l) in links.items() if org_id(s) == organization} == set(ids)
    term = _busiest([t for s in CATALOGUE if s["service_at_locations"] for t in _term_ids(s)])
    ids = all_ids(api, f"/hsds/service_at_locations?taxonomy_term_id={term}")
    assert {i for i, (s, _l) in links.items() if term in _term_ids(s)} == set(ids)
    assert all_ids(api, "/hsds/service_at_locations?modified_after=2030-01-01") == []


def test_postcode_matches_addresses_and_service_areas(
    api: FlaskClient, gazetteer: Gazetteer
) -> None:
    roeselare = gazetteer.resolve("8800").nis

    def covers(service: dict, link: dict) -> bool:
        codes = {a.get("postal_code") for a in link["location"].get("addresses", [])}
        areas = {gazetteer.lookup(a.get("name") or "") for a in service["service_areas"]}
        return "8800" in codes or roeselare in {a.nis for a in areas if a is not None}

    expected = {i for i, (s, link) in _sal_by_id().items() if covers(s, link)}
    at_address = {
        i
        for i, (_s, link) in _sal_by_id().items()
        if "8800" in {a.get("postal_code") for a in link["location"].get("addresses", [])}
    }
    ids = set(all_ids(api, "/hsds/service_at_locations?postcode=8800"))
    assert at_address and at_address < ids
    assert ids == expected
    body = get_json(api, "/hsds/service_at_locations?postcode=8800&per_page=5")
    assert_valid("/service_at_locations", body)
    assert body["total_items"] == len(expected)


def test_a_postcode_outside_the_gazetteer_still_matches_addresses(api: FlaskClient) -> None:
    body = get_json(api, "/hsds/service_at_locations?postcode=4000")
    assert body["total_items"] == 0 and body["empty"] is True
    assert_valid("/service_at_locations", body)


def _distances(hsds_app: Flask, centre: tuple[float, float]) -> dict[str, float]:
    """Every link's distance from ``centre`` (haversine), computed straight from the database."""
    from web.state import get_state

    lat = func.coalesce(m.Location.geo_lat, m.Location.latitude)
    lon = func.coalesce(m.Location.geo_lon, m.Location.longitude)
    query = select(m.ServiceAtLocation.id, lat, lon).join(
        m.Location, m.Location.id == m.ServiceAtLocation.location_id
    )
    with hsds_app.app_context(), get_state().sessions() as session:
        rows = session.execute(query).all()
    found = {}
    for link_id, point_lat, point_lon in rows:
        if point_lat is None or point_lon is None:
            continue
        p1, p2 = math.radians(centre[0]), math.radians(point_lat)
        dp, dl = p2 - p1, math.radians(point_lon - centre[1])
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        found[link_id] = 2 * 6371.0088 * math.asin(math.sqrt(a))
    return found


@pytest.mark.parametrize("metres", [1500, 5000, 20000])
def test_proximity_keeps_links_within_metres_of_the_postcode_nearest_first(
    api: FlaskClient, hsds_app: Flask, gazetteer: Gazetteer, metres: int
) -> None:
    centre = gazetteer.place_point("8800", None)
    assert centre is not None
    distances = _distances(hsds_app, centre)
    # Skip links within a metre of the edge: two haversine radii may disagree there.
    edge = {i for i, d in distances.items() if abs(d * 1000 - metres) < 1}
    expected = {i for i, d in distances.items() if d * 1000 <= metres} - edge
    ids = all_ids(api, f"/hsds/service_at_locations?postcode=8800&proximity={metres}")
    assert expected and set(ids) - edge == expected
    ordered = [distances[i] for i in ids]
    assert ordered == sorted(ordered)
    body = get_json(api, f"/hsds/service_at_locations?postcode=8800&proximity={metres}&per_page=3")
    assert_valid("/service_at_locations", body)
    assert [item["id"] for item in body["contents"]] == ids[:3]


def test_proximity_reaches_beyond_the_postcode(api: FlaskClient) -> None:
    in_postcode = set(all_ids(api, "/hsds/service_at_locations?postcode=8800"))
    near = set(all_ids(api, "/hsds/service_at_locations?postcode=8800&proximity=30000"))
    assert near - in_postcode


# ---------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "url",
    [
        "/hsds/services/no-such-service",
        "/hsds/organizations/no-such-organization",
        "/hsds/taxonomies/no-such-taxonomy",
        "/hsds/taxonomy_terms/no-such-term",
        "/hsds/service_at_locations/no-such-link",
    ],
)
def test_unknown_ids_are_json_404s(api: FlaskClient, url: str) -> None:
    body = get_json(api, url, status=404)
    assert body["ok"] is False and body["status"] == 404
    assert url.rsplit("/", 1)[1] in body["error"]


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("/hsds/services?page=0", "page"),
        ("/hsds/services?page=twee", "page"),
        ("/hsds/services?page=99999999999999999999", "page"),
        ("/hsds/services?per_page=0", "per_page"),
        ("/hsds/services?per_page=101", "per_page"),
        ("/hsds/services?per_page=1.5", "per_page"),
        ("/hsds/services?full=misschien", "full"),
        ("/hsds/services?format=xml", "xml"),
        ("/hsds/services?modified_after=gisteren", "modified_after"),
        ("/hsds/services?modified_after=2024-13-01", "modified_after"),
        ("/hsds/taxonomies?per_page=500", "per_page"),
        ("/hsds/taxonomy_terms?top_only=ja", "top_only"),
        ("/hsds/organizations/x?full_service=2", "full_service"),
        ("/hsds/service_at_locations?postcode=880", "postcode"),
        ("/hsds/service_at_locations?postcode=ABC1", "postcode"),
        ("/hsds/service_at_locations?proximity=500", "postcode"),
        ("/hsds/service_at_locations?postcode=8800&proximity=-5", "proximity"),
        ("/hsds/service_at_locations?postcode=8800&proximity=nan", "proximity"),
        ("/hsds/service_at_locations?postcode=8800&proximity=ver", "proximity"),
        ("/hsds/service_at_locations?postcode=4000&proximity=500", "4000"),
    ],
)
def test_bad_parameters_are_json_400s(api: FlaskClient, query: str, word: str) -> None:
    body = get_json(api, query, status=400)
    assert body["ok"] is False and body["status"] == 400
    assert word in body["error"]


# ------------------------------------------------------------------------------------ CORS


def test_preflight_is_answered_for_any_origin(api: FlaskClient) -> None:
    response = api.options(
        "/hsds/services",
        headers={
            "Origin": "https://elders.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "accept, x-requested-with",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "accept, x-requested-with"


def test_cors_is_limited_to_the_hsds_api(api: FlaskClient) -> None:
    assert api.get("/hsds/taxonomies").headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in api.get("/").headers


def test_the_app_counts_what_the_api_reports(api: FlaskClient, hsds_app: Flask) -> None:
    from web.state import get_state

    with hsds_app.app_context(), get_state().sessions() as session:
        counts = {
            model: session.scalar(select(func.count()).select_from(model))
            for model in (m.Service, m.Organization, m.Taxonomy, m.TaxonomyTerm)
        }
    for model, path in (
        (m.Service, "services"),
        (m.Organization, "organizations"),
        (m.Taxonomy, "taxonomies"),
        (m.TaxonomyTerm, "taxonomy_terms"),
    ):
        assert get_json(api, f"/hsds/{path}?per_page=1")["total_items"] == counts[model]
