"""The one renderer of (system, prompt, response) into token ids, for training and scoring.

With a chat template the conversation is rendered by the template; without one (encoders,
base LMs) the plain format ``System: ...\n\nUser: ...\n\nAssistant: <response>`` is used,
wrapped in the tokenizer's own special tokens. Only the response is truncated, so the
prompt, the system prompt and the end-of-turn tokens are always scored. ``rm`` trains and
scores through this class and ``bench``'s seqcls scorer scores through it, so the same
checkpoint, pairs and system-prompt mode give the same scores from both.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import polars as pl

from curation.pairs.columns import PairsError

if TYPE_CHECKING:
    from transformers import PreTrainedTokenizerBase

logger = logging.getLogger(__name__)

# The plain format used when a tokenizer has no chat template (encoders, base LMs).
PLAIN_SYSTEM = "System: {system}\n\n"
PLAIN_TURN = "User: {prompt}\n\nAssistant: "
_SENTINEL = "\x00CODEPREF_RESPONSE\x00"


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
    Longer sequences would crash the position embedding; the renderer truncates responses
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


class PairRenderer:
    """Turns (system, prompt, response) into token ids with the response span marked.

    With a chat template the conversation is rendered once with a sentinel as the assistant
    message and split around it, so the text before and after the response comes from the
    template itself (including end-of-turn tokens). Without one, the plain format
    ``System: ...\\n\\nUser: ...\\n\\nAssistant: <response>`` is used, wrapped in the
    tokenizer's own special tokens (``[CLS] ... [SEP]`` for BERT) plus EOS for causal LMs.
    """

    def __init__(
        self,
        tokenizer: PreTrainedTokenizerBase,
        max_length: int,
        truncation_side: str = "right",
    ) -> None:
        if truncation_side not in ("left", "right"):
            raise ValueError(f"truncation_side must be left or right, not {truncation_side!r}")
        self.tokenizer = tokenizer
        self.max_length = max_length
        # Which end of an over-long *response* is cut; the prompt is never cut.
        self.truncation_side = truncation_side
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
            c = self._truncate(chosen_ids[i], budget)
            r = self._truncate(rejected_ids[i], budget)
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

    def _truncate(self, ids: list[int], budget: int) -> list[int]:
        if self.truncation_side == "right":
            return ids[:budget]
        return ids[max(0, len(ids) - budget) :]


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
