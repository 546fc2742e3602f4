"""Pairs in, token batches out: reading shards, system prompts, templating, batching.

Everything here is deterministic given a seed, so that two ranks of a DDP run, a resumed
run and the benchmark's TRL peer all see exactly the same token ids.
"""

from __future__ import annotations

import glob
import logging
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import torch
from transformers import PreTrainedTokenizerBase

from curation.criteria import ASPECTS, all_criteria_system_prompt, aspect_system_prompt
from curation.criteria import normalize_aspect as _normalize_aspect
from curation.languages import normalize_language as _normalize_language

logger = logging.getLogger(__name__)

# Column aliases accepted on read (Themis-CodePreference and CRB spellings).
COLUMN_ALIASES: dict[str, str] = {"input": "prompt", "subset": "source", "idx": "id"}
REQUIRED_COLUMNS = ("prompt", "chosen", "rejected")
SYSTEM_KINDS = ("none", "aspect", "all")
# The plain format used when a tokenizer has no chat template (encoders, base LMs).
PLAIN_SYSTEM = "System: {system}\n\n"
PLAIN_TURN = "User: {prompt}\n\nAssistant: "
_SENTINEL = "\x00CODEPREF_RESPONSE\x00"


class PairsError(ValueError):
    """Bad pairs input: names the file and row at fault."""


# ----------------------------------------------------------------------------- reading
def resolve_pair_files(spec: str | Sequence[str]) -> list[str]:
    """Local files, directories (their ``*.parquet``) and globs; sorted, de-duplicated."""
    specs = [spec] if isinstance(spec, str) else list(spec)
    files: list[str] = []
    for item in specs:
        path = Path(item)
        if path.is_dir():
            files += sorted(str(p) for p in path.rglob("*.parquet"))
        elif path.is_file():
            files.append(str(path))
        else:
            files += sorted(glob.glob(item, recursive=True))
    return sorted(dict.fromkeys(files))


def read_pairs(spec: str | Sequence[str], split: str | None = None) -> pl.DataFrame:
    """Read pairs shards into one frame with canonical columns.

    ``spec`` is a path, a directory, a glob, or (when nothing local matches) a Hugging Face
    dataset repo id read with ``datasets``. Aliases are renamed, language and aspect
    normalised; ``id`` defaults to ``<file>:<row>``. A null in a required column raises
    :class:`PairsError` naming the file and row. With ``split``, rows whose ``split`` column
    differs are left out (and counted in the log).
    """
    files = resolve_pair_files(spec)
    if files:
        frames = [_normalise(pl.read_parquet(f), f) for f in files]
        frame = pl.concat(frames, how="diagonal_relaxed")
    else:
        if isinstance(spec, str) and "/" in spec and not Path(spec).suffix:
            frame = _normalise(_read_hub(spec), spec)
        else:
            raise PairsError(f"no pairs files match {spec!r}")
    if split is not None and "split" in frame.columns:
        before = frame.height
        frame = frame.filter(pl.col("split") == split)
        logger.info("kept %d of %d pairs with split=%s", frame.height, before, split)
    return frame


def _read_hub(repo: str) -> pl.DataFrame:
    try:
        import datasets
    except ImportError as exc:  # pragma: no cover - datasets ships with the test extra
        raise PairsError(f"{repo!r} is not a local path and `datasets` is not installed") from exc
    ds = datasets.load_dataset(repo, split="train")
    return pl.from_arrow(ds.data.table)


def _normalise(frame: pl.DataFrame, origin: str) -> pl.DataFrame:
    renames = {a: c for a, c in COLUMN_ALIASES.items() if a in frame.columns and c not in frame}
    frame = frame.rename(renames)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise PairsError(f"{origin}: missing column(s) {', '.join(missing)}")
    if "id" not in frame.columns:
        frame = frame.with_row_index("_row").with_columns(
            (pl.lit(f"{Path(origin).name}:") + pl.col("_row").cast(pl.Utf8)).alias("id")
        )
        frame = frame.drop("_row")
    frame = frame.with_columns(pl.col("id").cast(pl.Utf8))
    for column in REQUIRED_COLUMNS:
        nulls = frame.with_row_index("_row").filter(pl.col(column).is_null())
        if nulls.height:
            row = nulls.row(0, named=True)
            raise PairsError(
                f"{origin}: row {row['_row']} (id {row['id']!r}) has a null {column!r} "
                f"({nulls.height} such rows)"
            )
    for column, fn in (("language", _normalize_language), ("aspect", _normalize_aspect)):
        if column in frame.columns:
            frame = frame.with_columns(_mapped(frame, column, fn, origin))
    return frame


def _mapped(frame: pl.DataFrame, column: str, fn, origin: str) -> pl.Series:
    out = []
    for i, (pair_id, value) in enumerate(zip(frame["id"], frame[column], strict=True)):
        if value is None:
            out.append(None)
            continue
        try:
            out.append(fn(value))
        except ValueError as exc:
            raise PairsError(f"{origin}: row {i} (id {pair_id!r}): {exc}") from exc
    return pl.Series(column, out, dtype=pl.Utf8)


