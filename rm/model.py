"""The reward model: a transformers backbone plus a zero-initialised scalar head.

Every backbone gets the same head, ``score = Linear(hidden, 1, bias=False)`` starting at zero,
read at the last non-pad token (right padding; training reads it from the attention mask), and
every checkpoint loads as ``AutoModelForSequenceClassification`` with ``num_labels=1``:

* Causal LMs (Qwen3, Llama, ...): the class is the backbone's own
  ``*ForSequenceClassification`` (``GenericForSequenceClassification``), the published
  recipe, so the checkpoint loads in any tool (TRL, vLLM, text-embeddings-inference) without
  ``trust_remote_code``. The loaded class finds the last token as the rightmost one that
  differs from ``config.pad_token_id``, so the pad token must never be the token a sequence
  ends with: :func:`ensure_pad_token` refuses a pad that equals EOS or an end-of-turn token and
  picks (or adds) a distinct one, and the collator checks every sequence's last token.
* Encoders (BERT, MiniLM, RoBERTa): transformers' own classes pool ``[CLS]`` through an extra
  dense+tanh layer instead, so the class is codepref's
  :class:`~rm.encoder_reward.EncoderRewardModel` (the ``AutoModel`` encoder + ``score``, read
  at the last attended token). Its module is saved into the checkpoint with ``auto_map``, so
  ``AutoModelForSequenceClassification.from_pretrained(dir, trust_remote_code=True)`` loads it
  anywhere; codepref's own loaders (:func:`load_sequence_classifier`) use the installed class
  instead and never execute code from a checkpoint directory.

With a causal backbone the LM head is kept beside the classifier (shared with the input
embeddings when the config ties them) for the LM regularisation loss; it is saved next to the
checkpoint as ``lm_head.safetensors`` when untied, so a second training stage can use it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import NamedTuple

import torch
from torch import nn
from transformers import (
    AutoConfig,
    AutoModel,
    AutoModelForCausalLM,
    AutoModelForSequenceClassification,
    PretrainedConfig,
    PreTrainedModel,
    PreTrainedTokenizerBase,
)
from transformers.models.auto.modeling_auto import (
    MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
    MODEL_FOR_MASKED_LM_MAPPING_NAMES,
)

from rm import encoder_reward
from rm.encoder_reward import (
    MODEL_TYPE,
    EncoderRewardConfig,
    EncoderRewardModel,
    last_token_index,
)

logger = logging.getLogger(__name__)

LM_HEAD_FILE = "lm_head.safetensors"

# Names a tokenizer may already hold for a dedicated padding token, tried in this order before
# a new token is added (which grows the embedding matrix).
_PAD_CANDIDATES = ("<|pad|>", "<pad>", "[PAD]", "<|finetune_right_pad_id|>", "<|endoftext|>")
# End-of-turn markers of common chat templates: a pad equal to one of them would make the
# loaded sequence classifier skip the real last token.
_END_OF_TURN = ("<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "</s>", "<|endoftext|>")

# In every process that imports codepref's RM code, the installed classes serve codepref's
# encoder checkpoints through the Auto classes: transformers then prefers them to the copy in
# the checkpoint (even with trust_remote_code=True), so no code from a checkpoint directory
# runs and AutoTokenizer / AutoConfig do not ask whether to trust it.
AutoConfig.register(MODEL_TYPE, EncoderRewardConfig, exist_ok=True)
AutoModelForSequenceClassification.register(EncoderRewardConfig, EncoderRewardModel, exist_ok=True)


class RewardOutput(NamedTuple):
    """Rewards of a batch (shape ``[batch]``) and, when asked for, LM logits.

    ``lm_logits`` covers only the positions selected by ``lm_positions`` (a boolean mask of
    the input), so the vocabulary projection is computed for response tokens alone. A tuple,
    so that DDP finds its tensors.
    """

    rewards: torch.Tensor
    lm_logits: torch.Tensor | None = None


def is_causal_config(config: PretrainedConfig) -> bool:
    """True for decoder-only LMs, whose reward is read at the last non-pad token."""
    model_type = config.model_type
    return (
        model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES
        and model_type not in MODEL_FOR_MASKED_LM_MAPPING_NAMES
    )


def ensure_pad_token(tokenizer: PreTrainedTokenizerBase) -> bool:
    """Give ``tokenizer`` a pad token distinct from EOS and end-of-turn tokens.

    Returns True when a new token was added to the vocabulary (the caller must then resize
    the embeddings). Reusing EOS as pad, the usual shortcut, breaks the loaded classifier:
    it reads the rightmost non-pad token and so skips a final ``<|im_end|>``.
    """
    forbidden = {tokenizer.eos_token, *_END_OF_TURN} - {None}
    if tokenizer.pad_token is not None and tokenizer.pad_token not in forbidden:
        return False
    vocab = tokenizer.get_vocab()
    for candidate in _PAD_CANDIDATES:
        if candidate in vocab and candidate != tokenizer.eos_token:
            if candidate == "<|endoftext|>" and "<|im_end|>" not in vocab:
                continue  # there it is the end-of-document token that ends sequences
            tokenizer.pad_token = candidate
            return False
    tokenizer.add_special_tokens({"pad_token": "<|pad|>"})
    return True


class RewardModel(nn.Module):
    """A sequence classifier with one label plus, for causal backbones, the LM head."""

    def __init__(self, seq_cls: PreTrainedModel, lm_head: nn.Module | None = None) -> None:
        super().__init__()
        self.seq_cls = seq_cls
        self.lm_head = lm_head
        self.causal = is_causal_config(seq_cls.config)
        if seq_cls.config.num_labels != 1:
            raise ValueError(f"reward model needs num_labels=1, got {seq_cls.config.num_labels}")

    @property
    def config(self) -> PretrainedConfig:
        return self.seq_cls.config

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_causal_lm(cls, causal_lm: PreTrainedModel) -> RewardModel:
        """Wrap an in-memory causal LM: its decoder becomes the classifier's backbone.

        The sequence-classification shell is built on the meta device and its backbone
        replaced by the LM's own module, so no weight is copied or loaded twice.
        """
        config = causal_lm.config
        config.num_labels = 1
        config.problem_type = "regression"
        with torch.device("meta"):
            shell = AutoModelForSequenceClassification.from_config(config)
        if not isinstance(getattr(shell, "score", None), nn.Linear):
            raise ValueError(f"{type(shell).__name__} has no `score` head to read rewards with")
        setattr(shell, shell.base_model_prefix, causal_lm.base_model)
        head = shell.score
        shell.score = nn.Linear(
            head.in_features,
            1,
            bias=head.bias is not None,
            dtype=causal_lm.dtype,
            device=causal_lm.device,
        )
        nn.init.zeros_(shell.score.weight)
        if shell.score.bias is not None:
            nn.init.zeros_(shell.score.bias)
        shell.config.architectures = [type(shell).__name__]
        return cls(shell, causal_lm.get_output_embeddings())

    @classmethod
    def from_pretrained(
        cls,
        name_or_path: str | Path,
        *,
        dtype: torch.dtype | None = None,
        attn_implementation: str | None = None,
        pooling: str | None = None,
    ) -> RewardModel:
        """Load a base LM, an encoder, or a reward checkpoint saved by :meth:`save`.

        A base encoder (or another tool's encoder classifier, whose pooled-``[CLS]`` head is
        left out) becomes an :class:`EncoderRewardModel` with a zero head that reads
        ``pooling`` (``last`` when None). A checkpoint keeps the pooling it was trained with,
        and asking a causal LM for another than its last token is an error.
        """
        kwargs: dict = {}
        if dtype is not None:
            kwargs["dtype"] = dtype
        if attn_implementation is not None:
            kwargs["attn_implementation"] = attn_implementation
        config = AutoConfig.from_pretrained(name_or_path)
        if isinstance(config, EncoderRewardConfig):
            if pooling is not None and pooling != config.pooling:
                raise ValueError(
                    f"{name_or_path}: the checkpoint pools {config.pooling!r}, not {pooling!r}"
                )
            return cls(load_sequence_classifier(name_or_path, **kwargs))
        if is_causal_config(config) and pooling not in (None, "last"):
            raise ValueError(f"{name_or_path}: a causal LM reads its last token, not {pooling!r}")
        archs = config.architectures or []
        is_reward_ckpt = any(a.endswith("ForSequenceClassification") for a in archs)
        if not is_causal_config(config):
            if is_reward_ckpt:
                logger.warning(
                    "%s: %s head not used; a zero head reading the last token replaces it",
                    name_or_path,
                    archs[0],
                )
            encoder = AutoModel.from_pretrained(name_or_path, **kwargs)
            return cls(EncoderRewardModel.from_encoder(encoder, pooling or "last"))
        if not is_reward_ckpt:
            causal_lm = AutoModelForCausalLM.from_pretrained(name_or_path, **kwargs)
            return cls.from_causal_lm(causal_lm)
        seq_cls = AutoModelForSequenceClassification.from_pretrained(
            name_or_path, num_labels=1, **kwargs
        )
        seq_cls.config.problem_type = "regression"
        return cls(seq_cls, _load_lm_head(seq_cls, Path(name_or_path)))

    # ----------------------------------------------------------------- forward
    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        lm_positions: torch.Tensor | None = None,
    ) -> RewardOutput:
        """Rewards for right-padded ``input_ids``; LM logits at ``lm_positions`` if given."""
        if input_ids.shape != attention_mask.shape:
            raise ValueError(
                f"input_ids {tuple(input_ids.shape)} and attention_mask "
                f"{tuple(attention_mask.shape)} differ"
            )
        if not self.causal:
            if lm_positions is not None:
                raise ValueError("the LM loss needs a causal LM backbone; this one is an encoder")
            out = self.seq_cls(input_ids=input_ids, attention_mask=attention_mask)
            return RewardOutput(rewards=out.logits.squeeze(-1))
        base = getattr(self.seq_cls, self.seq_cls.base_model_prefix)
        hidden = base(
            input_ids=input_ids, attention_mask=attention_mask, use_cache=False
        ).last_hidden_state
        last = last_token_index(attention_mask)
        pooled = hidden[torch.arange(hidden.shape[0], device=hidden.device), last]
        rewards = self.seq_cls.score(pooled).squeeze(-1)
        lm_logits = None
        if lm_positions is not None:
            if self.lm_head is None:
                raise ValueError("this reward model has no LM head; set lm_weight to 0")
            lm_logits = self.lm_head(hidden[lm_positions])
        return RewardOutput(rewards=rewards, lm_logits=lm_logits)

    # ----------------------------------------------------------------- saving
    def save(
        self,
        out_dir: str | Path,
        tokenizer: PreTrainedTokenizerBase | None = None,
        state_dict: dict[str, torch.Tensor] | None = None,
    ) -> Path:
        """Write an ``AutoModelForSequenceClassification`` checkpoint (+ untied LM head).

        ``state_dict`` is this module's full state dict when it had to be gathered first
        (FSDP); by default it is read from the module.
        """
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        full = state_dict if state_dict is not None else self.state_dict()
        seq_state = {k[len("seq_cls.") :]: v for k, v in full.items() if k.startswith("seq_cls.")}
        if tokenizer is not None and tokenizer.pad_token_id is not None:
            self.seq_cls.config.pad_token_id = tokenizer.pad_token_id
        self.seq_cls.save_pretrained(out, state_dict=seq_state)
        head_state = {k: v for k, v in full.items() if k.startswith("lm_head.")}
        if head_state and not _lm_head_tied(self):
            from safetensors.torch import save_file

            weight = head_state["lm_head.weight"].detach().contiguous().cpu()
            save_file({"weight": weight}, str(out / LM_HEAD_FILE))
        if tokenizer is not None:
            tokenizer.save_pretrained(out)
        return out


def load_sequence_classifier(
    name_or_path: str | Path, *, trust_remote_code: bool = False, **kwargs
) -> PreTrainedModel:
    """A saved reward model as ``AutoModelForSequenceClassification``, for scoring.

    Codepref's encoder checkpoints load with the installed :class:`EncoderRewardModel` (see
    the registration above), never with the module copied into them: a checkpoint's
    ``auto_map`` is a string anyone can write, so trusting it by name would run arbitrary code.
    Other checkpoints with custom code need ``trust_remote_code=True``, asked for explicitly.
    """
    shipped = Path(name_or_path) / Path(encoder_reward.__file__).name
    installed = Path(encoder_reward.__file__)
    if shipped.is_file() and shipped.read_bytes() != installed.read_bytes():
        logger.warning(
            "%s was saved with another version of %s; scoring with the installed one (%s)",
            name_or_path,
            shipped.name,
            installed,
        )
    return AutoModelForSequenceClassification.from_pretrained(
        name_or_path, trust_remote_code=trust_remote_code, **kwargs
    )


def _lm_head_tied(model: RewardModel) -> bool:
    emb = model.seq_cls.get_input_embeddings()
    return model.lm_head is not None and model.lm_head.weight is emb.weight


def _load_lm_head(seq_cls: PreTrainedModel, ckpt: Path) -> nn.Module | None:
    """The LM head of a saved causal reward model: tied embeddings or ``lm_head.safetensors``."""
    if not is_causal_config(seq_cls.config):
        return None
    emb = seq_cls.get_input_embeddings()
    head = nn.Linear(emb.weight.shape[1], emb.weight.shape[0], bias=False)
    head = head.to(device=emb.weight.device, dtype=emb.weight.dtype)
    if getattr(seq_cls.config, "tie_word_embeddings", False):
        head.weight = emb.weight
        return head
    path = ckpt / LM_HEAD_FILE
    if not path.is_file():
        return None
    from safetensors.torch import load_file

    head.load_state_dict(load_file(str(path)))
    return head


def resize_for_tokenizer(model: RewardModel, tokenizer: PreTrainedTokenizerBase) -> None:
    """Grow the embeddings (and an untied LM head) after :func:`ensure_pad_token` added one."""
    n = len(tokenizer)
    if model.seq_cls.get_input_embeddings().weight.shape[0] >= n:
        return
    tied = _lm_head_tied(model)
    model.seq_cls.resize_token_embeddings(n)
    if model.lm_head is None:
        return
    if tied:
        model.lm_head.weight = model.seq_cls.get_input_embeddings().weight
        return
    old = model.lm_head.weight.data
    grown = nn.Linear(old.shape[1], n, bias=False).to(device=old.device, dtype=old.dtype)
    with torch.no_grad():
        grown.weight[: old.shape[0]] = old
        grown.weight[old.shape[0] :] = old.mean(0)
    model.lm_head = grown
