"""Reference data loaded by ``socialekaart init``: the gazetteer and our taxonomies.

Idempotent: running it twice changes nothing, so ``make run`` can always call it.
"""

from __future__ import annotations

import uuid
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from directory import models as m
from directory.gazetteer import Gazetteer

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TAXONOMY_NAMESPACE = uuid.UUID("0f6f9a52-7a53-4c55-9d7e-2b1e8c7c5a11")
TAXONOMY_DESCRIPTIONS = {
    "levensdomein": "Levensdomeinen van socialekaart (data/taxonomy.yaml)",
    "doelgroep": "Doelgroepen van socialekaart (data/taxonomy.yaml)",
}


@cache
def taxonomy() -> dict[str, list[dict[str, Any]]]:
    """Our controlled vocabularies, as in ``data/taxonomy.yaml`` (codes are a public contract)."""
    data = yaml.safe_load((DATA_DIR / "taxonomy.yaml").read_text(encoding="utf-8"))
    return {name: list(data[name]) for name in TAXONOMY_DESCRIPTIONS}


def domain_labels() -> dict[str, str]:
    """Life domain code -> Dutch label, in the taxonomy's order."""
    return {item["code"]: item["label"] for item in taxonomy()["levensdomein"]}


def target_group_labels() -> dict[str, str]:
    """Target group code -> Dutch label."""
    return {item["code"]: item["label"] for item in taxonomy()["doelgroep"]}


def taxonomy_id(name: str) -> str:
    """The stable HSDS id of one of our taxonomies."""
    return str(uuid.uuid5(TAXONOMY_NAMESPACE, f"taxonomy/{name}"))


def term_id(name: str, code: str) -> str:
    """The stable HSDS id of one of our taxonomy terms."""
    return str(uuid.uuid5(TAXONOMY_NAMESPACE, f"taxonomy_term/{name}/{code}"))


def load_reference_data(session: Session, gazetteer: Gazetteer) -> dict[str, int]:
    """Upsert municipalities and our taxonomies; returns how many of each are present."""
    for municipality in gazetteer.municipalities():
        session.merge(
            m.Municipality(
                nis=municipality.nis,
                name_nl=municipality.name_nl,
                name_fr=municipality.name_fr,
                slug=municipality.slug,
                province=municipality.province,
                postcodes=" ".join(municipality.postcodes),
                reference_region=municipality.reference_region,
                lat=municipality.lat,
                lon=municipality.lon,
            )
        )
    terms = 0
    for name, items in taxonomy().items():
        session.merge(
            m.Taxonomy(
                id=taxonomy_id(name), name=name, description=TAXONOMY_DESCRIPTIONS[name],
                version="2025", extra={}, position=0,
            )
        )  # fmt: skip
        for position, item in enumerate(items):
            terms += 1
            session.merge(
                m.TaxonomyTerm(
                    id=term_id(name, item["code"]),
                    code=item["code"],
                    name=item["label"],
                    description=item.get("description") or item["label"],
                    taxonomy=name,
                    taxonomy_id=taxonomy_id(name),
                    language="nl",
                    extra={},
                    position=position,
                )
            )
    return {"municipalities": len(gazetteer.municipalities()), "taxonomy_terms": terms}
