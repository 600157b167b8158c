"""Import benchmark: N generated HSDS 3.0 services into a fresh database; services/s, peak memory.

Run on demand (``make bench`` or ``python bench/import_bench.py --count 10000``); prints figures.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from directory.db import make_engine, make_session_factory, upgrade  # noqa: E402
from directory.gazetteer import default_gazetteer  # noqa: E402
from directory.importer import import_path  # noqa: E402
from directory.reference import load_reference_data, taxonomy, term_id  # noqa: E402

NS = uuid.UUID("9b7d0c1e-65a5-4a39-8f0e-3f1f7c2b1d00")
KINDS = [
    ("Budgetbegeleiding", "financien", "Hulp bij je budget en het afbetalen van schulden."),
    ("Sociale kruidenier", "materiele-hulp", "Voeding en verzorgingsproducten aan lage prijzen."),
    ("Woonbegeleiding", "wonen", "Begeleiding aan huis om je woning te behouden."),
    ("Digipunt", "administratie", "Hulp bij digitale formulieren, itsme en e-mail."),
    ("Taalcafé", "taal-integratie", "Nederlands oefenen in een ontspannen sfeer."),
    ("Jobclub", "werk", "Samen solliciteren en je cv opmaken."),
    ("Praatgroep", "psychisch-welzijn", "Lotgenoten praten over stress en eenzaamheid."),
    ("Minder Mobielen Centrale", "mobiliteit", "Vervoer door vrijwilligers."),
]  # fmt: skip


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NS, "/".join(map(str, parts))))


def generate(count: int, seed: int = 7) -> list[dict]:
    """Deterministic, realistic services spread over all Flemish municipalities."""
    rng = random.Random(seed)
    towns = default_gazetteer().municipalities()
    groups = [t["code"] for t in taxonomy()["doelgroep"]]
    services = []
    for n in range(count):
        kind, domain, text = KINDS[n % len(KINDS)]
        town = towns[rng.randrange(len(towns))]
        sid, oid, lid = uid("s", n), uid("o", n // 3), uid("l", n)
        group = groups[rng.randrange(len(groups))]
        services.append(
            {
                "id": sid,
                "organization_id": oid,
                "name": f"{kind} {town.name_nl} {n}",
                "description": f"{text} In {town.name_nl} en omgeving.",
                "status": "active",
                "email": f"info{n}@example.org",
                "minimum_age": 18 if n % 5 == 0 else None,
                "organization": {"id": oid, "name": f"Organisatie {n // 3}", "description": "Test"},
                "phones": [{"id": uid("p", n), "number": f"051 {n % 100:02d} {n % 97:02d} 00"}],
                "schedules": [
                    {
                        "id": uid("sch", n),
                        "freq": "WEEKLY",
                        "byday": "MO,TU,TH",
                        "opens_at": "09:00",
                        "closes_at": "12:00",
                    }
                ],
                "service_areas": [{"id": uid("a", n), "name": town.name_nl}],
                "service_at_locations": [
                    {
                        "id": uid("sal", n),
                        "location_id": lid,
                        "location": {
                            "id": lid,
                            "location_type": "physical",
                            "name": f"{kind} {town.name_nl}",
                            "addresses": [
                                {
                                    "id": uid("ad", n),
                                    "address_1": f"Kerkstraat {n % 120 + 1}",
                                    "city": town.name_nl,
                                    "postal_code": town.postcodes[0],
                                    "state_province": town.province or "",
                                    "country": "BE",
                                    "address_type": "physical",
                                }
                            ],
                        },
                    }
                ],
                "attributes": [
                    {
                        "id": uid("at", n, t),
                        "link_id": sid,
                        "link_entity": "service",
                        "link_type": t,
                        "taxonomy_term_id": term_id(t, c),
                        "taxonomy_term": {
                            "id": term_id(t, c),
                            "code": c,
                            "name": c,
                            "description": c,
                            "taxonomy": t,
                        },
                    }
                    for t, c in (("levensdomein", domain), ("doelgroep", group))
                ],
            }  # fmt: skip
        )
        if services[-1]["minimum_age"] is None:
            del services[-1]["minimum_age"]
    return services


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "services.json"
        path.write_text(json.dumps(generate(args.count), ensure_ascii=False))
        url = f"sqlite:///{tmp}/bench.sqlite"
        upgrade(url)
        sessions = make_session_factory(make_engine(url))
        gazetteer = default_gazetteer()
        with sessions.begin() as session:
            load_reference_data(session, gazetteer)
        start = time.perf_counter()
        with sessions.begin() as session:
            report = import_path(session, path, gazetteer=gazetteer)
        seconds = time.perf_counter() - start
        start = time.perf_counter()
        with sessions.begin() as session:
            again = import_path(session, path, gazetteer=gazetteer)
        seconds_again = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"import of {args.count} generated HSDS services into SQLite")
    print(f"  first import : {report.summary().split(': ', 1)[1]}")
    print(f"                 {seconds:.1f} s, {args.count / seconds:.0f} services/s")
    print(f"  re-import    : {again.summary().split(': ', 1)[1]}")
    print(f"                 {seconds_again:.1f} s, {args.count / seconds_again:.0f} services/s")
    print(f"  peak memory  : {peak_mb:.0f} MB (max RSS of the process)")


if __name__ == "__main__":
    main()
