"""Judging through datatrove's InferenceRunner against the loopback server."""

from __future__ import annotations

import json

import pytest
from datatrove.pipeline.writers import JsonlWriter

from curation.judge.inference import (
    endpoint_inference_config,
    judge_runner,
    judgements_from_documents,
    pair_documents,
)
from curation.judge.pairwise import PairToJudge, VoteCounter
from curation.judge.protocol import JudgeProtocol


def run_runner(scripted, pair_rows, tmp_path, protocol):
    config = endpoint_inference_config(scripted.url, "judge-x", protocol, concurrency=8)
    runner = judge_runner(config, protocol, JsonlWriter(str(tmp_path / "out"), compression=None))
    documents = list(pair_documents([PairToJudge.from_row(r) for r in pair_rows], protocol))
    runner.run(documents, rank=0)
    [path] = (tmp_path / "out").glob("*.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_runner_rollouts_become_exact_votes(scripted, pair_rows, tmp_path, content_judge):
    scripted.state.reset(lambda payload, index: {"text": content_judge(payload)})
    protocol = JudgeProtocol(samples=4)
    written = run_runner(scripted, pair_rows, tmp_path, protocol)
    assert len(written) == len(pair_rows)
    assert len(scripted.state.calls) == 4 * len(pair_rows)
    call = scripted.state.calls[0]
    assert (call["n"], call["temperature"], call["top_p"], call["model"]) == (
        1,
        0.8,
        0.95,
        "judge-x",
    )
    counter = VoteCounter(protocol)
    judgements = judgements_from_documents(written, "judge-x", protocol, counter)
    assert sorted(j.pair_id for j in judgements) == sorted(r["id"] for r in pair_rows)
    for judgement in judgements:
        assert judgement.votes.as_dict() == {"chosen": 4, "rejected": 0, "tie": 0, "error": 0}
        assert judgement.decision.reason == "agree"
    assert counter.report()["kept"] == len(pair_rows)


def test_runner_with_both_orders_exposes_position_bias(scripted, pair_rows, tmp_path):
    protocol = JudgeProtocol(samples=2, both_orders=True)
    written = run_runner(scripted, pair_rows[:3], tmp_path, protocol)
    assert len(written) == 6
    counter = VoteCounter(protocol)
    judgements = judgements_from_documents(written, "judge-x", protocol, counter)
    assert len(judgements) == 3
    for judgement in judgements:
        assert sorted(judgement.orders) == ["AB", "BA"]
        assert judgement.votes.as_dict() == {"chosen": 2, "rejected": 2, "tie": 0, "error": 0}
    report = counter.report()["position_bias"]
    assert report["share_a"] == 1.0 and report["order_flip_rate"] == 1.0


def test_endpoint_config_strips_v1_and_asks_one_sample_per_rollout():
    config = endpoint_inference_config("http://h:8000/v1/", "m", JudgeProtocol(samples=5))
    assert config.endpoint_url == "http://h:8000"
    assert config.rollouts_per_document == 5 and config.default_generation_params == {"n": 1}


def test_runner_needs_one_rollout_per_sample(tmp_path):
    config = endpoint_inference_config("http://h:8000", "m", JudgeProtocol(samples=4))
    with pytest.raises(ValueError, match="must equal the protocol's samples"):
        judge_runner(config, JudgeProtocol(samples=8), JsonlWriter(str(tmp_path)))


def test_requests_that_fail_in_the_runner_count_as_errors(scripted, pair_rows, tmp_path):
    scripted.state.reset(lambda payload, index: {"status": 404})
    protocol = JudgeProtocol(samples=2)
    written = run_runner(scripted, pair_rows[:1], tmp_path, protocol)
    [judgement] = judgements_from_documents(written, "judge-x", protocol)
    assert judgement.votes.as_dict() == {"chosen": 0, "rejected": 0, "tie": 0, "error": 2}
    assert judgement.parse_errors == {"request_failed": 2}
