"""Pairwise judging of preference pairs: prompts in the drawn order(s), k samples, votes,
the keep decision, and the run's counters (decisions, parse errors, position bias)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from curation.criteria import normalize_aspect
from curation.judge.backends.base import Backend, ProgressCallback
from curation.judge.cache import ResponseCache
from curation.judge.parsing import Parsed, parse_verdict
from curation.judge.prompts import pairwise_prompt
from curation.judge.protocol import (
    Decision,
    JudgeProtocol,
    Order,
    PositionBias,
    Votes,
    orders_for,
    tally,
)
from curation.judge.requests import ChatRequest, Sampling
from curation.languages import normalize_language
from curation.pairs.columns import canonical_row

PAIR_REQUIRED: tuple[str, ...] = ("id", "prompt", "chosen", "rejected", "language")


def missing_columns(names: Sequence[str], aspect: str | None = None) -> list[str]:
    """The pair columns a table with columns ``names`` lacks (aliases count); ``aspect``
    given for every pair makes the aspect column optional."""
    present = canonical_row(dict.fromkeys(names))
    missing = [name for name in PAIR_REQUIRED if name not in present]
    if aspect is None and "aspect" not in present:
        missing.append("aspect (or pass --aspect)")
    return missing


class BadPairError(ValueError):
    """A pair row that cannot be judged; the message names the row."""


@dataclass(frozen=True)
class PairToJudge:
    """The fields of a preference pair that the judge reads."""

    id: str
    prompt: str
    chosen: str
    rejected: str
    language: str
    aspect: str

    @classmethod
    def from_row(
        cls, row: Mapping[str, object], aspect: str | None = None, where: str = "row"
    ) -> PairToJudge:
        """A pair from a table row (aliases accepted, names normalised); ``aspect``
        overrides the row's own. Raises :class:`BadPairError` naming ``where``."""
        values = canonical_row(row)
        missing = [name for name in PAIR_REQUIRED if values.get(name) in (None, "")]
        if aspect is None and values.get("aspect") in (None, ""):
            missing.append("aspect (or pass one)")
        if missing:
            raise BadPairError(f"{where}: missing {', '.join(missing)}")
        try:
            return cls(
                id=str(values["id"]),
                prompt=str(values["prompt"]),
                chosen=str(values["chosen"]),
                rejected=str(values["rejected"]),
                language=normalize_language(str(values["language"])),
                aspect=normalize_aspect(str(aspect or values["aspect"])),
            )
        except ValueError as error:
            raise BadPairError(f"{where} (id {values['id']}): {error}") from error

    def request(self, order: Order, protocol: JudgeProtocol) -> ChatRequest:
        """The judge request that shows this pair in ``order``."""
        code_a, code_b = (
            (self.chosen, self.rejected) if order == "AB" else (self.rejected, self.chosen)
        )
        prompt = pairwise_prompt(
            aspect=self.aspect,
            language=self.language,
            prompt=self.prompt,
            code_a=code_a,
            code_b=code_b,
        )
        sampling = Sampling(
            n=protocol.samples,
            temperature=protocol.temperature,
            top_p=protocol.top_p,
            max_tokens=protocol.max_tokens,
        )
        return ChatRequest.from_messages(prompt.messages(), sampling)


@dataclass
class PairJudgement:
    """The judge's verdict on one pair: votes pooled over the orders, and the decision."""

    pair_id: str
    judge: str
    aspect: str
    orders: tuple[Order, ...]
    votes_by_order: tuple[Votes, ...]
    decision: Decision
    rationales: list[str] = field(default_factory=list)
    raw_responses: list[str] = field(default_factory=list)
    parse_errors: Counter[str] = field(default_factory=Counter)

    @property
    def votes(self) -> Votes:
        return sum(self.votes_by_order, Votes())

    def row(self) -> dict[str, object]:
        """A row of the ``judgements`` table. ``rating`` is the chosen side's share of the
        valid votes (ties included), so 1.0 is a unanimous judge and 0.0 a contrary one."""
        votes = self.votes
        return {
            "pair_id": self.pair_id,
            "judge": self.judge,
            "aspect": self.aspect,
            "votes": votes.as_dict(),
            "rating": votes.chosen / votes.valid if votes.valid else None,
            "order": ",".join(self.orders),
            "rationales": self.rationales,
            "raw_responses": self.raw_responses,
        }


