from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from curation.executors import ExecutorConfig
from curation.schema import PAIRS, validate
from curation.steps.pairs.commits import commit_message_prompt
from pipelines.commits import CommitJudgeConfig, CommitsPipelineConfig, run_commits
from pipelines.mining import MiningConfig


def test_commits_become_pairs_with_the_new_code_chosen(commit_repo: Path, tmp_path: Path) -> None:
    config = CommitsPipelineConfig(
        mining=MiningConfig(
            output=tmp_path / "out",
            repos=[commit_repo],
            executor=ExecutorConfig(tasks=2, workers=1, start_method="fork"),
        )
    )
    stats = run_commits(config)
    pairs = pl.read_parquet(sorted(config.pairs_folder.glob("*.parquet")))
    validate(pairs.to_arrow(), PAIRS, "commit pairs")

    by_aspect = {row["aspect"]: row for row in pairs.iter_rows(named=True)}
    assert set(by_aspect) == {"Security_Hardness", "Runtime_Efficiency"}
    security = by_aspect["Security_Hardness"]
    assert "?" in security["chosen"] and "+ name +" in security["rejected"]
    assert security["language"] == "Python"
    assert security["label_method"] == "commit"
    assert security["prompt"].startswith("Update the Python file `db/users.py`: Fix SQL injection")
    evidence = json.loads(security["evidence"])
    assert evidence["path"] == "db/users.py" and evidence["repo"] == "service"
    assert by_aspect["Runtime_Efficiency"]["language"] == "Go"
    assert stats["pairs"] == 2
    mining = json.loads((tmp_path / "out" / "stats.json").read_text())
    assert mining["drops_by_reason"]["root_commit"] == 1
    assert mining["drops_by_reason"]["message_too_short"] == 1  # "wip"


def test_rerun_resumes_without_duplicating_pairs(commit_repo: Path, tmp_path: Path) -> None:
    def run() -> pl.DataFrame:
        config = CommitsPipelineConfig(
            mining=MiningConfig(output=tmp_path / "out", repos=[commit_repo])
        )
        run_commits(config)
        return pl.read_parquet(sorted(config.pairs_folder.glob("*.parquet"))).sort("id")

    first = run()
    marker_dir = tmp_path / "out" / "logs" / "pairs" / "completions"
    assert list(marker_dir.iterdir())
    for marker in marker_dir.iterdir():  # as if the pair stage crashed before finishing
        marker.unlink()
    second = run()
    assert second.equals(first)
    assert second["id"].n_unique() == second.height


def test_fallback_prompt_keeps_the_body_once() -> None:
    assert commit_message_prompt("Fix leak", "Fix leak", "a.c", "C") == (
        "Update the C file `a.c`: Fix leak"
    )
    prompt = commit_message_prompt("Fix leak", "Fix leak\n\nFree the buffer on error.", "a.c", "C")
    assert prompt.endswith("\n\nFix leak\n\nFree the buffer on error.")


KEY = "sk-codepref-fake-0123456789abcdef"


@pytest.mark.slow
def test_commits_pipeline_review_writes_no_key(scripted, commit_repo: Path, tmp_path: Path) -> None:
    scripted.state.reset(lambda payload, index: {"text": "Rating: 5\nInstruction: do it"})
    out = tmp_path / "out"
    config = CommitsPipelineConfig(
        MiningConfig(
            repos=[commit_repo],
            output=out,
            executor=ExecutorConfig(tasks=1, workers=1),
        ),
        CommitJudgeConfig(endpoint=scripted.url, model="scripted", api_key=KEY),
    )
    assert KEY not in repr(config)
    run_commits(config)
    assert scripted.state.calls, "the review stage never asked the endpoint"
    assert scripted.state.headers[0]["authorization"] == f"Bearer {KEY}"
    assert [p for p in out.rglob("*") if p.is_file() and KEY.encode() in p.read_bytes()] == []
