"""Accuracy, score-difference statistics and bootstrap intervals, as pure array functions.

The CRB rule is applied here and nowhere else: a pair is correct only when its chosen score
is strictly greater than its rejected score. A tie is wrong, and a missing score (null/NaN)
is wrong and stays in the denominator. Everything is vectorised over pairs and, for the
bootstrap, over runs and resamples at once (one matrix product per group), because the
report aggregates tens of runs with a thousand resamples each.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np
import polars as pl


def correct_mask(chosen: np.ndarray, rejected: np.ndarray) -> np.ndarray:
    """``chosen > rejected`` elementwise; NaN on either side compares False (wrong)."""
    with np.errstate(invalid="ignore"):
        return np.greater(np.asarray(chosen, dtype=np.float64), np.asarray(rejected, np.float64))


def tie_mask(chosen: np.ndarray, rejected: np.ndarray) -> np.ndarray:
    """Pairs whose two scores are both present and equal: wrong under the CRB rule."""
    with np.errstate(invalid="ignore"):
        return np.equal(np.asarray(chosen, dtype=np.float64), np.asarray(rejected, np.float64))


def round4(value: float | None) -> float | None:
    """Round the way the published evaluator does: Python's ``round(x, 4)``.

    ``round`` is correctly rounded on the binary value, so an exact binary half such as
    4/128 = 0.03125 goes to even (0.0312), unlike ``numpy.round`` or half-up rounding.
    NaN (e.g. the std of a single value) becomes ``None`` so the JSON stays valid.
    """
    if value is None or math.isnan(value):
        return None
    return round(float(value), 4)


@dataclass(frozen=True)
class DiffStats:
    """Mean, median and sample std (ddof=1, as pandas computes it) of score differences."""

    mean: float
    median: float
    std: float


def diff_stats(diffs: np.ndarray) -> DiffStats:
    """Statistics over the finite differences; NaN entries are skipped like pandas does."""
    values = np.asarray(diffs, dtype=np.float64)
    values = values[~np.isnan(values)]
    if values.size == 0:
        return DiffStats(math.nan, math.nan, math.nan)
    std = float(values.std(ddof=1)) if values.size > 1 else math.nan
    return DiffStats(float(values.mean()), float(np.median(values)), std)


@dataclass(frozen=True)
class GroupCounts:
    """Correct and total counts per group, groups in sorted order (as pandas groupby)."""

    names: tuple[str, ...]
    correct: np.ndarray
    count: np.ndarray

    @property
    def accuracy(self) -> np.ndarray:
        return self.correct / self.count


def encode_groups(values: np.ndarray | pl.Series) -> tuple[tuple[str, ...], np.ndarray]:
    """Sorted distinct group names and each row's index into them (polars: string sorting
    in numpy goes through Python objects and dominates the aggregation of many runs)."""
    series = pl.Series("group", values, dtype=pl.String)
    names = series.unique().sort()
    codes = series.replace_strict(
        names, pl.int_range(names.len(), eager=True), return_dtype=pl.Int64
    )
    return tuple(names.to_list()), codes.to_numpy()


def group_counts(correct: np.ndarray, values: np.ndarray | pl.Series) -> GroupCounts:
    names, codes = encode_groups(values)
    hits = np.bincount(codes, weights=correct.astype(np.float64), minlength=len(names))
    totals = np.bincount(codes, minlength=len(names))
    return GroupCounts(names, hits.astype(np.int64), totals.astype(np.int64))


def _group_seed(seed: int, key: str) -> list[int]:
    """A resample stream per (seed, group): a group's interval does not change when other
    groups are filtered out or added, and two runs scored together share their draws."""
    return [seed, zlib.crc32(key.encode())]


def resample_weights(n: int, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """How often each of ``n`` items is drawn in each resample, shape (resamples, n).

    Multinomial draws turned into counts with one ``bincount`` over row-offset indices, so
    a resampled mean is a matrix product instead of a Python loop over resamples.
    """
    draws = rng.integers(0, n, size=(n_resamples, n), dtype=np.int64)
    draws += (np.arange(n_resamples, dtype=np.int64) * n)[:, None]
    counts = np.bincount(draws.ravel(), minlength=n_resamples * n)
    return counts.reshape(n_resamples, n).astype(np.float32)


def bootstrap_accuracies(
    correct: np.ndarray, key: str, n_resamples: int = 1000, seed: int = 0
) -> np.ndarray:
    """Resampled accuracies of one group for several runs at once: (runs, resamples).

    ``correct`` is (runs, pairs) over the *same* pairs in the same order, so run
    differences computed from the output are paired bootstrap differences.
    """
    matrix = np.atleast_2d(np.asarray(correct))
    n = matrix.shape[1]
    if n == 0:
        return np.full((matrix.shape[0], n_resamples), np.nan)
    rng = np.random.default_rng(_group_seed(seed, key))
    hits = np.empty((n_resamples, matrix.shape[0]), dtype=np.float32)
    transposed = matrix.astype(np.float32).T
    # Resamples in blocks of ~2M draws bound the memory; the generator's stream, and so
    # every draw, is the same as in one block. Counts and hits stay below 2**24, so their
    # float32 sums are exact integers; (resamples, n) @ (n, runs) is the fast BLAS layout.
    step = max(1, _BLOCK_DRAWS // n)
    for start in range(0, n_resamples, step):
        size = min(step, n_resamples - start)
        hits[start : start + size] = resample_weights(n, size, rng) @ transposed
    return hits.T.astype(np.float64) / n


_BLOCK_DRAWS = 1 << 21


def percentile_interval(samples: np.ndarray, level: float = 0.95) -> np.ndarray:
    """Percentile bootstrap interval along the last axis: (..., 2)."""
    tail = (1.0 - level) / 2.0 * 100.0
    return np.moveaxis(np.percentile(samples, [tail, 100.0 - tail], axis=-1), 0, -1)


@dataclass(frozen=True)
class GroupIntervals:
    """95% (by default) bootstrap intervals per run and group: ``bounds`` is (runs, G, 2)."""

    names: tuple[str, ...]
    bounds: np.ndarray


def grouped_intervals(
    correct: np.ndarray,
    values: np.ndarray | pl.Series,
    field: str,
    n_resamples: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> GroupIntervals:
    """Bootstrap intervals of every group's accuracy, resampling pairs within each group.

    One weight matrix and one matrix product per group serve all runs together.
    """
    matrix = np.atleast_2d(np.asarray(correct))
    names, codes = encode_groups(values)
    bounds = np.empty((matrix.shape[0], len(names), 2))
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(len(names) + 1))
    for g, name in enumerate(names):
        members = order[starts[g] : starts[g + 1]]
        samples = bootstrap_accuracies(matrix[:, members], f"{field}:{name}", n_resamples, seed)
        bounds[:, g, :] = percentile_interval(samples, level)
    return GroupIntervals(names, bounds)


@dataclass(frozen=True)
class McNemar:
    """McNemar's test on paired outcomes: ``only_a`` pairs A gets right and B wrong, and
    ``only_b`` the reverse. The p-value is the exact two-sided binomial one (valid for any
    count); ``statistic`` is the continuity-corrected chi-square for reference."""

    only_a: int
    only_b: int
    statistic: float
    p_value: float


def mcnemar(correct_a: np.ndarray, correct_b: np.ndarray) -> McNemar:
    from scipy.stats import binom

    a = np.asarray(correct_a, dtype=bool)
    b = np.asarray(correct_b, dtype=bool)
    only_a = int(np.count_nonzero(a & ~b))
    only_b = int(np.count_nonzero(~a & b))
    discordant = only_a + only_b
    if discordant == 0:
        return McNemar(0, 0, 0.0, 1.0)
    statistic = (abs(only_a - only_b) - 1) ** 2 / discordant
    p_value = min(1.0, 2.0 * float(binom.cdf(min(only_a, only_b), discordant, 0.5)))
    return McNemar(only_a, only_b, float(statistic), p_value)
