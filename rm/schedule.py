"""The training schedule: learning-rate factor per step and the micro-batch plan every rank
replays identically."""

from __future__ import annotations

import math

from rm.batching import length_grouped_batches


def lr_factor(step: int, total: int, warmup: int, min_ratio: float) -> float:
    """Linear warmup to 1, then cosine decay to ``min_ratio`` at ``total``."""
    if warmup > 0 and step < warmup:
        return (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def micro_batch_plan(
    lengths: list[int], micro: int, per_step: int, epochs: int, seed: int
) -> list[list[int]]:
    """All micro batches of the run, epoch after epoch, cut to whole optimizer steps.

    ``per_step`` micro batches (world size x accumulation) make one optimizer step; rank r
    takes micro batch ``a * world + r`` of each step. Every rank computes the same plan.
    """
    plan: list[list[int]] = []
    for epoch in range(epochs):
        plan += length_grouped_batches(lengths, micro, seed + epoch, drop_last=True)
    return plan[: len(plan) - len(plan) % per_step]
