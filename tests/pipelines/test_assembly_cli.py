"""Tests of ``codepref assemble`` (pipelines/assembly_cli.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.fixtures.assembly_producers import make_producers


@pytest.fixture(scope="module")
def producers(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make_producers(tmp_path_factory.mktemp("producers"))


def test_cli_assemble_writes_the_folder_and_reports(producers: list[Path], tmp_path: Path):
    out = tmp_path / "cli"
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "assemble",
            *map(str, producers),
            "--out",
            str(out),
            "--max-per-cell",
            "30",
            "--seed",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    stats = json.loads((out / "stats.json").read_text())
    assert f"{stats['rows']} pairs from {stats['input_rows']} input rows" in result.output
    assert "duplicate_id" in result.output
    assert stats["config"]["seed"] == 2 and stats["config"]["max_per_cell"] == 30
    again = runner.invoke(app, ["assemble", str(producers[0]), "--out", str(out)])
    assert again.exit_code == 1
    assert "--overwrite" in again.output
    bad = runner.invoke(app, ["assemble", str(tmp_path / "nope.parquet"), "--out", str(out)])
    assert bad.exit_code == 1
    assert "nope.parquet: no such file" in bad.output
    shares = runner.invoke(
        app, ["assemble", str(producers[0]), "--out", str(tmp_path / "x"), "--system-shares", "1"]
    )
    assert shares.exit_code != 0
