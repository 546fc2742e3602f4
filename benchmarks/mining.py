"""Commit mining throughput: bulk git plumbing vs a fetch per commit, and the pipeline.

Two modes, each measuring in one run the pipeline and the per-commit approach of the
Themis paper (for each commit: ``git fetch --depth 2 file://<repo> <sha>`` into an empty
repository, then ``git show`` of the file after and before the commit):

- synthetic (default): a bare repository of ``--commits`` single-file commits generated
  with ``git fast-import``; the local reader (``mine_repository``: one ``git log --raw``
  and one ``git cat-file --batch``) over every commit and over the ``--sample`` sampled
  ones, and the whole pipeline with ``--workers`` tasks;
- ``--repo PATH``: any local or bare repository with a real history. The per-commit
  approach runs on a sample of its candidates (single-file commits in one of the 8
  languages; each fetch is checked against the reader's contents) and the pipeline on
  the whole history. Real histories have few candidates among many commits, large files
  and messages that match no aspect, so the comparison is per candidate: candidates/s of
  the pipeline over candidates/s of the per-commit approach.

The per-commit approach runs as many commits at once as the pipeline has workers (a
thread per worker drives the git processes), so both sides use the same cores; it is
also timed one commit at a time, as a plain loop would run it. Both modes print
commits/s, candidates/s, the time of each stage and of each step of the ``mine`` stage,
and the ratios to each.

Run: ``.venv/bin/python benchmarks/mining.py [--commits 20000] [--sample 200] [--workers 2]``
or ``.venv/bin/python benchmarks/mining.py --repo PATH [--sample 50] [--workers 2]``, either
with ``[--repeat 2]`` (rounds, best time of each measurement)
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

from curation.executors import ExecutorConfig
from curation.mining.history import Rejected, mine_repository
from curation.mining.licenses import repository_license
from curation.mining.records import CommitRecord
from pipelines.mining import STAGES, MiningConfig, build_executors

# The test-only generators live in tests/fixtures, which does not ship; run as a script,
# the repository root is not on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fixtures.synthetic_repos import build_repository, single_file_history


def _git(*args: str, cwd: Path) -> bytes:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True).stdout


def per_commit_fetch(url: str, sha: str, path: str, scratch: Path) -> tuple[bytes, bytes]:
    """The Themis way: fetch the commit and its parent, show both file versions."""
    scratch.mkdir()
    _git("init", "-q", "--bare", cwd=scratch)
    _git("fetch", "-q", "--depth", "2", url, sha, cwd=scratch)
    new = _git("show", f"{sha}:{path}", cwd=scratch)
    old = _git("show", f"{sha}^:{path}", cwd=scratch)
    return old, new


def _text(data: bytes) -> str:
    return data.decode("utf-8").removeprefix("\ufeff")


def fetch_sample(repo: Path, sample: list[CommitRecord], scratch: Path, workers: int) -> float:
    """Seconds for the per-commit approach on ``sample`` with ``workers`` commits at once,
    each result checked."""

    def fetch(index: int) -> None:
        record = sample[index]
        old, new = per_commit_fetch(
            repo.as_uri(), record.commit, record.path, scratch / f"w{workers}-{index}"
        )
        assert (_text(old), _text(new)) == (record.old_contents, record.new_contents), record.commit

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        done = pool.map(fetch, range(len(sample)))
        for _ in track(done, total=len(sample), description=f"fetch per commit, {workers} at once"):
            pass
    return time.perf_counter() - started


def run_pipeline(repo: Path, out: Path, workers: int) -> tuple[dict[str, float], dict]:
    """Stage by stage, in dependency order, to see where the time goes; each executor
    finds its dependency already launched and complete, as in a chained run. Building
    the executors (which preloads what forked workers share) is timed as a stage."""
    config = MiningConfig(
        output=out, repos=[repo], license="MIT",
        executor=ExecutorConfig(tasks=workers, workers=workers, start_method="fork"),
    )  # fmt: skip
    started = time.perf_counter()
    executors = build_executors(config)
    stage_s: dict[str, float] = {"setup": time.perf_counter() - started}
    for name, executor in zip(STAGES, executors, strict=True):
        started = time.perf_counter()
        executor.run()
        stage_s[name] = time.perf_counter() - started
    return stage_s, json.loads((config.output / "stats.json").read_text())


def step_seconds(logs: Path, stage: str) -> dict[str, float]:
    """CPU-side seconds of each step of a stage, summed over its tasks (datatrove's
    ``time_stats``; the reader's own time is inside the steps that pull from it)."""
    totals: Counter[str] = Counter()
    for path in sorted((logs / stage / "stats").glob("*.json")):
        for step in json.loads(path.read_text("utf-8")):
            timing = step.get("time_stats") or {}
            totals[step["name"]] += timing.get("total", 0.0) if isinstance(timing, dict) else 0.0
    return dict(totals)


def print_stages(
    console: Console, stage_s: dict[str, float], commits: int, steps: dict[str, dict[str, float]]
) -> None:
    stages = Table(title="pipeline stages (wall)")
    for column in ("stage", "seconds", "commits/s"):
        stages.add_column(column, justify="left" if column == "stage" else "right")
    for name, seconds in stage_s.items():
        stages.add_row(name, f"{seconds:.2f}", f"{commits / seconds:,.0f}")
    console.print(stages)
    table = Table(title="steps of the mine and write stages (summed over tasks)")
    table.add_column("step")
    table.add_column("seconds", justify="right")
    for stage, times in steps.items():
        for name, seconds in times.items():
            table.add_row(f"{stage}: {name}", f"{seconds:.2f}")
    console.print(table)


def best_of_rounds(
    repo: Path, sample: list[CommitRecord], root: Path, workers: int, repeat: int
) -> tuple[float, float, dict[str, float], dict, dict[str, dict[str, float]]]:
    """The per-commit approach one at a time and ``workers`` at once, then the pipeline,
    in ``repeat`` rounds; each keeps its best time (the pipeline: its stages, stats and
    steps of its best round). On a shared machine the load moves between measurements,
    and the rounds give both sides the same chance of a quiet moment."""
    serial_s = fetch_s = pipeline_s = float("inf")
    cold_setup = 0.0
    for round_ in range(repeat):
        (root / f"r{round_}").mkdir()
        serial_s = min(serial_s, fetch_sample(repo, sample, root / f"r{round_}", 1))
        fetch_s = min(fetch_s, fetch_sample(repo, sample, root / f"r{round_}", workers))
        out = root / f"out{round_}"
        round_stages, round_stats = run_pipeline(repo, out, workers)
        # setup imports what forked workers share, once per process: every round counts
        # the first round's (cold) setup, as one `codepref mine` would
        if round_ == 0:
            cold_setup = round_stages["setup"]
        round_stages["setup"] = cold_setup
        if sum(round_stages.values()) < pipeline_s:
            stage_s, stats, pipeline_s = round_stages, round_stats, sum(round_stages.values())
            steps = {stage: step_seconds(out / "logs", stage) for stage in ("mine", "write")}
    return serial_s, fetch_s, stage_s, stats, steps


def measure_repository(
    repo: Path, sample_size: int, workers: int, seed: int, repeat: int = 1
) -> None:
    """The ``--repo`` mode (see the module docstring), best of ``repeat`` rounds."""
    console = Console()
    with tempfile.TemporaryDirectory(prefix="codepref-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        items = list(mine_repository(repo, license_id="MIT"))
        reader_s = time.perf_counter() - started
        records = [r for r in items if isinstance(r, CommitRecord)]
        sample = random.Random(seed).sample(records, min(sample_size, len(records)))
        commits, candidates = len(items), len(records)
        # The pipeline's workers are forked from this process: a record held here would
        # be in each of them too, which a real ``codepref mine`` process does not carry.
        del items, records
        serial_s, fetch_s, stage_s, stats, steps = best_of_rounds(
            repo, sample, root, workers, repeat
        )
        pipeline_s = sum(stage_s.values())
        per_candidate = len(sample) / fetch_s
        serial = len(sample) / serial_s
        table = Table(
            title=f"{repo}: {commits:,} commits, {candidates:,} candidates "
            f"(licence {repository_license(repo) or 'not found'}), {workers} workers"
            + (f", best of {repeat} rounds" if repeat > 1 else "")
        )
        for column in ("approach", "commits", "candidates", "seconds", "commits/s",
                       "candidates/s", f"x per-commit ({workers} at once)",
                       "x per-commit (1 at a time)"):  # fmt: skip
            table.add_column(column, justify="left" if column == "approach" else "right")
        rows = [
            ("per-commit fetch + 2 git show (Themis), sample, 1 at a time",
             len(sample), len(sample), serial_s),
            (f"per-commit fetch + 2 git show (Themis), sample, {workers} at once",
             len(sample), len(sample), fetch_s),
            ("local reader (log --raw + cat-file), all", commits, candidates, reader_s),
            ("pipeline end to end", commits, candidates, pipeline_s),
        ]  # fmt: skip
        for name, count, candidates, seconds in rows:
            rate = candidates / seconds
            table.add_row(
                name, f"{count:,}", f"{candidates:,}", f"{seconds:.2f}", f"{count / seconds:,.1f}",
                f"{rate:,.1f}", f"{rate / per_candidate:,.1f}x", f"{rate / serial:,.1f}x",
            )  # fmt: skip
        console.print(table)
        print_stages(console, stage_s, commits, steps)
    console.print(
        f"pipeline: rows in {stats['rows_in']:,}, rows out {stats['rows_out']:,}, "
        f"drops {stats['drops_by_reason']}, privacy {stats['privacy']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repo", type=Path, help="Measure this local or bare repository.")
    parser.add_argument("--repeat", type=int, default=1, help="Rounds, best time of each.")
    args = parser.parse_args()
    if args.repo is not None:
        measure_repository(args.repo, args.sample, args.workers, args.seed, args.repeat)
        return
    console = Console()

    with tempfile.TemporaryDirectory(prefix="codepref-bench-") as tmp:
        root = Path(tmp)
        repo = root / "history.git"
        started = time.perf_counter()
        shas = build_repository(repo, single_file_history(args.commits), bare=True)
        console.print(f"generated {len(shas):,} commits in {time.perf_counter() - started:.1f}s")

        started = time.perf_counter()
        records = [
            r for r in mine_repository(repo, license_id="MIT") if isinstance(r, CommitRecord)
        ]
        local_s = time.perf_counter() - started
        assert len(records) == args.commits, (len(records), args.commits)

        sample = random.Random(args.seed).sample(records, args.sample)
        del records  # not inherited by the pipeline's forked workers (see measure_repository)
        # The local reader restricted to the sampled commits (``--no-walk`` lists only them).
        wanted = [r.commit for r in sample]
        started = time.perf_counter()
        subset = list(mine_repository(repo, license_id="MIT", revisions=("--no-walk", *wanted)))
        subset_s = time.perf_counter() - started
        assert sorted(r.commit for r in subset if not isinstance(r, Rejected)) == sorted(wanted)

        serial_s, fetch_s, stage_s, summary, steps = best_of_rounds(
            repo, sample, root, args.workers, args.repeat
        )
        pipeline_s = sum(stage_s.values())

    fetch_rate = args.sample / fetch_s
    serial_rate = args.sample / serial_s
    rows = [
        ("per-commit fetch + 2 git show (Themis), sample, 1 at a time", args.sample, serial_s),
        (
            f"per-commit fetch + 2 git show (Themis), sample, {args.workers} at once",
            args.sample,
            fetch_s,
        ),
        ("local reader (log --raw + cat-file), same sample", args.sample, subset_s),
        ("local reader (log --raw + cat-file), all", args.commits, local_s),
        (f"pipeline end to end, {args.workers} workers", len(shas), pipeline_s),
    ]
    rounds = f", best of {args.repeat} rounds" if args.repeat > 1 else ""
    table = Table(title=f"commit mining, {args.commits:,} single-file commits{rounds}")
    ratios = (f"x per-commit ({args.workers} at once)", "x per-commit (1 at a time)")
    for column in ("approach", "commits", "seconds", "commits/s", *ratios):
        table.add_column(column, justify="left" if column == "approach" else "right")
    for name, count, seconds in rows:
        rate = count / seconds
        table.add_row(
            name, f"{count:,}", f"{seconds:.2f}", f"{rate:,.0f}", f"{rate / fetch_rate:,.0f}x",
            f"{rate / serial_rate:,.0f}x",
        )  # fmt: skip
    console.print(table)
    print_stages(console, stage_s, len(shas), steps)
    console.print(
        f"pipeline: rows in {summary['rows_in']:,}, rows out {summary['rows_out']:,}, "
        f"drops {summary['drops_by_reason']}"
    )


if __name__ == "__main__":
    main()
