"""Fixtures shared by the whole suite: the repository root, the reference data, and the
loopback OpenAI-compatible server of the judge tests for every other LLM-using test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Shared fixtures: the loopback OpenAI-compatible judge server (judge library, step and CLI
# tests), the tiny and bundled models (rm, bench and the pair renderer), and the HumanEval-X
# files of the five languages (sandbox conformance, execution pairs).
pytest_plugins = [
    "tests.fixtures.judge_server",
    "tests.fixtures.models",
    "tests.fixtures.crb",
    "tests.fixtures.humaneval_x",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
# CODEPREF_SHARED_DATA (as for the benchmarks) when the checkout is not beside shared/.
SHARED_DATA = Path(os.environ.get("CODEPREF_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout, or ``$CODEPREF_SHARED_DATA`` (a worktree elsewhere);
    tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA} (see DESIGN.md)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def loopback_llm():
    """A second scripted OpenAI-compatible loopback server (``tests.fixtures.judge_server``)
    for the generation tests: its ``ServerState`` with ``url`` and ``reply`` (the ``Reply``
    class) added, kept apart from the judge tests' server so their scripts never mix."""
    from tests.fixtures import judge_server

    state = judge_server.ServerState()
    server, thread, port = judge_server.start_server(judge_server.build_app(state))
    state.url = f"http://127.0.0.1:{port}/v1"
    state.reply = judge_server.Reply
    yield state
    server.should_exit = True
    thread.join(timeout=10)
