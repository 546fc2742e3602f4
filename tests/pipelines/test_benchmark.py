from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from curation.schema import CRB_PAIRS, PAIRS, from_rows, validate
from pipelines.benchmark import BenchmarkConfig, run_benchmark

SHARED_BODY = " ".join(f"token{i}" for i in range(20))


def pair(pair_id: str, evidence: dict, chosen: str, label_method: str = "execution") -> dict:
    return {
        "id": pair_id,
        "prompt": f"Task {pair_id}",
        "chosen": chosen,
        "rejected": f"{chosen} # worse",
        "language": "Python",
        "aspect": "Functional_Correctness",
        "source": "sample",
        "label_method": label_method,
        "confidence": 1.0,
        "system": None,
        "evidence": json.dumps(evidence),
        "split": None,
    }


def write_dataset(root: Path, train: list[dict], test: list[dict]) -> Path:
    for split, rows in (("train", train), ("test", test)):
        (root / "data" / split).mkdir(parents=True)
        pq.write_table(from_rows(rows, PAIRS), root / "data" / split / "shard-0.parquet")
    return root


def test_benchmark_drops_leaks_and_writes_crb_format(tmp_path: Path) -> None:
    dataset = write_dataset(
        tmp_path / "dataset",
        train=[
            pair("t1", {"problem_id": "p1"}, "def a(): return 1"),
            pair("t2", {"repo": "org/lib"}, f"x = '{SHARED_BODY}'", "commit"),
        ],
        test=[
            pair("b1", {"problem_id": "p2"}, "def b(): return 2"),
            pair("b2", {"problem_id": "p1"}, "def c(): return 3"),  # same problem as t1
            pair("b3", {"problem_id": "p3"}, f"y = '{SHARED_BODY}'"),  # 13-gram overlap
            pair("b4", {"repo": "org/new", "committed_at": 1_500_000_000}, "z = 4", "commit"),
            pair("b5", {"repo": "org/newer", "committed_at": 1_700_000_000}, "w = 5", "commit"),
        ],
    )
    stats = run_benchmark(
        BenchmarkConfig(
            dataset=dataset,
            out=tmp_path / "bench",
            time_cut="2019-06-01",
            decontaminate=("prompt", "chosen", "rejected"),
        )
    )
    assert stats["drops_by_reason"] == {
        "before_time_cut": 1,
        "group_in_training": 1,
        "ngram_overlap": 1,
    }
    table = pq.read_table(tmp_path / "bench" / "benchmark.parquet")
    validate(table, CRB_PAIRS)
    frame = pl.from_arrow(table)
    assert frame["id"].to_list() == ["b1", "b5"]
    assert frame["subset"].to_list() == ["sample", "sample"]
    assert stats["kept"] == 2 and stats["held_out"] == 5


def test_prompts_alone_are_compared_by_default(tmp_path: Path) -> None:
    boilerplate = f"import sys\ndata = '{SHARED_BODY}'"
    dataset = write_dataset(
        tmp_path / "dataset",
        train=[pair("t1", {"problem_id": "p1"}, boilerplate)],
        test=[pair("b1", {"problem_id": "p2"}, boilerplate + "\nprint(data)")],
    )
    stats = run_benchmark(BenchmarkConfig(dataset=dataset, out=tmp_path / "bench"))
    assert stats["kept"] == 1


def test_ngrams_shared_by_many_training_prompts_are_boilerplate() -> None:
    from pipelines.benchmark import training_index

    shared = (
        "Input: whitespace-separated integers n, read until end of input. Output: one line each."
    )
    prompts = {f"Task {i}: compute thing number {i} of the sequence. {shared}" for i in range(3)}
    unique = "Compute the largest sum of a contiguous run of the sequence a(i) for every n given"
    index = training_index(prompts | {unique}, n=13, boilerplate_texts=3)
    assert not index.contaminated(f"A new task entirely. {shared}")
    assert index.contaminated(f"Please {unique} here")
    strict = training_index(prompts, n=13, boilerplate_texts=100)
    assert strict.contaminated(f"A new task entirely. {shared}")


def test_missing_split_is_named(tmp_path: Path) -> None:
    (tmp_path / "dataset" / "data" / "train").mkdir(parents=True)
    with pytest.raises(ValueError, match="must differ"):
        BenchmarkConfig(dataset=tmp_path / "dataset", out=tmp_path / "b", split="train")
    from pipelines.benchmark import read_split

    with pytest.raises(FileNotFoundError, match="no Parquet shards under data/test/"):
        read_split(tmp_path / "dataset", "test")
