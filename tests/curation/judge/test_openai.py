"""The OpenAI-compatible backend against a real loopback server: samples, retries, backoff,
timeouts, failures, concurrency, order, authentication and the cache."""

from __future__ import annotations

import random
import time

import pytest

from curation.judge.backends.openai import OpenAIBackend, OpenAIConfig, normalize_base_url
from curation.judge.cache import ResponseCache
from curation.judge.requests import ChatRequest, Sampling


def request(text: str, n: int = 3) -> ChatRequest:
    return ChatRequest.from_messages(
        [{"role": "user", "content": text}], Sampling(n=n, temperature=0.8, top_p=0.95)
    )


def backend(url: str, **overrides: object) -> OpenAIBackend:
    settings = {"backoff_initial_s": 0.01, "backoff_max_s": 0.05, "max_retries": 3}
    settings.update(overrides)
    return OpenAIBackend(OpenAIConfig(base_url=url, model="judge-x", **settings))


def test_n_samples_come_from_one_call_with_the_protocol_parameters(scripted):
    scripted.state.reset(lambda payload, index: {"texts": ["a", "b", "c"]})
    [completion] = backend(scripted.url).generate([request("q")])
    assert completion.ok and completion.texts == ["a", "b", "c"]
    [call] = scripted.state.calls
    assert call["n"] == 3 and call["model"] == "judge-x"
    assert call["temperature"] == 0.8 and call["top_p"] == 0.95
    assert call["messages"] == [{"role": "user", "content": "q"}]
    assert completion.prompt_tokens == 10 and completion.completion_tokens == 15


def test_a_server_that_ignores_n_gets_follow_up_calls(scripted):
    scripted.state.reset(lambda payload, index: {"text": f"s{index}", "max_choices": 1})
    [completion] = backend(scripted.url).generate([request("q", n=4)])
    assert completion.texts == ["s0", "s1", "s2", "s3"]
    assert [call["n"] for call in scripted.state.calls] == [4, 3, 2, 1]


def test_max_n_per_request_splits_the_samples(scripted):
    [completion] = backend(scripted.url, max_n_per_request=2).generate([request("q", n=5)])
    assert len(completion.texts) == 5
    assert [call["n"] for call in scripted.state.calls] == [2, 2, 1]


def test_429_and_500_are_retried_then_succeed(scripted):
    statuses = {0: 429, 1: 500, 2: 503}
    scripted.state.reset(lambda payload, index: {"status": statuses.get(index, 200)})
    judge = backend(scripted.url)
    [completion] = judge.generate([request("q")])
    assert completion.ok and len(completion.texts) == 3
    assert len(scripted.state.calls) == 4
    assert judge.stats.retries == 3 and judge.stats.http_calls == 4 and judge.stats.failures == 0


def test_retries_exhausted_gives_an_error_completion_not_an_exception(scripted):
    scripted.state.reset(lambda payload, index: {"status": 500})
    judge = backend(scripted.url, max_retries=2)
    [completion] = judge.generate([request("q")])
    assert not completion.ok and completion.texts == []
    assert "gave up after 3 attempts: HTTP 500" in completion.error
    assert len(scripted.state.calls) == 3 and judge.stats.failures == 1


def test_client_errors_are_not_retried(scripted):
    scripted.state.reset(lambda payload, index: {"status": 400})
    [completion] = backend(scripted.url).generate([request("q")])
    assert completion.error.startswith("HTTP 400") and len(scripted.state.calls) == 1


def test_slow_response_times_out_and_is_retried(scripted):
    scripted.state.reset(lambda payload, index: {"delay_s": 2.0 if index == 0 else 0.0})
    judge = backend(scripted.url, timeout_s=0.3)
    [completion] = judge.generate([request("q")])
    assert completion.ok and len(scripted.state.calls) == 2 and judge.stats.retries == 1


def test_always_slow_server_fails_with_a_timeout_error(scripted):
    scripted.state.reset(lambda payload, index: {"delay_s": 1.0})
    [completion] = backend(scripted.url, timeout_s=0.2, max_retries=1).generate([request("q")])
    assert "timed out after 0.2 s" in completion.error


def test_malformed_json_is_retried(scripted):
    scripted.state.reset(lambda payload, index: {"raw_body": "{not json"} if index == 0 else {})
    [completion] = backend(scripted.url).generate([request("q")])
    assert completion.ok and len(scripted.state.calls) == 2


