"""The candidate rule (``curation/mining/changes.py``)."""

from __future__ import annotations

import pytest

from curation.mining.changes import RawChange, parse_raw_status, select_change, select_paths

A, B = "a" * 40, "b" * 40


def _change(
    status: str = "M",
    path: str = "x.py",
    old_mode: str = "100644",
    new_mode: str = "100644",
    old: str = A,
    new: str = B,
) -> RawChange:
    return RawChange(old_mode, new_mode, old, new, status, path)


@pytest.mark.parametrize(
    ("parents", "changes", "reason"),
    [
        ([], [_change()], "root_commit"),
        (["p", "q"], [], "merge_commit"),
        (["p"], [], "empty_commit"),
        (["p"], [_change(), _change(path="y.py")], "multi_file"),
        (["p"], [_change("R090")], "renamed_file"),
        (["p"], [_change("C100")], "renamed_file"),
        (["p"], [_change("A")], "added_file"),
        (["p"], [_change("D")], "deleted_file"),
        (["p"], [_change(new_mode="120000")], "not_a_regular_file"),
        (["p"], [_change(old_mode="160000", new_mode="160000")], "not_a_regular_file"),
        (["p"], [_change("T")], "not_a_regular_file"),
        (["p"], [_change(new_mode="100755", new=A)], "mode_change_only"),
        (["p"], [_change(path="notes.txt")], "not_a_language"),
    ],
)
def test_rejections(parents: list[str], changes: list[RawChange], reason: str) -> None:
    assert select_change(parents, changes) == (None, reason)


def test_candidates() -> None:
    candidate, reason = select_change(["p"], [_change(path="src/Main.java", new_mode="100755")])
    assert reason is None and candidate is not None
    assert (candidate.path, candidate.language, candidate.old_blob, candidate.new_blob) == (
        "src/Main.java",
        "Java",
        A,
        B,
    )
    header, _ = select_change(["p"], [_change(path="inc/x.h")])
    assert header is not None and header.language is None  # decided from the contents


def test_raw_status_parsing() -> None:
    assert parse_raw_status("\n:100644 100755 aa bb M") == ("100644", "100755", "aa", "bb", "M")
    with pytest.raises(ValueError, match="malformed"):
        parse_raw_status(":100644 M")


def test_remote_paths() -> None:
    assert select_paths("a.rb", "a.rb") == ("a.rb", None)
    assert select_paths(None, "a.rb") == (None, "added_file")
    assert select_paths("a.rb", "") == (None, "deleted_file")
    assert select_paths("a.rb", "b.rb") == (None, "renamed_file")
    assert select_paths("a.md", "a.md") == (None, "not_a_language")
