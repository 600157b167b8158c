"""Import and export of HSDS files against the real database (SQLite, or PostgreSQL when set)."""

from __future__ import annotations

import copy
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory import importer
from directory.db import make_engine
from directory.exporter import export_catalogue
from directory.gazetteer import Gazetteer
from directory.hsds import iter_service_documents, service_to_hsds
from directory.importer import ImportFileError, import_path
from directory.models import AuditEntry, Base, Location, Provenance, Service
from tests.conftest import HSDS_EXAMPLES, ROOT, STARTER_CATALOGUE, load_json

SCHEMAS = ROOT / "data" / "hsds" / "schema"


def official_validator() -> Draft202012Validator:
    """The official HSDS 3.0 service schema, resolved independently of our own validation code."""
    resources = [
        (p.name, Resource.from_contents(json.loads(p.read_text()), DRAFT202012))
        for p in SCHEMAS.glob("*.json")
    ]
    schema = json.loads((SCHEMAS / "service.json").read_text())
    return Draft202012Validator(schema, registry=Registry().with_resources(resources))


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def count_services(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Service)) or 0


def test_official_full_service_example_imports_with_every_field(
    session: Session, gazetteer: Gazetteer
) -> None:
    report = import_path(session, HSDS_EXAMPLES / "service_full.json", gazetteer=gazetteer)
    assert report.counts["created"] == 1, report.as_dict()
    original = load_json(HSDS_EXAMPLES / "service_full.json")
    stored = service_to_hsds(session, session.get(Service, original["id"]))
    for key in ("name", "description", "minimum_age", "alert", "last_modified"):
        assert stored[key] == original[key]
    assert stored["organization"]["name"] == original["organization"]["name"]
    assert len(stored["service_at_locations"]) == len(original["service_at_locations"])
    assert stored["service_at_locations"][0]["location"]["addresses"]


def test_unmodelled_fields_are_kept(session: Session, gazetteer: Gazetteer, tmp_path: Path) -> None:
    service = load_json(HSDS_EXAMPLES / "service_full.json")
    service["x-wachtlijst"] = {"weken": 6}
    service["service_areas"][0]["x-gebied"] = "stad"
    report = import_path(session, write_json(tmp_path / "s.json", service), gazetteer=gazetteer)
    assert report.counts["created"] == 1
    stored = service_to_hsds(session, session.get(Service, service["id"]))
    assert stored["x-wachtlijst"] == {"weken": 6}
    assert stored["service_areas"][0]["x-gebied"] == "stad"


@pytest.mark.parametrize("form", ["folder", "descriptor", "zip"])
def test_official_tabular_package_imports(
    session: Session, gazetteer: Gazetteer, tmp_path: Path, form: str
) -> None:
    folder = HSDS_EXAMPLES / "csv"
    target = {"folder": folder, "descriptor": folder / "datapackage.json"}.get(form)
    if form == "zip":
        target = tmp_path / "package.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for path in folder.iterdir():
                archive.write(path, f"hsds/{path.name}")
    report = import_path(session, target, gazetteer=gazetteer)
    assert report.counts["created"] == 1, report.as_dict()
    stored = service_to_hsds(session, session.get(Service, "ac148810-d857-441c-9679-408f346de14b"))
    assert stored["name"] == "Community Counselling"
    assert stored["organization"]["name"] == "Example Organization Inc."
    assert stored["service_at_locations"][0]["location"]["addresses"][0]["city"]


def test_hsds_1x_package_maps_onto_3_0(session: Session, gazetteer: Gazetteer) -> None:
    report = import_path(session, HSDS_EXAMPLES / "v1", gazetteer=gazetteer)
    assert report.counts["created"] == 1, report.as_dict()
    service = session.scalars(select(Service)).one()
    document = service_to_hsds(session, service)
    assert document["x-original-id"] == "10"
    assert document["fees_description"] == "Gratis"
    assert document["eligibility_description"] == "Iedereen vanaf 18 jaar"
    assert sorted(s["byday"] for s in document["schedules"]) == ["MO", "WE"]
    address = document["service_at_locations"][0]["location"]["addresses"][0]
    assert (address["postal_code"], address["address_type"]) == ("8800", "physical")
    assert official_validator().is_valid(document)


