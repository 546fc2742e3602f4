"""The vectorised bootstrap equals the loop it replaces; McNemar matches scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binomtest

from bench import metrics


def test_weights_are_the_draws_of_a_loop() -> None:
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    weights = metrics.resample_weights(7, 4, rng_a)
    draws = rng_b.integers(0, 7, size=(4, 7))
    for row in range(4):
        assert np.array_equal(weights[row], np.bincount(draws[row], minlength=7))


def test_bootstrap_matches_a_python_loop() -> None:
    rng = np.random.default_rng(0)
    correct = rng.random((3, 50)) < np.array([[0.3], [0.6], [0.9]])
    fast = metrics.bootstrap_accuracies(correct, "overall", n_resamples=200, seed=1)
    loop_rng = np.random.default_rng(metrics._group_seed(1, "overall"))
    draws = loop_rng.integers(0, 50, size=(200, 50))
    slow = np.array([[row[d].mean() for d in draws] for row in correct])
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-12)
    interval = metrics.percentile_interval(fast)
    assert np.all(interval[:, 0] <= correct.mean(axis=1))
    assert np.all(correct.mean(axis=1) <= interval[:, 1])


def test_group_intervals_do_not_depend_on_other_groups() -> None:
    rng = np.random.default_rng(2)
    correct = rng.random(60) < 0.7
    groups = np.array(["a"] * 20 + ["b"] * 40)
    both = metrics.grouped_intervals(correct, groups, "aspect", n_resamples=300)
    only_a = metrics.grouped_intervals(correct[:20], groups[:20], "aspect", n_resamples=300)
    assert both.names == ("a", "b") and only_a.names == ("a",)
    assert np.array_equal(both.bounds[0, 0], only_a.bounds[0, 0])


def test_mcnemar_exact_p_value() -> None:
    a = np.array([True] * 30 + [False] * 10 + [True] * 50)
    b = np.array([False] * 30 + [True] * 10 + [True] * 50)
    test = metrics.mcnemar(a, b)
    assert (test.only_a, test.only_b) == (30, 10)
    assert test.p_value == pytest.approx(binomtest(10, 40, 0.5).pvalue, rel=1e-12)
    assert test.statistic == pytest.approx((20 - 1) ** 2 / 40)
    assert metrics.mcnemar(a, a).p_value == 1.0


def test_correct_and_tie_masks() -> None:
    chosen = np.array([1.0, 1.0, np.nan, 2.0])
    rejected = np.array([0.0, 1.0, 0.0, np.nan])
    assert metrics.correct_mask(chosen, rejected).tolist() == [True, False, False, False]
    assert metrics.tie_mask(chosen, rejected).tolist() == [False, True, False, False]
    assert metrics.round4(float("nan")) is None and metrics.round4(0.00015) == 0.0001


def test_blocks_of_resamples_draw_the_same_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    correct = np.random.default_rng(3).random((2, 50)) < 0.6
    whole = metrics.bootstrap_accuracies(correct, "g", n_resamples=101, seed=2)
    monkeypatch.setattr(metrics, "_BLOCK_DRAWS", 120)  # 2 resamples per block
    assert np.array_equal(metrics.bootstrap_accuracies(correct, "g", 101, seed=2), whole)
