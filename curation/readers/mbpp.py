"""Reader of MBPP-style files: ``task_id``, ``text``, ``code``, ``test_list``.

MBPP states a task in one sentence (``text``) and tests it with ``assert`` lines
(``test_list``, plus ``challenge_test_list`` and ``test_setup_code`` where present). The
problem is harness style: setup code and asserts follow the candidate. The sentence alone
does not name the function, so the prompt adds the first assert, as MBPP's own prompt
format does. ``code`` is the reference solution.
"""

from __future__ import annotations

from pathlib import Path

from curation.readers.problem_set import ProblemSet
from curation.readers.records import Problem, Solution
from curation.readers.tables import TableReadError, iter_rows

SOURCE = "mbpp"


def read_mbpp(path: Path) -> ProblemSet:
    found = ProblemSet()
    for index, row in enumerate(iter_rows(path)):
        where = f"{path}, row {index}"
        text = row.get("text") or row.get("prompt")
        tests = list(row.get("test_list") or []) + list(row.get("challenge_test_list") or [])
        if row.get("task_id") is None or not text or not tests:
            raise TableReadError(f"{where}: an MBPP row needs task_id, text and test_list")
        problem_id = f"mbpp/{row['task_id']}"
        setup = (row.get("test_setup_code") or "").strip()
        harness = "\n".join([setup, *tests] if setup else tests) + "\n"
        found.problems.append(
            Problem(
                id=problem_id,
                source=SOURCE,
                language="Python",
                prompt=f"{text}\nYour code should pass this test:\n{tests[0]}",
                harness=harness,
                group=problem_id,
            )
        )
        if row.get("code"):
            found.solutions.append(
                Solution(f"{problem_id}/reference", problem_id, "Python", row["code"], "reference")
            )
    return found
