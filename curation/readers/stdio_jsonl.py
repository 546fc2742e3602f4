"""Reader of codepref's own stdin/stdout problem format (JSONL, one problem a line).

```json
{"id": "sum-two", "prompt": "Read two integers, print their sum.",
 "languages": ["Python", "Cpp", "Java"],
 "tests": [{"input": "1 2\n", "output": "3\n"}],
 "checker": "tokens",
 "solutions": [{"language": "Python", "code": "...", "correct": true}]}
```

``languages`` lists the languages the problem is posed in (default: those of its
solutions); each becomes one problem ``<id>/<Language>`` with the same tests and checker
and the group ``<id>``. ``checker`` is any spec of sandbox/checkers.py (default
``whitespace``; ``program:<Language>`` with ``checker_code``). A solution with
``correct: true`` is a ``reference``; ``correct: false`` is a known-wrong ``human``
submission (rejected side only); ``limits`` is the problems table's struct.
"""

from __future__ import annotations

import json
from pathlib import Path

from curation.languages import UnknownLanguageError, normalize_language
from curation.readers.problem_set import INCORRECT_KIND, ProblemSet
from curation.readers.records import Solution
from curation.readers.tables import TableReadError, iter_rows, problem_from_row


def read_stdio_jsonl(path: Path) -> ProblemSet:
    found = ProblemSet()
    seen: set[str] = set()
    for index, row in enumerate(iter_rows(path)):
        where = f"{path}, row {index}"
        base = row.get("id")
        if not base:
            raise TableReadError(f"{where}: missing 'id'")
        if not row.get("tests"):
            raise TableReadError(f"{where}: a stdin/stdout problem needs 'tests'")
        solutions = row.get("solutions") or []
        try:
            languages = [
                normalize_language(name)
                for name in row.get("languages") or [s.get("language", "") for s in solutions]
            ]
        except UnknownLanguageError as error:
            raise TableReadError(f"{where}: {error}") from None
        if not languages:
            raise TableReadError(f"{where}: give 'languages' or 'solutions'")
        for language in dict.fromkeys(languages):
            problem_id = f"{base}/{language}"
            if problem_id in seen:
                raise TableReadError(f"{where}: duplicate problem id {problem_id!r}")
            seen.add(problem_id)
            fields = {
                key: row.get(key)
                for key in ("prompt", "tests", "checker", "checker_code", "limits")
            }
            found.problems.append(
                problem_from_row(
                    {
                        **fields,
                        "id": problem_id,
                        "language": language,
                        "group": base,
                        "source": row.get("source") or "stdio",
                    },
                    where,
                )
            )
        for number, solution in enumerate(solutions):
            try:
                language = normalize_language(solution.get("language") or "")
            except UnknownLanguageError as error:
                raise TableReadError(f"{where}, solution {number}: {error}") from None
            if language not in languages:
                found.dropped["solution_in_unlisted_language"] += 1
                continue
            if not isinstance(solution.get("correct"), bool) or not solution.get("code"):
                raise TableReadError(f"{where}, solution {number}: needs code and correct: bool")
            correct = solution["correct"]
            found.solutions.append(
                Solution(
                    id=f"{base}/{language}/{'ref' if correct else 'wrong'}{number}",
                    problem_id=f"{base}/{language}",
                    language=language,
                    code=solution["code"],
                    origin="reference" if correct else "human",
                    meta=None if correct else json.dumps({"kind": INCORRECT_KIND}),
                )
            )
    return found
