"""Tests of ``codepref assemble`` (pipelines/assembly_cli.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.fixtures.assembly_producers import make_producers, row, write


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
    assert again.exit_code == 2
    assert "--overwrite" in again.output
    bad = runner.invoke(app, ["assemble", str(tmp_path / "nope.parquet"), "--out", str(out)])
    assert bad.exit_code == 2
    assert "nope.parquet: no such file" in bad.output
    shares = runner.invoke(
        app, ["assemble", str(producers[0]), "--out", str(tmp_path / "x"), "--system-shares", "1"]
    )
    assert shares.exit_code != 0


def test_a_pair_with_a_secret_is_refused_naming_the_shard_and_row(tmp_path: Path):
    token = "xox" + "b-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
    rows = [row(i) for i in range(6)]
    rows[3]["chosen"] = f'SLACK = "{token}"\n\ndef f():\n    return 3\n'
    src = write(tmp_path / "pairs.parquet", rows)
    result = CliRunner().invoke(app, ["assemble", str(src), "--out", str(tmp_path / "ds")])
    assert result.exit_code == 2
    assert "column 'chosen', line 1: a secret (Slack Token)" in result.output
    assert ".parquet: row " in result.output and token not in result.output
    # no card: the folder is not a dataset folder `codepref push` would take
    assert not (tmp_path / "ds" / "README.md").exists()


def test_card_states_the_privacy_practice_and_the_mined_repositories(tmp_path: Path):
    mining = {
        "rows_in": 7000, "rows_out": 86,
        "repositories": {
            "sinatra": {"license": "MIT", "allowed": True, "commits": 6952, "candidates": 1611,
                        "rows_out": 86, "yield": 0.012371},
            "gplthing": {"license": "GPL-3.0", "allowed": False, "commits": 48, "candidates": 9,
                         "rows_out": 0, "yield": 0.0},
        },
        "privacy": {
            "secret_policy": "drop", "secret_findings": 4,
            "commits_with_secrets_by_detector": {"slack_token": 1, "secret_keyword": 3},
            "dropped_secret": 4, "secrets_redacted": 0,
            "pii_replacements": {"email": 14, "ip_address": 2},
        },
    }  # fmt: skip
    stats_path = tmp_path / "mining_stats.json"
    stats_path.write_text(json.dumps(mining))
    src = write(tmp_path / "pairs.parquet", [row(i) for i in range(6)])
    result = CliRunner().invoke(
        app,
        ["assemble", str(src), "--out", str(tmp_path / "ds"), "--mining-stats", str(stats_path)],
    )
    assert result.exit_code == 0, result.output
    card = (tmp_path / "ds" / "README.md").read_text()
    assert "## Secrets and personal data" in card and "`detect-secrets`" in card
    assert "| commits dropped for a secret | 4 |" in card
    assert "| replaced: email | 14 |" in card
    assert "| sinatra | MIT | 6,952 | 1,611 | 86 | 1.24% |" in card
    assert "| gplthing | GPL-3.0 | 48 | 9 | 0 | 0.00% |" in card
    stats = json.loads((tmp_path / "ds" / "stats.json").read_text())
    assert stats["mining"]["pii_replacements"] == {"email": 14, "ip_address": 2}
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = CliRunner().invoke(
        app, ["assemble", str(src), "--out", str(tmp_path / "ds2"), "--mining-stats", str(bad)]
    )
    assert result.exit_code == 2 and "bad.json: not a mining stats.json" in result.output
    assert not (tmp_path / "ds2").exists()


def test_the_label_method_help_lists_every_schema_label_method() -> None:
    from curation.schema import LABEL_METHODS
    from pipelines.assembly_cli import LABEL_METHODS_HELP

    assert ", ".join(LABEL_METHODS) == LABEL_METHODS_HELP
