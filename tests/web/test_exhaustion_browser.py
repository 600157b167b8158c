"""The exhaustion check in a real headless Chromium: fill a profile (POSTed, never in the URL), mark
outcomes, print the A4 annex to PDF, download the JSON and load it back; what the tab stores, for
how long, and the 'new person' wipe. Every request outside 127.0.0.1 is blocked."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from directory.exhaustion import check_record, parse_record
from directory.gazetteer import default_gazetteer
from directory.reference import domain_labels

pytestmark = pytest.mark.browser

LOCAL = re.compile(r"^http://127\.0\.0\.1:\d+/")
PREFIX = "socialekaart.uitputtingscheck."
STORED = """() => {
  const keys = (s) => Object.keys(s).filter((k) => k.startsWith("socialekaart.uitputtingscheck."));
  return {local: keys(localStorage).sort(), session: keys(sessionStorage).sort()};
}"""


def _only_local(route: Route) -> None:
    if LOCAL.match(route.request.url):
        route.continue_()
    else:
        route.abort()


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    context = browser.new_context(accept_downloads=True, locale="nl-BE", **options)
    context.route("**/*", _only_local)
    return context


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def fill_profile(page: Page, live_server: str) -> None:
    """From the town page's link, as a referrer would start."""
    page.goto(f"{live_server}/gemeente/tielt")
    page.get_by_role("link", name="Start een uitputtingscheck voor deze gemeente").click()
    expect(page.locator("#gemeente")).to_have_value("tielt")
    page.get_by_label("Wonen").check()
    page.get_by_label("Financiën").check()
    page.locator("#leeftijd").fill("30")
    page.locator("#vlag-inkomen").select_option("ja")
    page.locator("#vlag-beroepsactief").select_option("nee")
    page.locator("#vlag-verblijf").select_option("ja")
    page.get_by_text("Meer vragen die de partnerschappen stellen").click()
    page.locator("#vlag-langdurig_ziek").select_option("nee")
    page.locator("#vlag-toestemming").select_option("ja")
    page.get_by_role("button", name="Toon de checklist").click()
    expect(page.locator("#bijlage")).to_be_visible()
    assert page.url == f"{live_server}/uitputtingscheck"  # the profile was POSTed, not linked


def rows(page: Page, domain: str) -> Any:
    return page.locator(f'section[data-domain="{domain}"] .check-item')


def verdict(page: Page, domain: str) -> Any:
    return page.locator(f'section[data-domain="{domain}"] [data-verdict]')


def python_verdicts(record: dict[str, Any]) -> dict[str, Any]:
    """The Python rules on the record the page would download."""
    labels = domain_labels()
    parsed = parse_record(record, gazetteer=default_gazetteer(), domain_labels=labels)
    return check_record(parsed, labels)


def mark_everything(page: Page) -> None:
    wonen = rows(page, "wonen")
    count = wonen.count()
    assert count >= 3
    first = wonen.nth(0)
    first.locator("[data-field=outcome]").select_option("waiting_list")
    first.locator("[data-field=waiting_weeks]").fill("8")
    first.locator("[data-field=note]").fill("Intake gepland, wachtlijst")
    expect(verdict(page, "wonen")).to_contain_text("Nog te proberen:")
    wonen.nth(1).locator("[data-field=outcome]").select_option("accepted")
    expect(verdict(page, "wonen")).to_contain_text("Aanvaard door:")
    wonen.nth(1).locator("[data-field=outcome]").select_option("not_eligible")
    for i in range(2, count):
        wonen.nth(i).locator("[data-field=outcome]").select_option(
            ["no_capacity", "does_not_fit", "refused"][i % 3]
        )
    expect(verdict(page, "wonen")).to_have_text(
        "Uitgeput: elke dienst op de lijst werd geprobeerd, zonder passende hulp."
    )
    section = page.locator('section[data-domain="financien"]')
    section.get_by_text("Dienst toevoegen die niet in de lijst staat").click()
    section.get_by_role("button", name="Toevoegen").click()
    expect(section.locator("[data-add-error]")).to_have_text("Geef de naam van de dienst.")
    section.get_by_label("Naam van de dienst").fill("Schuldhulp vrijwilligers Tielt")
    section.get_by_label("Contact (dienst, telefoon of e-mail)").fill("051 00 00 00")
    section.locator("[data-add=outcome]").select_option("no_capacity")
    section.get_by_role("button", name="Toevoegen").click()
    expect(section.locator(".added-item")).to_have_count(1)
    expect(verdict(page, "financien")).to_contain_text("Nog te proberen:")
    for i in range(rows(page, "financien").count()):
        item = rows(page, "financien").nth(i)
        if item.locator("[data-field=outcome]").input_value() == "not_tried":
            item.locator("[data-field=outcome]").select_option("refused")


