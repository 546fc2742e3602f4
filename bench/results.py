"""The results maths: from a scores table to ``results.json`` (the published CRB run format)
and the extras.

A run directory holds ``scores.parquet`` (one row per pair), ``results.json`` byte-for-byte
in the published layout, ``extras.json`` (what the published numbers hide: macro averages,
bootstrap intervals, ties, parse failures that still counted as correct) and, for runs made
here, ``run.json`` (how the scores were produced).

Published runs record parse failures in one of two ways, and both are reproduced:
- *flags* (R3-style): boolean ``parse_failed`` / ``chosen_parse_failed`` /
  ``rejected_parse_failed`` columns. Failed pairs stay in every accuracy denominator but are
  left out of the score-difference statistics; ``results.json`` gains ``accuracy_valid_only``,
  ``valid_pairs``, ``total_parse_failures``, a pair-level ``parse_failure_rate`` and a
  top-level ``parse_failures``.
- *sentinel* (LMUnit-style): no flag columns; a failed response carries a sentinel score
  (0.0 on LMUnit's 1-5 scale). Failures are counted per response (rate over 2 x pairs) and
  the sentinel scores stay in every statistic, so a failed rejected response makes the pair
  count as correct; ``extras.json`` reports how many.
The sentinel cannot be read from the scores themselves, so it is an explicit option.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from bench import metrics
from curation.criteria import normalize_aspect
from curation.languages import normalize_language

SCORE_COLUMNS: tuple[str, ...] = ("id", "chosen_score", "rejected_score", "language", "aspect")
FLAG_COLUMNS: tuple[str, ...] = ("parse_failed", "chosen_parse_failed", "rejected_parse_failed")
GROUP_FIELDS: tuple[tuple[str, str], ...] = (
    ("aspect", "by_aspect"),
    ("language", "by_language"),
    ("subset", "by_subset"),
)


class ScoresError(ValueError):
    """A scores table that cannot be evaluated; the message names the file and rows."""


@dataclass(frozen=True)
class FailureRule:
    """How parse failures are marked in a scores table without flag columns.

    ``sentinel``: the score a failed response was given (LMUnit: 0.0); ``None`` means the
    table has no sentinel failures. Flag columns, when present, always take precedence.
    """

    sentinel: float | None = None


@dataclass(frozen=True)
class BootstrapConfig:
    """Percentile bootstrap over pairs, resampled within each group."""

    n_resamples: int = 1000
    seed: int = 0
    level: float = 0.95


DEFAULT_BOOTSTRAP = BootstrapConfig()


def prepare_scores(table: pl.DataFrame, name: str = "scores") -> pl.DataFrame:
    """Check and normalise a scores table (columns, ids, spellings) before evaluation.

    Missing scores are kept (they count as wrong); duplicate ids or unknown languages and
    aspects are errors naming the offending ids.
    """
    missing = [c for c in SCORE_COLUMNS if c not in table.columns]
    if missing:
        raise ScoresError(
            f"{name}: missing column(s) {', '.join(missing)}; a scores table needs "
            f"{', '.join(SCORE_COLUMNS)}"
        )
    if "subset" not in table.columns:
        table = table.with_columns(
            (pl.col("source") if "source" in table.columns else pl.lit("unknown")).alias("subset")
        )
    if table.height == 0:
        raise ScoresError(f"{name}: no rows to score, give a scores table with rows")
    for column in ("chosen_score", "rejected_score"):
        dtype = table.schema[column]
        if not (dtype.is_numeric() or dtype == pl.Null):
            raise ScoresError(
                f"{name}: column {column} holds {dtype}, not numbers; write the scores as floats"
            )
    duplicated = table.filter(pl.col("id").is_duplicated())["id"].unique().sort().to_list()
    if duplicated:
        raise ScoresError(f"{name}: duplicate pair id(s) {', '.join(map(str, duplicated[:10]))}")
    table = table.with_columns(
        pl.col("chosen_score").cast(pl.Float64),
        pl.col("rejected_score").cast(pl.Float64),
        pl.col("language").cast(pl.String),
        pl.col("aspect").cast(pl.String),
        pl.col("subset").cast(pl.String),
        pl.col("id").cast(pl.String),
    )
    for column in ("id", "subset"):
        if table[column].null_count():
            rows = table.with_row_index("row").filter(pl.col(column).is_null())["row"].head(10)
            raise ScoresError(f"{name}: {column} is missing in row(s) {rows.to_list()}")
    for column, normalize in (("language", normalize_language), ("aspect", normalize_aspect)):
        mapping = {}
        for value in table[column].unique().to_list():
            if value is None:
                ids = table.filter(pl.col(column).is_null())["id"].head(10).to_list()
                raise ScoresError(f"{name}: {column} is missing for id(s) {', '.join(ids)}")
            try:
                mapping[value] = normalize(value)
            except ValueError as error:
                ids = table.filter(pl.col(column) == value)["id"].head(10).to_list()
                raise ScoresError(f"{name}: {error} (id(s) {', '.join(ids)})") from error
        if any(k != v for k, v in mapping.items()):
            table = table.with_columns(pl.col(column).replace_strict(mapping))
    return table


def _layout(table: pl.DataFrame, rule: FailureRule) -> str:
    if "parse_failed" in table.columns:
        return "flags"
    return "sentinel" if rule.sentinel is not None else "none"


def _parse_failed_pairs(table: pl.DataFrame, rule: FailureRule) -> np.ndarray:
    layout = _layout(table, rule)
    if layout == "flags":
        return table["parse_failed"].fill_null(True).to_numpy().astype(bool)
    if layout == "sentinel":
        chosen = table["chosen_score"].to_numpy()
        rejected = table["rejected_score"].to_numpy()
        return (chosen == rule.sentinel) | (rejected == rule.sentinel)
    return np.zeros(table.height, dtype=bool)


def crb_results(table: pl.DataFrame, rule: FailureRule = FailureRule()) -> dict[str, Any]:
    """The published ``results.json`` content for a (prepared) scores table.

    Key order, rounding (Python ``round`` to 4 places), sample std (ddof=1) and group order
    (sorted names) follow the published evaluator so that the file is byte-identical.
    """
    chosen = table["chosen_score"].to_numpy().astype(np.float64)
    rejected = table["rejected_score"].to_numpy().astype(np.float64)
    correct = metrics.correct_mask(chosen, rejected)
    diffs = chosen - rejected
    total = table.height
    hits = int(correct.sum())
    layout = _layout(table, rule)
    r = metrics.round4

    overall: dict[str, Any] = {"accuracy": r(hits / total) if total else None}
    if layout == "flags":
        failed = _parse_failed_pairs(table, rule)
        valid = int((~failed).sum())
        overall["accuracy_valid_only"] = r(int(correct[~failed].sum()) / valid) if valid else None
        stats = metrics.diff_stats(diffs[~failed])
    else:
        stats = metrics.diff_stats(diffs)
    overall["total_examples"] = total
    overall["correct_predictions"] = hits
    if layout == "sentinel":
        failures = int((chosen == rule.sentinel).sum() + (rejected == rule.sentinel).sum())
        overall["parse_failures"] = failures
        overall["parse_failure_rate"] = r(failures / (2 * total)) if total else None
    overall["mean_score_difference"] = r(stats.mean)
    overall["median_score_difference"] = r(stats.median)
    overall["std_score_difference"] = r(stats.std)
    if layout == "flags":
        overall["valid_pairs"] = valid
        overall["total_parse_failures"] = total - valid
        overall["parse_failure_rate"] = r((total - valid) / total) if total else None

    results: dict[str, Any] = {"overall": overall}
    for field, key in GROUP_FIELDS:
        counts = metrics.group_counts(correct, table[field])
        results[key] = {
            name: {
                "accuracy": r(counts.correct[i] / counts.count[i]),
                "count": int(counts.count[i]),
            }
            for i, name in enumerate(counts.names)
        }
    if layout == "flags":
        results["parse_failures"] = total - valid
    return results


def results_json(results: Mapping[str, Any]) -> str:
    """Serialised exactly as the published files: two-space indent, no trailing newline."""
    return json.dumps(results, indent=2)


def _interval(bounds: np.ndarray) -> list[float | None]:
    return [metrics.round4(float(bounds[0])), metrics.round4(float(bounds[1]))]


def extras_for_runs(
    tables: Sequence[pl.DataFrame],
    rule: FailureRule = FailureRule(),
    bootstrap: BootstrapConfig = BootstrapConfig(),
) -> list[dict[str, Any]]:
    """``extras.json`` for several runs; runs over the same pairs share one bootstrap pass.

    Runs are aligned on sorted pair ids, so all runs over the same ids see the same
    resamples (paired), and one matrix product per group serves all of them.
    """
    out: list[dict[str, Any] | None] = [None] * len(tables)
    batches: dict[tuple[str, ...], list[int]] = {}
    sorted_tables = [t.sort("id") for t in tables]
    for index, table in enumerate(sorted_tables):
        batches.setdefault(tuple(table["id"].to_list()), []).append(index)
    for members in batches.values():
        first = sorted_tables[members[0]]
        correct = np.stack(
            [
                metrics.correct_mask(
                    sorted_tables[i]["chosen_score"].to_numpy(),
                    sorted_tables[i]["rejected_score"].to_numpy(),
                )
                for i in members
            ]
        )
        overall_ci = metrics.percentile_interval(
            metrics.bootstrap_accuracies(correct, "overall", bootstrap.n_resamples, bootstrap.seed),
            bootstrap.level,
        )
        group_cis = {
            key: metrics.grouped_intervals(
                correct,
                first[field],
                field,
                bootstrap.n_resamples,
                bootstrap.seed,
                bootstrap.level,
            )
            for field, key in GROUP_FIELDS
        }
        for row, index in enumerate(members):
            out[index] = _extras(
                sorted_tables[index], correct[row], overall_ci[row], group_cis, row, rule, bootstrap
            )
    return [e for e in out if e is not None]


def _extras(
    table: pl.DataFrame,
    correct: np.ndarray,
    overall_ci: np.ndarray,
    group_cis: Mapping[str, metrics.GroupIntervals],
    row: int,
    rule: FailureRule,
    bootstrap: BootstrapConfig,
) -> dict[str, Any]:
    r = metrics.round4
    chosen = table["chosen_score"].to_numpy().astype(np.float64)
    rejected = table["rejected_score"].to_numpy().astype(np.float64)
    ties = metrics.tie_mask(chosen, rejected)
    failed = _parse_failed_pairs(table, rule)
    missing = np.isnan(chosen) | np.isnan(rejected)
    total = table.height
    extras: dict[str, Any] = {
        "pairs": total,
        "ties": int(ties.sum()),
        "missing_scores": int(missing.sum()),
        "parse_failed_pairs": int(failed.sum()),
        "correct_despite_parse_failure": int((correct & failed).sum()),
        "accuracy_ties_as_half": r((correct.sum() + 0.5 * ties.sum()) / total) if total else None,
    }
    if "correct" in table.columns:
        published = table["correct"].fill_null(False).to_numpy().astype(bool)
        extras["correct_column_disagreements"] = int((published != correct).sum())
    macro: dict[str, float | None] = {}
    ci: dict[str, Any] = {
        "level": bootstrap.level,
        "n_resamples": bootstrap.n_resamples,
        "seed": bootstrap.seed,
        "method": "percentile bootstrap; pairs resampled within each group",
        "overall": _interval(overall_ci),
    }
    for field, key in GROUP_FIELDS:
        counts = metrics.group_counts(correct, table[field])
        macro[key] = r(float(np.mean(counts.accuracy))) if counts.names else None
        intervals = group_cis[key]
        ci[key] = {
            name: _interval(intervals.bounds[row, g]) for g, name in enumerate(intervals.names)
        }
    extras["macro_accuracy"] = macro
    extras["ci"] = ci
    return extras
