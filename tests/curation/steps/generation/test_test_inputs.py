from __future__ import annotations

import json

import pytest

from curation.generation.test_inputs import TestInputConfig
from curation.judge.backends import OpenAIConfig
from curation.readers.records import Problem, Solution
from curation.steps.execution.documents import problem_document, problem_of
from curation.steps.execution.execute import ExecutionConfig
from curation.steps.generation.test_inputs import GenerateTests
from sandbox.api import TestCase

# "Print the first word, upper-cased." Two trusted references that agree on ordinary
# inputs and disagree on leading spaces; a wrong submission that must not vote.
FIRST_WORD = Problem(
    "first",
    "t",
    "Python",
    "Print the first word of the line, upper-cased.",
    tests=(TestCase("hello world\n", "HELLO\n"),),
)
REFERENCES = [
    Solution("first/a", "first", "Python", "print(input().split()[0].upper())\n", "reference"),
    Solution("first/b", "first", "Python", "print(input().split(' ')[0].upper())\n", "human"),
    Solution(
        "first/bad",
        "first",
        "Python",
        "print('X')\n",
        "human",
        json.dumps({"kind": "incorrect_submission"}),
    ),
]
INPUTS = [
    "abc def\n",  # kept: both print ABC
    "  spaced out\n",  # references disagree: SPACED vs ''
    "\n",  # both crash on an empty line: dropped
    "hello world\n",  # already a test
    "one\n",  # kept
]
ANSWER = "Here are inputs:\n" + "".join(f"```input\n{text}```\n" for text in INPUTS)


@pytest.mark.slow
def test_inputs_get_outputs_from_agreeing_references_only(loopback_llm) -> None:
    loopback_llm.reset(lambda payload, index: loopback_llm.reply(texts=[ANSWER]))
    harness = Problem("h", "t", "Python", "p", harness="assert True\n")
    lone = Problem("lone", "t", "Python", "p", tests=(TestCase("1\n", "1\n"),))
    documents = [
        problem_document(FIRST_WORD, REFERENCES),
        problem_document(harness, [Solution("h/r", "h", "Python", "x = 1\n", "reference")]),
        problem_document(lone, []),
    ]
    step = GenerateTests(
        TestInputConfig(OpenAIConfig(base_url=loopback_llm.url, model="m"), min_tests=3),
        ExecutionConfig(backend="process", progress=False),
    )
    first, skipped_harness, skipped_lone = list(step.run(documents))
    assert len(loopback_llm.calls) == 1
    user = loopback_llm.calls[0]["messages"][-1]["content"]
    assert "hello world" in user and "expected output" not in user.lower()
    tests = problem_of(first).tests
    assert [(t.stdin, t.expected_stdout) for t in tests] == [
        ("hello world\n", "HELLO\n"),
        ("abc def\n", "ABC\n"),
        ("one\n", "ONE\n"),
    ]
    assert first.metadata["test_generation"] == {
        "inputs": 5,
        "tests_added": 2,
        "references_disagree": 1,
        "reference_failed": 1,
        "duplicate_input": 1,
    }
    assert skipped_harness.metadata["test_generation"] == {"skipped_harness_problem": 1}
    assert skipped_lone.metadata["test_generation"] == {"skipped_no_reference": 1}
