"""Fixtures shared by the whole suite: the repository root, the reference data, and the
loopback OpenAI-compatible server of the judge tests for every other LLM-using test."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the checkout; tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"reference data not found at {SHARED_DATA} (see DESIGN.md)")
    return SHARED_DATA


# tests/curation/judge/conftest.py owns the server; pytest only applies a conftest below its
# own folder, so the other packages' tests load it by path.
def _judge_server_module() -> ModuleType:
    path = Path(__file__).parent / "curation" / "judge" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_codepref_loopback_llm", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def _llm_server() -> Iterator:
    loopback = _judge_server_module()
    state = loopback.ServerState()
    server, thread, port = loopback.start_server(loopback.build_app(state))
    yield loopback.LoopbackServer(f"http://127.0.0.1:{port}/v1", state)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def llm_server(_llm_server):
    """A scripted OpenAI-compatible server on loopback, reset; set ``state.responder``."""
    _llm_server.state.reset()
    return _llm_server
