from __future__ import annotations

import logging
from pathlib import Path

import polars as pl
import pytest
import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer
from transformers.utils import logging as hf_logging

from curation.pairs.render import PairRenderer
from rm.batching import collate
from rm.encoder_reward import EncoderRewardModel
from rm.model import (
    LM_HEAD_FILE,
    RewardModel,
    ensure_pad_token,
    last_token_index,
    resize_for_tokenizer,
)
from tests.fixtures.smoke_pairs import learnable_pairs


@pytest.fixture(scope="module")
def pairs_frame():
    return learnable_pairs(6, seed=5)


def _batch(path: Path, frame, max_length: int = 96):
    tok = AutoTokenizer.from_pretrained(path)
    pairs, _ = PairRenderer(tok, max_length).encode(frame)
    return tok, pairs, collate(pairs, tok.pad_token_id)


def _perturb_head(model: RewardModel) -> None:
    torch.manual_seed(1)
    for name, param in model.seq_cls.named_parameters():
        if name.startswith(("score", "classifier")):
            with torch.no_grad():
                param.normal_(0, 0.5)


def _load_with_log(path: Path, caplog: pytest.LogCaptureFixture):
    caplog.clear()  # only the reload's log counts, not the base model's
    hf_logging.enable_propagation()
    try:
        with caplog.at_level(logging.INFO):
            model, info = AutoModelForSequenceClassification.from_pretrained(
                path, output_loading_info=True
            )
    finally:
        hf_logging.disable_propagation()
    return model.eval(), info


def test_head_starts_at_zero(minilm_path: Path, tiny_qwen3: Path, pairs_frame) -> None:
    for path in (minilm_path, tiny_qwen3):
        model = RewardModel.from_pretrained(path).eval()
        _, _, batch = _batch(path, pairs_frame)
        rewards = model(batch["input_ids"], batch["attention_mask"]).rewards
        assert rewards.shape == (12,)
        assert torch.count_nonzero(rewards) == 0


def _with_short_response(frame: pl.DataFrame) -> pl.DataFrame:
    """One short chosen response, so right padding is exercised whatever site-packages
    files the learnable pairs were drawn from (all of them may reach max_length)."""
    short = ["def f():\n    return 1\n", *frame["chosen"].to_list()[1:]]
    return frame.with_columns(pl.Series("chosen", short))


