"""Aspect tagging (``curation/aspects/tagger.py``)."""

from __future__ import annotations

import pytest

from curation.aspects import AspectClassifier, TermTagger


@pytest.mark.parametrize(
    ("subject", "aspects"),
    [
        ("Fix SQL injection in the login form", ["Security_Hardness"]),
        ("Speed up parsing by caching compiled patterns", ["Runtime_Efficiency"]),
        ("Fix memory leak in the connection pool", ["Memory_Efficiency"]),
        ("Refactor the router for readability", ["Readability_Maintainability"]),
        ("Fix off-by-one in pagination", ["Functional_Correctness"]),
        (
            "Optimize allocation and fix a crash on empty input",
            ["Functional_Correctness", "Runtime_Efficiency", "Memory_Efficiency"],
        ),
        ("Bump version to 1.2.3", []),
    ],
)
def test_default_terms(subject: str, aspects: list[str]) -> None:
    assert TermTagger().classify(subject, subject) == aspects


def test_message_body_counts_and_case_is_ignored() -> None:
    tagger = TermTagger()
    assert tagger.classify("Tweak login", "Tweak login\n\nPrevents XSS in the form.") == [
        "Security_Hardness"
    ]
    assert tagger.matches("Harden input validation", "") == {
        "Security_Hardness": ["harden", "input validation"]
    }


def test_custom_terms_and_aliases() -> None:
    tagger = TermTagger({"security": ["tls"], "Runtime_Efficiency": ["fast path"]})
    assert tagger.classify("Enable TLS on the fast path", "") == [
        "Runtime_Efficiency",
        "Security_Hardness",
    ]


def test_classifier_interface() -> None:
    class Always:
        name = "always"

        def classify(self, subject: str, message: str, diff: str | None = None) -> list[str]:
            return ["Functional_Correctness"]

    assert isinstance(TermTagger(), AspectClassifier)
    assert isinstance(Always(), AspectClassifier)
