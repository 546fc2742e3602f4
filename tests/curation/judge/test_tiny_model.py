"""The whole judging path on real tokens: a tiny randomly initialised Llama with a real
WordPiece tokenizer behind the loopback OpenAI-compatible server."""

from __future__ import annotations

import pytest

from curation.judge.backends.openai import OpenAIBackend, OpenAIConfig
from curation.judge.cache import ResponseCache
from curation.judge.pairwise import PairJudge, PairToJudge
from curation.judge.parsing import parse_verdict
from curation.judge.protocol import JudgeProtocol
from curation.judge.review import CommitReviewer, CommitToReview

# One worker builds the tiny model and runs both tests.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("tiny_lm")]


def test_judging_real_generations_is_strict_and_cached(tiny_lm_server, pair_rows, tmp_path):
    server, model = tiny_lm_server
    server.state.calls.clear()
    protocol = JudgeProtocol(samples=3, max_tokens=12)
    pairs = [PairToJudge.from_row(row) for row in pair_rows[:2]]
    config = OpenAIConfig(base_url=server.url, model="tiny-llama", concurrency=2, max_retries=0)
    tokens_before = model.generated_tokens
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        judge = PairJudge(OpenAIBackend(config), protocol, cache)
        judgements = judge.judge(pairs)
        assert model.generated_tokens - tokens_before >= 2 * 3 * 4  # min_new_tokens=4
        for judgement in judgements:
            assert judgement.votes.total == 3 and len(judgement.raw_responses) == 3
            assert all(isinstance(text, str) and text.strip() for text in judgement.raw_responses)
            unparsed = sum(not parse_verdict(text).ok for text in judgement.raw_responses)
            assert judgement.votes.error == unparsed
        assert judge.report()["backend"]["completion_tokens"] > 0
        calls = len(server.state.calls)
        assert calls == 2 and {c["n"] for c in server.state.calls} == {3}

        again = PairJudge(OpenAIBackend(config), protocol, cache).judge(pairs)
    assert len(server.state.calls) == calls
    assert [j.raw_responses for j in again] == [j.raw_responses for j in judgements]


def test_commit_review_on_real_generations(tiny_lm_server):
    server, _ = tiny_lm_server
    config = OpenAIConfig(base_url=server.url, model="tiny-llama", max_retries=0)
    reviewer = CommitReviewer(OpenAIBackend(config))
    commit = CommitToReview.from_row(
        {
            "id": "c1",
            "language": "Go",
            "aspect": "Memory_Efficiency",
            "message": "Preallocate the slice",
            "old_contents": "package m\n\nfunc f(n int) []int {\n\tvar s []int\n\treturn s\n}\n",
            "new_contents": "package m\n\nfunc f(n int) []int {\n\treturn make([]int, 0, n)\n}\n",
        }
    )
    [rating] = reviewer.rate([commit])
    assert len(rating.raw_responses) == 1
    assert sum(reviewer.outcomes.values()) == 1
    assert (rating.rating is None) == bool(rating.parse_errors)
