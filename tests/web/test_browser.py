"""Real browser: Debian's Chromium through Playwright against the app on 127.0.0.1.

Every request outside the test server is blocked (map tiles included), so the tests also show
that pages and maps work without any outside server. axe-core checks WCAG 2.1 A/AA.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.web.conftest import AXE

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
WIDTHS = (360, 1280)
TEJO = "ced65db4-412b-5d2d-ad23-19dec981e558"
PAGES = {
    "home": "/",
    "search": "/zoeken?municipality=Roeselare&domain=financien",
    "service": f"/dienst/{TEJO}",
    "town": "/gemeente/roeselare",
}


@pytest.fixture
def blocked() -> list[str]:
    """URLs the page tried to load from outside the test server."""
    return []


def open_page(browser: Browser, live_server: str, blocked: list[str], width: int) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-BE")

    def guard(route: Route) -> None:
        if route.request.url.startswith(live_server + "/"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    return context.new_page()


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request, browser: Browser, live_server: str, blocked: list[str]) -> Iterator[Page]:
    page = open_page(browser, live_server, blocked, request.param)
    yield page
    page.context.close()


def axe_violations(page: Page) -> list[dict]:
    # Evaluated, not added as a <script> tag: the pages' Content-Security-Policy (rightly) refuses
    # inline scripts without its nonce, and the test must not weaken it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_pass_axe_and_fit_the_screen(
    page: Page, live_server: str, blocked: list[str], artifacts: Path, name: str
) -> None:
    response = page.goto(live_server + PAGES[name])
    assert response is not None and response.status == 200
    page.wait_for_load_state("networkidle")
    width = page.viewport_size["width"]
    page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=True)
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"page is {overflow}px wide on a {width}px screen"
    assert all("tile.openstreetmap.org" in url for url in blocked), blocked


def test_search_filter_open_service_and_town(
    browser: Browser, live_server: str, blocked: list[str], artifacts: Path
) -> None:
    page = open_page(browser, live_server, blocked, 360)
    page.goto(live_server + "/")
    page.get_by_label("Gemeente of postcode").first.fill("8800")
    page.get_by_role("button", name="Financiën").click()
    page.wait_for_url("**/zoeken?**")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Financiën in Roeselare")
    before = int(heading.inner_text().split()[0])
    markers = page.locator(".leaflet-marker-icon")
    expect(markers.first).to_be_visible()
    page.screenshot(path=str(artifacts / "flow-search-360.png"), full_page=True)

    page.locator("#facet-free ~ ul a").first.click()
    page.wait_for_url("**free=1**")
    after = int(heading.inner_text().split()[0])
    assert 0 < after <= before
    expect(page.locator(".active-filters")).to_contain_text("Gratis")

    first = page.locator(".result-title a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator(".service-contact")).to_be_visible()

    page.locator("a[href^='/gemeente/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sociale kaart van")
    expect(page.locator(".leaflet-container")).to_be_visible()
    page.context.close()


def test_map_markers_and_popup_link(browser: Browser, live_server: str, blocked: list[str]) -> None:
    page = open_page(browser, live_server, blocked, 1280)
    page.goto(live_server + PAGES["service"])
    marker = page.locator(".leaflet-marker-icon").first
    expect(marker).to_be_visible()
    assert marker.get_attribute("alt") == "TEJO-huis Roeselare"
    page.goto(live_server + "/zoeken?q=tejo")
    page.locator(".leaflet-marker-icon").first.click()
    link = page.locator(".leaflet-popup-content a")
    expect(link).to_have_text("Bekijk de dienst")
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("TEJO")
    page.context.close()


def test_town_outline_shows_without_tiles(
    browser: Browser, live_server: str, blocked: list[str]
) -> None:
    page = open_page(browser, live_server, blocked, 1280)
    page.goto(live_server + "/gemeente/wingene")
    expect(page.locator(".leaflet-overlay-pane path").first).to_be_visible()
    assert any("tile.openstreetmap.org" in url for url in blocked)
    page.context.close()


def test_keyboard_skip_link_and_visible_focus(
    browser: Browser, live_server: str, blocked: list[str]
) -> None:
    page = open_page(browser, live_server, blocked, 360)
    page.goto(live_server + PAGES["search"])
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused
    page.context.close()


def test_touch_targets_are_44px(browser: Browser, live_server: str, blocked: list[str]) -> None:
    page = open_page(browser, live_server, blocked, 360)
    page.goto(live_server + PAGES["search"])
    small = page.evaluate(
        """() => [...document.querySelectorAll(
              '.chip, .facet-link, .pagination a, button, input:not([type=hidden]), .nav-list a')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )
    assert small == []
    page.context.close()


def test_print_layout_hides_map_and_navigation(
    browser: Browser, live_server: str, blocked: list[str], artifacts: Path
) -> None:
    page = open_page(browser, live_server, blocked, 1280)
    page.goto(live_server + PAGES["town"])
    page.emulate_media(media="print")
    expect(page.locator(".map-section")).to_be_hidden()
    expect(page.locator(".site-header nav")).to_be_hidden()
    expect(page.locator(".town-services a.tel").first).to_be_visible()
    page.pdf(path=str(artifacts / "town-print.pdf"))
    page.context.close()
