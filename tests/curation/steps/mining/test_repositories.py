"""``curation/steps/mining_repositories.py``: size-balanced shards of many repositories."""

from __future__ import annotations

import random
from pathlib import Path

from curation.steps.mining.readers import LocalHistoryReader
from curation.steps.mining.repositories import objects_size, shard_by_size
from tests.fixtures.synthetic_repos import build_repository, single_file_history


def test_largest_first_to_the_least_loaded_task() -> None:
    repos = ["a", "b", "c", "d", "e"]
    sizes = [10, 70, 30, 30, 20]
    assert shard_by_size(repos, 2, sizes) == [["b", "a"], ["c", "d", "e"]]  # 80 and 80


def test_hundreds_of_repositories_balance_within_the_largest_one() -> None:
    rng = random.Random(7)
    sizes = [int(rng.paretovariate(1.2) * 1000) for _ in range(400)]
    repos = [f"r{i:03d}" for i in range(400)]
    shards = shard_by_size(repos, 16, sizes)
    by_name = dict(zip(repos, sizes, strict=True))
    loads = [sum(by_name[r] for r in shard) for shard in shards]
    assert sorted(r for shard in shards for r in shard) == repos  # each exactly once
    assert max(loads) - min(loads) <= max(sizes)
    # dealing by name (the old rule) is far less even on the same sizes
    naive = [sum(sizes[i::16]) for i in range(16)]
    assert max(loads) - min(loads) < max(naive) - min(naive)


def test_reader_shards_a_folder_by_object_store_size(tmp_path: Path) -> None:
    for name, commits in (("big", 300), ("mid", 120), ("small1", 20), ("small2", 20)):
        build_repository(tmp_path / name, single_file_history(commits))
    sizes = {p.name: objects_size(p) for p in tmp_path.iterdir()}
    assert sizes["big"] > sizes["mid"] > max(sizes["small1"], sizes["small2"]) > 0
    reader = LocalHistoryReader([tmp_path])
    first, _, _ = reader.shard(0, 2)
    second, _, _ = reader.shard(1, 2)
    assert [Path(r).name for r in first] == ["big"]
    assert sorted(Path(r).name for r in second) == ["mid", "small1", "small2"]
