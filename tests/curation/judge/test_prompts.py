"""Judge prompts: every template pinned for a fixture, determinism, fences, criteria."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from curation.criteria import ASPECTS
from curation.judge.prompts import (
    INSTRUCTION_STYLES,
    TEMPLATE_NAMES,
    aspect_criteria,
    bug_introduction_prompt,
    commit_review_prompt,
    fence,
    inverse_instruction_prompt,
    pairwise_prompt,
    problem_recovery_prompt,
    render,
)

GOLDEN = Path(__file__).parent / "golden"

OLD = """int sum(int *a, int n) {
    int s = 0;
    for (int i = 0; i <= n; i++) s += a[i];
    return s;
}
"""
NEW = """int sum(const int *a, int n) {
    int s = 0;
    for (int i = 0; i < n; i++) s += a[i];
    return s;
}
"""
DIFF = "@@ -1,3 +1,3 @@\n-int sum(int *a, int n) {\n+int sum(const int *a, int n) {\n"

FIXTURES = {
    "pairwise": lambda: pairwise_prompt(
        aspect="Functional_Correctness",
        language="c",
        prompt="Sum the first n elements of an array.",
        code_a=NEW,
        code_b=OLD,
    ),
    "commit_review": lambda: commit_review_prompt(
        aspect="Security_Hardness",
        language="C",
        message="Fix out-of-bounds read in sum()",
        old_code=OLD,
        new_code=NEW,
        diff=DIFF,
        path="src/sum.c",
    ),
    "inverse_instruction": lambda: inverse_instruction_prompt(
        language="C", old_code=OLD, new_code=NEW, style="contest_problem"
    ),
    "problem_recovery": lambda: problem_recovery_prompt(language="C", chosen=NEW, rejected=OLD),
    "bug_introduction": lambda: bug_introduction_prompt(
        language="C", prompt="Sum the first n elements of an array.", solution=NEW
    ),
}


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_rendered_prompt_is_pinned(name):
    """The rendered messages match the reviewed golden file byte for byte (set
    CODEPREF_UPDATE_GOLDEN=1 to rewrite them after an intended template change)."""
    rendered = FIXTURES[name]()
    text = f"[system]\n{rendered.system}\n[user]\n{rendered.user}"
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("CODEPREF_UPDATE_GOLDEN"):
        path.write_text(text)
    assert text == path.read_text()


@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_rendering_is_deterministic(name):
    assert FIXTURES[name]() == FIXTURES[name]()


def test_pairwise_prompt_holds_the_aspect_criteria_and_both_codes():
    user = FIXTURES["pairwise"]().user
    for point in aspect_criteria()["Functional_Correctness"]:
        assert point in user
    assert user.index("## Solution A") < user.index(NEW) < user.index("## Solution B")
    assert user.index(OLD) > user.index("## Solution B")
    assert "<verdict>TIE</verdict>" in user


def test_every_aspect_has_five_distinct_criteria():
    criteria = aspect_criteria()
    assert set(criteria) == set(ASPECTS)
    for points in criteria.values():
        assert len(points) == 5 and len(set(points)) == 5


def test_fence_outgrows_backticks_in_the_code():
    assert fence("x = 1", "python") == "```python\nx = 1\n```"
    code = 'doc = """\n```js\nlet a;\n```\n"""'
    fenced = fence(code, "python")
    assert fenced.startswith("````python\n") and fenced.endswith("\n````")
    assert fence("a ````` b").startswith("``````\n")


def test_messages_have_system_then_user():
    messages = FIXTURES["pairwise"]().messages()
    assert [m["role"] for m in messages] == ["system", "user"]


def test_every_style_renders_its_description():
    for style, description in INSTRUCTION_STYLES.items():
        user = inverse_instruction_prompt(language="Go", old_code="a", new_code="b", style=style)
        assert description in user.user
    assert len(INSTRUCTION_STYLES) == 5


def test_unknown_names_are_rejected():
    with pytest.raises(ValueError, match="unknown template"):
        render("nope")
    with pytest.raises(ValueError, match="unknown instruction style"):
        inverse_instruction_prompt(language="Go", old_code="a", new_code="b", style="poem")
    with pytest.raises(ValueError, match="unknown aspect"):
        pairwise_prompt(aspect="speed!", language="Go", prompt="p", code_a="a", code_b="b")


def test_missing_template_variable_raises():
    import jinja2

    with pytest.raises(jinja2.UndefinedError):
        render("problem_recovery", language_name="C", fence_tag="c", chosen="a")
