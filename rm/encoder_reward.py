"""Codepref's sequence classifier for encoder backbones (BERT, MiniLM, RoBERTa, ...).

transformers has no generic ``*ForSequenceClassification`` for encoders that reads the last
token: each encoder's own class pools ``[CLS]`` through an extra dense+tanh layer. The reward
recipe wants the same head on every backbone, a zero-initialised ``Linear(hidden, 1)`` read at
the last non-pad token, so this module defines it: the backbone (any ``AutoModel`` encoder)
plus ``score``. The head reads the last attended token by default or, with ``pooling="mean"``,
the mean of the attended states: a sentence encoder such as MiniLM is trained to put the
meaning of a text into that mean, not into its ``[SEP]`` state (a frozen MiniLM's mean states
separate the demo's 147 held-out pairs better than its ``[SEP]`` states, with a logistic head
fitted on the training split: 0.687 against 0.653).

This file is copied into every checkpoint that holds such a model (``auto_map`` in its
config), so that ``AutoModelForSequenceClassification.from_pretrained(dir,
trust_remote_code=True)`` loads it in any process, codepref installed or not. It may therefore
import only torch and transformers.
"""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import nn
from transformers import AutoConfig, AutoModel, PretrainedConfig, PreTrainedModel
from transformers.modeling_outputs import SequenceClassifierOutput

MODEL_TYPE = "codepref_encoder_reward"
POOLINGS = ("last", "mean")


def last_token_index(attention_mask: torch.Tensor) -> torch.Tensor:
    """Index of the last attended position of each row.

    Uses the rightmost 1 rather than ``sum - 1`` so that a row with holes in its mask still
    reads its true last token (and so does a left-padded row).
    """
    positions = torch.arange(attention_mask.shape[-1], device=attention_mask.device)
    return (positions * attention_mask.to(positions.dtype)).argmax(-1)


class EncoderRewardConfig(PretrainedConfig):
    """The backbone's own config (``encoder``) plus what the head needs (one label, pad id).

    The backbone config is nested, not merged, so that any encoder type fits without a config
    class per backbone, and it round-trips through ``config.json`` as a plain dict.
    """

    model_type = MODEL_TYPE
    sub_configs: ClassVar[dict[str, type]] = {"encoder": AutoConfig}

    def __init__(
        self,
        encoder: PretrainedConfig | dict | None = None,
        pad_token_id: int | None = None,
        pooling: str = "last",
        **kwargs,
    ) -> None:
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {', '.join(POOLINGS)}, not {pooling!r}")
        if isinstance(encoder, dict):
            encoder = AutoConfig.for_model(**encoder)
        self.encoder = encoder
        self.pad_token_id = pad_token_id
        self.pooling = pooling
        kwargs.setdefault("num_labels", 1)
        kwargs.setdefault("problem_type", "regression")
        super().__init__(**kwargs)


