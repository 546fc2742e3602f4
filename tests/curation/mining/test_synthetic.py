"""Repositories built through git fast-import (``curation/mining/synthetic.py``)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from curation.mining.synthetic import SyntheticCommit, build_repository, single_file_history


def test_synthetic_history(tmp_path: Path) -> None:
    shas = build_repository(tmp_path / "h.git", single_file_history(30, files=4), bare=True)
    assert len(shas) == 31
    count = subprocess.run(
        ["git", "-C", str(tmp_path / "h.git"), "rev-list", "--count", "main"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert int(count) == 31
    build_repository(tmp_path / "w", [SyntheticCommit("one", {"d/a.py": "x = 1\n"})])
    assert (tmp_path / "w" / "d" / "a.py").read_text() == "x = 1\n"  # checked out
