"""Tests of ``rm/batching.py``."""

from __future__ import annotations

from curation.pairs.render import EncodedPair
from rm.batching import collate, length_grouped_batches


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
