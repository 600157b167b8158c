"""The rights check on the web: the no-JS questionnaire, both sheets and the JSON API.

Runs against the app loaded with the bundled catalogue (tests/web/conftest.py), at a fixed date.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

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
from werkzeug.datastructures import MultiDict

from rights import default_rulebook
from web.views.rights_form import number_from_text, read_answer

LEEFLOON_ROESELARE = {"statuses": ["leefloon"], "leefloon_months": 8, "municipality": "Roeselare"}
AUTOMATIC = ("verhoogde_tegemoetkoming", "sociaal_tarief_energie", "sociaal_tarief_water")
WELZIJNSHUIS_ORG = "Welzijnshuis Roeselare (OCMW/Stad Roeselare)"
WELZIJNSHUIS_ONTHAAL = "18099879-c642-55b6-8173-ba7c34cae9f4"
FACT_IDS = sorted(default_rulebook().facts)
OPENAPI = Path(__file__).resolve().parents[2] / "web" / "openapi.json"


def schema_validator(name: str) -> Draft202012Validator:
    """A validator for one component schema of web/openapi.json (refs resolved)."""
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    registry = Registry().with_resource("urn:socialekaart:openapi", resource)
    schema = {"$ref": f"urn:socialekaart:openapi#/components/schemas/{name}"}
    return Draft202012Validator(schema, registry=registry)


def soup(response: Any) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def step_form(page: BeautifulSoup) -> dict[str, str]:
    """The hidden state of the question form (answers, skipped, history, fact)."""
    form = page.select_one("form.rights-step") or page.select_one("form.sheet-buttons")
    assert form is not None
    return {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}


def current_fact(page: BeautifulSoup) -> str | None:
    field = page.select_one("form.rights-step input[name=fact]")
    return field["value"] if field else None


def post_step(web: FlaskClient, page: BeautifulSoup, **fields: Any) -> Any:
    data = MultiDict(step_form(page))
    for name, value in fields.items():
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    return web.post("/rechten", data=data)


def answers_of(page: BeautifulSoup) -> dict[str, Any]:
    return json.loads(step_form(page)["answers"])


def group_ids(page: BeautifulSoup, status: str) -> list[str]:
    return [li["data-id"] for li in page.select(f".status-group[data-status={status}] .right-item")]


def walk_to_leefloon_in_roeselare(web: FlaskClient) -> BeautifulSoup:
    """Answer like a worker would: the town, leefloon for 8 months, 'weet ik niet' for the rest."""
    page = soup(web.get("/rechten"))
    asked: list[str] = []
    for _ in range(40):
        fact = current_fact(page)
        if fact is None:
            break
        asked.append(fact)
        if fact == "municipality":
            response = post_step(web, page, fact=fact, value="Roeselare", action="answer")
        elif fact == "statuses":
            response = post_step(web, page, values=["leefloon"], action="answer")
        elif fact == "leefloon_months":
            response = post_step(web, page, value="8", action="answer")
        else:
            response = post_step(web, page, action="skip")
        assert response.status_code == 200
        page = soup(response)
        if "leefloon_months" in answers_of(page):
            break
    assert len(asked) == len(set(asked)), f"a question came back: {asked}"
    assert answers_of(page) == LEEFLOON_ROESELARE
    return page


# -- the questionnaire (no JavaScript) -------------------------------------------------------------


def test_the_first_question_is_the_town_and_nothing_is_cached(web: FlaskClient) -> None:
    response = web.get("/rechten")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    page = soup(response)
    assert current_fact(page) == "municipality"
    assert (
        page.select_one("label[for=antwoord]").get_text() == "In welke gemeente woont de persoon?"
    )
    assert page.select_one("form.rights-step")["method"] == "post"
    assert [b.get_text() for b in page.select(".step-actions button")] == [
        "Volgende",
        "Weet ik niet",
    ]


def test_leefloon_in_roeselare_through_the_pages(web: FlaskClient) -> None:
    page = walk_to_leefloon_in_roeselare(web)
    automatic = group_ids(page, "automatic_check")
    assert set(AUTOMATIC) <= set(automatic)
    label = page.select_one(".status-group[data-status=automatic_check] .group-label").get_text()
    assert label == "Automatisch: controleer of het toegekend is"
    assert group_ids(page, "already_has") == ["leefloon"]
    # The rest is applied for at the Welzijnshuis, linked to its service pages.
    uitpas = page.select_one(".right-item[data-id=uitpas_kansentarief]")
    links = [a["href"] for a in uitpas.select(".apply-services a[href^='/dienst/']")]
    assert f"/dienst/{WELZIJNSHUIS_ONTHAAL}" in links
    assert web.get(links[0]).status_code == 200
    # A figure from an undated or old source says so.
    vt = page.select_one(".right-item[data-id=verhoogde_tegemoetkoming]")
    assert "te controleren" in vt.select_one(".figure-date.needs-check").get_text()


@pytest.mark.parametrize(
    ("fact", "fields", "message"),
    [
        ("age", {"value": "300"}, "Leeftijd moet tussen 0 en 120 liggen (gekregen: 300)."),
        ("age", {"value": "twintig"}, "Leeftijd: geef een geheel getal"),
        ("income_month", {"value": "-50"}, "mag niet negatief zijn"),
        ("income_month", {"value_min": "900", "value_max": "-1"}, "mag niet negatief zijn"),
        ("income_month", {"value_min": "900"}, "zowel het laagste als het hoogste bedrag"),
        ("birth_date", {"value": "1980/31/12"}, "moet een datum zijn in de vorm JJJJ-MM-DD"),
        ("birth_date", {"value": "31-02-1980"}, "moet een datum zijn in de vorm JJJJ-MM-DD"),
        ("statuses", {"values": ["lefloon"]}, "onbekende waarde 'lefloon'. Bedoelde u 'leefloon'?"),
        ("municipality", {"value": "Roeselaar"}, "Bedoelde u: Roeselare"),
        ("tenure", {}, "Kies of vul een antwoord in"),
        ("minor_children", {"value": "5"}, "past niet bij het aantal gezinsleden (2)"),
    ],
)
def test_a_bad_answer_gets_a_dutch_message_and_loses_nothing(
    web: FlaskClient, fact: str, fields: dict[str, Any], message: str
) -> None:
    given = {"municipality": "Izegem", "household_size": 2, "statuses": ["leefloon"]}
    state = {"answers": json.dumps(given), "skipped": "age", "history": "municipality age"}
    data = MultiDict({**state, "fact": fact, "action": "answer"})
    for name, value in fields.items():
        if isinstance(value, list):
            data.setlist(name, value)
        else:
            data[name] = value
    response = web.post("/rechten", data=data)
    assert response.status_code == 422
    page = soup(response)
    assert message in page.select_one("#fout").get_text()
    assert current_fact(page) == fact  # the same question again
    kept = step_form(page)
    assert json.loads(kept["answers"]) == given
    assert kept["skipped"] == "age"
    if "value" in fields:  # what was typed is still in the box
        assert page.select_one("#antwoord")["value"] == fields["value"]


def test_dutch_number_and_date_forms_are_understood(web: FlaskClient) -> None:
    state = {"answers": "{}", "skipped": "", "history": ""}
    page = soup(web.post("/rechten", data={**state, "fact": "income_month", "value": "1.250,50"}))
    assert answers_of(page)["income_month"] == 1250.5
    page = soup(web.post("/rechten", data={**state, "fact": "birth_date", "value": "31/5/1980"}))
    assert answers_of(page)["birth_date"] == "1980-05-31"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1250", 1250),
        ("1250,5", 1250.5),
        ("1.250,50", 1250.5),
        ("1.250", 1250),
        ("12.5", 12.5),
        ("€ 900", 900),
        ("-3", -3),
        ("abc", "abc"),
        ("1,2,3", "1,2,3"),
    ],
)
def test_number_from_text(text: str, number: float | str) -> None:
    assert number_from_text(text) == number


@pytest.mark.parametrize(
    ("fact", "form", "answer"),
    [
        (
            "income_year",
            {"value_min": "20.000", "value_max": "25000"},
            {"min": 20000, "max": 25000},
        ),
        ("income_year", {"value": "21000", "value_min": "1"}, 21000),  # one amount wins
        ("owns_real_estate", {"value": "ja"}, True),
        ("owns_real_estate", {"value": "nee"}, False),
        ("statuses", {}, []),  # nothing ticked: "none of these", not unknown
        ("heating", {"value": "aardgas"}, "aardgas"),
    ],
)
def test_read_answer(fact: str, form: dict[str, str], answer: Any) -> None:
    assert read_answer(fact, MultiDict(form), default_rulebook()) == (answer, None)


def test_skipped_questions_are_not_asked_again(web: FlaskClient) -> None:
    page = soup(web.get("/rechten"))
    asked = []
    for _ in range(6):
        fact = current_fact(page)
        asked.append(fact)
        page = soup(post_step(web, page, action="skip"))
    assert len(set(asked)) == len(asked)
    assert step_form(page)["skipped"].split() == asked
    assert answers_of(page) == {}
    answered = {row.dt.get_text(): row.dd.span.get_text() for row in page.select(".answer-row")}
    assert answered["Gemeente"] == "Weet ik niet"


def test_vorige_and_wijzig_change_an_earlier_answer(web: FlaskClient) -> None:
    page = soup(web.get("/rechten"))
    page = soup(post_step(web, page, value="8800", action="answer"))
    second = current_fact(page)
    assert second != "municipality"
    back = soup(post_step(web, page, action="back"))
    assert current_fact(back) == "municipality"
    assert back.select_one("#antwoord")["value"] == "Roeselare"
    changed = soup(post_step(web, back, value="Izegem", action="answer"))
    assert answers_of(changed) == {"municipality": "Izegem"}
    assert current_fact(changed) == second
    statuses = soup(post_step(web, changed, fact="statuses", values=["leefloon", "eenoudergezin"]))
    edit = soup(post_step(web, statuses, action="edit:statuses"))
    assert current_fact(edit) == "statuses"
    ticked = {i["value"] for i in edit.select("input[name=values][checked]")}
    assert ticked == {"leefloon", "eenoudergezin"}


@pytest.mark.parametrize(
    ("answers", "notice"),
    [
        ("{not json", "konden niet gelezen worden"),
        ('["a list"]', "konden niet gelezen worden"),
        ('{"age": 500, "household_size": 3}', "Leeftijd moet tussen 0 en 120 liggen"),
        ("x" * 30_000, "te lang"),
    ],
)
def test_a_broken_hidden_state_never_crashes(web: FlaskClient, answers: str, notice: str) -> None:
    response = web.post("/rechten", data={"answers": answers, "skipped": "nope age", "fact": "x"})
    assert response.status_code == 200
    page = soup(response)
    assert notice in page.select_one(".notice.warning").get_text()
    assert "age" not in answers_of(page)


def test_nothing_about_the_person_is_logged(
    web: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        page = walk_to_leefloon_in_roeselare(web)
        web.post("/rechten/verslag", data=step_form(page))
        web.post("/api/v1/rights/evaluate", json=LEEFLOON_ROESELARE)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "leefloon" not in logged and "Roeselare" not in logged


# -- the two sheets -------------------------------------------------------------------------------


def test_the_person_sheet_says_what_to_do_where_and_what_to_bring(web: FlaskClient) -> None:
    state = step_form(walk_to_leefloon_in_roeselare(web))
    response = web.post("/rechten/blad", data=state)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = soup(response)
    headings = [h.get_text() for h in page.select(".sheet-person h2")]
    assert headings[:2] == ["Kijk na of je dit krijgt", "Vraag dit aan"]
    text = page.select_one(".sheet-person").get_text(" ", strip=True)
    assert "Verhoogde tegemoetkoming" in text
    assert "Gasthuisstraat 10, 8800 Roeselare" in text  # the Welzijnshuis, printed in full
    assert "Meebrengen:" in text
    assert "Waarom" not in text  # the reasoning is for the worker's report
    # The way back carries the same answers.
    del state["fact"]
    assert step_form_of(page, ".sheet-tools") == state


def step_form_of(page: BeautifulSoup, selector: str) -> dict[str, str]:
    form = page.select_one(selector)
    return {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}


def test_the_worker_sheet_has_the_reasoning_figures_and_sources(web: FlaskClient) -> None:
    state = step_form(walk_to_leefloon_in_roeselare(web))
    page = soup(web.post("/rechten/verslag", data=state))
    sheet = page.select_one(".sheet-worker")
    text = sheet.get_text(" ", strip=True)
    assert "Berekend op 23 november 2026 · gemeente Roeselare" in text
    assert "Maanden ononderbroken leefloon: 8 maanden" in text  # why
    assert "Waarom niet:" in text
    assert "te controleren" in text
    assert sheet.select("a.url[href^='https://']")  # sources
    assert "Weet ik niet" in text  # the skipped questions are listed with the answers
    assert sheet.select(".open-questions li")


@pytest.mark.parametrize("path", ["/rechten/blad", "/rechten/verslag"])
def test_a_sheet_without_answers_goes_back_to_the_questions(web: FlaskClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/rechten")
    assert web.post(path, data={}).status_code == 200


# -- JSON API -------------------------------------------------------------------------------------


def test_api_leefloon_in_roeselare(web: FlaskClient) -> None:
    response = web.post("/api/v1/rights/evaluate", json={"situation": LEEFLOON_ROESELARE})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["ok"] is True and body["date"] == "2026-11-23"
    assert body["municipality"]["name"] == "Roeselare"
    results = {r["id"]: r for r in body["results"]}
    for entitlement in AUTOMATIC:
        assert results[entitlement]["status"] == "automatic_check"
        assert results[entitlement]["why"]
    energy = results["sociaal_tarief_energie"]
    assert [o["code"] for o in energy["offices"]] == ["energieleverancier", "fod_economie"]
    uitpas = results["uitpas_kansentarief"]
    assert uitpas["status"] == "likely"
    welzijnshuis = [s for s in uitpas["services"] if s["organization"] == WELZIJNSHUIS_ORG]
    assert welzijnshuis and all(s["url"] == f"/dienst/{s['id']}" for s in welzijnshuis)
    assert welzijnshuis[0]["id"] == WELZIJNSHUIS_ONTHAAL
    vt = results["verhoogde_tegemoetkoming"]["figures"][0]
    assert vt["needs_check"] is True and "te controleren" in vt["caption"]
    assert body["questions"] and {"fact", "question", "count"} <= set(body["questions"][0])


def test_api_takes_facts_at_the_top_level_and_a_date(web: FlaskClient) -> None:
    wrapped = web.post("/api/v1/rights/evaluate", json={"situation": LEEFLOON_ROESELARE})
    flat = web.post("/api/v1/rights/evaluate", json=LEEFLOON_ROESELARE)
    assert flat.get_json() == wrapped.get_json()
    dated = web.post("/api/v1/rights/evaluate", json={**LEEFLOON_ROESELARE, "date": "2024-06-01"})
    assert dated.get_json()["date"] == "2024-06-01"


def test_api_without_a_town_names_the_offices_only(web: FlaskClient) -> None:
    body = web.post("/api/v1/rights/evaluate", json={"situation": {}}).get_json()
    assert body["municipality"] is None
    assert all(r["services"] == [] for r in body["results"])
    assert {r["status"] for r in body["results"]} == {"possible"}
    assert body["questions"][0]["count"] >= body["questions"][-1]["count"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"age": 300}, "age", "Leeftijd moet tussen 0 en 120 liggen (gekregen: 300)."),
        ({"income_year": -1}, "income_year", "mag niet negatief zijn"),
        ({"birth_date": "12/05/1980"}, "birth_date", "in de vorm JJJJ-MM-DD"),
        ({"statuses": ["lefloon"]}, "statuses", "Bedoelde u 'leefloon'?"),
        ({"municipality": "Roeselaar"}, "municipality", "Geen gemeente gevonden"),
        ({"age": 30, "date": "1-1-2025"}, "date", "in de vorm JJJJ-MM-DD"),
        ({"situation": [1]}, "situation", "JSON-object"),
        ({"situation": {}, "age": 3}, "age", "zet de gegevens in 'situation'"),
        ({"agee": 3}, "agee", "Bedoelde u 'age'?"),
    ],
)
def test_api_bad_input_gets_dutch_messages(
    web: FlaskClient, body: dict[str, Any], field: str, message: str
) -> None:
    response = web.post("/api/v1/rights/evaluate", json=body)
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["ok"] is False and answer["status"] == 400 and answer["error"]
    messages = {e["field"]: e["message"] for e in answer["errors"]}
    assert message in messages[field]


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b'"text"', b""])
def test_api_needs_a_json_object(web: FlaskClient, data: bytes) -> None:
    response = web.post(
        "/api/v1/rights/evaluate", data=data, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "Stuur de situatie als JSON-object."


def test_api_lists_the_entitlements_with_sources_and_dated_figures(web: FlaskClient) -> None:
    response = web.get("/api/v1/rights")
    assert response.status_code == 200
    body = response.get_json()
    assert len(body["entitlements"]) == len(default_rulebook().entitlements)
    assert [s["code"] for s in body["statuses"]][1] == "automatic_check"
    assert all(e["sources"] for e in body["entitlements"])
    figures = [f for e in body["entitlements"] for f in e["figures"]]
    assert figures
    assert all(
        {"valid_from", "verified", "needs_check", "caption", "source"} <= set(f) for f in figures
    )
    assert any(not f["verified"] for f in figures)
    facts = {f["id"]: f for f in body["facts"]}
    assert facts["age"]["max"] == 120 and "municipality" in facts
    assert web.get("/api/v1/rights?date=gisteren").status_code == 400


def test_the_api_is_in_the_openapi_document_and_answers_match_it(
    web: FlaskClient, loaded_app: Flask
) -> None:
    document = web.get("/api/v1/openapi.json").get_json()
    validate(document)
    routes = {
        r.rule for r in loaded_app.url_map.iter_rules() if r.rule.startswith("/api/v1/rights")
    }
    assert routes == {"/api/v1/rights", "/api/v1/rights/evaluate"}
    assert routes <= set(document["paths"])
    answers = [
        ("RightsEvaluateResponse", web.post("/api/v1/rights/evaluate", json=LEEFLOON_ROESELARE)),
        ("RightsEvaluateResponse", web.post("/api/v1/rights/evaluate", json={})),
        ("RightsInputError", web.post("/api/v1/rights/evaluate", json={"age": 300})),
        ("RightsInputError", web.post("/api/v1/rights/evaluate", data=b"x")),
        ("RightsCatalogueResponse", web.get("/api/v1/rights")),
        ("RightsInputError", web.get("/api/v1/rights?date=x")),
    ]
    for schema, response in answers:
        errors = [e.message for e in schema_validator(schema).iter_errors(response.get_json())]
        assert errors == [], (schema, errors[:3])


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
SITUATIONS = st.dictionaries(st.sampled_from([*FACT_IDS, "municipality", "date"]), JSON, max_size=6)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=JSON | SITUATIONS | st.builds(lambda s: {"situation": s}, SITUATIONS))
def test_api_never_fails_on_any_json(loaded_app: Flask, body: Any) -> None:
    response = loaded_app.test_client().post("/api/v1/rights/evaluate", json=body)
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    answer = response.get_json()
    assert answer["ok"] is (response.status_code == 200)
    if response.status_code == 400:
        assert answer["errors"] and all(e["message"] for e in answer["errors"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fact=st.sampled_from([*FACT_IDS, "municipality", "nonsense"]),
    value=st.text(max_size=30),
    action=st.sampled_from(["answer", "skip", "back", "edit:age", "edit:x", "weird"]),
    answers=st.one_of(st.text(max_size=40), SITUATIONS.map(json.dumps)),
)
def test_the_questionnaire_never_fails_on_any_form(
    loaded_app: Flask, fact: str, value: str, action: str, answers: str
) -> None:
    data = {"answers": answers, "fact": fact, "value": value, "action": action}
    response = loaded_app.test_client().post("/rechten", data=data)
    assert response.status_code in (200, 422)
