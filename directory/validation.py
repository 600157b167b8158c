"""Validation of HSDS documents: the official JSON Schemas first, then our catalogue rules.

Each record is judged on its own so that one bad record never stops the good ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from directory.hsds import iter_entities

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SCHEMA_DIR = DATA_DIR / "hsds" / "schema"
OUR_TAXONOMIES = ("levensdomein", "doelgroep")
# Fields rendered as links: anything but http(s) is refused (the schema's "uri" format is not).
LINK_FIELDS = ("url", "website", "uri", "logo", "schedule_link", "term_uri")

# Mojibake left by a wrong decode (UTF-8 read as Latin-1), and the replacement character.
_BROKEN_TEXT = re.compile("\ufffd|Ã[\u0080-\u00bf]|â€|Ã©|Ã«")


@dataclass(frozen=True)
class Problem:
    """One reason a record cannot be imported: where in the record, and what is wrong."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


@cache
def schema_registry() -> Registry:
    """All official HSDS 3.0 schemas, resolvable by their file names (``phone.json``)."""
    resources = []
    for path in SCHEMA_DIR.glob("*.json"):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((path.name, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


@cache
def validator(entity: str) -> Draft202012Validator:
    """A validator for one HSDS entity (``service``, ``organization``...)."""
    schema = json.loads((SCHEMA_DIR / f"{entity}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=schema_registry(), format_checker=FormatChecker())


@cache
def taxonomy_codes() -> dict[str, frozenset[str]]:
    """The codes of our controlled vocabularies (``data/taxonomy.yaml``), per taxonomy."""
    data = yaml.safe_load((DATA_DIR / "taxonomy.yaml").read_text(encoding="utf-8"))
    return {name: frozenset(item["code"] for item in data[name]) for name in OUR_TAXONOMIES}


def _is_web_link(value: str) -> bool:
    """Only http(s) links may reach a page: javascript: or data: links would run in it."""
    parts = urlsplit(value.strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def schema_problems(entity: str, document: Any) -> list[Problem]:
    """What the official schema says is wrong with a document, most specific error first."""
    problems = []
    for error in sorted(validator(entity).iter_errors(document), key=lambda e: list(e.path)):
        path = "/".join(str(p) for p in error.absolute_path)
        problems.append(Problem(path, error.message[:300]))
    return problems


def _walk_strings(value: Any, path: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk_strings(item, f"{path}/{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_strings(item, f"{path}/{index}")


def catalogue_problems(document: dict, postcode_exists: Any = None) -> list[Problem]:
    """Our rules beyond HSDS: known taxonomy codes, real postcodes, readable text, sane ages.

    :param postcode_exists: a callable ``str -> bool``; when given, Belgian postcodes are checked.
    """
    problems: list[Problem] = []
    codes = taxonomy_codes()
    for model, entity in iter_entities(document):
        if model.__tablename__ == "taxonomy_term":
            taxonomy = entity.get("taxonomy") or (entity.get("taxonomy_detail") or {}).get("name")
            code = entity.get("code")
            if taxonomy in codes and code not in codes[taxonomy]:
                problems.append(
                    Problem("attributes", f"unknown {taxonomy} code {code!r}")
                )  # fmt: skip
        if model.__tablename__ == "address" and postcode_exists is not None:
            country = (entity.get("country") or "BE").upper()
            postcode = str(entity.get("postal_code") or "").strip()
            if country == "BE" and postcode and not postcode_exists(postcode):
                problems.append(Problem("addresses", f"postcode {postcode!r} does not exist"))
    for path, text in _walk_strings(document):
        if _BROKEN_TEXT.search(text):
            problems.append(Problem(path, "text has broken characters (wrong encoding?)"))
    for model, entity in iter_entities(document):
        for key in LINK_FIELDS:
            value = entity.get(key)
            if isinstance(value, str) and value.strip() and not _is_web_link(value):
                problems.append(
                    Problem(
                        f"{model.__tablename__}/{key}", f"{value[:60]!r} is not an http(s) link"
                    )
                )
    low, high = document.get("minimum_age"), document.get("maximum_age")
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        problems.append(Problem("minimum_age", f"minimum_age {low} is above maximum_age {high}"))
    return problems


def service_problems(document: Any, postcode_exists: Any = None) -> list[Problem]:
    """Everything wrong with one full service document; empty when it can be imported."""
    if not isinstance(document, dict):
        return [Problem("", f"a service must be a JSON object, not {type(document).__name__}")]
    problems = schema_problems("service", document)
    if problems:
        return problems
    return catalogue_problems(document, postcode_exists)
