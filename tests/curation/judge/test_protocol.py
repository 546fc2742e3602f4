"""The A/B protocol: seeded order, votes from positions, the keep rule, position bias."""

from __future__ import annotations

import pytest

from curation.judge.parsing import parse_verdict
from curation.judge.protocol import (
    KEEP_REASONS,
    JudgeProtocol,
    KeepRule,
    PositionBias,
    Votes,
    draw_order,
    orders_for,
    side_of,
    tally,
)


def test_order_depends_only_on_seed_and_id():
    ids = [f"pair-{i}" for i in range(2000)]
    first = [draw_order(i, seed=7) for i in ids]
    assert first == [draw_order(i, seed=7) for i in ids]
    assert first != [draw_order(i, seed=8) for i in ids]
    share_ab = first.count("AB") / len(first)
    assert 0.46 < share_ab < 0.54


def test_both_orders_start_with_the_drawn_one():
    for pair_id in ("x", "y", "z", "w"):
        first, second = orders_for(pair_id, seed=3, both_orders=True)
        assert first == draw_order(pair_id, seed=3) and {first, second} == {"AB", "BA"}
    assert orders_for("x", seed=3) == (draw_order("x", seed=3),)


@pytest.mark.parametrize(
    ("verdict", "order", "side"),
    [
        ("A", "AB", "chosen"),
        ("B", "AB", "rejected"),
        ("A", "BA", "rejected"),
        ("B", "BA", "chosen"),
        ("TIE", "AB", "tie"),
        ("TIE", "BA", "tie"),
    ],
)
def test_side_of(verdict, order, side):
    assert side_of(verdict, order) == side


def test_tally_maps_positions_to_sides_and_counts_errors():
    texts = ["<verdict>A</verdict>"] * 3 + ["<verdict>B</verdict>", "<verdict>TIE</verdict>"]
    texts += ["A", "<verdict>X</verdict>"]
    parsed = [parse_verdict(text) for text in texts]
    assert tally(parsed, "AB") == Votes(chosen=3, rejected=1, tie=1, error=2)
    assert tally(parsed, "BA", lost=1) == Votes(chosen=1, rejected=3, tie=1, error=3)


@pytest.mark.parametrize(
    ("votes", "keep", "reason"),
    [
        (Votes(8, 0, 0, 0), True, "agree"),
        (Votes(5, 3, 0, 0), True, "agree"),
        (Votes(4, 3, 1, 0), False, "no_majority"),  # 4 of 8 valid is not more than half
        (Votes(4, 0, 4, 0), False, "no_majority"),
        (Votes(5, 1, 0, 2), True, "agree"),  # 2 of 8 errors is the cap
        (Votes(5, 0, 0, 3), False, "too_many_errors"),
        (Votes(3, 3, 2, 0), False, "no_majority"),
        (Votes(1, 6, 1, 0), False, "judge_prefers_rejected"),
        (Votes(0, 0, 8, 0), False, "no_majority"),
        (Votes(0, 0, 0, 8), False, "too_many_errors"),
        (Votes(), False, "too_many_errors"),
    ],
)
def test_default_keep_rule(votes, keep, reason):
    decision = KeepRule().decide(votes)
    assert (decision.keep, decision.reason) == (keep, reason)
    assert decision.reason in KEEP_REASONS


def test_keep_rule_options():
    assert KeepRule(flip_rejected=True).decide(Votes(1, 6, 1, 0)).flipped
    assert KeepRule(min_share=0.7).decide(Votes(5, 3, 0, 0)).reason == "no_majority"
    assert KeepRule(min_share=0.7).decide(Votes(6, 2, 0, 0)).keep
    assert KeepRule(max_error_share=0.0).decide(Votes(7, 0, 0, 1)).reason == "too_many_errors"
    assert KeepRule(min_votes=3).decide(Votes(2, 0, 0, 0)).reason == "no_majority"
    assert KeepRule().decide(Votes(6, 2, 0, 0)).confidence == pytest.approx(0.75)
    with pytest.raises(ValueError):
        KeepRule(min_share=1.0)


def test_protocol_defaults_are_the_published_ones():
    protocol = JudgeProtocol()
    assert (protocol.samples, protocol.temperature, protocol.top_p) == (8, 0.8, 0.95)
    assert not protocol.both_orders
    with pytest.raises(ValueError):
        JudgeProtocol(samples=0)


def test_position_bias_report():
    bias = PositionBias()
    bias.add(
        [parse_verdict("<verdict>A</verdict>")] * 30 + [parse_verdict("<verdict>B</verdict>")] * 10
    )
    bias.add([parse_verdict("<verdict>TIE</verdict>"), parse_verdict("nonsense")])
    bias.add_order_pair(Votes(8, 0, 0, 0), Votes(0, 8, 0, 0))
    bias.add_order_pair(Votes(6, 2, 0, 0), Votes(7, 1, 0, 0))
    report = bias.report()
    assert (report["picks_a"], report["picks_b"], report["ties"], report["errors"]) == (
        30,
        10,
        1,
        1,
    )
    assert report["share_a"] == 0.75
    assert report["binomial_p_value"] == pytest.approx(0.00222, abs=1e-4)
    assert report["order_flip_rate"] == 0.5


def test_empty_position_bias_report():
    report = PositionBias().report()
    assert report["share_a"] is None and report["binomial_p_value"] is None
    assert report["order_flip_rate"] is None
