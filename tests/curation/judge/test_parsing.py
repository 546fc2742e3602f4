"""Strict parsing: exactly one tag with exactly A, B or TIE (or a 1-5 rating); all else is
an error with a named reason."""

from __future__ import annotations

import pytest

from curation.judge.parsing import (
    PARSE_ERRORS,
    parse_buggy_code,
    parse_rating,
    parse_tagged_text,
    parse_verdict,
)


@pytest.mark.parametrize(
    ("text", "value", "error"),
    [
        ("A is cleaner.\n<verdict>A</verdict>", "A", None),
        ("<verdict>B</verdict>", "B", None),
        ("Equal.\n<verdict> TIE \n</verdict>\n", "TIE", None),
        ("<verdict>a</verdict>", None, "invalid_value"),
        ("<verdict>tie</verdict>", None, "invalid_value"),
        ("<verdict>A or B</verdict>", None, "invalid_value"),
        ("<verdict>Solution A</verdict>", None, "invalid_value"),
        ("<verdict></verdict>", None, "invalid_value"),
        ("Solution A is better.", None, "missing_tag"),
        ("<verdict>A", None, "missing_tag"),
        ("[[A]]", None, "missing_tag"),
        ("<verdict>A</verdict> no wait <verdict>B</verdict>", None, "multiple_tags"),
        ("<verdict>A</verdict><verdict>A</verdict>", None, "multiple_tags"),
        ("<verdict><verdict>A</verdict>", None, "multiple_tags"),
        ("", None, "empty"),
        ("   \n", None, "empty"),
        (None, None, "empty"),
    ],
)
def test_verdicts(text, value, error):
    parsed = parse_verdict(text)
    assert (parsed.value, parsed.error) == (value, error)
    assert parsed.ok is (error is None)
    assert error is None or error in PARSE_ERRORS


def test_rationale_is_the_text_before_the_tag():
    parsed = parse_verdict("B leaks a file handle.\n\n<verdict>A</verdict>")
    assert parsed.rationale == "B leaks a file handle."


@pytest.mark.parametrize(
    ("text", "value", "error"),
    [
        ("Big win.\n<rating>5</rating>", 5, None),
        ("<rating> 1 </rating>", 1, None),
        ("<rating>0</rating>", None, "invalid_value"),
        ("<rating>6</rating>", None, "invalid_value"),
        ("<rating>4.5</rating>", None, "invalid_value"),
        ("<rating>four</rating>", None, "invalid_value"),
        ("rating: 4", None, "missing_tag"),
        ("<rating>3</rating><rating>4</rating>", None, "multiple_tags"),
    ],
)
def test_ratings(text, value, error):
    parsed = parse_rating(text)
    assert (parsed.value, parsed.error) == (value, error)


def test_tagged_text():
    assert parse_tagged_text(
        "<instruction>\n Sort a list.\n</instruction>", "instruction"
    ).value == ("Sort a list.")
    assert parse_tagged_text("<problem> </problem>", "problem").error == "invalid_value"
    assert parse_tagged_text("Sort a list.", "instruction").error == "missing_tag"
    with pytest.raises(ValueError, match="no free-text answer tag"):
        parse_tagged_text("x", "verdict")


ORIGINAL = "def add(a, b):\n    return a + b\n"


def test_buggy_code_is_the_single_fenced_block():
    parsed = parse_buggy_code("```python\ndef add(a, b):\n    return a - b\n```", ORIGINAL)
    assert parsed.value == "def add(a, b):\n    return a - b\n"


def test_buggy_code_with_a_longer_fence_containing_backticks():
    text = "````python\ndef add(a, b):\n    s = '```'\n    return a - b\n````\n"
    assert parse_buggy_code(text, ORIGINAL).value.startswith("def add(a, b):\n    s = '```'")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("```python\ndef add(a, b):\n    return a + b\n```", "invalid_value"),
        ("```python\ndef add(a,  b):\n  return a + b\n```", "invalid_value"),
        ("```python\ndef add(a, b):\n    return a - b  # bug here\n```", "invalid_value"),
        ("```python\ndef add(a, b):\n    wrong = a - b\n    return wrong\n```", "invalid_value"),
        ("```python\na\n```\n```python\nb\n```", "multiple_tags"),
        ("def add(a, b): return a - b", "missing_tag"),
        ("", "empty"),
    ],
)
def test_buggy_code_rejections(text, error):
    assert parse_buggy_code(text, ORIGINAL).error == error


def test_hint_words_already_in_the_original_are_allowed():
    original = "def wrong_count(xs):\n    return len(xs)\n"
    text = "```python\ndef wrong_count(xs):\n    return len(xs) - 1\n```"
    assert parse_buggy_code(text, original).ok
