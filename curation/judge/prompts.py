"""Rendering of the judge prompts (Jinja2 templates in ``templates/``) into chat messages.

Every template sets a ``system`` block and renders the user message as its body, so one file
holds one prompt. Rendering is deterministic (no dates, no dict-order dependence, undefined
variables raise) because the rendered messages are the key of the response cache: a
template that rendered differently on a rerun would silently pay for every request again.

Code goes into fenced blocks whose fence is longer than any backtick run in the code, so a
solution that itself contains a Markdown fence cannot break out of its block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jinja2
import yaml

from curation.criteria import ASPECT_DESCRIPTIONS, ASPECTS, normalize_aspect
from curation.languages import normalize_language

Message = dict[str, str]

TEMPLATE_NAMES: tuple[str, ...] = (
    "pairwise",
    "commit_review",
    "inverse_instruction",
    "problem_recovery",
    "bug_introduction",
)

LANGUAGE_DISPLAY: dict[str, str] = {
    "C": "C",
    "CSharp": "C#",
    "Cpp": "C++",
    "Go": "Go",
    "Java": "Java",
    "JavaScript": "JavaScript",
    "Python": "Python",
    "Ruby": "Ruby",
}

FENCE_TAGS: dict[str, str] = {
    "C": "c",
    "CSharp": "csharp",
    "Cpp": "cpp",
    "Go": "go",
    "Java": "java",
    "JavaScript": "javascript",
    "Python": "python",
    "Ruby": "ruby",
}

# The five inverse-instruction styles, as the phrase that completes "Write it as ...".
INSTRUCTION_STYLES: dict[str, str] = {
    "course_assignment": (
        "an exercise from a programming course: a short statement of what to implement, "
        "with the expected inputs and outputs."
    ),
    "qa_question": (
        "a question a developer posts on a programming Q&A site: a sentence of context, "
        "what they are trying to do, and what they need."
    ),
    "search_query": "a terse query a developer would type into a search engine, in one line.",
    "contest_problem": (
        "a competitive programming problem: a statement, the input format, the output "
        "format and the constraints."
    ),
    "review_request": (
        "a request to a colleague to write or review this code, saying what it must do "
        "and which qualities matter."
    ),
}

_BACKTICK_RUN = re.compile(r"`{3,}")


def fence(code: str, tag: str = "") -> str:
    """Wrap ``code`` in a Markdown fence longer than any backtick run inside it."""
    code = str(code)  # a missing template variable raises here (StrictUndefined)
    longest = max((len(run) for run in _BACKTICK_RUN.findall(code)), default=2)
    marker = "`" * max(3, longest + 1)
    body = code if code.endswith("\n") else code + "\n"
    return f"{marker}{tag}\n{body}{marker}"


@cache
def aspect_criteria() -> dict[str, tuple[str, ...]]:
    """The concrete review points per aspect, read once from ``criteria.yaml``."""
    text = resources.files("curation.judge").joinpath("criteria.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    missing = [aspect for aspect in ASPECTS if not data.get(aspect)]
    if missing:
        raise ValueError(f"criteria.yaml has no criteria for {', '.join(missing)}")
    return {aspect: tuple(data[aspect]) for aspect in ASPECTS}


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("curation.judge", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )
    env.filters["fenced"] = fence
    return env


@dataclass(frozen=True)
class RenderedPrompt:
    """A rendered template: the system message and the user message."""

    system: str
    user: str

    def messages(self) -> list[Message]:
        return [{"role": "system", "content": self.system}, {"role": "user", "content": self.user}]


def render(name: str, **variables: object) -> RenderedPrompt:
    """Render template ``name`` (one of :data:`TEMPLATE_NAMES`) with ``variables``."""
    if name not in TEMPLATE_NAMES:
        raise ValueError(f"unknown template {name!r}; expected one of {', '.join(TEMPLATE_NAMES)}")
    module = _environment().get_template(f"{name}.j2").make_module(dict(variables))
    return RenderedPrompt(system=str(module.system).strip(), user=str(module).strip() + "\n")


def _language_variables(language: str) -> dict[str, str]:
    canonical = normalize_language(language)
    return {"language_name": LANGUAGE_DISPLAY[canonical], "fence_tag": FENCE_TAGS[canonical]}


def _aspect_variables(aspect: str) -> dict[str, object]:
    canonical = normalize_aspect(aspect)
    return {
        "aspect_title": canonical.replace("_", " "),
        "aspect_description": ASPECT_DESCRIPTIONS[canonical],
        "criteria": aspect_criteria()[canonical],
    }


def pairwise_prompt(
    *, aspect: str, language: str, prompt: str, code_a: str, code_b: str
) -> RenderedPrompt:
    """The pairwise preference prompt: which of A and B is better on ``aspect``."""
    return render(
        "pairwise",
        prompt=prompt.strip(),
        code_a=code_a,
        code_b=code_b,
        **_aspect_variables(aspect),
        **_language_variables(language),
    )


def commit_review_prompt(
    *,
    aspect: str,
    language: str,
    message: str,
    old_code: str,
    new_code: str,
    diff: str,
    path: str = "",
) -> RenderedPrompt:
    """The commit review prompt: a 1-5 rating of how much a commit improves ``aspect``."""
    return render(
        "commit_review",
        message=message.strip(),
        old_code=old_code,
        new_code=new_code,
        diff=diff,
        path=path or "unnamed file",
        **_aspect_variables(aspect),
        **_language_variables(language),
    )


def inverse_instruction_prompt(
    *, language: str, old_code: str, new_code: str, style: str
) -> RenderedPrompt:
    """The inverse-instruction prompt: an instruction both versions answer, in ``style``."""
    if style not in INSTRUCTION_STYLES:
        raise ValueError(
            f"unknown instruction style {style!r}; expected one of {', '.join(INSTRUCTION_STYLES)}"
        )
    return render(
        "inverse_instruction",
        old_code=old_code,
        new_code=new_code,
        style_description=INSTRUCTION_STYLES[style],
        **_language_variables(language),
    )


def problem_recovery_prompt(*, language: str, chosen: str, rejected: str) -> RenderedPrompt:
    """The problem-recovery prompt: the task statement that both codes attempt."""
    return render(
        "problem_recovery", chosen=chosen, rejected=rejected, **_language_variables(language)
    )


def bug_introduction_prompt(*, language: str, prompt: str, solution: str) -> RenderedPrompt:
    """The bug-introduction prompt: a functionally wrong variant of a correct solution."""
    return render(
        "bug_introduction",
        prompt=prompt.strip(),
        solution=solution,
        **_language_variables(language),
    )
