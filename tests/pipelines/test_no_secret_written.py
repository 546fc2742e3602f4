"""No API key reaches an output, a log or the terminal: each command that talks to an LLM
(``judge``, ``execute --llm-bugs``, ``generate``) runs in its own process against the real
loopback OpenAI-compatible server with a fake key in its environment; the key must reach
the server (so it was really used) and appear in no file under ``--out`` (response caches,
datatrove logs and ``executor.json`` included) and in neither stdout nor stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
KEY = "sk-codepref-fake-key-5f3a9c0e7b2d4a61"
PROBLEM = {
    "id": "double",
    "prompt": "Read n. Print 2n.",
    "languages": ["Python"],
    "tests": [{"input": "3\n", "output": "6\n"}, {"input": "5\n", "output": "10\n"}],
}
RIGHT, WRONG = "print(int(input()) * 2)", "print(int(input()) + 2)"


def judge_args(root: Path, url: str) -> list[str]:
    rows = [
        {
            "id": f"p{i}",
            "prompt": "Double n.",
            "chosen": RIGHT,
            "rejected": f"{WRONG}  # {i}",
            "language": "Python",
        }
        for i in range(3)
    ]
    pq.write_table(pa.Table.from_pylist(rows), root / "pairs.parquet")
    return ["judge", str(root / "pairs.parquet"), "--endpoint", url, "--model", "scripted",
            "--aspect", "Functional_Correctness", "--generations", "2"]  # fmt: skip


def execute_args(root: Path, url: str) -> list[str]:
    problem = {"id": "double", "language": "python", "input": PROBLEM["prompt"],
               "tests": [{"stdin": "2\n", "expected_stdout": "4\n"}]}  # fmt: skip
    solution = {"id": "double/ok", "problem_id": "double", "language": "py", "code": RIGHT,
                "origin": "reference"}  # fmt: skip
    (root / "problems.jsonl").write_text(json.dumps(problem) + "\n")
    (root / "solutions.jsonl").write_text(json.dumps(solution) + "\n")
    return ["execute", str(root / "problems.jsonl"), str(root / "solutions.jsonl"),
            "--sandbox", "process", "--repeats", "1", "--llm-bugs", "--endpoint", f"{url}/v1",
            "--model", "scripted"]  # fmt: skip


def generate_args(root: Path, url: str) -> list[str]:
    (root / "problems.jsonl").write_text(json.dumps(PROBLEM) + "\n")
    return ["generate", str(root / "problems.jsonl"), "--endpoint", f"{url}/v1", "--model",
            "scripted", "--n", "2", "--sandbox", "process", "--repeats", "1"]  # fmt: skip


COMMANDS: dict[str, Callable[[Path, str], list[str]]] = {
    "judge": judge_args,
    "execute --llm-bugs": execute_args,
    "generate": generate_args,
}


@pytest.mark.slow
@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_api_key_is_used_and_written_nowhere(
    command: str, scripted, content_judge, tmp_path: Path
) -> None:
    def answer(payload: dict, index: int) -> dict:
        if "<verdict>" in json.dumps(payload["messages"]):
            return {"text": content_judge(payload)}
        return {"texts": [f"```python\n{RIGHT}\n```", f"```python\n{WRONG}\n```"]}

    scripted.state.reset(answer)
    out = tmp_path / "out"
    arguments = COMMANDS[command](tmp_path, scripted.root)
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *arguments, "--out", str(out)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "OPENAI_API_KEY": KEY,
             "CODEPREF_JUDGE_API_KEY": KEY},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert scripted.state.headers and all(
        headers["authorization"] == f"Bearer {KEY}" for headers in scripted.state.headers
    )
    assert KEY not in result.stdout and KEY not in result.stderr
    files = [path for path in out.rglob("*") if path.is_file()]
    assert any(path.name == "run_fingerprint.json" for path in files)
    assert [path for path in files if KEY.encode() in path.read_bytes()] == []
