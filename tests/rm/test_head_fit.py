"""Fitting the score head on frozen, cached encoder states: the convex fit reaches its
optimum, and the checkpoint scores pairs exactly by the fitted margins."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import torch
from safetensors.torch import load_file

from rm.head_fit import HeadFitConfig, fit_head, fit_weights
from rm.model import load_sequence_classifier
from rm.score import score_encoded
from tests.fixtures.smoke_pairs import learnable_pairs


def test_fit_weights_reaches_the_regularised_optimum() -> None:
    torch.manual_seed(0)
    truth = torch.randn(8, dtype=torch.float64)
    diffs = torch.randn(300, 8, dtype=torch.float64)
    diffs[diffs @ truth < 0] *= -1  # every chosen side scores higher under `truth`
    diffs += 0.3 * torch.randn_like(diffs)  # ... up to noise
    weights = fit_weights(diffs, l2=0.5, max_iterations=500)
    # the gradient of sum(softplus(-d.w)) + l2/2 |w|^2 vanishes at the optimum
    gradient = -(torch.sigmoid(-(diffs @ weights)).unsqueeze(1) * diffs).sum(0) + 0.5 * weights
    at_zero = (0.5 * diffs).sum(0).abs().max()  # the gradient where the fit starts
    assert gradient.abs().max() < 1e-6 * at_zero, (gradient, at_zero)
    assert ((diffs @ weights) > 0).double().mean() > 0.9
    cosine = torch.nn.functional.cosine_similarity(weights, truth, dim=0)
    assert cosine > 0.9, cosine


@pytest.mark.slow
def test_fit_head_saves_a_checkpoint_that_scores_by_the_fitted_head(
    minilm_path: Path, tmp_path: Path
) -> None:
    frame = learnable_pairs(24, seed=4)
    pairs_file = tmp_path / "pairs.parquet"
    frame.write_parquet(pairs_file)
    config = HeadFitConfig(
        model=str(minilm_path), pairs=[str(pairs_file)], out=str(tmp_path / "rm"), max_length=128
    )
    result = fit_head(config)
    assert result.pairs == 24
    assert 0.0 <= result.loss < 0.6931 and result.train_accuracy > 0.5, result
    assert json.loads((tmp_path / "rm" / "head_fit.json").read_text())["pairs"] == 24

    model = load_sequence_classifier(tmp_path / "rm").eval()
    assert model.config.pooling == "mean"
    assert torch.count_nonzero(model.score.weight) == model.score.weight.numel()
    # the encoder is the pretrained one, untouched
    base = load_file(str(minilm_path / "model.safetensors"))
    fitted = model.encoder.state_dict()
    for name, tensor in base.items():
        key = name.removeprefix("bert.")
        if key in fitted:
            assert torch.equal(fitted[key], tensor), name

    # scored as bench scores it, the checkpoint agrees with the fit on the training pairs
    from transformers import AutoTokenizer

    from curation.pairs.render import PairRenderer
    from curation.pairs.system import with_system_prompts

    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "rm")
    encoded, _ = PairRenderer(tokenizer, 128).encode(with_system_prompts(frame, "aspect"))

    def reward(ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return model(input_ids=ids, attention_mask=mask).logits.squeeze(-1)

    chosen, rejected = score_encoded(reward, encoded, tokenizer.pad_token_id)
    accuracy = pl.Series([c > r for c, r in zip(chosen, rejected, strict=True)]).mean()
    assert accuracy == pytest.approx(result.train_accuracy, abs=1e-9)
