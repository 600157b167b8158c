"""Search quality on judged queries: nDCG@10, recall@10 and MRR for our search and a plain baseline.

The baseline is Whoosh out of the box (StandardAnalyzer over name and description, OR of the
words, no filters), built in the same run over the same services, so the two are comparable.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from whoosh import index as windex
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup

from indexer.engine import SearchIndex
from indexer.model import SearchRequest

K = 10
# A judged grade of at least this counts as relevant for recall and MRR (nDCG uses the grades).
RELEVANT = 1


@dataclass(frozen=True)
class Judgment:
    """One judged query, as in the queries YAML file."""

    id: str
    query: str
    municipality: str | None
    domain: str | None
    age: int | None
    grades: dict[str, int]


@dataclass(frozen=True)
class Scores:
    ndcg: float
    recall: float
    mrr: float


@dataclass(frozen=True)
class QueryResult:
    """Figures for one query: ours and the baseline, with our top ids for inspection."""

    judgment: Judgment
    ours: Scores
    baseline: Scores
    top: tuple[str, ...]


@dataclass(frozen=True)
class EvalReport:
    queries: tuple[QueryResult, ...]
    ours: Scores
    baseline: Scores


def load_judgments(path: Path) -> list[Judgment]:
    """Read a queries YAML file (id, query, optional municipality/domain/age, judgments)."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    return [
        Judgment(
            id=str(e["id"]),
            query=str(e.get("query") or ""),
            municipality=e.get("municipality"),
            domain=e.get("domain"),
            age=e.get("age"),
            grades={str(k): int(v) for k, v in (e.get("judgments") or {}).items()},
        )
        for e in entries
    ]


def score_ranking(ranking: list[str], grades: dict[str, int], k: int = K) -> Scores:
    """nDCG@k (gain 2^grade - 1), recall@k and reciprocal rank of the first relevant result."""
    top = ranking[:k]
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(top))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    relevant = {d for d, g in grades.items() if g >= RELEVANT}
    found = sum(1 for d in top if d in relevant)
    rank = next((i + 1 for i, d in enumerate(ranking) if d in relevant), None)
    return Scores(
        ndcg=dcg / idcg if idcg else 0.0,
        recall=found / len(relevant) if relevant else 0.0,
        mrr=1.0 / rank if rank else 0.0,
    )


def _mean(scores: list[Scores]) -> Scores:
    n = max(1, len(scores))
    return Scores(
        sum(s.ndcg for s in scores) / n,
        sum(s.recall for s in scores) / n,
        sum(s.mrr for s in scores) / n,
    )


class BaselineIndex:
    """Plain Whoosh: StandardAnalyzer on name + description, OR of the words, text only."""

    def __init__(self, folder: Path, services: Iterable[dict]) -> None:
        schema = Schema(
            id=ID(stored=True, unique=True),
            name=TEXT(analyzer=StandardAnalyzer()),
            description=TEXT(analyzer=StandardAnalyzer()),
        )
        self.ix = windex.create_in(str(folder), schema)
        with self.ix.writer() as writer:
            for s in services:
                writer.add_document(
                    id=s["id"], name=s.get("name") or "", description=s.get("description") or ""
                )
        self.parser = MultifieldParser(["name", "description"], schema, group=OrGroup)

    def ranking(self, text: str, k: int = K) -> list[str]:
        with self.ix.searcher() as searcher:
            hits = searcher.search(self.parser.parse(text), limit=k)
            return [hit["id"] for hit in hits]


def _our_ranking(index: SearchIndex, judgment: Judgment, k: int = K) -> list[str]:
    request = SearchRequest(
        q=judgment.query,
        municipality=judgment.municipality,
        domains=(judgment.domain,) if judgment.domain else (),
        age=judgment.age,
        per_page=k,
    )
    return [hit.id for hit in index.search(request).hits]


def evaluate(
    index_factory: Callable[[Path], SearchIndex],
    services: list[dict],
    queries: list[Judgment],
) -> EvalReport:
    """Index `services` with ours (via index_factory) and the baseline, and score every query."""
    with tempfile.TemporaryDirectory(prefix="socialekaart-eval-") as tmp:
        ours = index_factory(Path(tmp) / "ours")
        ours.rebuild(services)
        baseline_dir = Path(tmp) / "baseline"
        baseline_dir.mkdir()
        baseline = BaselineIndex(baseline_dir, services)
        rows = []
        for judgment in queries:
            ranking = _our_ranking(ours, judgment)
            rows.append(
                QueryResult(
                    judgment=judgment,
                    ours=score_ranking(ranking, judgment.grades),
                    baseline=score_ranking(baseline.ranking(judgment.query), judgment.grades),
                    top=tuple(ranking),
                )
            )
        ours.close()
        baseline.ix.close()
    return EvalReport(
        queries=tuple(rows),
        ours=_mean([r.ours for r in rows]),
        baseline=_mean([r.baseline for r in rows]),
    )


def format_report(report: EvalReport) -> str:
    """A fixed-width table: one line per query, then the overall means (ours vs baseline)."""
    header = f"{'query':<42} {'nDCG@10':>15} {'recall@10':>15} {'MRR':>15}"
    lines = [header, f"{'':<42} {'ours  base':>15} {'ours  base':>15} {'ours  base':>15}"]
    for row in report.queries:
        j = row.judgment
        label = j.query + (f" [{j.municipality}]" if j.municipality else "")
        label = f"{j.id} {label}"[:42]
        lines.append(
            f"{label:<42} {_pair(row.ours.ndcg, row.baseline.ndcg)} "
            f"{_pair(row.ours.recall, row.baseline.recall)} "
            f"{_pair(row.ours.mrr, row.baseline.mrr)}"
        )
    lines.append("-" * len(header))
    lines.append(
        f"{'overall (' + str(len(report.queries)) + ' queries)':<42} "
        f"{_pair(report.ours.ndcg, report.baseline.ndcg)} "
        f"{_pair(report.ours.recall, report.baseline.recall)} "
        f"{_pair(report.ours.mrr, report.baseline.mrr)}"
    )
    return "\n".join(lines)


def _pair(ours: float, baseline: float) -> str:
    return f"{ours:7.3f} {baseline:7.3f}"


def run_eval(queries_path: Path, catalogue_path: Path | None = None) -> EvalReport:
    """Evaluate a queries file against its catalogue (default: catalogue.hsds.json beside it)."""
    queries_path = Path(queries_path)
    catalogue_path = Path(catalogue_path or queries_path.with_name("catalogue.hsds.json"))
    services = json.loads(catalogue_path.read_text(encoding="utf-8"))
    return evaluate(SearchIndex.open_or_create, services, load_judgments(queries_path))
