from __future__ import annotations

import math

import pytest
import torch

from rm.losses import (
    LossConfig,
    bradley_terry_loss,
    lm_loss,
    magnitude_penalty,
    reward_loss,
)


def test_bradley_terry_matches_formula() -> None:
    chosen = torch.tensor([1.0, 0.0, -2.0])
    rejected = torch.tensor([0.0, 0.0, 1.0])
    expected = sum(-math.log(1 / (1 + math.exp(-(c - r)))) for c, r in [(1, 0), (0, 0), (-2, 1)])
    assert bradley_terry_loss(chosen, rejected).item() == pytest.approx(expected / 3, rel=1e-6)


def test_margin_shifts_the_difference() -> None:
    chosen, rejected = torch.tensor([2.0]), torch.tensor([0.0])
    with_margin = bradley_terry_loss(chosen, rejected, torch.tensor([2.0]))
    assert with_margin.item() == pytest.approx(math.log(2), rel=1e-6)


def test_shape_mismatch_is_refused_not_broadcast() -> None:
    with pytest.raises(ValueError, match="1-D"):
        bradley_terry_loss(torch.zeros(4), torch.zeros(4, 1))
    with pytest.raises(ValueError, match="equal length"):
        magnitude_penalty(torch.zeros(4), torch.zeros(3))
    with pytest.raises(ValueError, match="margin"):
        bradley_terry_loss(torch.zeros(4), torch.zeros(4), torch.zeros(4, 1))
    with pytest.raises(ValueError, match=r"\[N, V\]"):
        lm_loss(torch.zeros(3, 5), torch.zeros(4, dtype=torch.long))


def test_magnitude_forms_differ_as_published() -> None:
    chosen, rejected = torch.tensor([1.0, 2.0]), torch.tensor([-1.0, 1.0])
    # centering: ((1-1)^2 + (2+1)^2) / 2 ; absolute: ((1+1)^2 + (2+1)^2) / 2
    assert magnitude_penalty(chosen, rejected, "centering").item() == pytest.approx(4.5)
    assert magnitude_penalty(chosen, rejected, "absolute").item() == pytest.approx(6.5)
    with pytest.raises(ValueError, match="form"):
        magnitude_penalty(chosen, rejected, "square")


def test_lm_loss_is_cross_entropy() -> None:
    logits = torch.tensor([[0.0, 0.0], [10.0, 0.0]])
    labels = torch.tensor([1, 0])
    expected = (math.log(2) + math.log(1 + math.exp(-10))) / 2
    assert lm_loss(logits, labels).item() == pytest.approx(expected, rel=1e-5)


def test_reward_loss_combines_weighted_parts() -> None:
    chosen, rejected = torch.tensor([1.0, 0.5]), torch.tensor([0.0, 1.0])
    logits, labels = torch.randn(5, 7), torch.randint(0, 7, (5,))
    config = LossConfig(lm_weight=0.25, magnitude_weight=0.01, magnitude_form="absolute")
    parts = reward_loss(chosen, rejected, config, logits, labels)
    expected = (
        bradley_terry_loss(chosen, rejected)
        + 0.25 * lm_loss(logits, labels)
        + 0.01 * magnitude_penalty(chosen, rejected, "absolute")
    )
    assert parts.total.item() == pytest.approx(expected.item(), rel=1e-6)
    with pytest.raises(ValueError, match="LM logits"):
        reward_loss(chosen, rejected, config)


def test_loss_config_validates() -> None:
    with pytest.raises(ValueError):
        LossConfig(magnitude_form="l2")
    with pytest.raises(ValueError):
        LossConfig(lm_weight=-1)
