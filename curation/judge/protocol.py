"""The pairwise judging protocol: A/B order, samples, votes, the keep rule, position bias.

Order. Judges favour a position, so the side shown as A is drawn per pair from an RNG
seeded with (run seed, pair id) and recorded: ``"AB"`` means the pair's chosen code is
shown as A. The draw depends only on the seed and the id, so any shard, rank or rerun gives
the same order for the same pair. ``both_orders`` asks in both orders and pools the votes.

Votes. Each of the k samples is parsed strictly (:mod:`curation.judge.parsing`) and mapped
from position back to the pair: a vote for chosen, for rejected, a tie, or an error (an
unparseable answer, or a sample lost to a failed request).

Keep rule (codepref's own; the published protocol defines none). A pair is kept when the
judge clearly agrees with its label:

* errors are at most ``max_error_share`` of all samples (default 0.25: 2 of 8), else the
  judge was not working on this pair and its votes say nothing ("too_many_errors");
* the winning side holds more than ``min_share`` of the valid votes, ties included
  (default 0.5: a strict majority, so 4 chosen / 4 tie is not enough) and at least
  ``min_votes`` votes ("no_majority" otherwise);
* the winner is the pair's chosen side ("agree"). A clear majority for the rejected side
  drops the pair ("judge_prefers_rejected"), or keeps it swapped when ``flip_rejected`` is
  set, which is how a judge labels pairs that have no label yet ("flipped").

Position bias. Over a run, how often the judge picks A or B among its A/B verdicts
regardless of content, with a two-sided binomial test against 0.5; with both orders, how
often a pair's majority changes when the order is swapped.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

from scipy.stats import binomtest

from curation.judge.parsing import Parsed

Order = Literal["AB", "BA"]
# Every reason a keep decision can give; reports count decisions by these names.
KEEP_REASONS: tuple[str, ...] = (
    "agree",
    "flipped",
    "judge_prefers_rejected",
    "no_majority",
    "too_many_errors",
)


def draw_order(pair_id: str, seed: int = 0) -> Order:
    """The A/B order of ``pair_id``: ``"AB"`` shows the chosen code as A."""
    return "AB" if random.Random(f"{seed}\x00{pair_id}").random() < 0.5 else "BA"


def orders_for(pair_id: str, seed: int = 0, both_orders: bool = False) -> tuple[Order, ...]:
    """The orders in which ``pair_id`` is shown: the drawn one first, then its swap."""
    first = draw_order(pair_id, seed)
    if not both_orders:
        return (first,)
    return (first, "BA" if first == "AB" else "AB")


@dataclass(frozen=True)
class Votes:
    """Votes of the k samples of one pair, in terms of the pair (not of positions)."""

    chosen: int = 0
    rejected: int = 0
    tie: int = 0
    error: int = 0

    @property
    def total(self) -> int:
        return self.chosen + self.rejected + self.tie + self.error

    @property
    def valid(self) -> int:
        return self.chosen + self.rejected + self.tie

    def __add__(self, other: Votes) -> Votes:
        return Votes(
            self.chosen + other.chosen,
            self.rejected + other.rejected,
            self.tie + other.tie,
            self.error + other.error,
        )

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def side_of(verdict: str, order: Order) -> Literal["chosen", "rejected", "tie"]:
    """Map a positional verdict back to the pair's side."""
    if verdict == "TIE":
        return "tie"
    shown_first = "chosen" if order == "AB" else "rejected"
    shown_second = "rejected" if order == "AB" else "chosen"
    return shown_first if verdict == "A" else shown_second


def tally(parsed: Iterable[Parsed[str]], order: Order, lost: int = 0) -> Votes:
    """Votes from parsed answers shown in ``order``; ``lost`` samples never came back."""
    counts = Counter(side_of(answer.value, order) if answer.ok else "error" for answer in parsed)
    return Votes(counts["chosen"], counts["rejected"], counts["tie"], counts["error"] + lost)


@dataclass(frozen=True)
class Decision:
    """What the keep rule made of one pair's votes."""

    keep: bool
    reason: str
    flipped: bool = False
    confidence: float = 0.0


@dataclass(frozen=True)
class KeepRule:
    """When a pair's votes are a clear enough verdict to keep it; see the module docstring."""

    min_share: float = 0.5
    max_error_share: float = 0.25
    min_votes: int = 1
    flip_rejected: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.min_share < 1:
            raise ValueError(f"min_share must be in [0, 1), got {self.min_share}")
        if not 0 <= self.max_error_share <= 1:
            raise ValueError(f"max_error_share must be in [0, 1], got {self.max_error_share}")

    def decide(self, votes: Votes) -> Decision:
        if votes.total == 0 or votes.error / votes.total > self.max_error_share:
            return Decision(False, "too_many_errors")
        if votes.chosen == votes.rejected:
            return Decision(False, "no_majority")
        winner = "chosen" if votes.chosen > votes.rejected else "rejected"
        count = max(votes.chosen, votes.rejected)
        share = count / votes.valid
        if share <= self.min_share or count < self.min_votes:
            return Decision(False, "no_majority", confidence=share)
        if winner == "chosen":
            return Decision(True, "agree", confidence=share)
        if self.flip_rejected:
            return Decision(True, "flipped", flipped=True, confidence=share)
        return Decision(False, "judge_prefers_rejected", confidence=share)


@dataclass(frozen=True)
class JudgeProtocol:
    """The per-pair protocol: k samples at the published sampling settings, A/B order
    drawn from ``seed``, optionally both orders, and the keep rule."""

    samples: int = 8
    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 1024
    both_orders: bool = False
    seed: int = 0
    keep: KeepRule = field(default_factory=KeepRule)

    def __post_init__(self) -> None:
        if self.samples < 1:
            raise ValueError(f"samples must be at least 1, got {self.samples}")


@dataclass
class PositionBias:
    """Positional verdict counts over a run, and order consistency for both-order pairs."""

    picks_a: int = 0
    picks_b: int = 0
    ties: int = 0
    errors: int = 0
    both_order_pairs: int = 0
    order_flips: int = 0

    def add(self, parsed: Sequence[Parsed[str]]) -> None:
        for answer in parsed:
            if not answer.ok:
                self.errors += 1
            elif answer.value == "A":
                self.picks_a += 1
            elif answer.value == "B":
                self.picks_b += 1
            else:
                self.ties += 1

    def add_order_pair(self, first: Votes, second: Votes) -> None:
        """Record whether the majority side changed between the two orders of one pair."""
        self.both_order_pairs += 1
        if _majority(first) != _majority(second):
            self.order_flips += 1

    def report(self) -> dict[str, float | int | None]:
        decided = self.picks_a + self.picks_b
        share_a = self.picks_a / decided if decided else None
        p_value = binomtest(self.picks_a, decided, 0.5).pvalue if decided else None
        return {
            "picks_a": self.picks_a,
            "picks_b": self.picks_b,
            "ties": self.ties,
            "errors": self.errors,
            "share_a": share_a,
            "binomial_p_value": p_value,
            "both_order_pairs": self.both_order_pairs,
            "order_flip_rate": (
                self.order_flips / self.both_order_pairs if self.both_order_pairs else None
            ),
        }


def _majority(votes: Votes) -> str:
    ranked = sorted(
        (("chosen", votes.chosen), ("rejected", votes.rejected), ("tie", votes.tie)),
        key=lambda item: -item[1],
    )
    if ranked[0][1] == 0 or ranked[0][1] == ranked[1][1]:
        return "none"
    return ranked[0][0]
