"""Pairwise generative judge as a CRB scorer, through the curation judge backends.

The judge prompt, the strict verdict parsing, the A/B protocol and the OpenAI-compatible
backend are those of :mod:`curation.judge` (imported lazily: bench needs it only for this
scorer). Each pair is judged in both orders (chosen shown first, then rejected shown
first), so a judge that always prefers position A scores 50%, not 100%.

Scores: the chosen score is the number of votes for chosen plus half the TIE votes, and
likewise for rejected, pooled over both orders and the k samples; unparseable answers and
failed requests give nothing. Equal totals are a tie, which CRB counts wrong. A pair with
no valid vote at all has no scores and ``parse_failed`` set; ``chosen_parse_failed`` /
``rejected_parse_failed`` mark an error in the order that showed chosen / rejected first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import polars as pl

from bench.scoring import PairScores, progress_callback
from curation.credentials import Secret

TIE_RULE = (
    "score = votes for the side + 0.5 x TIE votes, pooled over both orders and samples; "
    "errors count for neither side; equal scores are a tie (wrong under the CRB rule)"
)


@dataclass(frozen=True)
class JudgeConfig:
    """An OpenAI-compatible endpoint (``vllm serve``, TGI, a hosted API) and the protocol.

    Defaults are a deterministic single sample per order; the published judging protocol
    uses ``samples=8, temperature=0.8, top_p=0.95``.
    """

    base_url: str
    model: str
    api_key: Secret | str | None = None
    samples: int = 1
    temperature: float = 0.0
    top_p: float = 1.0
    max_tokens: int = 1024
    concurrency: int = 16
    timeout_s: float = 300.0
    seed: int = 0

    def __post_init__(self) -> None:
        # Shown as *** in reprs and errors; only its variable's name is ever pickled.
        object.__setattr__(self, "api_key", Secret.coerce(self.api_key, "OPENAI_API_KEY"))


class JudgeScorer:
    """Scores pairs with a pairwise judge; keeps the judge's run report for run.json."""

    def __init__(self, config: JudgeConfig, progress: bool = True) -> None:
        from curation.judge.backends import OpenAIBackend, OpenAIConfig
        from curation.judge.pairwise import PairJudge
        from curation.judge.protocol import JudgeProtocol

        self.config = config
        self.progress = progress
        self.name = f"judge:{config.model}"
        backend = OpenAIBackend(
            OpenAIConfig(
                base_url=config.base_url,
                model=config.model,
                api_key=config.api_key,
                concurrency=config.concurrency,
                timeout_s=config.timeout_s,
            )
        )
        protocol = JudgeProtocol(
            samples=config.samples,
            temperature=config.temperature,
            top_p=config.top_p,
            max_tokens=config.max_tokens,
            both_orders=True,
            seed=config.seed,
        )
        self.judge = PairJudge(backend, protocol)
        self.report: dict[str, Any] = {}

    def score(self, pairs: pl.DataFrame) -> PairScores:
        from curation.judge.pairwise import PairToJudge

        to_judge = [
            PairToJudge.from_row(row, where=f"pair {row['id']}")
            for row in pairs.select(
                "id", "prompt", "chosen", "rejected", "language", "aspect"
            ).iter_rows(named=True)
        ]
        with progress_callback(2 * len(to_judge), "judging", self.progress) as advance:
            judgements = self.judge.judge(to_judge, progress=advance)
        self.report = self.judge.report()
        scores = np.full((len(judgements), 2), np.nan)
        flags = {name: np.zeros(len(judgements), dtype=bool) for name in _FLAGS}
        for i, judgement in enumerate(judgements):
            votes = judgement.votes
            if votes.valid:
                scores[i] = votes.chosen + 0.5 * votes.tie, votes.rejected + 0.5 * votes.tie
            else:
                flags["parse_failed"][i] = True
            for order, order_votes in zip(judgement.orders, judgement.votes_by_order, strict=True):
                if order_votes.error:
                    side = "chosen" if order == "AB" else "rejected"
                    flags[f"{side}_parse_failed"][i] = True
        return PairScores(scores[:, 0], scores[:, 1], flags)

    def describe(self) -> dict[str, Any]:
        info = asdict(self.config)
        info.pop("api_key")
        return {
            "scorer": "judge",
            **info,
            "orders": "both: AB (chosen shown as A) and BA",
            "tie_rule": TIE_RULE,
            "backend": "curation.judge OpenAIBackend (OpenAI-compatible chat completions)",
            "judge_report": self.report,
        }


_FLAGS: tuple[str, ...] = ("parse_failed", "chosen_parse_failed", "rejected_parse_failed")
