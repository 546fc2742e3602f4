"""Commit mining throughput: bulk git plumbing vs a fetch per commit, and the pipeline.

Generates a bare repository of ``--commits`` single-file commits with ``git fast-import``,
then measures, in one run and over the same commits:

- the local reader (``curation.mining.history.mine_repository``: one ``git log --raw`` and
  one ``git cat-file --batch``) over every commit;
- the per-commit approach of the Themis paper on a sample of ``--sample`` of those commits:
  for each, ``git fetch --depth 2 file://<repo> <sha>`` into an empty repository, then a
  checkout of the file after and before the commit;
- the local reader over exactly the sampled commits, for a like-for-like check;
- the whole pipeline (read -> filters -> tree-sitter -> tagging -> dedup -> write) with
  ``--workers`` tasks.

Run: ``.venv/bin/python benchmarks/mining.py [--commits 20000] [--sample 200] [--workers 2]``
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.progress import track
from rich.table import Table

from curation.executors import ExecutorConfig
from curation.mining.history import Rejected, mine_repository
from curation.mining.records import CommitRecord
from pipelines.mining import STAGES, MiningConfig, build_executors

# The test-only generators live in tests/fixtures, which does not ship; run as a script,
# the repository root is not on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.fixtures.synthetic_repos import build_repository, single_file_history


def _git(*args: str, cwd: Path) -> bytes:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True).stdout


def per_commit_fetch(url: str, sha: str, path: str, scratch: Path) -> tuple[bytes, bytes]:
    """The Themis way: fetch the commit and its parent, check out both file versions."""
    scratch.mkdir()
    _git("init", "-q", cwd=scratch)
    _git("fetch", "-q", "--depth", "2", url, sha, cwd=scratch)
    _git("checkout", "-q", sha, "--", path, cwd=scratch)
    new = (scratch / path).read_bytes()
    _git("checkout", "-q", f"{sha}^", "--", path, cwd=scratch)
    old = (scratch / path).read_bytes()
    return old, new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=20_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
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
        started = time.perf_counter()
        for index, record in enumerate(track(sample, description="fetch per commit")):
            old, new = per_commit_fetch(
                repo.as_uri(), record.commit, record.path, root / f"s{index}"
            )
            assert (old.decode(), new.decode()) == (record.old_contents, record.new_contents)
        fetch_s = time.perf_counter() - started

        # The local reader restricted to the sampled commits (``--no-walk`` lists only them).
        wanted = [r.commit for r in sample]
        started = time.perf_counter()
        subset = list(mine_repository(repo, license_id="MIT", revisions=("--no-walk", *wanted)))
        subset_s = time.perf_counter() - started
        assert sorted(r.commit for r in subset if not isinstance(r, Rejected)) == sorted(wanted)

        config = MiningConfig(
            output=root / "out", repos=[repo], license="MIT",
            executor=ExecutorConfig(tasks=args.workers, workers=args.workers, start_method="fork"),
        )  # fmt: skip
        # Stage by stage, in dependency order, to see where the time goes; each executor
        # finds its dependency already launched and complete, as in a chained run. Building
        # the executors (which preloads what forked workers share) is timed as a stage.
        started = time.perf_counter()
        executors = build_executors(config)
        stage_s: dict[str, float] = {"setup": time.perf_counter() - started}
        for name, executor in zip(STAGES, executors, strict=True):
            started = time.perf_counter()
            executor.run()
            stage_s[name] = time.perf_counter() - started
        pipeline_s = sum(stage_s.values())
        stats = (config.output / "stats.json").read_text()

    fetch_rate = args.sample / fetch_s
    rows = [
        ("per-commit fetch + checkout (Themis), sample", args.sample, fetch_s),
        ("local reader (log --raw + cat-file), same sample", args.sample, subset_s),
        ("local reader (log --raw + cat-file), all", args.commits, local_s),
        (f"pipeline end to end, {args.workers} workers", len(shas), pipeline_s),
    ]
    table = Table(title=f"commit mining, {args.commits:,} single-file commits")
    for column in ("approach", "commits", "seconds", "commits/s", "x per-commit"):
        table.add_column(column, justify="left" if column == "approach" else "right")
    for name, count, seconds in rows:
        rate = count / seconds
        table.add_row(
            name, f"{count:,}", f"{seconds:.2f}", f"{rate:,.0f}", f"{rate / fetch_rate:,.0f}x"
        )
    console.print(table)
    stages = Table(title="pipeline stages")
    for column in ("stage", "seconds", "commits/s"):
        stages.add_column(column, justify="left" if column == "stage" else "right")
    for name, seconds in stage_s.items():
        stages.add_row(name, f"{seconds:.2f}", f"{len(shas) / seconds:,.0f}")
    console.print(stages)
    summary = json.loads(stats)
    console.print(
        f"pipeline: rows in {summary['rows_in']:,}, rows out {summary['rows_out']:,}, "
        f"drops {summary['drops_by_reason']}"
    )


if __name__ == "__main__":
    main()
