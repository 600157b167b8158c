"""The exhaustion check page and its JSON APIs, on the app loaded with the starter catalogue, and
the access log of a real werkzeug server while a profile is submitted."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urljoin
from urllib.request import Request, urlopen

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from directory import models as m
from directory.exhaustion import FLAG_NAMES, FLAGS

CHECK = "/uitputtingscheck"
FLAG_PARAMS = [flag.param for flag in FLAGS]


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text(node: Any) -> str:
    return " ".join(node.get_text(" ").split())


def errors(page: BeautifulSoup) -> list[str]:
    box = page.find(id="fouten")
    return [text(li) for li in box.find_all("li")] if box else []


def listed(page: BeautifulSoup, domain: str) -> list[str]:
    section = page.find("section", attrs={"data-domain": domain})
    return [text(h) for h in section.select(".check-item .check-name")]


# -- the page -------------------------------------------------------------------------------------


def test_blank_form_says_no_personal_data_and_is_not_cached(web: FlaskClient) -> None:
    response = web.get(CHECK)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    page = soup(response)
    privacy = text(page.select_one(".privacy"))
    assert "Vul geen naam, rijksregisternummer of adres in" in privacy
    assert "De server bewaart niets" in privacy
    assert len(page.select("input[name=domein]")) == 16
    assert page.find(id="bijlage") is None and errors(page) == []


def test_town_page_link_prefills_the_town(web: FlaskClient) -> None:
    town_page = soup(web.get("/gemeente/tielt"))
    link = next(
        a for a in town_page.find_all("a") if "Start een uitputtingscheck" in text(a)
    )  # the site navigation links to the blank form too
    assert text(link) == "Start een uitputtingscheck voor deze gemeente"
    assert link["href"] == f"{CHECK}?gemeente=tielt"
    response = web.get(link["href"])
    assert response.status_code == 200
    page = soup(response)
    assert page.find(id="gemeente")["value"] == "tielt"
    assert errors(page) == []  # a prefill is not a submission: no 'choose a domain' yet


def test_a_profile_for_a_merged_town_lists_regular_services(web: FlaskClient) -> None:
    response = web.post(
        CHECK, data={"gemeente": "Meulebeke", "domein": ["wonen", "financien"], "leeftijd": "30"}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = soup(response)
    assert "dat is de gemeente Tielt" in text(page)
    assert "30 jaar" in text(page.select_one(".annex-meta"))
    meta = text(page.select_one(".annex-meta"))
    assert "22 november 2026" not in meta  # the fixed clock says 23 November
    assert "23 november 2026" in meta and "Tielt" in meta and "Wonen, Financiën" in meta
    wonen = listed(page, "wonen")
    assert "Doorgangswoning – Sociaal Huis Meulebeke" in wonen
    assert "Welzijn Tielt – sociale dienst en Sociaal Huis" in listed(page, "financien")
    assert not any("Midwest Moves" in name for name in wonen)  # the partnership itself
    first = page.select_one('section[data-domain="wonen"] .check-item')
    assert "Brondatum:" in text(first.select_one(".check-source"))
    options = [o["value"] for o in first.select("select[data-field=outcome] option")]
    assert options == [
        "not_tried", "accepted", "not_eligible", "waiting_list", "no_capacity", "refused",
        "does_not_fit",
    ]  # fmt: skip
    verdict = text(page.select_one('section[data-domain="wonen"] [data-verdict]'))
    assert verdict.startswith("Niet uitgeput. Nog te proberen: ")


def test_hints_come_from_the_data(web: FlaskClient) -> None:
    page = soup(
        web.post(CHECK, data={"gemeente": "8800", "domein": "psychisch-welzijn", "leeftijd": "70"})
    )
    items = page.select('section[data-domain="psychisch-welzijn"] .check-item')
    hints = {text(i.select_one(".check-name")): text(i.select_one(".hints") or i) for i in items}
    youth = next(name for name in hints if name.startswith("TEJO"))
    assert "Leeftijd buiten bereik: deze dienst is 10 tot 20 jaar." in hints[youth]
    assert any("ouder dan 12 maanden" in h or "geen datum" in h for h in hints.values())
    # Undated sources read as on the service page (directory.display).
    sources = [text(i.select_one(".check-source")) for i in items]
    assert "Brondatum: niet gedateerd (~2017)" in sources
    assert not [s for s in sources if "zonder datum" in s or "undated" in s]


def test_a_town_without_partnership_says_so(web: FlaskClient) -> None:
    page = soup(web.get(CHECK, query_string={"gemeente": "Gent", "domein": "wonen", "toon": "1"}))
    assert "Voor Gent kennen we geen lokaal partnerschap" in text(
        page.find(id="partnerschap").parent
    )


def test_the_page_carries_the_intake_check_for_each_exhaustion_state(web: FlaskClient) -> None:
    page = soup(
        web.post(
            CHECK,
            data={
                "gemeente": "Ruiselede",
                "domein": "werk",
                "leeftijd": "16",
                "beroepsactief": "nee",
                "verblijf": "ja",
            },
        )
    )
    card = page.select_one('[data-partnership="midwest-moves"]')
    states = {v["data-exhausted"]: v for v in card.select(".intake-check")}
    assert set(states) == {"unknown", "yes", "no"}
    assert not states["unknown"].has_attr("hidden") and states["yes"].has_attr("hidden")
    row = states["unknown"].select_one('[data-criterion="leeftijd"]')
    assert "Voldoet niet" in text(row) and "jonger dan 17" in text(row)
    assert "Voldoet" in text(states["unknown"].select_one('[data-criterion="woonplaats"]'))
    asked = text(states["unknown"].select_one('[data-criterion="vrijwillig"]'))
    assert "Nog na te vragen" in asked and "Vraag: Geeft de deelnemer toestemming" in asked
    exhausted = states["yes"].select_one('[data-criterion="regulier-aanbod-uitgeput"]')
    assert "Voldoet" in text(exhausted) and "Voldoet niet" not in text(exhausted)
    assert "midwest.moves@midwest.be" in text(card.select_one(".referral"))


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"gemeente": "xyzzy", "domein": "wonen"}, "gemeente", "Geen gemeente gevonden voor ‘xyz"),
        ({"gemeente": "", "domein": "wonen"}, "gemeente", "Vul de gemeente in"),
        ({"gemeente": "Tielt"}, "domeinen", "Kies minstens één levensdomein."),
        ({"gemeente": "Tielt", "domein": "ruimtevaart"}, "domeinen", "Onbekend levensdomein"),
        ({"gemeente": "Tielt", "domein": "wonen", "leeftijd": "-3"}, "leeftijd",
         "De leeftijd moet tussen 0 en 120 jaar liggen."),
        ({"gemeente": "Tielt", "domein": "wonen", "leeftijd": "250"}, "leeftijd",
         "De leeftijd moet tussen 0 en 120 jaar liggen."),
        ({"gemeente": "Tielt", "domein": "wonen", "leeftijd": "twintig"}, "leeftijd",
         "geheel getal"),
        ({"gemeente": "Tielt", "domein": "wonen", "inkomen": "misschien"}, "vlag-inkomen",
         "Kies ja, nee of onbekend"),
    ],
)  # fmt: skip
def test_bad_input_is_a_dutch_400_that_keeps_what_was_filled_in(
    web: FlaskClient, query: dict[str, str], field: str, message: str
) -> None:
    full = {"leeftijd": "44", "verblijf": "ja", **query}
    response = web.post(CHECK, data=full)
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"
    page = soup(response)
    found = page.find(id="fouten").find("a", href=f"#{field}")
    assert message in text(found)
    assert page.find(id="bijlage") is None
    assert page.find(id="gemeente")["value"] == full["gemeente"]
    assert page.find(id="leeftijd")["value"] == full["leeftijd"]
    assert page.find(id="vlag-verblijf").find("option", selected=True)["value"] == "ja"
    checked = [i["value"] for i in page.select("input[name=domein][checked]")]
    assert checked == ([full["domein"]] if full.get("domein") in ("wonen",) else [])


def test_unknown_town_offers_buttons_that_keep_the_profile(web: FlaskClient) -> None:
    profile = {"gemeente": "Roeselaere", "domein": "wonen", "leeftijd": "40", "verblijf": "ja"}
    page = soup(web.post(CHECK, data=profile))
    box = page.find(id="fouten")
    assert not box.find_all("a", href=re.compile("leeftijd|verblijf"))  # no profile in a link
    button = box.find("button", string="Roeselare")
    assert button["form"] == "profiel" and button["type"] == "submit"
    form = page.find("form", id="profiel")
    assert form["method"] == "post"
    again = soup(web.post(form["action"], data=profile | {button["name"]: button["value"]}))
    assert again.find(id="bijlage") is not None and errors(again) == []
    assert again.find(id="gemeente")["value"] == "Roeselare"
    assert again.find(id="leeftijd")["value"] == "40"


def test_the_form_posts_the_profile(web: FlaskClient) -> None:
    form = soup(web.get(CHECK)).find("form", id="profiel")
    assert form["method"] == "post" and form["action"] == CHECK
    names = {field["name"] for field in form.select("input[name], select[name]")}
    assert {"gemeente", "domein", "leeftijd", *FLAG_PARAMS} <= names


def test_a_link_gives_the_town_and_domains_but_never_the_age_or_flags(web: FlaskClient) -> None:
    response = web.get(
        CHECK,
        query_string={"gemeente": "Tielt", "domein": "wonen", "leeftijd": "37",
                      "langdurig_ziek": "ja", "migratie": "ja", "toon": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    page = soup(response)
    assert page.find(id="bijlage") is not None  # town and domains: the question still shows
    assert "De link bevatte een leeftijd of situatie" in text(page.find(id="niet-uit-link"))
    assert page.find(id="leeftijd")["value"] == ""
    assert page.find(id="vlag-langdurig_ziek").find("option", selected=True)["value"] == ""
    meta = text(page.select_one(".annex-meta"))
    assert "37 jaar" not in meta and "niet opgegeven" in meta and "niets opgegeven" in meta
    data = json.loads(page.find(id="check-data").string)
    assert data["age"] is None and set(data["flags"].values()) == {None}


def test_a_town_page_prefill_shows_no_notice(web: FlaskClient) -> None:
    page = soup(web.get(CHECK, query_string={"gemeente": "tielt"}))
    assert page.find(id="niet-uit-link") is None


def test_the_page_explains_storage_and_offers_a_new_person_button(web: FlaskClient) -> None:
    page = soup(web.post(CHECK, data={"gemeente": "Tielt", "domein": "wonen"}))
    storage = page.select_one(".privacy .storage")
    explained = text(storage)
    assert "enkel in dit browsertabblad" in explained and "24 uur" in explained
    assert "download dan de JSON" in explained
    button = storage.find("button", attrs={"data-action": "new-person"})
    assert text(button) == "Nieuwe persoon (wis alles)" and button["data-href"] == CHECK
    assert "leeftijd en situatie worden met het formulier verstuurd" in text(
        page.select_one(".privacy")
    )


def test_nothing_is_stored_or_logged(
    web: FlaskClient, loaded_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    def counts() -> dict[str, int]:
        with loaded_app.app_context():
            from web.state import get_session

            session = get_session()
            return {
                table.name: session.scalar(select(func.count()).select_from(table))
                for table in m.Base.metadata.sorted_tables
            }

    before = counts()
    with caplog.at_level(logging.DEBUG):
        web.post(CHECK, data={"gemeente": "Tielt", "domein": "wonen", "leeftijd": "37",
                              "toestemming": "ja"})  # fmt: skip
        web.post("/api/v1/partnerships/check", json={"municipality": "Tielt", "age": 37})
    assert counts() == before
    assert not [r for r in caplog.records if "37" in r.getMessage()]


# -- the access log of a real server --------------------------------------------------------------


@pytest.fixture
def werkzeug_log() -> Iterator[list[str]]:
    """The lines werkzeug's request logger writes: the development server's access log."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger("werkzeug")
    handler, level = Collect(logging.DEBUG), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def fetch(
    url: str, *, form: list[tuple[str, str]] | None = None, method: str = "get", body: Any = None
) -> tuple[int, dict[str, str], str]:
    """One request to the live server: a form sent the way its method says, or a JSON body."""
    data, headers = None, {}
    if form is not None and method == "post":
        data = urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif form is not None:
        url = f"{url}?{urlencode(form)}"
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    with urlopen(Request(url, data=data, headers=headers), timeout=30) as response:
        return response.status, dict(response.headers), response.read().decode()


