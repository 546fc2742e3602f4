from __future__ import annotations

import json
import random

import polars as pl

from curation.code import analyze
from rm.smoke import MUTATIONS, learnable_pairs, write_train_eval


def test_pairs_are_intact_vs_broken_real_code() -> None:
    frame = learnable_pairs(40, seed=2)
    assert frame.height == 40 and frame["id"].n_unique() == 40
    for row in frame.iter_rows(named=True):
        assert analyze(row["chosen"], "Python").parses
        assert not analyze(row["rejected"], "Python").parses
        evidence = json.loads(row["evidence"])
        assert evidence["mutation"] in MUTATIONS and evidence["path"].endswith(".py")
    assert learnable_pairs(40, seed=2)["chosen"].to_list() == frame["chosen"].to_list()


def test_mutations_change_visible_tokens() -> None:
    lines = ["def f(a, b):", "    if a:", "        return (a + b)", "    return b"]
    rng = random.Random(0)
    assert MUTATIONS["drop_header_colons"](lines, rng) == [
        "def f(a, b)",
        "    if a",
        "        return (a + b)",
        "    return b",
    ]
    broken = MUTATIONS["unbalance_brackets"](lines, rng)
    assert all(")" not in line for line in broken[:1]) and broken != lines
    assert MUTATIONS["garble_keywords"](["x = 1"], rng) is None


def test_train_and_held_out_files_are_disjoint(tmp_path) -> None:
    train, held_out = write_train_eval(tmp_path, 20, 10, seed=4)
    a, b = pl.read_parquet(train), pl.read_parquet(held_out)
    assert a.height == 20 and b.height == 10
    assert not set(a["id"]) & set(b["id"])
    assert set(b["split"]) == {"test"}
