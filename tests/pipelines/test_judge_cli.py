"""``codepref judge`` against the loopback server: outputs, bad input, and a run killed
midway that resumes from the response cache without paying twice."""

from __future__ import annotations

import importlib.util
import json
import socket
import sqlite3
import subprocess
import sys
import time

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from curation.schema import JUDGEMENTS, validate
from pipelines.cli import app


def write_pairs(path, rows):
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def test_judge_command_writes_judgements_kept_pairs_and_report(
    scripted, pair_rows, tmp_path, content_judge
):
    pair_rows[3]["chosen"] = None  # bad row: named, counted, skipped
    flip_prompt = pair_rows[5]["prompt"]

    def answers(payload: dict, index: int) -> dict:
        wrong = flip_prompt in payload["messages"][-1]["content"]
        return {"text": content_judge(payload, prefer="rejected" if wrong else "chosen")}

    scripted.state.reset(answers)
    pairs = write_pairs(tmp_path / "pairs.parquet", pair_rows)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app,
        [
            "judge",
            str(pairs),
            "--out",
            str(out),
            "--endpoint",
            scripted.root,
            "--model",
            "judge-x",
            "--generations",
            "4",
            "--flip-rejected",
            "--batch-size",
            "4",
        ],
        env={"CODEPREF_JUDGE_API_KEY": "sk-cli"},
    )
    assert result.exit_code == 0, result.output
    assert "pairs.parquet row 3: missing chosen" in result.output
    judgements = validate(pq.read_table(out / "judgements.parquet"), JUDGEMENTS, "judgements")
    assert judgements.num_rows == 5
    kept = pq.read_table(out / "kept.parquet").to_pylist()
    assert [row["id"] for row in kept] == ["pair-0", "pair-1", "pair-2", "pair-4", "pair-5"]
    flipped = kept[-1]
    assert flipped["chosen"] == pair_rows[5]["rejected"] and flipped["judge_confidence"] == 1.0
    report = json.loads((out / "report.json").read_text())
    assert report["bad_rows"] == 1 and report["rows"] == 6
    assert report["decisions"] == {"agree": 4, "flipped": 1}
    assert report["backend"]["requests"] == 5 and report["protocol"]["samples"] == 4
    assert {call["n"] for call in scripted.state.calls} == {4}
    assert scripted.state.headers[0]["authorization"] == "Bearer sk-cli"


# (case, PAIRS: file name and rows or raw bytes, options, what the one-line error must say)
BAD_JUDGE_INPUTS = [
    ("missing file", "nope.parquet", None, [], "nope.parquet: no such file"),
    ("not parquet", "p.parquet", b"PAR1 no", [], "p.parquet: not a Parquet file"),
    (
        "wrong columns",
        "p.parquet",
        [{"id": "x", "text": "y"}],
        [],
        "p.parquet: no column prompt, chosen, rejected, language, aspect (or pass --aspect)",
    ),
    ("unknown aspect", "p.parquet", [{"id": "x"}], ["--aspect", "beauty"], "unknown aspect"),
    ("no endpoint", "p.parquet", [{"id": "x"}], [], "pass it or set CODEPREF_JUDGE_URL"),
    (
        "unknown engine",
        "p.parquet",
        [{"id": "x"}],
        ["--engine", "tgi"],
        "unknown --engine 'tgi'; expected openai or vllm",
    ),
]
if importlib.util.find_spec("vllm") is None:
    BAD_JUDGE_INPUTS.append(
        ("vllm missing", "p.parquet", [{"id": "x"}], ["--engine", "vllm"], "pip install")
    )


