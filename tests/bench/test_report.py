"""Leaderboards and plots over the published runs and runs made here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from bench.report import leaderboard_markdown, load_runs, write_report
from bench.results import BootstrapConfig, ScoresError
from bench.run_dir import scores_table, write_run

FAST = BootstrapConfig(n_resamples=200)


def test_report_over_published_runs(crb_runs: Path, tmp_path: Path) -> None:
    runs = [crb_runs / name for name in ("LMUnit-qwen2.5-72b", "Themis-RM-8B", "Athene-RM-70B")]
    files = write_report(runs, tmp_path / "report", FAST)
    markdown = files.markdown.read_text()
    lines = [line for line in markdown.splitlines() if line.startswith("| Themis-RM-8B")]
    assert len(lines) == 3  # aspect, language and hidden-facts tables
    assert lines[0].split(" | ")[1:3] == ["8866", lines[0].split(" | ")[2]]
    assert "89.78 [" in lines[0] and "83.65 [" in lines[0]  # published overall, Runtime
    first_rows = [line.split(" | ")[0] for line in markdown.splitlines() if line.startswith("| ")]
    assert first_rows[1:4] == ["| Themis-RM-8B", "| Athene-RM-70B", "| LMUnit-qwen2.5-72b"]
    assert "| 5961 |" in markdown  # LMUnit's ties are shown
    hidden = markdown.split("## What the headline number hides")[1]
    # LMUnit: 27.89 strict, 61.51 if its 5,961 ties counted half; 413 failed responses.
    assert "| LMUnit-qwen2.5-72b | 8866 | 27.89 | 61.51 | 5961 | 0 | 413 |" in hidden
    html = files.html.read_text()
    assert "<table>" in html and "accuracy_by_aspect.png" in html and "Themis-RM-8B" in html
    for png in (files.aspects_png, files.heatmap_png):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_report_over_runs_made_here(pairs: pl.DataFrame, tmp_path: Path) -> None:
    n = pairs.height
    write_run(tmp_path / "good", scores_table(pairs, np.arange(n) % 3 != 0, np.zeros(n)))
    write_run(tmp_path / "tied", scores_table(pairs, np.zeros(n), np.zeros(n)))
    runs = load_runs([tmp_path / "tied", tmp_path / "good"], FAST)
    assert [run.name for run in runs] == ["good", "tied"]
    assert runs[1].extras["ties"] == n and runs[1].accuracy == 0.0
    assert runs[0].cross.height == n  # language x aspect cells present in the data
    assert "| tied | 40 | 0.00 [0.0, 0.0]" in leaderboard_markdown(runs)
    with pytest.raises(ValueError, match="no run directory"):
        write_report([], tmp_path / "out")
    # A folder of runs stands for the runs inside it.
    assert {run.name for run in load_runs([tmp_path], FAST)} == {"good", "tied"}
    with pytest.raises(ScoresError, match="neither a run directory"):
        load_runs([tmp_path / "good" / "scores.parquet"], FAST)
