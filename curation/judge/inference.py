"""Judging through datatrove's own inference runner, for cluster-scale runs.

datatrove 0.10's ``InferenceRunner`` starts (or reaches) a vLLM/SGLang server or an
external endpoint per task, runs ``rollouts_per_document`` rollouts per document with
bounded concurrency, checkpoints finished documents and writes them with any datatrove
writer. :class:`JudgeRollout` plugs our prompts into it: one rollout is one sample, so the
runner is configured with ``rollouts_per_document = samples`` and ``n = 1``, and each
rollout returns the order and the raw answer. :func:`judgements_from_documents` parses the
written documents into judgements with the same strict parser, votes and keep rule as the
``openai`` backend path. Both orders are two documents per pair (see ``pair_documents``).

Failure handling is the runner's: it retries dropped connections and timeouts itself, a
request that fails for good becomes an error vote here, but an HTTP 500 from a loopback
endpoint is a fatal ``ServerError`` in datatrove 0.10 and ends the task (datatrove's
completion markers then rerun it). For flaky hosted APIs prefer ``JudgePairs`` with the
``openai`` backend, which retries 5xx with backoff.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from datatrove.data import Document
from datatrove.pipeline.inference.run_inference import InferenceConfig, InferenceRunner
from datatrove.pipeline.inference.types import GenerateFunction, InferenceError
from datatrove.pipeline.writers.disk_base import DiskWriter

from curation.judge.documents import pair_document, pair_from_document
from curation.judge.pairwise import PairJudgement, PairToJudge, VoteCounter
from curation.judge.protocol import JudgeProtocol, draw_order, orders_for

ROLLOUTS_KEY = "rollout_results"


def pair_documents(pairs: Iterable[PairToJudge], protocol: JudgeProtocol) -> Iterator[Document]:
    """One document per (pair, order) of the protocol, the order in its metadata."""
    for pair in pairs:
        for order in orders_for(pair.id, protocol.seed, protocol.both_orders):
            yield pair_document(pair, order)


@dataclass
class JudgeRollout:
    """A datatrove rollout function: one judge sample of one pair document."""

    protocol: JudgeProtocol = field(default_factory=JudgeProtocol)
    aspect: str | None = None

    async def __call__(self, document: Document, generate: GenerateFunction) -> dict:
        pair = pair_from_document(document, aspect=self.aspect)
        order = document.metadata.get("order") or draw_order(pair.id, self.protocol.seed)
        request = pair.request(order, self.protocol)
        payload = {
            "messages": request.message_dicts(),
            "temperature": self.protocol.temperature,
            "top_p": self.protocol.top_p,
            "max_tokens": self.protocol.max_tokens,
        }
        try:
            result = await generate(payload)
        except InferenceError as error:
            return {"order": order, "text": None, "error": str(error.error)[:500]}
        return {"order": order, "text": result.text, "error": None}


def endpoint_inference_config(
    endpoint: str,
    model: str,
    protocol: JudgeProtocol,
    concurrency: int = 64,
    api_key: str | None = None,
    request_timeout: float | None = 300.0,
) -> InferenceConfig:
    """An ``InferenceConfig`` for an already running OpenAI-compatible server.

    datatrove appends ``/v1/chat/completions`` itself, so a trailing ``/v1`` is removed."""
    base = endpoint.rstrip("/")
    base = base.removesuffix("/v1")
    return InferenceConfig(
        server_type="endpoint",
        model_name_or_path=model,
        endpoint_url=base,
        api_key=api_key,
        use_chat=True,
        rollouts_per_document=protocol.samples,
        max_concurrent_generations=concurrency,
        request_timeout=request_timeout,
        default_generation_params={"n": 1},
        metric_interval=3600,
    )


def judge_runner(
    config: InferenceConfig,
    protocol: JudgeProtocol,
    output_writer: DiskWriter,
    aspect: str | None = None,
    checkpoints_local_dir: str | None = None,
) -> InferenceRunner:
    """An ``InferenceRunner`` that judges pair documents: any server type datatrove knows
    (``endpoint`` via :func:`endpoint_inference_config`, or ``vllm``/``sglang`` servers it
    starts per task), one rollout per sample."""
    if config.rollouts_per_document != protocol.samples:
        raise ValueError(
            f"rollouts_per_document ({config.rollouts_per_document}) must equal the "
            f"protocol's samples ({protocol.samples}): one rollout is one judge sample"
        )
    return InferenceRunner(
        rollout_fn=JudgeRollout(protocol, aspect),
        config=config,
        output_writer=output_writer,
        checkpoints_local_dir=checkpoints_local_dir,
    )


def judgements_from_documents(
    documents: Iterable[Document | dict],
    judge: str,
    protocol: JudgeProtocol,
    counter: VoteCounter | None = None,
) -> list[PairJudgement]:
    """Judgements from the runner's output documents (``Document``s, or the dicts a JSONL
    writer wrote), grouping the order documents of each pair; ``counter`` keeps the run's
    counts (decisions, parse errors, position bias)."""
    counter = counter or VoteCounter(protocol)
    grouped: dict[str, dict[str, object]] = {}
    for document in documents:
        metadata = document.metadata if isinstance(document, Document) else document["metadata"]
        entry = grouped.setdefault(
            str(metadata["pair_id"]), {"aspect": metadata["aspect"], "orders": [], "texts": []}
        )
        rollouts = metadata.get(ROLLOUTS_KEY) or []
        entry["orders"].append(metadata.get("order") or rollouts[0]["order"])
        entry["texts"].append([r["text"] for r in rollouts if r.get("text") is not None])
    return [
        counter.judgement(
            pair_id=pair_id,
            aspect=str(entry["aspect"]),
            judge=judge,
            orders=entry["orders"],
            texts_by_order=entry["texts"],
        )
        for pair_id, entry in grouped.items()
    ]