def assert_no_profile_in(log: list[str]) -> None:
    """The log recorded requests, and their lines hold neither the age (37) nor a flag."""
    request_lines = [m.group(1) for m in map(re.compile(r'"([^"]*)"').search, log) if m]
    assert request_lines, log
    assert not [line for line in request_lines if "37" in line]
    for line in log:
        assert "leeftijd" not in line
        assert not [param for param in FLAG_PARAMS if f"{param}=" in line], line


def test_the_real_access_log_holds_no_age_or_flag(
    live_server: str, werkzeug_log: list[str]
) -> None:
    # The town page's prefill link, then the form filled in and sent as a browser sends it.
    _, _, html = fetch(f"{live_server}{CHECK}?gemeente=tielt")
    form = BeautifulSoup(html, "html.parser").find("form", class_="profile-form")
    action = urljoin(f"{live_server}{CHECK}", form.get("action") or "")
    profile = [("gemeente", "tielt"), ("domein", "wonen"), ("domein", "werk"),
               ("leeftijd", "37")] + [(param, "ja") for param in FLAG_PARAMS]  # fmt: skip
    submit = form.find("button", type="submit")
    if submit.get("name"):  # a browser sends the pressed button too
        profile.append((submit["name"], submit.get("value", "")))
    status, headers, html = fetch(action, form=profile, method=form.get("method", "get").lower())
    assert status == 200 and headers["Cache-Control"] == "no-store"
    meta = text(BeautifulSoup(html, "html.parser").select_one(".annex-meta"))
    assert "37 jaar" in meta and "Is langdurig ziek: ja" in meta  # the profile did arrive
    assert_no_profile_in(werkzeug_log)

    # A saved check opened again: the verdict API says how to reopen it, and that is followed.
    saved = saved_check() | {"age": 37, "flags": {name: True for name in FLAG_NAMES}}
    _, _, answer = fetch(f"{live_server}/api/v1/exhaustion/verdict", body=saved)
    reopen = json.loads(answer)["reopen"]
    assert "37" not in reopen["action"]
    fields = [(name, v) for name, value in reopen["fields"].items()
              for v in ([value] if isinstance(value, str) else value)]  # fmt: skip
    status, _, html = fetch(urljoin(live_server, reopen["action"]), form=fields,
                            method=reopen["method"])  # fmt: skip
    assert status == 200 and "37 jaar" in html
    assert len(werkzeug_log) >= 4, werkzeug_log
    assert_no_profile_in(werkzeug_log)