@pytest.mark.parametrize(
    ("case", "name", "content", "options", "message"),
    BAD_JUDGE_INPUTS,
    ids=[c[0] for c in BAD_JUDGE_INPUTS],
)
def test_judge_bad_inputs_get_one_line_errors(
    case, name, content, options, message, tmp_path, monkeypatch
):
    monkeypatch.delenv("CODEPREF_JUDGE_URL", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        write_pairs(path, content)
    out = tmp_path / "o"
    arguments = ["judge", str(path), "--out", str(out), "--model", "m", *options]
    if case not in ("no endpoint", "unknown engine", "vllm missing"):
        arguments += ["--endpoint", "http://127.0.0.1:9/v1"]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert message in lines[0]
    assert not out.exists()  # refused before --out is made


def test_empty_input_gives_empty_outputs(scripted, pair_rows, tmp_path):
    schema = pa.Table.from_pylist(pair_rows).schema
    pairs = tmp_path / "empty.parquet"
    pq.write_table(schema.empty_table(), pairs)
    out = tmp_path / "out"
    arguments = ["judge", str(pairs), "--out", str(out), "--endpoint", scripted.url]
    result = CliRunner().invoke(app, [*arguments, "--model", "m"])
    assert result.exit_code == 0, result.output
    assert pq.read_table(out / "judgements.parquet").num_rows == 0
    kept = pq.read_table(out / "kept.parquet")
    assert kept.num_rows == 0 and "judge_confidence" in kept.column_names
    assert scripted.state.calls == []


RUN_CLI = (
    "import typer, pipelines.judge_cli as c; app = typer.Typer(); c.register(app); "
    "app.command('noop')(lambda: None); app()"
)


def cached_count(path) -> int:
    if not path.exists():
        return 0
    with sqlite3.connect(path, timeout=5) as db:
        try:
            return db.execute("SELECT COUNT(*) FROM responses").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


@pytest.mark.slow
def test_killed_run_resumes_from_the_cache(scripted, pair_rows, tmp_path, key_of):
    rows = [
        {**row, "id": f"{row['id']}-{copy}", "prompt": f"{row['prompt']} (copy {copy})"}
        for copy in range(4)
        for row in pair_rows
    ]
    pairs = write_pairs(tmp_path / "pairs.parquet", rows)
    out = tmp_path / "out"
    command = [
        sys.executable,
        "-c",
        RUN_CLI,
        "judge",
        str(pairs),
        "--out",
        str(out),
        "--endpoint",
        scripted.url,
        "--model",
        "judge-x",
        "--concurrency",
        "2",
    ]
    scripted.state.reset(lambda payload, index: {"delay_s": 0.25})
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while cached_count(out / "cache.sqlite") < 6:
            assert process.poll() is None, "the run ended before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        process.kill()
        process.wait()
    assert not (out / "judgements.parquet").exists()
    cached = cached_count(out / "cache.sqlite")
    assert 6 <= cached < len(rows)
    first_run_keys = set(scripted.state.keys())

    scripted.state.reset()
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr
    second_run_keys = scripted.state.keys()
    assert len(second_run_keys) == len(rows) - cached  # finished requests were not paid twice
    assert len(set(second_run_keys)) == len(second_run_keys)
    assert len(first_run_keys | set(second_run_keys)) == len(rows)
    report = json.loads((out / "report.json").read_text())
    assert report["cache"]["hits"] == cached and report["pairs"] == len(rows)
    assert pq.read_table(out / "judgements.parquet").num_rows == len(rows)


def dead_endpoint() -> str:
    """A loopback URL nothing listens on: every connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_dead_endpoint_fails_the_run_with_the_first_cause(pair_rows, tmp_path):
    pairs = write_pairs(tmp_path / "pairs.parquet", pair_rows)
    arguments = ["judge", str(pairs), "--out", str(tmp_path / "out"), "--model", "m"]
    result = CliRunner().invoke(
        app, [*arguments, "--endpoint", dead_endpoint(), "--max-retries", "0", "--generations", "1"]
    )
    assert result.exit_code == 1, result.output
    assert "6 of 6 judge requests failed" in result.output
    assert "ConnectError" in result.output  # the cause: connection refused
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["backend"]["failures"] == 6 and "ConnectError" in report["backend"]["first_error"]


def test_failed_share_threshold_is_configurable(scripted, pair_rows, tmp_path):
    scripted.state.reset(lambda payload, index: {"status": 400} if index < 2 else {})
    pairs = write_pairs(tmp_path / "pairs.parquet", pair_rows)
    arguments = [
        "judge",
        str(pairs),
        "--endpoint",
        scripted.url,
        "--model",
        "m",
        "--generations",
        "1",
    ]
    tolerant = CliRunner().invoke(app, [*arguments, "--out", str(tmp_path / "a")])
    assert tolerant.exit_code == 0, tolerant.output  # 2 of 6 failed: not all
    scripted.state.reset(lambda payload, index: {"status": 400} if index < 2 else {})
    strict = CliRunner().invoke(
        app, [*arguments, "--out", str(tmp_path / "b"), "--max-failed-share", "0.25"]
    )
    assert strict.exit_code == 1 and "2 of 6 judge requests failed" in strict.output
    assert "HTTP 400" in strict.output


def test_wrong_columns_are_named_before_any_request(scripted, tmp_path):
    pairs = write_pairs(tmp_path / "pairs.parquet", [{"id": "x", "query": "q", "good": "a"}])
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["judge", str(pairs), "--out", str(out), "--endpoint", scripted.url, "--model", "m"]
    )
    assert result.exit_code == 2
    assert "no column prompt, chosen, rejected, language, aspect" in " ".join(result.output.split())
    assert scripted.state.calls == [] and not out.exists()
