"""A problem set read from a published layout, and the registry of layouts.

Every layout reader returns a :class:`ProblemSet`: the ``problems`` and ``solutions`` rows
and the count of what it dropped and why (a Python 2 submission, a test without output),
so nothing is lost silently. ``read_problem_set(path, layout)`` picks the reader by name;
``codepref generate`` and the generation pipeline take any of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from curation.readers.records import Problem, Solution
from curation.readers.tables import TableReadError

# Solutions known to be wrong carry this kind in their meta: a rejected side only, and the
# negatives of a test suite's true negative rate.
INCORRECT_KIND = "incorrect_submission"


@dataclass
class ProblemSet:
    problems: list[Problem] = field(default_factory=list)
    solutions: list[Solution] = field(default_factory=list)
    dropped: Counter[str] = field(default_factory=Counter)


def _readers() -> dict[str, Callable[[Path], ProblemSet]]:
    from curation.readers.codecontests import read_codecontests
    from curation.readers.humaneval_style import read_humaneval_style
    from curation.readers.mbpp import read_mbpp
    from curation.readers.stdio_jsonl import read_stdio_jsonl

    return {
        "stdio": read_stdio_jsonl,
        "humaneval": read_humaneval_style,
        "mbpp": read_mbpp,
        "codecontests": read_codecontests,
    }


LAYOUTS: tuple[str, ...] = ("stdio", "humaneval", "mbpp", "codecontests")


def read_problem_set(path: str | Path, layout: str = "stdio") -> ProblemSet:
    """The problems and solutions of ``path`` in ``layout`` (one of :data:`LAYOUTS`)."""
    readers = _readers()
    if layout not in readers:
        raise TableReadError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    return readers[layout](Path(path))
