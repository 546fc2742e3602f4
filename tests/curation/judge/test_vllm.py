"""The offline vLLM backend: everything around the engine here; the engine itself only
where vllm and a GPU exist."""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import ClassVar

import pytest

from curation.judge.backends import OpenAIConfig, VLLMConfig, make_backend
from curation.judge.backends.openai import OpenAIBackend
from curation.judge.backends.vllm import VLLMBackend, group_by_sampling, sampling_kwargs
from curation.judge.cache import ResponseCache
from curation.judge.requests import ChatRequest, Completion, Sampling

HAS_VLLM = importlib.util.find_spec("vllm") is not None


def make(content: str, sampling: Sampling) -> ChatRequest:
    return ChatRequest.from_messages([{"role": "user", "content": content}], sampling)


def test_sampling_kwargs():
    assert sampling_kwargs(Sampling()) == {
        "n": 8,
        "temperature": 0.8,
        "top_p": 0.95,
        "max_tokens": 1024,
    }
    assert sampling_kwargs(Sampling(n=1, seed=3))["seed"] == 3


def test_requests_are_grouped_by_sampling_in_first_seen_order():
    judge, review = Sampling(), Sampling(n=1, temperature=0.0)
    requests = [make("a", judge), make("b", review), make("c", judge), make("d", review)]
    groups = group_by_sampling(requests, [0, 1, 2, 3])
    assert list(groups) == [judge, review]
    assert groups[judge] == [0, 2] and groups[review] == [1, 3]
    assert group_by_sampling(requests, [3]) == {review: [3]}


def test_llm_kwargs_pass_engine_options_through():
    config = VLLMConfig(
        model="Qwen/Qwen3-8B",
        tensor_parallel_size=2,
        max_model_len=8192,
        engine_kwargs={"enforce_eager": True},
    )
    kwargs = config.llm_kwargs()
    assert kwargs["model"] == "Qwen/Qwen3-8B" and kwargs["tensor_parallel_size"] == 2
    assert kwargs["max_model_len"] == 8192 and kwargs["enforce_eager"] is True
    with pytest.raises(ValueError, match="needs a model"):
        VLLMConfig()


def test_make_backend_picks_by_config():
    assert isinstance(make_backend(OpenAIConfig()), OpenAIBackend)
    assert isinstance(make_backend(VLLMConfig(model="m")), VLLMBackend)
    with pytest.raises(TypeError):
        make_backend(object())


@pytest.mark.skipif(HAS_VLLM, reason="vllm is installed: the import error path cannot occur")
def test_missing_vllm_gives_an_actionable_error():
    with pytest.raises(RuntimeError, match=r"pip install 'codepref\[vllm\]'"):
        VLLMBackend(VLLMConfig(model="m")).engine()


@pytest.mark.gpu
def test_vllm_engine_generates_k_samples():
    if not HAS_VLLM:
        pytest.skip("vllm is not installed (optional extra codepref[vllm]; needs a CUDA GPU)")
    import torch

    if not torch.cuda.is_available():
        pytest.skip("no CUDA device: the vllm backend runs only on a GPU")
    model = os.environ.get("CODEPREF_VLLM_TEST_MODEL")
    if not model:
        pytest.skip("set CODEPREF_VLLM_TEST_MODEL to a local chat model folder (no downloads)")
    backend = VLLMBackend(VLLMConfig(model=model, max_model_len=2048))
    requests = [
        make("Say A.", Sampling(n=3, max_tokens=8)),
        make("Say B.", Sampling(n=3, max_tokens=8)),
    ]
    completions = backend.generate(requests)
    assert [len(c.texts) for c in completions] == [3, 3]
    assert backend.stats.completion_tokens > 0


class _StandInEngine:
    """Stands in for ``vllm.LLM``, which cannot run without a GPU, so that the backend's
    own logic (grouping, ordering, cache, counters) is exercised here; it answers each
    conversation with its last message, numbered per sample."""

    instances: ClassVar[list[_StandInEngine]] = []

    def __init__(self, **kwargs: object) -> None:
        self.kwargs = kwargs
        self.calls: list[tuple[list, dict]] = []
        _StandInEngine.instances.append(self)

    def chat(self, conversations, sampling_params, use_tqdm=True):
        from types import SimpleNamespace

        self.calls.append((conversations, sampling_params.kwargs))
        n = sampling_params.kwargs["n"]
        return [
            SimpleNamespace(
                prompt_token_ids=[1, 2, 3],
                outputs=[
                    SimpleNamespace(text=f"{conv[-1]['content']}#{i}", token_ids=[7, 8])
                    for i in range(n)
                ],
            )
            for conv in conversations
        ]


@pytest.fixture
def stand_in_vllm(monkeypatch):
    from types import SimpleNamespace

    module = SimpleNamespace(
        LLM=_StandInEngine, SamplingParams=lambda **kwargs: SimpleNamespace(kwargs=kwargs)
    )
    monkeypatch.setitem(sys.modules, "vllm", module)
    _StandInEngine.instances.clear()
    return _StandInEngine


def test_backend_batches_by_sampling_keeps_order_and_uses_the_cache(stand_in_vllm, tmp_path):
    judge, review = Sampling(n=2), Sampling(n=1, temperature=0.0)
    requests = [make("a", judge), make("b", review), make("c", judge)]
    backend = VLLMBackend(VLLMConfig(model="m", tensor_parallel_size=4))
    done: list[int] = []
    with ResponseCache(tmp_path / "cache.sqlite") as cache:
        cache.put("m", requests[1], Completion(texts=["cached"]))
        completions = backend.generate(requests, cache=cache, progress=done.append)
        assert len(cache) == 3
    [engine] = stand_in_vllm.instances
    assert engine.kwargs["tensor_parallel_size"] == 4 and engine.kwargs["model"] == "m"
    assert len(engine.calls) == 1  # the cached review request never reached the engine
    conversations, params = engine.calls[0]
    assert [conv[-1]["content"] for conv in conversations] == ["a", "c"]
    assert params == sampling_kwargs(judge)
    assert [c.texts for c in completions] == [["a#0", "a#1"], ["cached"], ["c#0", "c#1"]]
    assert completions[1].cached and sum(done) == 3
    assert backend.stats.cache_hits == 1 and backend.stats.requests == 2
    assert backend.stats.completion_tokens == 8 and backend.stats.prompt_tokens == 6
