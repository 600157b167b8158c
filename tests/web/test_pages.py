"""HTML pages: status codes and fragments of every page, Dutch errors, odd query strings."""

from __future__ import annotations

import json
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.opening_hours import is_open
from directory.reference import domain_labels
from tests.conftest import STARTER_CATALOGUE
from web.params import SEARCH_PARAMETERS
from web.views import clock

TEJO = "ced65db4-412b-5d2d-ad23-19dec981e558"  # phone, weekly hours, undated source
BUDGET = "46a8fcfc-c468-59f1-ae63-3f29ff8481a8"  # no phone, source dated 2024-06-18
WELZIJNSHUIS = "74d21d79-657e-5c30-99bf-fa7f7e3c71a4"  # organisation with several services


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def result_ids(page: BeautifulSoup) -> list[str]:
    return [a["href"].rsplit("/", 1)[1] for a in page.select(".result-title a")]


def test_home_starts_with_town_and_domain(web: FlaskClient) -> None:
    response = web.get("/")
    page = soup(response)
    assert response.status_code == 200
    assert page.html["lang"] == "nl"
    assert page.select_one("a.skip-link")["href"] == "#inhoud"
    assert (
        page.select_one("main#inhoud") and page.select_one("header") and page.select_one("footer")
    )
    form = page.select_one("form[role=search]")
    assert form["action"] == "/zoeken"
    assert form.select_one("label[for=municipality]").get_text(strip=True) == "Gemeente of postcode"
    tiles = {b["value"]: b.get_text(strip=True) for b in form.select("button[name=domain]")}
    assert tiles == domain_labels()
    assert len(page.select("datalist#gemeenten option")) == 285


@pytest.mark.parametrize("path", ["/", "/zoeken", "/gemeente", "/nergens"])
def test_rights_and_exhaustion_checks_are_in_nav_and_footer(web: FlaskClient, path: str) -> None:
    page = soup(web.get(path))
    for part in ("header nav", "footer"):
        links = [a["href"] for a in page.select(f"{part} a")]
        assert "/rechten" in links and "/uitputtingscheck" in links, part


def test_home_explains_the_rights_and_exhaustion_checks(web: FlaskClient) -> None:
    section = soup(web.get("/")).select_one("main section.tools")
    tools = {a.get_text(strip=True): a["href"] for a in section.select("h3 a")}
    assert tools == {"Rechtencheck": "/rechten", "Uitputtingscheck": "/uitputtingscheck"}
    text = section.get_text(" ", strip=True)
    assert "op welke rechten en voordelen iemand recht heeft" in text
    assert "lokaal partnerschap" in text


def test_search_answers_domain_in_town(web: FlaskClient) -> None:
    response = web.get("/zoeken?municipality=8800&domain=financien")
    page = soup(response)
    assert response.status_code == 200
    heading = page.select_one("h1").get_text(" ", strip=True)
    assert re.fullmatch(r"\d+ diensten voor Financiën in Roeselare", heading)
    assert BUDGET in result_ids(page)
    first = page.select_one(".result")
    assert "Werkt voor Roeselare" in first.select_one(".place").get_text()
    assert "Financiën" in [li.get_text() for li in first.select(".tags li")]
    active = [a.get_text(" ", strip=True) for a in page.select(".active-filters a")]
    assert any("Financiën" in label for label in active)
    assert any("Roeselare" in label for label in active)
    assert page.select_one(".folium-map") is not None
    assert page.select_one("input#municipality")["value"] == "Roeselare"


def test_search_highlights_matched_words(web: FlaskClient) -> None:
    page = soup(web.get("/zoeken?q=schulden&municipality=Roeselare"))
    marks = [m.get_text().lower() for m in page.select(".snippet mark")]
    assert marks and all("schuld" in m for m in marks)


def test_search_reads_town_from_query(web: FlaskClient) -> None:
    page = soup(web.get("/zoeken?q=budget+izegem"))
    assert "Gezocht in Izegem." in page.get_text()
    assert page.select_one("input#q")["value"] == "budget"
    assert "in Izegem" in page.select_one("h1").get_text()


