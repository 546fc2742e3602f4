"""Commit review ratings against the loopback server."""

from __future__ import annotations

import pytest

from curation.judge.backends.openai import OpenAIBackend, OpenAIConfig
from curation.judge.requests import Sampling
from curation.judge.review import BadCommitError, CommitReviewer, CommitToReview, unified_diff
from curation.schema import JUDGEMENTS, from_rows

OLD = "def area(r):\n    return 3.14 * r * r\n"
NEW = "import math\n\n\ndef area(r):\n    return math.pi * r * r\n"


def commit_row(commit_id: str, **extra: object) -> dict:
    return {
        "id": commit_id,
        "language": "Python",
        "path": "geo.py",
        "message": f"Use math.pi ({commit_id})",
        "old_contents": OLD,
        "new_contents": NEW,
        "aspects": ["Functional_Correctness"],
        **extra,
    }


def reviewer(url: str, **kwargs: object) -> CommitReviewer:
    config = OpenAIConfig(base_url=url, model="reviewer", backoff_initial_s=0.01)
    return CommitReviewer(OpenAIBackend(config), **kwargs)


def test_ratings_keep_only_significant_changes(scripted):
    ratings = {"c1": "<rating>5</rating>", "c2": "<rating>2</rating>", "c3": "five"}

    def answer(payload: dict, index: int) -> dict:
        user = payload["messages"][-1]["content"]
        return {"text": next(text for cid, text in ratings.items() if f"({cid})" in user)}

    scripted.state.reset(answer)
    review = reviewer(scripted.url)
    commits = [CommitToReview.from_row(commit_row(cid)) for cid in ratings]
    results = review.rate(commits)
    assert [r.rating for r in results] == [5.0, 2.0, None]
    assert [review.keeps(r) for r in results] == [True, False, False]
    assert review.outcomes == {"kept": 1, "below_min_rating": 1, "no_valid_rating": 1}
    assert results[2].parse_errors == {"missing_tag": 1}
    call = scripted.state.calls[0]
    assert (call["n"], call["temperature"]) == (1, 0.0)
    table = from_rows([r.row() for r in results], JUDGEMENTS, "judgements")
    assert table.column("rating").to_pylist() == [5.0, 2.0, None]


def test_several_samples_are_averaged(scripted):
    scripted.state.reset(
        lambda payload, index: {"texts": ["<rating>4</rating>", "<rating>5</rating>", "?"]}
    )
    review = reviewer(scripted.url, sampling=Sampling(n=3), min_rating=4.5)
    [result] = review.rate([CommitToReview.from_row(commit_row("c"))])
    assert result.ratings == [4, 5] and result.rating == 4.5 and review.keeps(result)


def test_commit_rows_get_a_diff_and_an_aspect():
    commit = CommitToReview.from_row(commit_row("c"))
    assert commit.aspect == "Functional_Correctness"
    assert commit.diff.startswith("--- a/geo.py\n+++ b/geo.py\n")
    assert "+    return math.pi * r * r" in commit.diff
    assert "Use math.pi (c)" in commit.request().messages[1][1]
    assert CommitToReview.from_row(commit_row("c"), aspect="memory").aspect == "Memory_Efficiency"
    assert unified_diff("a\n", "a\n") == ""


def test_bad_commit_rows_are_named():
    with pytest.raises(BadCommitError, match="row 9: missing aspect"):
        CommitToReview.from_row(commit_row("c", aspects=[]), where="row 9")
    with pytest.raises(BadCommitError, match="missing old_contents"):
        CommitToReview.from_row(commit_row("c", old_contents=None))
