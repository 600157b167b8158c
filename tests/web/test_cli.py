"""The socialekaart command through Flask's CLI runner, on a real database and index."""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner

from tests.conftest import HSDS_EXAMPLES, ROOT, STARTER_CATALOGUE
from web.config import DEFAULTS


def test_init_import_index_and_export(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"Database ready: \d{3} municipalities, 31 taxonomy terms, 3 local", result.output
    )
    result = runner.invoke(
        args=["import", str(STARTER_CATALOGUE), "--report", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 0, result.output
    assert "186 created, 0 updated, 0 unchanged, 0 rejected" in result.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["counts"] == {"created": 186}
    again = runner.invoke(args=["import", str(STARTER_CATALOGUE)])
    assert "0 created, 0 updated, 186 unchanged" in again.output
    status = runner.invoke(args=["index", "status"])
    assert status.output.startswith("185 services")  # the import indexed them; one is inactive
    rebuilt = runner.invoke(args=["index", "rebuild"])
    assert rebuilt.exit_code == 0, rebuilt.output
    out = tmp_path / "export.json"
    exported = runner.invoke(args=["export", str(out)])
    assert exported.exit_code == 0 and "Exported 186 services" in exported.output
    assert len(json.loads(out.read_text())) == 186


def test_a_broken_file_gives_a_clear_message_and_no_traceback(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    runner.invoke(args=["init"])
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": ')
    result = runner.invoke(args=["import", str(bad)])
    assert result.exit_code == 1
    assert "Nothing imported: bad.json is not valid JSON" in result.output
    assert "Traceback" not in result.output


def test_rejected_records_are_listed(runner: FlaskCliRunner, tmp_path: Path) -> None:
    runner.invoke(args=["init"])
    services = json.loads(STARTER_CATALOGUE.read_text())[:3]
    del services[1]["name"]
    path = tmp_path / "mixed.json"
    path.write_text(json.dumps(services))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0
    assert f"rejected record 2 (id {services[1]['id']}): 'name' is a required property" in (
        result.output
    )
    assert "2 created, 0 updated, 0 unchanged, 1 rejected" in result.output


def test_the_official_examples_import(runner: FlaskCliRunner) -> None:
    runner.invoke(args=["init"])
    assert (
        "1 created"
        in runner.invoke(args=["import", str(HSDS_EXAMPLES / "service_full.json")]).output
    )
    assert (
        "1 unchanged"
        in runner.invoke(args=["import", str(HSDS_EXAMPLES / "service_full.json")]).output
    )


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for key in DEFAULTS:
        assert f"`{key}`" in readme, f"SOCIALEKAART_{key} is not in the README's settings table"


def test_settings_come_from_the_environment(monkeypatch, tmp_path: Path) -> None:
    from web import create_app

    monkeypatch.setenv("SOCIALEKAART_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    monkeypatch.setenv("SOCIALEKAART_INDEX_DIR", str(tmp_path / "envindex"))
    app = create_app({"TESTING": True})
    assert app.config["DATABASE_URL"].endswith("env.sqlite")
    assert app.config["INDEX_DIR"].endswith("envindex")


def test_changes_are_reviewed_from_the_command_line(app: Flask, runner: FlaskCliRunner) -> None:
    from directory.changes import Proposal, propose
    from indexer import SearchRequest
    from web.state import get_state

    runner.invoke(args=["init"])
    runner.invoke(args=["import", str(STARTER_CATALOGUE)])
    service = json.loads(STARTER_CATALOGUE.read_text())[0]
    with app.app_context():
        state = get_state()
        with state.sessions.begin() as session:
            ids = [
                change.id
                for change in propose(
                    session,
                    service_id=service["id"],
                    proposals=[Proposal("name", service["name"], "Zonnebloemloket Midwest")],
                    scraped={**service, "name": "Zonnebloemloket Midwest"},
                    source="scraper:test",
                    source_url="http://127.0.0.1/x",
                )
            ]
    listing = runner.invoke(args=["changes", "list"])
    assert f"{ids[0]:>5}  {service['id']}  name" in listing.output
    assert "1 pending change(s)." in listing.output
    shown = runner.invoke(args=["changes", "show", str(ids[0])])
    assert "new      Zonnebloemloket Midwest" in shown.output
    refused = runner.invoke(args=["changes", "accept", str(ids[0])])
    assert refused.exit_code != 0 and "--actor" in refused.output
    accepted = runner.invoke(args=["changes", "accept", str(ids[0]), "--actor", "reviewer"])
    assert accepted.exit_code == 0, accepted.output
    with app.app_context():
        hits = get_state().index.search(SearchRequest(q="zonnebloemloket")).hits
    assert hits and hits[0].id == service["id"]
    again = runner.invoke(args=["changes", "reject", str(ids[0]), "--actor", "reviewer"])
    assert again.exit_code == 1 and "already accepted" in again.output