def test_search_suggests_correction(web: FlaskClient) -> None:
    page = soup(web.get("/zoeken?q=shulden"))
    link = page.select_one(".suggestion a")
    assert "Bedoelde u" in page.select_one(".suggestion").get_text()
    assert link.get_text(strip=True) == "schulden"
    assert parse_qs(urlsplit(link["href"]).query)["q"] == ["schulden"]


def test_facet_toggle_urls_filter_and_unfilter(web: FlaskClient) -> None:
    page = soup(web.get("/zoeken?municipality=Roeselare"))
    link = next(a for a in page.select("#facet-target-group ~ ul a"))
    expected = int(link.select_one(".count").get_text(" ", strip=True).split()[0])
    filtered = soup(web.get(link["href"]))
    assert filtered.select_one("h1").get_text().startswith(f"{expected} dienst")
    selected = filtered.select_one("#facet-target-group ~ ul a[aria-current]")
    back = soup(web.get(selected["href"]))
    assert back.select_one("h1").get_text() == page.select_one("h1").get_text()


def catalogue_services() -> list[dict]:
    """The active services of the starter catalogue, read straight from its HSDS file."""
    services = json.loads(STARTER_CATALOGUE.read_text(encoding="utf-8"))
    return [s for s in services if (s.get("status") or "active") not in ("inactive", "defunct")]


def has_domain(service: dict, code: str) -> bool:
    return any(
        (a.get("taxonomy_term") or {}).get("taxonomy") == "levensdomein"
        and a["taxonomy_term"].get("code") == code
        for a in service.get("attributes") or []
    )


def is_free(service: dict) -> bool:
    """Free as the catalogue says it: the fees start with 'gratis' or every price is zero."""
    fees = (service.get("fees_description") or "").strip().lower()
    amounts = [o.get("amount") for o in service.get("cost_options") or []]
    known = [a for a in amounts if a is not None]
    return fees.startswith(("gratis", "kosteloos", "free")) or (bool(known) and not any(known))


def is_open_at(service: dict, moment: datetime) -> bool:
    """Open when the service's own hours or the hours at one of its locations say so."""
    schedules = [service.get("schedules")] + [
        link.get("schedules") for link in service.get("service_at_locations") or []
    ]
    return any(is_open(s, moment) for s in schedules if s)


def facet_count(page: BeautifulSoup, facet: str) -> int:
    link = page.select_one(f"#{facet} ~ ul a")
    return int(link.select_one(".count").get_text(" ", strip=True).split()[0])


@pytest.mark.parametrize("domain", sorted(domain_labels()))
def test_free_and_open_now_counts_match_the_catalogue(
    web: FlaskClient, fixed_clock: datetime, domain: str
) -> None:
    """Counted from the HSDS file itself, not with the search that produced the facets."""
    members = [s for s in catalogue_services() if has_domain(s, domain)]
    page = soup(web.get(f"/zoeken?domain={domain}"))
    assert page.select_one("h1").get_text().startswith(f"{len(members)} dienst")
    assert facet_count(page, "facet-free") == sum(is_free(s) for s in members)
    assert facet_count(page, "facet-open") == sum(is_open_at(s, fixed_clock) for s in members)


def test_result_shows_opening_state(web: FlaskClient) -> None:
    page = soup(web.get("/zoeken?q=tejo"))
    item = next(r for r in page.select(".result") if TEJO in r.select_one("a")["href"])
    assert item.select_one(".opening").get_text(strip=True) == "Opent om 16u"


def test_pagination_links_and_pages_differ(web: FlaskClient) -> None:
    first = soup(web.get("/zoeken?municipality=Roeselare&per_page=3"))
    nav = first.select_one("nav.pagination")
    assert nav.select_one("[aria-current=page]").get_text(strip=True).endswith("1")
    next_url = nav.select_one("a[rel=next]")["href"]
    assert parse_qs(urlsplit(next_url).query)["page"] == ["2"]
    second = soup(web.get(next_url))
    assert set(result_ids(first)).isdisjoint(result_ids(second))
    assert second.select_one("ol.result-list")["start"] == "4"


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("municipality=Roeslare", "Bedoelde u"),
        ("age=abc", "De leeftijd moet een geheel getal zijn."),
        ("domain=ruimtevaart", "Onbekend levensdomein"),
        ("page=0", "Het paginanummer moet tussen 1 en 500 liggen."),
        ("near=91,3", "Dat punt bestaat niet"),
        ("free=misschien", "Gratis: gebruik 1 (ja) of 0 (nee)."),
    ],
)
def test_bad_search_input_is_a_dutch_400(web: FlaskClient, query: str, fragment: str) -> None:
    response = web.get(f"/zoeken?{query}")
    assert response.status_code == 400
    alert = soup(response).select_one("[role=alert]")
    assert fragment in alert.get_text()


