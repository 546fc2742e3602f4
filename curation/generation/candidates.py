"""Candidate solutions sampled from a model: requests, and answers turned into solutions.

Every problem gets one chat request asking for ``n`` samples (temperature, top-p, max
tokens and seed configurable). Each sample whose code :func:`extract_code` finds becomes a
``solutions`` row with origin ``llm`` and meta naming the model, the sample index and the
template, so a pair can be traced to the answer it came from; the others are counted by
reason and never guessed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from curation.generation.extraction import extract_code
from curation.generation.prompts import TEMPLATE, candidate_prompt
from curation.judge.backends import BackendConfig, OpenAIConfig
from curation.judge.requests import ChatRequest, Completion, Sampling
from curation.readers.records import Problem, Solution

CANDIDATE_KIND = "candidate"


@dataclass(frozen=True)
class GenerationConfig:
    """Where candidates come from and how they are sampled."""

    backend: BackendConfig = field(default_factory=OpenAIConfig)
    sampling: Sampling = field(
        default_factory=lambda: Sampling(n=8, temperature=0.8, top_p=0.95, max_tokens=2048, seed=0)
    )


def candidate_request(problem: Problem, sampling: Sampling) -> ChatRequest:
    return ChatRequest.from_messages(candidate_prompt(problem).messages(), sampling)


def candidate_solutions(
    problem: Problem, completion: Completion, model: str
) -> tuple[list[Solution], Counter[str]]:
    """The extracted candidates of one problem's completion, and failures by reason."""
    failures: Counter[str] = Counter()
    if not completion.ok:
        failures["request_failed"] += 1
        return [], failures
    solutions = []
    for index, text in enumerate(completion.texts):
        extracted = extract_code(text, problem.language)
        if extracted.code is None:
            failures[extracted.failure or "unknown"] += 1
            continue
        meta = {"kind": CANDIDATE_KIND, "model": model, "sample": index, "template": TEMPLATE}
        solution_id = f"{problem.id}/llm/{index}"
        solutions.append(
            Solution.made(solution_id, problem.id, problem.language, extracted.code, "llm", meta)
        )
    return solutions, failures