def test_reimport_is_unchanged_and_an_edit_bumps_the_version(
    session: Session, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    services = load_json(STARTER_CATALOGUE)[:20]
    path = write_json(tmp_path / "c.json", services)
    assert import_path(session, path, gazetteer=gazetteer).counts["created"] == 20
    again = import_path(session, path, gazetteer=gazetteer)
    assert again.counts["unchanged"] == 20 and not again.changed_ids
    edited = copy.deepcopy(services)
    edited[3]["description"] = "Nieuwe beschrijving."
    third = import_path(session, write_json(tmp_path / "e.json", edited), gazetteer=gazetteer)
    assert third.counts["updated"] == 1 and third.changed_ids == [edited[3]["id"]]
    assert session.get(Service, edited[3]["id"]).version == 2
    assert session.get(Service, edited[4]["id"]).version == 1


def test_provenance_is_kept_and_exported(session: Session, gazetteer: Gazetteer) -> None:
    services = load_json(STARTER_CATALOGUE)
    import_path(session, STARTER_CATALOGUE, gazetteer=gazetteer)
    first = services[0]
    row = session.scalars(select(Provenance).where(Provenance.record_id == first["id"])).one()
    assert row.source_url == first["x-source"]["url"]
    assert row.source == "import:catalogue.hsds.json"
    assert (
        service_to_hsds(session, session.get(Service, first["id"]))["x-source"] == first["x-source"]
    )
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "import")).first()


def fresh_session(tmp_path: Path, name: str) -> Session:
    """A brand-new, empty database: nothing of the first import (shared records) survives."""
    engine = make_engine(f"sqlite:///{tmp_path / name}")
    Base.metadata.create_all(engine)
    return Session(engine)


