"""Orchestration of one evaluation: score the pairs with a scorer, then write the run."""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl

from bench.results import BootstrapConfig, FailureRule
from bench.run_dir import RunFiles, scores_table, write_run
from bench.scoring import Scorer


def evaluate(
    pairs: pl.DataFrame,
    scorer: Scorer,
    out: Path,
    data_info: Mapping[str, Any] | None = None,
    bootstrap: BootstrapConfig = BootstrapConfig(),
) -> RunFiles:
    """Score CRB pairs with a scorer (see :mod:`bench.scorers`) and write the run."""
    started = time.perf_counter()
    scored = scorer.score(pairs)
    elapsed = time.perf_counter() - started
    table = scores_table(pairs, scored.chosen, scored.rejected, scored.flags)
    run_info = {
        **scorer.describe(),
        "data": dict(data_info or {}),
        "pairs": pairs.height,
        "scoring_seconds": round(elapsed, 3),
    }
    return write_run(Path(out), table, run_info, FailureRule(), bootstrap)
