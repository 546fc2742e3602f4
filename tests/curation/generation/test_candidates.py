from __future__ import annotations

import json

from curation.generation.candidates import candidate_request, candidate_solutions
from curation.generation.prompts import candidate_prompt
from curation.judge.requests import Completion, Sampling
from curation.readers.records import Problem
from sandbox.api import TestCase

STDIO = Problem(
    id="mean/Cpp",
    source="t",
    language="Cpp",
    prompt="Print the mean.",
    tests=(TestCase("1\n2\n", "2\n"),),
    checker="float:1e-6",
)
HARNESS = Problem(
    id="h",
    source="t",
    language="Python",
    prompt="def f(x):\n",
    harness="assert f(1) == 2\n",
    entry_point="f",
)


def test_the_prompt_states_language_io_contract_and_checker() -> None:
    stdio = candidate_prompt(STDIO).user
    assert "in C++." in stdio and "standard input" in stdio and "`cpp`" in stdio
    assert "within 1e-06" in stdio
    harness = candidate_prompt(HARNESS).user
    assert "in Python." in harness and "calls `f`" in harness
    assert "standard input" not in harness
    # Deterministic: the rendered messages key the response cache.
    assert candidate_prompt(STDIO) == candidate_prompt(STDIO)


def test_requests_carry_sampling_and_answers_become_llm_solutions() -> None:
    sampling = Sampling(n=3, temperature=0.2, top_p=0.9, max_tokens=64, seed=7)
    request = candidate_request(STDIO, sampling)
    assert request.sampling == sampling and request.messages[0][0] == "system"
    completion = Completion(texts=["```cpp\nint main(){}\n```", "no code", "```cpp\nint x;\n```"])
    solutions, failures = candidate_solutions(STDIO, completion, "m")
    assert [s.id for s in solutions] == ["mean/Cpp/llm/0", "mean/Cpp/llm/2"]
    assert {s.origin for s in solutions} == {"llm"}
    assert json.loads(solutions[1].meta) == {
        "kind": "candidate",
        "model": "m",
        "sample": 2,
        "template": "candidate",
    }
    assert failures == {"no_block_in_language": 1}
    assert candidate_solutions(STDIO, Completion(error="HTTP 500"), "m") == (
        [],
        {"request_failed": 1},
    )
