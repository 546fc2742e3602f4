"""Run fingerprints: same run resumes, a different one is refused naming what changed."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from curation.credentials import Secret
from curation.run_fingerprint import (
    FINGERPRINT_FILE,
    OutputInUseError,
    RunFingerprint,
    claim_output,
)


def test_same_fingerprint_resumes_and_a_changed_input_is_named(tmp_path: Path) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text("{}\n")
    out = tmp_path / "out"
    fingerprint = RunFingerprint.of("execute", {"problems": data}, {"languages": ("Python",)})
    assert claim_output(out, fingerprint) is False  # a new run
    (out / "result.parquet").write_bytes(b"rows")
    again = RunFingerprint.of("execute", {"problems": data}, {"languages": ("Python",)})
    assert claim_output(out, again) is True  # the same run resumes
    data.write_text("{}\n{}\n")
    os.utime(data, ns=(1, 1))
    changed = RunFingerprint.of("execute", {"problems": data}, {"languages": ["Ruby"]})
    with pytest.raises(OutputInUseError) as raised:
        claim_output(out, changed)
    message = str(raised.value)
    assert f"input problems {data}: 3 bytes" in message and "-> 6 bytes" in message
    assert 'setting languages: ["Python"] -> ["Ruby"]' in message
    assert (out / "result.parquet").read_bytes() == b"rows"  # nothing touched


def test_overwrite_starts_fresh_but_never_empties_a_foreign_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    claim_output(out, RunFingerprint.of("mine", {}, {"tasks": 1}))
    (out / "old.parquet").write_bytes(b"old")
    assert claim_output(out, RunFingerprint.of("mine", {}, {"tasks": 2}), overwrite=True) is False
    assert sorted(p.name for p in out.iterdir()) == [FINGERPRINT_FILE]
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("years of work")
    with pytest.raises(OutputInUseError, match="holds no codepref run"):
        claim_output(foreign, RunFingerprint.of("mine", {}, {}), overwrite=True)
    assert (foreign / "thesis.tex").read_text() == "years of work"


def test_git_repositories_are_identified_by_their_head(tmp_path: Path) -> None:
    from tests.fixtures.synthetic_repos import SyntheticCommit, build_repository

    repo = tmp_path / "repo"
    build_repository(repo, [SyntheticCommit("one", {"a.py": "x = 1\n"})])
    first = RunFingerprint.of("mine", {"repo": [repo]}, {})
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-C",
            str(repo),
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "two",
        ],
        check=True,
    )
    second = RunFingerprint.of("mine", {"repo": [repo]}, {})
    assert next(iter(first.inputs.values())).startswith("git ")
    assert second.differences(first) and "input repo" in second.differences(first)[0]


@dataclass
class _Inner:
    workers: int = 4
    ratio: float = 2.0
    licenses: frozenset[str] = frozenset({"mit", "isc", "apache-2.0"})


@dataclass
class _Config:
    problems: Path
    out: Path
    repos: list[Path] = field(default_factory=list)
    secret_policy: str = "drop"
    api_key: Secret | None = None
    inner: _Inner = field(default_factory=_Inner)


def test_of_config_splits_inputs_from_settings_and_never_records_a_credential(
    tmp_path: Path,
) -> None:
    data = tmp_path / "problems.jsonl"
    data.write_text("{}\n")
    config = _Config(data, tmp_path / "out", api_key=Secret("sk-fingerprint-test", "X_KEY"))
    fingerprint = RunFingerprint.of_config("generate", config, ignore=("out", "inner.workers"))
    assert list(fingerprint.inputs) == [f"problems {data.resolve()}"]
    assert fingerprint.settings == {
        "repos": [],
        "secret_policy": "drop",
        "inner.ratio": 2.0,
        "inner.licenses": ["apache-2.0", "isc", "mit"],  # sorted: a set's order varies
    }
    assert "sk-fingerprint-test" not in fingerprint.to_json()
    config.inner.ratio = 3.0
    changed = RunFingerprint.of_config("generate", config, ignore=("out", "inner.workers"))
    assert changed.differences(fingerprint) == ["setting inner.ratio: 2.0 -> 3.0"]
