"""Tests of ``curation/pairs/render.py``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from transformers import AutoTokenizer

from curation.pairs.columns import PairsError
from curation.pairs.render import EncodedPair, PairRenderer, check_pad_position
from tests.fixtures.pair_frames import pair_frame


def test_plain_format_wraps_bert_special_tokens(minilm_path: Path) -> None:
    tok = AutoTokenizer.from_pretrained(minilm_path)
    fmt = PairRenderer(tok, max_length=64)
    pairs, stats = fmt.encode(pair_frame(1, system=["be correct"]))
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
    frame = pair_frame(2, chosen=[long_code, "def g():\n    pass"])
    fmt = PairRenderer(tok, max_length=80)
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
    frame = pair_frame(3, prompt=["short", "word " * 500, "short"])
    pairs, stats = PairRenderer(tok, max_length=64).encode(frame)
    assert [p.id for p in pairs] == ["p0", "p2"]
    assert stats.dropped == Counter({"prompt_too_long": 1})
    assert stats.as_dict()["dropped"] == {"prompt_too_long": 1}


def test_pad_at_sequence_end_is_refused() -> None:
    pair = EncodedPair("x", [5, 6, 0], [5, 7], (1, 3), (1, 2))
    with pytest.raises(PairsError, match="'x' ends in the pad token"):
        check_pad_position([pair], pad_id=0)
    check_pad_position([pair], pad_id=9)
