"""Pairwise judging end to end against the loopback server: exact votes per order, the keep
decision, both orders, position bias, lost requests and the judgements table."""

from __future__ import annotations

import pytest

from curation.judge.backends.openai import OpenAIBackend, OpenAIConfig
from curation.judge.pairwise import BadPairError, PairJudge, PairToJudge
from curation.judge.protocol import JudgeProtocol, draw_order
from curation.schema import JUDGEMENTS, from_rows


def judge_for(url: str, **protocol: object) -> PairJudge:
    config = OpenAIConfig(base_url=url, model="judge-x", backoff_initial_s=0.01, max_retries=1)
    return PairJudge(OpenAIBackend(config), JudgeProtocol(**protocol))


def pairs(rows: list[dict]) -> list[PairToJudge]:
    return [PairToJudge.from_row(row) for row in rows]


def test_a_content_reading_judge_agrees_on_every_pair(scripted, pair_rows, content_judge):
    scripted.state.reset(lambda payload, index: {"text": content_judge(payload)})
    judge = judge_for(scripted.url)
    judgements = judge.judge(pairs(pair_rows))
    for judgement, row in zip(judgements, pair_rows, strict=True):
        assert judgement.pair_id == row["id"]
        assert judgement.votes.as_dict() == {"chosen": 8, "rejected": 0, "tie": 0, "error": 0}
        assert judgement.decision.keep and judgement.decision.reason == "agree"
        assert judgement.orders == (draw_order(row["id"]),)
        assert len(judgement.raw_responses) == 8 and judgement.rationales[0] == "The evaluation."
    assert len(scripted.state.calls) == len(pair_rows)
    assert {call["n"] for call in scripted.state.calls} == {8}
    report = judge.report()
    assert report["kept"] == 6 and report["decisions"] == {"agree": 6}
    assert report["votes"]["chosen"] == 48


def test_order_in_the_prompt_matches_the_recorded_order(scripted, pair_rows):
    judge = judge_for(scripted.url, samples=1)
    judgements = judge.judge(pairs(pair_rows))
    users = [call["messages"][-1]["content"] for call in scripted.state.calls]
    for judgement, row in zip(judgements, pair_rows, strict=True):
        [user] = [text for text in users if row["prompt"] in text]
        a_part = user.split("## Solution A", 1)[1].split("## Solution B", 1)[0]
        shown_first = row["chosen"] if judgement.orders == ("AB",) else row["rejected"]
        assert shown_first in a_part
    assert {j.orders[0] for j in judgements} == {"AB", "BA"}


def test_a_judge_that_always_says_a_is_caught_by_both_orders(scripted, pair_rows):
    judge = judge_for(scripted.url, both_orders=True)
    judgements = judge.judge(pairs(pair_rows))
    assert len(scripted.state.calls) == 2 * len(pair_rows)
    for judgement in judgements:
        assert set(judgement.orders) == {"AB", "BA"}
        assert judgement.votes.as_dict() == {"chosen": 8, "rejected": 8, "tie": 0, "error": 0}
        assert judgement.decision.reason == "no_majority"
        assert judgement.row()["order"] in ("AB,BA", "BA,AB")
    bias = judge.report()["position_bias"]
    assert bias["share_a"] == 1.0 and bias["binomial_p_value"] < 1e-20
    assert bias["order_flip_rate"] == 1.0 and bias["both_order_pairs"] == 6


def test_mixed_answers_give_exact_votes(scripted, pair_rows, content_judge):
    def answers(payload: dict, index: int) -> dict:
        right = content_judge(payload)
        wrong = content_judge(payload, prefer="rejected")
        return {"texts": [right] * 5 + [wrong, "<verdict>TIE</verdict>", "no tag at all"]}

    scripted.state.reset(answers)
    judge = judge_for(scripted.url)
    [judgement] = judge.judge(pairs(pair_rows[:1]))
    assert judgement.votes.as_dict() == {"chosen": 5, "rejected": 1, "tie": 1, "error": 1}
    assert judgement.decision.keep and judgement.decision.confidence == pytest.approx(5 / 7)
    assert judgement.row()["rating"] == pytest.approx(5 / 7)
    assert dict(judgement.parse_errors) == {"missing_tag": 1}


def test_malformed_answers_are_dropped_by_the_error_cap(scripted, pair_rows, content_judge):
    scripted.state.reset(
        lambda payload, index: {
            "texts": [content_judge(payload)] * 5 + ["<verdict>a</verdict>"] * 3
        }
    )
    judge = judge_for(scripted.url)
    [judgement] = judge.judge(pairs(pair_rows[:1]))
    assert judgement.votes.error == 3 and judgement.decision.reason == "too_many_errors"
    assert judge.report()["parse_errors"] == {"invalid_value": 3}


def test_failed_requests_count_as_errors_not_lost_rows(scripted, pair_rows, content_judge):
    failing = {pair_rows[1]["prompt"]}

    def answers(payload: dict, index: int) -> dict:
        if any(prompt in payload["messages"][-1]["content"] for prompt in failing):
            return {"status": 500}
        return {"text": content_judge(payload)}

    scripted.state.reset(answers)
    judge = judge_for(scripted.url)
    judgements = judge.judge(pairs(pair_rows[:3]))
    assert [j.pair_id for j in judgements] == [row["id"] for row in pair_rows[:3]]
    assert judgements[1].votes.as_dict() == {"chosen": 0, "rejected": 0, "tie": 0, "error": 8}
    assert judgements[1].decision.reason == "too_many_errors"
    assert judgements[1].parse_errors == {"request_failed": 8}
    assert judgements[0].decision.keep and judgements[2].decision.keep
    assert judge.report()["backend"]["failures"] == 1


def test_rows_validate_against_the_judgements_schema(scripted, pair_rows):
    judgements = judge_for(scripted.url, samples=2).judge(pairs(pair_rows))
    table = from_rows([j.row() for j in judgements], JUDGEMENTS, "judgements")
    assert table.num_rows == 6
    assert table.column("judge").to_pylist() == ["judge-x"] * 6
    assert table.column("votes").to_pylist()[0]["error"] == 0


def test_pair_rows_accept_aliases_and_name_bad_rows():
    row = {"idx": 7, "input": "p", "chosen": "a", "rejected": "b", "language": "C++"}
    pair = PairToJudge.from_row(row, aspect="readability")
    assert (pair.id, pair.prompt, pair.language, pair.aspect) == (
        "7",
        "p",
        "Cpp",
        "Readability_Maintainability",
    )
    both = {**row, "id": "canonical", "prompt": "canonical prompt"}
    assert PairToJudge.from_row(both, aspect="fc").id == "canonical"
    assert PairToJudge.from_row(both, aspect="fc").prompt == "canonical prompt"
    with pytest.raises(BadPairError, match=r"row 3: missing rejected, aspect"):
        PairToJudge.from_row(
            {"id": "x", "prompt": "p", "chosen": "a", "language": "C"}, where="row 3"
        )
    with pytest.raises(BadPairError, match=r"row 4 \(id x\): unknown language"):
        PairToJudge.from_row(
            {**row, "id": "x", "language": "Kotlin"}, aspect="security", where="row 4"
        )
