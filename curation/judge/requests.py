"""What a judge asks a model and what comes back, independent of the backend.

A :class:`ChatRequest` is the unit that backends send and the response cache stores: the
messages and the sampling parameters, with ``n`` samples per request. A
:class:`Completion` holds the ``n`` texts, or the error that left the request without them
after every retry; callers count such requests as errors instead of losing them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from curation.judge.prompts import Message


@dataclass(frozen=True)
class Sampling:
    """Sampling parameters; the defaults are the published judging protocol."""

    n: int = 8
    temperature: float = 0.8
    top_p: float = 0.95
    max_tokens: int = 1024
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.n < 1:
            raise ValueError(f"n must be at least 1, got {self.n}")
        if self.temperature < 0:
            raise ValueError(f"temperature must be >= 0, got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ValueError(f"top_p must be in (0, 1], got {self.top_p}")
        if self.max_tokens < 1:
            raise ValueError(f"max_tokens must be at least 1, got {self.max_tokens}")

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class ChatRequest:
    """One chat completion request: ``sampling.n`` samples for ``messages``."""

    messages: tuple[tuple[str, str], ...]
    sampling: Sampling = field(default_factory=Sampling)

    @classmethod
    def from_messages(cls, messages: list[Message], sampling: Sampling) -> ChatRequest:
        return cls(tuple((m["role"], m["content"]) for m in messages), sampling)

    def message_dicts(self) -> list[Message]:
        return [{"role": role, "content": content} for role, content in self.messages]


@dataclass
class Completion:
    """The texts of one request (``n`` of them), or the error that left it without them."""

    texts: list[str] = field(default_factory=list)
    error: str | None = None
    cached: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None
