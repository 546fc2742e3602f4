"""Reading CRB-format pairs: files, folders, aliases, missing fields, filters, samples."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from bench.dataset import (
    DatasetError,
    _proportional_quotas,
    load_pairs,
    normalize_pairs,
    select_pairs,
)


def test_file_and_folder_with_aliases(pairs: pl.DataFrame, tmp_path: Path) -> None:
    aliased = pairs.rename({"prompt": "input", "subset": "source"}).with_columns(
        pl.col("language").replace({"CSharp": "C#", "Cpp": "C++"}),
        pl.col("aspect").replace({"Memory_Efficiency": "memory"}),
    )
    folder = tmp_path / "crb"
    (folder / "part").mkdir(parents=True)
    aliased.head(25).write_parquet(folder / "a.parquet")
    aliased.tail(15).write_parquet(folder / "part" / "b.parquet")
    loaded = load_pairs(folder)
    assert loaded.pairs.height == 40 and loaded.dropped == {}
    assert set(loaded.pairs["language"]) == set(pairs["language"])
    assert set(loaded.pairs["aspect"]) == set(pairs["aspect"])
    assert loaded.pairs.columns == list(pairs.columns)
    single = load_pairs(folder / "a.parquet")
    assert single.pairs["id"].to_list() == pairs["id"].head(25).to_list()


def test_missing_fields_are_reported_by_id(pairs: pl.DataFrame) -> None:
    broken = pairs.with_columns(
        pl.when(pl.col("id") == "T_005").then(None).otherwise("chosen").alias("chosen"),
        pl.when(pl.col("id") == "T_007").then(pl.lit("  ")).otherwise("rejected").alias("rejected"),
        pl.when(pl.col("id") == "T_009")
        .then(pl.lit("Fortran"))
        .otherwise("language")
        .alias("language"),
    )
    result = normalize_pairs(broken, "broken.parquet")
    assert result.dropped == {
        "missing chosen": ["T_005"],
        "missing rejected": ["T_007"],
        "unknown language 'Fortran'": ["T_009"],
    }
    assert result.pairs.height == 37 and result.dropped_count == 3
    assert "T_005" in result.summary()
    with pytest.raises(DatasetError, match="T_005"):
        normalize_pairs(broken, "broken.parquet", strict=True)
    with pytest.raises(DatasetError, match="missing column"):
        normalize_pairs(pairs.drop("chosen"))
    with pytest.raises(DatasetError, match="duplicate pair id"):
        normalize_pairs(pl.concat([pairs, pairs.head(1)]))


def test_bad_sources(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no such file"):
        load_pairs(tmp_path / "absent.parquet")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DatasetError, match=r"no \.parquet"):
        load_pairs(tmp_path / "empty")
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(DatasetError, match="cannot read"):
        load_pairs(tmp_path / "bad.parquet")


def test_hub_ids_go_through_datasets(monkeypatch: pytest.MonkeyPatch, pairs: pl.DataFrame) -> None:
    """The Hub path calls datasets.load_dataset(id, config, split); the Hub itself cannot be
    reached here, so load_dataset is replaced by a local Dataset."""
    import datasets

    seen = {}

    def fake_load(dataset_id, config, split):
        seen.update(id=dataset_id, config=config, split=split)
        return datasets.Dataset.from_polars(pairs)

    monkeypatch.setattr(datasets, "load_dataset", fake_load)
    loaded = load_pairs("org/CodeRewardBench", config="Full", split="test")
    assert seen == {"id": "org/CodeRewardBench", "config": "Full", "split": "test"}
    assert loaded.pairs.height == pairs.height

    def offline(*args, **kwargs):
        raise ConnectionError("offline")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    with pytest.raises(DatasetError, match="org/CodeRewardBench"):
        load_pairs("org/CodeRewardBench")


def test_filters_and_stratified_sample(pairs: pl.DataFrame) -> None:
    assert set(select_pairs(pairs, aspects=["memory"])["aspect"]) == {"Memory_Efficiency"}
    assert set(select_pairs(pairs, languages=["C#"])["language"]) == {"CSharp"}
    assert select_pairs(pairs, subsets=["ODD"])["subset"].unique().to_list() == ["ODD"]
    sample = select_pairs(pairs, sample=10, seed=3)
    assert sample.height == 10 and sample["aspect"].n_unique() == 5
    assert sample.equals(select_pairs(pairs, sample=10, seed=3))
    assert not sample.equals(select_pairs(pairs, sample=10, seed=4))
    assert sample["id"].to_list() == sorted(sample["id"].to_list())  # input order kept
    for size in (3, 7, 9, 39):
        assert select_pairs(pairs, sample=size).height == size  # exactly what was asked
    assert _proportional_quotas({"a": 100, "b": 5, "c": 1}, 10) == {"a": 8, "b": 1, "c": 1}
    with pytest.raises(DatasetError, match="positive"):
        select_pairs(pairs, sample=0)
