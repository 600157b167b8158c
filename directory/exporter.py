"""Export the catalogue as HSDS 3.0: a JSON array of full services, or a tabular data package.

Both are validated against the official schemas before they are written, so a consumer never gets
a file we would ourselves reject.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from directory.hsds import iter_service_documents
from directory.tabular import write_package
from directory.validation import schema_problems

FORMATS = ("hsds-json", "hsds-datapackage")


class ExportError(ValueError):
    """The export could not be written, or would not validate."""


def collect_services(session: Session) -> list[dict]:
    """Every service as a validated HSDS 3.0 full service document, in id order."""
    documents = []
    for document in iter_service_documents(session):
        problems = schema_problems("service", document)
        if problems:
            raise ExportError(f"service {document.get('id')} does not validate: {problems[0]}")
        documents.append(document)
    return documents


def export_catalogue(session: Session, path: Path, fmt: str = "hsds-json") -> int:
    """Write the catalogue to ``path``; returns the number of services written.

    The JSON file is written to a temporary name and renamed, so a crash never leaves half a file.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    documents = collect_services(session)
    if fmt == "hsds-datapackage":
        write_package(documents, path)
        return len(documents)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(documents, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.write("\n")
    os.replace(tmp_name, path)
    return len(documents)
