"""Tests of ``curation/pairs/files.py``."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curation.pairs.columns import PairsError
from curation.pairs.files import read_pairs
from tests.fixtures.pair_frames import pair_frame


def test_read_pairs_aliases_globs_and_normalisation(tmp_path: Path) -> None:
    themis = pl.DataFrame(
        {
            "input": ["a", "b"],
            "chosen": ["x", "y"],
            "rejected": ["z", "w"],
            "language": ["C++", "js"],
            "aspect": ["Functional_Correctness", "readability"],
            "subset": ["s1", "s2"],
        }
    )
    themis.write_parquet(tmp_path / "part-0.parquet")
    pair_frame(3).write_parquet(tmp_path / "part-1.parquet")
    frame = read_pairs(str(tmp_path / "part-*.parquet"))
    assert frame.height == 5
    assert frame["prompt"].to_list()[:2] == ["a", "b"]
    assert frame["language"].to_list()[:2] == ["Cpp", "JavaScript"]
    assert frame["aspect"][1] == "Readability_Maintainability"
    assert frame["source"].to_list()[:2] == ["s1", "s2"]
    assert frame["id"][0] == "part-0.parquet:0"
    assert read_pairs(str(tmp_path)).height == 5  # a directory reads its shards


def test_read_pairs_errors_name_file_and_row(tmp_path: Path) -> None:
    bad = pair_frame(3).with_columns(
        pl.when(pl.col("id") == "p1").then(None).otherwise(pl.col("chosen")).alias("chosen")
    )
    path = tmp_path / "bad.parquet"
    bad.write_parquet(path)
    with pytest.raises(PairsError, match=r"bad.parquet: row 1 \(id 'p1'\) has a null 'chosen'"):
        read_pairs(str(path))
    pair_frame(2, language=["Python", "Cobol"]).write_parquet(path)
    with pytest.raises(PairsError, match="row 1"):
        read_pairs(str(path))
    with pytest.raises(PairsError, match="no pairs files"):
        read_pairs(str(tmp_path / "missing-*.parquet"))
    pl.DataFrame({"prompt": ["a"], "chosen": ["b"]}).write_parquet(path)
    with pytest.raises(PairsError, match="missing column"):
        read_pairs(str(path))


def test_split_filter(tmp_path: Path) -> None:
    pair_frame(4, split=["train", "test", "train", "test"]).write_parquet(tmp_path / "p.parquet")
    assert read_pairs(str(tmp_path / "p.parquet"), split="test")["id"].to_list() == ["p1", "p3"]
