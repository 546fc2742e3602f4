"""Tests of ``curation/assembly/selection.py``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from curation.assembly import (
    AssemblyConfig,
    assemble_pairs,
)
from tests.fixtures.assembly_producers import row, write


def test_duplicates_keep_the_best_evidenced_label(tmp_path: Path):
    inherited = write(tmp_path / "a.parquet", [row(1, label_method="inherited", id="old")])
    executed = write(
        tmp_path / "b.parquet",
        [row(1, label_method="execution", id="new", chosen="def f():\r\n    return 1  \r\n")],
    )
    assembled = assemble_pairs([inherited, executed])
    [pair] = assembled.pairs
    assert pair.label_method == "execution"
    assert pair.evidence["origin"]["id"] == "new"
    assert assembled.drops.counts == Counter({"duplicate_id": 1})
    assert "a.parquet#0" in assembled.drops.examples["duplicate_id"][0]


def test_contradicting_pairs_are_both_dropped(tmp_path: Path):
    forward = row(1)
    backward = row(1, id="swapped", chosen=forward["rejected"], rejected=forward["chosen"])
    other = row(2)
    assembled = assemble_pairs([write(tmp_path / "c.parquet", [forward, backward, other])])
    assert [p.evidence["origin"]["id"] for p in assembled.pairs] == ["src-2"]
    assert assembled.drops.counts == Counter({"contradiction": 2})


def test_caps_bound_each_aspect_language_cell(tmp_path: Path):
    rows = [row(i, language="Python") for i in range(50)]
    rows += [row(100 + i, language="Go") for i in range(7)]
    rows += [
        row(200 + i, language="Python", aspect="Readability_Maintainability") for i in range(3)
    ]
    assembled = assemble_pairs(
        [write(tmp_path / "cap.parquet", rows)], AssemblyConfig(max_per_cell=10)
    )
    cells = Counter((p.aspect, p.language) for p in assembled.pairs)
    assert cells == {
        ("Functional_Correctness", "Python"): 10,
        ("Functional_Correctness", "Go"): 7,
        ("Readability_Maintainability", "Python"): 3,
    }
    assert assembled.drops.counts == Counter({"over_cap": 40})
