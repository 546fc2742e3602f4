"""``curation/code/source.py``: the changed span of two versions and incremental parsing."""

from __future__ import annotations

from pathlib import Path

import pytest
from tree_sitter import Tree

from curation.code import parse_source
from curation.code.source import changed_span
from curation.mining.history import mine_repository
from curation.mining.records import CommitRecord
from tests.curation.code.conftest import SNIPPETS
from tests.fixtures.synthetic_repos import SyntheticCommit, build_repository


@pytest.mark.parametrize(
    ("old", "new", "span"),
    [
        (b"abcdef", b"abXdef", (2, 3, 3)),  # replaced
        (b"abcdef", b"abcXYdef", (3, 3, 5)),  # inserted
        (b"abcdef", b"adef", (1, 3, 1)),  # deleted
        (b"abc", b"abc", (3, 3, 3)),  # identical
        (b"aaa", b"aaaa", (3, 3, 4)),  # the suffix never overlaps the prefix
        (b"", b"xyz", (0, 0, 3)),
        (b"x\xc3\xa9y", b"x\xc3\xa8y", (2, 3, 3)),  # bytes, not characters
    ],
)
def test_changed_span(old: bytes, new: bytes, span: tuple[int, int, int]) -> None:
    assert changed_span(old, new) == span
    start, old_end, new_end = span
    assert old[:start] + new[start:new_end] + old[old_end:] == new


def _edits(source: str) -> list[str]:
    """Versions of ``source`` that a commit could make: a line changed, added, removed,
    a syntax error put in, everything replaced."""
    lines = source.splitlines(keepends=True)
    middle = len(lines) // 2
    wider = lines[middle].replace(" ", "  ", 1)
    return [
        "".join(lines[:middle]) + wider + "".join(lines[middle + 1 :]),
        "".join(lines[:middle]) + "\n\n" + "".join(lines[middle:]),
        "".join(lines[:middle] + lines[middle + 1 :]),
        "".join(lines[:middle]) + "(((\n" + "".join(lines[middle:]),
        source.replace("(", "", 1),
        "x" + source,
        "",
    ]


def _nodes(tree: Tree) -> list[tuple[str, int, int, bool]]:
    """Every node with its byte range and whether it is or holds an error."""
    found, stack = [], [tree.root_node]
    while stack:
        node = stack.pop()
        found.append((node.type, node.start_byte, node.end_byte, node.has_error))
        stack.extend(reversed(node.children))
    return found


def _same_parse(old: str, new: str, language: str) -> None:
    previous = parse_source(old, language)
    before = _nodes(previous.tree)
    incremental = parse_source(new, language, previous=previous)
    fresh = parse_source(new, language)
    assert incremental.tree.root_node.has_error == fresh.tree.root_node.has_error
    assert _nodes(incremental.tree) == _nodes(fresh.tree)
    assert _nodes(previous.tree) == before  # the old side's parse is left intact


@pytest.mark.parametrize("language", sorted(SNIPPETS))
def test_incremental_parse_is_the_fresh_parse(language: str) -> None:
    snippet = SNIPPETS[language]
    for old in (snippet.valid, snippet.broken):
        for new in (*_edits(old), snippet.broken, snippet.valid):
            _same_parse(old, new, language)


def test_incremental_parse_on_every_candidate_of_a_history(tmp_path: Path) -> None:
    """Each language's file goes through every edit of ``_edits``, one commit each, in a
    built repository; every candidate's new side parses as it does from scratch."""
    extensions = {"C": "c", "CSharp": "cs", "Cpp": "cpp", "Go": "go", "Java": "java",
                  "JavaScript": "js", "Python": "py", "Ruby": "rb"}  # fmt: skip
    paths = {name: f"src/main.{extension}" for name, extension in extensions.items()}
    commits = [SyntheticCommit("Add every file", {paths[n]: s.valid for n, s in SNIPPETS.items()})]
    for name, snippet in SNIPPETS.items():
        for number, version in enumerate([*_edits(snippet.valid), snippet.valid]):
            commits.append(SyntheticCommit(f"Edit {name} number {number}", {paths[name]: version}))
    build_repository(tmp_path / "repo", commits, bare=True)
    history = mine_repository(tmp_path / "repo", license_id="MIT")
    records = [r for r in history if isinstance(r, CommitRecord)]
    assert {r.language for r in records} == set(SNIPPETS)
    assert len(records) >= 6 * len(SNIPPETS)  # the edits to and from an empty file may be dropped
    for record in records:
        _same_parse(record.old_contents, record.new_contents, record.language)
