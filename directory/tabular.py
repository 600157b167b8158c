"""HSDS Tabular Data Packages (3.0 and the older 1.x) read into full service documents.

A package is a folder of CSV files with a ``datapackage.json``, or the same zipped. Rows are joined
through the same ``NESTS`` table the database walk uses, so CSV and JSON imports cannot diverge.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from directory import models as m
from directory.hsds import ENTITY_NAMES, NESTS, Many, Ref, iter_entities

PACKAGE_DESCRIPTOR = Path(__file__).resolve().parent.parent / "data" / "hsds" / "datapackage.json"
LEGACY_NAMESPACE = uuid.UUID("5b0b8c9e-2f3a-4d53-9a51-7e1f0c4b6a10")
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class PackageError(ValueError):
    """The package as a whole cannot be read (no descriptor, a missing column...)."""


@dataclass(frozen=True)
class TabularRecord:
    """One assembled service, or the reason it could not be assembled, with where it came from."""

    ref: str
    document: dict | None
    problem: str | None = None


@cache
def _resources() -> dict[str, dict]:
    descriptor = json.loads(PACKAGE_DESCRIPTOR.read_text(encoding="utf-8"))
    return {r["name"]: r for r in descriptor["resources"]}


def _number_fields(entity: str) -> set[str]:
    return {f["name"] for f in _resources()[entity]["schema"]["fields"] if f["type"] == "number"}


class _Files:
    """Read CSV files by name from a folder or a zip archive."""

    def __init__(self, path: Path) -> None:
        self.zip: zipfile.ZipFile | None = None
        if path.suffix == ".zip":
            self.zip = zipfile.ZipFile(path)
            names = self.zip.namelist()
            self.names = {Path(n).name: n for n in names if not n.endswith("/")}
        else:
            folder = path.parent if path.is_file() else path
            self.folder = folder
            self.names = {p.name: str(p) for p in folder.iterdir() if p.is_file()}

    def has(self, name: str) -> bool:
        return name in self.names

    def read(self, name: str) -> list[dict[str, str]]:
        if self.zip is not None:
            raw = self.zip.read(self.names[name])
        else:
            raw = Path(self.names[name]).read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PackageError(f"{name}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
        return list(csv.DictReader(io.StringIO(text, newline="")))


def _required_fields(entity: str) -> set[str]:
    fields = _resources()[entity]["schema"]["fields"]
    return {f["name"] for f in fields if f.get("constraints", {}).get("required")}


def _clean(entity: str, row: dict[str, str], where: str) -> dict[str, Any]:
    numbers = _number_fields(entity) if entity in _resources() else set()
    required = _required_fields(entity) if entity in _resources() else set()
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None:
            raise PackageError(f"{where}: more values than columns")
        if value is None or value == "":
            # CSV cannot tell "" from nothing: a required text field was "", the rest absent.
            if value == "" and key in required and key not in numbers:
                out[key] = ""
            continue
        if key in numbers:
            try:
                number = float(value)
            except ValueError as exc:
                raise ValueError(f"{where}: {key} {value!r} is not a number") from exc
            out[key] = int(number) if number.is_integer() else number
        else:
            out[key] = value
    return out


class _Store:
    """Rows per entity, indexed by id and by every column a child uses to point at its parent."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.by_id: dict[str, dict[str, dict]] = defaultdict(dict)
        self.where: dict[int, str] = {}

    def add(self, entity: str, row: dict, where: str) -> None:
        self.rows[entity].append(row)
        if "id" in row:
            self.by_id[entity][row["id"]] = row
        self.where[id(row)] = where

    def children(self, nest: Many, parent_id: str) -> list[dict]:
        name = ENTITY_NAMES[nest.model]
        return [
            row
            for row in self._index(name, nest.link).get(parent_id, [])
            if all(not row.get(column) for column in nest.unless)
        ]

    @cache  # noqa: B019 - a store lives for one import only
    def _index(self, entity: str, column: str) -> dict[str, list[dict]]:
        index: dict[str, list[dict]] = defaultdict(list)
        for row in self.rows.get(entity, []):
            if row.get(column):
                index[row[column]].append(row)
        return index


def _assemble(store: _Store, model: type[m.Base], row: dict, depth: int = 0) -> dict:
    document = dict(row)
    if depth > 8:
        return document
    for nest in NESTS[model]:
        if isinstance(nest, Many):
            children = store.children(nest, row["id"])
            if children:
                document[nest.key] = [_assemble(store, nest.model, c, depth + 1) for c in children]
        elif isinstance(nest, Ref):
            ref_id = row.get(nest.column)
            ref = store.by_id[ENTITY_NAMES[nest.model]].get(ref_id) if ref_id else None
            if ref is not None:
                document[nest.key] = _assemble(store, nest.model, ref, depth + 1)
    if model is m.Service:
        for key in ("phones", "schedules", "service_areas", "service_at_locations", "attributes"):
            document.setdefault(key, [])
    return document


def _read_v3(files: _Files) -> _Store:
    store = _Store()
    if not files.has("services.csv"):
        raise PackageError("services.csv is missing: this is not an HSDS 3.0 tabular package")
    for entity, resource in _resources().items():
        if not files.has(resource["path"]):
            continue
        rows = files.read(resource["path"])
        required = _required_fields(entity)
        columns = set(rows[0]) if rows else required
        missing = sorted(required - columns)
        if missing:
            raise PackageError(f"{resource['path']}: missing column(s) {', '.join(missing)}")
        for number, raw in enumerate(rows, start=2):
            where = f"{resource['path']} row {number}"
            store.add(entity, _clean(entity, raw, where), where)
    return store


def _legacy_id(table: str, value: str | None) -> str | None:
    """1.x ids are often "1", "2": turn them into stable UUIDs; real UUIDs stay as they are."""
    if not value:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return str(uuid.uuid5(LEGACY_NAMESPACE, f"{table}/{value}"))


_LEGACY_REFS = {
    "organization_id": "organization",
    "program_id": "program",
    "service_id": "service",
    "location_id": "location",
    "service_at_location_id": "service_at_location",
    "contact_id": "contact",
    "phone_id": "phone",
    "parent_organization_id": "organization",
    "taxonomy_id": "taxonomy",
    "link_id": "service",
}


def _legacy_row(table: str, raw: dict[str, str], where: str) -> dict[str, Any]:
    row: dict[str, Any] = {k: v for k, v in raw.items() if k is not None and v not in (None, "")}
    if "id" in row:
        original = row["id"]
        row["id"] = _legacy_id(table, original)
        if row["id"] != original:
            row["x-original-id"] = original
    for column, target in _LEGACY_REFS.items():
        if column in row:
            row[column] = _legacy_id(target, row[column])
    for key in ("minimum_age", "maximum_age", "latitude", "longitude", "extension"):
        if key in row:
            try:
                number = float(row[key])
            except ValueError as exc:
                raise ValueError(f"{where}: {key} {row[key]!r} is not a number") from exc
            row[key] = int(number) if number.is_integer() else number
    return row


