"""The embedded commit history: real git repositories, mined by the real commit pipeline."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import polars as pl

from curation.criteria import ASPECTS
from curation.languages import LANGUAGE_NAMES
from curation.samples.history import AUTHOR, build_history, load_manifest
from pipelines.commits import CommitsPipelineConfig, run_commits
from pipelines.mining import MiningConfig

JUDGED_ASPECTS = ("Readability_Maintainability", "Security_Hardness")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def test_the_history_is_built_deterministically_with_a_neutral_author(tmp_path: Path) -> None:
    first = build_history(tmp_path / "a")
    second = build_history(tmp_path / "b")
    assert len(first) == len(load_manifest()) >= 80
    for one, two in zip(first, second, strict=True):
        assert _git(one, "rev-parse", "HEAD") == _git(two, "rev-parse", "HEAD")
    log = _git(first[0], "log", "--format=%an <%ae>|%cn <%ce>|%aI")
    assert {line.split("|")[0] for line in log.splitlines()} == {AUTHOR}
    assert all(line.split("|")[2].startswith(("2024", "2025")) for line in log.splitlines())
    assert "MIT License" in _git(first[0], "show", "HEAD:LICENSE")
    assert build_history(tmp_path / "a") == first  # rebuilding replaces, never appends


def test_the_commit_pipeline_labels_every_aspect_in_every_language(tmp_path: Path) -> None:
    build_history(tmp_path / "history")
    config = CommitsPipelineConfig(
        mining=MiningConfig(output=tmp_path / "mined", repos=[tmp_path / "history"])
    )
    run_commits(config)
    pairs = pl.read_parquet(sorted(config.pairs_folder.glob("*.parquet")))
    counts = pairs.group_by("aspect", "language").len()
    cells = {(a, lang): n for a, lang, n in counts.iter_rows()}
    # per language: three readability and three security commits, two faster and two leaner
    wanted = {aspect: 3 for aspect in JUDGED_ASPECTS}
    wanted |= {"Runtime_Efficiency": 2, "Memory_Efficiency": 2}
    assert set(wanted) == set(ASPECTS) - {"Functional_Correctness"}
    for aspect, count in wanted.items():
        for language in LANGUAGE_NAMES:
            assert cells.get((aspect, language), 0) == count, (aspect, language, cells)
    assert pairs.height == 8 * sum(wanted.values())  # each commit names exactly one aspect
    assert set(pairs["label_method"]) == {"commit"}
    # the noise is there, and dropped for the reason it was written for
    drops = json.loads((config.mining.output / "stats.json").read_text())["drops_by_reason"]
    for reason in ("multi_file", "merge_message", "renamed_file", "shallow_ast"):
        assert drops.get(reason, 0) >= 1, (reason, drops)
    assert drops.get("message_too_short", 0) + drops.get("trivial_message", 0) >= 2
    evidence = [json.loads(e) for e in pairs["evidence"]]
    assert {e["repo"] for e in evidence} == {r.name for r in load_manifest()}
