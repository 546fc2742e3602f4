from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from bench.evaluate import evaluate
from bench.report import write_report
from bench.scorers import LengthScorer
from bench.shortcuts import SHORTCUTS_FILE, shortcuts_markdown, write_shortcuts


def test_the_length_shortcut_equals_the_length_baseline_and_reaches_the_report(
    pairs: pl.DataFrame, tmp_path: Path
) -> None:
    untied = pairs.filter(pl.col("chosen").str.len_chars() != pl.col("rejected").str.len_chars())
    run = tmp_path / "longer"
    files = evaluate(untied, LengthScorer("longer"), run)
    write_shortcuts(untied, run)
    records = json.loads((run / SHORTCUTS_FILE).read_text())
    by_aspect = {r["aspect"]: r for r in records if r["language"] == "all"}
    results = json.loads(files.results.read_text())
    for aspect, row in results["by_aspect"].items():
        assert by_aspect[aspect]["length"] == pytest.approx(row["accuracy"], abs=1e-4)
        assert by_aspect[aspect]["pairs"] == row["count"]
    report = write_report([run], tmp_path / "report")
    text = report.markdown.read_text()
    assert "## Surface shortcuts of the benchmark pairs" in text
    assert "identifier_length" in text and "strongest shortcut" in text
    assert shortcuts_markdown([tmp_path / "nothing-here"]) == ""
