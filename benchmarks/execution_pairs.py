"""Benchmark of execution labelling: pairs per minute end to end, and measure stability.

1. The whole pipeline (read, [mutate], execute with repeats, pair, write Parquet) on the
   bundled sample set (40 problems, 160 solutions, 5 repeats of passing solutions) and on
   HumanEval-X Python with mutants, with 2 sandbox workers; the peer is the same
   HumanEval-X run with 1 worker, measured in the same invocation.
2. Stability of the runtime measure: one program (the bundled C ``triangular_sum`` slow
   solution on a fixed input) run 10 times; the coefficient of variation of its
   instruction counts against that of its CPU time. The process backend counts
   instructions under valgrind, so that side runs ~50x slower per run.
3. Test-retest of the labels: the pipeline on the bundled samples three times (1, 2 and 2
   workers); the Functional_Correctness pairs must be identical and the
   Runtime/Memory pairs must agree on >= 99% (a pair counts as agreeing when every run
   emitted it; the figure is pairs in all runs / pairs in any run). Exits 1 below that.

    .venv/bin/python benchmarks/execution_pairs.py [--no-peer] [--repeats 5] [--retest-only]

``CODEPREF_SHARED_DATA`` names the reference data folder when it is not ``../shared/data``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path, and its sandbox.py benchmark would
# shadow the sandbox package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
SHARED_DATA = Path(os.environ.get("CODEPREF_SHARED_DATA", REPO.parent / "shared" / "data"))
HUMANEVAL_PYTHON = SHARED_DATA / "humaneval-x" / "python.jsonl.gz"
RETEST_WORKERS = (1, 2, 2)
RETEST_AGREEMENT = 0.99
console = Console(width=140)


def pipeline_run(
    name: str, source: str, workers: int, repeats: int, mutants: bool, keep_pairs: bool = False
) -> dict:
    from curation.steps.execution.execute import ExecutionConfig
    from curation.steps.execution.mutate import MutationConfig
    from curation.steps.execution.tables import pair_labels
    from curation.steps.pairs.executions import PairingConfig
    from pipelines.execution_cli import load_inputs, run_execution_pipeline

    if source == "samples":
        problems, solutions = load_inputs(None, None, None, True, None)
    else:
        problems, solutions = load_inputs(None, None, Path(source), False, None)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        summary = run_execution_pipeline(
            problems,
            solutions,
            Path(folder),
            ExecutionConfig(backend="process", workers=workers, repeats=repeats, progress=False),
            PairingConfig(),
            MutationConfig(max_mutants=4) if mutants else None,
        )
        seconds = time.perf_counter() - start
        labels = pair_labels(folder) if keep_pairs else set()
    # First runs, plus the repeats of passing solutions.
    runs = summary["solutions"] + (repeats - 1) * summary["executions_by_status"].get("OK", 0)
    return {
        "name": name,
        "workers": workers,
        "problems": summary["problems"],
        "runs": runs,
        "pairs": summary["pairs"],
        "by_aspect": summary["pairs_by_aspect"],
        "seconds": seconds,
        "pairs_per_minute": 60 * summary["pairs"] / seconds,
        "labels": labels,
    }


def retest(repeats: int) -> dict:
    """Three pipeline runs on the samples: FC identical, Runtime/Memory agreement."""
    runs = [
        pipeline_run("retest", "samples", workers, repeats, mutants=False, keep_pairs=True)
        for workers in RETEST_WORKERS
    ]
    labels = [run["labels"] for run in runs]
    result = {"runs": runs}
    for group, aspects in (
        ("correctness", {"Functional_Correctness"}),
        ("efficiency", {"Runtime_Efficiency", "Memory_Efficiency"}),
    ):
        chosen = [{p for p in run if p[0] in aspects} for run in labels]
        union, common = set.union(*chosen), set.intersection(*chosen)
        result[group] = {
            "per_run": [len(c) for c in chosen],
            "union": len(union),
            "common": len(common),
            "agreement": len(common) / len(union) if union else 1.0,
            "unstable": sorted(union - common),
        }
    return result


def coefficient_of_variation(values: list[float]) -> float:
    mean = statistics.fmean(values)
    return statistics.stdev(values) / mean if mean else float("nan")


def stability(repeats: int = 10) -> dict:
    from curation.samples import load_samples
    from sandbox import Job, Program, TestCase, open_sandbox

    _, solutions = load_samples(("C",))
    code = next(s.code for s in solutions if s.id == "sample/C/triangular_sum/slow")
    # A harness-style run (no expected stdout): the measurement, not the answer, matters.
    job = Job(Program("C", code), (TestCase("4000\n"),))
    with open_sandbox("process", workers=1) as plain:
        cpu = [plain.run(job.program, job.tests).cpu_s for _ in range(repeats)]
    with open_sandbox("process", workers=1, count_instructions=True) as counting:
        counted = [counting.run(job.program, job.tests) for _ in range(repeats)]
    instructions = [float(result.instructions or 0) for result in counted]
    return {
        "cpu_s": cpu,
        "instructions": instructions,
        "cv_cpu": coefficient_of_variation(cpu),
        "cv_instructions": coefficient_of_variation(instructions),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of passing solutions")
    parser.add_argument("--no-peer", action="store_true", help="skip the 1-worker peer run")
    parser.add_argument("--retest-only", action="store_true", help="only the test-retest part")
    args = parser.parse_args()
    if not args.retest_only:
        throughput(args)
    if not print_retest(retest(args.repeats)):
        sys.exit(1)


def print_retest(measured: dict) -> bool:
    table = Table(title="test-retest: bundled samples, 3 runs (1, 2, 2 workers)")
    for column in ("labels", "pairs per run", "in any run", "in every run", "agreement"):
        table.add_column(column)
    for name in ("correctness", "efficiency"):
        row = measured[name]
        table.add_row(
            "Functional_Correctness" if name == "correctness" else "Runtime + Memory",
            " / ".join(map(str, row["per_run"])),
            str(row["union"]),
            str(row["common"]),
            f"{100 * row['agreement']:.1f}%",
        )
    console.print(table)
    for name in ("correctness", "efficiency"):
        for aspect, chosen, rejected in measured[name]["unstable"]:
            console.print(f"not in every run: {aspect} {chosen} > {rejected}")
    correct = measured["correctness"]["agreement"] == 1.0
    stable = measured["efficiency"]["agreement"] >= RETEST_AGREEMENT
    console.print(
        f"FC labels identical: {correct}; Runtime/Memory agreement "
        f"{100 * measured['efficiency']['agreement']:.1f}% (needs >= {100 * RETEST_AGREEMENT:.0f}%)"
    )
    return correct and stable


def throughput(args: argparse.Namespace) -> None:

    rows = [pipeline_run("bundled samples", "samples", 2, args.repeats, mutants=False)]
    if HUMANEVAL_PYTHON.is_file():
        rows.append(pipeline_run("HumanEval-X Python + mutants", str(HUMANEVAL_PYTHON), 2, 1, True))
        if not args.no_peer:
            rows.append(
                pipeline_run("HumanEval-X Python + mutants", str(HUMANEVAL_PYTHON), 1, 1, True)
            )
    else:
        console.print(f"[yellow]{HUMANEVAL_PYTHON} not found: HumanEval-X rows skipped")
    table = Table(title="execution pairs, end to end (process sandbox)")
    for column in ("input", "workers", "problems", "runs", "pairs", "FC/RE/ME", "s", "pairs/min"):
        table.add_column(column)
    for row in rows:
        aspects = row["by_aspect"]
        table.add_row(
            row["name"],
            str(row["workers"]),
            str(row["problems"]),
            str(row["runs"]),
            str(row["pairs"]),
            "/".join(
                str(aspects.get(a, 0))
                for a in ("Functional_Correctness", "Runtime_Efficiency", "Memory_Efficiency")
            ),
            f"{row['seconds']:.1f}",
            f"{row['pairs_per_minute']:.0f}",
        )
    console.print(table)

    measured = stability()
    table = Table(title="runtime measure stability: 10 runs of one program")
    for column in ("measure", "median", "min", "max", "coefficient of variation"):
        table.add_column(column)
    for name, key, cv in (
        ("CPU time (s)", "cpu_s", "cv_cpu"),
        ("instructions", "instructions", "cv_instructions"),
    ):
        values = measured[key]
        table.add_row(
            name,
            f"{statistics.median(values):.6g}",
            f"{min(values):.6g}",
            f"{max(values):.6g}",
            f"{measured[cv]:.2e}",
        )
    console.print(table)
    if measured["cv_instructions"] == 0:
        console.print("instruction counts: identical in every run (CV 0); CPU time varies")
    else:
        ratio = measured["cv_cpu"] / measured["cv_instructions"]
        console.print(f"instruction counts are {ratio:.0f}x more stable than CPU time (CV ratio)")


if __name__ == "__main__":
    main()
