"""Tests of ``curation/assembly/card.py``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from huggingface_hub import DatasetCard

from curation.assembly import (
    size_category,
)
from curation.criteria import ASPECTS
from curation.schema import PAIRS


def read_front_matter(card: str) -> dict[str, Any]:
    assert card.startswith("---\n")
    _, front, _ = card.split("---\n", 2)
    return yaml.safe_load(front)


def test_card_metadata_and_tables_match_the_shards(dataset: Path):
    card = (dataset / "README.md").read_text()
    meta = read_front_matter(card)
    stats = json.loads((dataset / "stats.json").read_text())
    assert meta["license"] == "apache-2.0"
    assert meta["size_categories"] == ["n<1K"]
    assert "text-classification" in meta["task_categories"]
    configs = {config["config_name"]: config for config in meta["configs"]}
    present = {
        a
        for a in ASPECTS
        if stats["aspect_language"][a] and sum(stats["aspect_language"][a].values())
    }
    assert set(configs) == {"default", *present}
    assert configs["default"]["default"] is True
    assert {f["split"] for f in configs["default"]["data_files"]} == set(stats["splits"])
    assert configs["Runtime_Efficiency"]["data_files"][0]["path"].endswith(
        "Runtime_Efficiency-*.parquet"
    )
    info = {entry["config_name"]: entry for entry in meta["dataset_info"]}
    assert [f["name"] for f in info["default"]["features"]] == PAIRS.names
    assert sum(s["num_examples"] for s in info["default"]["splits"]) == stats["rows"]
    total = stats["rows"]
    fc = stats["aspect_language"]["Functional_Correctness"]
    fc_line = " | ".join(str(n) for n in fc.values())
    assert f"| Functional_Correctness | {fc_line} | {sum(fc.values())} |" in card
    assert card.count(f"| {total:,} |") >= 1
    assert f"{stats['rows']:,} code-preference pairs" in card
    for reason, entry in stats["drops"].items():
        assert f"| `{reason}` | {entry['count']:,} |" in card
    assert "| COMMITS | Readability_Maintainability |" in card
    assert "evidence.repo" in card
    # huggingface_hub's own card parser accepts the metadata.
    parsed = DatasetCard.load(dataset / "README.md").data
    assert parsed.license == "apache-2.0"
    assert [c["config_name"] for c in parsed.configs] == [c["config_name"] for c in meta["configs"]]


def test_size_categories():
    assert size_category(999) == "n<1K"
    assert size_category(1000) == "1K<n<10K"
    assert size_category(354_010) == "100K<n<1M"
