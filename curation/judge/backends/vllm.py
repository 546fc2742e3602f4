"""The offline vLLM engine as a judge backend.

``vllm`` is imported only when this backend generates, so codepref installs and runs
without it; it needs a GPU and ``pip install codepref[vllm]``. Requests are grouped by
sampling parameters and each group goes to ``LLM.chat`` in one call with
``SamplingParams(n=k)``, which lets vLLM batch and share the prompt's KV cache across the
k samples. Note that vLLM is not deterministic under batching even at temperature 0 unless
its batch-invariant mode is on; the response cache is what makes reruns reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from curation.judge.backends.base import BackendStats, ProgressCallback, cached_completions
from curation.judge.cache import ResponseCache
from curation.judge.requests import ChatRequest, Completion, Sampling


@dataclass
class VLLMConfig:
    """Arguments of ``vllm.LLM``; ``engine_kwargs`` passes anything else through."""

    model: str = ""
    tensor_parallel_size: int = 1
    dtype: str = "auto"
    max_model_len: int | None = None
    gpu_memory_utilization: float = 0.9
    seed: int = 0
    engine_kwargs: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.model:
            raise ValueError("the vllm backend needs a model name or path")

    def llm_kwargs(self) -> dict[str, object]:
        kwargs: dict[str, object] = {
            "model": self.model,
            "tensor_parallel_size": self.tensor_parallel_size,
            "dtype": self.dtype,
            "gpu_memory_utilization": self.gpu_memory_utilization,
            "seed": self.seed,
        }
        if self.max_model_len is not None:
            kwargs["max_model_len"] = self.max_model_len
        kwargs.update(self.engine_kwargs)
        return kwargs


def sampling_kwargs(sampling: Sampling) -> dict[str, object]:
    """Keyword arguments of ``vllm.SamplingParams`` for ``sampling``."""
    kwargs: dict[str, object] = {
        "n": sampling.n,
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "max_tokens": sampling.max_tokens,
    }
    if sampling.seed is not None:
        kwargs["seed"] = sampling.seed
    return kwargs


def group_by_sampling(
    requests: Sequence[ChatRequest], indices: Sequence[int]
) -> dict[Sampling, list[int]]:
    """``indices`` grouped by their request's sampling parameters, first-seen order."""
    groups: dict[Sampling, list[int]] = {}
    for index in indices:
        groups.setdefault(requests[index].sampling, []).append(index)
    return groups


class VLLMBackend:
    """Generates with an in-process ``vllm.LLM``, built on first use."""

    def __init__(self, config: VLLMConfig) -> None:
        self.config = config
        self.model = config.model
        self.stats = BackendStats()
        self._llm = None

    def engine(self):  # -> vllm.LLM, untyped so that vllm stays an optional import
        if self._llm is None:
            try:
                import vllm
            except ImportError as error:
                raise RuntimeError(
                    "the vllm backend needs the optional dependency: pip install 'codepref[vllm]'"
                    " (and a GPU); use the openai backend against `vllm serve` otherwise"
                ) from error
            self._llm = vllm.LLM(**self.config.llm_kwargs())
        return self._llm

    def generate(
        self,
        requests: Sequence[ChatRequest],
        cache: ResponseCache | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[Completion]:
        results, pending = cached_completions(self.model, requests, cache, self.stats, progress)
        if pending:
            from vllm import SamplingParams

            llm = self.engine()
            for sampling, indices in group_by_sampling(requests, pending).items():
                outputs = llm.chat(
                    [requests[index].message_dicts() for index in indices],
                    SamplingParams(**sampling_kwargs(sampling)),
                    use_tqdm=True,
                )
                for index, output in zip(indices, outputs, strict=True):
                    completion = Completion(
                        texts=[sample.text for sample in output.outputs],
                        prompt_tokens=len(output.prompt_token_ids or ()),
                        completion_tokens=sum(len(sample.token_ids) for sample in output.outputs),
                    )
                    results[index] = completion
                    self.stats.requests += 1
                    self.stats.prompt_tokens += completion.prompt_tokens
                    self.stats.completion_tokens += completion.completion_tokens
                    if cache is not None:
                        cache.put(self.model, requests[index], completion)
                if progress is not None:
                    progress(len(indices))
        return [result for result in results if result is not None]
