"""The response cache: key sensitivity, persistence across reopen, failures not stored."""

from __future__ import annotations

from curation.judge.cache import ResponseCache, cache_key
from curation.judge.requests import ChatRequest, Completion, Sampling


def make(content: str = "q", **sampling: object) -> ChatRequest:
    return ChatRequest.from_messages([{"role": "user", "content": content}], Sampling(**sampling))


def test_key_covers_model_messages_and_sampling():
    base = cache_key("m", make())
    assert base == cache_key("m", make())
    assert base != cache_key("other", make())
    assert base != cache_key("m", make("q2"))
    assert base != cache_key("m", make(n=4))
    assert base != cache_key("m", make(temperature=0.0))
    assert base != cache_key("m", make(top_p=0.9))
    assert base != cache_key("m", make(max_tokens=10))
    assert base != cache_key("m", make(seed=1))


def test_entries_survive_reopening(tmp_path):
    path = tmp_path / "out" / "cache.sqlite"
    with ResponseCache(path) as cache:
        cache.put("m", make(), Completion(texts=["x", "y"], prompt_tokens=3, completion_tokens=4))
        assert cache.get("m", make("other")) is None
    with ResponseCache(path) as cache:
        hit = cache.get("m", make())
        assert len(cache) == 1 and (cache.hits, cache.misses) == (1, 0)
    assert hit.texts == ["x", "y"] and hit.cached
    assert (hit.prompt_tokens, hit.completion_tokens) == (3, 4)


def test_failed_completions_are_not_stored(tmp_path):
    with ResponseCache(tmp_path / "c.sqlite") as cache:
        cache.put("m", make(), Completion(texts=["x"], error="HTTP 500"))
        assert len(cache) == 0 and cache.get("m", make()) is None
