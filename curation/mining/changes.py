"""Which commits are mining candidates: exactly one file modified in place, in one language.

The rule is applied to the raw diff entries of a commit (``git log --raw``, or the file
names of a remote metadata row) before any blob is read, so rejected commits cost nothing
but a line of log. Each rejection has a reason that the pipeline counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from curation.languages import language_for_path

# git file modes: regular, executable; symlinks (120000) and submodules (160000) are not code.
_FILE_MODES = frozenset({"100644", "100755"})


@dataclass(frozen=True)
class RawChange:
    """One entry of ``git diff --raw``: modes, blob ids, status letter and path(s)."""

    old_mode: str
    new_mode: str
    old_blob: str
    new_blob: str
    status: str
    path: str
    new_path: str | None = None


@dataclass(frozen=True)
class Candidate:
    """The one file a candidate commit changes, with the blobs to read."""

    path: str
    language: str | None
    old_blob: str
    new_blob: str


def parse_raw_status(entry: str) -> tuple[str, str, str, str, str]:
    """``:100644 100644 <old> <new> M`` -> (old_mode, new_mode, old_blob, new_blob, status)."""
    parts = entry.lstrip("\n:").split(" ")
    if len(parts) != 5:
        raise ValueError(f"malformed git raw diff entry {entry!r}")
    old_mode, new_mode, old_blob, new_blob, status = parts
    return old_mode, new_mode, old_blob, new_blob, status


def select_change(
    parents: list[str], changes: list[RawChange]
) -> tuple[Candidate | None, str | None]:
    """The candidate file of a commit, or ``(None, reason)`` for a commit that is not one.

    ``language`` stays ``None`` for ``.h`` headers whose language depends on their content;
    the reader decides it after reading the blob.
    """
    if not parents:
        return None, "root_commit"
    if len(parents) > 1:
        return None, "merge_commit"
    if not changes:
        return None, "empty_commit"
    if len(changes) > 1:
        return None, "multi_file"
    change = changes[0]
    status = change.status[:1]
    if status in ("R", "C"):
        return None, "renamed_file"
    if status == "A":
        return None, "added_file"
    if status == "D":
        return None, "deleted_file"
    if status != "M" or change.old_mode not in _FILE_MODES or change.new_mode not in _FILE_MODES:
        return None, "not_a_regular_file"
    if change.old_blob == change.new_blob:
        return None, "mode_change_only"
    language = language_for_path(change.path)
    if language is None:
        return None, "not_a_language"
    if change.path.lower().endswith(".h"):
        language = None
    return Candidate(change.path, language, change.old_blob, change.new_blob), None


def select_paths(old_file: str | None, new_file: str | None) -> tuple[str | None, str | None]:
    """The same rule for a remote metadata row, which only names the file before and after."""
    if not old_file:
        return None, "added_file"
    if not new_file:
        return None, "deleted_file"
    if old_file != new_file:
        return None, "renamed_file"
    if language_for_path(new_file) is None:
        return None, "not_a_language"
    return new_file, None
