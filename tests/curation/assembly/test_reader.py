"""Tests of ``curation/assembly/reader.py``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from curation.assembly import (
    AssemblyConfig,
    PairsInputError,
    assemble_pairs,
    parse_row,
)
from tests.fixtures.assembly_producers import row, write


def test_aliases_and_spellings_are_normalised(tmp_path: Path):
    themis = row(1, language="C#", aspect="security")
    themis["input"] = themis.pop("prompt")
    themis["subset"] = themis.pop("source")
    pair = parse_row(
        {**themis, "prompt": themis["input"], "source": themis["subset"]}, "f.parquet", 0
    )
    assert (pair.language, pair.aspect) == ("CSharp", "Security_Hardness")
    path = write(tmp_path / "themis.parquet", [themis])
    assembled = assemble_pairs([path])
    [kept] = assembled.pairs
    assert kept.prompt == "Write a function that returns 1."
    assert kept.source == "unit"
    assert kept.language == "CSharp"
    assert kept.evidence["origin"] == {"file": "themis.parquet", "row": 0, "id": "src-1"}
    assert kept.evidence["problem_id"] == "prob-1"


def test_a_file_missing_a_column_is_an_error_naming_it(tmp_path: Path):
    bad = row(1)
    del bad["rejected"]
    path = write(tmp_path / "broken.parquet", [bad])
    with pytest.raises(PairsInputError, match=r"broken\.parquet: missing column\(s\) rejected"):
        assemble_pairs([path])
    with pytest.raises(PairsInputError, match="no such file"):
        assemble_pairs([tmp_path / "absent.parquet"])


def test_missing_label_method_needs_a_default(tmp_path: Path):
    unlabelled = row(1)
    del unlabelled["label_method"]
    path = write(tmp_path / "crb.parquet", [unlabelled])
    with pytest.raises(PairsInputError, match="--label-method"):
        assemble_pairs([path])
    [pair] = assemble_pairs([path], AssemblyConfig(default_label_method="inherited")).pairs
    assert pair.label_method == "inherited"


def test_invalid_rows_are_dropped_counted_and_named(tmp_path: Path):
    rows = [
        row(1),
        row(2, language="Kotlin"),
        row(3, aspect="vibes"),
        row(4, chosen="   "),
        row(5, rejected="def f():\n    return 5\n"),  # same as chosen up to normalisation
        row(6, confidence=1.5),
        row(7, label_method="guess"),
        row(8, evidence="not json"),
    ]
    assembled = assemble_pairs([write(tmp_path / "mixed.parquet", rows)])
    assert sorted(p.evidence["origin"]["id"] for p in assembled.pairs) == ["src-1", "src-8"]
    assert assembled.drops.counts == Counter(
        {
            "invalid:language": 1,
            "invalid:aspect": 1,
            "invalid:chosen": 1,
            "invalid:identical": 1,
            "invalid:confidence": 1,
            "invalid:label_method": 1,
        }
    )
    assert assembled.drops.examples["invalid:language"][0].startswith("src-2 (mixed.parquet#1)")
    assert "Kotlin" in assembled.drops.examples["invalid:language"][0]
    kept_note = next(p for p in assembled.pairs if p.evidence["origin"]["id"] == "src-8")
    assert kept_note.evidence["note"] == "not json"
