"""Scoring pairs with a reward model and the benchmark's accuracy metric.

``codepref score`` writes the CRB run format (``id, chosen_score, rejected_score`` plus
``language, aspect, subset`` when known) so that bench/ reads it as is. Sequences are batched
by length and right-padded with an attention mask; a score never depends on the batch it was
computed in (a test holds it to that).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import polars as pl
import torch
from rich.progress import Progress

from curation.pairs.render import EncodedPair
from curation.run_fingerprint import replace_atomically
from rm.batching import collate, sorted_batches

RewardFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@torch.no_grad()
def score_encoded(
    reward_fn: RewardFn,
    pairs: Sequence[EncodedPair],
    pad_id: int,
    batch_size: int = 8,
    device: torch.device | str = "cpu",
    show_progress: bool = False,
) -> tuple[list[float], list[float]]:
    """Chosen and rejected scores of every pair, in input order."""
    chosen = [math.nan] * len(pairs)
    rejected = [math.nan] * len(pairs)
    batches = sorted_batches([p.length for p in pairs], batch_size)
    with Progress(disable=not show_progress, transient=True) as progress:
        task = progress.add_task("scoring", total=len(pairs))
        for batch in batches:
            tensors = collate([pairs[i] for i in batch], pad_id)
            rewards = reward_fn(
                tensors["input_ids"].to(device), tensors["attention_mask"].to(device)
            )
            rewards = rewards.float().cpu().tolist()
            for k, i in enumerate(batch):
                chosen[i] = rewards[k]
                rejected[i] = rewards[len(batch) + k]
            progress.advance(task, len(batch))
    return chosen, rejected


def accuracy_report(frame: pl.DataFrame) -> dict:
    """Micro accuracy overall and by aspect / language, as bench/ and the CRB runs count it.

    Correct only when ``chosen_score > rejected_score`` strictly; a tie, a null or a NaN
    score is wrong and stays in the denominator.
    """
    scored = frame.with_columns(
        (
            (pl.col("chosen_score") > pl.col("rejected_score"))
            & pl.col("chosen_score").is_not_nan()
            & pl.col("rejected_score").is_not_nan()
        )
        .fill_null(False)
        .alias("correct")
    )

    def summary(group: pl.DataFrame) -> dict:
        n = group.height
        correct = int(group["correct"].sum())
        return {"accuracy": round(correct / n, 4) if n else 0.0, "count": n, "correct": correct}

    report = {"overall": summary(scored)}
    for column in ("aspect", "language"):
        if column in scored.columns:
            report[f"by_{column}"] = {
                str(key[0]): summary(group)
                for key, group in sorted(scored.group_by(column), key=lambda kv: str(kv[0][0]))
            }
    return report


def scores_frame(
    pairs: Sequence[EncodedPair],
    chosen: Sequence[float],
    rejected: Sequence[float],
    subsets: dict[str, str] | None = None,
) -> pl.DataFrame:
    """The CRB run table; language/aspect/subset columns only when the pairs carry them."""
    columns: dict[str, list] = {
        "id": [p.id for p in pairs],
        "chosen_score": list(chosen),
        "rejected_score": list(rejected),
    }
    if any(p.language for p in pairs):
        columns["language"] = [p.language for p in pairs]
    if any(p.aspect for p in pairs):
        columns["aspect"] = [p.aspect for p in pairs]
    if subsets:
        columns["subset"] = [subsets.get(p.id) for p in pairs]
    schema = {"chosen_score": pl.Float64, "rejected_score": pl.Float64}
    return pl.DataFrame(columns, schema_overrides=schema)


def score_file(
    model_dir: str | Path,
    pairs_spec: str,
    out: str | Path,
    *,
    batch_size: int = 8,
    max_length: int = 4096,
    system: str = "aspect",
    device: str | None = None,
) -> pl.DataFrame:
    """Load a saved reward model, score a pairs file, write the CRB run Parquet."""
    from transformers import AutoTokenizer

    from curation.pairs.files import read_pairs
    from curation.pairs.render import PairRenderer, clamp_max_length
    from curation.pairs.system import with_system_prompts
    from rm.model import load_sequence_classifier

    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = load_sequence_classifier(model_dir).to(device).eval()
    if tokenizer.pad_token_id is None:
        raise ValueError(f"{model_dir}: tokenizer has no pad token; was it saved by codepref?")
    frame = with_system_prompts(read_pairs(pairs_spec), system)
    max_length = clamp_max_length(max_length, model.config, tokenizer)
    encoded, stats = PairRenderer(tokenizer, max_length).encode(frame)
    if stats.dropped:
        raise ValueError(
            f"{pairs_spec}: {sum(stats.dropped.values())} pairs cannot be scored within "
            f"max_length={max_length} ({dict(stats.dropped)}); raise --max-length"
        )

    def reward_fn(input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return model(input_ids=input_ids, attention_mask=attention_mask).logits.squeeze(-1)

    chosen, rejected = score_encoded(
        reward_fn, encoded, tokenizer.pad_token_id, batch_size, device, show_progress=True
    )
    subsets = None
    if "source" in frame.columns:
        subsets = dict(zip(frame["id"], frame["source"], strict=True))
    result = scores_frame(encoded, chosen, rejected, subsets)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    replace_atomically(out, partial(result.write_parquet, compression="zstd"))
    return result
