"""The run-directory format: ``scores.parquet``, ``results.json``, ``extras.json`` and
``run.json`` side by side, written and read back here so every command agrees on it."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from bench import metrics
from bench.results import (
    FLAG_COLUMNS,
    BootstrapConfig,
    FailureRule,
    ScoresError,
    crb_results,
    extras_for_runs,
    prepare_scores,
    results_json,
)
from curation.run_fingerprint import replace_atomically


@dataclass(frozen=True)
class RunFiles:
    """Where a run's files live inside its directory."""

    directory: Path

    @property
    def scores(self) -> Path:
        return self.directory / "scores.parquet"

    @property
    def results(self) -> Path:
        return self.directory / "results.json"

    @property
    def extras(self) -> Path:
        return self.directory / "extras.json"

    @property
    def run(self) -> Path:
        return self.directory / "run.json"


def scores_table(
    pairs: pl.DataFrame,
    chosen: np.ndarray,
    rejected: np.ndarray,
    flags: Mapping[str, np.ndarray] | None = None,
) -> pl.DataFrame:
    """A ``scores.parquet`` table in the published column order from per-pair scores."""
    chosen = np.asarray(chosen, dtype=np.float64)
    rejected = np.asarray(rejected, dtype=np.float64)
    columns: dict[str, Any] = {
        "chosen_score": chosen,
        "rejected_score": rejected,
        "correct": metrics.correct_mask(chosen, rejected),
        "score_diff": chosen - rejected,
    }
    for name in FLAG_COLUMNS:
        if flags and name in flags:
            columns[name] = np.asarray(flags[name], dtype=bool)
    table = pl.DataFrame(columns).with_columns(
        pl.col("chosen_score").fill_nan(None),
        pl.col("rejected_score").fill_nan(None),
        pl.col("score_diff").fill_nan(None),
    )
    return table.hstack(pairs.select("language", "aspect", "subset", "id"))


def write_run(
    directory: Path,
    scores: pl.DataFrame,
    run_info: Mapping[str, Any] | None = None,
    rule: FailureRule = FailureRule(),
    bootstrap: BootstrapConfig = BootstrapConfig(),
    source: str | None = None,
    claim: Callable[[Path], object] | None = None,
) -> RunFiles:
    """Write scores.parquet, results.json, extras.json (and run.json) for one run;
    ``source`` names the scores' input file in errors (default: the run's scores.parquet).
    ``claim`` is called with the directory once the input is known to be good, before
    anything is written (``codepref bench rescore`` checks there what the folder holds)."""
    files = RunFiles(Path(directory))
    # Everything is computed before anything is written, and each file replaces the old
    # one in one rename: a bad input leaves a finished run as it was.
    prepared = prepare_scores(scores, source or str(files.scores))
    results = results_json(crb_results(prepared, rule))
    (extras,) = extras_for_runs([prepared], rule, bootstrap)
    if claim is not None:
        claim(files.directory)
    files.directory.mkdir(parents=True, exist_ok=True)
    replace_atomically(files.scores, scores.write_parquet)
    replace_atomically(files.results, lambda path: path.write_text(results))
    replace_atomically(
        files.extras, lambda path: path.write_text(json.dumps(_finite(extras), indent=2))
    )
    if run_info is not None:
        info = json.dumps(_finite(dict(run_info)), indent=2)
        replace_atomically(files.run, lambda path: path.write_text(info))
    return files


def rescore(
    scores_path: Path,
    out: Path,
    rule: FailureRule = FailureRule(),
    bootstrap: BootstrapConfig = BootstrapConfig(),
    claim: Callable[[Path], object] | None = None,
) -> RunFiles:
    """Recompute results.json and the extras from a scores.parquet made elsewhere."""
    try:
        table = pl.read_parquet(scores_path)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise ScoresError(f"{scores_path}: cannot read Parquet ({error})") from error
    return write_run(Path(out), table, None, rule, bootstrap, source=str(scores_path), claim=claim)


def read_run(directory: Path, rule: FailureRule = FailureRule()) -> pl.DataFrame:
    """The prepared scores table of a run directory (any published CRB run works)."""
    files = RunFiles(Path(directory))
    if not files.scores.is_file():
        raise ScoresError(f"{directory}: no scores.parquet in this run directory")
    return prepare_scores(pl.read_parquet(files.scores), str(files.scores))


def _finite(value: Any) -> Any:
    """JSON has no NaN: replace non-finite floats by null, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
