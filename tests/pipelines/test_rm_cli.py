"""``codepref train``: bad inputs get one-line errors before any model is looked up."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app

runner = CliRunner()

# (case, --pairs value, what the one-line error must say)
BAD_TRAIN_INPUTS = [
    ("missing file", "missing.parquet", "no pairs file matches missing.parquet"),
    ("empty glob", "shards/*.parquet", "no pairs file matches shards/*.parquet"),
]


@pytest.mark.parametrize(
    ("case", "pairs", "message"), BAD_TRAIN_INPUTS, ids=[c[0] for c in BAD_TRAIN_INPUTS]
)
def test_train_bad_pairs_fail_before_the_model_is_loaded(
    case: str, pairs: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # A model id no Hub could answer for: reaching it would fail differently (and slowly).
    arguments = ["train", "--pairs", pairs, "--model", "no-such-org/no-such-model"]
    result = runner.invoke(app, [*arguments, "--out", "run"])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert not (tmp_path / "run").exists()


# (case, --model, --pairs, what the one-line error must say)
BAD_SCORE_INPUTS = [
    ("missing model", "no-model", "pairs.parquet", "no-model: no such model folder, give the"),
    ("missing pairs", ".", "missing.parquet", "no pairs file matches missing.parquet; give"),
]


@pytest.mark.parametrize(
    ("case", "model", "pairs", "message"), BAD_SCORE_INPUTS, ids=[c[0] for c in BAD_SCORE_INPUTS]
)
def test_score_bad_inputs_fail_before_torch_loads(
    case: str, model: str, pairs: str, message: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pairs.parquet").write_bytes(b"")
    arguments = ["score", "--model", model, "--pairs", pairs, "--out", "scores.parquet"]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert not (tmp_path / "scores.parquet").exists()
