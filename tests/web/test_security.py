"""Security of the pages: catalogue links that are not http(s), the Content-Security-Policy, the
request body limit and the per-process index under concurrent first use."""

from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from directory import models as m
from tests.web.conftest import TILE_URL
from web import create_app, state
from web.config import DEFAULTS
from web.security import content_security_policy, tile_source
from web.state import get_session
from web.views.formatting import safe_link

SERVICE = "0b8f6a8e-0000-4000-8000-000000000001"
ORGANIZATION = "0b8f6a8e-0000-4000-8000-000000000002"
DOCUMENT = "0b8f6a8e-0000-4000-8000-000000000003"
TEJO = "ced65db4-412b-5d2d-ad23-19dec981e558"
NONCE = re.compile(r"'nonce-([^']+)'")


def hostile_service() -> dict:
    """A service whose provenance links are scripts; its own links are set in the database."""
    return {
        "id": SERVICE,
        "organization_id": ORGANIZATION,
        "name": "Proefdienst",
        "url": "https://example.org/dienst",
        "status": "active",
        "organization": {
            "id": ORGANIZATION,
            "name": "Proeforganisatie",
            "description": "Organisatie voor de test.",
            "website": "https://example.org",
        },
        "required_documents": [
            {
                "id": DOCUMENT,
                "service_id": SERVICE,
                "document": "Attest",
                "uri": "https://example.org/attest",
            }
        ],
        "service_areas": [
            {"id": "0b8f6a8e-0000-4000-8000-000000000004", "service_id": SERVICE, "name": "Ieper"}
        ],
        "x-source": {
            "url": " JaVaScRiPt:alert(4)",
            "source_date": "2026-01-01",
            "also": [
                {"url": "javascript:alert(5)", "source_date": "2025"},
                {"url": "https://example.org/ook", "source_date": "2024"},
            ],
        },
    }


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """A fresh app with one service whose every link is a script.

    The importer now refuses such links in service and organisation fields, but records stored
    before that check, or written by other tools, still hold them: those are set directly.
    """
    folder = tmp_path_factory.mktemp("hostile")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'app.sqlite'}",
            "INDEX_DIR": str(folder / "index"),
            "TILE_URL": TILE_URL,
        }
    )
    catalogue = folder / "hostile.json"
    catalogue.write_text(json.dumps([hostile_service()]), encoding="utf-8")
    runner = app.test_cli_runner()
    for args in (["init"], ["import", str(catalogue)]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    assert "1 created" in result.output
    with app.app_context():
        session = get_session()
        session.execute(
            update(m.Service).where(m.Service.id == SERVICE).values(url="javascript:alert(1)")
        )
        session.execute(
            update(m.Organization)
            .where(m.Organization.id == ORGANIZATION)
            .values(website="javascript:alert(2)")
        )
        session.execute(
            update(m.RequiredDocument)
            .where(m.RequiredDocument.id == DOCUMENT)
            .values(uri="data:text/html,<script>alert(3)</script>")
        )
        session.commit()
    return app


def hrefs(html: str) -> list[str]:
    return [a["href"] for a in BeautifulSoup(html, "html.parser").select("[href]")]


def is_script_link(href: str) -> bool:
    folded = re.sub(r"[\x00-\x20]", "", href).lower()
    return folded.startswith(("javascript:", "data:", "vbscript:"))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.caw.be/", "https://www.caw.be/"),
        ("  http://example.org/a?b=c  ", "http://example.org/a?b=c"),
        ("HTTPS://EXAMPLE.ORG", "HTTPS://EXAMPLE.ORG"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox(1)", None),
        ("ftp://example.org/file", None),
        ("//example.org/no-scheme", None),
        ("www.example.org", None),
        ("https://", None),
        ("https://exa\tmple.org", None),
        ("http://[::1", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_safe_link(url: object, expected: str | None) -> None:
    assert safe_link(url) == expected


def test_service_page_renders_no_script_links(hostile_app: Flask) -> None:
    response = hostile_app.test_client().get(f"/dienst/{SERVICE}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert not [h for h in hrefs(html) if is_script_link(h)]
    assert "alert(" not in html
    page = BeautifulSoup(html, "html.parser")
    text = page.get_text(" ", strip=True)
    assert "geen website bekend" in text
    assert "geen bron vermeld" in text
    assert "Attest" in text  # the document is still listed, without a link
    assert "https://example.org/ook" in hrefs(html)  # safe links still render


def test_organization_page_renders_no_script_links(hostile_app: Flask) -> None:
    response = hostile_app.test_client().get(f"/organisatie/{ORGANIZATION}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert not [h for h in hrefs(html) if is_script_link(h)]
    assert "geen website bekend" in BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


def test_service_json_carries_no_script_links(hostile_app: Flask) -> None:
    body = hostile_app.test_client().get(f"/api/v1/services/{SERVICE}").get_json()["service"]
    assert body["website"] is None
    assert body["organization_website"] is None
    assert body["required_documents"] == [{"label": "Attest", "url": None}]
    assert body["source"]["url"] is None
    assert [link["url"] for link in body["source"]["also"]] == ["https://example.org/ook"]


@pytest.mark.parametrize(
    "path",
    ["/", "/zoeken?municipality=Roeselare", f"/dienst/{TEJO}", "/gemeente/roeselare", "/nergens"],
)
def test_html_pages_have_a_strict_policy(web: FlaskClient, path: str) -> None:
    response = web.get(path)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert directives["img-src"] == "'self' data: https://tile.openstreetmap.org"
    nonce = NONCE.search(directives["script-src"]).group(1)
    for script in BeautifulSoup(response.get_data(as_text=True), "html.parser").select("script"):
        if script.get("type") != "application/json":
            assert script.get("src") or script.get("nonce") == nonce


def test_map_script_carries_a_fresh_nonce_per_request(web: FlaskClient) -> None:
    nonces = []
    for _ in range(2):
        response = web.get(f"/dienst/{TEJO}")
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        inline = [s for s in page.select("script") if not s.get("src")]
        assert inline and "L.map(" in inline[0].get_text()
        nonces.append(inline[0]["nonce"])
        assert f"'nonce-{nonces[-1]}'" in response.headers["Content-Security-Policy"]
    assert nonces[0] != nonces[1]


def test_json_responses_have_no_page_policy(web: FlaskClient) -> None:
    assert "Content-Security-Policy" not in web.get("/api/v1/municipalities?q=8800").headers


@pytest.mark.parametrize(
    ("tile_url", "source"),
    [
        (TILE_URL, "https://tile.openstreetmap.org"),
        ("https://{s}.tiles.example.be/{z}/{x}/{y}.png", "https://*.tiles.example.be"),
        ("http://127.0.0.1:8080/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
        ("/tiles/{z}/{x}/{y}.png", None),
        ("", None),
    ],
)
def test_tile_source(tile_url: str, source: str | None) -> None:
    assert tile_source(tile_url) == source
    assert ("img-src 'self' data:" + (f" {source}" if source else "") + ";") in (
        content_security_policy("n", tile_url)
    )


def test_body_limit_is_a_setting_of_one_megabyte() -> None:
    assert DEFAULTS["MAX_CONTENT_LENGTH"] == 1_000_000


def test_too_large_form_is_a_dutch_413_page(web: FlaskClient) -> None:
    response = web.post("/uitputtingscheck", data={"notitie": "x" * 1_000_001})
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert response.status_code == 413
    assert page.html["lang"] == "nl"
    assert page.select_one("h1").get_text() == "Te veel gegevens verstuurd"
    assert "te groot" in page.get_text()


def test_too_large_api_body_is_a_json_413(web: FlaskClient) -> None:
    body = json.dumps({"situation": {}, "padding": "x" * 1_000_000})
    response = web.post("/api/v1/exhaustion/verdict", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json() == {
        "ok": False,
        "error": "De verstuurde gegevens zijn te groot. Verstuur minder tekst of een kleiner "
        "bestand.",
        "status": 413,
    }


def test_body_under_the_limit_reaches_the_view(web: FlaskClient) -> None:
    response = web.post("/uitputtingscheck", data={"gemeente": "Roeselare"})
    assert response.status_code != 413


def test_index_is_opened_once_under_concurrent_first_use(
    loaded_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the lock, every thread arriving before the first open finishes opens its own."""
    opened: list[object] = []

    def slow_open(index_dir: Path) -> object:
        time.sleep(0.05)
        opened.append(object())
        return opened[-1]

    monkeypatch.setattr(state.SearchIndex, "open_or_create", slow_open)
    fresh = state.AppState(
        engine=loaded_app.extensions["socialekaart"].engine,
        sessions=loaded_app.extensions["socialekaart"].sessions,
        writers=loaded_app.extensions["socialekaart"].writers,
        gazetteer=loaded_app.extensions["socialekaart"].gazetteer,
        index_dir=Path("unused"),
        geocoder_name="offline",
    )
    start = threading.Barrier(8)
    seen: list[object] = []

    def first_use() -> None:
        start.wait()
        seen.append(fresh.index)

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(opened) == 1
    assert len(seen) == 8 and all(index is opened[0] for index in seen)


# -- in a real browser ----------------------------------------------------------------------------

BROWSER_PAGES = [
    "/",
    "/zoeken?municipality=Roeselare&domain=financien",
    f"/dienst/{TEJO}",
    "/gemeente/roeselare",
    "/organisatie/74d21d79-657e-5c30-99bf-fa7f7e3c71a4",
    "/rechten",
    "/uitputtingscheck?gemeente=roeselare",
    "/nergens",
]
# Registered before any page script (Playwright's init scripts are not subject to the policy).
LISTEN = """window.__violations = [];
document.addEventListener("securitypolicyviolation",
    e => window.__violations.push(e.violatedDirective + " " + e.blockedURI));"""


@pytest.mark.browser
def test_pages_and_maps_work_under_the_policy(browser, live_server: str) -> None:  # noqa: ANN001
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(live_server + "/") else route.abort()
        ),
    )
    context.add_init_script(LISTEN)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for path in BROWSER_PAGES:
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__violations") == [], path
    assert errors == []
    page.goto(live_server + f"/dienst/{TEJO}")
    marker = page.locator(".leaflet-marker-icon").first
    marker.wait_for(state="visible")
    tile = page.locator("img.leaflet-tile").first
    tile.wait_for(state="attached")
    assert tile.get_attribute("referrerpolicy") == "no-referrer"
    context.close()