# -- GET /api/v1/partnerships ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("town", "expected"),
    [
        ("Meulebeke", ["midwest-moves"]),
        ("Ruiselede", ["midwest-moves"]),
        ("8755", ["midwest-moves"]),
        ("37007", ["midwest-moves"]),
        ("Ypres", ["westup"]),
        ("brecht", ["link"]),
        ("Gent", []),
    ],
)
def test_partnerships_api(web: FlaskClient, town: str, expected: list[str]) -> None:
    response = web.get("/api/v1/partnerships", query_string={"municipality": town})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["ok"] is True
    assert [p["id"] for p in body["partnerships"]] == expected
    if expected:
        first = body["partnerships"][0]
        assert first["criteria"] and first["referral_steps"]
        assert all(c["question"] for c in first["criteria"])
    else:
        assert body["message"] == "Voor Gent kennen we geen lokaal partnerschap."


def test_partnerships_api_gives_contact_and_criteria(web: FlaskClient) -> None:
    body = web.get("/api/v1/partnerships?municipality=Zoersel").get_json()
    link = body["partnerships"][0]
    assert link["contact"] == {
        "person": "Florian Mertens, coördinator",
        "email": "florian.mertens@kina.be",
        "phone": "0473 56 53 08",
    }
    age = next(c for c in link["criteria"] if c["id"] == "leeftijd")
    assert (age["kind"], age["min_age"]) == ("min_age", 16)


