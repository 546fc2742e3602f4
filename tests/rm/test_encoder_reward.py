"""The encoder reward class: zero head, last-token reading, and checkpoints that load
without codepref (``trust_remote_code``) exactly as they scored in training."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from transformers import AutoTokenizer, BertConfig

from curation.pairs.render import PairRenderer
from rm.batching import collate
from rm.encoder_reward import EncoderRewardConfig, EncoderRewardModel
from rm.model import RewardModel, load_sequence_classifier
from tests.fixtures.smoke_pairs import learnable_pairs


def _tiny(seed: int = 0, pooling: str = "last") -> EncoderRewardModel:
    config = BertConfig(
        vocab_size=100,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=64,
        pad_token_id=0,
    )
    torch.manual_seed(seed)
    return EncoderRewardModel(
        EncoderRewardConfig(encoder=config, pad_token_id=0, pooling=pooling)
    ).eval()


def _randomise_head(model: EncoderRewardModel, seed: int = 1) -> None:
    torch.manual_seed(seed)
    with torch.no_grad():
        model.score.weight.normal_(0, 0.5)


def test_fresh_model_has_zero_head_and_no_pooler() -> None:
    model = _tiny()
    assert model.encoder.pooler is None
    assert not any("pooler" in key for key in model.state_dict())
    assert model.score.weight.shape == (1, 32) and model.score.bias is None
    assert torch.count_nonzero(model.score.weight) == 0
    ids = torch.randint(1, 100, (5, 9))
    rewards = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits
    assert rewards.shape == (5, 1)
    assert torch.unique(rewards).tolist() == [0.0]  # every reward is equal before training


def test_wrapping_keeps_the_encoders_weights_and_attention() -> None:
    from transformers import BertModel

    config = _tiny().config.encoder
    config._attn_implementation = "eager"
    encoder = BertModel(config)
    model = EncoderRewardModel.from_encoder(encoder)
    assert model.encoder is encoder and encoder.pooler is None
    assert model.config._attn_implementation == "eager"
    assert encoder.config._attn_implementation == "eager"
    assert model.score.weight.device.type == "cpu" and torch.count_nonzero(model.score.weight) == 0


def test_reward_is_read_at_the_last_non_pad_token() -> None:
    model = _tiny()
    _randomise_head(model)
    ids = torch.tensor([[5, 6, 7, 8, 0, 0], [5, 6, 7, 8, 9, 10]])
    mask = (ids != 0).long()
    with torch.no_grad():
        base = model(input_ids=ids, attention_mask=mask).logits.squeeze(-1)
        hidden = model.encoder(input_ids=ids, attention_mask=mask)[0]
        assert torch.equal(base, model.score(hidden[[0, 1], [3, 5]]).squeeze(-1))
        # Tokens under the padding mask do not move the score ...
        repadded = ids.clone()
        repadded[0, 4:] = 42
        assert torch.equal(model(input_ids=repadded, attention_mask=mask).logits.squeeze(-1), base)
        # ... the last real token does.
        last = ids.clone()
        last[0, 3] = 44
        moved = model(input_ids=last, attention_mask=mask).logits.squeeze(-1)
        assert moved[0] != base[0] and moved[1] == base[1]
        # Without a mask the last token that is not config.pad_token_id is read.
        assert torch.equal(model(input_ids=ids).logits.squeeze(-1), base)


def test_mean_pooling_reads_the_mean_of_the_attended_states(tmp_path: Path) -> None:
    model = _tiny(pooling="mean")
    _randomise_head(model)
    ids = torch.tensor([[5, 6, 7, 8, 0, 0], [5, 6, 7, 8, 9, 10]])
    mask = (ids != 0).long()
    with torch.no_grad():
        rewards = model(input_ids=ids, attention_mask=mask).logits.squeeze(-1)
        hidden = model.encoder(input_ids=ids, attention_mask=mask)[0]
        means = torch.stack([hidden[0, :4].mean(0), hidden[1].mean(0)])
        assert torch.allclose(rewards, model.score(means).squeeze(-1), atol=1e-6)
        repadded = ids.clone()
        repadded[0, 4:] = 42  # padding still moves nothing
        repadded_rewards = model(input_ids=repadded, attention_mask=mask).logits.squeeze(-1)
        assert torch.equal(repadded_rewards, rewards)
        first = ids.clone()
        first[0, 0] = 44  # but every attended token does, not only the last
        assert model(input_ids=first, attention_mask=mask).logits[0, 0] != rewards[0]
    model.save_pretrained(tmp_path / "ckpt")
    again = EncoderRewardModel.from_pretrained(tmp_path / "ckpt").eval()
    assert again.config.pooling == "mean"
    with torch.no_grad():
        assert torch.equal(again(input_ids=ids, attention_mask=mask).logits.squeeze(-1), rewards)


def test_unknown_pooling_is_refused() -> None:
    with pytest.raises(ValueError, match="pooling must be one of last, mean, not 'max'"):
        _tiny(pooling="max")


def test_labels_give_the_regression_loss() -> None:
    model = _tiny()
    _randomise_head(model)
    ids = torch.randint(1, 100, (3, 7))
    labels = torch.tensor([0.5, -1.0, 2.0])
    out = model(input_ids=ids, labels=labels)
    expected = torch.nn.functional.mse_loss(out.logits.squeeze(-1), labels)
    assert out.loss is not None and torch.equal(out.loss, expected)


def test_resized_vocabulary_survives_a_reload(tmp_path: Path) -> None:
    model = _tiny()
    model.resize_token_embeddings(107)
    assert model.config.encoder.vocab_size == 107
    model.save_pretrained(tmp_path / "ckpt")
    again = EncoderRewardModel.from_pretrained(tmp_path / "ckpt")
    assert again.get_input_embeddings().weight.shape == (107, 32)


def test_loader_warns_when_the_shipped_code_differs(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _tiny().save_pretrained(tmp_path / "ckpt")
    shipped = tmp_path / "ckpt" / "encoder_reward.py"
    assert json.loads((tmp_path / "ckpt" / "config.json").read_text())["auto_map"] == {
        "AutoConfig": "encoder_reward.EncoderRewardConfig",
        "AutoModelForSequenceClassification": "encoder_reward.EncoderRewardModel",
    }
    with caplog.at_level(logging.WARNING, logger="rm.model"):
        assert type(load_sequence_classifier(tmp_path / "ckpt")) is EncoderRewardModel
    assert "another version" not in caplog.text
    shipped.write_text(shipped.read_text() + "\n# edited\n")
    with caplog.at_level(logging.WARNING, logger="rm.model"):
        load_sequence_classifier(tmp_path / "ckpt")
    assert "another version of encoder_reward.py" in caplog.text


# Runs in a fresh interpreter (-I) where codepref's packages cannot be imported: the
# checkpoint must bring its own class. The bare MiniLM load is the control that the captured
# log does show transformers' "newly initialized" report when a head is missing.
CHILD = """
import importlib.abc, io, json, logging, sys

