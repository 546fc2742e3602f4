from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from pipelines.cli import app


@pytest.mark.slow
def test_demo_runs_every_stage_and_reports(tmp_path: Path) -> None:
    """`codepref demo`, shortened (2 training steps, 256 tokens), on the real sandbox."""
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        app, ["demo", "--out", str(out), "--train-steps", "2", "--max-length", "256"]
    )
    assert result.exit_code == 0, result.output
    assert "LLM stages skipped: set CODEPREF_JUDGE_URL" in " ".join(result.stdout.split())
    summary = json.loads((out / "summary.json").read_text())

    execution = summary["execution"]
    assert execution["problems"] == 40
    assert set(execution["pairs_by_language"]) == {
        "C", "CSharp", "Cpp", "Go", "Java", "JavaScript", "Python", "Ruby",
    }  # fmt: skip
    assert {"Functional_Correctness", "Runtime_Efficiency", "Memory_Efficiency"} <= set(
        execution["pairs_by_aspect"]
    )

    train = pl.read_parquet(sorted((out / "dataset" / "data" / "train").glob("*.parquet")))
    benchmark = pl.read_parquet(out / "benchmark" / "benchmark.parquet")
    assert benchmark.height == summary["benchmark"]["kept"] > 0
    assert set(benchmark["prompt"]).isdisjoint(set(train["prompt"]))
    assert (out / "dataset" / "README.md").read_text().startswith("---\n")

    assert summary["training"]["steps"] == 2
    runs = summary["evaluation"]["runs"]
    assert runs["codepref-minilm"]["overall"]["total_examples"] == benchmark.height
    length = runs["longer-is-better"]
    expected = (benchmark["chosen"].str.len_chars() > benchmark["rejected"].str.len_chars()).mean()
    assert length["overall"]["accuracy"] == pytest.approx(expected, abs=5e-5)
    assert (out / "bench" / "report" / "accuracy_by_aspect.png").stat().st_size > 10_000
