"""The generation pipeline end to end, against a real OpenAI-compatible HTTP server on
loopback (the judge tests' server) that answers with scripted candidates: for two
stdin/stdout problems in Python, C++ and Java, correct programs, correct programs that
format their output differently (accepted only by the problem's float or token checker),
and wrong ones, wrapped as a chat model sends them. Candidates run in the real process
sandbox."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from curation.assembly import assemble
from curation.steps.execution.execute import ExecutionConfig
from curation.steps.pairs.executions import PairingConfig
from pipelines.cli import app
from pipelines.generation import GenerationPipelineConfig, run_generation
from pipelines.run import load_pipeline

PROBLEMS = [
    {
        "id": "mean",
        "prompt": "Read n, then n integers. Print their mean.",
        "languages": ["Python", "Cpp", "Java"],
        "checker": "float:1e-6",
        "tests": [
            {"input": "3\n1 2 4\n", "output": "2.3333333333\n"},
            {"input": "2\n1 2\n", "output": "1.5\n"},
            {"input": "4\n1 1 1 2\n", "output": "1.25\n"},
        ],
    },
    {
        "id": "squares",
        "prompt": "Read n. Print the squares of 1..n separated by whitespace.",
        "languages": ["Python", "Cpp", "Java"],
        "checker": "tokens",
        "tests": [
            {"input": "3\n", "output": "1 4 9\n"},
            {"input": "1\n", "output": "1\n"},
            {"input": "5\n", "output": "1 4 9 16 25\n"},
        ],
    },
]

_JAVA_READ = "java.util.Scanner s = new java.util.Scanner(System.in);"
PROGRAMS: dict[tuple[str, str], dict[str, str]] = {
    ("mean", "Python"): {
        "correct": "n = int(input())\nv = list(map(int, input().split()))\n"
        'print(f"{sum(v) / n:.10f}")\n',
        "formatted": "n = int(input())\nv = list(map(int, input().split()))\n"
        "print(round(sum(v) / n, 7))\n",
        "wrong": "n = int(input())\nv = list(map(int, input().split()))\nprint(sum(v) // n)\n",
    },
    ("mean", "Cpp"): {
        "correct": '#include <cstdio>\nint main() { int n; long long s = 0; scanf("%d", &n);\n'
        '  for (int i = 0; i < n; i++) { int x; scanf("%d", &x); s += x; }\n'
        '  printf("%.10f\\n", (double)s / n); }\n',
        # cout's default 6 significant digits would miss 1e-6 on 2.333...: 9 do not.
        "formatted": "#include <iostream>\nint main() { int n; long long s = 0; std::cin >> n;\n"
        "  for (int i = 0; i < n; i++) { int x; std::cin >> x; s += x; }\n"
        "  std::cout.precision(9); std::cout << (double)s / n << std::endl; }\n",
        "wrong": '#include <cstdio>\nint main() { int n; long long s = 0; scanf("%d", &n);\n'
        '  for (int i = 0; i < n; i++) { int x; scanf("%d", &x); s += x; }\n'
        '  printf("%lld\\n", s / n); }\n',
    },
    ("mean", "Java"): {
        "correct": "public class Main { public static void main(String[] a) { "
        + _JAVA_READ
        + " int n = s.nextInt(); long t = 0; for (int i = 0; i < n; i++) t += s.nextInt();"
        ' System.out.println(String.format(java.util.Locale.ROOT, "%.10f", (double) t / n)); } }\n',
        "formatted": "public class Main { public static void main(String[] a) { "
        + _JAVA_READ
        + " int n = s.nextInt(); long t = 0; for (int i = 0; i < n; i++) t += s.nextInt();"
        " System.out.println((double) t / n); } }\n",
        "wrong": "public class Main { public static void main(String[] a) { "
        + _JAVA_READ
        + " int n = s.nextInt(); long t = 0; for (int i = 0; i < n; i++) t += s.nextInt();"
        " System.out.println(t / n); } }\n",
    },
    ("squares", "Python"): {
        "correct": "n = int(input())\nprint(*[i * i for i in range(1, n + 1)])\n",
        "formatted": "n = int(input())\nfor i in range(1, n + 1):\n    print(i * i)\n",
        "wrong": "n = int(input())\nprint(*[i * i for i in range(1, n)])\n",
    },
    ("squares", "Cpp"): {
        "correct": '#include <cstdio>\nint main() { int n; scanf("%d", &n);\n'
        "  for (int i = 1; i <= n; i++) printf(\"%d%c\", i * i, i == n ? '\\n' : ' '); }\n",
        "formatted": '#include <cstdio>\nint main() { int n; scanf("%d", &n);\n'
        '  for (int i = 1; i <= n; i++) printf("%d\\n", i * i); }\n',
        "wrong": '#include <cstdio>\nint main() { int n; scanf("%d", &n);\n'
        '  for (int i = 1; i <= n; i++) printf("%d ", i * i + (i == n)); puts(""); }\n',
    },
    ("squares", "Java"): {
        "correct": "public class Main { public static void main(String[] a) { "
        + _JAVA_READ
        + " int n = s.nextInt(); StringBuilder b = new StringBuilder();"
        ' for (int i = 1; i <= n; i++) b.append(i * i).append(i == n ? "" : " ");'
        " System.out.println(b); } }\n",
        "formatted": "public class Main { public static void main(String[] a) { "
        + _JAVA_READ
        + " int n = s.nextInt(); for (int i = 1; i <= n; i++) System.out.println(i * i); } }\n",
        "wrong": "public class Main { public static void main(String[] a) { "
        + _JAVA_READ
        + " int n = s.nextInt(); for (int i = 0; i < n; i++) System.out.println(i * i); } }\n",
    },
}
FENCE = {"Python": "python", "Cpp": "cpp", "Java": "java"}
COMMENT = {"Python": "#", "Cpp": "//", "Java": "//"}
DISPLAY = {"Python": "Python", "Cpp": "C++", "Java": "Java"}


def answers(problem_id: str, language: str) -> list[str]:
    """Seven answers: two correct, one correct with other formatting, two wrong, one
    without a code block and one whose block is in another language."""
    programs = PROGRAMS[(problem_id, language)]
    comment = COMMENT[language]
    codes = [
        programs["correct"],
        f"{comment} straightforward\n{programs['correct']}",
        programs["formatted"],
        programs["wrong"],
        f"{comment} quick version\n{programs['wrong']}",
    ]
    texts = [f"Here is my solution.\n\n```{FENCE[language]}\n{code}```\n" for code in codes]
    texts.append("I would loop over the input and print the answer.")
    texts.append("```text\nprint(42)\n```")
    return texts


def correct_codes() -> set[str]:
    return {
        code
        for text_list in (answers(p, lang) for p, lang in PROGRAMS)
        for code in (t.split("\n", 3)[-1].rsplit("```", 1)[0] for t in text_list[:3])
    }


def wrong_codes() -> set[str]:
    return {
        code
        for text_list in (answers(p, lang) for p, lang in PROGRAMS)
        for code in (t.split("\n", 3)[-1].rsplit("```", 1)[0] for t in text_list[3:5])
    }


def scripted_answers(payload: dict) -> list[str]:
    """The answers for a request, found from the problem and language in its prompt."""
    user = payload["messages"][-1]["content"]
    problem = "mean" if "mean" in user else "squares"
    language = next(lang for lang, name in DISPLAY.items() if f"in {name}." in user)
    return answers(problem, language)[: int(payload.get("n") or 1)]


def write_problems(path: Path, problems: list[dict] | None = None) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in problems or PROBLEMS))
    return path


@pytest.fixture
def server(loopback_llm):
    return loopback_llm


def _scripted(server) -> None:
    server.reset(lambda payload, index: server.reply(texts=scripted_answers(payload)))


def _config(tmp_path: Path, server, **overrides) -> GenerationPipelineConfig:
    values = dict(
        problems=write_problems(tmp_path / "problems.jsonl"),
        out=tmp_path / "out",
        endpoint=server.url,
        model="scripted",
        n=7,
        execution=ExecutionConfig(backend="process", workers=2, repeats=1, progress=False),
        pairing=PairingConfig(max_pairs_per_aspect=4),
    )
    values.update(overrides)
    return GenerationPipelineConfig(**values)


def _read(out: Path, name: str) -> list[dict]:
    return [
        row
        for shard in sorted((out / name).glob("*.parquet"))
        for row in pq.read_table(shard).to_pylist()
    ]


@pytest.mark.slow
def test_pairs_choose_correct_candidates_and_reject_wrong_ones(tmp_path: Path, server) -> None:
    _scripted(server)
    summary = run_generation(_config(tmp_path, server))
    out = tmp_path / "out"
    assert len(server.calls) == 6  # one request of n=7 per problem and language
    solutions = _read(out, "solutions")
    assert len(solutions) == 6 * 5 and {s["origin"] for s in solutions} == {"llm"}
    meta = json.loads(solutions[0]["meta"])
    assert meta["model"] == "scripted" and meta["template"] == "candidate"
    assert {json.loads(s["meta"])["sample"] for s in solutions} == {0, 1, 2, 3, 4}
    # The answer without a block and the one tagged ``text`` are counted, never run.
    assert summary["generation"]["candidates"] == 30
    assert summary["generation"]["extraction_failures"] == 12
    status = {e["solution_id"]: e["status"] for e in _read(out, "executions")}
    for solution in solutions:
        want = "OK" if solution["code"] in correct_codes() else "WRONG_ANSWER"
        assert solution["code"] in correct_codes() | wrong_codes()
        # The differently formatted correct answers pass: float and token checkers.
        assert status[solution["id"]] == want, solution["id"]
    pairs = [p for p in _read(out, "pairs") if p["aspect"] == "Functional_Correctness"]
    assert len(pairs) == 6 * 4  # k = 4 of the 3 x 2 possible per problem
    for pair in pairs:
        assert pair["chosen"] in correct_codes() and pair["rejected"] in wrong_codes()
        evidence = json.loads(pair["evidence"])
        assert evidence["chosen"]["status"] == "OK"
        assert evidence["rejected"]["status"] == "WRONG_ANSWER"
    assert {p["language"] for p in pairs} == {"Python", "Cpp", "Java"}
    assert summary["pairs_by_aspect"]["Functional_Correctness"] == 24


@pytest.mark.slow
def test_a_rerun_pays_for_no_request_twice(tmp_path: Path, server) -> None:
    problems = [dict(PROBLEMS[0], languages=["Python"]), dict(PROBLEMS[1], languages=["Python"])]
    path = write_problems(tmp_path / "python.jsonl", problems)

    def first(payload: dict, index: int):
        if "squares" in payload["messages"][-1]["content"]:
            return server.reply(status=400)  # not retried: the request fails for good
        return server.reply(texts=scripted_answers(payload))

    server.reset(first)
    config = _config(tmp_path, server, problems=path)
    summary = run_generation(config)
    assert len(server.calls) == 2 and summary["generation"]["candidates"] == 5
    _scripted(server)
    shutil.rmtree(tmp_path / "out" / "logs")  # datatrove would skip the finished task
    summary = run_generation(_config(tmp_path, server, problems=path))
    # Only the failed request is sent again; the answered one comes from the cache.
    assert len(server.calls) == 1 and "squares" in server.calls[0]["messages"][-1]["content"]
    assert summary["generation"]["candidates"] == 10
    calls = len(server.calls)
    shutil.rmtree(tmp_path / "out" / "logs")
    run_generation(_config(tmp_path, server, problems=path))
    assert len(server.calls) == calls


@pytest.mark.slow
def test_cli_and_run_config_reach_the_same_pipeline(tmp_path: Path, server, monkeypatch) -> None:
    _scripted(server)
    # squares has a known-wrong submission (its suite's TNR is measured: 1.0; it is not
    # a candidate, so it is in no pair), mean none.
    wrong = {"language": "Python", "code": "print(0)\n", "correct": False}
    problems = write_problems(
        tmp_path / "squares.jsonl",
        [
            dict(PROBLEMS[1], languages=["Python"], solutions=[wrong]),
            dict(PROBLEMS[0], languages=["Python"]),
        ],
    )
    monkeypatch.setenv("CODEPREF_JUDGE_URL", server.url)
    monkeypatch.setenv("CODEPREF_JUDGE_API_KEY", "sk-secret-do-not-log")
    out = tmp_path / "cli"
    result = CliRunner().invoke(
        app,
        [
            "generate",
            str(problems),
            "--model",
            "scripted",
            "--n",
            "7",
            "--out",
            str(out),
            "--sandbox",
            "process",
            "--repeats",
            "1",
            "--min-tnr",
            "0.5",
        ],
    )
    assert result.exit_code == 0, result.output
    assert server.headers[-1]["authorization"] == "Bearer sk-secret-do-not-log"
    # mean has no known-wrong solution: its TNR is unknown and the gate drops its pairs.
    summary = json.loads((out / "summary.json").read_text())
    assert summary["generation"]["tnr"] == {"1.0": 1, "none": 1}
    assert summary["generation"]["pairs_dropped_by_tnr"] == 4
    pairs = _read(out, "pairs")
    assert {json.loads(p["evidence"])["problem_id"] for p in pairs} == {"squares/Python"}
    assert all(json.loads(p["evidence"])["test_suite"]["tnr"] == 1.0 for p in pairs)
    assert all(p["rejected"] in wrong_codes() for p in pairs)
    # The dataset card reports the distribution of suite TNR over the pairs.
    card = assemble([out / "pairs"], tmp_path / "dataset").path / "README.md"
    assert f"| 1.0 | {len(pairs)} |" in card.read_text()
    for path in out.rglob("*"):
        if path.is_file() and path.suffix != ".sqlite":
            assert b"sk-secret-do-not-log" not in path.read_bytes(), path
    config = tmp_path / "generation.yaml"
    config.write_text(
        f"pipeline: generation\nproblems: {problems}\nout: {tmp_path / 'run'}\n"
        f"endpoint: {server.url}\nmodel: scripted\nn: 7\n"
        "execution: {backend: process, repeats: 1, progress: false}\n"
    )
    name, spec, loaded = load_pipeline(config)
    assert name == "generation" and loaded.n == 7 and loaded.execution.backend == "process"
    summary = spec.run(loaded)
    assert summary["pairs_by_aspect"] == {"Functional_Correctness": 8}
    bad = CliRunner().invoke(app, ["generate", str(problems), "--layout", "apps"])
    assert bad.exit_code == 2 and "layout must be one of" in bad.output


def test_engines_and_endpoint_fallback(tmp_path: Path, monkeypatch) -> None:
    from curation.judge.backends import OpenAIConfig, VLLMBackend, VLLMConfig, make_backend

    base = {"problems": tmp_path / "p.jsonl", "out": tmp_path / "out", "model": "m"}
    vllm = GenerationPipelineConfig(**base, engine="vllm").backend()
    # The offline engine goes through the judge's backend abstraction (vllm imported late).
    assert vllm == VLLMConfig(model="m") and isinstance(make_backend(vllm), VLLMBackend)
    monkeypatch.delenv("CODEPREF_JUDGE_URL", raising=False)
    with pytest.raises(ValueError, match="CODEPREF_JUDGE_URL"):
        GenerationPipelineConfig(**base).backend()
    monkeypatch.setenv("CODEPREF_JUDGE_URL", "http://127.0.0.1:9")
    openai = GenerationPipelineConfig(**base, n=3, seed=5).generation()
    assert openai.backend == OpenAIConfig(base_url="http://127.0.0.1:9/v1", model="m")
    assert (openai.sampling.n, openai.sampling.seed) == (3, 5)
    for bad, message in [({"engine": "tgi"}, "engine must be"), ({"layout": "apps"}, "layout")]:
        with pytest.raises(ValueError, match=message):
            GenerationPipelineConfig(**base, **bad)


@pytest.mark.slow
def test_mutants_measure_tnr_and_generated_inputs_join_the_tests(tmp_path: Path, server) -> None:
    def respond(payload: dict, index: int):
        if "new test inputs" in payload["messages"][-1]["content"]:
            inputs = "".join(f"```input\n{n}\n```\n" for n in (2, 6, 3))  # 3: a known test
            return server.reply(texts=[inputs])
        return server.reply(texts=scripted_answers(payload))

    server.reset(respond)
    reference = {
        "language": "Python",
        "correct": True,
        "code": PROGRAMS[("squares", "Python")]["correct"],
    }
    path = write_problems(
        tmp_path / "ref.jsonl", [dict(PROBLEMS[1], languages=["Python"], solutions=[reference])]
    )
    config = _config(tmp_path, server, problems=path, mutants=True, min_tests=5, test_inputs=3)
    summary = run_generation(config)
    [problem] = _read(tmp_path / "out", "problems")
    # Outputs of the new inputs come from the reference, not from the model.
    assert [t["expected_stdout"] for t in problem["tests"][3:]] == ["1 4\n", "1 4 9 16 25 36\n"]
    [quality] = _read(tmp_path / "out", "test_quality")
    assert (quality["tests"], quality["tests_generated"], quality["inputs_dropped"]) == (5, 2, 1)
    assert {e["tests_total"] for e in _read(tmp_path / "out", "executions")} == {5}
    assert quality["positives"] == 1 and quality["tpr"] == 1.0
    assert quality["negatives"] == summary["mutants"]["executed"] > 0
    assert quality["tnr"] == summary["mutants"]["killed"] / summary["mutants"]["executed"]
    pairs = _read(tmp_path / "out", "pairs")
    assert len(pairs) == 4
    assert all(p["chosen"] in correct_codes() and p["rejected"] in wrong_codes() for p in pairs)


@pytest.mark.slow
def test_runtime_pairs_between_passing_candidates_use_the_significance_rules(
    tmp_path: Path, server
) -> None:
    fast = PROGRAMS[("squares", "Python")]["correct"]
    slow = "total = 0\nfor i in range(3_000_000):\n    total += i\n" + fast
    texts = [f"```python\n{code}```" for code in (fast, slow)]
    server.reset(lambda payload, index: server.reply(texts=texts))
    path = write_problems(tmp_path / "rt.jsonl", [dict(PROBLEMS[1], languages=["Python"])])
    execution = ExecutionConfig(backend="process", workers=2, repeats=5, progress=False)
    run_generation(_config(tmp_path, server, problems=path, n=2, execution=execution))
    pairs = _read(tmp_path / "out", "pairs")
    assert [p["aspect"] for p in pairs] == ["Runtime_Efficiency"]
    assert (pairs[0]["chosen"], pairs[0]["rejected"]) == (fast, slow)
    evidence = json.loads(pairs[0]["evidence"])
    assert evidence["measure"] == "cpu_s" and evidence["p_value"] < 0.05
