"""End-to-end rows/s per stage of the ``commits`` pipeline, with 1 and 2 workers.

A generated repository of single-file commits (``--commits``, default 20,000) is mined by
the whole ``commits`` pipeline (the mining stages + the pair stage) twice in one run:
once with 1 worker and once with 2 (tasks = workers). Each stage is timed on its own, in
dependency order; scaling efficiency is the 2-worker speed-up divided by 2. Peak memory is
the largest resident set of this process and of the worker processes it forked.

    python benchmarks/pipeline.py [--commits 20000]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from curation.executors import ExecutorConfig
from pipelines.commits import CommitsPipelineConfig, build_commit_executors
from pipelines.mining import STAGES, MiningConfig, preload_for_fork

# The test-only generators live in tests/fixtures, which does not ship; run as a script,
# the repository root is not on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fixtures.synthetic_repos import build_repository, single_file_history

STAGE_NAMES = (*STAGES, "pairs")  # the mining stages, then the pair stage


def run_once(repo: Path, out: Path, workers: int) -> dict[str, float]:
    config = CommitsPipelineConfig(
        mining=MiningConfig(
            output=out,
            repos=[repo],
            license="MIT",
            keep_untagged=True,
            executor=ExecutorConfig(tasks=workers, workers=workers, start_method="fork"),
        )
    )
    started = time.perf_counter()
    executors = build_commit_executors(config)
    seconds: dict[str, float] = {"setup": time.perf_counter() - started}
    for name, executor in zip(STAGE_NAMES, executors, strict=True):
        started = time.perf_counter()
        executor.run()
        seconds[name] = time.perf_counter() - started
    return seconds


def peak_rss_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=20_000)
    args = parser.parse_args()
    console = Console()
    with tempfile.TemporaryDirectory(prefix="codepref-pipeline-") as tmp:
        root = Path(tmp)
        repo = root / "history.git"
        build_repository(repo, single_file_history(args.commits), bare=True)
        # Both runs fork their workers from this process: the imports they share are made
        # once, here, and reported apart, so that neither run is charged for the other.
        started = time.perf_counter()
        preload_for_fork(ExecutorConfig(start_method="fork"))
        preload_s = time.perf_counter() - started
        timings = {workers: run_once(repo, root / f"out{workers}", workers) for workers in (1, 2)}
    table = Table(title=f"commits pipeline, {args.commits:,} single-file commits, rows/s")
    for column in ("stage", "1 worker s", "1 worker rows/s", "2 workers s", "2 workers rows/s"):
        table.add_column(column, justify="left" if column == "stage" else "right")
    table.add_column("scaling efficiency", justify="right")
    for name in ("setup", *STAGE_NAMES, "total"):
        one = timings[1][name] if name != "total" else sum(timings[1].values())
        two = timings[2][name] if name != "total" else sum(timings[2].values())
        table.add_row(
            name,
            f"{one:.2f}",
            f"{args.commits / one:,.0f}",
            f"{two:.2f}",
            f"{args.commits / two:,.0f}",
            f"{one / two / 2:.0%}" if name != "setup" else "-",  # building is not scaled
        )
    console.print(table)
    console.print(f"shared imports before forking, once per process: {preload_s:.2f} s")
    console.print(f"peak memory (largest process): {peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