def test_fill_mark_print_download_and_reload(
    browser: Browser, page: Page, live_server: str, web: FlaskClient, artifacts: Path
) -> None:
    fill_profile(page, live_server)
    expect(page.locator(".annex-meta")).to_contain_text("30 jaar")
    midwest = page.locator('[data-partnership="midwest-moves"]')
    expect(midwest.locator('.intake-check[data-exhausted="unknown"]')).to_be_visible()
    mark_everything(page)

    # The JS verdicts agree with the Python rules, sentence for sentence.
    record = page.evaluate("window.exhaustionRecord()")
    computed = python_verdicts(record)
    assert {d: v.as_json() for d, v in computed.items()} == record["verdicts"]
    for domain, expected in computed.items():
        expect(verdict(page, domain)).to_have_text(expected.message)
    assert record["exhausted"] is True
    # Kept in this tab only, under the check's random id; nothing in localStorage.
    stored = page.evaluate(STORED)
    check = json.loads(page.evaluate(f"sessionStorage.getItem('{PREFIX}check')"))
    assert re.fullmatch(r"[0-9a-f]{32}", check["id"])
    assert stored == {"local": [], "session": [f"{PREFIX}check", f"{PREFIX}v2.{check['id']}"]}
    expect(page.locator("[data-overall-text]")).to_have_text(
        "het reguliere aanbod is uitgeput in alle gekozen levensdomeinen."
    )
    shown = midwest.locator('.intake-check[data-exhausted="yes"]')
    expect(shown).to_be_visible()
    expect(midwest.locator('.intake-check[data-exhausted="unknown"]')).to_be_hidden()
    expect(shown.locator('[data-criterion="regulier-aanbod-uitgeput"] td').first).to_have_text(
        "Voldoet"
    )
    expect(shown.locator('[data-criterion="niet-beroepsactief"] td').first).to_have_text("Voldoet")

    # One click prints; the print stylesheet gives the A4 annex with outcomes and notes.
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Bijlage afdrukken of als PDF bewaren").click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    expect(page.locator(".profile-form")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".check-mark").first).to_be_hidden()
    first_print = rows(page, "wonen").nth(0).locator(".print-mark")
    expect(first_print).to_be_visible()
    expect(first_print).to_contain_text("Gecontacteerd: wachtlijst (8 weken)")
    expect(first_print).to_contain_text("Intake gepland, wachtlijst")
    head = page.locator(".annex-head")
    expect(head).to_contain_text("23 november 2026")
    expect(head).to_contain_text("Tielt")
    expect(head).to_contain_text("Wonen, Financiën")
    expect(rows(page, "wonen").nth(0)).to_contain_text("Brondatum:")
    pdf = page.pdf(path=str(artifacts / "uitputtingscheck.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1
    page.emulate_media(media="screen")

    # The JSON download holds the same state, and the server's rules accept it.
    with page.expect_download() as info:
        page.get_by_role("button", name="JSON downloaden").click()
    download = info.value
    assert download.suggested_filename == "uitputtingscheck-tielt-" + record["created"] + ".json"
    saved = artifacts / "uitputtingscheck.json"
    download.save_as(saved)
    first = json.loads(saved.read_text(encoding="utf-8"))
    assert first == record
    assert first["municipality"] == {"nis": "37022", "name": "Tielt", "slug": "tielt"}
    assert first["flags"]["has_income"] is True and first["flags"]["is_care_avoider"] is None
    assert first["services"][0]["waiting_weeks"] == 8
    assert first["added"][0]["contact"] == "051 00 00 00"
    answer = web.post("/api/v1/exhaustion/verdict", json=first).get_json()
    assert answer["ok"] is True and answer["exhausted"] is True

    # A fresh browser (nothing in storage) loads the file back: the same state.
    fresh = new_context(browser)
    try:
        other = fresh.new_page()
        other.goto(f"{live_server}/uitputtingscheck")
        with other.expect_request(
            lambda r: r.method == "POST" and r.url.endswith("/uitputtingscheck")
        ):
            other.locator("#upload").set_input_files(str(saved))
        expect(other.locator("#bijlage")).to_be_visible()
        assert other.url == f"{live_server}/uitputtingscheck"  # the profile was POSTed
        expect(other.locator("#upload-message")).to_have_text("Het bestand werd geladen.")
        expect(other.locator("#leeftijd")).to_have_value("30")
        expect(other.locator("#vlag-inkomen")).to_have_value("ja")
        expect(other.locator("#vlag-langdurig_ziek")).to_have_value("nee")
        expect(rows(other, "wonen").nth(0).locator("[data-field=note]")).to_have_value(
            "Intake gepland, wachtlijst"
        )
        again = other.evaluate("window.exhaustionRecord()")
        assert again == first

        # A tampered file is refused in Dutch and nothing already filled in is lost.
        tampered = dict(first, services=[dict(first["services"][0], outcome="accepted")])
        tampered["services"] += first["services"][1:]
        bad = artifacts / "uitputtingscheck-gewijzigd.json"
        bad.write_text(json.dumps(tampered), encoding="utf-8")
        url = other.url
        other.locator("#upload").set_input_files(str(bad))
        expect(other.locator("#upload-message")).to_contain_text("Het bestand werd gewijzigd")
        expect(other.locator("#upload-message")).to_contain_text("Er werd niets gewijzigd.")
        broken = artifacts / "kapot.json"
        broken.write_text('{"version": 1,', encoding="utf-8")
        other.locator("#upload").set_input_files(str(broken))
        expect(other.locator("#upload-message")).to_have_text(
            "Dit bestand is geen geldig JSON-bestand. Er werd niets gewijzigd."
        )
        assert other.url == url
        assert other.evaluate("window.exhaustionRecord()") == first
    finally:
        fresh.close()
        for path in (
            saved,
            artifacts / "uitputtingscheck-gewijzigd.json",
            artifacts / "kapot.json",
        ):
            path.unlink(missing_ok=True)


def mark_first_werk(page: Page, live_server: str, note: str) -> None:
    page.goto(f"{live_server}/uitputtingscheck?gemeente=Izegem&domein=werk&toon=1")
    item = rows(page, "werk").nth(0)
    item.locator("[data-field=outcome]").select_option("no_capacity")
    item.locator("[data-field=note]").fill(note)


def expect_first_werk(page: Page, outcome: str, note: str) -> None:
    expect(rows(page, "werk").nth(0).locator("[data-field=outcome]")).to_have_value(outcome)
    expect(rows(page, "werk").nth(0).locator("[data-field=note]")).to_have_value(note)


def test_state_survives_a_reload_in_the_same_tab(page: Page, live_server: str) -> None:
    mark_first_werk(page, live_server, "Volzet tot maart")
    page.reload()
    expect_first_werk(page, "no_capacity", "Volzet tot maart")


def test_another_tab_does_not_see_the_notes(
    context: BrowserContext, page: Page, live_server: str
) -> None:
    """The next person at a shared desk opens a new tab for the same town: nothing shows."""
    mark_first_werk(page, live_server, "Volzet tot maart")
    other = context.new_page()
    other.goto(f"{live_server}/uitputtingscheck?gemeente=Izegem&domein=werk&toon=1")
    expect_first_werk(other, "not_tried", "")
    assert other.evaluate(STORED)["local"] == []


def test_new_person_wipes_everything(page: Page, live_server: str) -> None:
    fill_profile(page, live_server)
    rows(page, "wonen").nth(0).locator("[data-field=note]").fill("Notitie van de vorige persoon")
    old_id = json.loads(page.evaluate(f"sessionStorage.getItem('{PREFIX}check')"))["id"]
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Nieuwe persoon (wis alles)").click()
    expect(rows(page, "wonen").nth(0).locator("[data-field=note]")).to_have_value(
        "Notitie van de vorige persoon"
    )  # 'Annuleren' keeps everything
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Nieuwe persoon (wis alles)").click()
    page.wait_for_url(f"{live_server}/uitputtingscheck")
    expect(page.locator("#bijlage")).to_have_count(0)
    expect(page.locator("#leeftijd")).to_have_value("")
    stored = page.evaluate(STORED)
    new_id = json.loads(page.evaluate(f"sessionStorage.getItem('{PREFIX}check')"))["id"]
    assert stored == {"local": [], "session": [f"{PREFIX}check"]} and new_id != old_id
    page.go_back()  # the previous person's page was replaced, not kept one step back
    assert page.url == f"{live_server}/uitputtingscheck?gemeente=tielt"
    expect(page.locator("#bijlage")).to_have_count(0)
    page.goto(f"{live_server}/uitputtingscheck?gemeente=tielt&domein=wonen&toon=1")
    expect(rows(page, "wonen").nth(0).locator("[data-field=note]")).to_have_value("")


@pytest.mark.parametrize(("hours", "kept"), [(23, True), (25, False)])
def test_a_check_older_than_24_hours_is_purged_on_load(
    page: Page, live_server: str, hours: int, kept: bool
) -> None:
    mark_first_werk(page, live_server, "Volzet tot maart")
    key = rows(page, "werk").nth(0).get_attribute("data-key")
    page.evaluate(
        """([prefix, hours, key]) => {
          const check = JSON.parse(sessionStorage.getItem(prefix + "check"));
          const created = Date.now() - hours * 3600 * 1000;
          const state = JSON.parse(sessionStorage.getItem(prefix + "v2." + check.id));
          sessionStorage.setItem(prefix + "check", JSON.stringify({id: check.id, created}));
          sessionStorage.setItem(prefix + "v2." + check.id, JSON.stringify({...state, created}));
          // What the first version left: per town, in localStorage, without a date.
          localStorage.setItem(prefix + "v1.36008", JSON.stringify({
            entries: {[key]: {name: "x", outcome: "refused", waiting_weeks: null, note: "Oud"}},
            added: [],
          }));
        }""",
        [PREFIX, hours, key],
    )
    page.reload()
    if kept:
        expect_first_werk(page, "no_capacity", "Volzet tot maart")
    else:
        expect_first_werk(page, "not_tried", "")
    assert page.evaluate(STORED)["local"] == []  # the first version's entries are gone


def test_bad_input_in_the_browser_keeps_the_form(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/uitputtingscheck?gemeente=Roeselaere")
    page.get_by_label("Wonen").check()
    page.locator("#leeftijd").fill("250")
    page.locator("#vlag-verblijf").select_option("ja")
    page.get_by_role("button", name="Toon de checklist").click()
    expect(page.locator("#fouten")).to_contain_text("De leeftijd moet tussen 0 en 120 jaar liggen.")
    expect(page.locator("#leeftijd")).to_have_value("250")
    expect(page.locator("#gemeente")).to_have_value("Roeselaere")
    expect(page.get_by_label("Wonen")).to_be_checked()
    page.locator("#leeftijd").fill("40")
    # 'Bedoelde je' submits the form with the suggested town: the rest of the profile stays.
    page.locator("#fouten").get_by_role("button", name="Roeselare").click()
    expect(page.locator("#bijlage")).to_be_visible()
    assert page.url == f"{live_server}/uitputtingscheck"
    expect(page.locator("#leeftijd")).to_have_value("40")
    expect(page.locator("#vlag-verblijf")).to_have_value("ja")
    expect(page.get_by_role("checkbox", name="Wonen")).to_be_checked()
    expect(page.locator("#gemeente")).to_have_value("Roeselare")


def test_without_javascript_the_list_prints_as_a_blank_annex(
    browser: Browser, live_server: str
) -> None:
    context = new_context(browser, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server}/uitputtingscheck?gemeente=Wingene&domein=wonen&toon=1")
        expect(rows(page, "wonen").first).to_be_visible()
        expect(page.locator(".check-mark").first).to_be_hidden()
        expect(page.locator("#upload")).to_be_hidden()
        page.emulate_media(media="print")
        expect(rows(page, "wonen").first.locator(".print-mark")).to_be_visible()
        expect(rows(page, "wonen").first.locator('[data-print="outcome"]')).to_have_text("")
        assert page.pdf(format="A4").startswith(b"%PDF")
    finally:
        context.close()


def test_phone_screenshot(page: Page, live_server: str, artifacts: Path) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server}/uitputtingscheck?gemeente=Meulebeke")
    page.get_by_label("Wonen").check()
    page.locator("#leeftijd").fill("17")
    page.locator("#vlag-verblijf").select_option("ja")
    page.get_by_role("button", name="Toon de checklist").click()
    page.screenshot(path=str(artifacts / "uitputtingscheck-360.png"))
    item = rows(page, "wonen").nth(0)
    item.locator("[data-field=outcome]").select_option("waiting_list")
    item.locator("[data-field=waiting_weeks]").fill("6")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the page scrolls sideways on a phone"
    page.evaluate("document.getElementById('bijlage').scrollIntoView({block: 'start'})")
    page.screenshot(path=str(artifacts / "uitputtingscheck-360-bijlage.png"))
    item.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "uitputtingscheck-360-lijst.png"))