CODEPREF = {"rm", "curation", "sandbox", "bench", "pipelines"}


class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in CODEPREF:
            raise ImportError(f"codepref module {name} is blocked in this process")


sys.meta_path.insert(0, Block())
import torch
from transformers import AutoModelForSequenceClassification
from transformers.utils import logging as hf_logging

checkpoint, base, inputs, out = sys.argv[1:5]
hf_logging.set_verbosity_info()
log = io.StringIO()
hf_logging.add_handler(logging.StreamHandler(log))
AutoModelForSequenceClassification.from_pretrained(base, num_labels=1)
control = log.getvalue()
log.seek(0)
log.truncate()
model, info = AutoModelForSequenceClassification.from_pretrained(
    checkpoint, trust_remote_code=True, output_loading_info=True
)
batch = torch.load(inputs)
with torch.no_grad():
    logits = model.eval()(**batch).logits.squeeze(-1)
torch.save({"rewards": logits, "score": model.score.weight.detach()}, out + ".pt")
json.dump(
    {
        "control_warned": "newly initialized" in control,
        "warned": "newly initialized" in log.getvalue(),
        "missing": sorted(info["missing_keys"]),
        "unexpected": sorted(info["unexpected_keys"]),
        "class": type(model).__module__ + "." + type(model).__name__,
        "codepref_loaded": sorted(m for m in sys.modules if m.split(".")[0] in CODEPREF),
    },
    open(out + ".json", "w"),
)
"""


@pytest.mark.slow
def test_checkpoint_loads_without_codepref_bit_for_bit(minilm_path: Path, tmp_path: Path) -> None:
    model = RewardModel.from_pretrained(minilm_path).eval()
    _randomise_head(model.seq_cls)  # stands in for a trained head
    tok = AutoTokenizer.from_pretrained(minilm_path)
    pairs, _ = PairRenderer(tok, 96).encode(learnable_pairs(4, seed=3))
    batch = collate(pairs, tok.pad_token_id)
    assert (batch["attention_mask"] == 0).any()
    with torch.no_grad():
        expected = model(batch["input_ids"], batch["attention_mask"]).rewards
    assert torch.unique(expected).numel() > 4  # a trained-looking head: rewards differ
    model.save(tmp_path / "rm", tok)
    torch.save(batch, tmp_path / "batch.pt")
    (tmp_path / "child.py").write_text(CHILD)

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_MODULES_CACHE": str(tmp_path / "modules")}
    args = [tmp_path / "rm", minilm_path, tmp_path / "batch.pt", tmp_path / "out"]
    proc = subprocess.run(
        [sys.executable, "-I", tmp_path / "child.py", *map(str, args)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    report = json.loads((tmp_path / "out.json").read_text())
    assert report["codepref_loaded"] == []
    assert report["class"].startswith("transformers_modules.")
    assert report["class"].endswith("encoder_reward.EncoderRewardModel")
    assert report["control_warned"] and not report["warned"]
    assert report["missing"] == [] and report["unexpected"] == []
    got = torch.load(tmp_path / "out.pt")
    assert torch.equal(got["score"], model.seq_cls.score.weight.detach())
    assert torch.equal(got["rewards"], expected)
