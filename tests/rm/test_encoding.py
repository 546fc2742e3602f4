from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from transformers import AutoTokenizer

from rm.batching import collate, length_grouped_batches
from rm.encoding import (
    ConversationFormatter,
    EncodedPair,
    PairsError,
    SystemPromptPolicy,
    assign_system_prompts,
    check_pad_position,
    read_pairs,
)


def _frame(n: int = 4, **extra) -> pl.DataFrame:
    data = {
        "id": [f"p{i}" for i in range(n)],
        "prompt": [f"task {i}" for i in range(n)],
        "chosen": ["def f():\n    return 1"] * n,
        "rejected": ["def f(:\n    return"] * n,
        "language": ["Python"] * n,
        "aspect": ["Functional_Correctness"] * n,
    }
    data.update(extra)
    return pl.DataFrame(data)


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
    _frame(3).write_parquet(tmp_path / "part-1.parquet")
    frame = read_pairs(str(tmp_path / "part-*.parquet"))
    assert frame.height == 5
    assert frame["prompt"].to_list()[:2] == ["a", "b"]
    assert frame["language"].to_list()[:2] == ["Cpp", "JavaScript"]
    assert frame["aspect"][1] == "Readability_Maintainability"
    assert frame["source"].to_list()[:2] == ["s1", "s2"]
    assert frame["id"][0] == "part-0.parquet:0"
    assert read_pairs(str(tmp_path)).height == 5  # a directory reads its shards


def test_read_pairs_errors_name_file_and_row(tmp_path: Path) -> None:
    bad = _frame(3).with_columns(
        pl.when(pl.col("id") == "p1").then(None).otherwise(pl.col("chosen")).alias("chosen")
    )
    path = tmp_path / "bad.parquet"
    bad.write_parquet(path)
    with pytest.raises(PairsError, match=r"bad.parquet: row 1 \(id 'p1'\) has a null 'chosen'"):
        read_pairs(str(path))
    _frame(2, language=["Python", "Cobol"]).write_parquet(path)
    with pytest.raises(PairsError, match="row 1"):
        read_pairs(str(path))
    with pytest.raises(PairsError, match="no pairs files"):
        read_pairs(str(tmp_path / "missing-*.parquet"))
    pl.DataFrame({"prompt": ["a"], "chosen": ["b"]}).write_parquet(path)
    with pytest.raises(PairsError, match="missing column"):
        read_pairs(str(path))


def test_split_filter(tmp_path: Path) -> None:
    _frame(4, split=["train", "test", "train", "test"]).write_parquet(tmp_path / "p.parquet")
    assert read_pairs(str(tmp_path / "p.parquet"), split="test")["id"].to_list() == ["p1", "p3"]


def test_system_prompts_follow_shares_and_seed() -> None:
    frame = _frame(4000)
    policy = SystemPromptPolicy(seed=3)
    drawn = assign_system_prompts(frame, policy)
    counts = Counter(drawn["system_kind"])
    assert abs(counts["none"] / 4000 - 0.15) < 0.03
    assert abs(counts["aspect"] / 4000 - 0.60) < 0.03
    assert abs(counts["all"] / 4000 - 0.25) < 0.03
    assert (
        drawn["system_kind"].to_list()
        == assign_system_prompts(frame, policy)["system_kind"].to_list()
    )
    rows = drawn.to_dicts()
    aspect_row = next(r for r in rows if r["system_kind"] == "aspect")
    assert "Functional Correctness" in aspect_row["system"]
    all_rows = [r["system"] for r in rows if r["system_kind"] == "all"]
    assert all(r.count("\n- ") == 5 for r in all_rows)
    assert len(set(all_rows)) > 20  # shuffled order differs between pairs
    assert all(r["system"] is None for r in rows if r["system_kind"] == "none")


def test_given_system_prompt_is_kept() -> None:
    frame = _frame(3, system=["be brief", None, None])
    drawn = assign_system_prompts(frame, SystemPromptPolicy(shares=(1, 0, 0)))
    assert drawn["system_kind"].to_list() == ["given", "none", "none"]
    assert drawn["system"][0] == "be brief"
    with pytest.raises(ValueError):
        SystemPromptPolicy(shares=(1, 0))