def test_response_without_choices_is_an_error(scripted):
    scripted.state.reset(lambda payload, index: {"raw_body": '{"choices": []}'})
    [completion] = backend(scripted.url).generate([request("q")])
    assert completion.error == "response has no choices"


def test_concurrency_is_bounded_and_order_is_kept(scripted):
    scripted.state.reset(
        lambda payload, index: {"text": payload["messages"][0]["content"], "delay_s": 0.05}
    )
    requests = [request(f"q{i}", n=1) for i in range(24)]
    completions = backend(scripted.url, concurrency=4).generate(requests)
    assert [c.texts[0] for c in completions] == [f"q{i}" for i in range(24)]
    assert scripted.state.max_in_flight == 4


def test_api_key_is_sent_as_bearer_token(scripted):
    backend(scripted.url, api_key="sk-test").generate([request("q", n=1)])
    assert scripted.state.headers[0]["authorization"] == "Bearer sk-test"


def test_cache_hits_skip_the_server(scripted, tmp_path):
    requests = [request("q1"), request("q2")]
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        first = backend(scripted.url).generate(requests, cache=cache)
        assert len(scripted.state.calls) == 2
        judge = backend(scripted.url)
        again = judge.generate(requests, cache=cache)
    assert len(scripted.state.calls) == 2 and judge.stats.cache_hits == 2
    assert [c.texts for c in again] == [c.texts for c in first]
    assert all(c.cached for c in again)


def test_failed_requests_are_not_cached(scripted, tmp_path):
    scripted.state.reset(lambda payload, index: {"status": 500})
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        backend(scripted.url, max_retries=0).generate([request("q")], cache=cache)
        assert len(cache) == 0


def test_progress_is_reported_once_per_request(scripted):
    done = []
    backend(scripted.url).generate([request(f"q{i}") for i in range(5)], progress=done.append)
    assert sum(done) == 5


def test_backoff_is_full_jitter_capped_and_honours_retry_after():
    judge = OpenAIBackend(
        OpenAIConfig(backoff_initial_s=1.0, backoff_max_s=8.0), rng=random.Random(1)
    )
    delays = [judge.backoff(attempt) for attempt in range(10) for _ in range(50)]
    assert all(0 <= delay <= 8.0 for delay in delays)
    assert max(judge.backoff(0) for _ in range(200)) <= 1.0
    assert judge.backoff(0, retry_after=5.0) >= 5.0
    assert judge.backoff(0, retry_after=100.0) == 8.0


def test_retry_after_header_is_waited(scripted):
    scripted.state.reset(
        lambda payload, index: (
            {"status": 429, "headers": {"Retry-After": "0.3"}} if index == 0 else {}
        )
    )
    judge = backend(scripted.url, backoff_max_s=1.0)
    start = time.monotonic()
    judge.generate([request("q")])
    assert time.monotonic() - start >= 0.3  # the jittered backoff alone is <= 0.01 s
    assert len(scripted.state.calls) == 2


def test_config_from_environment(monkeypatch):
    monkeypatch.setenv("CODEPREF_JUDGE_URL", "http://10.0.0.1:8000")
    monkeypatch.setenv("CODEPREF_JUDGE_MODEL", "qwen")
    monkeypatch.delenv("CODEPREF_JUDGE_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    config = OpenAIConfig.from_env(concurrency=8)
    assert config.chat_url == "http://10.0.0.1:8000/v1/chat/completions"
    assert (config.model, config.concurrency) == ("qwen", 8)
    assert config.api_key.reveal() == "sk-env" and config.api_key.env == "OPENAI_API_KEY"
    assert OpenAIConfig.from_env(model="other", base_url=None).model == "other"


def test_config_without_endpoint_names_the_variables(monkeypatch):
    for name in ("CODEPREF_JUDGE_URL", "OPENAI_BASE_URL", "CODEPREF_JUDGE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="CODEPREF_JUDGE_URL"):
        OpenAIConfig.from_env(model="m")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://host:8000", "http://host:8000/v1"),
        ("http://host:8000/", "http://host:8000/v1"),
        ("https://api.example.com/v1/", "https://api.example.com/v1"),
        ("https://example.com/openai/v1", "https://example.com/openai/v1"),
    ],
)
def test_base_url_normalisation(url, expected):
    assert normalize_base_url(url) == expected


def test_bad_config_values_are_rejected():
    with pytest.raises(ValueError, match="not an http"):
        OpenAIConfig(base_url="localhost:8000")
    with pytest.raises(ValueError, match="concurrency"):
        OpenAIConfig(concurrency=0)
