"""Every command that writes into ``--out`` records its run there
(``curation/run_fingerprint.py``): the same command again resumes or redoes it (no error,
the same rows, none twice), a different input into the same folder stops with one line
naming the difference and never hands back the old rows, and ``--overwrite`` starts fresh.

One table: each case says how to call its command on input ``a`` or ``b`` and which rows
its output holds. ``execute`` and ``mine`` have the same test in their own files. The LLM
commands talk to the real loopback OpenAI-compatible server; ``generate`` runs its
candidates in the process sandbox.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from curation.assembly import AssemblyConfig, SplitFractions, assemble
from curation.run_fingerprint import FINGERPRINT_FILE, claim_output
from pipelines.cli import app
from pipelines.demo import DemoConfig, demo_fingerprint
from tests.fixtures.assembly_producers import row, write
from tests.fixtures.crb import make_pairs


@dataclass
class Context:
    """What a case needs: its folder (inputs live here, outputs under ``out``), the
    loopback server, and the tiny model for ``train``."""

    root: Path
    server: object
    model: Path | None = None

    @property
    def out(self) -> Path:
        return self.root / "out"


@dataclass(frozen=True)
class Case:
    name: str
    args: Callable[[Context, str], list[str]]  # the command line for input "a" or "b"
    rows: Callable[[Path], list[str]]  # the ids of the rows the output folder holds
    out_option: bool = True  # False: the output folder is named in the config file


def _pairs_file(ctx: Context, variant: str) -> Path:
    """Producer pairs: input b has other ids, prompts and code than input a."""
    path = ctx.root / f"pairs-{variant}.parquet"
    if path.exists():  # written once: a rewrite would be a new input (its mtime)
        return path
    start = 0 if variant == "a" else 500
    rows = [
        row(start + i, evidence=json.dumps({"problem_id": f"prob-{start + i}"})) for i in range(24)
    ]
    return write(path, rows)


def _crb_file(ctx: Context, variant: str) -> Path:
    path = ctx.root / f"crb-{variant}.parquet"
    if path.exists():
        return path
    frame = make_pairs(16).with_columns(pl.lit(f"{variant}-").add(pl.col("id")).alias("id"))
    frame.write_parquet(path)
    return path


def _shard_ids(folder: Path) -> list[str]:
    return [
        value
        for shard in sorted(folder.rglob("*.parquet"))
        for value in pq.read_table(shard, columns=["id"]).column("id").to_pylist()
    ]


def _column(path: Path, column: str) -> list[str]:
    return pq.read_table(path, columns=[column]).column(column).to_pylist()


def judge_args(ctx: Context, variant: str) -> list[str]:
    pairs = _pairs_file(ctx, variant)
    return ["judge", str(pairs), "--endpoint", ctx.server.root, "--model", "judge-x",
            "--aspect", "Functional_Correctness", "--generations", "2"]  # fmt: skip


def assemble_args(ctx: Context, variant: str) -> list[str]:
    return ["assemble", str(_pairs_file(ctx, variant)), "--seed", "3"]


def bench_run_args(ctx: Context, variant: str) -> list[str]:
    data = _crb_file(ctx, variant)
    return ["bench", "run", "--data", str(data), "--scorer", "longer", "--resamples", "20"]


def rescore_args(ctx: Context, variant: str) -> list[str]:
    run = ctx.root / f"made-elsewhere-{variant}"
    if not run.exists():
        made = CliRunner().invoke(app, [*bench_run_args(ctx, variant), "--out", str(run)])
        assert made.exit_code == 0, made.output
    return ["bench", "rescore", str(run / "scores.parquet"), "--resamples", "20"]


def run_args(ctx: Context, variant: str) -> list[str]:
    """``codepref run`` of a benchmark pipeline on a dataset assembled from input a or b."""
    dataset = ctx.root / f"dataset-{variant}"
    if not dataset.exists():
        splits = SplitFractions.parse("0.5,0.25,0.25")
        assemble([_pairs_file(ctx, variant)], dataset, AssemblyConfig(splits=splits))
    config = ctx.root / f"benchmark-{variant}.yaml"
    if not config.exists():
        config.write_text(f"pipeline: benchmark\ndataset: {dataset}\nout: {ctx.out}\n")
    return ["run", str(config)]


def generate_args(ctx: Context, variant: str) -> list[str]:
    problem = {
        "id": f"double-{variant}",
        "prompt": "Read n. Print 2n.",
        "languages": ["Python"],
        "tests": [{"input": "3\n", "output": "6\n"}, {"input": "5\n", "output": "10\n"}],
    }
    problems = ctx.root / f"problems-{variant}.jsonl"
    if not problems.exists():
        problems.write_text(json.dumps(problem) + "\n")
    return ["generate", str(problems), "--endpoint", ctx.server.url, "--model", "scripted",
            "--n", "2", "--sandbox", "process", "--repeats", "1"]  # fmt: skip


def train_args(ctx: Context, variant: str) -> list[str]:
    return ["train", "--pairs", str(_pairs_file(ctx, variant)), "--model", str(ctx.model),
            "--max-steps", "1", "--micro-batch-size", "2", "--global-batch-size", "2",
            "--max-length", "64"]  # fmt: skip


CASES = [
    Case("judge", judge_args, lambda out: _column(out / "judgements.parquet", "pair_id")),
    Case("assemble", assemble_args, lambda out: _shard_ids(out / "data")),
    Case("bench run", bench_run_args, lambda out: _column(out / "scores.parquet", "id")),
    Case("bench rescore", rescore_args, lambda out: _column(out / "scores.parquet", "id")),
    Case("run", run_args, lambda out: _column(out / "benchmark.parquet", "id"), False),
    Case("generate", generate_args, lambda out: _shard_ids(out / "solutions")),
    Case("train", train_args, lambda out: _column(out / "system_prompts.parquet", "id")),
]
SLOW = {"generate", "train"}
PARAMS = [
    pytest.param(case, id=case.name, marks=[pytest.mark.slow] if case.name in SLOW else [])
    for case in CASES
]


@pytest.fixture
def context(request, tmp_path: Path, scripted, content_judge) -> Context:
    # The judge prefers the chosen side; the candidate model writes one right and one
    # wrong program, so that generate has a pair.
    def answer(payload: dict, index: int) -> dict:
        if "<verdict>" in json.dumps(payload["messages"]):
            return {"text": content_judge(payload)}
        right, wrong = "print(int(input()) * 2)", "print(int(input()) + 2)"
        return {"texts": [f"```python\n{right}\n```", f"```python\n{wrong}\n```"]}

    scripted.state.reset(answer)
    case = request.node.callspec.params["case"]
    model = request.getfixturevalue("tiny_bert") if case.name == "train" else None
    return Context(tmp_path, scripted, model)


def invoke(ctx: Context, case: Case, variant: str, *extra: str):
    out = ["--out", str(ctx.out)] if case.out_option else []
    return CliRunner().invoke(app, [*case.args(ctx, variant), *out, *extra])


@pytest.mark.parametrize("case", PARAMS)
def test_a_different_run_into_the_same_out_is_refused_and_overwrite_starts_fresh(
    case: Case, context: Context
) -> None:
    first = invoke(context, case, "a")
    assert first.exit_code == 0, first.output
    rows_a = case.rows(context.out)
    assert rows_a, "input a made no rows: the test could not tell runs apart"
    second = invoke(context, case, "b")
    assert second.exit_code == 2, second.output
    message = " ".join(second.output.split())
    assert f"holds a different run of codepref {case.name}" in message, message
    assert "--overwrite" in message and "new --out" in message
    assert "-b" in message  # the difference is named: input b's file
    assert case.rows(context.out) == rows_a  # the finished run is untouched
    fresh = invoke(context, case, "b", "--overwrite")
    assert fresh.exit_code == 0, fresh.output
    rows_b = case.rows(context.out)
    assert rows_b and not set(rows_b) & set(rows_a)


@pytest.mark.parametrize("case", PARAMS)
def test_the_same_run_again_gives_the_same_rows_once(case: Case, context: Context) -> None:
    first = invoke(context, case, "a")
    assert first.exit_code == 0, first.output
    rows = case.rows(context.out)
    again = invoke(context, case, "a")
    assert again.exit_code == 0, again.output
    assert sorted(case.rows(context.out)) == sorted(rows)
    assert len(set(rows)) == len(rows)


def test_demo_refuses_a_folder_of_another_demo_before_any_work(tmp_path: Path) -> None:
    """The demo takes minutes: here only its check, against a folder recorded by a demo
    with other options (the check runs before the first stage)."""
    out = tmp_path / "demo"
    claim_output(out, demo_fingerprint(DemoConfig(out=out, train_steps=3)))
    (out / "summary.json").write_text("{}")
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--train-steps", "4"])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert "holds a different run of codepref demo (setting train_steps: 3 -> 4)" in message
    assert sorted(path.name for path in out.iterdir()) == [FINGERPRINT_FILE, "summary.json"]
