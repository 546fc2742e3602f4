"""Paired comparison of runs: published runs, and differences that are or are not noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from bench.compare import compare_runs
from bench.results import BootstrapConfig, prepare_scores
from bench.run_dir import read_run, scores_table

FAST = BootstrapConfig(n_resamples=300)


def test_published_runs_differ_significantly(crb_runs: Path) -> None:
    themis = read_run(crb_runs / "Themis-RM-8B")
    internlm = read_run(crb_runs / "internlm2-20b-reward")
    result = compare_runs(internlm, themis, "internlm", "themis", FAST)
    assert result.shared == 8862 and len(result.only_b) == 4 and result.only_a == []
    d = result.overall
    assert d.significant and d.ci[0] > 0.1 and d.mcnemar.p_value < 1e-100
    themis_ids = set(themis["id"].to_list())
    shared_accuracy = (
        themis.filter(pl.col("id").is_in(internlm["id"].to_list()))
        .select((pl.col("chosen_score") > pl.col("rejected_score")).mean())
        .item()
    )
    assert d.accuracy_b == pytest.approx(shared_accuracy) and len(themis_ids) == 8866
    assert {g.group for g in result.groups["by_aspect"]} == {
        "Functional_Correctness",
        "Memory_Efficiency",
        "Readability_Maintainability",
        "Runtime_Efficiency",
        "Security_Hardness",
    }
    assert "better" in result.verdict()


def test_noise_is_called_noise(pairs: pl.DataFrame) -> None:
    big = pl.concat([pairs] * 10).with_columns(
        pl.format("N_{}", pl.int_range(pl.len())).alias("id")
    )
    rng = np.random.default_rng(0)
    truth = rng.random(big.height) < 0.7
    # B disagrees with A on 24 pairs: 12 that A gets right and 12 that A gets wrong.
    flip = np.zeros(big.height, dtype=bool)
    flip[np.flatnonzero(truth)[:12]] = flip[np.flatnonzero(~truth)[:12]] = True
    a = scores_table(big, truth.astype(float), np.zeros(big.height))
    b = scores_table(big, (truth ^ flip).astype(float), np.zeros(big.height))
    result = compare_runs(prepare_scores(a), prepare_scores(b), "a", "b", FAST)
    assert not result.overall.significant
    assert result.overall.ci[0] < 0 < result.overall.ci[1]
    assert result.overall.difference == 0 and result.overall.mcnemar.p_value == 1.0
    assert "no significant difference" in result.verdict()


def test_disjoint_runs_are_an_error(pairs: pl.DataFrame) -> None:
    a = prepare_scores(scores_table(pairs, np.ones(40), np.zeros(40)))
    b = a.with_columns(pl.format("X_{}", "id").alias("id"))
    with pytest.raises(ValueError, match="share no pair"):
        compare_runs(a, b)