# ----------------------------------------------------------------------------- system prompts
@dataclass
class SystemPromptPolicy:
    """How each training pair gets its system prompt.

    ``shares`` are the probabilities of none / the pair's own aspect / all criteria in
    shuffled order (the released recipe's 15/60/25). A pair without an aspect falls back to
    "all". ``keep_given`` keeps a non-null ``system`` column value (recorded as "given").
    """

    shares: tuple[float, float, float] = (0.15, 0.60, 0.25)
    seed: int = 0
    keep_given: bool = True

    def __post_init__(self) -> None:
        if len(self.shares) != 3 or any(s < 0 for s in self.shares) or sum(self.shares) <= 0:
            raise ValueError(f"system prompt shares must be 3 non-negative numbers: {self.shares}")


def assign_system_prompts(frame: pl.DataFrame, policy: SystemPromptPolicy) -> pl.DataFrame:
    """Add ``system_kind`` and ``system`` columns, drawn per pair from a seeded RNG."""
    rng = random.Random(policy.seed)
    aspects = frame["aspect"] if "aspect" in frame.columns else [None] * frame.height
    given = frame["system"] if "system" in frame.columns else [None] * frame.height
    kinds, texts = [], []
    for aspect, system in zip(aspects, given, strict=True):
        kind = rng.choices(SYSTEM_KINDS, weights=policy.shares)[0]
        # Draw the shuffle unconditionally so that one pair's choice never shifts another's.
        order = list(ASPECTS)
        rng.shuffle(order)
        if policy.keep_given and system:
            kinds.append("given")
            texts.append(system)
            continue
        if kind == "aspect" and aspect is None:
            kind = "all"
        kinds.append(kind)
        if kind == "none":
            texts.append(None)
        elif kind == "aspect":
            texts.append(aspect_system_prompt(aspect))
        else:
            texts.append(all_criteria_system_prompt(order))
    return frame.with_columns(
        pl.Series("system_kind", kinds, dtype=pl.Utf8), pl.Series("system", texts, dtype=pl.Utf8)
    )


def fixed_system_prompts(frame: pl.DataFrame, kind: str) -> pl.DataFrame:
    """One system-prompt kind for every pair (scoring): none, aspect, all, or given."""
    if kind == "given":
        system = frame["system"] if "system" in frame.columns else [None] * frame.height
        return frame.with_columns(pl.Series("system", list(system), dtype=pl.Utf8))
    shares = {"none": (1, 0, 0), "aspect": (0, 1, 0), "all": (0, 0, 1)}.get(kind)
    if shares is None:
        raise ValueError(f"system prompt kind must be none, aspect, all or given, not {kind!r}")
    return assign_system_prompts(frame, SystemPromptPolicy(shares=shares, keep_given=False))


# ----------------------------------------------------------------------------- templating
@dataclass(frozen=True)
class EncodedPair:
    """Token ids of one pair; ``*_span`` is the response (+ end-of-turn) token range."""

    id: str
    chosen_ids: list[int]
    rejected_ids: list[int]
    chosen_span: tuple[int, int]
    rejected_span: tuple[int, int]
    language: str | None = None
    aspect: str | None = None

    @property
    def length(self) -> int:
        return max(len(self.chosen_ids), len(self.rejected_ids))

    @property
    def tokens(self) -> int:
        return len(self.chosen_ids) + len(self.rejected_ids)


@dataclass
class EncodeStats:
    """What encoding did to the pairs: nothing is dropped without being counted here."""

    total: int = 0
    kept: int = 0
    truncated_chosen: int = 0
    truncated_rejected: int = 0
    dropped: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "kept": self.kept,
            "truncated_chosen": self.truncated_chosen,
            "truncated_rejected": self.truncated_rejected,
            "dropped": dict(self.dropped),
        }


def clamp_max_length(max_length: int, model_config: object, tokenizer: object) -> int:
    """``max_length`` cut to what the model can embed: ``max_position_embeddings`` (512 for
    BERT/MiniLM) and the tokenizer's own ``model_max_length`` when it is a real limit.
    Longer sequences would crash the position embedding; the formatter truncates responses
    to the clamped length instead (and counts the truncated pairs)."""
    limits = [getattr(model_config, "max_position_embeddings", None)]
    limits.append(getattr(tokenizer, "model_max_length", None))
    real = [int(limit) for limit in limits if isinstance(limit, int) and 0 < limit < 1_000_000]
    if not real or max_length <= min(real):
        return max_length
    limit = min(real)
    logger.warning(
        "max_length %d is longer than the model's %d positions: using %d "
        "(responses are truncated to fit; data_stats.json counts the truncated pairs)",
        max_length,
        limit,
        limit,
    )
    return limit


