"""Evaluation: metrics on hand-made rankings, the report, and the dev set target."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer import SearchIndex
from indexer.evaluation import (
    EvalReport,
    evaluate,
    format_report,
    load_judgments,
    run_eval,
    score_ranking,
)
from tests.indexer.conftest import CATALOGUE, by_name

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev" / "queries.yaml"


@pytest.mark.parametrize(
    ("ranking", "grades", "ndcg", "recall", "mrr"),
    [
        (["a", "b"], {"a": 3, "b": 1}, 1.0, 1.0, 1.0),
        (["b", "a"], {"a": 3, "b": 1}, (1 + 7 / 1.5849625) / (7 + 1 / 1.5849625), 1.0, 1.0),
        (["x", "a"], {"a": 2}, 1 / 1.5849625, 1.0, 0.5),
        (["x", "y"], {"a": 2}, 0.0, 0.0, 0.0),
        ([], {"a": 1, "b": 1}, 0.0, 0.0, 0.0),
        (["a"], {"a": 1, "b": 1}, 1 / (1 + 1 / 1.5849625), 0.5, 1.0),
    ],
)
def test_score_ranking(ranking, grades, ndcg, recall, mrr) -> None:
    scores = score_ranking(ranking, grades)
    assert scores.ndcg == pytest.approx(ndcg, abs=1e-6)
    assert scores.recall == pytest.approx(recall) and scores.mrr == pytest.approx(mrr)


def test_only_the_top_ten_count() -> None:
    ranking = [f"x{i}" for i in range(10)] + ["a"]
    assert score_ranking(ranking, {"a": 3}).ndcg == 0.0


def test_evaluate_and_format(tmp_path: Path) -> None:
    queries = tmp_path / "queries.yaml"
    target = by_name("Nachtopvang De Haven")["id"]
    queries.write_text(
        f"- id: t1\n  query: dakloos\n  municipality: Izegem\n  judgments:\n    {target}: 3\n"
        f"- id: t2\n  query: homeless\n  judgments:\n    {target}: 3\n",
        encoding="utf-8",
    )
    report = evaluate(SearchIndex.open_or_create, CATALOGUE, load_judgments(queries))
    assert isinstance(report, EvalReport) and len(report.queries) == 2
    assert report.ours.ndcg == 1.0 and report.ours.mrr == 1.0
    assert report.baseline.ndcg == 0.0  # a plain analyzer knows neither word
    text = format_report(report)
    assert "t1 dakloos [Izegem]" in text
    assert text.splitlines()[-1].startswith("overall (2 queries)")


@pytest.mark.skipif(not DEV.exists(), reason="shared dev set not present")
def test_dev_set_target() -> None:
    report = run_eval(DEV)
    assert report.ours.ndcg >= 0.85
    assert report.ours.ndcg - report.baseline.ndcg >= 0.15
