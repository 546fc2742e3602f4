"""Output checkers: how a test's actual stdout is judged against its expected stdout.

A problem names its checker with a short spec, stored in the ``problems`` table's
``checker`` column and applied to every test of the problem:

- ``exact``: byte-for-byte equal;
- ``whitespace`` (the default): equal after dropping trailing spaces per line and trailing
  blank lines (``\\r\\n`` read as ``\\n``);
- ``tokens``: the whitespace-separated tokens are equal, so ``1 2 3`` and ``1\\n2\\n3``
  are the same answer;
- ``float:<tol>``: the tokens pair up, non-numeric tokens are equal, and numeric tokens
  are within ``tol`` absolutely *or* relatively (``|a - e| <= tol`` or
  ``|a - e| <= tol * |e|``), the rule of Codeforces' and testlib's ``rcmp`` checkers;
- ``program:<Language>``: a checker program in one of the 8 languages (the problem's
  ``checker_code``), compiled once and run in the sandbox (see
  :mod:`sandbox.checker_programs`).

The first four are pure functions, applied where the sandbox classifies a run
(:func:`sandbox.verdicts.classify`); a program checker cannot be, so it has no
:meth:`~OutputChecker.accepts` and is run as a program after the candidate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from curation.languages import UnknownLanguageError, normalize_language


class CheckerSpecError(ValueError):
    """A checker spec that names no checker, or a bad tolerance."""


class OutputChecker(Protocol):
    """Decides whether one test's output is accepted."""

    @property
    def spec(self) -> str: ...

    def accepts(self, actual: str, expected: str) -> bool: ...


def normalize_whitespace(text: str) -> str:
    """Trailing spaces of every line and trailing blank lines removed; ``\\r\\n`` -> ``\\n``."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


@dataclass(frozen=True)
class ExactChecker:
    spec: str = "exact"

    def accepts(self, actual: str, expected: str) -> bool:
        return actual == expected


@dataclass(frozen=True)
class WhitespaceChecker:
    spec: str = "whitespace"

    def accepts(self, actual: str, expected: str) -> bool:
        return normalize_whitespace(actual) == normalize_whitespace(expected)


@dataclass(frozen=True)
class TokensChecker:
    spec: str = "tokens"

    def accepts(self, actual: str, expected: str) -> bool:
        return actual.split() == expected.split()


def _number(token: str) -> float | None:
    try:
        value = float(token)
    except ValueError:
        return None
    # "nan" and "inf" are words here: a program that prints them did not compute a number.
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class FloatChecker:
    """Tokens equal, numbers within ``tolerance`` absolute or relative."""

    tolerance: float

    @property
    def spec(self) -> str:
        return f"float:{self.tolerance:g}"

    def accepts(self, actual: str, expected: str) -> bool:
        got, want = actual.split(), expected.split()
        if len(got) != len(want):
            return False
        for a, e in zip(got, want, strict=True):
            if a == e:
                continue
            x, y = _number(a), _number(e)
            if x is None or y is None:
                return False
            difference = abs(x - y)
            if difference > self.tolerance and difference > self.tolerance * abs(y):
                return False
        return True


@dataclass(frozen=True)
class ProgramChecker:
    """A checker program (testlib style): it gets the input, expected and actual output
    as files and exits 0 to accept. ``accepts`` is not available: it runs in the sandbox."""

    language: str
    source: str

    @property
    def spec(self) -> str:
        return f"program:{self.language}"


DEFAULT_CHECKER = "whitespace"
_SIMPLE: dict[str, OutputChecker] = {
    "exact": ExactChecker(),
    "whitespace": WhitespaceChecker(),
    "tokens": TokensChecker(),
}


def parse_checker(spec: str | None, code: str | None = None) -> OutputChecker | ProgramChecker:
    """The checker for ``spec`` (``None`` or empty: the default, ``whitespace``);
    ``code`` is the checker program's source for ``program:<Language>``."""
    spec = (spec or DEFAULT_CHECKER).strip()
    kind, _, argument = spec.partition(":")
    if kind in _SIMPLE and not argument:
        return _SIMPLE[kind]
    if kind == "float":
        try:
            tolerance = float(argument)
        except ValueError:
            raise CheckerSpecError(
                f"checker {spec!r}: the tolerance must be a number, e.g. float:1e-6"
            ) from None
        if not (math.isfinite(tolerance) and tolerance >= 0):
            raise CheckerSpecError(f"checker {spec!r}: the tolerance must be finite and >= 0")
        return FloatChecker(tolerance)
    if kind == "program":
        try:
            language = normalize_language(argument)
        except UnknownLanguageError as error:
            raise CheckerSpecError(f"checker {spec!r}: {error}") from None
        if not code or not code.strip():
            raise CheckerSpecError(f"checker {spec!r} needs the program's code (checker_code)")
        return ProgramChecker(language, code)
    raise CheckerSpecError(
        f"unknown checker {spec!r}; expected exact, whitespace, tokens, float:<tol> "
        "or program:<Language>"
    )
