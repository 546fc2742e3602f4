"""Text the LLM writes rather than judges: inverse instructions for commit pairs, the
recovered problem statement of a (chosen, rejected) pair, and buggy variants of correct
solutions. Each is a :class:`SynthesisTask` (a rendered prompt and the strict parser of its
answer) so that one runner serves all three and counts failures by reason.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from curation.judge.backends.base import Backend, ProgressCallback
from curation.judge.cache import ResponseCache
from curation.judge.parsing import Parsed, parse_buggy_code, parse_tagged_text
from curation.judge.prompts import (
    INSTRUCTION_STYLES,
    RenderedPrompt,
    bug_introduction_prompt,
    inverse_instruction_prompt,
    problem_recovery_prompt,
)
from curation.judge.requests import ChatRequest, Sampling

SYNTHESIS_SAMPLING = Sampling(n=1, temperature=0.8, top_p=0.95, max_tokens=2048)


def draw_style(item_id: str, seed: int = 0) -> str:
    """The instruction style of ``item_id``: uniform over the five, stable per (seed, id)."""
    styles = sorted(INSTRUCTION_STYLES)
    return random.Random(f"{seed}\x00style\x00{item_id}").choice(styles)


@dataclass(frozen=True)
class SynthesisTask:
    """One thing to write: its id, kind, prompt, answer parser and (for instructions) style."""

    id: str
    kind: str
    prompt: RenderedPrompt
    parse: Callable[[str], Parsed[str]]
    style: str | None = None


@dataclass(frozen=True)
class Synthesis:
    """What came back for a task: the parsed text, or the reason there is none."""

    id: str
    kind: str
    style: str | None
    text: str | None
    error: str | None
    raw_response: str | None


def instruction_task(
    item_id: str, *, language: str, old_code: str, new_code: str, seed: int = 0
) -> SynthesisTask:
    style = draw_style(item_id, seed)
    prompt = inverse_instruction_prompt(
        language=language, old_code=old_code, new_code=new_code, style=style
    )
    return SynthesisTask(
        item_id, "instruction", prompt, partial(parse_tagged_text, tag="instruction"), style
    )


def problem_task(item_id: str, *, language: str, chosen: str, rejected: str) -> SynthesisTask:
    prompt = problem_recovery_prompt(language=language, chosen=chosen, rejected=rejected)
    return SynthesisTask(item_id, "problem", prompt, partial(parse_tagged_text, tag="problem"))


def bug_task(item_id: str, *, language: str, prompt: str, solution: str) -> SynthesisTask:
    rendered = bug_introduction_prompt(language=language, prompt=prompt, solution=solution)
    return SynthesisTask(item_id, "bug", rendered, partial(parse_buggy_code, original=solution))


class Synthesizer:
    """Runs synthesis tasks on a backend; one sample each, the first that parses wins."""

    def __init__(
        self,
        backend: Backend,
        sampling: Sampling = SYNTHESIS_SAMPLING,
        cache: ResponseCache | None = None,
    ) -> None:
        self.backend = backend
        self.sampling = sampling
        self.cache = cache
        self.outcomes: Counter[str] = Counter()

    def run(
        self, tasks: Sequence[SynthesisTask], progress: ProgressCallback | None = None
    ) -> list[Synthesis]:
        requests = [
            ChatRequest.from_messages(task.prompt.messages(), self.sampling) for task in tasks
        ]
        completions = self.backend.generate(requests, cache=self.cache, progress=progress)
        results = []
        for task, completion in zip(tasks, completions, strict=True):
            parsed = [task.parse(text) for text in completion.texts]
            good = next((answer for answer in parsed if answer.ok), None)
            if good is not None:
                error = None
            elif parsed:
                error = parsed[0].error
            else:
                error = "request_failed"
            self.outcomes["ok" if error is None else error] += 1
            raw = completion.texts[0] if completion.texts else None
            text = good.value if good is not None else None
            results.append(Synthesis(task.id, task.kind, task.style, text, error, raw))
        return results
