"""Maps: list[MapPoint] (+ municipality outlines) -> HTML parts for a page. The only folium import.

Leaflet and Leaflet.markercluster come from our own static folder, never a CDN: the only outside
URL in a map is the configured tile server, and markers and outlines show without it. Maps add no
inline style (site.css sizes `.folium-map`), so pages keep a strict Content-Security-Policy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import folium
from branca.element import Figure, MacroElement
from folium.plugins import MarkerCluster
from folium.template import Template
from markupsafe import Markup, escape

# Belgium's centre, for a map with nothing on it.
DEFAULT_CENTRE = (50.85, 4.35)
MAX_ZOOM = 18
SINGLE_POINT_ZOOM = 15

StaticUrl = Callable[[str], str]


@dataclass(frozen=True)
class MapPoint:
    """One marker: where, what (plain text, escaped here) and the page it links to."""

    lat: float
    lon: float
    title: str
    url: str | None = None
    subtitle: str | None = None
    link_text: str = "Bekijk de dienst"


@dataclass(frozen=True)
class MapHtml:
    """What a page puts in <head>, where the map goes, and the script after it."""

    head: Markup
    body: Markup
    script: Markup
    marker_count: int


class LocalMap(folium.Map):
    """A folium Map with Leaflet from our static folder and without folium's page-wide styles.

    folium's own header sets `html, body {height: 100%}` and a viewport meta that blocks zooming
    (an accessibility failure), and its per-map <style> would need 'unsafe-inline' in the
    Content-Security-Policy, so the header macro is empty (site.css sizes `.folium-map`); the
    library lists are set per instance because folium's class-level lists are shared by every map
    in the process.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}{% endmacro %}
        {% macro html(this, kwargs) %}
            <div class="folium-map" id="{{ this.get_name() }}" role="region"
                 aria-label="{{ this.label }}"></div>
        {% endmacro %}
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.map(
                {{ this.get_name()|tojson }},
                {
                    center: {{ this.location|tojson }},
                    crs: L.CRS.{{ this.crs }},
                    ...{{ this.options|tojavascript }}
                }
            );
            L.control.zoom({
                "zoomInTitle": "Inzoomen", "zoomOutTitle": "Uitzoomen"
            }).addTo({{ this.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, static_url: StaticUrl, label: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        # Escaped here: the html macro's output is compiled as a template again (see script_json).
        self.label = str(escape(label)).replace("{", "&#123;").replace("}", "&#125;")
        self.default_js = [("leaflet", static_url("vendor/leaflet/leaflet.js"))]
        self.default_css = [("leaflet_css", static_url("vendor/leaflet/leaflet.css"))]


class LocalMarkerCluster(MarkerCluster):
    """Leaflet.markercluster from our static folder (per-instance lists, as for LocalMap)."""

    def __init__(self, static_url: StaticUrl, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        base = "vendor/leaflet.markercluster/"
        self.default_js = [("markerclusterjs", static_url(base + "leaflet.markercluster.js"))]
        self.default_css = [
            ("markerclustercss", static_url(base + "MarkerCluster.css")),
            ("markerclusterdefaultcss", static_url(base + "MarkerCluster.Default.css")),
        ]


def script_json(value: object) -> str:
    """JSON safe inside <script> and inside folium's templates.

    branca compiles each element's rendered output as a Jinja template again, so data holding
    "{{" or "{%" (a service name, an attribution) would be evaluated: braces, like "<" and "&", are
    written as \\u escapes, which JavaScript reads back as the same characters.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_SCRIPT_ESCAPES)


_SCRIPT_ESCAPES = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&{}'\u2028\u2029"})


class TileLayer(MacroElement):
    """The configured XYZ tile server (folium's TileLayer looks up 1,000 named providers first).

    Tiles are fetched with no Referer: the tile server would otherwise learn which service or
    town page a referrer was looking at.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.tileLayer({{ this.url }}, {
                "attribution": {{ this.attribution }}, "maxZoom": {{ this.max_zoom }},
                "referrerPolicy": "no-referrer"
            }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, url: str, attribution: str, max_zoom: int = MAX_ZOOM) -> None:
        super().__init__()
        self._name = "TileLayer"
        self.url = script_json(url)
        self.attribution = script_json(attribution)
        self.max_zoom = int(max_zoom)


class MarkerLayer(MacroElement):
    """All markers with their popups in one script.

    One element instead of a folium.Marker and folium.Popup per point: branca compiles every
    element's output as a template, which cost about 1 ms per marker.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {{ this.data }}.forEach(function (m) {
                L.marker([m[0], m[1]], {"alt": m[2], "title": m[2]})
                    .bindPopup(m[3], {"maxWidth": 280})
                    .addTo({{ this._parent.get_name() }});
            });
        {% endmacro %}
        """
    )

    def __init__(self, points: Sequence[MapPoint]) -> None:
        super().__init__()
        self._name = "MarkerLayer"
        self.data = script_json([[p.lat, p.lon, p.title, _popup_html(p)] for p in points])


def _popup_html(point: MapPoint) -> str:
    parts = [f"<strong>{escape(point.title)}</strong>"]
    if point.subtitle:
        parts.append(f"<br>{escape(point.subtitle)}")
    if point.url:
        parts.append(f'<br><a href="{escape(point.url)}">{escape(point.link_text)}</a>')
    return "".join(parts)


def _bounds(points: Sequence[MapPoint], outlines: Sequence[dict]) -> list[list[float]]:
    lats = [p.lat for p in points]
    lons = [p.lon for p in points]
    for feature in outlines:
        for lon, lat in _coordinates(feature.get("geometry") or {}):
            lats.append(lat)
            lons.append(lon)
    return [[min(lats), min(lons)], [max(lats), max(lons)]] if lats else []


def _coordinates(geometry: dict) -> list[tuple[float, float]]:
    """Every (lon, lat) of a Polygon or MultiPolygon."""
    rings = geometry.get("coordinates") or []
    if geometry.get("type") == "Polygon":
        return [tuple(c) for ring in rings for c in ring]  # type: ignore[misc]
    if geometry.get("type") == "MultiPolygon":
        return [tuple(c) for polygon in rings for ring in polygon for c in ring]  # type: ignore[misc]
    return []


def _outline_style(_feature: dict) -> dict:
    return {"color": "#1d4e89", "weight": 2, "fillColor": "#1d4e89", "fillOpacity": 0.06}


def render_map(
    points: Sequence[MapPoint],
    *,
    static_url: StaticUrl,
    tile_url: str,
    attribution: str,
    label: str,
    outlines: Sequence[dict] = (),
) -> MapHtml:
    """A clustered-marker map of `points` over `outlines` (GeoJSON Features), fitted to both."""
    usable = [p for p in points if p.lat is not None and p.lon is not None]
    bounds = _bounds(usable, outlines)
    centre = (
        [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
        if bounds
        else list(DEFAULT_CENTRE)
    )
    figure = Figure()
    fmap = LocalMap(
        static_url,
        label,
        location=centre,
        zoom_start=SINGLE_POINT_ZOOM if len(usable) == 1 and not outlines else 8,
        tiles=None,
        max_zoom=MAX_ZOOM,
        zoom_control=False,  # ours, with Dutch labels, is added by the template
    )
    figure.add_child(fmap)
    TileLayer(tile_url, attribution).add_to(fmap)
    for feature in outlines:
        folium.GeoJson(feature, style_function=_outline_style, control=False).add_to(fmap)
    cluster = LocalMarkerCluster(static_url, control=False).add_to(fmap)
    MarkerLayer(usable).add_to(cluster)
    if bounds and (len(usable) > 1 or outlines):
        fmap.fit_bounds(bounds, padding=(16, 16), max_zoom=SINGLE_POINT_ZOOM)
    fmap.render()
    # The figure's charset meta would duplicate the page's own <meta charset>.
    figure.header._children.pop("meta_http", None)
    return MapHtml(
        head=Markup(figure.header.render()),
        body=Markup(figure.html.render()),
        script=Markup(figure.script.render()),
        marker_count=len(usable),
    )
