"""Reader of HumanEval-style files: ``task_id``, ``prompt``, ``entry_point``, ``test``.

The OpenAI HumanEval layout (and its descendants: HumanEval+, MultiPL-E's Python rows):
``prompt`` opens a Python function with its docstring, ``canonical_solution`` (optional)
closes it, and ``test`` defines ``check(candidate)``. The problem is harness style: the
harness is the test followed by ``check(<entry_point>)``, so a candidate passes when the
whole program exits 0.
"""

from __future__ import annotations

from pathlib import Path

from curation.readers.problem_set import ProblemSet
from curation.readers.records import Problem, Solution
from curation.readers.tables import TableReadError, iter_rows

SOURCE = "humaneval"


def read_humaneval_style(path: Path) -> ProblemSet:
    found = ProblemSet()
    for index, row in enumerate(iter_rows(path)):
        where = f"{path}, row {index}"
        missing = [k for k in ("task_id", "prompt", "entry_point", "test") if not row.get(k)]
        if missing:
            raise TableReadError(f"{where}: missing {', '.join(missing)}")
        task_id, entry_point = str(row["task_id"]), str(row["entry_point"])
        found.problems.append(
            Problem(
                id=task_id,
                source=row.get("source") or SOURCE,
                language="Python",
                prompt=row["prompt"],
                harness=f"{row['test'].rstrip()}\n\ncheck({entry_point})\n",
                entry_point=entry_point,
                group=task_id,
            )
        )
        if row.get("canonical_solution"):
            found.solutions.append(
                Solution(
                    id=f"{task_id}/canonical",
                    problem_id=task_id,
                    language="Python",
                    code=row["prompt"] + row["canonical_solution"],
                    origin="reference",
                )
            )
    return found
