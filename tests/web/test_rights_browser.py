"""The rights check in a real browser: Debian's Chromium at 360 px against the app on 127.0.0.1.

Every request outside the test server is blocked. Screenshots of a question step and both sheets
go to tests/artifacts/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.web.conftest import AXE

pytestmark = pytest.mark.browser

WIDTH = 360
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AUTOMATIC = (
    "Verhoogde tegemoetkoming",
    "Sociaal tarief gas en elektriciteit",
    "Sociaal tarief / compensatie integrale waterfactuur",
)


@pytest.fixture
def blocked() -> list[str]:
    return []


@pytest.fixture
def page(browser: Browser, live_server: str, blocked: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="nl-BE")

    def guard(route: Route) -> None:
        if route.request.url.startswith(live_server + "/"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    yield page
    context.close()


def current_fact(page: Page) -> str | None:
    field = page.locator("form.rights-step input[name=fact]")
    return field.get_attribute("value") if field.count() else None


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_leefloon_in_roeselare_at_360px(
    page: Page, live_server: str, blocked: list[str], artifacts: Path
) -> None:
    page.goto(f"{live_server}/rechten")
    expect(page.locator("label[for=antwoord]")).to_have_text("In welke gemeente woont de persoon?")
    page.fill("#antwoord", "8800")
    page.get_by_role("button", name="Volgende").click()

    tried_bad_age = False
    for _ in range(40):
        fact = current_fact(page)
        if fact == "age" and not tried_bad_age:
            # A bad answer: a Dutch message, the question again, and the town still known.
            tried_bad_age = True
            page.fill("#antwoord", "300")
            page.get_by_role("button", name="Volgende").click()
            expect(page.locator("#fout")).to_contain_text("Leeftijd moet tussen 0 en 120 liggen")
            expect(page.locator("#antwoord")).to_have_value("300")
            expect(page.locator(".answer-list")).to_contain_text("Roeselare")
            continue
        if fact == "statuses":
            page.get_by_label("Leefloon", exact=False).first.check()
            # With JavaScript the list is updated before the answer is sent.
            expect(page.locator(".results-summary")).to_contain_text("Voorlopig")
            expect(page.locator(".status-group[data-status=automatic_check]")).to_be_visible()
            assert fits_the_screen(page)
            page.screenshot(path=str(artifacts / "rights_question_360.png"))
            page.get_by_role("button", name="Volgende").click()
        elif fact == "leefloon_months":
            page.fill("#antwoord", "8")
            page.get_by_role("button", name="Volgende").click()
            break
        else:
            page.get_by_role("button", name="Weet ik niet").click()
    assert tried_bad_age

    automatic = page.locator(".status-group[data-status=automatic_check]")
    for name in AUTOMATIC:
        expect(automatic).to_contain_text(name)
    expect(page.locator(".status-group[data-status=already_has]")).to_contain_text("Leefloon")
    uitpas = page.locator(".right-item[data-id=uitpas_kansentarief]")
    page.locator(".status-group[data-status=likely] > summary").scroll_into_view_if_needed()
    uitpas.locator("summary").click()
    link = uitpas.get_by_role("link", name=re.compile("Welzijnshuis Roeselare")).first
    expect(link).to_have_attribute("href", re.compile(r"^/dienst/"))
    assert fits_the_screen(page)

    page.get_by_role("button", name="Blad voor de persoon").click()
    expect(page.locator("h1")).to_have_text("Jouw rechten: wat kan je doen?")
    sheet = page.locator(".sheet-person")
    expect(sheet).to_contain_text("Kijk na of je dit krijgt")
    expect(sheet).to_contain_text("Gasthuisstraat 10, 8800 Roeselare")
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=str(artifacts / "rights_sheet_person_360.png"))
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    (artifacts / "rights_sheet_person_a4.pdf").write_bytes(pdf)

    page.get_by_role("button", name="Verslag voor de hulpverlener").click()
    expect(page.locator("h1")).to_have_text("Rechtencheck: verslag voor de hulpverlener")
    expect(page.locator(".sheet-worker")).to_contain_text("te controleren")
    expect(page.locator(".sheet-worker")).to_contain_text("Waarom:")
    assert fits_the_screen(page)
    page.screenshot(path=str(artifacts / "rights_sheet_worker_360.png"))

    # Back to the questions: the answers came along.
    page.get_by_role("button", name="Terug naar de vragen").click()
    expect(page.locator(".answer-list")).to_contain_text("Leefloon")
    assert blocked == []


def test_without_javascript_the_form_still_works(
    browser: Browser, live_server: str, artifacts: Path
) -> None:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 800}, java_script_enabled=False
    )
    page = context.new_page()
    page.goto(f"{live_server}/rechten")
    page.get_by_role("button", name="Weet ik niet").click()
    expect(page.locator(".answer-list")).to_contain_text("Weet ik niet")
    assert current_fact(page) not in (None, "municipality")
    page.get_by_role("button", name="Vorige vraag").click()
    assert current_fact(page) == "municipality"
    context.close()


def test_the_question_page_passes_axe(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/rechten")
    page.fill("#antwoord", "Roeselare")
    page.get_by_role("button", name="Volgende").click()
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []
