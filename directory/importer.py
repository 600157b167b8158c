"""Import HSDS files into the catalogue: each record validated and written on its own.

A bad record is rejected with its id (or row) and a reason while the good ones go in; the whole
import is one transaction, so an import that is killed halfway leaves the database as it was.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from directory.catalogue import audit, upsert_service
from directory.changes import protect_editor_fields
from directory.gazetteer import Gazetteer
from directory.geo import Geocoder
from directory.tabular import PackageError, read_package
from directory.validation import service_problems

MAX_FILE_BYTES = 100 * 1024 * 1024


class ImportFileError(ValueError):
    """The file as a whole cannot be read; nothing was written."""


@dataclass(frozen=True)
class RecordOutcome:
    """What happened to one record: created, updated, unchanged or rejected (and why)."""

    ref: str
    service_id: str | None
    outcome: str
    reasons: tuple[str, ...] = ()
    also_changed: tuple[str, ...] = ()


@dataclass
class ImportReport:
    """Per-record outcomes and the counts the CLI prints."""

    path: str
    records: list[RecordOutcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(record.outcome for record in self.records)

    @property
    def changed_ids(self) -> list[str]:
        """Services whose index entry must be refreshed (also those sharing a changed record)."""
        ids = [
            r.service_id
            for r in self.records
            if r.service_id and r.outcome in ("created", "updated")
        ]
        ids += [sid for r in self.records for sid in r.also_changed]
        return list(dict.fromkeys(ids))

    def summary(self) -> str:
        counts = self.counts
        return (
            f"{self.path}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['rejected']} rejected"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "counts": dict(self.counts),
            "records": [
                {"ref": r.ref, "id": r.service_id, "outcome": r.outcome, "reasons": list(r.reasons)}
                for r in self.records
            ],
        }


def _json_records(path: Path) -> Iterator[tuple[str, Any]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{path.name} is not UTF-8 text (byte {exc.start}): save it as UTF-8 and try again"
        ) from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{path.name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from exc
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        items = data["contents"]
    elif isinstance(data, list):
        items = data
    elif isinstance(data, dict) and "id" in data and "name" in data:
        items = [data]
    else:
        raise ImportFileError(
            f"{path.name}: expected an array of HSDS services or an HSDS page object with "
            "'contents'"
        )
    for index, item in enumerate(items):
        ident = item.get("id") if isinstance(item, dict) else None
        yield f"record {index + 1}" + (f" (id {ident})" if ident else ""), item


def read_records(path: Path) -> Iterator[tuple[str, Any, str | None]]:
    """(reference, document, problem) for every service in an HSDS JSON file or package."""
    if not path.exists():
        raise ImportFileError(f"{path} does not exist")
    if path.is_file() and path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFileError(
            f"{path.name} is {path.stat().st_size // (1024 * 1024)} MB; the limit is "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB: split it into smaller files"
        )
    if path.is_dir() or path.suffix == ".zip" or path.name == "datapackage.json":
        try:
            for record in read_package(path):
                yield record.ref, record.document, record.problem
        except PackageError as exc:
            raise ImportFileError(str(exc)) from exc
        return
    for ref, item in _json_records(path):
        yield ref, item, None


def import_path(
    session: Session,
    path: Path,
    *,
    gazetteer: Gazetteer,
    geocoder: Geocoder | None = None,
    actor: str = "cli",
    on_record: Callable[[RecordOutcome], None] | None = None,
) -> ImportReport:
    """Import a file into the catalogue inside the caller's transaction; the caller commits.

    :raises ImportFileError: when the file as a whole cannot be read (nothing is written then).
    """
    report = ImportReport(str(path))
    seen: set[str] = set()

    source = f"import:{path.name}"
    for ref, document, problem in read_records(path):
        service_id = document.get("id") if isinstance(document, dict) else None
        reasons = (
            [problem]
            if problem
            else [str(p) for p in service_problems(document, gazetteer.postcode_exists)]
        )
        if not reasons and service_id in seen:
            reasons = [f"duplicate id {service_id}: the same service appears twice in this file"]
        if reasons:
            outcome = RecordOutcome(ref, service_id, "rejected", tuple(reasons))
        else:
            seen.add(service_id)
            savepoint = session.begin_nested()
            try:
                document, kept = protect_editor_fields(session, document, source=source)
                result = upsert_service(
                    session, document, source=source, gazetteer=gazetteer, geocoder=geocoder
                )
            except (ValueError, SQLAlchemyError) as exc:
                savepoint.rollback()
                reason = str(exc).splitlines()[0][:300]
                outcome = RecordOutcome(ref, service_id, "rejected", (reason,))
            else:
                savepoint.commit()
                outcome = RecordOutcome(
                    ref, service_id, result.outcome, (*kept, *result.warnings), result.also_changed
                )
        report.records.append(outcome)
        if on_record is not None:
            on_record(outcome)
    audit(session, actor, "import", summary=report.summary())
    return report