def test_round_trip_json_is_identical(
    session: Session, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    import_path(session, STARTER_CATALOGUE, gazetteer=gazetteer)
    import_path(session, HSDS_EXAMPLES / "service_full.json", gazetteer=gazetteer)
    first = tmp_path / "first.json"
    count = export_catalogue(session, first)
    assert count == 187
    validator = official_validator()
    for document in load_json(first):
        assert validator.is_valid(document), document["id"]
    with fresh_session(tmp_path, "empty.sqlite") as empty:
        report = import_path(empty, first, gazetteer=gazetteer)
        assert report.counts["created"] == 187, report.as_dict()["counts"]
        second = tmp_path / "second.json"
        export_catalogue(empty, second)
    assert first.read_bytes() == second.read_bytes()


def test_round_trip_datapackage_is_identical(
    session: Session, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    services = load_json(STARTER_CATALOGUE)[:40]
    import_path(session, write_json(tmp_path / "c.json", services), gazetteer=gazetteer)
    first = tmp_path / "first"
    export_catalogue(session, first, "hsds-datapackage")
    assert (first / "services.csv").read_text().count("\n") == 41
    with fresh_session(tmp_path, "empty.sqlite") as empty:
        report = import_path(empty, first, gazetteer=gazetteer)
        assert report.counts["created"] == 40, report.as_dict()
        second = tmp_path / "second"
        export_catalogue(empty, second, "hsds-datapackage")
        # What the tables carry survives: names, organizations, addresses, life domains.
        original = {s["id"]: s for s in json.loads(json.dumps(services))}
        for document in iter_service_documents(empty):
            source = original[document["id"]]
            assert document["name"] == source["name"]
            assert document["organization"]["name"] == source["organization"]["name"]
            assert len(document["service_at_locations"]) == len(source["service_at_locations"])
            codes = {a["taxonomy_term"]["code"] for a in document["attributes"]}
            assert codes == {a["taxonomy_term"]["code"] for a in source["attributes"]}
    for csv_file in sorted(first.glob("*.csv")):
        assert csv_file.read_text() == (second / csv_file.name).read_text(), csv_file.name


def test_missing_coordinates_get_a_point_with_its_precision(
    session: Session, gazetteer: Gazetteer
) -> None:
    import_path(session, STARTER_CATALOGUE, gazetteer=gazetteer)
    locations = list(session.scalars(select(Location)))
    assert locations and all(loc.latitude is None for loc in locations)
    placed = [loc for loc in locations if loc.geo_lat is not None]
    assert len(placed) >= 0.95 * len(locations)
    assert {loc.geo_precision for loc in placed} == {"place", "municipality"}
    assert all(loc.geo_precision is None for loc in locations if loc.geo_lat is None)
    zillebeke = next(loc for loc in locations if loc.name == "Samen Tafelen Zillebeke")
    ieper = gazetteer.resolve("Ieper")
    assert (zillebeke.geo_lat, zillebeke.geo_lon) == (ieper.lat, ieper.lon)


def test_far_away_coordinates_are_flagged_not_trusted(
    session: Session, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    service = next(s for s in load_json(STARTER_CATALOGUE) if s["service_at_locations"])
    location = service["service_at_locations"][0]["location"]
    location["latitude"], location["longitude"] = 50.85, 4.35  # Brussels, not Roeselare
    report = import_path(session, write_json(tmp_path / "s.json", [service]), gazetteer=gazetteer)
    assert any("far outside" in reason for reason in report.records[0].reasons)
    stored = session.get(Location, location["id"])
    assert stored.geo_precision == "suspect"
    assert abs(stored.geo_lat - 50.85) > 0.05
    assert stored.latitude == 50.85  # the source's value is kept as given


def bad_records() -> list[tuple[str, object, str]]:
    good = load_json(STARTER_CATALOGUE)[0]
    no_name = {k: v for k, v in good.items() if k != "name"}
    bad_code = copy.deepcopy(good)
    bad_code["attributes"][0]["taxonomy_term"]["code"] = "toverdrank"
    bad_postcode = copy.deepcopy(
        next(s for s in load_json(STARTER_CATALOGUE) if s.get("service_at_locations"))
    )
    bad_postcode["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "8899"
    broken = copy.deepcopy(good)
    broken["description"] = "FinanciÃ«n en schulden"
    return [
        ("missing name", no_name, "'name' is a required property"),
        ("unknown taxonomy code", bad_code, "unknown levensdomein code 'toverdrank'"),
        ("postcode that does not exist", bad_postcode, "postcode '8899' does not exist"),
        ("broken characters", broken, "broken characters"),
        ("not an object", ["a list"], "must be a JSON object"),
    ]


@pytest.mark.parametrize(("label", "record", "reason"), bad_records(), ids=lambda v: str(v)[:30])
def test_a_bad_record_is_rejected_with_a_reason_and_the_good_ones_go_in(
    session: Session, gazetteer: Gazetteer, tmp_path: Path, label: str, record: object, reason: str
) -> None:
    good = load_json(STARTER_CATALOGUE)[5:8]
    path = write_json(tmp_path / "mixed.json", [good[0], record, good[1], good[2]])
    report = import_path(session, path, gazetteer=gazetteer)
    assert report.counts["created"] == 3
    rejected = [r for r in report.records if r.outcome == "rejected"]
    assert len(rejected) == 1 and rejected[0].ref.startswith("record 2")
    assert any(reason in r for r in rejected[0].reasons), rejected[0].reasons
    if isinstance(record, dict):
        assert session.get(Service, record["id"]) is None or label == "missing name"


def test_duplicate_id_in_one_file_is_rejected(
    session: Session, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    service = load_json(STARTER_CATALOGUE)[0]
    path = write_json(tmp_path / "dup.json", [service, service])
    report = import_path(session, path, gazetteer=gazetteer)
    assert [r.outcome for r in report.records] == ["created", "rejected"]
    assert "duplicate id" in report.records[1].reasons[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[{"id": "x", "name": ', "is not valid JSON"),
        (b'{"hello": "world"}', "expected an array of HSDS services"),
        ("[]".encode("utf-16"), "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_read_writes_nothing(
    session: Session, gazetteer: Gazetteer, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        import_path(session, path, gazetteer=gazetteer)
    assert count_services(session) == 0


def test_csv_with_a_missing_column_is_refused(
    session: Session, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    folder = tmp_path / "pkg"
    shutil.copytree(HSDS_EXAMPLES / "csv", folder)
    lines = (folder / "services.csv").read_text().splitlines()
    header = lines[0].split(",")
    drop = header.index("name")
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    out = io.StringIO()
    csv.writer(out).writerows([[c for i, c in enumerate(row) if i != drop] for row in rows])
    (folder / "services.csv").write_text(out.getvalue())
    with pytest.raises(ImportFileError, match=r"services.csv: missing column\(s\) name"):
        import_path(session, folder, gazetteer=gazetteer)


def test_oversized_file_is_refused_before_reading(
    session: Session, gazetteer: Gazetteer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 1024)
    path = write_json(tmp_path / "big.json", load_json(STARTER_CATALOGUE)[:5])
    with pytest.raises(ImportFileError, match="the limit is"):
        import_path(session, path, gazetteer=gazetteer)


def test_an_import_killed_halfway_leaves_nothing(
    engine: object, gazetteer: Gazetteer, tmp_path: Path
) -> None:
    from sqlalchemy.orm import sessionmaker

    sessions = sessionmaker(engine)  # type: ignore[call-overload]
    services = load_json(STARTER_CATALOGUE)[100:110]
    path = write_json(tmp_path / "c.json", services)

    def die_after_five(outcome: importer.RecordOutcome) -> None:
        if sum(1 for _ in seen) >= 5:
            raise KeyboardInterrupt
        seen.append(outcome)

    seen: list[importer.RecordOutcome] = []
    with pytest.raises(KeyboardInterrupt):
        with sessions.begin() as session:
            import_path(session, path, gazetteer=gazetteer, on_record=die_after_five)
    with sessions() as session:
        ids = [s["id"] for s in services]
        assert session.scalar(select(func.count()).where(Service.id.in_(ids))) == 0