@pytest.mark.parametrize(
    ("query", "status", "fragment"),
    [("", 400, "Geef een gemeente op"), ("?municipality=", 400, "Geef een gemeente op"),
     ("?municipality=xyzzy", 404, "Geen gemeente gevonden")],
)  # fmt: skip
def test_partnerships_api_errors(web: FlaskClient, query: str, status: int, fragment: str) -> None:
    response = web.get(f"/api/v1/partnerships{query}")
    body = response.get_json()
    assert response.status_code == status == body["status"]
    assert body["ok"] is False and fragment in body["error"]


# -- POST /api/v1/partnerships/check --------------------------------------------------------------


def check(web: FlaskClient, body: Any) -> tuple[int, dict[str, Any]]:
    response = web.post("/api/v1/partnerships/check", json=body)
    assert response.headers["Cache-Control"] == "no-store"
    return response.status_code, response.get_json()


def outcomes(body: dict[str, Any]) -> dict[str, str]:
    return {c["id"]: c["outcome"] for c in body["checks"][0]["criteria"]}


def test_check_api_meets(web: FlaskClient) -> None:
    status, body = check(
        web,
        {
            "municipality": "Ruiselede",
            "age": 17,
            "flags": {
                "is_professionally_active": False,
                "has_valid_residence": True,
                "is_long_term_sick": False,
                "consents": True,
            },
            "regular_services_exhausted": True,
        },  # fmt: skip
    )
    assert status == 200
    assert body["municipality"]["name"] == "Wingene"
    assert body["outcome"] == "meets" == body["checks"][0]["outcome"]
    assert set(outcomes(body).values()) == {"meets"}
    assert body["checks"][0]["referral"]["contact"] == {"email": "midwest.moves@midwest.be"}


