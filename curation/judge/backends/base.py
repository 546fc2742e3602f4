"""The interface every judge backend implements, and the counters it keeps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Protocol

from curation.judge.cache import ResponseCache
from curation.judge.requests import ChatRequest, Completion

# Called once per finished request with the number of requests just finished; lets the
# caller drive a progress bar without the backend knowing about rich or tqdm.
ProgressCallback = Callable[[int], None]


@dataclass
class BackendStats:
    """What a backend did: requests sent and answered, retries, failures, tokens, and the
    first failure's cause (so a run against a dead endpoint says why it failed)."""

    requests: int = 0
    http_calls: int = 0
    retries: int = 0
    failures: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    first_error: str | None = None

    def fail(self, error: str) -> None:
        self.failures += 1
        if self.first_error is None:
            self.first_error = error

    @property
    def failed_share(self) -> float:
        """Failed requests over requests sent (cache hits are not sent); 0 when none were."""
        return self.failures / self.requests if self.requests else 0.0

    def as_dict(self) -> dict[str, int | str | None]:
        return asdict(self)

    def counters(self) -> dict[str, int]:
        """The counts alone (no ``first_error``), for datatrove's numeric stats."""
        return {key: value for key, value in asdict(self).items() if isinstance(value, int)}


class Backend(Protocol):
    """Turns chat requests into completions, in order, one completion per request."""

    model: str
    stats: BackendStats

    def generate(
        self,
        requests: Sequence[ChatRequest],
        cache: ResponseCache | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[Completion]: ...


def cached_completions(
    model: str,
    requests: Sequence[ChatRequest],
    cache: ResponseCache | None,
    stats: BackendStats,
    progress: ProgressCallback | None = None,
) -> tuple[list[Completion | None], list[int]]:
    """The completions the cache already holds (``None`` elsewhere) and the indices of the
    requests still to send; every backend resumes a crashed run this way."""
    results: list[Completion | None] = [None] * len(requests)
    pending: list[int] = []
    for index, request in enumerate(requests):
        hit = cache.get(model, request) if cache is not None else None
        if hit is None:
            pending.append(index)
        else:
            results[index] = hit
            stats.cache_hits += 1
    if progress is not None and len(pending) < len(requests):
        progress(len(requests) - len(pending))
    return results, pending
