"""Paired comparison of two runs on the pairs they share: is the difference noise?

Two runs are compared pair by pair (joined on id): the accuracy difference gets a paired
bootstrap interval (both runs see the same resamples) and McNemar's exact test on the
discordant pairs. A difference is called significant only when the interval excludes zero
and p < alpha; the verdict line says so in words.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from bench import metrics
from bench.results import DEFAULT_BOOTSTRAP, GROUP_FIELDS, BootstrapConfig


@dataclass(frozen=True)
class Difference:
    """B minus A on one group of shared pairs."""

    group: str
    pairs: int
    accuracy_a: float
    accuracy_b: float
    difference: float
    ci: tuple[float, float]
    mcnemar: metrics.McNemar
    significant: bool


@dataclass
class RunComparison:
    name_a: str
    name_b: str
    shared: int
    only_a: list[str]
    only_b: list[str]
    overall: Difference
    groups: dict[str, list[Difference]] = field(default_factory=dict)
    alpha: float = 0.05

    def verdict(self) -> str:
        d = self.overall
        lo, hi = d.ci
        direction = "better" if d.difference > 0 else "worse"
        if d.significant:
            return (
                f"{self.name_b} is {direction} than {self.name_a} by {abs(d.difference):.2%} "
                f"(95% CI {lo:+.2%} to {hi:+.2%}, McNemar p={d.mcnemar.p_value:.3g})"
            )
        return (
            f"no significant difference: {d.difference:+.2%} (95% CI {lo:+.2%} to {hi:+.2%}, "
            f"McNemar p={d.mcnemar.p_value:.3g}) is within noise on {self.shared} shared pairs"
        )


def _difference(
    group: str, correct: np.ndarray, key: str, bootstrap: BootstrapConfig, alpha: float
) -> Difference:
    samples = metrics.bootstrap_accuracies(correct, key, bootstrap.n_resamples, bootstrap.seed)
    lo, hi = metrics.percentile_interval(samples[1] - samples[0], bootstrap.level)
    test = metrics.mcnemar(correct[0], correct[1])
    accuracy_a, accuracy_b = (float(x) for x in correct.mean(axis=1))
    excludes_zero = lo > 0 or hi < 0
    return Difference(
        group,
        int(correct.shape[1]),
        accuracy_a,
        accuracy_b,
        accuracy_b - accuracy_a,
        (float(lo), float(hi)),
        test,
        bool(excludes_zero and test.p_value < alpha),
    )


def compare_runs(
    a: pl.DataFrame,
    b: pl.DataFrame,
    name_a: str = "A",
    name_b: str = "B",
    bootstrap: BootstrapConfig = DEFAULT_BOOTSTRAP,
    alpha: float = 0.05,
) -> RunComparison:
    """Compare two prepared scores tables (see :func:`bench.evaluate.prepare_scores`)."""
    joined = (
        a.select("id", "aspect", "language", "subset", "chosen_score", "rejected_score")
        .join(b.select("id", "chosen_score", "rejected_score"), on="id", how="inner", suffix="_b")
        .sort("id")
    )
    if joined.height == 0:
        raise ValueError(f"{name_a} and {name_b} share no pair id")
    only_a = sorted(set(a["id"].to_list()) - set(joined["id"].to_list()))
    only_b = sorted(set(b["id"].to_list()) - set(joined["id"].to_list()))
    correct = np.stack(
        [
            metrics.correct_mask(
                joined["chosen_score"].to_numpy(), joined["rejected_score"].to_numpy()
            ),
            metrics.correct_mask(
                joined["chosen_score_b"].to_numpy(), joined["rejected_score_b"].to_numpy()
            ),
        ]
    )
    result = RunComparison(
        name_a,
        name_b,
        joined.height,
        only_a,
        only_b,
        _difference("overall", correct, "overall", bootstrap, alpha),
        alpha=alpha,
    )
    for column, key in GROUP_FIELDS:
        names, codes = metrics.encode_groups(joined[column])
        result.groups[key] = [
            _difference(name, correct[:, codes == g], f"{column}:{name}", bootstrap, alpha)
            for g, name in enumerate(names)
        ]
    return result
