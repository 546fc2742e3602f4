"""Inverse instructions, problem recovery and bug introduction against the loopback server."""

from __future__ import annotations

from collections import Counter

from curation.judge.backends.openai import OpenAIBackend, OpenAIConfig
from curation.judge.prompts import INSTRUCTION_STYLES
from curation.judge.synthesis import (
    Synthesizer,
    bug_task,
    draw_style,
    instruction_task,
    problem_task,
)

SOLUTION = "def add(a, b):\n    return a + b\n"


def synthesizer(url: str) -> Synthesizer:
    return Synthesizer(OpenAIBackend(OpenAIConfig(base_url=url, model="writer")))


def test_styles_are_stable_and_cover_all_five():
    styles = [draw_style(f"c{i}", seed=1) for i in range(500)]
    assert styles == [draw_style(f"c{i}", seed=1) for i in range(500)]
    counts = Counter(styles)
    assert set(counts) == set(INSTRUCTION_STYLES)
    assert min(counts.values()) > 60


def test_instructions_problems_and_bugs(scripted):
    answers = {
        "instruction": "<instruction>Write add(a, b).</instruction>",
        "problem": "Here: <problem>Add two integers.</problem>",
        "bug": "```python\ndef add(a, b):\n    return a - b\n```",
    }

    def answer(payload: dict, index: int) -> dict:
        user = payload["messages"][-1]["content"]
        if "Write one instruction" in user:
            return {"text": answers["instruction"]}
        if "Write the task statement" in user:
            return {"text": answers["problem"]}
        return {"text": answers["bug"]}

    scripted.state.reset(answer)
    tasks = [
        instruction_task("i1", language="Python", old_code=SOLUTION, new_code=SOLUTION, seed=2),
        problem_task("p1", language="Python", chosen=SOLUTION, rejected=SOLUTION),
        bug_task("b1", language="Python", prompt="Add.", solution=SOLUTION),
    ]
    writer = synthesizer(scripted.url)
    results = writer.run(tasks)
    assert [r.text for r in results] == [
        "Write add(a, b).",
        "Add two integers.",
        "def add(a, b):\n    return a - b\n",
    ]
    assert results[0].style == draw_style("i1", seed=2) and results[1].style is None
    users = [call["messages"][1]["content"] for call in scripted.state.calls]
    [instruction_prompt] = [user for user in users if "Write one instruction" in user]
    assert INSTRUCTION_STYLES[results[0].style] in instruction_prompt
    assert writer.outcomes == {"ok": 3}
    assert {call["n"] for call in scripted.state.calls} == {1}


def test_unusable_answers_are_counted_by_reason(scripted):
    scripted.state.reset(lambda payload, index: {"text": "```python\n" + SOLUTION + "```"})
    writer = synthesizer(scripted.url)
    results = writer.run(
        [
            bug_task("b1", language="Python", prompt="Add.", solution=SOLUTION),
            problem_task("p1", language="Python", chosen=SOLUTION, rejected=SOLUTION),
        ]
    )
    assert [(r.text, r.error) for r in results] == [
        (None, "invalid_value"),
        (None, "missing_tag"),
    ]
    assert results[0].raw_response.startswith("```python")
    assert writer.outcomes == {"invalid_value": 1, "missing_tag": 1}
