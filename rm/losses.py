"""Reward-model losses: Bradley-Terry, LM regularisation and the magnitude penalty.

Pure functions of tensors. Every function checks shapes itself: ``[B]`` minus ``[B, 1]``
broadcasts to ``[B, B]`` without a word in torch, and such a loss still trains, just wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

MAGNITUDE_FORMS = ("centering", "absolute")


def _check_pair(chosen: torch.Tensor, rejected: torch.Tensor) -> None:
    if chosen.ndim != 1 or chosen.shape != rejected.shape:
        raise ValueError(
            f"rewards must be two 1-D tensors of equal length, got {tuple(chosen.shape)} "
            f"and {tuple(rejected.shape)}"
        )


def bradley_terry_loss(
    chosen: torch.Tensor, rejected: torch.Tensor, margin: torch.Tensor | None = None
) -> torch.Tensor:
    """Mean ``-log sigmoid(r_c - r_r - margin)``."""
    _check_pair(chosen, rejected)
    diff = chosen - rejected
    if margin is not None:
        if margin.shape != chosen.shape:
            raise ValueError(f"margin shape {tuple(margin.shape)} != {tuple(chosen.shape)}")
        diff = diff - margin
    return -F.logsigmoid(diff).mean()


def magnitude_penalty(
    chosen: torch.Tensor, rejected: torch.Tensor, form: str = "centering"
) -> torch.Tensor:
    """Keeps rewards near zero: the paper's ``(r_c + r_r)^2`` ("centering") or the released
    code's ``(|r_c| + |r_r|)^2`` ("absolute"); mean over the batch."""
    _check_pair(chosen, rejected)
    if form == "centering":
        return ((chosen + rejected) ** 2).mean()
    if form == "absolute":
        return ((chosen.abs() + rejected.abs()) ** 2).mean()
    raise ValueError(f"magnitude penalty form must be one of {MAGNITUDE_FORMS}, not {form!r}")


def lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Next-token cross-entropy over already-selected response positions ``[N, V]``/``[N]``."""
    if logits.ndim != 2 or labels.ndim != 1 or logits.shape[0] != labels.shape[0]:
        raise ValueError(
            f"LM logits must be [N, V] and labels [N], got {tuple(logits.shape)} "
            f"and {tuple(labels.shape)}"
        )
    return F.cross_entropy(logits.float(), labels)


@dataclass
class LossConfig:
    """Weights of the regularisers (lambda for LM, mu for magnitude) and the penalty form."""

    lm_weight: float = 0.0
    magnitude_weight: float = 0.0
    magnitude_form: str = "centering"
    margin: float = 0.0

    def __post_init__(self) -> None:
        if self.magnitude_form not in MAGNITUDE_FORMS:
            raise ValueError(f"magnitude_form must be one of {MAGNITUDE_FORMS}")
        if self.lm_weight < 0 or self.magnitude_weight < 0:
            raise ValueError("loss weights must be >= 0")


@dataclass
class LossParts:
    """The total loss and its parts (detached parts are for logging)."""

    total: torch.Tensor
    bt: torch.Tensor
    lm: torch.Tensor | None
    magnitude: torch.Tensor


def reward_loss(
    chosen: torch.Tensor,
    rejected: torch.Tensor,
    config: LossConfig,
    lm_logits: torch.Tensor | None = None,
    lm_labels: torch.Tensor | None = None,
) -> LossParts:
    """``BT + lambda * LM + mu * magnitude`` with each part returned for logging."""
    margin = None
    if config.margin:
        margin = torch.full_like(chosen, config.margin)
    bt = bradley_terry_loss(chosen, rejected, margin)
    magnitude = magnitude_penalty(chosen, rejected, config.magnitude_form)
    total = bt + config.magnitude_weight * magnitude
    lm = None
    if config.lm_weight > 0:
        if lm_logits is None or lm_labels is None:
            raise ValueError("lm_weight > 0 needs LM logits and labels")
        lm = lm_loss(lm_logits, lm_labels)
        total = total + config.lm_weight * lm
    return LossParts(total=total, bt=bt, lm=lm, magnitude=magnitude)
