"""Conformance on real data: HumanEval-X (C++, Java, Python; 164 problems each).

Every canonical solution passes, in both backends; every problem with its canonical body
replaced by a wrong return (or removed, where the prompt does not end inside the function)
fails. Python runs all 164 problems; C++ and Java (one compile each, ~0.7 and ~1.3 s of
CPU) run every 8th problem to keep the suite inside its time budget, and all 164 with
``CODEPREF_FULL_CONFORMANCE=1``.
"""

from __future__ import annotations

import os
import re

import pytest

from sandbox import Job, Program, Status

from .conftest import load_humaneval_x

FILES = {"Python": "python", "Cpp": "cpp", "Java": "java"}
FULL = os.environ.get("CODEPREF_FULL_CONFORMANCE") == "1"
STRIDE = {"Python": 1, "Cpp": 1 if FULL else 8, "Java": 1 if FULL else 8}
_JAVA_RETURN_TYPE = re.compile(r"([\w<>\[\], ]+?)\s+\w+\s*\([^)]*\)\s*(?:throws [\w., ]+)?\{\s*$")
_JAVA_DEFAULTS = {"int": "0", "long": "0", "double": "0", "float": "0", "boolean": "false"}


def wrong_body(language: str, prompt: str) -> str:
    """A body returning a default value (None, ``{}``, 0, false, "" or null)."""
    if language == "Python":
        return "    return None\n"
    if not prompt.rstrip().endswith("{"):
        return ""  # no function open at the end of the prompt: the body is removed
    if language == "Cpp":
        return "    return {};\n}\n"
    found = _JAVA_RETURN_TYPE.search(prompt.rstrip())
    kind = found.group(1).split()[-1] if found else "Object"
    value = _JAVA_DEFAULTS.get(kind, '""' if kind == "String" else "null")
    return f"        return {value};\n    }}\n}}\n"


def test_wrong_bodies_are_well_formed():
    java = "class Solution {\n    public boolean isPrime(int n) {\n"
    assert wrong_body("Java", java) == "        return false;\n    }\n}\n"
    assert "return null" in wrong_body("Java", "    public List<Integer> f(int n) {\n")
    assert wrong_body("Cpp", "int f(int n){\n") == "    return {};\n}\n"
    assert wrong_body("Cpp", "/* no function */") == ""


@pytest.fixture(scope="module", params=list(FILES))
def problems(request, shared_data):
    language = request.param
    loaded = load_humaneval_x(shared_data / "humaneval-x" / f"{FILES[language]}.jsonl.gz", language)
    assert len(loaded) == 164
    return loaded[:: STRIDE[language]]


@pytest.mark.slow
def test_canonical_solutions_pass_and_wrong_bodies_fail(sandbox, problems):
    language = problems[0].language
    good = [Job(Program(language, p.program())) for p in problems]
    bad = [Job(Program(language, p.program(wrong_body(language, p.prompt)))) for p in problems]
    results = sandbox.run_many(good + bad, workers=2, progress=False)
    passed, failed = results[: len(good)], results[len(good) :]
    not_passing = {
        p.task_id: (r.status.value, r.stderr_tail[-300:])
        for p, r in zip(problems, passed, strict=True)
        if not r.passed
    }
    assert not_passing == {}
    assert [p.task_id for p, r in zip(problems, failed, strict=True) if r.passed] == []
    assert all(r.status is not Status.SANDBOX_ERROR for r in failed)
