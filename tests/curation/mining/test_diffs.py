"""Unified diffs (``curation/mining/diffs.py``) against git's own."""

from __future__ import annotations

import subprocess
from pathlib import Path

from curation.mining.diffs import unified_diff


def test_unified_diff_matches_git(tmp_path: Path) -> None:
    old, new = "a\nb\nc\n", "a\nB\nc\nd"
    (tmp_path / "x").write_text(old)
    (tmp_path / "y").write_text(new)
    ours = unified_diff(old, new, "f.py")
    theirs = subprocess.run(
        ["git", "diff", "--no-index", "-U3", str(tmp_path / "x"), str(tmp_path / "y")],
        capture_output=True, text=True, check=False,
    ).stdout  # fmt: skip
    assert ours.startswith("--- a/f.py\n+++ b/f.py\n")
    assert ours.splitlines()[2:] == theirs.splitlines()[4:]  # git adds "diff" and "index"
    assert unified_diff(old, old, "f.py") == ""