def test_encoder_checkpoint_loads_with_trained_head(
    minilm_path: Path, pairs_frame, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """In codepref's own process the installed class serves the checkpoint, without
    trust_remote_code; the subprocess test in test_encoder_reward.py loads it without codepref."""
    model = RewardModel.from_pretrained(minilm_path).eval()
    assert isinstance(model.seq_cls, EncoderRewardModel) and not model.causal
    _perturb_head(model)
    tok, _, batch = _batch(minilm_path, _with_short_response(pairs_frame))
    assert (batch["attention_mask"] == 0).any()  # right padding is exercised
    with torch.no_grad():
        expected = model(batch["input_ids"], batch["attention_mask"]).rewards
    model.save(tmp_path / "rm", tok)
    loaded, info = _load_with_log(tmp_path / "rm", caplog)
    assert not info["missing_keys"] and not info["unexpected_keys"]
    assert "newly initialized" not in caplog.text
    assert type(loaded) is EncoderRewardModel  # the installed class, not the shipped copy
    assert loaded.config.num_labels == 1 and loaded.config.pad_token_id == tok.pad_token_id
    torch.testing.assert_close(loaded.score.weight, model.seq_cls.score.weight, rtol=0, atol=0)
    with torch.no_grad():
        got = loaded(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
    assert torch.equal(got.logits.squeeze(-1), expected)
    assert torch.unique(expected).numel() > 1
    # A second stage starts from the reward checkpoint with its trained head.
    again = RewardModel.from_pretrained(tmp_path / "rm")
    assert isinstance(again.seq_cls, EncoderRewardModel)
    torch.testing.assert_close(again.seq_cls.score.weight, model.seq_cls.score.weight)


@pytest.mark.parametrize("fixture", ["tiny_qwen3", "tiny_qwen3_tied"])
def test_causal_checkpoint_scores_like_training(
    fixture: str,
    request: pytest.FixtureRequest,
    pairs_frame,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = request.getfixturevalue(fixture)
    model = RewardModel.from_pretrained(path).eval()
    assert model.causal and model.lm_head is not None
    _perturb_head(model)
    tok, _, batch = _batch(path, _with_short_response(pairs_frame))
    assert (batch["attention_mask"] == 0).any()  # right padding is exercised
    with torch.no_grad():
        expected = model(batch["input_ids"], batch["attention_mask"]).rewards
    model.save(tmp_path / "rm", tok)
    loaded, info = _load_with_log(tmp_path / "rm", caplog)
    assert not info["missing_keys"]
    assert "newly initialized" not in caplog.text
    assert type(loaded).__name__ == "Qwen3ForSequenceClassification"
    assert loaded.config.pad_token_id == tok.pad_token_id != tok.eos_token_id
    torch.testing.assert_close(loaded.score.weight, model.seq_cls.score.weight)
    with torch.no_grad():
        got = loaded(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
    torch.testing.assert_close(got.squeeze(-1), expected, atol=1e-5, rtol=1e-5)
    assert (tmp_path / "rm" / LM_HEAD_FILE).is_file() == (fixture == "tiny_qwen3")
    # A second stage starts from the reward checkpoint with its LM head.
    again = RewardModel.from_pretrained(tmp_path / "rm")
    assert again.lm_head is not None
    torch.testing.assert_close(again.lm_head.weight, model.lm_head.weight)
    torch.testing.assert_close(again.seq_cls.score.weight, model.seq_cls.score.weight)


def test_lm_logits_only_at_requested_positions(tiny_qwen3: Path, pairs_frame) -> None:
    model = RewardModel.from_pretrained(tiny_qwen3).eval()
    tok, pairs = _batch(tiny_qwen3, pairs_frame)[:2]
    batch = collate(pairs, tok.pad_token_id, with_lm=True)
    out = model(batch["input_ids"], batch["attention_mask"], batch["lm_positions"])
    n = int(batch["lm_positions"].sum())
    assert out.lm_logits.shape == (n, len(tok))


def test_encoder_refuses_lm_loss(minilm_path: Path, pairs_frame) -> None:
    model = RewardModel.from_pretrained(minilm_path)
    tok, pairs, _ = _batch(minilm_path, pairs_frame)
    batch = collate(pairs, tok.pad_token_id, with_lm=True)
    with pytest.raises(ValueError, match="causal LM"):
        model(batch["input_ids"], batch["attention_mask"], batch["lm_positions"])


def test_pad_equal_to_eos_is_replaced(tiny_qwen3: Path) -> None:
    tok = AutoTokenizer.from_pretrained(tiny_qwen3)
    tok.pad_token = tok.eos_token  # the common shortcut that breaks last-token pooling
    assert ensure_pad_token(tok) is False
    assert tok.pad_token == "<|endoftext|>" and tok.pad_token_id != tok.eos_token_id

    bare = AutoTokenizer.from_pretrained(tiny_qwen3)
    bare.pad_token = bare.eos_token
    bare.add_special_tokens({"pad_token": "<|im_end|>"})
    # Without any distinct candidate a new token is added and the embeddings grow.
    vocab = bare.get_vocab()
    if "<|endoftext|>" in vocab:
        bare.eos_token = "<|endoftext|>"
        bare.pad_token = "<|endoftext|>"
    model = RewardModel.from_pretrained(tiny_qwen3)
    before = model.seq_cls.get_input_embeddings().weight.shape[0]
    added = ensure_pad_token(bare)
    assert added and bare.pad_token == "<|pad|>"
    resize_for_tokenizer(model, bare)
    assert model.seq_cls.get_input_embeddings().weight.shape[0] == before + 1
    assert model.lm_head.weight.shape[0] == before + 1


def test_last_token_index_reads_rightmost_attended() -> None:
    mask = torch.tensor([[1, 1, 1, 0], [1, 0, 0, 0], [1, 1, 1, 1]])
    assert last_token_index(mask).tolist() == [2, 0, 3]


def test_pooling_is_chosen_for_a_base_encoder_and_kept_by_a_checkpoint(
    minilm_path: Path, tiny_qwen3: Path, tmp_path: Path
) -> None:
    model = RewardModel.from_pretrained(minilm_path, pooling="mean")
    assert model.seq_cls.config.pooling == "mean"
    assert RewardModel.from_pretrained(minilm_path).seq_cls.config.pooling == "last"
    model.save(tmp_path / "rm", AutoTokenizer.from_pretrained(minilm_path))
    assert RewardModel.from_pretrained(tmp_path / "rm").seq_cls.config.pooling == "mean"
    with pytest.raises(ValueError, match="the checkpoint pools 'mean', not 'last'"):
        RewardModel.from_pretrained(tmp_path / "rm", pooling="last")
    with pytest.raises(ValueError, match="a causal LM reads its last token, not 'mean'"):
        RewardModel.from_pretrained(tiny_qwen3, pooling="mean")
