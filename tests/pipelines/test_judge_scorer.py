"""The pairwise judge scorer against a real loopback OpenAI-compatible server."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl

from bench.evaluate import evaluate
from pipelines.judge_scorer import JudgeConfig, JudgeScorer


def test_judge_scores_both_orders_ties_and_failures(
    pairs: pl.DataFrame, judge_server, tmp_path: Path
) -> None:
    url, judge = judge_server
    table = pairs.head(8).with_columns(
        pl.when(pl.col("id") == "T_004")
        .then(pl.lit("GARBAGE task"))
        .when(pl.col("id") == "T_006")
        .then(pl.lit("EVEN task"))
        .otherwise(pl.col("prompt"))
        .alias("prompt")
    )
    before = judge.calls
    scorer = JudgeScorer(JudgeConfig(base_url=url, model="length-judge"), progress=False)
    scored = scorer.score(table)
    assert judge.calls - before == 2 * table.height  # both orders, one sample each
    # Even rows: chosen is longer, so the judge picks it in both orders; odd rows: rejected.
    assert scored.chosen.tolist()[:4] == [2.0, 0.0, 2.0, 0.0]
    assert scored.rejected.tolist()[:4] == [0.0, 2.0, 0.0, 2.0]
    assert np.isnan(scored.chosen[4]) and scored.flags["parse_failed"].tolist()[4]
    assert scored.flags["chosen_parse_failed"][4] and scored.flags["rejected_parse_failed"][4]
    assert scored.chosen[6] == scored.rejected[6] == 1.0  # TIE in both orders

    files = evaluate(table, scorer, tmp_path / "judge")
    results = json.loads(files.results.read_text())
    assert results["overall"]["correct_predictions"] == 2  # rows 0 and 2; 4 failed, 6 tied
    assert results["overall"]["total_parse_failures"] == 1 and results["parse_failures"] == 1
    run = json.loads(files.run.read_text())
    assert run["scorer"] == "judge" and "api_key" not in run
    assert run["judge_report"]["parse_errors"]
    extras = json.loads(files.extras.read_text())
    assert extras["ties"] == 1 and extras["parse_failed_pairs"] == 1
