"""``curation/steps/mining_parses.py``: a file version shared by two commits is parsed once."""

from __future__ import annotations

import pickle

from curation.mining.filters import FilterConfig
from curation.steps.mining.filters import PARSED_NEW, SyntaxFilter, parse_reason
from curation.steps.mining.parses import ParseCache

V1 = "def f(x):\n    return x + 1\n"
V2 = "def f(x):\n    return x + 2\n"
V3 = "def f(x):\n    return x + 3\n"
BROKEN = "def f(x:\n    return x\n"


def test_newest_first_history_reuses_the_old_side_as_the_next_new_side(change_doc) -> None:
    step = SyntaxFilter()
    # git log order: the newer commit (V2 -> V3) first, then the one that made V2
    docs = [change_doc(V2, V3, "b"), change_doc(V1, V2, "a")]
    kept = list(step.run(iter(docs)))
    assert kept == docs
    assert step.parses.hits == 1
    assert kept[1].metadata[PARSED_NEW].data == V2.encode()
    assert step.stats.stats["parses_reused"].total == 1


def test_a_cached_failure_is_named_for_the_side_that_asks() -> None:
    cache = ParseCache(parse_reason)
    config = FilterConfig()
    assert cache.parse_reason("old", BROKEN, "Python", config) == (None, "old_parse_error")
    assert cache.parse_reason("new", BROKEN, "Python", config) == (None, "new_parse_error")
    assert cache.hits == 1


def test_the_cache_is_bounded_by_source_bytes_and_pickles_empty() -> None:
    cache = ParseCache(parse_reason, max_bytes=2 * len(V1))
    config = FilterConfig()
    for source in (V1, V2, V3):
        cache.parse_reason("new", source, "Python", config)
    cache.parse_reason("new", V1, "Python", config)  # evicted: parsed again
    assert cache.hits == 0
    cache.parse_reason("new", V1, "Python", config)
    assert cache.hits == 1
    copy = pickle.loads(pickle.dumps(cache))
    assert copy.hits == 0 and copy.parse_reason("new", V1, "Python", config)[0] is not None


def test_an_old_side_whose_new_side_is_cached_is_parsed_as_an_edit_of_it(change_doc) -> None:
    step = SyntaxFilter()
    edited_from: list[bytes | None] = []

    def recording_rule(side, source, language, config, previous=None):
        edited_from.append(None if previous is None else previous.data)
        return parse_reason(side, source, language, config, previous)

    step.parses = ParseCache(recording_rule)
    docs = [change_doc(V2, V3, "b"), change_doc(V1, V2, "a")]
    kept = list(step.run(iter(docs)))
    assert kept == docs
    # V2 fresh, V3 as an edit of V2, then V1 as an edit of the V2 already parsed
    assert edited_from == [None, V2.encode(), V2.encode()]
    fresh, _ = parse_reason("old", V1, "Python", FilterConfig())
    assert str(step.parses.parsed("Python", V1).tree.root_node) == str(fresh.tree.root_node)
