"""Fixtures shared by the whole suite: the repository root and the reference data."""

from __future__ import annotations

from pathlib import Path

import pytest

# The loopback OpenAI-compatible judge server serves the judge library, step and CLI tests.
pytest_plugins = ["tests.fixtures.judge_server"]

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