class EncoderRewardModel(PreTrainedModel):
    """An encoder plus ``score = Linear(hidden, 1, bias=False)``, zero-initialised, read at
    the last attended token of each sequence (its ``[SEP]`` for BERT) or, with
    ``config.pooling == "mean"``, on the mean of the attended states.

    The backbone's pooler, when it has one, is removed: the head never reads it, and a module
    without gradient makes DDP wait for one and puts dead weights in the checkpoint.
    """

    config_class = EncoderRewardConfig
    base_model_prefix = "encoder"
    supports_gradient_checkpointing = True
    _supports_sdpa = True
    _supports_flash_attn = True

    def __init__(self, config: EncoderRewardConfig) -> None:
        super().__init__(config)
        if config.encoder is None:
            raise ValueError("EncoderRewardConfig needs the backbone's config as `encoder`")
        self.encoder = AutoModel.from_config(config.encoder)
        self._drop_pooler()
        self.score = nn.Linear(config.encoder.hidden_size, 1, bias=False)
        self.post_init()

    @classmethod
    def from_encoder(cls, encoder: PreTrainedModel, pooling: str = "last") -> EncoderRewardModel:
        """Wrap an in-memory encoder (pretrained weights kept) with a zero head.

        The model is built on the meta device and the encoder swapped in, so no weight is
        allocated or initialised twice.
        """
        config = EncoderRewardConfig(
            encoder=encoder.config,
            pad_token_id=encoder.config.pad_token_id,
            pooling=pooling,
            # else the wrapper's default would overwrite the attention the encoder was built with
            attn_implementation=encoder.config._attn_implementation,
        )
        with torch.device("meta"):
            model = cls(config)
        model.encoder = encoder
        model._drop_pooler()
        model.score = nn.Linear(
            config.encoder.hidden_size, 1, bias=False, dtype=encoder.dtype, device=encoder.device
        )
        nn.init.zeros_(model.score.weight)
        return model

    def _drop_pooler(self) -> None:
        if isinstance(getattr(self.encoder, "pooler", None), nn.Module):
            self.encoder.pooler = None

    def _init_weights(self, module: nn.Module) -> None:
        # Only the head belongs to this class; the encoder's modules get the encoder's own init.
        if module is self.score:
            nn.init.zeros_(module.weight)

    def get_input_embeddings(self) -> nn.Module:
        return self.encoder.get_input_embeddings()

    def set_input_embeddings(self, value: nn.Module) -> None:
        self.encoder.set_input_embeddings(value)

    def resize_token_embeddings(self, *args, **kwargs) -> nn.Embedding:
        """Resize, and record the new size where a reload reads it: the encoder's config."""
        embeddings = super().resize_token_embeddings(*args, **kwargs)
        self.config.encoder.vocab_size = embeddings.weight.shape[0]
        return embeddings

    def pool(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """The ``[batch, hidden]`` states the head reads: the last attended token's, or the
        mean of the attended ones (``config.pooling``)."""
        attention_mask = attention_mask.to(hidden.device)
        if getattr(self.config, "pooling", "last") == "mean":
            weights = attention_mask.to(hidden.dtype).unsqueeze(-1)
            return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1)
        rows = torch.arange(hidden.shape[0], device=hidden.device)
        return hidden[rows, last_token_index(attention_mask)]

    def forward(
        self,
        input_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        position_ids: torch.Tensor | None = None,
        inputs_embeds: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        **kwargs,
    ) -> SequenceClassifierOutput:
        """Rewards ``[batch, 1]`` as ``logits``; with ``labels``, the regression (MSE) loss.

        The position read is the rightmost attended token (or the attended mean, see
        ``pooling``). Without a mask, tokens equal to
        ``config.pad_token_id`` are masked (from attention too: an encoder would otherwise
        attend to the padding) and the rightmost other token is read.
        """
        pad_id = self.config.pad_token_id
        if attention_mask is None and input_ids is not None and pad_id is not None:
            attention_mask = (input_ids != pad_id).long()
        optional = {"token_type_ids": token_type_ids, "position_ids": position_ids}
        out = self.encoder(
            input_ids=input_ids,
            attention_mask=attention_mask,
            inputs_embeds=inputs_embeds,
            **{k: v for k, v in optional.items() if v is not None},
            **kwargs,
        )
        hidden = out[0]
        if attention_mask is None:
            attention_mask = torch.ones(hidden.shape[:2], dtype=torch.long, device=hidden.device)
        logits = self.score(self.pool(hidden, attention_mask))
        loss = None
        if labels is not None:
            loss = nn.functional.mse_loss(logits.squeeze(-1), labels.to(logits.dtype))
        return SequenceClassifierOutput(
            loss=loss,
            logits=logits,
            hidden_states=getattr(out, "hidden_states", None),
            attentions=getattr(out, "attentions", None),
        )


# Saving either class writes this file next to the weights and its names into `auto_map`.
EncoderRewardConfig.register_for_auto_class()
EncoderRewardModel.register_for_auto_class("AutoModelForSequenceClassification")
