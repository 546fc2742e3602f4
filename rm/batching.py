"""Batching: length-grouped seeded batches for training, sorted batches for scoring, and the
collation of encoded pairs into padded tensors."""

from __future__ import annotations

import random
from collections.abc import Sequence

import torch

from curation.pairs.render import EncodedPair


def length_grouped_batches(
    lengths: Sequence[int],
    batch_size: int,
    seed: int,
    *,
    mega_batch: int = 64,
    drop_last: bool = False,
) -> list[list[int]]:
    """Shuffled batches of similar lengths (less padding, same randomness as a shuffle).

    Indices are shuffled, cut into mega-batches of ``mega_batch * batch_size``, sorted by
    length inside each, cut into batches, and the batch order shuffled again.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    rng = random.Random(seed)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    span = mega_batch * batch_size
    batches: list[list[int]] = []
    for start in range(0, len(order), span):
        chunk = sorted(order[start : start + span], key=lambda i: lengths[i], reverse=True)
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    if drop_last and batches and len(batches[-1]) < batch_size:
        batches = [b for b in batches if len(b) == batch_size]
    rng.shuffle(batches)
    return batches


def sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Batches by descending length for inference (order restored by the caller)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i], reverse=True)
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def collate(
    pairs: Sequence[EncodedPair], pad_id: int, *, with_lm: bool = False
) -> dict[str, torch.Tensor]:
    """Right-padded ``[2B, L]`` batch: the B chosen sequences, then the B rejected ones.

    With ``with_lm``, ``lm_positions`` marks the positions whose next token is a chosen
    response token and ``lm_labels`` holds those next tokens, in row-major order.
    """
    seqs = [p.chosen_ids for p in pairs] + [p.rejected_ids for p in pairs]
    width = max(len(s) for s in seqs)
    input_ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, seq in enumerate(seqs):
        input_ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
        attention_mask[row, : len(seq)] = 1
    batch = {"input_ids": input_ids, "attention_mask": attention_mask}
    if with_lm:
        positions = torch.zeros_like(attention_mask, dtype=torch.bool)
        for row, pair in enumerate(pairs):
            start, end = pair.chosen_span
            positions[row, max(start - 1, 0) : end - 1] = True
        shifted = torch.roll(input_ids, shifts=-1, dims=1)
        batch["lm_positions"] = positions
        batch["lm_labels"] = shifted[positions]
    return batch
