"""Search benchmark: our Whoosh search against SQLite FTS5 over the same synthetic services.

Deterministic generator of realistic Dutch service records (HSDS 3.0 full service dicts) for
Flemish towns; for each size: index build (services/s, size on disk), query latency (median and
p95 over >= 200 queries per kind, warm), incremental update latency (upsert until searchable),
and the same kinds of queries on FTS5 in the same run, printed as ratios.

    .venv/bin/python bench/search_bench.py                   # 1k, 10k, 100k
    .venv/bin/python bench/search_bench.py --sizes 1000,10000 --queries 200

Our timings include everything a page needs: query building, filters, ranking, facet counts over
the whole result set, hits with snippets. FTS5 timings are the matching SQL statements (hits plus
total count; facets as GROUP BY; typos as a prefix query, since FTS5 has no fuzzy matching).
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from directory.gazetteer import Municipality, default_gazetteer  # noqa: E402
from indexer import SearchIndex, SearchRequest  # noqa: E402
from indexer.vocabulary import domain_labels, fold, target_group_labels  # noqa: E402

SEED = 20251122

# Per life domain: kinds of services (names) and sentences their descriptions are made of.
DOMAINS: dict[str, tuple[list[str], list[str]]] = {
    "financien": (
        [
            "Schuldbemiddeling",
            "Budgetbegeleiding",
            "Budgetbeheer",
            "Schuldhulpverlening",
            "Sociale dienst",
            "Energiepremies",
        ],
        [
            "Wie zijn rekeningen niet meer kan betalen, kan bij ons terecht "
            "voor een afbetalingsplan.",
            "We onderhandelen met schuldeisers en deurwaarders.",
            "Samen maken we een maandbudget op en plannen we de vaste kosten.",
            "Je kan een leefloon of financiële steun aanvragen bij de maatschappelijk werker.",
            "We helpen bij het aanvragen van premies, toelagen en sociale tarieven.",
            "Collectieve schuldenregeling bespreken we samen met een jurist.",
        ],
    ),
    "wonen": (
        ["Nachtopvang", "Woonbegeleiding", "Sociaal verhuurkantoor", "Woonloket", "Huurdersbond"],
        [
            "Wie geen dak boven het hoofd heeft, kan hier slapen, douchen en eten.",
            "We zoeken mee naar een betaalbare huurwoning of een sociale woning.",
            "De woonbegeleider komt aan huis en helpt met huur, energie en administratie.",
            "Dreigt een uithuiszetting, neem dan snel contact op.",
            "Je kan je inschrijven voor een sociale huurwoning.",
        ],
    ),
    "materiele-hulp": (
        ["Voedselbank", "Sociale kruidenier", "Kringwinkel", "Kledingbank", "Meubelbank"],
        [
            "Gezinnen met een laag inkomen krijgen elke week een voedselpakket.",
            "In de sociale kruidenier koop je basisproducten aan lage prijzen.",
            "Tweedehands kleding, meubels en huisraad voor een kleine prijs.",
            "Een doorverwijzing van het OCMW of het CAW is nodig.",
        ],
    ),
    "psychisch-welzijn": (
        ["Centrum Geestelijke Gezondheidszorg", "Eerstelijnspsycholoog", "Crisisteam", "Rouwgroep"],
        [
            "Een psycholoog luistert naar je verhaal en zoekt samen met jou naar oplossingen.",
            "Voor angst, depressie, stress of een burn-out kan je hier terecht.",
            "Het mobiel crisisteam komt bij je thuis wanneer het niet meer gaat.",
            "Praten met lotgenoten helpt bij verlies en rouw.",
        ],
    ),
    "verslaving": (
        ["Verslavingszorg", "Drugpreventie", "Alcoholhulp", "Gokhulp"],
        [
            "Heb je problemen met alcohol, drugs, medicatie of gokken? Wij helpen.",
            "Ambulante begeleiding met gesprekken en medische opvolging.",
            "Preventie voor jongeren en ouders over cannabis en andere middelen.",
        ],
    ),
    "gezin-opvoeding": (
        [
            "Kinderopvang",
            "Huis van het Kind",
            "Opvoedingswinkel",
            "Kinderdagverblijf",
            "Huiswerkbegeleiding",
        ],
        [
            "Opvang voor baby's en peuters vanaf drie maanden.",
            "Ouders met vragen over opvoeding kunnen hier terecht.",
            "Consultaties voor kinderen van nul tot drie jaar.",
            "Vrijwilligers helpen lagere schoolkinderen met hun huiswerk.",
        ],
    ),
    "administratie": (
        ["Digipunt", "Administratief spreekuur", "Belastingaangifte", "Zitdag papieren"],
        [
            "Hulp bij formulieren, brieven en je belastingaangifte.",
            "Vrijwilligers helpen je met itsme, e-mail en digitale loketten.",
            "Breng je identiteitskaart en je papieren mee.",
        ],
    ),
    "justitie": (
        ["Juridisch advies", "Justitiehuis", "Slachtofferhulp", "Bureau voor Juridische Bijstand"],
        [
            "Gratis eerstelijns juridisch advies door een advocaat.",
            "Een pro-deo advocaat via juridische tweedelijnsbijstand.",
            "Slachtoffers van een misdrijf of geweld krijgen steun en informatie.",
        ],
    ),
    "taal-integratie": (
        ["Taalcafé", "Inburgering", "Nederlands leren", "Sociaal tolken"],
        [
            "Oefen je Nederlands in een ontspannen sfeer.",
            "Nieuwkomers volgen een inburgeringstraject met lessen maatschappelijke oriëntatie.",
            "Een tolk helpt bij gesprekken met diensten.",
        ],
    ),
    "werk": (
        ["Werkpunt", "Jobclub", "Wijk-werken", "Sollicitatietraining"],
        [
            "Vacatures zoeken, je cv opmaken en solliciteren met begeleiding.",
            "Werkzoekenden doen werkervaring op in de buurt.",
            "Een jobcoach begeleidt je naar een passende job.",
        ],
    ),
    "mobiliteit": (
        ["Minder Mobielen Centrale", "Fietsatelier", "Vervoersdienst"],
        [
            "Vrijwillige chauffeurs brengen je naar de dokter of de winkel.",
            "Je fiets herstellen in het fietsatelier aan een lage prijs.",
        ],
    ),
    "sociaal-netwerk": (
        ["Lokaal Dienstencentrum", "Buddywerking", "Ontmoetingscafé", "Buurthuis"],
        [
            "Een plek om elkaar te ontmoeten, een babbel te doen en samen te eten.",
            "Wie zich eenzaam voelt, krijgt een buddy die op bezoek komt.",
        ],
    ),
    "gezondheid": (
        ["Wijkgezondheidscentrum", "Sociale tandartspraktijk", "Thuisverpleging"],
        [
            "Huisarts, verpleegkundige en tandarts onder één dak.",
            "Verzorging aan huis na een ziekenhuisopname.",
        ],
    ),
    "opleiding": (
        ["Basiseducatie", "Tweedekansonderwijs", "Computerlessen"],
        [
            "Leren lezen, schrijven en rekenen in kleine groepen.",
            "Je diploma secundair onderwijs halen als volwassene.",
        ],
    ),
    "vrije-tijd": (
        ["UiTPAS kansentarief", "Speelpleinwerking", "Sportdienst"],
        [
            "Met kansentarief betaal je minder voor sport, cultuur en vakantie.",
            "Kinderen spelen in de zomervakantie onder begeleiding van animatoren.",
        ],
    ),
    "activering": (
        ["Dagbesteding", "Arbeidszorg", "Dagcentrum"],
        [
            "Zinvolle dagbesteding met structuur en activiteiten op maat.",
            "Werken op je eigen tempo in een atelier.",
        ],
    ),
}
FILLER = [
    "Je kan langskomen zonder afspraak tijdens de zitdagen.",
    "Bel of mail voor een afspraak.",
    "De dienst is gratis en vertrouwelijk.",
    "We werken samen met het OCMW, het CAW en de huisarts.",
    "Ook voor familie en mantelzorgers.",
    "Iedereen is welkom, ongeacht inkomen of afkomst.",
]
ONE_WORD = [
    "schulden",
    "nachtopvang",
    "psycholoog",
    "kinderopvang",
    "voedselbank",
    "drugs",
    "inburgering",
    "itsme",
    "advocaat",
    "fiets",
    "budgetbeheer",
    "dakloos",
    "eenzaam",
    "leefloon",
    "tandarts",
    "vacatures",
    "huurwoning",
    "taalcafé",
    "uitpas",
    "gokken",
]
THREE_WORDS = [
    "hulp bij papieren",
    "geen geld eten",
    "psycholoog voor jongeren",
    "sociale woning zoeken",
    "gratis juridisch advies",
    "werk zoeken jongeren",
    "opvang voor baby",
    "hulp bij schulden",
    "nederlands leren gratis",
    "minder mobielen centrale",
]
TYPOS = [
    "schuldbemidelling",
    "kinderopvnag",
    "psycholoogg",
    "voedselbnak",
    "nachtopvagn",
    "inburgring",
    "huurwonig",
    "taalcafee",
    "advocat",
    "budgetbeher",
]
KINDS = ["one word", "three words", "words+domain+town", "facets", "typo", "filter only", "geo"]


def generate(count: int, towns: list[Municipality], seed: int = SEED) -> Iterator[dict]:
    """`count` HSDS full service dicts; the same seed gives the same records."""
    rng = random.Random(seed)
    regions: dict[str, list[Municipality]] = {}
    for town in towns:
        regions.setdefault(town.reference_region or "", []).append(town)
    domain_codes = sorted(DOMAINS)
    group_codes = sorted(target_group_labels())
    for i in range(count):
        sid = str(uuid.UUID(int=rng.getrandbits(128)))
        town = rng.choice(towns)
        codes = rng.sample(domain_codes, rng.choice([1, 1, 2, 2, 3]))
        kinds, sentences = DOMAINS[codes[0]]
        name = f"{rng.choice(kinds)} {town.name_nl}" + (f" {i % 7}" if i % 3 == 0 else "")
        text = [rng.choice(DOMAINS[c][1]) for c in codes for _ in range(rng.randint(2, 4))]
        text += rng.sample(FILLER, 3)
        rng.shuffle(text)
        roll = rng.random()
        if roll < 0.55:
            areas = [town.name_nl]
        elif roll < 0.85:
            areas = [t.name_nl for t in regions[town.reference_region or ""]]
        else:
            areas = []
        org = f"{rng.choice(['OCMW', 'CAW', 'vzw', 'CGG', 'Welzijnsvereniging'])} {town.name_nl}"
        record: dict = {
            "id": sid,
            "name": name,
            "description": " ".join(text),
            "status": "inactive" if rng.random() < 0.03 else "active",
            "organization_id": str(uuid.uuid5(uuid.NAMESPACE_URL, org)),
            "organization": {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, org)), "name": org},
            "fees_description": rng.choice(["Gratis.", "Gratis.", "€ 5 per maand.", ""]),
            "eligibility_description": f"Voor inwoners van {town.name_nl}.",
            "service_areas": [{"name": a} for a in areas],
            "service_at_locations": [
                {
                    "location": {
                        "name": name,
                        "latitude": round(town.lat + rng.uniform(-0.03, 0.03), 5),
                        "longitude": round(town.lon + rng.uniform(-0.04, 0.04), 5),
                        "addresses": [{"city": town.name_nl, "postal_code": town.postcodes[0]}],
                    }
                }
            ],
            "attributes": [
                {"taxonomy_term": {"code": c, "taxonomy": "levensdomein"}} for c in codes
            ]
            + [
                {"taxonomy_term": {"code": g, "taxonomy": "doelgroep"}}
                for g in rng.sample(group_codes, rng.randint(0, 2))
            ],
            "schedules": (
                [
                    {
                        "freq": "WEEKLY",
                        "byday": "MO,TU,WE,TH,FR",
                        "opens_at": "09:00",
                        "closes_at": rng.choice(["12:00", "16:00", "17:00"]),
                    }
                ]
                if rng.random() < 0.5
                else []
            ),
        }
        if rng.random() < 0.25:
            record["minimum_age"] = rng.choice([0, 3, 12, 16, 18, 55, 65])
            record["maximum_age"] = record["minimum_age"] + rng.choice([3, 12, 25, 99])
        yield record


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def timed(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds per call, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


class Fts5:
    """The reference: SQLite FTS5 (unicode61, diacritics removed) plus plain tables for filters."""

    def __init__(self, path: Path, services: list[dict], towns: list[Municipality]) -> None:
        by_name = {fold(t.name_nl): t.nis for t in towns}
        self.db = sqlite3.connect(path)
        self.db.executescript(
            """
            CREATE VIRTUAL TABLE fts USING fts5(name, organization, body,
                tokenize='unicode61 remove_diacritics 2');
            CREATE TABLE svc(id INTEGER PRIMARY KEY, lat REAL, lon REAL);
            CREATE TABLE svc_domain(svc INTEGER, domain TEXT);
            CREATE TABLE svc_town(svc INTEGER, nis TEXT);
            """
        )
        start = time.perf_counter()
        with self.db:
            for rowid, s in enumerate(services, 1):
                if s["status"] != "active":
                    continue
                loc = s["service_at_locations"][0]["location"]
                self.db.execute(
                    "INSERT INTO fts(rowid, name, organization, body) VALUES (?,?,?,?)",
                    (rowid, s["name"], s["organization"]["name"], s["description"]),
                )
                self.db.execute(
                    "INSERT INTO svc VALUES (?,?,?)", (rowid, loc["latitude"], loc["longitude"])
                )
                for a in s["attributes"]:
                    if a["taxonomy_term"]["taxonomy"] == "levensdomein":
                        self.db.execute(
                            "INSERT INTO svc_domain VALUES (?,?)",
                            (rowid, a["taxonomy_term"]["code"]),
                        )
                areas = [a["name"] for a in s["service_areas"]] or [loc["addresses"][0]["city"]]
                for area in areas:
                    self.db.execute(
                        "INSERT INTO svc_town VALUES (?,?)", (rowid, by_name.get(fold(area), area))
                    )
            self.db.executescript(
                "CREATE INDEX d ON svc_domain(domain, svc); CREATE INDEX t ON svc_town(nis, svc);"
                "CREATE INDEX ds ON svc_domain(svc, domain); CREATE INDEX ts ON svc_town(svc, nis);"
            )
        self.build_seconds = time.perf_counter() - start

    @staticmethod
    def match(text: str, prefix: bool = False) -> str:
        words = [w for w in fold(text).replace("-", " ").split() if w.isalnum()]
        return " OR ".join(f'"{w[:4]}"*' if prefix else f'"{w}"' for w in words)

    def text(self, text: str, prefix: bool = False) -> None:
        m = self.match(text, prefix)
        self.db.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 20", (m,)
        ).fetchall()
        self.db.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (m,)).fetchone()

    def filtered(self, text: str, domain: str, nis: str) -> None:
        joins = (
            "FROM fts JOIN svc_domain d ON d.svc = fts.rowid AND d.domain = ? "
            "JOIN svc_town t ON t.svc = fts.rowid AND t.nis = ? WHERE fts MATCH ?"
        )
        args = (domain, nis, self.match(text))
        self.db.execute(f"SELECT fts.rowid {joins} ORDER BY rank LIMIT 20", args).fetchall()
        self.db.execute(f"SELECT count(*) {joins}", args).fetchone()

    def facets(self, text: str, nis: str) -> None:
        matched = (
            "SELECT fts.rowid FROM fts JOIN svc_town t ON t.svc = fts.rowid AND t.nis = ? "
            "WHERE fts MATCH ?"
        )
        args = (nis, self.match(text))
        self.db.execute(f"{matched} ORDER BY rank LIMIT 20", args).fetchall()
        self.db.execute(
            f"SELECT domain, count(*) FROM svc_domain WHERE svc IN ({matched}) GROUP BY domain",
            args,
        ).fetchall()
        self.db.execute(
            f"SELECT nis, count(*) FROM svc_town WHERE svc IN ({matched}) GROUP BY nis", args
        ).fetchall()

    def filter_only(self, domain: str, nis: str) -> None:
        where = (
            "id IN (SELECT svc FROM svc_domain WHERE domain = ?) "
            "AND id IN (SELECT svc FROM svc_town WHERE nis = ?)"
        )
        self.db.execute(f"SELECT id FROM svc WHERE {where} LIMIT 20", (domain, nis)).fetchall()
        self.db.execute(f"SELECT count(*) FROM svc WHERE {where}", (domain, nis)).fetchone()

    def geo(self, lat: float, lon: float, km: float) -> None:
        dlat, dlon = km / 111.0, km / (111.0 * math.cos(math.radians(lat)))
        self.db.execute(
            "SELECT id, (lat-?)*(lat-?)+(lon-?)*(lon-?)*0.4 AS d FROM svc "
            "WHERE lat BETWEEN ? AND ? AND lon BETWEEN ? AND ? ORDER BY d LIMIT 20",
            (lat, lat, lon, lon, lat - dlat, lat + dlat, lon - dlon, lon + dlon),
        ).fetchall()


def bench_size(size: int, runs: int, towns: list[Municipality], out: list[dict]) -> None:
    services = list(generate(size, towns))
    rng = random.Random(size)
    work = Path(tempfile.mkdtemp(prefix=f"bench-{size}-"))
    try:
        index = SearchIndex.open_or_create(work / "ix")
        start = time.perf_counter()
        index.rebuild(services)
        build = time.perf_counter() - start
        disk = folder_size(work / "ix")
        fts = Fts5(work / "fts.sqlite", services, towns)
        fts_disk = (work / "fts.sqlite").stat().st_size
        domains = sorted(domain_labels())
        row = {
            "size": size,
            "build_s": build,
            "rate": size / build,
            "disk_mb": disk / 1e6,
            "fts_rate": size / fts.build_seconds,
            "fts_disk_mb": fts_disk / 1e6,
        }

        def pick(items: list) -> Callable[[], object]:
            return lambda: rng.choice(items)

        word, words, typo = pick(ONE_WORD), pick(THREE_WORDS), pick(TYPOS)
        town, domain = pick(towns), pick(domains)
        ours: dict[str, Callable[[], object]] = {
            "one word": lambda: index.search(SearchRequest(q=word())),
            "three words": lambda: index.search(SearchRequest(q=words())),
            "words+domain+town": lambda: index.search(
                SearchRequest(q=word(), domains=(domain(),), municipality=town().nis)
            ),
            "facets": lambda: index.search(SearchRequest(q=word(), municipality=town().nis)),
            "typo": lambda: index.search(SearchRequest(q=typo())),
            "filter only": lambda: index.search(
                SearchRequest(domains=(domain(),), municipality=town().nis)
            ),
            "geo": lambda: index.search(
                SearchRequest(
                    near=(lambda t: (t.lat, t.lon))(town()), radius_km=10, sort="distance"
                )
            ),
        }
        theirs: dict[str, Callable[[], object]] = {
            "one word": lambda: fts.text(word()),
            "three words": lambda: fts.text(words()),
            "words+domain+town": lambda: fts.filtered(word(), domain(), town().nis),
            "facets": lambda: fts.facets(word(), town().nis),
            "typo": lambda: fts.text(typo(), prefix=True),
            "filter only": lambda: fts.filter_only(domain(), town().nis),
            "geo": lambda: (lambda t: fts.geo(t.lat, t.lon, 10))(town()),
        }
        for kind in KINDS:
            mine, ref = timed(ours[kind], runs), timed(theirs[kind], runs)
            row[kind] = (statistics.median(mine), p95(mine), statistics.median(ref), p95(ref))
        updates = []
        for i in range(max(20, runs // 10)):
            record = next(generate(1, towns, seed=SEED + size + i))
            record["name"] = f"Bijgewerkte dienst {i}"
            start = time.perf_counter()
            index.upsert([record])
            found = index.search(SearchRequest(q=f"bijgewerkte {record['name'].split()[1]}"))
            updates.append((time.perf_counter() - start) * 1000)
            assert found.total >= 1
        row["update"] = (statistics.median(updates), p95(updates))
        index.close()
        fts.db.close()
        out.append(row)
        report(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(rows: list[dict]) -> None:
    print()
    print("Build")
    print(f"{'size':>8} {'ours s':>8} {'ours /s':>8} {'MB':>7} {'FTS5 /s':>9} {'FTS5 MB':>8}")
    for r in rows:
        print(
            f"{r['size']:>8} {r['build_s']:>8.1f} {r['rate']:>8.0f} {r['disk_mb']:>7.1f} "
            f"{r['fts_rate']:>9.0f} {r['fts_disk_mb']:>8.1f}"
        )
    print()
    print("Query latency, ms: ours median / p95, FTS5 median / p95, ratio of p95 (ours / FTS5)")
    for r in rows:
        print(f"-- {r['size']} services")
        for kind in KINDS:
            m, p, fm, fp = r[kind]
            print(
                f"   {kind:<18} {m:7.1f} / {p:6.1f}   FTS5 {fm:6.2f} / {fp:6.2f}   x{p / fp:6.1f}"
            )
        m, p = r["update"]
        print(f"   {'update+searchable':<18} {m:7.1f} / {p:6.1f}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200, help="queries per kind (>= 200)")
    args = parser.parse_args()
    towns = default_gazetteer().municipalities()
    rows: list[dict] = []
    for size in (int(s) for s in args.sizes.split(",")):
        bench_size(size, max(1, args.queries), towns, rows)


if __name__ == "__main__":
    main()
