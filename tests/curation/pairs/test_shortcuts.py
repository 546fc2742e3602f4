from __future__ import annotations

import polars as pl
import pytest

from curation.pairs.shortcuts import (
    balance_pairs,
    comment_share,
    identifier_length,
    shortcut_records,
    shortcut_table,
)


def _pairs(rows: list[tuple[str, str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": [f"p{i}" for i in range(len(rows))],
            "aspect": [r[0] for r in rows],
            "language": [r[1] for r in rows],
            "chosen": [r[2] for r in rows],
            "rejected": [r[3] for r in rows],
        }
    )


def test_features_read_comments_per_language_and_identifier_lengths() -> None:
    assert comment_share("# a\nx = 1\n\n# b\n", "Python") == pytest.approx(2 / 3)
    assert comment_share("#include <x>\n// c\nint x;\n", "C") == pytest.approx(1 / 3)
    assert identifier_length("ab + abcd", "Go") == 3.0
    assert comment_share("", "Go") == 0.0


def test_the_table_is_the_share_of_pairs_whose_chosen_side_is_higher() -> None:
    frame = _pairs(
        [
            ("Memory_Efficiency", "C", "x", "xxxx"),  # chosen shorter
            ("Memory_Efficiency", "C", "xx", "xxxx"),  # chosen shorter
            ("Memory_Efficiency", "Go", "xxxx", "x"),  # chosen longer
            ("Memory_Efficiency", "Go", "xx", "xx"),  # tie
        ]
    )
    table = {(r["aspect"], r["language"]): r for r in shortcut_table(frame).iter_rows(named=True)}
    assert table["Memory_Efficiency", "C"]["length"] == 0.0
    assert table["Memory_Efficiency", "Go"]["length"] == 0.75
    assert table["Memory_Efficiency", "all"]["length"] == pytest.approx(1.5 / 4)
    assert table["Memory_Efficiency", "all"]["pairs"] == 4
    records = {(r["aspect"], r["language"]): r for r in shortcut_records(frame)}
    assert records["Memory_Efficiency", "C"]["strongest"].startswith("lower ")
    assert records["Memory_Efficiency", "C"]["strongest_accuracy"] == 1.0


def test_balancing_brings_every_feature_under_the_threshold_and_counts_the_drops() -> None:
    # 9 of 10 chosen sides are longer (and have more lines): "longer is better" scores 0.9
    rows = [("Functional_Correctness", "Python", "a = 1\n" * (i + 2), "a = 1\n") for i in range(9)]
    rows.append(("Functional_Correctness", "Python", "a = 1\n", "a = 1\n" * 3))
    rows += [("Runtime_Efficiency", "Go", "x", "yy"), ("Runtime_Efficiency", "Go", "yy", "x")]
    frame = _pairs(rows)
    result = balance_pairs(frame, 0.65)
    after = shortcut_table(result.kept).filter(pl.col("language") == "all")
    for row in after.iter_rows(named=True):
        for feature in ("length", "lines", "comment_share", "identifier_length"):
            assert max(row[feature], 1 - row[feature]) <= 0.65 + 1e-9, (row, feature)
    assert result.by_aspect == {"Functional_Correctness": 10 - result.kept.height + 2,
                                "Runtime_Efficiency": 0}  # fmt: skip
    assert result.dropped == frame.height - result.kept.height > 0
    assert balance_pairs(frame, 0.65).kept["id"].to_list() == result.kept["id"].to_list()
    with pytest.raises(ValueError, match="max_accuracy"):
        balance_pairs(frame, 0.4)
