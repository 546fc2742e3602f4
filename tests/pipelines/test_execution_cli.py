from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from curation import schema
from curation.mutation import OPERATORS
from curation.steps.execution.execute import ExecutionConfig
from curation.steps.execution.tables import pair_labels, read_table
from curation.steps.pairs.executions import PairingConfig
from pipelines.cli import app
from pipelines.execution_cli import load_inputs, run_execution_pipeline
from tests.fixtures.humaneval_x import FLAKY, KNOWN_WRONG, LANGUAGES

runner = CliRunner()
REPO_ROOT = Path(__file__).resolve().parents[2]

PROBLEM_ROWS = [
    {
        "id": "double",
        "language": "python",
        "input": "Print twice the integer read from stdin.",
        "tests": [
            {"stdin": "2\n", "expected_stdout": "4\n"},
            {"stdin": "5\n", "expected_stdout": "10\n"},
        ],
    },
]
SOLUTION_ROWS = [
    {
        "id": "double/ok",
        "problem_id": "double",
        "language": "py",
        "code": "print(int(input()) * 2)\n",
    },
    {
        "id": "double/bad",
        "problem_id": "double",
        "language": "py",
        "code": "print(int(input()) + 2)\n",
    },
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


@pytest.mark.slow
def test_execute_tables_with_mutants(tmp_path: Path) -> None:
    problems = write_jsonl(tmp_path / "problems.jsonl", PROBLEM_ROWS)
    solutions = write_jsonl(tmp_path / "solutions.jsonl", SOLUTION_ROWS)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "execute",
            str(problems),
            str(solutions),
            "--out",
            str(out),
            "--sandbox",
            "process",
            "--repeats",
            "2",
            "--mutants",
            "--max-mutants",
            "3",
        ],
    )
    assert result.exit_code == 0, result.output
    # 2 repeats, the costliest set aside: no efficiency pair can be emitted, and it says so.
    assert "use --repeats 5 or more" in " ".join(result.output.split())
    summary = json.loads((out / "summary.json").read_text())
    assert summary["problems"] == 1 and summary["problems_with_pairs"] == 1
    for name in ("solutions", "executions", "pairs"):
        schema.validate(read_table(out, name), schema.SCHEMAS[name], name)
    executions = pl.from_arrow(read_table(out, "executions"))
    assert executions.height == 2 + 2 * 3  # both originals, 3 mutants each
    ok = executions.filter(pl.col("solution_id") == "double/ok").row(0, named=True)
    assert (ok["status"], ok["repeats"], ok["tests_passed"]) == ("OK", 2, 2)
    pairs = pl.from_arrow(read_table(out, "pairs"))
    assert set(pairs["aspect"]) == {"Functional_Correctness"}
    assert summary["pairs"] == pairs.height
    statuses = dict(zip(executions["solution_id"], executions["status"], strict=True))
    for evidence in map(json.loads, pairs["evidence"]):
        assert statuses[evidence["chosen"]["solution_id"]] == "OK"
        assert statuses[evidence["rejected"]["solution_id"]] not in ("OK", "COMPILE_ERROR")
    mutants = summary["mutants"]
    assert mutants["executed"] == 6
    assert mutants["killed"] + mutants["equivalent"] <= mutants["compiled"] <= 6


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_humaneval_x_yields_correctness_pairs_for_150_problems(
    language: str, humaneval_x_file, tmp_path: Path
) -> None:
    """Python in the suite; every language in ``make conformance`` (C++, Java and Go
    compile each of ~1,000 programs: minutes of CPU each)."""
    if language != "Python" and os.environ.get("CODEPREF_FULL_CONFORMANCE") != "1":
        pytest.skip(f"{language}: only with CODEPREF_FULL_CONFORMANCE=1 (make conformance)")
    out = tmp_path / "he"
    source = humaneval_x_file(language)
    result = runner.invoke(
        app,
        [
            "execute",
            "--humaneval-x",
            str(source),
            "--mutants",
            "--out",
            str(out),
            "--sandbox",
            "process",
            "--repeats",
            "1",
            # 4 keeps the suite's Python run short; the others take the default (6), as
            # the figures in the README were measured.
            *(["--max-mutants", "4"] if language == "Python" else []),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["problems"] == 164
    assert summary["problems_with_correctness_pairs"] >= 150
    executions = pl.from_arrow(read_table(out, "executions"))
    canonical = executions.filter(pl.col("solution_id").str.ends_with("/canonical"))
    assert canonical.height == 164
    failing = {
        row["problem_id"]
        for row in canonical.iter_rows(named=True)
        if row["status"] != "OK" and row["problem_id"] not in FLAKY
    }
    assert failing == {task for task in KNOWN_WRONG if task.startswith(language)}
    statuses = dict(zip(executions["solution_id"], executions["status"], strict=True))
    pairs = pl.from_arrow(read_table(out, "pairs"))
    for evidence in map(json.loads, pairs["evidence"]):
        assert evidence["chosen"]["solution_id"].endswith("/canonical")
        assert evidence["rejected"]["origin"] == "mutant"
        assert statuses[evidence["rejected"]["solution_id"]] in (
            "WRONG_ANSWER",
            "RUNTIME_ERROR",
            "TIMEOUT",
            "MEMORY_LIMIT",
            "OUTPUT_LIMIT",
        )
    operators = {row["operator"] for row in summary["mutants_by_operator"]}
    assert operators == set(OPERATORS)
    assert summary["mutants"]["equivalent"] > 0  # reported, never paired


def test_execute_needs_exactly_one_source(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["execute", "--samples", "--humaneval-x", "x.jsonl", "--out", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert "exactly one" in result.output


def test_execute_reports_bad_rows(tmp_path: Path) -> None:
    problems = write_jsonl(tmp_path / "p.jsonl", [{"id": "a", "language": "Kotlin", "prompt": "p"}])
    solutions = write_jsonl(tmp_path / "s.jsonl", SOLUTION_ROWS)
    result = runner.invoke(app, ["execute", str(problems), str(solutions), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "p.jsonl, row 0" in " ".join(result.output.split())  # rich wraps long lines


def test_mutate_lists_and_writes_mutants(tmp_path: Path) -> None:
    source = tmp_path / "f.py"
    source.write_text("def f(n):\n    if n < 3:\n        return n - 1\n    return n\n")
    out = tmp_path / "mutants"
    result = runner.invoke(
        app,
        ["mutate", str(source), "--operators", "flip_comparison,swap_operands", "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "3 mutants" in result.output  # n <= 3, 3 < n, 1 - n
    written = sorted(path.read_text() for path in out.iterdir())
    assert any("    if n <= 3:\n" in text for text in written)
    assert any("    if 3 < n:\n" in text for text in written)
    assert any("return 1 - n" in text for text in written)
    bad = runner.invoke(app, ["mutate", str(source), "--operators", "explode"])
    assert bad.exit_code != 0


LLM_KEY = "sk-codepref-fake-0123456789abcdef"


@pytest.mark.slow
def test_llm_bugs_are_injected_executed_and_paired_without_leaking_the_key(
    scripted, tmp_path: Path
) -> None:
    """The whole --llm-bugs path against a loopback OpenAI-compatible server: the answer
    becomes an ``llm`` solution, runs in the sandbox, fails, and is the rejected side of a
    correctness pair; the API key reaches the server and nothing else."""
    scripted.state.reset(lambda payload, index: {"text": "```python\nprint(int(input()) * 3)\n```"})
    problems = write_jsonl(tmp_path / "problems.jsonl", PROBLEM_ROWS)
    solutions = write_jsonl(
        tmp_path / "solutions.jsonl", [dict(SOLUTION_ROWS[0], origin="reference")]
    )
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "execute", str(problems), str(solutions),
         "--out", str(out), "--sandbox", "process", "--repeats", "1", "--llm-bugs",
         "--endpoint", scripted.url, "--model", "scripted"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "OPENAI_API_KEY": LLM_KEY},
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(scripted.state.calls) == 1
    assert scripted.state.headers[0]["authorization"] == f"Bearer {LLM_KEY}"
    executions = pl.from_arrow(read_table(out, "executions"))
    bug = executions.filter(pl.col("solution_id") == "double/ok/llm-bug").row(0, named=True)
    assert bug["status"] != "OK" or bug["tests_passed"] < 2
    pairs = pl.from_arrow(read_table(out, "pairs"))
    correctness = pairs.filter(pl.col("aspect") == "Functional_Correctness")
    assert correctness.height == 1
    assert LLM_KEY not in result.stdout + result.stderr
    assert [p for p in out.rglob("*") if p.is_file() and LLM_KEY.encode() in p.read_bytes()] == []


def _problem(**overrides: object) -> str:
    return json.dumps({**PROBLEM_ROWS[0], **overrides}) + "\n"


SOLUTIONS_OK = json.dumps(SOLUTION_ROWS[0]) + "\n"

# (case, problems file name, its bytes, solutions bytes, what the one-line error must say)
BAD_EXECUTE_INPUTS = [
    (
        "empty parquet",
        "p.parquet",
        b"",
        SOLUTIONS_OK,
        "give a Parquet, JSON or JSON Lines table",
    ),
    ("invalid json", "p.json", b"[{bad", SOLUTIONS_OK, "p.json: invalid JSON at line 1"),
    ("bad utf-8 jsonl", "p.jsonl", b'{"id": "\xff"}\n', SOLUTIONS_OK, "p.jsonl: not UTF-8 text"),
    (
        "limits as a string",
        "p.jsonl",
        _problem(limits="fast").encode(),
        SOLUTIONS_OK,
        "p.jsonl, row 0: 'limits' must be an object",
    ),
    (
        "unknown limits key",
        "p.jsonl",
        _problem(limits={"time": 3}).encode(),
        SOLUTIONS_OK,
        "p.jsonl, row 0: unknown limits key(s) time",
    ),
    ("empty jsonl", "p.jsonl", b"", SOLUTIONS_OK, "no problems to run"),
    (
        "orphan solutions",
        "p.jsonl",
        _problem().encode(),
        json.dumps({**SOLUTION_ROWS[0], "problem_id": "other"}) + "\n",
        "none of the 1 solutions names a problem of the input (first problem_id 'other')",
    ),
]


@pytest.mark.parametrize(
    ("case", "name", "problems", "solutions", "message"),
    BAD_EXECUTE_INPUTS,
    ids=[case[0] for case in BAD_EXECUTE_INPUTS],
)
def test_execute_bad_inputs_get_one_line_errors(
    case: str, name: str, problems: bytes, solutions: str, message: str, tmp_path: Path
) -> None:
    (tmp_path / name).write_bytes(problems)
    (tmp_path / "s.jsonl").write_text(solutions)
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["execute", str(tmp_path / name), str(tmp_path / "s.jsonl"), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert message in lines[0]
    assert not out.exists()


BAD_MUTATE_SOURCES = [
    ("non-utf-8", b'print("\xff")\n', "not UTF-8 text"),
    ("over the size cap", b"x = 1\n" * 60_000, "over the 262144-byte mutation cap"),
]


@pytest.mark.parametrize(
    ("case", "source", "message"), BAD_MUTATE_SOURCES, ids=[c[0] for c in BAD_MUTATE_SOURCES]
)
def test_mutate_bad_sources_get_one_line_errors(
    case: str, source: bytes, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "code.py"
    path.write_bytes(source)
    result = runner.invoke(app, ["mutate", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert str(path) in lines[0]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing.py", "missing.py: no such file, check the path"),
        ("notes.txt", "notes.txt: unknown extension, pass --lang (one of C, CSharp"),
    ],
)
def test_mutate_bad_paths_get_one_line_errors(name: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x = 1\n")
    result = runner.invoke(app, ["mutate", str(tmp_path / name)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text("[{bad")
    arguments = [str(tmp_path / "p.json"), str(tmp_path / "p.json"), "--out", str(tmp_path)]
    result = runner.invoke(app, ["--debug", "execute", *arguments])
    assert result.exit_code != 0 and result.exception is not None
    assert type(result.exception).__name__ == "TableReadError"


@pytest.mark.slow
def test_reused_out_resumes_the_same_run_and_refuses_another(tmp_path: Path) -> None:
    problems = write_jsonl(tmp_path / "problems.jsonl", PROBLEM_ROWS)
    solutions = write_jsonl(tmp_path / "solutions.jsonl", SOLUTION_ROWS)
    out = tmp_path / "out"
    base = ["execute", str(problems), str(solutions), "--out", str(out), "--sandbox", "process"]
    first = runner.invoke(app, [*base, "--repeats", "1"])
    assert first.exit_code == 0, first.output
    assert pl.from_arrow(read_table(out, "executions")).height == 2
    again = runner.invoke(app, [*base, "--repeats", "1"])
    assert again.exit_code == 0, again.output  # same fingerprint: resumes
    other = runner.invoke(app, [*base, "--repeats", "2"])
    assert other.exit_code == 2
    message = " ".join(other.output.split())
    assert "holds a different run of codepref execute (setting repeats: 1 -> 2)" in message
    assert "--overwrite" in message
    write_jsonl(solutions, SOLUTION_ROWS[:1])  # an input changed: named too
    changed = runner.invoke(app, [*base, "--repeats", "1"])
    assert changed.exit_code == 2 and f"input solutions {solutions}" in changed.output
    fresh = runner.invoke(app, [*base, "--repeats", "2", "--overwrite"])
    assert fresh.exit_code == 0, fresh.output
    executions = pl.from_arrow(read_table(out, "executions"))
    assert executions.height == 1 and executions["repeats"].to_list() == [2]


def test_out_with_foreign_files_is_refused(tmp_path: Path) -> None:
    problems = write_jsonl(tmp_path / "problems.jsonl", PROBLEM_ROWS)
    solutions = write_jsonl(tmp_path / "solutions.jsonl", SOLUTION_ROWS)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    result = runner.invoke(
        app, ["execute", str(problems), str(solutions), "--out", str(out), "--overwrite"]
    )
    assert result.exit_code == 2 and "holds no codepref run" in result.output
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.slow
def test_execution_labels_repeat_on_the_samples(tmp_path: Path) -> None:
    """Test-retest on the garbage-collected samples (benchmarks/execution_pairs.py runs all
    40 problems three times): two runs, 1 and 2 workers, emit the same correctness pairs,
    and no efficiency pair of one run is contradicted (reversed) by the other."""
    problems, solutions = load_inputs(None, None, None, True, ("Python", "JavaScript"))
    runs = []
    for workers in (1, 2):
        out = tmp_path / f"workers-{workers}"
        config = ExecutionConfig(backend="process", workers=workers, repeats=5, progress=False)
        run_execution_pipeline(problems, solutions, out, config, PairingConfig(), None)
        runs.append(pair_labels(out))
    correctness = [{p for p in run if p[0] == "Functional_Correctness"} for run in runs]
    # fast, slow and memory beat wrong, in each of the 10 problems.
    assert len(correctness[0]) == 30 and correctness[0] == correctness[1]
    first, second = ({p for p in run if p[0] != "Functional_Correctness"} for run in runs)
    assert {(a, r, c) for a, c, r in first} & second == set()
    # The clear-cut ones (a quadratic loop, a 4M-entry table) are in both runs.
    for aspect, slower in (("Runtime_Efficiency", "slow"), ("Memory_Efficiency", "memory")):
        for problem in problems:
            assert (aspect, f"{problem.id}/fast", f"{problem.id}/{slower}") in first & second
