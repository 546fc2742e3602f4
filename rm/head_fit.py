"""Fitting only the score head of an encoder reward model, on frozen and cached states.

On a few hundred pairs and a CPU budget of minutes, fine-tuning MiniLM for a few steps
moves the head little and the encoder towards whatever surface feature is easiest (the
demo's short runs learned "shorter is better"). With the encoder frozen, every sequence is
encoded once, and the Bradley-Terry loss on a linear head over the pooled states is a
logistic regression on state differences (no intercept: swapping the sides flips the
sign), convex, solved to convergence by L-BFGS in seconds. The result is an ordinary
reward checkpoint: the pretrained encoder plus the fitted ``score`` weights.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import AutoTokenizer

from curation.pairs.files import read_pairs
from curation.pairs.render import PairRenderer, clamp_max_length
from curation.pairs.system import with_system_prompts
from rm.batching import collate, sorted_batches
from rm.encoder_reward import EncoderRewardModel
from rm.model import RewardModel


@dataclass
class HeadFitConfig:
    """``l2`` weighs ``0.5 * ||w||^2`` against the summed pair losses; 0.5 is a logistic
    regression with ``C=1`` on both orders of every pair, the fit measured on the demo."""

    model: str
    pairs: list[str]
    out: str
    max_length: int = 512
    pooling: str = "mean"
    system: str = "aspect"
    l2: float = 0.5
    batch_size: int = 16
    max_iterations: int = 500


@dataclass
class HeadFitResult:
    pairs: int
    loss: float
    train_accuracy: float
    encode_seconds: float
    fit_seconds: float
    out: Path


@torch.no_grad()
def pooled_differences(
    model: EncoderRewardModel, pairs: list, pad_id: int, batch_size: int
) -> torch.Tensor:
    """``[pairs, hidden]``: the pooled state of each chosen side minus its rejected side's."""
    diffs = torch.empty(len(pairs), model.config.encoder.hidden_size, dtype=torch.float64)
    for batch in sorted_batches([p.length for p in pairs], batch_size):
        tensors = collate([pairs[i] for i in batch], pad_id)
        hidden = model.encoder(
            input_ids=tensors["input_ids"], attention_mask=tensors["attention_mask"]
        )[0]
        pooled = model.pool(hidden, tensors["attention_mask"]).double()
        diffs[batch] = pooled[: len(batch)] - pooled[len(batch) :]
    return diffs


def fit_weights(diffs: torch.Tensor, l2: float, max_iterations: int) -> torch.Tensor:
    """``argmin_w sum(softplus(-diffs @ w)) + l2/2 ||w||^2`` (strictly convex for l2 > 0)."""
    weights = torch.zeros(diffs.shape[1], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.LBFGS(
        [weights], max_iter=max_iterations, tolerance_grad=1e-9, line_search_fn="strong_wolfe"
    )

    def objective() -> torch.Tensor:
        optimizer.zero_grad()
        loss = torch.nn.functional.softplus(-(diffs @ weights)).sum()
        loss = loss + 0.5 * l2 * weights.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(objective)
    return weights.detach()


def fit_head(config: HeadFitConfig) -> HeadFitResult:
    """Encode the pairs once with the frozen encoder, fit the head, save the checkpoint."""
    tokenizer = AutoTokenizer.from_pretrained(config.model)
    model = RewardModel.from_pretrained(config.model, pooling=config.pooling).eval()
    if not isinstance(model.seq_cls, EncoderRewardModel):
        raise ValueError(f"{config.model}: fitting the head alone needs an encoder backbone")
    max_length = clamp_max_length(config.max_length, model.config, tokenizer)
    frame = with_system_prompts(read_pairs(config.pairs), config.system)
    pairs, _ = PairRenderer(tokenizer, max_length).encode(frame)
    if not pairs:
        raise ValueError(f"{', '.join(config.pairs)}: no pair to fit the head on")
    started = time.perf_counter()
    diffs = pooled_differences(model.seq_cls, pairs, tokenizer.pad_token_id, config.batch_size)
    encoded = time.perf_counter()
    weights = fit_weights(diffs, config.l2, config.max_iterations)
    fitted = time.perf_counter()
    margins = diffs @ weights
    score = model.seq_cls.score
    with torch.no_grad():
        score.weight.copy_(weights.to(score.weight.dtype).unsqueeze(0))
    out = Path(config.out)
    model.save(out, tokenizer)
    result = HeadFitResult(
        pairs=len(pairs),
        loss=float(torch.nn.functional.softplus(-margins).mean()),
        train_accuracy=float((margins > 0).double().mean()),
        encode_seconds=encoded - started,
        fit_seconds=fitted - encoded,
        out=out,
    )
    summary = {k: v for k, v in result.__dict__.items() if k != "out"}
    (out / "head_fit.json").write_text(json.dumps({**summary, "l2": config.l2}, indent=2))
    return result