def test_plain_format_wraps_bert_special_tokens(minilm_path: Path) -> None:
    tok = AutoTokenizer.from_pretrained(minilm_path)
    fmt = ConversationFormatter(tok, max_length=64)
    pairs, stats = fmt.encode(_frame(1, system=["be correct"]))
    pair = pairs[0]
    assert pair.chosen_ids[0] == tok.cls_token_id and pair.chosen_ids[-1] == tok.sep_token_id
    text = tok.decode(pair.chosen_ids, skip_special_tokens=True)
    assert text.startswith("system : be correct user : task 0 assistant : def f")
    start, end = pair.chosen_span
    assert tok.decode(pair.chosen_ids[start:end]).startswith("def f ( ) :")
    assert stats.kept == 1 and not stats.dropped


def test_chat_template_and_response_side_truncation(tiny_qwen3: Path) -> None:
    tok = AutoTokenizer.from_pretrained(tiny_qwen3)
    long_code = "def f():\n" + "    x = 1\n" * 200
    frame = _frame(2, chosen=[long_code, "def g():\n    pass"])
    fmt = ConversationFormatter(tok, max_length=80)
    pairs, stats = fmt.encode(frame)
    assert stats.truncated_chosen == 1 and stats.kept == 2
    first = pairs[0]
    assert len(first.chosen_ids) == 80
    text = tok.decode(first.chosen_ids)
    assert text.startswith("<|im_start|>user\ntask 0<|im_end|>\n<|im_start|>assistant\ndef f")
    assert text.endswith("<|im_end|>\n")  # the end of turn survives truncation
    start, end = first.chosen_span
    assert tok.decode(first.chosen_ids[end:]) == ""  # the span runs to the end (no specials)
    assert end == 80 and tok.decode(first.chosen_ids[start:]).startswith("def f")


def test_prompt_too_long_is_counted_not_silent(tiny_qwen3: Path) -> None:
    tok = AutoTokenizer.from_pretrained(tiny_qwen3)
    frame = _frame(3, prompt=["short", "word " * 500, "short"])
    pairs, stats = ConversationFormatter(tok, max_length=64).encode(frame)
    assert [p.id for p in pairs] == ["p0", "p2"]
    assert stats.dropped == Counter({"prompt_too_long": 1})
    assert stats.as_dict()["dropped"] == {"prompt_too_long": 1}


def test_pad_at_sequence_end_is_refused() -> None:
    pair = EncodedPair("x", [5, 6, 0], [5, 7], (1, 3), (1, 2))
    with pytest.raises(PairsError, match="'x' ends in the pad token"):
        check_pad_position([pair], pad_id=0)
    check_pad_position([pair], pad_id=9)


def test_length_grouped_batches_cover_everything_once() -> None:
    lengths = [((i * 37) % 101) + 1 for i in range(500)]
    batches = length_grouped_batches(lengths, 8, seed=1, mega_batch=8)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(500))
    assert batches == length_grouped_batches(lengths, 8, seed=1, mega_batch=8)
    assert batches != length_grouped_batches(lengths, 8, seed=2, mega_batch=8)

    def padding(bs: list[list[int]]) -> int:
        return sum(max(lengths[i] for i in b) * len(b) - sum(lengths[i] for i in b) for b in bs)

    shuffled = [list(range(500))[i : i + 8] for i in range(0, 500, 8)]
    assert padding(batches) < padding(shuffled) / 3
    dropped = length_grouped_batches(lengths, 8, seed=1, drop_last=True)
    assert all(len(b) == 8 for b in dropped) and len(dropped) == 62


def test_collate_right_pads_and_marks_chosen_response() -> None:
    pairs = [
        EncodedPair("a", [1, 2, 3, 4], [1, 2, 9], (2, 4), (2, 3)),
        EncodedPair("b", [1, 5], [1, 6, 7, 8, 9], (1, 2), (1, 5)),
    ]
    batch = collate(pairs, pad_id=0, with_lm=True)
    assert batch["input_ids"].tolist() == [
        [1, 2, 3, 4, 0],
        [1, 5, 0, 0, 0],
        [1, 2, 9, 0, 0],
        [1, 6, 7, 8, 9],
    ]
    assert batch["attention_mask"].sum(1).tolist() == [4, 2, 3, 5]
    # positions 1,2 of pair a predict tokens 3,4; position 0 of pair b predicts 5
    assert batch["lm_positions"].nonzero().tolist() == [[0, 1], [0, 2], [1, 0]]
    assert batch["lm_labels"].tolist() == [3, 4, 5]
