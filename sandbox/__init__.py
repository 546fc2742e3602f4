"""Isolated execution of untrusted code in the 8 languages (Docker engine or processes).

``open_sandbox()`` picks the backend: Docker when an engine answers and a usable image
exists (or the offline host image can be built), else the process backend — and says so
loudly, because the two differ in how strongly they isolate.
"""

from __future__ import annotations

from .api import (
    HARNESS,
    Comparison,
    Job,
    Limits,
    Program,
    RunResult,
    Sandbox,
    Status,
    TestCase,
    TestOutcome,
)
from .backends.process import ProcessSandbox
from .factory import open_sandbox

__all__ = [
    "HARNESS",
    "Comparison",
    "DockerSandbox",
    "Job",
    "Limits",
    "ProcessSandbox",
    "Program",
    "RunResult",
    "Sandbox",
    "Status",
    "TestCase",
    "TestOutcome",
    "open_sandbox",
]


def __getattr__(name: str) -> object:
    # The docker SDK is imported only when the Docker backend is asked for.
    if name == "DockerSandbox":
        from .backends.docker import DockerSandbox

        return DockerSandbox
    raise AttributeError(name)
