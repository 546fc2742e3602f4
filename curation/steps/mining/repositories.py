"""Many repositories in one run: tasks balanced by repository size, and the per-repository
block of ``stats.json`` (commits in, candidates, rows out, licence found).

A folder of hundreds of clones mixes a few large histories with many small ones; dealing
them out by name left one task with the largest ones while the others idled. Tasks get
whole repositories by the greedy longest-processing-time rule on the size of each
repository's object store, a stand-in for its history that costs one ``stat`` per pack
file instead of a ``git rev-list`` per repository in every task.
"""

from __future__ import annotations

import heapq
import os
from collections import Counter
from collections.abc import Collection, Sequence
from pathlib import Path

# Stats keys of the local reader, read back by :func:`repository_counts`.
REPO_PREFIX = "repo/"
LICENSE_PREFIX = "repo_license/"


def objects_size(repo: Path) -> int:
    """Bytes in the repository's object store (a checkout's ``.git/objects`` or a bare
    repository's ``objects``); 0 for one that cannot be read."""
    objects = repo / ".git" / "objects" if (repo / ".git").is_dir() else repo / "objects"
    total = 0
    for folder, _, files in os.walk(objects):
        for name in files:
            try:
                total += os.stat(os.path.join(folder, name)).st_size
            except OSError:
                continue
    return total


def shard_by_size(repos: Sequence[str], world_size: int, sizes: Sequence[int]) -> list[list[str]]:
    """Repositories per task: largest first, each to the task with the least bytes so far
    (ties to the lowest rank), so every task gets about the same amount of history."""
    tasks: list[list[str]] = [[] for _ in range(world_size)]
    heap = [(0, rank) for rank in range(world_size)]
    for size, repo in sorted(zip(sizes, repos, strict=True), key=lambda item: (-item[0], item[1])):
        load, rank = heapq.heappop(heap)
        tasks[rank].append(repo)
        heapq.heappush(heap, (load + size, rank))
    return tasks


def repository_counts(
    reader_steps: Sequence[dict[str, float]], rows_out: dict[str, int], allowed: Collection[str]
) -> dict:
    """``{name: {license, allowed, commits, candidates, rows_out, yield}}`` from the reader's
    stats (keys ``repo/<name>/<count>`` and ``repo_license/<name>/<spdx>``) and the rows
    written per repository; ``allowed`` says whether the licence filter lets it through
    (the commits of one it does not are dropped as ``license_not_allowed``/``_unknown``)."""
    counts: dict[str, Counter[str]] = {}
    licenses: dict[str, str] = {}
    for step in reader_steps:
        for key, value in step.items():
            if key.startswith(LICENSE_PREFIX) and value:
                name, _, spdx = key.removeprefix(LICENSE_PREFIX).rpartition("/")
                licenses[name] = spdx
            elif key.startswith(REPO_PREFIX):
                name, _, count = key.removeprefix(REPO_PREFIX).rpartition("/")
                counts.setdefault(name, Counter())[count] += int(value)
    report = {}
    for name in sorted(set(counts) | set(licenses) | set(rows_out)):
        commits = counts.get(name, Counter())["commits"]
        out = rows_out.get(name, 0)
        license_id = licenses.get(name, "unknown")
        report[name] = {
            "license": license_id,
            "allowed": license_id in allowed,
            "commits": commits,
            "candidates": counts.get(name, Counter())["candidates"],
            "rows_out": out,
            "yield": round(out / commits, 6) if commits else 0.0,
        }
    return report