def test_unknown_town_offers_suggestion_links(web: FlaskClient) -> None:
    page = soup(web.get("/zoeken?municipality=Roeslare&domain=wonen"))
    link = next(a for a in page.select("[role=alert] a") if a.get_text() == "Roeselare")
    query = parse_qs(urlsplit(link["href"]).query)
    assert query == {"municipality": ["Roeselare"], "domain": ["wonen"]}


def test_service_page_has_what_a_referrer_needs(web: FlaskClient) -> None:
    response = web.get(f"/dienst/{TEJO}")
    page = soup(response)
    text = page.get_text(" ", strip=True)
    assert response.status_code == 200
    assert page.select_one("h1").get_text(strip=True).startswith("TEJO Roeselare")
    assert page.select_one("a.tel")["href"] == "tel:0468547997"
    assert "10 tot 20 jaar" in text
    today = page.select_one("tr.today")
    assert today["aria-current"] == "date"
    assert today.select_one("th").get_text(" ", strip=True) == "Maandag (vandaag)"
    assert today.select_one("td").get_text(strip=True) == "16:00–18:00"
    assert "Opent om 16u" in text
    assert "Bron: https://www.lichtervelde.be/producten/detail/589/tejo" in text
    assert "(brondatum niet gedateerd (recent))" in text
    assert page.select_one(".quick-contact a")["href"] == "tel:0468547997"
    assert "De bron vermeldt geen datum" in page.select_one(".stale").get_text()
    assert "geen e-mailadres bekend" not in text
    assert page.select_one(".folium-map") is not None
    assert page.select_one("a[href='/gemeente/roeselare']") is not None


def test_service_page_shows_missing_data_and_stale_warning(web: FlaskClient) -> None:
    page = soup(web.get(f"/dienst/{BUDGET}"))
    text = page.get_text(" ", strip=True)
    assert "geen telefoonnummer bekend" in text
    assert "(brondatum 2024-06-18)" in text
    warning = page.select_one(".stale").get_text(" ", strip=True)
    assert "Deze gegevens zijn ouder dan 12 maanden: controleer ze voor je doorverwijst." in warning


