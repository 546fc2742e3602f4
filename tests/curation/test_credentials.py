"""Secrets are used but never written: not in reprs, JSON, pickles, logs, outputs or errors.

The end-to-end tests run the LLM-using commands as a user does (a subprocess of the
``codepref`` CLI, a real loopback server, datatrove's local executor) with a fake key and
grep everything the run wrote and printed for it.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import dill
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datatrove.executor.base import ExecutorJSONEncoder
from loguru import logger

from curation.credentials import MASK, Secret, mask, redact
from curation.executors import ExecutorConfig, ExecutorKind, SlurmOptions, build_executor
from curation.hub import PushConfig
from curation.judge.backends import OpenAIConfig
from curation.steps.execution.inject_bugs import BugInjectionConfig, InjectBugs

KEY = "sk-codepref-fake-0123456789abcdef"
REPO_ROOT = Path(__file__).resolve().parents[2]


def files_containing(root: Path, needle: str) -> list[Path]:
    data = needle.encode()
    return [path for path in root.rglob("*") if path.is_file() and data in path.read_bytes()]


def codepref(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=REPO_ROOT,
        timeout=600,
    )


def test_secret_shows_only_a_mask_and_pickles_without_its_value(monkeypatch) -> None:
    monkeypatch.delenv("CODEPREF_TEST_KEY", raising=False)
    secret = Secret(KEY, env="CODEPREF_TEST_KEY")
    assert secret.reveal() == KEY
    assert KEY not in repr(secret) and str(secret) == MASK
    for blob in (pickle.dumps(secret), dill.dumps(secret)):
        assert KEY.encode() not in blob
        copy = pickle.loads(blob) if blob[:1] == b"\x80" else dill.loads(blob)
        assert copy.env == "CODEPREF_TEST_KEY" and copy.reveal() is None
    # A worker resolves the unpickled secret from its environment.
    secret.export()
    assert pickle.loads(pickle.dumps(secret)).reveal() == KEY


def test_redact_blanks_credential_keys_and_known_values() -> None:
    Secret(KEY, env="CODEPREF_TEST_KEY")
    config = {
        "model": "m",
        "api_key": "plain-string-key",
        "nested": [{"hf_token": "hf_abcdef", "max_tokens": 12, "prompt_tokens": 3}],
        "password": "",
        "note": f"header was Bearer {KEY}",
    }
    assert redact(config) == {
        "model": "m",
        "api_key": MASK,
        "nested": [{"hf_token": MASK, "max_tokens": 12, "prompt_tokens": 3}],
        "password": "",
        "note": f"header was Bearer {MASK}",
    }
    assert redact(OpenAIConfig(base_url="http://h:1", api_key=KEY))["api_key"] == MASK


def test_openai_and_hub_configs_never_show_the_value() -> None:
    config = OpenAIConfig(base_url="http://h:1", model="m", api_key=KEY)
    push = PushConfig("alice/data", token=KEY)
    for shown in (repr(config), str(config), repr(push), f"{config!s} {push!r}"):
        assert KEY not in shown
    assert push.token is not None and push.token.reveal() == KEY


@pytest.mark.parametrize("kind", [ExecutorKind.SLURM, ExecutorKind.RAY])
def test_cluster_executors_serialise_no_key(kind: ExecutorKind, tmp_path: Path) -> None:
    """executor.json (datatrove's JSON encoder) and the pickled pipeline a Slurm or Ray
    worker loads hold the key's variable name, never the key."""
    llm = OpenAIConfig(base_url="http://127.0.0.1:9/v1", model="m", api_key=KEY)
    config = ExecutorConfig(
        kind=kind, logging_dir=str(tmp_path), slurm=SlurmOptions(partition="cpu")
    )
    executor = build_executor([InjectBugs(BugInjectionConfig(llm))], config, "execute")
    text = json.dumps(executor, cls=ExecutorJSONEncoder, indent=4)
    assert (KEY not in text and "CODEPREF_JUDGE_API_KEY" in text) or MASK in text
    for blob in (dill.dumps(executor.pipeline), pickle.dumps(executor.pipeline)):
        assert KEY.encode() not in blob
    step = pickle.loads(pickle.dumps(executor.pipeline))[0]
    assert step.config.backend.api_key.env == "CODEPREF_JUDGE_API_KEY"


def test_log_lines_and_errors_are_masked(capsys) -> None:
    Secret(KEY, env="CODEPREF_TEST_KEY")
    sink = []
    handler = logger.add(sink.append, format="{message}")
    try:
        logger.warning(f"request failed with Bearer {KEY}")
    finally:
        logger.remove(handler)
    assert sink and KEY not in "".join(sink) and MASK in "".join(sink)
    assert mask(f"401 for {KEY}") == f"401 for {MASK}"


@pytest.mark.slow
def test_judge_command_writes_and_prints_no_key(scripted, tmp_path: Path) -> None:
    rows = [
        {
            "id": f"p{i}",
            "prompt": "Sum two numbers.",
            "chosen": "def f(a, b):\n    return a + b\n",
            "rejected": f"def f(a, b):\n    return a - b + {i}\n",
            "language": "Python",
            "aspect": "Functional_Correctness",
        }
        for i in range(3)
    ]
    pairs = tmp_path / "pairs.parquet"
    pq.write_table(pa.Table.from_pylist(rows), pairs)
    out = tmp_path / "out"
    result = codepref(
        "judge", str(pairs), "--out", str(out), "--endpoint", scripted.url,
        "--model", "scripted", "--generations", "1", "--api-key", KEY,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert scripted.state.headers[0]["authorization"] == f"Bearer {KEY}"
    assert KEY not in result.stdout + result.stderr
    assert files_containing(out, KEY) == []


def test_exported_secrets_are_handed_to_cluster_workers(monkeypatch) -> None:
    from curation.credentials import exported_environment

    monkeypatch.delenv("CODEPREF_TEST_EXPORTED", raising=False)
    Secret(KEY, env="CODEPREF_TEST_EXPORTED").export()
    assert exported_environment()["CODEPREF_TEST_EXPORTED"] == KEY
    monkeypatch.delenv("CODEPREF_TEST_EXPORTED")
    assert "CODEPREF_TEST_EXPORTED" not in exported_environment()
