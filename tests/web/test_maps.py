"""Maps: local Leaflet (no CDN), markers and outlines present, data never run as a template."""

from __future__ import annotations

import json
import re

import folium
import pytest
from flask.testing import FlaskClient
from folium.plugins import MarkerCluster

from directory.gazetteer import municipality_outline
from tests.web.conftest import TILE_URL
from web.maps import MapPoint, render_map, script_json

URL = re.compile(r"https?://[^\s\"'<>)]+")
MARKERS = re.compile(r"^\s*(\[\[[^\n]*\]\])\.forEach", re.M)


def unescaped(text: str) -> str:
    """Map scripts write '{', '}' and '<' as \\u escapes; read them back as JavaScript would."""
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), text)


def draw(points: list[MapPoint], outlines: list[dict] | None = None, **overrides):
    options = {
        "static_url": lambda path: f"/static/{path}",
        "tile_url": TILE_URL,
        "attribution": "&copy; OpenStreetMap-bijdragers",
        "label": "Kaart",
        "outlines": outlines or [],
    }
    options.update(overrides)
    return render_map(points, **options)


def all_of(parts) -> str:
    return unescaped(f"{parts.head}{parts.body}{parts.script}")


POINTS = [
    MapPoint(50.9466, 3.1229, "Welzijnshuis Roeselare", "/dienst/a", "Gasthuisstraat 10"),
    MapPoint(50.9150, 3.2136, "Woonwinkel Izegem", "/dienst/b"),
]


def test_no_url_but_the_tile_server() -> None:
    parts = draw(POINTS, [municipality_outline("36015")])
    assert set(URL.findall(all_of(parts))) == {TILE_URL}


def test_leaflet_and_markercluster_come_from_static() -> None:
    head = str(draw(POINTS).head)
    for path in (
        "vendor/leaflet/leaflet.js",
        "vendor/leaflet/leaflet.css",
        "vendor/leaflet.markercluster/leaflet.markercluster.js",
        "vendor/leaflet.markercluster/MarkerCluster.css",
        "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    ):
        assert f'"/static/{path}"' in head
    assert "jquery" not in head and "bootstrap" not in head


def test_folium_class_lists_are_left_alone() -> None:
    before = (list(folium.Map.default_js), list(MarkerCluster.default_js))
    draw(POINTS)
    assert (folium.Map.default_js, MarkerCluster.default_js) == before
    assert folium.Map.default_js[0][1].startswith("https://")  # still folium's own CDN default


def test_markers_with_popup_links_in_a_cluster() -> None:
    parts = draw(POINTS)
    script = unescaped(str(parts.script))
    assert parts.marker_count == 2
    assert "L.markerClusterGroup(" in script
    data = json.loads(MARKERS.search(script).group(1))
    assert [row[2] for row in data] == ["Welzijnshuis Roeselare", "Woonwinkel Izegem"]
    assert '<a href="/dienst/a">Bekijk de dienst</a>' in data[0][3]
    assert "Gasthuisstraat 10" in data[0][3]


def test_outline_is_drawn_without_markers() -> None:
    outline = municipality_outline("36015")
    parts = draw([], [outline])
    script = str(parts.script)
    assert parts.marker_count == 0
    assert "L.geoJson(" in script and '"nis": "36015"' in script
    assert "fitBounds" in script


def test_points_without_coordinates_are_left_out() -> None:
    parts = draw([MapPoint(None, None, "Zonder adres")])  # type: ignore[arg-type]
    assert parts.marker_count == 0


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{% for x in y %}", "</script><b>", "{# x #}"])
def test_data_is_never_evaluated_or_unescaped(text: str) -> None:
    parts = draw([MapPoint(50.9, 3.1, text, "/dienst/x", text)], label=text, attribution=text)
    html = f"{parts.body}{parts.script}"
    assert "{{" not in html and "{%" not in html and "{#" not in html
    assert "</script>" not in str(parts.script)
    assert text in unescaped(str(parts.script))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a{b}", '"a\\u007bb\\u007d"'), ("<&>", '"\\u003c\\u0026\\u003e"'), (1.5, "1.5")],
)
def test_script_json(value: object, expected: str) -> None:
    assert script_json(value) == expected


def test_no_zoom_blocking_viewport_or_page_wide_styles() -> None:
    head = str(draw(POINTS).head)
    assert "user-scalable=no" not in head and "maximum-scale" not in head
    assert "html, body" not in head


@pytest.mark.parametrize("path", ["/zoeken?municipality=Roeselare", "/gemeente/roeselare"])
def test_pages_reference_no_cdn(web: FlaskClient, path: str) -> None:
    html = unescaped(web.get(path).get_data(as_text=True))
    head = html.split("</head>", 1)[0]
    scripts = "".join(re.findall(r"<script[^>]*>(.*?)</script>", html, re.S))
    assert set(URL.findall(head + scripts)) <= {TILE_URL}
    assert "L.tileLayer(" in scripts


def test_search_page_map_shows_results_of_the_page(web: FlaskClient) -> None:
    html = unescaped(
        web.get("/zoeken?municipality=Roeselare&domain=financien").get_data(as_text=True)
    )
    data = json.loads(MARKERS.search(html).group(1))
    assert data and all(row[3].count("/dienst/") == 1 for row in data)
    assert '"nis": "36015"' in html  # the town outline


def test_tiles_are_fetched_without_referer() -> None:
    script = str(draw(POINTS).script)
    layer = re.search(r"L\.tileLayer\((.*?)\)\.addTo", script, re.S).group(1)
    assert '"referrerPolicy": "no-referrer"' in layer


def test_map_adds_no_inline_style() -> None:
    """An inline <style> would need 'unsafe-inline' in the pages' Content-Security-Policy."""
    parts = draw(POINTS, [municipality_outline("36015")])
    assert "<style" not in str(parts.head) + str(parts.body)
    assert "style=" not in str(parts.body)