class ConversationFormatter:
    """Turns (system, prompt, response) into token ids with the response span marked.

    With a chat template the conversation is rendered once with a sentinel as the assistant
    message and split around it, so the text before and after the response comes from the
    template itself (including end-of-turn tokens). Without one, the plain format
    ``System: ...\\n\\nUser: ...\\n\\nAssistant: <response>`` is used, wrapped in the
    tokenizer's own special tokens (``[CLS] ... [SEP]`` for BERT) plus EOS for causal LMs.
    """

    def __init__(self, tokenizer: PreTrainedTokenizerBase, max_length: int) -> None:
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.templated = bool(getattr(tokenizer, "chat_template", None))
        if self.templated:
            self.pre_special, self.post_special = [], []
        else:
            self.pre_special, self.post_special = _special_wrapping(tokenizer)
            eos = tokenizer.eos_token_id
            if eos is not None and (not self.post_special or self.post_special[-1] != eos):
                self.post_special = [*self.post_special, eos]

    def split_template(self, system: str | None, prompt: str) -> tuple[str, str]:
        """Text before and after the assistant response."""
        if not self.templated:
            head = PLAIN_SYSTEM.format(system=system) if system else ""
            return head + PLAIN_TURN.format(prompt=prompt), ""
        messages = [{"role": "system", "content": system}] if system else []
        messages += [
            {"role": "user", "content": prompt},
            {"role": "assistant", "content": _SENTINEL},
        ]
        text = self.tokenizer.apply_chat_template(messages, tokenize=False)
        if text.count(_SENTINEL) != 1:
            raise ValueError("the chat template does not render the assistant message verbatim")
        before, after = text.split(_SENTINEL)
        return before, after

    def encode(
        self, frame: pl.DataFrame, stats: EncodeStats | None = None
    ) -> tuple[list[EncodedPair], EncodeStats]:
        """Encode every pair; over-long responses are truncated, hopeless prompts counted."""
        stats = stats or EncodeStats()
        systems = frame["system"] if "system" in frame.columns else [None] * frame.height
        parts = [self.split_template(s, p) for s, p in zip(systems, frame["prompt"], strict=True)]
        tok = self.tokenizer
        before_ids = _ids(tok, [b for b, _ in parts])
        after_ids = _ids(tok, [a for _, a in parts])
        chosen_ids = _ids(tok, frame["chosen"].to_list())
        rejected_ids = _ids(tok, frame["rejected"].to_list())
        languages = frame["language"] if "language" in frame.columns else [None] * frame.height
        aspects = frame["aspect"] if "aspect" in frame.columns else [None] * frame.height
        pairs: list[EncodedPair] = []
        for i, pair_id in enumerate(frame["id"]):
            stats.total += 1
            head = self.pre_special + before_ids[i]
            tail = after_ids[i] + self.post_special
            budget = self.max_length - len(head) - len(tail)
            if budget < 1:
                stats.dropped["prompt_too_long"] += 1
                continue
            if len(chosen_ids[i]) > budget:
                stats.truncated_chosen += 1
            if len(rejected_ids[i]) > budget:
                stats.truncated_rejected += 1
            c = chosen_ids[i][:budget]
            r = rejected_ids[i][:budget]
            pairs.append(
                EncodedPair(
                    id=pair_id,
                    chosen_ids=head + c + tail,
                    rejected_ids=head + r + tail,
                    chosen_span=(len(head), len(head) + len(c) + len(after_ids[i])),
                    rejected_span=(len(head), len(head) + len(r) + len(after_ids[i])),
                    language=languages[i],
                    aspect=aspects[i],
                )
            )
        stats.kept = len(pairs)
        check_pad_position(pairs, tok.pad_token_id)
        if stats.dropped:
            logger.warning("dropped pairs while encoding: %s", dict(stats.dropped))
        return pairs, stats


def _ids(tokenizer: PreTrainedTokenizerBase, texts: list[str]) -> list[list[int]]:
    if not texts:
        return []
    return tokenizer(texts, add_special_tokens=False)["input_ids"]


def _special_wrapping(tokenizer: PreTrainedTokenizerBase) -> tuple[list[int], list[int]]:
    """Special tokens the tokenizer puts before and after a text (``[CLS]``/``[SEP]``, BOS)."""
    probe = "code"
    bare = tokenizer(probe, add_special_tokens=False)["input_ids"]
    full = tokenizer(probe, add_special_tokens=True)["input_ids"]
    for start in range(len(full) - len(bare) + 1):
        if full[start : start + len(bare)] == bare:
            return list(full[:start]), list(full[start + len(bare) :])
    raise ValueError(f"cannot locate text tokens among special tokens: {full}")


def check_pad_position(pairs: Sequence[EncodedPair], pad_id: int | None) -> None:
    """Refuse sequences that end in the pad token.

    The saved classifier reads the rightmost token that is not ``pad_token_id``; a sequence
    ending in that id would be scored at an earlier position than in training.
    """
    if pad_id is None:
        return
    for pair in pairs:
        for ids in (pair.chosen_ids, pair.rejected_ids):
            if ids[-1] == pad_id:
                raise PairsError(
                    f"pair {pair.id!r} ends in the pad token id {pad_id}; choose a pad token "
                    "distinct from EOS / end-of-turn (rm.model.ensure_pad_token)"
                )


# ----------------------------------------------------------------------------- batching
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
