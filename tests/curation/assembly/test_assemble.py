"""Tests of ``curation/assembly/assemble.py``."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from curation.assembly import (
    AssemblyConfig,
    SplitFractions,
    assemble,
    assemble_pairs,
)
from tests.fixtures.assembly_producers import row, write


def test_no_group_crosses_splits_in_the_written_dataset(dataset: Path):
    frame = pl.read_parquet(str(dataset / "data" / "*" / "*.parquet"))
    evidence = [json.loads(e) for e in frame["evidence"].to_list()]
    keys = [e.get("repo") or e.get("problem_id") for e in evidence]
    per_group = Counter()
    seen: dict[str, str] = {}
    for key, split in zip(keys, frame["split"].to_list(), strict=True):
        assert seen.setdefault(key, split) == split
        per_group[split] += 1
    assert len(per_group) >= 2


def test_assembly_is_deterministic(producers: list[Path], dataset: Path, tmp_path: Path):
    config = AssemblyConfig(
        seed=7,
        splits=SplitFractions(0.7, 0.15, 0.15),
        max_per_cell=25,
        rows_per_shard=20,
        license="apache-2.0",
    )
    again = assemble(list(reversed(producers)), tmp_path / "again", config)
    first = pl.read_parquet(str(dataset / "data" / "*" / "*.parquet")).sort("id")
    second = pl.read_parquet(str(again.path / "data" / "*" / "*.parquet")).sort("id")
    assert first.equals(second)
    assert sorted(p.name for p in dataset.rglob("*.parquet")) == sorted(
        p.name for p in again.path.rglob("*.parquet")
    )
    same_order = assemble(producers, tmp_path / "same", config)
    assert (same_order.path / "README.md").read_bytes() == (dataset / "README.md").read_bytes()
    assert (same_order.path / "stats.json").read_bytes() == (dataset / "stats.json").read_bytes()


def test_reassembling_a_dataset_keeps_ids_and_chains_lineage(dataset: Path, tmp_path: Path):
    shards = sorted((dataset / "data").rglob("*.parquet"))
    again = assemble_pairs(shards, AssemblyConfig(seed=7, splits=SplitFractions(0.7, 0.15, 0.15)))
    first = pl.read_parquet(str(dataset / "data" / "*" / "*.parquet"))
    assert sorted(p.id for p in again.pairs) == sorted(first["id"].to_list())
    assert [p.split for p in again.pairs] == first.sort("id")["split"].to_list()
    origin = again.pairs[0].evidence["origin"]
    assert origin["id"] == again.pairs[0].id
    assert origin["from"]["file"] in {"execution.parquet", "commits.parquet", "judged.parquet"}


def test_surface_shortcuts_are_in_the_stats_and_the_card_and_can_be_balanced(tmp_path: Path):
    # 20 of 30 chosen sides are the longer one: "longer is better" scores 0.667
    longer, shorter = "def f():\n    return {i}  # the value\n", "def f():\n    return {i}\n"
    rows = [row(i, chosen=longer.format(i=i), rejected=shorter.format(i=i)) for i in range(20)]
    rows += [row(i, chosen=shorter.format(i=i), rejected=longer.format(i=i)) for i in range(20, 30)]
    source = write(tmp_path / "long.parquet", rows)
    plain = assemble([source], tmp_path / "plain", AssemblyConfig())
    overall = {r["aspect"]: r for r in plain.stats["shortcuts"] if r["language"] == "all"}
    assert overall["Functional_Correctness"]["length"] == pytest.approx(20 / 30, abs=1e-4)
    assert overall["Functional_Correctness"]["pairs"] == 30
    card = (tmp_path / "plain" / "README.md").read_text()
    assert "## Surface shortcuts" in card and "**0.67**" in card

    balanced = assemble([source], tmp_path / "balanced", AssemblyConfig(balance_shortcuts=0.65))
    # (20 - k) / (30 - k) <= 0.65 needs k = 2
    assert balanced.stats["drops"]["surface_shortcut"]["count"] == 2
    assert balanced.stats["rows"] == 28
    assert "`surface_shortcut`" in (tmp_path / "balanced" / "README.md").read_text()
    with pytest.raises(ValueError, match="balance_shortcuts"):
        AssemblyConfig(balance_shortcuts=0.3)