def test_service_page_lists_public_holidays(
    web: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monday_before_christmas = datetime(2026, 12, 21, 9, 0, tzinfo=clock.BRUSSELS)
    monkeypatch.setattr(clock, "now", lambda: monday_before_christmas)
    text = soup(web.get(f"/dienst/{TEJO}")).select_one(".holidays").get_text(" ", strip=True)
    assert "25 december: Kerstmis" in text


def test_organization_page_lists_its_services(web: FlaskClient) -> None:
    response = web.get(f"/organisatie/{WELZIJNSHUIS}")
    page = soup(response)
    assert response.status_code == 200
    assert "Welzijnshuis Roeselare" in page.select_one("h1").get_text()
    links = [a["href"] for a in page.select(".org-services a")]
    assert f"/dienst/{BUDGET}" in links


def test_town_page_per_domain_with_partnership(web: FlaskClient) -> None:
    response = web.get("/gemeente/roeselare")
    page = soup(response)
    assert response.status_code == 200
    assert page.select_one("h1").get_text(strip=True) == "Sociale kaart van Roeselare"
    sections = {s["id"]: s for s in page.select("section.domain-section")}
    assert set(sections) >= {f"domein-{code}" for code in domain_labels()}
    finance = [a["href"] for a in sections["domein-financien"].select("a.service-name")]
    assert f"/dienst/{BUDGET}" in finance
    partnership = page.select_one("section.partnership").get_text(" ", strip=True)
    assert "Midwest Moves" in partnership
    check = page.find("a", string="Start een uitputtingscheck voor deze gemeente")
    assert check["href"] == "/uitputtingscheck?gemeente=roeselare"
    assert page.select_one(".folium-map") is not None
    assert 'media="print"' in response.get_data(as_text=True)


def test_town_page_builds_the_check_link_from_the_route(loaded_app: Flask) -> None:
    """The link follows the exhaustion check wherever its route is mounted."""
    rule = next(loaded_app.url_map.iter_rules("exhaustion.check_page"))
    original = rule.rule
    rule.rule = "/hulp/uitputtingscheck"
    rule.refresh()
    try:
        page = soup(loaded_app.test_client().get("/gemeente/roeselare"))
    finally:
        rule.rule = original
        rule.refresh()
    check = page.find("a", string="Start een uitputtingscheck voor deze gemeente")
    assert check["href"] == "/hulp/uitputtingscheck?gemeente=roeselare"


@pytest.mark.parametrize("key", ["8800", "Roulers", "36015", "Roeselare"])
def test_town_page_redirects_any_form_to_its_slug(web: FlaskClient, key: str) -> None:
    response = web.get(f"/gemeente/{key}")
    assert response.status_code == 301
    assert response.headers["Location"] == "/gemeente/roeselare"


def test_former_municipality_goes_to_merged_town(web: FlaskClient) -> None:
    response = web.get("/gemeente/meulebeke")
    assert response.headers["Location"] == "/gemeente/tielt"


def test_town_index_and_lookup(web: FlaskClient) -> None:
    assert web.get("/gemeente?naam=8800").headers["Location"] == "/gemeente/roeselare"
    response = web.get("/gemeente?naam=Roeslare")
    assert response.status_code == 404
    assert "Bedoelde u" in soup(response).select_one("[role=alert]").get_text()
    listing = soup(web.get("/gemeente"))
    assert len(listing.select(".town-index a")) == 285


@pytest.mark.parametrize(
    "path",
    ["/dienst/bestaat-niet", "/organisatie/bestaat-niet", "/gemeente/Atlantis", "/nergens"],
)
def test_unknown_pages_are_dutch_404s(web: FlaskClient, path: str) -> None:
    response = web.get(path)
    page = soup(response)
    assert response.status_code == 404
    assert page.html["lang"] == "nl"
    assert page.select_one("h1").get_text() == "Pagina niet gevonden"
    assert "Foutcode 404" in page.get_text()


def test_post_is_a_dutch_405(web: FlaskClient) -> None:
    response = web.post("/zoeken")
    assert response.status_code == 405
    assert "Deze actie kan hier niet" in response.get_data(as_text=True)


def test_unexpected_error_is_a_dutch_500_without_traceback(
    web: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from web.views import pages

    def broken() -> list[str]:
        raise RuntimeError("secret detail")

    monkeypatch.setattr(pages, "municipality_names", broken)
    response = web.get("/")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Er ging iets mis" in body
    assert "secret detail" not in body and "Traceback" not in body


_ODD = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
) | st.sampled_from(["", " ", "0", "-1", "1e9", "nan", "inf", "1,2", "50.9,3.1", "%", "{{7*7}}"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from([*SEARCH_PARAMETERS, "x"]), _ODD), max_size=5))
def test_odd_query_strings_never_500(loaded_app: Flask, pairs: list[tuple[str, str]]) -> None:
    client = loaded_app.test_client()
    response = client.get("/zoeken", query_string=pairs)
    assert response.status_code in (200, 400)
    assert '<html lang="nl">' in response.get_data(as_text=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(
        ["/gemeente/", "/dienst/", "/organisatie/", "/gemeente?naam=", "/api/v1/municipalities?q="]
    ),
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=30
    ),
)
def test_odd_names_and_ids_never_500(loaded_app: Flask, prefix: str, text: str) -> None:
    from urllib.parse import quote

    response = loaded_app.test_client().get(prefix + quote(text, safe=""))
    assert response.status_code in (200, 301, 302, 308, 404)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/zoeken?q=schulden",
        "/gemeente/roeselare",
        "/api/v1/search?q=x&municipality=Tielt",
        "/uitputtingscheck?gemeente=tielt&domein=wonen&toon=1",
        "/hsds/services",
    ],
)
def test_pages_work_before_anything_is_imported(runner, client, url: str) -> None:  # noqa: ANN001
    """A fresh install (init, no import, empty index) answers every page, never a 500."""
    assert runner.invoke(args=["init"]).exit_code == 0
    assert client.get(url).status_code == 200
