"""``codepref sandbox run | check | images | supervisor``."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pipelines.cli import app

runner = CliRunner()


@pytest.fixture
def adder(tmp_path):
    source = tmp_path / "add.py"
    source.write_text("a, b = map(int, input().split())\nprint(a + b)\n")
    return source


def test_run_with_tests_file(adder, tmp_path):
    tests = tmp_path / "tests.jsonl"
    tests.write_text(
        json.dumps({"stdin": "1 2\n", "expected_stdout": "3\n"})
        + "\n"
        + json.dumps({"input": "2 2\n", "output": "4"})
        + "\n"
    )
    result = runner.invoke(
        app, ["sandbox", "run", str(adder), "--tests", str(tests), "--sandbox", "process"]
    )
    assert result.exit_code == 0, result.output
    assert "sandbox backend: process" in result.output
    assert "OK" in result.output


def test_run_with_stdin_and_json_output(adder, tmp_path):
    stdin = tmp_path / "in.txt"
    stdin.write_text("20 22\n")
    result = runner.invoke(
        app,
        ["sandbox", "run", str(adder), "--stdin", str(stdin), "--sandbox", "process", "--json"],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output[result.output.index("{") :])
    assert payload["status"] == "OK"
    assert payload["tests"][0]["stdout_tail"] == "42\n"


def test_run_fails_on_a_wrong_answer_and_names_a_bad_test_line(adder, tmp_path):
    tests = tmp_path / "tests.jsonl"
    tests.write_text(json.dumps({"stdin": "1 1\n", "expected_stdout": "3\n"}) + "\n")
    wrong = runner.invoke(
        app, ["sandbox", "run", str(adder), "--tests", str(tests), "--sandbox", "process"]
    )
    assert wrong.exit_code == 1
    assert "WRONG_ANSWER" in wrong.output
    tests.write_text('{"stdin": "1 1\\n"}\nnot json\n')
    bad = runner.invoke(app, ["sandbox", "run", str(adder), "--tests", str(tests)])
    assert bad.exit_code != 0
    assert "line 2" in bad.output


def test_run_needs_a_language_it_can_tell(tmp_path):
    source = tmp_path / "program.txt"
    source.write_text("print(1)\n")
    result = runner.invoke(app, ["sandbox", "run", str(source), "--sandbox", "process"])
    assert result.exit_code != 0
    explicit = runner.invoke(
        app, ["sandbox", "run", str(source), "--lang", "py", "--sandbox", "process"]
    )
    assert explicit.exit_code == 0, explicit.output


def test_images_lists_every_language(docker_client, host_image):
    result = runner.invoke(app, ["sandbox", "images"])
    assert result.exit_code == 0, result.output
    for language in ("CSharp", "JavaScript", "Ruby"):
        assert language in result.output


@pytest.mark.slow
def test_check_reports_every_toolchain(docker_client, host_image):
    result = runner.invoke(app, ["sandbox", "check", "--sandbox", "docker"])
    assert "docker engine" in result.output
    assert "supervisor binary" in result.output
    for language in ("C ", "Cpp", "Java", "Go", "Ruby"):
        assert f"{language}" in result.output
    assert result.exit_code == 0, result.output


def test_supervisor_is_copied_where_asked(tmp_path):
    from sandbox.supervisor_binary import BINARY_NAME, cached_binary

    out = tmp_path / BINARY_NAME
    result = runner.invoke(app, ["sandbox", "supervisor", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    assert out.read_bytes() == cached_binary().read_bytes()


def test_run_refuses_without_namespaces_unless_the_risk_is_named(adder, tmp_path, monkeypatch):
    # The kernel here grants namespaces; what a kernel that refuses them looks like is
    # what detect_isolation answers, so that answer is replaced.
    from sandbox.backends import process

    monkeypatch.setattr(process, "detect_isolation", lambda: process.Isolation.NONE)
    stdin = tmp_path / "in.txt"
    stdin.write_text("1 2\n")
    argv = ["sandbox", "run", str(adder), "--stdin", str(stdin), "--sandbox", "process"]
    refused = runner.invoke(app, argv)
    assert refused.exit_code == 2
    assert "REFUSED" in refused.output and "--unsafe-no-isolation" in refused.output
    allowed = runner.invoke(app, [*argv, "--unsafe-no-isolation"])
    assert allowed.exit_code == 0, allowed.output
    assert "3" in allowed.output


# (case, source bytes, extra options, what the one-line error must say)
BAD_RUNS = [
    ("non-utf-8 source", b'print("\xff")\n', [], "not UTF-8 text"),
    ("unknown language", b"print(1)\n", ["--lang", "Fortran"], "unknown language 'Fortran'"),
    (
        "unknown backend",
        b"print(1)\n",
        ["--sandbox", "bogus"],
        "expected one of auto, docker, process",
    ),
    ("negative time", b"print(1)\n", ["--time", "-1"], "limit time_s must be a positive number"),
    ("zero memory", b"print(1)\n", ["--memory", "0"], "limit memory_mb must be a positive number"),
]


@pytest.mark.parametrize(
    ("case", "source", "options", "message"), BAD_RUNS, ids=[c[0] for c in BAD_RUNS]
)
def test_run_bad_inputs_get_one_line_errors(case, source, options, message, tmp_path):
    path = tmp_path / "code.py"
    path.write_bytes(source)
    result = runner.invoke(app, ["sandbox", "run", str(path), *options])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
