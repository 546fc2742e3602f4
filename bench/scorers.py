"""Scorers: anything that gives each pair a chosen score and a rejected score.

- ``seqcls``: an ``AutoModelForSequenceClassification`` reward model scores each response
  on its own (chat template and system prompt recorded, length-sorted batches).
- ``judge``: a pairwise generative judge behind an OpenAI-compatible endpoint, asked in both
  orders (see :mod:`pipelines.judge_scorer`, which wires ``curation.judge`` into bench).
- baselines: ``random`` (seeded), ``longer`` and ``shorter`` (response length in characters).

Every scorer returns :class:`PairScores` and a ``describe()`` dict stored as ``run.json``, so
a result always says how its scores were made.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from bench.scoring import PairScores, progress
from curation.pairs.render import PLAIN_SYSTEM, PLAIN_TURN, PairRenderer, clamp_max_length
from curation.pairs.system import FIXED_MODES, with_system_prompts

SystemPromptMode = Literal["none", "aspect", "all", "given"]
# The pair contract's spellings (curation.pairs.system); ``given`` keeps a pair's own text.
SYSTEM_PROMPT_MODES: tuple[str, ...] = FIXED_MODES


@dataclass
class RandomScorer:
    """Uniform random scores from a seeded generator: the 50% floor, with its noise."""

    seed: int = 0
    name: str = "random"

    def score(self, pairs: pl.DataFrame) -> PairScores:
        rng = np.random.default_rng(self.seed)
        draws = rng.random((2, pairs.height))
        return PairScores(draws[0], draws[1])

    def describe(self) -> dict[str, Any]:
        return {"scorer": "random", "seed": self.seed}


@dataclass
class LengthScorer:
    """Scores by response length in characters: tells how much a benchmark rewards length.

    Equal lengths give equal scores, which the CRB rule counts as wrong.
    """

    prefer: Literal["longer", "shorter"] = "longer"

    @property
    def name(self) -> str:
        return self.prefer

    def score(self, pairs: pl.DataFrame) -> PairScores:
        sign = 1.0 if self.prefer == "longer" else -1.0
        chosen = pairs["chosen"].str.len_chars().to_numpy().astype(np.float64)
        rejected = pairs["rejected"].str.len_chars().to_numpy().astype(np.float64)
        return PairScores(sign * chosen, sign * rejected)

    def describe(self) -> dict[str, Any]:
        return {"scorer": self.prefer, "unit": "characters"}


@dataclass(frozen=True)
class SeqClsConfig:
    """How a sequence-classification RM is loaded and fed.

    ``batch_invariant`` (on by default, CPU only) runs the forward pass in float64 and keeps
    float32 scores: oneDNN/MKL kernels pick different reduction orders for different batch
    shapes, so plain float32 scores move in the 8th digit with the batch size, while float64
    differences (~1e-16) vanish when rounded to float32. On an accelerator the checkpoint's
    dtype is kept and scores may differ across batch sizes at that dtype's precision.
    """

    model: str
    system_prompt: SystemPromptMode = "none"
    truncation_side: Literal["left", "right"] = "right"
    max_length: int = 4096
    batch_size: int = 8
    trust_remote_code: bool = False
    batch_invariant: bool = True
    device: str = "cpu"
    seed: int = 0


class SeqClsScorer:
    """Scores each response independently with an ``AutoModelForSequenceClassification``.

    The conversation is [system?, user: prompt, assistant: response], rendered by the pair
    contract's :class:`~curation.pairs.render.PairRenderer`: the very token ids ``rm`` trains
    and scores on (chat template, or the plain format wrapped in the tokenizer's special
    tokens; only the response is truncated). Sequences are scored in batches sorted by token
    length (little padding) and put back in order.
    """

    def __init__(self, config: SeqClsConfig, progress: bool = True) -> None:
        import torch
        from transformers import AutoTokenizer

        # codepref's own encoder checkpoints load with the installed class, without
        # trust_remote_code; other custom code still needs the explicit option.
        from rm.model import load_sequence_classifier

        self.config = config
        self.progress = progress
        self.name = f"seqcls:{config.model}"
        self.tokenizer = AutoTokenizer.from_pretrained(
            config.model, trust_remote_code=config.trust_remote_code
        )
        self.tokenizer.truncation_side = config.truncation_side
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        # A checkpoint without a reward head (a bare encoder) gets a seeded new one.
        torch.manual_seed(config.seed)
        self.model = load_sequence_classifier(
            config.model, num_labels=1, trust_remote_code=config.trust_remote_code
        )
        if self.model.config.pad_token_id is None:
            self.model.config.pad_token_id = self.tokenizer.pad_token_id
        if config.device == "cpu":
            dtype = torch.float64 if config.batch_invariant else torch.float32
            self.model.to(dtype=dtype)
        # On an accelerator the checkpoint's own dtype is kept (bf16 for rm/ checkpoints).
        self.model.to(device=config.device).eval()
        self.max_length = clamp_max_length(config.max_length, self.model.config, self.tokenizer)
        self.renderer = PairRenderer(self.tokenizer, self.max_length, config.truncation_side)

    @property
    def template(self) -> str:
        return self.tokenizer.chat_template or PLAIN_SYSTEM + PLAIN_TURN + "{response}"

    @property
    def template_name(self) -> str:
        return "tokenizer chat template" if self.tokenizer.chat_template else "plain"

    def score_texts(self, texts: list[str], batch_size: int | None = None) -> np.ndarray:
        """One score per ready-made text (tokenised as is, truncated at ``max_length``)."""
        encoded = self.tokenizer(
            texts,
            truncation=True,
            max_length=self.max_length,
            add_special_tokens=not self.tokenizer.chat_template,
        )["input_ids"]
        return self.score_ids(encoded, batch_size)

    def score_ids(self, encoded: list[list[int]], batch_size: int | None = None) -> np.ndarray:
        """One score per token sequence, in length-sorted batches, returned in input order."""
        import torch

        size = batch_size or self.config.batch_size
        order = sorted(range(len(encoded)), key=lambda i: (-len(encoded[i]), i))
        scores = np.empty(len(encoded), dtype=np.float64)
        batches = [order[i : i + size] for i in range(0, len(order), size)]
        for batch in progress(batches, "scoring", self.progress):
            padded = self.tokenizer.pad(
                {"input_ids": [encoded[i] for i in batch]}, return_tensors="pt"
            ).to(self.config.device)
            with torch.inference_mode():
                logits = self.model(**padded).logits[:, 0]
            scores[batch] = logits.float().cpu().numpy()
        return scores

    def score(self, pairs: pl.DataFrame) -> PairScores:
        wanted = ("id", "prompt", "chosen", "rejected", "aspect", "system", "system_kind")
        columns = [c for c in wanted if c in pairs.columns]
        frame = with_system_prompts(pairs.select(columns), self.config.system_prompt)
        encoded, _ = self.renderer.encode(frame)
        # A pair whose prompt alone exceeds max_length cannot be scored: NaN counts it wrong.
        chosen = np.full(pairs.height, np.nan)
        rejected = np.full(pairs.height, np.nan)
        position = {pair_id: i for i, pair_id in enumerate(frame["id"])}
        scores = self.score_ids([ids for p in encoded for ids in (p.chosen_ids, p.rejected_ids)])
        rows = [position[pair.id] for pair in encoded]
        chosen[rows] = scores[0::2]
        rejected[rows] = scores[1::2]
        return PairScores(chosen, rejected)

    def describe(self) -> dict[str, Any]:
        return {
            "scorer": "seqcls",
            **asdict(self.config),
            "model_class": type(self.model).__name__,
            "chat_template": {
                "name": self.template_name,
                "sha256": hashlib.sha256(self.template.encode()).hexdigest()[:16],
            },
            "max_length_effective": self.max_length,
            "renderer": "curation.pairs.render.PairRenderer",
            "padding_side": self.tokenizer.padding_side,
            "pad_token": self.tokenizer.pad_token,
            "compute_dtype": str(self.model.dtype).removeprefix("torch."),
            "score_dtype": "float32",
            "batch_order": "sorted by token length, longest first",
        }
