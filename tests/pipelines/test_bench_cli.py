"""``codepref bench`` end to end: run, rescore, compare, report."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from pipelines.cli import app

runner = CliRunner()
JUDGE_KEY = "sk-codepref-fake-0123456789abcdef"


def test_run_compare_report(pairs: pl.DataFrame, tmp_path: Path) -> None:
    data = tmp_path / "crb.parquet"
    pairs.write_parquet(data)
    for scorer in ("longer", "random"):
        result = runner.invoke(
            app,
            [
                "bench",
                "run",
                "--scorer",
                scorer,
                "--data",
                str(data),
                "--out",
                str(tmp_path / scorer),
                "--resamples",
                "100",
            ],
        )
        assert result.exit_code == 0, result.output
    results = json.loads((tmp_path / "longer" / "results.json").read_text())
    assert results["overall"] == {
        "accuracy": 0.5,
        "total_examples": 40,
        "correct_predictions": 20,
        "mean_score_difference": 0.0,
        "median_score_difference": 0.0,
        "std_score_difference": results["overall"]["std_score_difference"],
    }
    compared = runner.invoke(
        app,
        [
            "bench",
            "compare",
            str(tmp_path / "longer"),
            str(tmp_path / "random"),
            "--resamples",
            "100",
        ],
    )
    assert compared.exit_code == 0, compared.output
    assert "shared pairs" in compared.output and "McNemar" in compared.output
    report = runner.invoke(
        app,
        [
            "bench",
            "report",
            str(tmp_path / "longer"),
            str(tmp_path / "random"),
            "--out",
            str(tmp_path / "report"),
            "--resamples",
            "100",
        ],
    )
    assert report.exit_code == 0, report.output
    assert (tmp_path / "report" / "leaderboard.md").is_file()


def test_rescore_published_run(crb_runs: Path, tmp_path: Path) -> None:
    run = crb_runs / "LMUnit-qwen2.5-72b"
    result = runner.invoke(
        app,
        [
            "bench",
            "rescore",
            str(run / "scores.parquet"),
            "--out",
            str(tmp_path / "lm"),
            "--failure-sentinel",
            "0",
            "--resamples",
            "100",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "lm" / "results.json").read_text() == (run / "results.json").read_text()


def test_errors_are_clear(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["bench", "run", "--data", str(tmp_path / "nope.parquet"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "--model is required" in result.output
    result = runner.invoke(
        app,
        [
            "bench",
            "run",
            "--scorer",
            "random",
            "--data",
            str(tmp_path / "nope.parquet"),
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 2 and "no such file" in result.output
    result = runner.invoke(app, ["bench", "rescore", str(tmp_path / "x.parquet"), "--out", "o"])
    assert result.exit_code == 2 and "cannot read" in result.output


def test_run_with_judge(pairs: pl.DataFrame, judge_server, tmp_path: Path) -> None:
    url, _ = judge_server
    data = tmp_path / "crb.parquet"
    pairs.head(6).write_parquet(data)
    result = runner.invoke(
        app,
        [
            "bench",
            "run",
            "--scorer",
            "judge",
            "--model",
            "length-judge",
            "--endpoint",
            url,
            "--data",
            str(data),
            "--out",
            str(tmp_path / "judge"),
            "--resamples",
            "100",
        ],
        env={"OPENAI_API_KEY": JUDGE_KEY},
    )
    assert result.exit_code == 0, result.output
    key = JUDGE_KEY.encode()  # given through OPENAI_API_KEY: used, never written
    assert [
        p for p in (tmp_path / "judge").rglob("*") if p.is_file() and key in p.read_bytes()
    ] == []
    assert JUDGE_KEY not in result.output
    results = json.loads((tmp_path / "judge" / "results.json").read_text())
    assert results["overall"]["correct_predictions"] == 3  # the even rows: chosen is longer
    assert json.loads((tmp_path / "judge" / "run.json").read_text())["model"] == "length-judge"


def _scores(**overrides: list) -> pl.DataFrame:
    columns = {
        "id": ["a", "b", "c", "d"],
        "language": ["Python", "Go", "Python", "Go"],
        "aspect": ["Functional_Correctness"] * 4,
        "chosen_score": [1.0, 2.0, 0.5, 3.0],
        "rejected_score": [0.0, 1.0, 1.5, 2.0],
    }
    columns.update(overrides)
    return pl.DataFrame({name: values for name, values in columns.items() if values is not None})


BAD_SCORES = [
    (
        "string scores",
        _scores(chosen_score=["1", "x", "2", "3"]),
        "column chosen_score holds String, not numbers",
    ),
    ("no rows", _scores().head(0), "no rows to score"),
    ("wrong column", _scores(rejected_score=None), "missing column(s) rejected_score"),
]


@pytest.mark.parametrize(("case", "table", "message"), BAD_SCORES, ids=[c[0] for c in BAD_SCORES])
def test_rescore_refuses_bad_scores_and_keeps_the_finished_run(
    case: str, table: pl.DataFrame, message: str, tmp_path: Path
) -> None:
    good = tmp_path / "good.parquet"
    _scores().write_parquet(good)
    out = tmp_path / "run"
    assert runner.invoke(app, ["bench", "rescore", str(good), "--out", str(out)]).exit_code == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    bad = tmp_path / "bad.parquet"
    table.write_parquet(bad)
    result = runner.invoke(app, ["bench", "rescore", str(bad), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert f"{bad}: {message}" in " ".join(result.output.split()), result.output
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
