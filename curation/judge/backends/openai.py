"""An async client for any OpenAI-compatible chat completions endpoint.

``vllm serve``, SGLang, TGI and hosted APIs all speak ``POST {base_url}/chat/completions``.
The client keeps at most ``concurrency`` requests in flight, gives each request a deadline,
and retries 429s, 5xx answers, timeouts and dropped connections with exponential backoff and
full jitter (honouring ``Retry-After``), sleeping outside the concurrency slot so that a
backing-off request does not hold one. It asks for all ``n`` samples in one request and
sends follow-up requests for the rest when a server returns fewer choices than asked (some
servers ignore ``n``). A request that still fails comes back as a :class:`Completion` with
an error, so callers count it instead of losing the row.
"""

from __future__ import annotations

import asyncio
import os
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlparse

import httpx

from curation.credentials import Secret
from curation.judge.backends.base import BackendStats, ProgressCallback, cached_completions
from curation.judge.cache import ResponseCache
from curation.judge.requests import ChatRequest, Completion

# Statuses worth retrying: rate limits, timeouts, conflicts and every 5xx.
RETRYABLE_STATUS: frozenset[int] = frozenset({408, 409, 425, 429})

ENV_BASE_URL = ("CODEPREF_JUDGE_URL", "OPENAI_BASE_URL")
ENV_MODEL = ("CODEPREF_JUDGE_MODEL",)
ENV_API_KEY = ("CODEPREF_JUDGE_API_KEY", "OPENAI_API_KEY")


def _first_env(names: tuple[str, ...]) -> str | None:
    return next((os.environ[name] for name in names if os.environ.get(name)), None)


