"""Fixtures shared by the whole suite: the repository root and the reference data."""

from __future__ import annotations

from pathlib import Path

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


@pytest.fixture(scope="session")
def loopback_llm():
    """The judge tests' OpenAI-compatible loopback server (tests/curation/judge/conftest.py),
    for tests outside that folder: its ``ServerState`` with ``url`` and ``reply`` (the
    ``Reply`` class) added. A conftest cannot be imported by name, so it is loaded by path."""
    import importlib.util
    import sys

    path = REPO_ROOT / "tests" / "curation" / "judge" / "conftest.py"
    spec = importlib.util.spec_from_file_location("judge_loopback_server", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    state = module.ServerState()
    server, thread, port = module.start_server(module.build_app(state))
    state.url = f"http://127.0.0.1:{port}/v1"
    state.reply = module.Reply
    yield state
    server.should_exit = True
    thread.join(timeout=10)
