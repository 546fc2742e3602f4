from __future__ import annotations

import pytest

from sandbox.api import Comparison, Status
from sandbox.api import TestCase as Case
from sandbox.checkers import (
    CheckerSpecError,
    ExactChecker,
    FloatChecker,
    ProgramChecker,
    TokensChecker,
    WhitespaceChecker,
    parse_checker,
)
from sandbox.verdicts import Observation, classify

# (checker spec, actual, expected) that must be accepted, then ones that must be rejected.
ACCEPTED = [
    ("exact", "3\n", "3\n"),
    ("whitespace", "3  \r\n\n\n", "3\n"),
    (None, "1 2\n", "1 2"),
    ("tokens", "1 2 3", "1\n2\n3\n"),
    ("tokens", "  a\tb\n", "a b"),
    ("float:1e-6", "2.25", "2.2500000001"),
    ("float:1e-6", "2.2500000001\n", "2.25"),
    ("float:1e-6", "YES 0.3333333", "YES 0.333333333"),
    ("float:1e-6", "1000000.5", "1000000.0000001"),  # relative: 0.5 <= 1e-6 x 1e6
    ("float:1e-3", "1e3", "1000.0005"),
]
REJECTED = [
    ("exact", "3", "3\n"),
    ("whitespace", "1 2 3", "1\n2\n3"),
    ("tokens", "1 2", "1 2 3"),
    ("tokens", "12 3", "1 23"),
    ("float:1e-6", "2.25", "2.2500101"),
    ("float:1e-6", "YES 2.25", "NO 2.25"),
    ("float:1e-6", "2.25 1", "2.25"),
    ("float:1e-6", "nan", "nan1"),
    ("float:1e-6", "nan", "0"),
    ("float:0", "0.1", "0.10000001"),
]


@pytest.mark.parametrize(("spec", "actual", "expected"), ACCEPTED)
def test_checkers_accept_equivalent_outputs(spec, actual, expected) -> None:
    assert parse_checker(spec).accepts(actual, expected)


@pytest.mark.parametrize(("spec", "actual", "expected"), REJECTED)
def test_checkers_reject_different_outputs(spec, actual, expected) -> None:
    assert not parse_checker(spec).accepts(actual, expected)


def test_parse_checker_spellings_and_errors() -> None:
    assert parse_checker(None) == WhitespaceChecker()
    assert parse_checker("exact") == ExactChecker()
    assert parse_checker(" tokens ") == TokensChecker()
    assert parse_checker("float:1e-6") == FloatChecker(1e-6)
    assert parse_checker("float:1e-6").spec == "float:1e-06"
    program = parse_checker("program:cpp", "int main(){}")
    assert program == ProgramChecker("Cpp", "int main(){}") and program.spec == "program:Cpp"
    for bad, message in [
        ("floats:1", "unknown checker"),
        ("float:abc", "must be a number"),
        ("float:-1", ">= 0"),
        ("float:inf", "finite"),
        ("program:Kotlin", "Kotlin"),
        ("exact:1", "unknown checker"),
    ]:
        with pytest.raises(CheckerSpecError, match=message):
            parse_checker(bad)
    with pytest.raises(CheckerSpecError, match="checker_code"):
        parse_checker("program:Python")


def test_classify_applies_a_tests_checker_over_the_runs_comparison() -> None:
    seen = Observation(exit_code=0, stdout="1\n2\n3\n")
    plain = Case("", "1 2 3\n")
    assert classify(seen, plain, Comparison.WHITESPACE) is Status.WRONG_ANSWER
    tokens = Case("", "1 2 3\n", checker=TokensChecker())
    assert classify(seen, tokens, Comparison.EXACT) is Status.OK
    # Resource and exit verdicts still come first.
    crashed = Observation(exit_code=1, stdout="1 2 3")
    assert classify(crashed, tokens, Comparison.EXACT) is Status.RUNTIME_ERROR