def normalize_base_url(url: str) -> str:
    """``http://host:8000`` and ``http://host:8000/`` become ``http://host:8000/v1``; a
    URL with a path (``https://api.example.com/v1``) is kept as given, minus a final ``/``."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"endpoint {url!r} is not an http(s) URL")
    if parsed.path in ("", "/"):
        return url.rstrip("/") + "/v1"
    return url.rstrip("/")


@dataclass
class OpenAIConfig:
    """Where and how to reach the endpoint. ``from_env`` fills what is not passed (or is
    passed as None) from ``CODEPREF_JUDGE_URL``/``OPENAI_BASE_URL``,
    ``CODEPREF_JUDGE_MODEL`` and ``CODEPREF_JUDGE_API_KEY``/``OPENAI_API_KEY``. The API key
    is a :class:`~curation.credentials.Secret`: never in a repr, executor.json or pickle."""

    base_url: str = "http://127.0.0.1:8000/v1"
    model: str = "default"
    api_key: Secret | str | None = None
    concurrency: int = 64
    timeout_s: float = 300.0
    max_retries: int = 6
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0
    # The most samples asked for in one request; None asks for all n at once.
    max_n_per_request: int | None = None
    extra_body: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.base_url = normalize_base_url(self.base_url)
        self.api_key = Secret.coerce(self.api_key, ENV_API_KEY[0])
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {self.concurrency}")
        if self.timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {self.timeout_s}")
        if self.max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {self.max_retries}")
        if self.max_n_per_request is not None and self.max_n_per_request < 1:
            raise ValueError("max_n_per_request must be at least 1")

    @classmethod
    def from_env(cls, **overrides: object) -> OpenAIConfig:
        values: dict[str, object] = {
            "base_url": _first_env(ENV_BASE_URL),
            "model": _first_env(ENV_MODEL),
            "api_key": Secret.from_env(*ENV_API_KEY),
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        if isinstance(values["api_key"], str):
            # A key given on the command line: workers resolve it from the environment.
            values["api_key"] = Secret(values["api_key"], env=ENV_API_KEY[0])
            values["api_key"].export()
        missing = [name for name in ("base_url", "model") if not values.get(name)]
        if missing:
            raise ValueError(
                f"no {' or '.join(missing)} for the judge endpoint: pass it or set "
                + ", ".join(ENV_BASE_URL if "base_url" in missing else ENV_MODEL)
            )
        return cls(**{key: value for key, value in values.items() if value is not None})

    @property
    def chat_url(self) -> str:
        return f"{self.base_url}/chat/completions"


class RequestFailedError(Exception):
    """A request failed for good: a non-retryable status or every retry used up."""


class OpenAIBackend:
    """Sends :class:`ChatRequest` batches to an OpenAI-compatible endpoint."""

    def __init__(self, config: OpenAIConfig, rng: random.Random | None = None) -> None:
        self.config = config
        self.model = config.model
        self.stats = BackendStats()
        self._rng = rng or random.Random()

    def generate(
        self,
        requests: Sequence[ChatRequest],
        cache: ResponseCache | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[Completion]:
        """Completions for ``requests``, in order (runs its own event loop; from async code
        await :meth:`agenerate` instead)."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.agenerate(requests, cache, progress))
        raise RuntimeError("generate() called inside a running event loop; await agenerate()")

    async def agenerate(
        self,
        requests: Sequence[ChatRequest],
        cache: ResponseCache | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[Completion]:
        results, pending = cached_completions(self.model, requests, cache, self.stats, progress)
        if pending:
            semaphore = asyncio.Semaphore(self.config.concurrency)
            async with self.client() as client:

                async def run(index: int) -> None:
                    completion = await self.complete(client, semaphore, requests[index])
                    results[index] = completion
                    if cache is not None:
                        cache.put(self.model, requests[index], completion)
                    if progress is not None:
                        progress(1)

                await asyncio.gather(*(run(index) for index in pending))
        return [result for result in results if result is not None]

    def client(self) -> httpx.AsyncClient:
        """An HTTP client sized to the concurrency, with the API key if there is one."""
        key = self.config.api_key.reveal() if isinstance(self.config.api_key, Secret) else None
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        limits = httpx.Limits(
            max_connections=self.config.concurrency,
            max_keepalive_connections=self.config.concurrency,
        )
        return httpx.AsyncClient(
            headers=headers, limits=limits, timeout=httpx.Timeout(self.config.timeout_s)
        )

    def payload(self, request: ChatRequest, n: int) -> dict[str, object]:
        sampling = request.sampling
        body: dict[str, object] = {
            "model": self.model,
            "messages": request.message_dicts(),
            "n": n,
            "temperature": sampling.temperature,
            "top_p": sampling.top_p,
            "max_tokens": sampling.max_tokens,
        }
        if sampling.seed is not None:
            body["seed"] = sampling.seed
        body.update(self.config.extra_body)
        return body

    async def complete(
        self, client: httpx.AsyncClient, semaphore: asyncio.Semaphore, request: ChatRequest
    ) -> Completion:
        """All ``n`` samples of one request, over as many HTTP calls as the server needs."""
        self.stats.requests += 1
        completion = Completion()
        remaining = request.sampling.n
        while remaining > 0:
            ask = min(remaining, self.config.max_n_per_request or remaining)
            try:
                data = await self.post(client, semaphore, self.payload(request, ask))
                texts = [choice["message"]["content"] or "" for choice in data["choices"]][:ask]
            except RequestFailedError as error:
                completion.error = str(error)
                self.stats.fail(completion.error)
                return completion
            except (KeyError, TypeError) as error:
                completion.error = f"malformed response: missing {error}"
                self.stats.fail(completion.error)
                return completion
            if not texts:
                completion.error = "response has no choices"
                self.stats.fail(completion.error)
                return completion
            usage = data.get("usage") or {}
            completion.prompt_tokens += int(usage.get("prompt_tokens") or 0)
            completion.completion_tokens += int(usage.get("completion_tokens") or 0)
            completion.texts.extend(texts)
            remaining -= len(texts)
        self.stats.prompt_tokens += completion.prompt_tokens
        self.stats.completion_tokens += completion.completion_tokens
        return completion

    async def post(
        self, client: httpx.AsyncClient, semaphore: asyncio.Semaphore, payload: dict[str, object]
    ) -> dict:
        """One payload, retried on transient failures; the decoded JSON answer."""
        reason = ""
        for attempt in range(self.config.max_retries + 1):
            retry_after: float | None = None
            async with semaphore:
                self.stats.http_calls += 1
                try:
                    async with asyncio.timeout(self.config.timeout_s):
                        response = await client.post(self.config.chat_url, json=payload)
                except (TimeoutError, httpx.TimeoutException):
                    reason = f"timed out after {self.config.timeout_s:g} s"
                except httpx.TransportError as error:
                    reason = f"connection error: {type(error).__name__}: {error}"
                else:
                    status = response.status_code
                    if status == 200:
                        try:
                            return response.json()
                        except ValueError:
                            reason = "response is not JSON"
                    elif status in RETRYABLE_STATUS or status >= 500:
                        reason = f"HTTP {status}"
                        retry_after = _retry_after(response)
                    else:
                        raise RequestFailedError(f"HTTP {status}: {response.text[:300]}")
            if attempt < self.config.max_retries:
                self.stats.retries += 1
                await asyncio.sleep(self.backoff(attempt, retry_after))
        raise RequestFailedError(f"gave up after {self.config.max_retries + 1} attempts: {reason}")

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """Full-jitter exponential backoff, at least ``Retry-After`` when the server sent it."""
        ceiling = min(self.config.backoff_max_s, self.config.backoff_initial_s * 2**attempt)
        delay = self._rng.uniform(0, ceiling)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.config.backoff_max_s))
        return delay


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None