def _read_v1(files: _Files) -> _Store:
    """Map an HSDS 1.x package onto 3.0 entities (names and shapes changed between versions)."""
    store = _Store()

    def rows(name: str, entity: str = "") -> Iterator[tuple[dict[str, Any], str]]:
        if files.has(name):
            for number, raw in enumerate(files.read(name), start=2):
                where = f"{name} row {number}"
                yield _legacy_row(entity or name.removesuffix(".csv"), raw, where), where

    for name, entity in (
        ("organizations.csv", "organization"),
        ("programs.csv", "program"),
        ("locations.csv", "location"),
        ("service_at_location.csv", "service_at_location"),
        ("phones.csv", "phone"),
        ("contacts.csv", "contact"),
        ("funding.csv", "funding"),
        ("service_areas.csv", "service_area"),
        ("required_documents.csv", "required_document"),
        ("languages.csv", "language"),
        ("metadata.csv", "metadata"),
    ):
        for row, where in rows(name, entity):
            if entity == "organization":
                row.setdefault("description", row.get("name", ""))
            if entity == "location":
                row.setdefault("location_type", "physical")
            if entity == "service_area" and "service_area" in row:
                row["name"] = row.pop("service_area")
            if entity == "language" and "language" in row:
                row["name"] = row.pop("language")
            store.add(entity, row, where)
    eligibility: dict[str, list[str]] = defaultdict(list)
    for row, _where in rows("eligibility.csv"):
        if row.get("service_id") and row.get("eligibility"):
            eligibility[row["service_id"]].append(row["eligibility"])
    for row, where in rows("services.csv", "service"):
        if "fees" in row and "fees_description" not in row:
            row["fees_description"] = row.pop("fees")
        if row.get("id") in eligibility:
            row.setdefault("eligibility_description", "; ".join(eligibility[row["id"]]))
        row.setdefault("status", "active")
        store.add("service", row, where)
    for name, kind in (("physical_addresses.csv", "physical"), ("postal_addresses.csv", "postal")):
        for row, where in rows(name):
            row["address_type"] = kind
            row.setdefault("state_province", row.get("region", ""))
            store.add("address", row, where)
    for row, where in rows("accessibility_for_disabilities.csv"):
        if "accessibility" in row:
            row["description"] = row.pop("accessibility")
        store.add("accessibility", row, where)
    for row, where in rows("regular_schedules.csv"):
        weekday = row.pop("weekday", None)
        try:
            day = WEEKDAYS[int(weekday) - 1] if weekday and weekday.isdigit() else weekday
        except IndexError:
            day = weekday
        row.update(freq="WEEKLY", byday=str(day).upper()[:2] if day else None)
        store.add("schedule", {k: v for k, v in row.items() if v is not None}, where)
    for row, where in rows("holiday_schedules.csv"):
        closed = str(row.pop("closed", "")).lower() in ("true", "1", "yes")
        row["valid_from"] = row.pop("start_date", None)
        row["valid_to"] = row.pop("end_date", None)
        row["description"] = "gesloten" if closed else "aangepaste uren"
        store.add("schedule", {k: v for k, v in row.items() if v is not None}, where)
    terms: dict[str, dict] = {}
    for row, where in rows("taxonomy.csv", "taxonomy"):
        if not row.get("id"):
            raise PackageError(f"{where}: a taxonomy term without an id")
        term = {
            "id": row["id"],
            "name": row.get("name", ""),
            "description": row.get("name", ""),
            "taxonomy": row.get("vocabulary"),
            "parent_id": _legacy_id("taxonomy", row.get("parent_id")),
        }
        terms[row["id"]] = {k: v for k, v in term.items() if v}
        store.add("taxonomy_term", terms[row["id"]], where)
    for row, where in rows("service_taxonomy.csv"):
        if not row.get("id"):
            raise PackageError(f"{where}: a service taxonomy link without an id")
        term_id = _legacy_id("taxonomy", row.get("taxonomy_id"))
        attribute = {
            "id": row["id"],
            "link_id": row.get("service_id"),
            "link_entity": "service",
            "taxonomy_term_id": term_id,
        }
        store.add("attribute", attribute, where)
    return store


def read_package(path: Path) -> Iterator[TabularRecord]:
    """Every service of a 3.0 or 1.x tabular package as a full document (or why not)."""
    try:
        files = _Files(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise PackageError(f"cannot open {path}: {exc}") from exc
    legacy = files.has("physical_addresses.csv") or files.has("regular_schedules.csv")
    try:
        store = _read_v1(files) if legacy else _read_v3(files)
    except ValueError as exc:
        raise PackageError(str(exc)) from exc
    for row in store.rows.get("service", []):
        where = store.where[id(row)]
        ref = f"{where} (id {row.get('id', '?')})"
        if "id" not in row:
            yield TabularRecord(ref, None, "the service has no id")
            continue
        yield TabularRecord(ref, _assemble(store, m.Service, row))


def write_package(documents: list[dict], target: Path) -> None:
    """Write services as a 3.0 tabular package: one CSV per entity, the official descriptor.

    The package is written beside the target and swapped in whole, so a crash never leaves half
    a package. CSV holds the HSDS fields only: extension fields (``x-source``...) and our list
    order are in the JSON export, not here.
    """
    folder = target.with_name(f".{target.name}.partial")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    tables: dict[str, dict[str, dict]] = defaultdict(dict)
    for service in documents:
        for model, entity in iter_entities(service):
            name = ENTITY_NAMES[model]
            tables[name][entity["id"]] = entity
    for entity, resource in _resources().items():
        fields = [f["name"] for f in resource["schema"]["fields"]]
        rows = sorted(tables.get(entity, {}).values(), key=lambda r: r["id"])
        with (folder / resource["path"]).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                writer.writerow({k: _csv_value(row.get(k)) for k in fields})
    (folder / "datapackage.json").write_text(PACKAGE_DESCRIPTOR.read_text(encoding="utf-8"))
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    folder.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _csv_value(value: Any) -> str:
    if value is None or isinstance(value, list | dict):
        return ""
    return str(value)
