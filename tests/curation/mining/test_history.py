"""Local candidates of a repository (``curation/mining/history.py``)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from curation.mining.gitlog import iter_log
from curation.mining.history import (
    DEAL_RUN,
    Rejected,
    mine_repository,
    task_commits,
    task_share,
)
from curation.mining.records import CommitRecord
from tests.fixtures.synthetic_repos import SyntheticCommit, build_repository

ISC = (
    "Permission to use, copy, modify, and/or distribute this software for any purpose with or "
    "without fee is hereby granted, provided that the above copyright notice and this "
    "permission notice appear in all copies."
)
CPP_HEADER_OLD = "namespace geo {\nclass Point { public: int x; };\n}\n"
CPP_HEADER_NEW = "namespace geo {\nclass Point { public: int x; int y; };\n}\n"


def test_records_and_rejections(tmp_path: Path) -> None:
    repo = tmp_path / "lib.git"
    shas = build_repository(
        repo,
        [
            SyntheticCommit(
                "Initial",
                {
                    "LICENSE": ISC,
                    "geo.h": CPP_HEADER_OLD,
                    "m.c": "int m;\n",
                    "bin.py": b"\x00\x01",
                },
            ),
            SyntheticCommit(
                "Add y to the point\n\nNeeded by the plotter.", {"geo.h": CPP_HEADER_NEW}
            ),
            SyntheticCommit("Change the binary", {"bin.py": b"\x00\x02"}),
            SyntheticCommit("Two files", {"m.c": "int m = 1;\n", "geo.h": CPP_HEADER_OLD}),
        ],
        bare=True,
    )
    items = list(mine_repository(repo))
    records = [i for i in items if isinstance(i, CommitRecord)]
    assert Counter(i.reason for i in items if isinstance(i, Rejected)) == Counter(
        root_commit=1, binary_file=1, multi_file=1
    )
    [record] = records
    assert record.repo == "lib" and record.license == "ISC"
    assert (record.commit, record.parent, record.path) == (shas[1], shas[0], "geo.h")
    assert record.language == "Cpp"  # a .h header with a class: C++
    assert (record.old_contents, record.new_contents) == (CPP_HEADER_OLD, CPP_HEADER_NEW)
    assert (record.subject, record.message) == (
        "Add y to the point",
        "Add y to the point\n\nNeeded by the plotter.",
    )
    assert record.committed_at == 1_700_000_060


def test_licence_override_and_name(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    build_repository(
        repo,
        [
            SyntheticCommit("Initial", {"a.go": "package a\n"}),
            SyntheticCommit("Edit the package", {"a.go": "package a\n\nvar x = 1\n"}),
        ],
    )
    [record] = [
        i
        for i in mine_repository(repo, name="other", license_id="MIT")
        if isinstance(i, CommitRecord)
    ]
    assert (record.repo, record.license) == ("other", "MIT")
    [detected] = [i for i in mine_repository(repo) if isinstance(i, CommitRecord)]
    assert detected.license is None


def test_shards_partition_the_commits(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    shas = build_repository(
        repo, [SyntheticCommit(f"c{i}", {"a.py": f"x = {i}\n"}) for i in range(3 * DEAL_RUN + 7)]
    )
    shards = [
        [i.commit for i in mine_repository(repo, rank=rank, world_size=3)] for rank in range(3)
    ]
    assert sorted(sha for shard in shards for sha in shard) == sorted(shas)
    # dealt round-robin in runs of the walk: each task has old and new commits alike
    walk = _git(repo, "rev-list", "--all").split()
    runs = [walk[i : i + DEAL_RUN] for i in range(0, len(walk), DEAL_RUN)]
    for rank in range(3):
        assert sorted(shards[rank]) == sorted(sha for run in runs[rank::3] for sha in run)
        assert sorted(task_commits(repo, ["--all"], rank, 3)) == sorted(shards[rank])
    count = 3 * DEAL_RUN + 5
    assert [task_share(count, rank, 3) for rank in range(3)] == [DEAL_RUN + 5, DEAL_RUN, DEAL_RUN]
    assert [task_share(count + DEAL_RUN, rank, 3) for rank in range(3)] == [
        2 * DEAL_RUN,
        DEAL_RUN + 5,
        DEAL_RUN,
    ]
    assert task_share(1, 1, 2) == 0 and task_share(1, 0, 2) == 1


def _git(repo: Path, *args: str) -> str:
    import subprocess

    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def _commit(repo: Path, message: str, files: dict[str, str], remove: tuple[str, ...] = ()) -> str:
    for path in remove:
        _git(repo, "rm", "-q", path)
    for path, text in files.items():
        (repo / path).write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


def _module(name: str, value: int) -> str:
    return "".join(f"def {name}_{i}(x):\n    return x * {i} + {value}\n\n" for i in range(12))


def test_missing_objects_drop_their_commits_not_the_repository(tmp_path: Path) -> None:
    """A checkout whose loose blobs were deleted: one lacks the old side of a candidate
    (``git cat-file`` answers ``missing``), the other is needed by rename detection, which
    makes ``git log`` itself die (``fatal: unable to read``) in the middle of the walk."""
    repo = tmp_path / "damaged"
    repo.mkdir()
    _git(repo, "init", "-q")
    _commit(
        repo, "Initial", {"a.py": _module("a", 1), "b.py": _module("b", 1), "c.py": _module("c", 1)}
    )
    first = _commit(repo, "Fix the offset of every a helper", {"a.py": _module("a", 2)})
    lost_old = _commit(repo, "Fix the offset of every b helper", {"b.py": _module("b", 2)})
    renamed = _commit(
        repo, "Move c to d and fix its offset", {"d.py": _module("c", 2)}, remove=("c.py",)
    )
    last = _commit(repo, "Fix the offset of a again", {"a.py": _module("a", 3)})
    for path in ("b.py", "c.py"):
        blob = _git(repo, "rev-parse", f"{first}:{path}")
        (repo / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    items = list(mine_repository(repo, license_id="MIT"))
    reasons = {item.commit: item.reason for item in items if isinstance(item, Rejected)}
    kept = [item.commit for item in items if isinstance(item, CommitRecord)]
    assert kept == [last, first]
    assert reasons[lost_old] == "unreadable_object"
    assert reasons[renamed] == "unreadable_object"
    assert len(items) == 5  # every commit accounted for, the root included
    # a task's own list of commits (the log fed by sha) resumes past the unreadable one too
    listed = list(iter_log(repo, commits=[last, renamed, first]))
    assert [(c.sha, c.unreadable) for c in listed] == [
        (last, False),
        (renamed, True),
        (first, False),
    ]
    assert listed[2].changes[0].path == "a.py"
