"""``codepref mine`` (``pipelines/mining_cli.py``) through the project's typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.fixtures.synthetic_repos import SyntheticCommit, build_repository

OLD = "fn = function (a) {\n  return a;\n};\n"
NEW = "fn = function (a) {\n  return a === undefined ? null : a;\n};\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "web"
    build_repository(
        path,
        [
            SyntheticCommit("Initial import", {"app.js": OLD, "lib.go": "package lib\n"}),
            SyntheticCommit("Fix crash when the argument is missing", {"app.js": NEW}),
        ],
    )
    return path


def test_mine_writes_shards_and_stats(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["mine", "--repos", str(repo), "--out", str(out), "--license", "MIT"]
    )
    assert result.exit_code == 0, result.output
    assert "rows out" in result.output and "JavaScript" in result.output
    stats = json.loads((out / "stats.json").read_text())
    assert (stats["rows_in"], stats["rows_out"]) == (2, 1)
    assert stats["by_language_aspect"] == {"JavaScript": {"Functional_Correctness": 1}}
    assert [p.name for p in (out / "commits").iterdir()] == ["00000.parquet"]


def test_language_subset_and_licence_allowlist(repo: Path, tmp_path: Path) -> None:
    args = ["mine", "--repos", str(repo), "--license", "MIT", "--out"]
    result = CliRunner().invoke(app, [*args, str(tmp_path / "a"), "--languages", "go,py"])
    assert result.exit_code == 0, result.output
    stats = json.loads((tmp_path / "a" / "stats.json").read_text())
    assert stats["drops_by_reason"]["language_not_selected"] == 1
    result = CliRunner().invoke(app, [*args, str(tmp_path / "b"), "--allow-license", "GPL-3.0"])
    stats = json.loads((tmp_path / "b" / "stats.json").read_text())
    # The repository is refused whole: both its commits, the root one too, are counted.
    assert stats["drops_by_reason"]["license_not_allowed"] == 2
    assert "root_commit" not in stats["drops_by_reason"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "nothing to mine"),
        (["--repos", "{repo}", "--executor", "slurm"], "--slurm-partition"),
        (["--repos", "{repo}", "--languages", "Kotlin"], "unknown language"),
        (["--repos", "{missing}"], "nor a directory of them"),
        (["--repos", "{repo}", "--secrets", "keep"], "'keep' is not a valid SecretPolicy"),
    ],
)
def test_bad_arguments(repo: Path, tmp_path: Path, extra: list[str], message: str) -> None:
    args = [a.format(repo=repo, missing=tmp_path / "missing") for a in extra]
    result = CliRunner().invoke(app, ["mine", "--out", str(tmp_path / "o"), *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not (tmp_path / "o").exists()  # refused before --out is touched


def test_stats_report_the_secret_policy_and_the_repository(repo: Path, tmp_path: Path) -> None:
    args = ["mine", "--repos", str(repo), "--out", str(tmp_path), "--license", "MIT"]
    result = CliRunner().invoke(app, [*args, "--secrets", "redact"])
    assert result.exit_code == 0, result.output
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert stats["privacy"]["secret_policy"] == "redact"
    assert stats["repositories"]["web"] == {
        "license": "MIT", "allowed": True, "commits": 2, "candidates": 1, "rows_out": 1,
        "yield": 0.5,
    }  # fmt: skip


def test_reused_out_refuses_another_repository(repo: Path, tmp_path: Path) -> None:
    """A second repository mined into the first one's --out is refused (naming it), not
    answered with the first repository's commits; --overwrite starts fresh."""
    other = tmp_path / "other"
    build_repository(other, [SyntheticCommit("Initial import", {"a.py": "x = 1\n"})])
    out = tmp_path / "out"
    args = ["mine", "--license", "MIT", "--out", str(out), "--repos"]
    assert CliRunner().invoke(app, [*args, str(repo)]).exit_code == 0
    resumed = CliRunner().invoke(app, [*args, str(repo)])
    assert resumed.exit_code == 0 and "rows out" in resumed.output
    refused = CliRunner().invoke(app, [*args, str(other)])
    assert refused.exit_code == 2
    message = " ".join(refused.output.split())
    assert "holds a different run of codepref mine" in message and str(other) in message
    assert "--overwrite" in message
    fresh = CliRunner().invoke(app, [*args, str(other), "--overwrite"])
    assert fresh.exit_code == 0, fresh.output
    assert json.loads((out / "stats.json").read_text())["rows_in"] == 1


def test_out_holding_foreign_parquet_is_refused(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "commits").mkdir(parents=True)
    (out / "commits" / "00000.parquet").write_bytes(b"PAR1 not ours")
    result = CliRunner().invoke(app, ["mine", "--repos", str(repo), "--out", str(out)])
    assert result.exit_code == 2
    assert "holds no codepref run" in " ".join(result.output.split())
    assert (out / "commits" / "00000.parquet").read_bytes() == b"PAR1 not ours"
