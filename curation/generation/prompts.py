"""The generation prompts (``templates/``, our own wording): candidates and test inputs.

It states the language and the I/O contract the sandbox will hold the code to: a
stdin/stdout program judged by the problem's checker, or a definition that a harness
appended after it calls. Rendering is deterministic because the rendered messages key the
response cache: a rerun that rendered differently would pay again for every request.
"""

from __future__ import annotations

from functools import cache

import jinja2

from curation.judge.prompts import FENCE_TAGS, LANGUAGE_DISPLAY, RenderedPrompt, fence
from curation.readers.records import Problem
from sandbox.checkers import FloatChecker, TokensChecker, parse_checker

TEMPLATE = "candidate"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("curation.generation", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["fenced"] = fence
    return env


def _render(name: str, variables: dict[str, object]) -> RenderedPrompt:
    module = _environment().get_template(f"{name}.j2").make_module(variables)
    return RenderedPrompt(system=str(module.system).strip(), user=str(module).strip() + "\n")


def _checker_note(problem: Problem) -> str:
    checker = parse_checker(problem.checker, problem.checker_code)
    if isinstance(checker, FloatChecker):
        return f"numbers within {checker.tolerance:g}, absolute or relative, are accepted"
    if isinstance(checker, TokensChecker):
        return "tokens separated by any whitespace"
    return ""


def candidate_prompt(problem: Problem) -> RenderedPrompt:
    """The prompt that asks for one solution of ``problem`` in its language."""
    return _render(
        TEMPLATE,
        {
            "prompt": problem.prompt.strip(),
            "stdio": not problem.is_harness,
            "entry_point": problem.entry_point,
            "checker_note": "" if problem.is_harness else _checker_note(problem),
            "language_name": LANGUAGE_DISPLAY[problem.language],
            "fence_tag": FENCE_TAGS[problem.language],
        },
    )


def inputs_prompt(problem: Problem, count: int, examples: int = 3) -> RenderedPrompt:
    """The prompt that asks for ``count`` new literal inputs, showing a few existing ones."""
    return _render(
        "test_inputs",
        {
            "prompt": problem.prompt.strip(),
            "count": count,
            "examples": [case.stdin for case in problem.tests[:examples]],
        },
    )
