"""LLM-written test inputs, with expected outputs from running the reference solutions.

A problem with fewer stdin/stdout tests than wanted gets literal inputs from a model (each
in a fenced block tagged ``input``, template ``templates/test_inputs.j2``). The model
never supplies an output: every trusted solution of the problem (``reference``, and
``human`` ones not marked wrong) runs on each input in the sandbox, and the input becomes
a test only when they all exit 0 and agree under the problem's checker; its expected
output is then the first reference's. Every other input is dropped and counted by reason:

- ``reference_failed``: a reference crashed, timed out or ran out of memory on it (the
  input is probably outside the constraints);
- ``references_disagree``: the references print different answers (an ambiguous input,
  or a wrong reference: either way no trustworthy expected output);
- ``output_too_long``: an output longer than the sandbox returns whole;
- ``duplicate_input``: already a test of the problem.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from curation.generation.prompts import inputs_prompt
from curation.judge.backends import BackendConfig, OpenAIConfig
from curation.judge.requests import ChatRequest, Sampling
from curation.readers.records import Problem, Solution
from sandbox.api import Job, RunResult, TestCase
from sandbox.checkers import ProgramChecker, WhitespaceChecker, parse_checker
from sandbox.verdicts import TAIL_CHARS

_INPUT_BLOCK = re.compile(r"^[ \t]*(`{3,})[ \t]*input[ \t]*\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)


@dataclass(frozen=True)
class TestInputConfig:
    """Problems with fewer than ``min_tests`` tests get ``count`` model-written inputs."""

    __test__ = False  # not a pytest test class, despite its name

    backend: BackendConfig = field(default_factory=OpenAIConfig)
    min_tests: int = 10
    count: int = 10
    sampling: Sampling = field(
        default_factory=lambda: Sampling(n=1, temperature=0.7, top_p=0.95, max_tokens=2048, seed=0)
    )


def input_request(problem: Problem, config: TestInputConfig) -> ChatRequest:
    prompt = inputs_prompt(problem, config.count)
    return ChatRequest.from_messages(prompt.messages(), config.sampling)


def parse_inputs(answer: str | None) -> list[str]:
    """The bodies of the ``input`` blocks of an answer, in order (none: no inputs)."""
    return [body for _, body in _INPUT_BLOCK.findall(answer or "")]


def reference_jobs(
    problem: Problem, references: Sequence[Solution], inputs: Sequence[str]
) -> list[Job]:
    """One job per reference: every input, run harness style (exit and output kept)."""
    tests = tuple(TestCase(stdin=stdin) for stdin in inputs)
    return [Job(problem.program(r.code), tests, problem.limits) for r in references]


def validated_tests(
    problem: Problem, inputs: Sequence[str], results: Sequence[RunResult]
) -> tuple[list[TestCase], Counter[str]]:
    """The inputs on which every reference (one result each) exits 0 and agrees, as tests
    with the first reference's output; the dropped ones counted by reason."""
    checker = parse_checker(problem.checker, problem.checker_code)
    if isinstance(checker, ProgramChecker):
        checker = WhitespaceChecker()  # references must agree on the text itself
    known = {case.stdin for case in problem.tests}
    kept: list[TestCase] = []
    dropped: Counter[str] = Counter()
    for number, stdin in enumerate(inputs):
        outcomes = [r.tests[number] if number < len(r.tests) else None for r in results]
        if stdin in known:
            dropped["duplicate_input"] += 1
        elif any(o is None or o.status.value != "OK" for o in outcomes):
            dropped["reference_failed"] += 1
        elif any(len(o.stdout_tail) >= TAIL_CHARS for o in outcomes if o is not None):
            dropped["output_too_long"] += 1
        else:
            first = outcomes[0].stdout_tail if outcomes[0] is not None else ""
            if all(checker.accepts(o.stdout_tail, first) for o in outcomes if o is not None):
                kept.append(TestCase(stdin=stdin, expected_stdout=first))
                known.add(stdin)
            else:
                dropped["references_disagree"] += 1
    return kept, dropped