def test_check_api_names_what_fails_and_what_to_ask(web: FlaskClient) -> None:
    status, body = check(web, {"municipality": "Meulebeke", "age": 16, "flags": {}})
    assert status == 200 and body["outcome"] == "does_not_meet"
    criteria = {c["id"]: c for c in body["checks"][0]["criteria"]}
    assert criteria["leeftijd"]["outcome"] == "does_not_meet"
    assert "jonger dan 17" in criteria["leeftijd"]["explanation"]
    assert criteria["verblijfsstatuut"]["outcome"] == "unknown"
    assert (
        criteria["verblijfsstatuut"]["question"] == "Heeft de persoon een geldig verblijfsstatuut?"
    )
    assert "Heeft de persoon een geldig verblijfsstatuut?" in body["checks"][0]["questions"]


def test_check_api_unknown_overall_and_link_note(web: FlaskClient) -> None:
    status, body = check(
        web, {"municipality": "Brecht", "age": 16, "flags": {"in_compulsory_education": True}}
    )
    assert status == 200 and body["outcome"] == "unknown"
    assert outcomes(body)["leeftijd"] == "meets"
    assert "leerplicht" in body["checks"][0]["notes"][0]


def test_check_api_accepts_the_saved_check_shape(web: FlaskClient) -> None:
    status, body = check(
        web,
        {"partnership": "link", "municipality": {"nis": "11009"}, "exhausted": False, "age": 40},
    )
    assert status == 200
    assert outcomes(body)["regulier-aanbod-verkend"] == "does_not_meet"


