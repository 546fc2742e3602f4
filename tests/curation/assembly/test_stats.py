"""Tests of ``curation/assembly/stats.py``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polars as pl


def test_stats_account_for_every_input_row(dataset: Path):
    stats = json.loads((dataset / "stats.json").read_text())
    frame = pl.read_parquet(str(dataset / "data" / "*" / "*.parquet"))
    assert stats["input_rows"] == 240 + 120 + 32
    assert stats["rows"] == frame.height
    assert stats["rows"] + stats["dropped"] == stats["input_rows"]
    assert stats["drops"]["duplicate_id"]["count"] == 1
    assert stats["drops"]["invalid:language"]["count"] == 1
    assert stats["drops"]["over_cap"]["count"] > 0
    for entry in stats["counts"]:
        matching = frame.filter(
            (pl.col("split") == entry["split"])
            & (pl.col("aspect") == entry["aspect"])
            & (pl.col("language") == entry["language"])
            & (pl.col("source") == entry["source"])
        )
        assert matching.height == entry["count"]
    assert sum(entry["count"] for entry in stats["counts"]) == frame.height
    cell_max = frame.group_by("aspect", "language").len()["len"].max()
    assert cell_max <= 25
    assert stats["label_method"] == dict(Counter(frame["label_method"].to_list()))
    modes = stats["system_prompt"]
    assert modes["none"] == frame["system"].null_count()
    assert frame["id"].n_unique() == frame.height
    # lineage: every row names its producer row
    origins = [json.loads(e)["origin"] for e in frame["evidence"].to_list()]
    assert {o["file"] for o in origins} == {
        "execution.parquet",
        "commits.parquet",
        "judged.parquet",
    }