class VoteCounter:
    """Turns the answer texts of pairs into judgements and keeps the run's counts; shared by
    :class:`PairJudge` and the datatrove inference-runner path, which hands over texts."""

    def __init__(self, protocol: JudgeProtocol | None = None) -> None:
        self.protocol = protocol or JudgeProtocol()
        self.position_bias = PositionBias()
        self.decisions: Counter[str] = Counter()
        self.parse_errors: Counter[str] = Counter()
        self.votes = Votes()

    def judgement(
        self,
        *,
        pair_id: str,
        aspect: str,
        judge: str,
        orders: Sequence[Order],
        texts_by_order: Sequence[Sequence[str]],
    ) -> PairJudgement:
        """The judgement of one pair from the texts answered in each order; fewer than
        ``samples`` texts for an order means the rest were lost to failed requests."""
        samples = self.protocol.samples
        votes_by_order = []
        rationales: list[str] = []
        raw: list[str] = []
        errors: Counter[str] = Counter()
        for order, all_texts in zip(orders, texts_by_order, strict=True):
            texts = list(all_texts[:samples])
            parsed: list[Parsed[str]] = [parse_verdict(text) for text in texts]
            lost = samples - len(texts)
            votes_by_order.append(tally(parsed, order, lost=lost))
            self.position_bias.add(parsed)
            errors.update(answer.error for answer in parsed if not answer.ok)
            if lost:
                errors["request_failed"] += lost
            rationales.extend(answer.rationale for answer in parsed)
            raw.extend(texts)
        if len(votes_by_order) == 2:
            self.position_bias.add_order_pair(*votes_by_order)
        pooled = sum(votes_by_order, Votes())
        judgement = PairJudgement(
            pair_id=pair_id,
            judge=judge,
            aspect=aspect,
            orders=tuple(orders),
            votes_by_order=tuple(votes_by_order),
            decision=self.protocol.keep.decide(pooled),
            rationales=rationales,
            raw_responses=raw,
            parse_errors=errors,
        )
        self.decisions[judgement.decision.reason] += 1
        self.parse_errors.update(errors)
        self.votes = self.votes + pooled
        return judgement

    def report(self) -> dict[str, object]:
        """Decisions, votes, parse errors and position bias of the run so far."""
        return {
            "pairs": sum(self.decisions.values()),
            "kept": self.decisions["agree"] + self.decisions["flipped"],
            "decisions": dict(sorted(self.decisions.items())),
            "votes": self.votes.as_dict(),
            "parse_errors": dict(sorted(self.parse_errors.items())),
            "position_bias": self.position_bias.report(),
        }


class PairJudge:
    """Judges batches of pairs with one backend and protocol, and keeps the run's counts."""

    def __init__(
        self,
        backend: Backend,
        protocol: JudgeProtocol | None = None,
        cache: ResponseCache | None = None,
    ) -> None:
        self.backend = backend
        self.protocol = protocol or JudgeProtocol()
        self.cache = cache
        self.counter = VoteCounter(self.protocol)

    def requests_for(self, pairs: Sequence[PairToJudge]) -> list[tuple[Order, ChatRequest]]:
        protocol = self.protocol
        return [
            (order, pair.request(order, protocol))
            for pair in pairs
            for order in orders_for(pair.id, protocol.seed, protocol.both_orders)
        ]

    def judge(
        self, pairs: Sequence[PairToJudge], progress: ProgressCallback | None = None
    ) -> list[PairJudgement]:
        """One judgement per pair, in order; ``progress`` advances once per request."""
        ordered = self.requests_for(pairs)
        completions = self.backend.generate(
            [request for _, request in ordered], cache=self.cache, progress=progress
        )
        per_pair = 2 if self.protocol.both_orders else 1
        judgements = []
        for index, pair in enumerate(pairs):
            chunk = slice(index * per_pair, (index + 1) * per_pair)
            judgements.append(
                self.counter.judgement(
                    pair_id=pair.id,
                    aspect=pair.aspect,
                    judge=self.backend.model,
                    orders=[order for order, _ in ordered[chunk]],
                    texts_by_order=[completion.texts for completion in completions[chunk]],
                )
            )
        return judgements

    def report(self) -> dict[str, object]:
        """The run's summary: decisions, votes, parse errors, position bias, backend stats."""
        return {
            "judge": self.backend.model,
            **self.counter.report(),
            "backend": self.backend.stats.as_dict(),
        }
