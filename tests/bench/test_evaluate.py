"""Conformance with the published CRB runs, and the extras that they do not report."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from bench.results import (
    FailureRule,
    ScoresError,
    crb_results,
    extras_for_runs,
    prepare_scores,
    results_json,
)
from bench.run_dir import rescore, scores_table

RUNS = (
    "Athene-RM-70B",
    "LMUnit-qwen2.5-72b",
    "R3-Qwen3-4B-14k",
    "SkyworkV2-Qwen-0.6B",
    "Themis-RM-8B",
    "internlm2-20b-reward",
)
SENTINELS = {"LMUnit-qwen2.5-72b": 0.0}


@pytest.mark.parametrize("run", RUNS)
def test_recomputed_results_are_byte_identical(crb_runs: Path, run: str) -> None:
    published = (crb_runs / run / "results.json").read_text()
    table = prepare_scores(pl.read_parquet(crb_runs / run / "scores.parquet"))
    # The published 'correct' column is ignored: correctness is recomputed from the scores.
    table = table.drop("correct", "score_diff")
    results = crb_results(table, FailureRule(SENTINELS.get(run)))
    assert results == json.loads(published)
    assert results_json(results) == published


def test_quirks_of_published_runs(crb_runs: Path) -> None:
    lmunit = crb_results(
        prepare_scores(pl.read_parquet(crb_runs / "LMUnit-qwen2.5-72b" / "scores.parquet")),
        FailureRule(0.0),
    )
    assert lmunit["overall"]["parse_failures"] == 413
    r3 = crb_results(prepare_scores(pl.read_parquet(crb_runs / "R3-Qwen3-4B-14k/scores.parquet")))
    assert r3["overall"]["valid_pairs"] == 8578 and r3["parse_failures"] == 288
    internlm = crb_results(
        prepare_scores(pl.read_parquet(crb_runs / "internlm2-20b-reward" / "scores.parquet"))
    )
    assert internlm["overall"]["total_examples"] == 8862
    # Without the sentinel the LMUnit file has no failure fields, so it is not conformant.
    plain = crb_results(
        prepare_scores(pl.read_parquet(crb_runs / "LMUnit-qwen2.5-72b" / "scores.parquet"))
    )
    assert "parse_failures" not in plain["overall"]


def test_extras_report_what_results_hide(crb_runs: Path) -> None:
    tables = [
        prepare_scores(pl.read_parquet(crb_runs / run / "scores.parquet"))
        for run in ("LMUnit-qwen2.5-72b", "Themis-RM-8B")
    ]
    lmunit, themis = extras_for_runs(tables, FailureRule(0.0))
    assert lmunit["ties"] == 5961
    # 98 pairs whose rejected response failed to parse (score 0) still count as correct.
    assert lmunit["correct_despite_parse_failure"] == 98
    assert lmunit["correct_column_disagreements"] == 0
    assert themis["ties"] == 0 and themis["missing_scores"] == 0
    lo, hi = themis["ci"]["overall"]
    assert lo < 0.8978 < hi and hi - lo < 0.02
    runtime = themis["ci"]["by_aspect"]["Runtime_Efficiency"]
    assert runtime[1] - runtime[0] > hi - lo  # a smaller group has a wider interval
    published = json.loads((crb_runs / "Themis-RM-8B" / "results.json").read_text())
    accuracies = [v["accuracy"] for v in published["by_aspect"].values()]
    assert themis["macro_accuracy"]["by_aspect"] == pytest.approx(np.mean(accuracies), abs=1e-4)


def test_missing_scores_and_ties_are_wrong(pairs: pl.DataFrame) -> None:
    chosen = np.array([2.0, 1.0, np.nan, 1.0] + [1.0] * (pairs.height - 4))
    rejected = np.array([1.0, 1.0, 0.0, np.nan] + [0.0] * (pairs.height - 4))
    table = scores_table(pairs, chosen, rejected)
    assert table["chosen_score"].null_count() == 1
    results = crb_results(prepare_scores(table))
    assert results["overall"]["correct_predictions"] == pairs.height - 3
    assert results["overall"]["total_examples"] == pairs.height
    (extras,) = extras_for_runs([prepare_scores(table)])
    assert extras["ties"] == 1 and extras["missing_scores"] == 2


def test_rounding_is_python_round_half_even_on_binary_value(pairs: pl.DataFrame) -> None:
    # 4 of 128 correct = 0.03125 exactly: Python's round gives 0.0312 (half-up would be 0.0313).
    rows = (
        pl.concat([pairs] * 4)
        .head(128)
        .with_columns(
            pl.format("P_{}", pl.int_range(pl.len())).alias("id"), pl.lit("S").alias("subset")
        )
    )
    chosen = np.zeros(128)
    chosen[:4] = 1.0
    results = crb_results(prepare_scores(scores_table(rows, chosen, np.zeros(128))))
    assert results["by_subset"]["S"]["accuracy"] == 0.0312
    assert math.isclose(results["overall"]["std_score_difference"], 0.1747, abs_tol=1e-12)


def test_bad_tables_name_the_rows(pairs: pl.DataFrame) -> None:
    table = scores_table(pairs, np.ones(pairs.height), np.zeros(pairs.height))
    with pytest.raises(ScoresError, match="duplicate pair id"):
        prepare_scores(pl.concat([table, table.head(1)]))
    broken = table.with_columns(
        pl.when(pl.col("id") == "T_003")
        .then(pl.lit("Klingon"))
        .otherwise("language")
        .alias("language")
    )
    with pytest.raises(ScoresError, match="T_003"):
        prepare_scores(broken)
    with pytest.raises(ScoresError, match="missing column"):
        prepare_scores(table.drop("aspect"))
    no_subset = table.with_columns(
        pl.when(pl.col("id") == "T_002").then(None).otherwise("subset").alias("subset")
    )
    with pytest.raises(ScoresError, match=r"subset is missing in row\(s\) \[2\]"):
        prepare_scores(no_subset)
    aliased = table.with_columns(pl.lit("C++").alias("language"))
    assert prepare_scores(aliased)["language"].unique().to_list() == ["Cpp"]


def test_rescore_writes_a_run(crb_runs: Path, tmp_path: Path) -> None:
    files = rescore(crb_runs / "R3-Qwen3-4B-14k" / "scores.parquet", tmp_path / "r3")
    published = (crb_runs / "R3-Qwen3-4B-14k" / "results.json").read_text()
    assert files.results.read_text() == published
    extras = json.loads(files.extras.read_text())
    assert extras["parse_failed_pairs"] == 288
    with pytest.raises(ScoresError, match="cannot read"):
        rescore(tmp_path / "nope.parquet", tmp_path / "x")