def test_check_api_without_partnership(web: FlaskClient) -> None:
    status, body = check(web, {"municipality": "Gent"})
    assert status == 200 and body["checks"] == [] and body["outcome"] is None
    assert body["message"] == "Voor Gent kennen we geen lokaal partnerschap."


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ([1, 2], 400, "JSON-object"),
        ({}, 400, "Geef een gemeente"),
        ({"municipality": "Tielt", "age": -3}, 400, "tussen 0 en 120"),
        ({"municipality": "Tielt", "age": 250}, 400, "tussen 0 en 120"),
        ({"municipality": "Tielt", "flags": {"name": "Jan"}}, 400, "Onbekende situatievraag"),
        ({"municipality": "Tielt", "flags": {"consents": "ja"}}, 400, "true, false of null"),
        ({"municipality": "Tielt", "flags": []}, 400, "object"),
        ({"municipality": 37022}, 400, "tekst"),
        ({"municipality": "Tielt", "regular_services_exhausted": "ja"}, 400, "true, false"),
        ({"municipality": "xyzzy"}, 404, "Geen gemeente gevonden"),
        ({"partnership": "nope"}, 404, "Onbekend partnerschap"),
    ],
)
def test_check_api_errors(web: FlaskClient, body: Any, status: int, fragment: str) -> None:
    code, answer = check(web, body)
    assert code == status == answer["status"]
    assert answer["ok"] is False and fragment in answer["error"]


def test_check_api_refuses_a_body_that_is_not_json(web: FlaskClient) -> None:
    response = web.post(
        "/api/v1/partnerships/check", data="{age: 3", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("Stuur een JSON-object")


# -- POST /api/v1/exhaustion/verdict --------------------------------------------------------------


def saved_check() -> dict[str, Any]:
    return {
        "version": 1,
        "created": "2026-11-23",
        "municipality": {"nis": "37022", "name": "Tielt", "slug": "tielt"},
        "domains": ["wonen"],
        "age": 30,
        "flags": {name: None for name in FLAG_NAMES} | {"consents": True},
        "services": [
            {"id": "a", "name": "OCMW", "organization": "Welzijn Tielt", "domain": "wonen",
             "outcome": "refused", "waiting_weeks": None, "source_date": "2021-12"},
        ],
        "added": [{"name": "Buurtwerk", "contact": "", "domain": "wonen",
                   "outcome": "not_tried", "waiting_weeks": None}],
        "verdicts": {"wonen": {"status": "open", "to_try": ["Buurtwerk"], "accepted": []}},
        "exhausted": False,
    }  # fmt: skip


def test_verdict_api_recomputes_and_gives_the_profile_as_form_fields(web: FlaskClient) -> None:
    response = web.post("/api/v1/exhaustion/verdict", json=saved_check())
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["verdicts"] == saved_check()["verdicts"]
    assert body["exhausted"] is False
    assert body["messages"]["wonen"] == "Niet uitgeput. Nog te proberen: Buurtwerk."
    # No link with the age or flags: the fields are POSTed to the page.
    assert "url" not in body
    assert body["reopen"] == {
        "method": "post",
        "action": CHECK,
        "fields": {"gemeente": "tielt", "domein": ["wonen"], "leeftijd": "30", "toestemming": "ja"},
    }
    page = soup(web.post(body["reopen"]["action"], data=body["reopen"]["fields"]))
    assert page.find(id="gemeente")["value"] == "tielt"
    assert page.find(id="leeftijd")["value"] == "30"
    assert page.find(id="vlag-toestemming").find("option", selected=True)["value"] == "ja"
    assert page.find(id="bijlage") is not None


def test_verdict_api_refuses_a_tampered_file(web: FlaskClient) -> None:
    tampered = saved_check()
    tampered["added"][0]["outcome"] = "no_capacity"  # verdicts still say 'open'
    body = web.post("/api/v1/exhaustion/verdict", json=tampered).get_json()
    assert body == {
        "ok": False,
        "status": 400,
        "error": "Het bestand werd gewijzigd: het oordeel voor ‘Wonen’ klopt niet met de "
        "uitkomsten van de diensten.",
    }


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        ("version", 7, "onbekende versie"),
        ("age", 250, "tussen 0 en 120"),
        ("domains", [], "levensdomeinen"),
        ("municipality", {"nis": "00000"}, "onbekende gemeente"),
    ],
)
def test_verdict_api_errors(web: FlaskClient, path: str, value: Any, fragment: str) -> None:
    record = saved_check() | {path: value}
    response = web.post("/api/v1/exhaustion/verdict", json=record)
    assert response.status_code == 400
    assert fragment in response.get_json()["error"]
