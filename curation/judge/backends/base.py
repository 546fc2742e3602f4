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
    """What a backend did: requests sent and answered, retries, failures, tokens."""

    requests: int = 0
    http_calls: int = 0
    retries: int = 0
    failures: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


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
