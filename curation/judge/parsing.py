"""Strict parsing of judge answers.

A verdict counts only when the answer holds exactly one ``<verdict>…</verdict>`` tag whose
content, stripped of whitespace, is exactly ``A``, ``B`` or ``TIE``. Everything else is an
error with a named reason, never a guess: a lenient parser that read "Solution A is better"
or ``<verdict>a</verdict>`` would turn a judge's formatting failures into silent votes, and
the error share is part of the keep rule. The same rule applies to ratings (one
``<rating>`` tag holding an integer 1-5) and to the other tagged answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

Verdict = Literal["A", "B", "TIE"]
VERDICTS: tuple[str, ...] = ("A", "B", "TIE")
T = TypeVar("T")

# Why an answer did not yield a value; the run report counts each reason.
PARSE_ERRORS: tuple[str, ...] = (
    "empty",
    "missing_tag",
    "multiple_tags",
    "invalid_value",
    "request_failed",
)

# Words that give a planted bug away; an answer may not add them to the code.
BUG_HINT_WORDS: tuple[str, ...] = ("bug", "buggy", "wrong", "incorrect", "fixme", "mistake")

_FENCED_BLOCK = re.compile(r"^(`{3,})[^\n`]*\n(.*?)^\1[ \t]*$", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """One parsed answer: the value, or the reason it has none; and the text before the tag."""

    value: T | None
    error: str | None
    rationale: str

    @property
    def ok(self) -> bool:
        return self.error is None


def _tag_pattern(tag: str) -> re.Pattern[str]:
    return re.compile(rf"<{tag}>(.*?)</{tag}>", re.DOTALL)


_TAGS = {tag: _tag_pattern(tag) for tag in ("verdict", "rating", "instruction", "problem")}


def _single_tag(text: str | None, tag: str) -> tuple[str | None, str | None, str]:
    """Content of the one ``<tag>`` in ``text``: (content, error, rationale before it)."""
    if text is None or not text.strip():
        return None, "empty", ""
    matches = list(_TAGS[tag].finditer(text))
    opened = text.count(f"<{tag}>")
    if not matches:
        return None, "missing_tag", text.strip()
    if len(matches) > 1 or opened > 1:
        return None, "multiple_tags", text[: matches[0].start()].strip()
    match = matches[0]
    return match.group(1), None, text[: match.start()].strip()


def parse_verdict(text: str | None) -> Parsed[str]:
    """The verdict A, B or TIE of a pairwise answer, or the reason there is none."""
    content, error, rationale = _single_tag(text, "verdict")
    if error is not None:
        return Parsed(None, error, rationale)
    value = content.strip()
    if value not in VERDICTS:
        return Parsed(None, "invalid_value", rationale)
    return Parsed(value, None, rationale)


def parse_rating(text: str | None) -> Parsed[int]:
    """The 1-5 rating of a commit review, or the reason there is none."""
    content, error, rationale = _single_tag(text, "rating")
    if error is not None:
        return Parsed(None, error, rationale)
    value = content.strip()
    if value not in {"1", "2", "3", "4", "5"}:
        return Parsed(None, "invalid_value", rationale)
    return Parsed(int(value), None, rationale)


def parse_tagged_text(text: str | None, tag: str) -> Parsed[str]:
    """The non-empty text inside the one ``<instruction>`` or ``<problem>`` tag."""
    if tag not in ("instruction", "problem"):
        raise ValueError(f"no free-text answer tag {tag!r}")
    content, error, rationale = _single_tag(text, tag)
    if error is not None:
        return Parsed(None, error, rationale)
    value = content.strip()
    if not value:
        return Parsed(None, "invalid_value", rationale)
    return Parsed(value, None, rationale)


def parse_buggy_code(text: str | None, original: str) -> Parsed[str]:
    """The code of a bug-introduction answer: exactly one fenced block, different from
    ``original`` beyond whitespace, and adding no word that hints at the bug."""
    if text is None or not text.strip():
        return Parsed(None, "empty", "")
    blocks = _FENCED_BLOCK.findall(text)
    if not blocks:
        return Parsed(None, "missing_tag", text.strip())
    if len(blocks) > 1:
        return Parsed(None, "multiple_tags", "")
    code = blocks[0][1]
    if code.split() == original.split():
        return Parsed(None, "invalid_value", "unchanged")
    original_words = set(re.findall(r"[a-z]+", original.lower()))
    added_hints = [
        word
        for word in BUG_HINT_WORDS
        if word in re.findall(r"[a-z]+", code.lower()) and word not in original_words
    ]
    if added_hints:
        return Parsed(None, "invalid_value", f"hint words: {', '.join(added_hints)}")
    return Parsed(code, None, "")
