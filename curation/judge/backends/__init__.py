"""Judge backends: any OpenAI-compatible server (``openai``) or the offline vLLM engine
(``vllm``, imported only when chosen)."""

from __future__ import annotations

from curation.judge.backends.base import Backend, BackendStats, ProgressCallback
from curation.judge.backends.openai import OpenAIBackend, OpenAIConfig
from curation.judge.backends.vllm import VLLMBackend, VLLMConfig

BackendConfig = OpenAIConfig | VLLMConfig


def make_backend(config: BackendConfig) -> Backend:
    """The backend for ``config``; steps carry configs (picklable) and build backends late."""
    if isinstance(config, OpenAIConfig):
        return OpenAIBackend(config)
    if isinstance(config, VLLMConfig):
        return VLLMBackend(config)
    raise TypeError(f"no backend for config of type {type(config).__name__}")


__all__ = [
    "Backend",
    "BackendConfig",
    "BackendStats",
    "OpenAIBackend",
    "OpenAIConfig",
    "ProgressCallback",
    "VLLMBackend",
    "VLLMConfig",
    "make_backend",
]
