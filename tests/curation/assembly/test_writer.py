"""Tests of ``curation/assembly/writer.py``."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from curation.assembly import (
    OutputExistsError,
    assemble,
)
from curation.criteria import ASPECTS
from curation.schema import PAIRS, find_problems


def test_folder_layout_is_zstd_shards_per_split_and_aspect(dataset: Path):
    shards = sorted(dataset.glob("data/*/*.parquet"))
    assert shards
    for shard in shards:
        split, name = shard.parent.name, shard.name
        assert split in ("train", "validation", "test")
        aspect = name.split("-")[0]
        assert aspect in ASPECTS
        table = pq.read_table(shard)
        assert table.num_rows <= 20
        assert not find_problems(table, PAIRS)
        assert set(table.column("split").to_pylist()) == {split}
        assert set(table.column("aspect").to_pylist()) == {aspect}
        metadata = pq.ParquetFile(shard).metadata
        assert metadata.row_group(0).column(0).compression == "ZSTD"
    assert any("-00001-of-" in shard.name for shard in shards)  # rows_per_shard=20 splits cells


def test_folder_loads_with_datasets_offline(dataset: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets

    stats = json.loads((dataset / "stats.json").read_text())
    files = {
        split: sorted(str(p) for p in (dataset / "data" / split).glob("*.parquet"))
        for split in stats["splits"]
    }
    loaded = datasets.load_dataset("parquet", data_files=files, cache_dir=str(tmp_path / "c1"))
    assert {split: loaded[split].num_rows for split in loaded} == {
        split: value["rows"] for split, value in stats["splits"].items()
    }
    assert loaded["train"].features["confidence"].dtype == "float64"
    # The card's YAML configs are what `load_dataset(folder)` and the Hub use.
    default = datasets.load_dataset(str(dataset), cache_dir=str(tmp_path / "c2"))
    assert sum(default[s].num_rows for s in default) == stats["rows"]
    runtime = datasets.load_dataset(
        str(dataset), "Runtime_Efficiency", cache_dir=str(tmp_path / "c3")
    )
    aspects = {a for s in runtime for a in runtime[s]["aspect"]}
    assert aspects == {"Runtime_Efficiency"}
    expected = sum(stats["aspect_language"]["Runtime_Efficiency"].values())
    assert sum(runtime[s].num_rows for s in runtime) == expected


def test_output_folder_is_not_overwritten_by_accident(producers: list[Path], tmp_path: Path):
    out = tmp_path / "ds"
    assemble(producers[:1], out)
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match="--overwrite"):
        assemble(producers[:1], out)
    assemble(producers[2:], out, overwrite=True)
    assert (out / "notes.txt").read_text() == "mine"
    frame = pl.read_parquet(str(out / "data" / "*" / "*.parquet"))
    assert set(frame["source"].to_list()) == {"JUDGE"}
