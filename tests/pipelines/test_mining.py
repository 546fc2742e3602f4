"""End-to-end tests of the mining pipeline (``curation/steps/mining.py``) on real repos.

The repositories are built with ``git fast-import`` from the table below: every commit
states the outcome it must have (kept, or dropped for one reason), and the tests compare
the pipeline's rows and its stats with that table exactly.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.executors import ExecutorConfig, SlurmOptions
from curation.schema import COMMITS, validate
from pipelines.mining import STAGES, MiningConfig, build_executors, run_mining
from tests.fixtures.synthetic_repos import SyntheticCommit, build_repository, single_file_history

MIT = """MIT License

Copyright (c) 2024 Example

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software and associated documentation files (the "Software"), to deal in the Software
without restriction, including without limitation the rights to use, copy, modify, merge,
publish, distribute, sublicense, and/or sell copies of the Software.

The above copyright notice and this permission notice shall be included in all copies or
substantial portions of the Software.
"""
GPL = """GNU GENERAL PUBLIC LICENSE
Version 3, 29 June 2007
Copyright (C) 2007 Free Software Foundation, Inc. <https://fsf.org/>
"""

PY_OLD = """import sqlite3


def find_user(connection, name):
    cursor = connection.cursor()
    cursor.execute("SELECT id, name FROM users WHERE name = '%s'" % name)
    return cursor.fetchone()
"""
PY_NEW = """import sqlite3


def find_user(connection, name):
    cursor = connection.cursor()
    cursor.execute("SELECT id, name FROM users WHERE name = ?", (name,))
    return cursor.fetchone()
"""
C_OLD = """#include <string.h>

void copy_name(char *dest, const char *src) {
    strcpy(dest, src);
}
"""
C_NEW = """#include <string.h>

void copy_name(char *dest, const char *src, size_t size) {
    strncpy(dest, src, size - 1);
    dest[size - 1] = '\\0';
}
"""
CPP_OLD = """#include <vector>

double mean(std::vector<double> values) {
    double total = 0;
    for (double v : values) total += v;
    return total / values.size();
}
"""
CPP_NEW = """#include <vector>

double mean(const std::vector<double>& values) {
    double total = 0;
    for (double v : values) total += v;
    return total / values.size();
}
"""
GO_OLD = """package window

func Sum(values []int, size int) int {
	total := 0
	for i := 0; i <= size; i++ {
		total += values[i]
	}
	return total
}
"""
GO_NEW = """package window

func Sum(values []int, size int) int {
	total := 0
	for i := 0; i < size && i < len(values); i++ {
		total += values[i]
	}
	return total
}
"""
JAVA_OLD = """public class Greeter {
    public String greet(String name) {
        StringBuilder builder = new StringBuilder();
        builder.append("Hello, ");
        builder.append(name);
        builder.append("!");
        return builder.toString();
    }
}
"""
JAVA_NEW = """public class Greeter {
    public String greet(String name) {
        return salutation() + name + "!";
    }

    private String salutation() {
        return "Hello, ";
    }
}
"""
JS_OLD = """const cache = new Map();

function remember(key, value) {
  cache.set(key, { value, at: Date.now() });
  return value;
}

module.exports = { remember };
"""
JS_NEW = """const cache = new Map();
const MAX_AGE_MS = 60000;

function remember(key, value) {
  const now = Date.now();
  for (const [k, entry] of cache) {
    if (now - entry.at > MAX_AGE_MS) cache.delete(k);
  }
  cache.set(key, { value, at: now });
  return value;
}

module.exports = { remember };
"""
RUBY_OLD = """def parse_line(line)
  fields = line.split(",")
  { name: fields[0], age: fields[1].to_i }
end
"""
RUBY_NEW = """def parse_line(line)
  return nil if line.nil?
  fields = line.split(",")
  { name: fields[0], age: fields.fetch(1, "0").to_i }
end
"""
CS_OLD = """public class Counter
{
    public int CountPositive(int[] values)
    {
        int count = 0;
        for (int i = 0; i < values.Length; i = i + 1)
        {
            if (values[i] > 0)
            {
                count = count + 1;
            }
        }
        return count;
    }
}
"""
CS_NEW = """using System.Linq;

public class Counter
{
    public int CountPositive(int[] values) => values.Count(v => v > 0);
}
"""
CONTAMINATED = """def binary_search(items, target):
    low, high = 0, len(items) - 1
    while low <= high:
        middle = (low + high) // 2
        if items[middle] == target:
            return middle
        if items[middle] < target:
            low = middle + 1
        else:
            high = middle - 1
    return -1
"""

# (message, {path: contents}, expected outcome) for the main repository after its root.
KEPT = "kept"
MAIN_ROOT = {
    "LICENSE": MIT,
    "README.md": "# zoo\n",
    "app/auth.py": PY_OLD,
    "src/buffer.c": C_OLD,
    "src/stats.cpp": CPP_OLD,
    "pkg/window/sum.go": GO_OLD,
    "src/Greeter.java": JAVA_OLD,
    "lib/cache.js": JS_OLD,
    "lib/parser.rb": RUBY_OLD,
    "src/Counter.cs": CS_OLD,
    "util/a.py": "def a():\n    return round(1.5)\n",
    "util/b.js": "function b() {\n  return Math.round(1.5);\n}\n",
    "util/old_name.py": "def old():\n    return 1\n",
    "util/obsolete.py": "def obsolete():\n    return 0\n",
    "util/run.py": "def main():\n    print('run')\n",
    "util/texts.py": "def greeting():\n    return 'hi'\n",
    "util/format.js": "function add(a,b){return a+b;}\n",
    "util/scratch.py": "def scratch():\n    return [1, 2]\n",
    "util/notes.py": "# config format: key=value\n",
    "util/search.py": "def search(items, target):\n    return items.index(target)\n",
    "gen/api_pb2.py": "# Generated by the protocol buffer compiler.  DO NOT EDIT!\nX = 1\n",
    "lib/bundle.js": "var a=1;\n",
    "src/Parser.java": "class Parser {\n    int parse(String s) { return s.length(); }\n}\n",
    "image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
    "native.c": b"int x = 1;\x00\x01\n",
    "latin.py": "s = 'caf\xe9'\n".encode("latin-1"),
}
MAIN_COMMITS: list[tuple[str, dict, str]] = [
    (
        "Use parameterized query to prevent SQL injection in find_user",
        {"app/auth.py": PY_NEW},
        KEPT,
    ),
    ("Fix buffer overflow when copying the user name", {"src/buffer.c": C_NEW}, KEPT),
    ("Avoid copying the vector on every call to speed up mean()", {"src/stats.cpp": CPP_NEW}, KEPT),
    ("Fix off-by-one error in the window sum loop", {"pkg/window/sum.go": GO_NEW}, KEPT),
    ("Refactor greeting builder into a helper method", {"src/Greeter.java": JAVA_NEW}, KEPT),
    ("Handle nil input to avoid a crash in parse_line", {"lib/parser.rb": RUBY_NEW}, KEPT),
    ("Simplify the counter loop to improve readability", {"src/Counter.cs": CS_NEW}, KEPT),
    (
        "Fix incorrect rounding in helpers",
        {
            "util/a.py": "def a():\n    return int(1.5 + 0.5)\n",
            "util/b.js": "function b() {\n  return 2;\n}\n",
        },
        "multi_file",
    ),
    (
        "Move the old helper to its new name",
        {"rename": ("util/old_name.py", "util/new_name.py")},
        "renamed_file",
    ),
    (
        "Add a new module for parsing input",
        {"util/new_module.py": "def new():\n    return 2\n"},
        "added_file",
    ),
    ("Remove the obsolete helper module", {"util/obsolete.py": None}, "deleted_file"),
    ("Fix incorrect badge in the readme file", {"README.md": "# zoo\n\nbadge\n"}, "not_a_language"),
    (
        "Fix incorrect colour in the logo image",
        {"image.png": b"\x89PNG\r\n\x1a\n\x00\x00\x01"},
        "not_a_language",
    ),
    ("Fix incorrect constant in native code", {"native.c": b"int x = 2;\x00\x01\n"}, "binary_file"),
    (
        "Fix incorrect accent in the cafe string",
        {"latin.py": "s = 'caf\xe8'\n".encode("latin-1")},
        "not_utf8",
    ),
    ("fix bug", {"util/scratch.py": "def scratch():\n    return [1, 2, 3]\n"}, "message_too_short"),
    (
        "Update README.md",
        {"util/scratch.py": "def scratch():\n    return [3, 2, 1]\n"},
        "trivial_message",
    ),
    (
        "Merge branch 'dev' into main",
        {"util/scratch.py": "def scratch():\n    return [0]\n"},
        "merge_message",
    ),
    (
        'Revert "Fix incorrect rounding in helpers"',
        {"util/scratch.py": "def scratch():\n    return []\n"},
        "revert_message",
    ),
    (
        "Fix formatting of the add helper for readability",
        {"util/format.js": "function add(a, b) {\n  return a + b;\n}\n"},
        "whitespace_only_change",
    ),
    (
        "Fix incorrect null check in the parser",
        {"src/Parser.java": "class Parser {\n    int parse(String s) { return s == null ?; }\n}\n"},
        "new_parse_error",
    ),
    (
        "Fix incorrect comment about the config format",
        {"util/notes.py": "# config format: key = value pairs\n"},
        "shallow_ast",
    ),
    (
        "Regenerate protobuf bindings to fix a crash",
        {"gen/api_pb2.py": "# Generated by the protocol buffer compiler.  DO NOT EDIT!\nX = 2\n"},
        "generated_file",
    ),
    (
        "Fix crash in the bundled viewer script",
        {"lib/bundle.js": "var a=[" + ",".join(["1"] * 800) + "];\n"},
        "minified_file",
    ),
    ("Make the run script executable for deployment", {"chmod": "util/run.py"}, "mode_change_only"),
    (
        "Adjust the greeting text shown to users",
        {"util/texts.py": "def greeting():\n    return 'hello there'\n"},
        "no_aspect",
    ),
    (
        "Fix incorrect bounds handling in the search helper",
        {"util/search.py": CONTAMINATED},
        "contaminated_code",
    ),
]
FEATURE_COMMIT = ("Fix memory leak by evicting stale cache entries", {"lib/cache.js": JS_NEW}, KEPT)

FORK_ROOT = {
    "LICENSE": MIT,
    "app/auth.py": PY_OLD,
    "app/auth_copy.py": "def unrelated():\n    return 42\n",
}
# The same change as main's first commit (exact duplicate) and a file that becomes main's
# new auth.py plus blank lines (same normalised tokens: a near duplicate).
FORK_COMMITS = [
    (
        "Use parameterized query to prevent SQL injection in find_user",
        {"app/auth.py": PY_NEW},
        "exact_duplicate",
    ),
    (
        "Use parameterized query to prevent SQL injection",
        {"app/auth_copy.py": PY_NEW + "\n\n"},
        "near_duplicate",
    ),
]


def _commit(message: str, change: dict) -> SyntheticCommit:
    if "rename" in change:
        old, new = change["rename"]
        return SyntheticCommit(message, renames={old: new})
    return SyntheticCommit(message, files=dict(change))


def _build_main(path: Path) -> None:
    commits = [SyntheticCommit("Initial import of the zoo", MAIN_ROOT)]
    for message, change, _ in MAIN_COMMITS:
        if "chmod" in change:
            continue  # made after the import by _chmod_commit
        commits.append(_commit(message, change))
    message, change, _ = FEATURE_COMMIT
    commits.append(SyntheticCommit(message, files=dict(change), branch="feature"))
    commits.append(SyntheticCommit("Merge branch 'feature'", files=dict(change), merge="feature"))
    build_repository(path, commits)
    _chmod_commit(path)


def _chmod_commit(path: Path) -> None:
    """The mode-change commit is made with the porcelain: fast-import has no chmod."""
    subprocess.run(
        ["git", "-C", str(path), "update-index", "--chmod=+x", "util/run.py"], check=True
    )
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@b",
        "GIT_COMMITTER_NAME": "a",
        "GIT_COMMITTER_EMAIL": "a@b",
    }
    subprocess.run(
        [
            "git",
            "-C",
            str(path),
            "commit",
            "-q",
            "-m",
            "Make the run script executable for deployment",
        ],
        check=True,
        env=env,
    )


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of four repositories: main (checked out), fork (bare), gpl, nolicense."""
    root = tmp_path_factory.mktemp("zoo")
    _build_main(root / "main")
    build_repository(
        root / "fork.git",
        [SyntheticCommit("Initial import", FORK_ROOT)]
        + [_commit(m, c) for m, c, _ in FORK_COMMITS],
        bare=True,
    )
    for name, license_text in (("gpl", GPL), ("nolicense", None)):
        files = {"tool.py": "def tool():\n    return 1\n"}
        if license_text:
            files["COPYING"] = license_text
        build_repository(
            root / name,
            [
                SyntheticCommit("Initial import", files),
                SyntheticCommit(
                    "Fix incorrect return value of tool",
                    {"tool.py": "def tool():\n    value = 2\n    return value\n"},
                ),
            ],
        )
    return root


@pytest.fixture(scope="module")
def benchmark_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "crb.parquet"
    table = pa.table(
        {
            "id": ["b1"],
            "prompt": ["Write a binary search over a sorted list that returns the index."],
            "chosen": [CONTAMINATED],
            "rejected": ["def binary_search(items, target):\n    return items.index(target)\n"],
            "language": ["Python"],
            "aspect": ["Functional_Correctness"],
            "subset": ["test"],
        }
    )
    pq.write_table(table, path)
    return path


def expected_drops() -> Counter[str]:
    outcomes = [o for _, _, o in MAIN_COMMITS] + [o for _, _, o in FORK_COMMITS]
    drops = Counter(o for o in outcomes if o != KEPT)
    # roots of main and fork, the merge of feature; gpl and nolicense are refused whole,
    # before their histories are read: both of their commits are counted under the licence
    drops.update(root_commit=2, merge_commit=1, license_not_allowed=2, license_unknown=2)
    return drops


def read_rows(out: Path) -> list[dict]:
    tables = [pq.read_table(p) for p in sorted((out / "commits").glob("*.parquet"))]
    return pa.concat_tables(tables).to_pylist() if tables else []


@pytest.fixture(scope="module")
def mined(zoo: Path, benchmark_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mined")
    run_mining(
        MiningConfig(
            output=out,
            repos=[zoo],
            benchmarks=[benchmark_file],
            executor=ExecutorConfig(tasks=2, workers=1, start_method="fork"),
        )
    )
    return out


def test_exact_rows_kept(mined: Path) -> None:
    rows = read_rows(mined)
    assert sorted((r["language"], r["subject"]) for r in rows) == sorted(
        [
            ("C", "Fix buffer overflow when copying the user name"),
            ("CSharp", "Simplify the counter loop to improve readability"),
            ("Cpp", "Avoid copying the vector on every call to speed up mean()"),
            ("Go", "Fix off-by-one error in the window sum loop"),
            ("Java", "Refactor greeting builder into a helper method"),
            ("JavaScript", "Fix memory leak by evicting stale cache entries"),
            ("Python", next(r["subject"] for r in rows if r["language"] == "Python")),
            ("Ruby", "Handle nil input to avoid a crash in parse_line"),
        ]
    )
    python = next(r for r in rows if r["language"] == "Python")
    assert python["new_contents"].strip() == PY_NEW.strip()
    assert python["subject"].startswith("Use parameterized query to prevent SQL injection")
    by_subject = {r["subject"]: r for r in rows}
    go = by_subject["Fix off-by-one error in the window sum loop"]
    assert go["repo"] == "main" and go["path"] == "pkg/window/sum.go"
    assert go["old_contents"] == GO_OLD and go["new_contents"] == GO_NEW
    assert go["license"] == "MIT" and len(go["commit"]) == 40 and len(go["parent"]) == 40
    assert go["diff"].startswith("--- a/pkg/window/sum.go\n+++ b/pkg/window/sum.go\n")
    assert "-\tfor i := 0; i <= size; i++ {\n+\tfor i := 0; i < size" in go["diff"]
    assert by_subject["Avoid copying the vector on every call to speed up mean()"]["aspects"] == [
        "Runtime_Efficiency",
        "Memory_Efficiency",
    ]
    assert python["aspects"] == ["Security_Hardness"]
    assert by_subject["Fix memory leak by evicting stale cache entries"]["aspects"] == [
        "Memory_Efficiency"
    ]


def test_output_is_the_commits_table(mined: Path) -> None:
    for shard in (mined / "commits").glob("*.parquet"):
        table = pq.read_table(shard)
        assert table.schema.names == COMMITS.names
        # Parquet names list items "element" and has no second unit (it stores ms).
        for name in COMMITS.names:
            expected, actual = COMMITS.field(name), table.schema.field(name)
            if name == "committed_at":
                assert pa.types.is_timestamp(actual.type) and actual.type.tz == "UTC"
            elif name != "aspects":
                assert actual.type == expected.type and actual.nullable == expected.nullable
        validate(table.cast(COMMITS), COMMITS, str(shard))
    ids = [r["id"] for r in read_rows(mined)]
    assert len(ids) == len(set(ids)) == 8


def test_stats_account_for_every_commit(mined: Path, zoo: Path) -> None:
    stats = json.loads((mined / "stats.json").read_text())
    total = sum(
        int(
            subprocess.run(
                ["git", "-C", str(repo), "rev-list", "--all", "--count"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for repo in sorted(zoo.iterdir())
    )
    assert stats["rows_in"] == total
    assert stats["rows_out"] == 8
    assert stats["drops_by_reason"] == dict(sorted(expected_drops().items()))
    assert stats["accounted"] is True
    assert stats["by_language"] == {
        name: 1 for name in ("C", "CSharp", "Cpp", "Go", "Java", "JavaScript", "Python", "Ruby")
    }
    assert stats["by_aspect"] == {
        "Functional_Correctness": 2,
        "Memory_Efficiency": 2,
        "Readability_Maintainability": 2,
        "Runtime_Efficiency": 1,
        "Security_Hardness": 2,
    }
    assert stats["by_language_aspect"]["Cpp"] == {"Memory_Efficiency": 1, "Runtime_Efficiency": 1}
    assert set(stats["stages"]) == set(STAGES[:-1])


def test_rerun_is_a_no_op(mined: Path, zoo: Path, benchmark_file: Path) -> None:
    before = {p.name: p.read_bytes() for p in (mined / "commits").glob("*.parquet")}
    run_mining(
        MiningConfig(
            output=mined,
            repos=[zoo],
            benchmarks=[benchmark_file],
            executor=ExecutorConfig(tasks=2, start_method="fork"),
        )
    )
    after = {p.name: p.read_bytes() for p in (mined / "commits").glob("*.parquet")}
    assert before == after
    assert json.loads((mined / "stats.json").read_text())["rows_out"] == 8


def test_project_history_smoke(repo_root: Path, tmp_path: Path) -> None:
    if not (repo_root / ".git").exists():
        pytest.skip("the project checkout has no git history")
    commits = int(
        subprocess.run(
            ["git", "-C", str(repo_root), "rev-list", "--all", "--count"],
            capture_output=True, text=True, check=True,
        ).stdout
    )  # fmt: skip
    stats = json.loads(
        run_mining(
            MiningConfig(output=tmp_path, repos=[repo_root], license="Apache-2.0")
        ).read_text()
    )
    assert stats["rows_in"] == commits
    assert stats["drops_by_reason"]["root_commit"] >= 1
    assert stats["accounted"] is True
    assert stats["rows_out"] == sum(stats["by_language"].values())


def test_executor_is_one_option(zoo: Path, tmp_path: Path) -> None:
    from datatrove.executor.local import LocalPipelineExecutor
    from datatrove.executor.slurm import SlurmPipelineExecutor

    local = build_executors(
        MiningConfig(output=tmp_path, repos=[zoo], executor=ExecutorConfig(tasks=3, workers=2))
    )
    assert all(isinstance(e, LocalPipelineExecutor) for e in local) and len(local) == len(STAGES)
    assert [e.world_size for e in local] == [3, 1, 3, 1, 3, 1]  # 3 tasks share the 14 bands
    wide = build_executors(
        MiningConfig(output=tmp_path, repos=[zoo], executor=ExecutorConfig(tasks=20, workers=2))
    )
    assert [e.world_size for e in wide] == [20, 1, 14, 1, 20, 1]  # at most one task per band
    assert all(e.depends is p for p, e in itertools.pairwise(local))
    slurm = build_executors(
        MiningConfig(
            output=tmp_path,
            repos=[zoo],
            executor=ExecutorConfig(
                kind="slurm", tasks=4, slurm=SlurmOptions(partition="cpu", time="01:00:00")
            ),
        )
    )
    assert [type(e) for e in slurm] == [SlurmPipelineExecutor] * len(STAGES)
    assert slurm[-1].depends is slurm[-2] and slurm[0].tasks == 4
    with pytest.raises(ValueError, match="partition"):
        build_executors(
            MiningConfig(output=tmp_path, repos=[zoo], executor=ExecutorConfig(kind="slurm"))
        )
    try:
        import ray  # noqa: F401
    except ImportError:
        pytest.skip("ray is not installed here; RayPipelineExecutor needs it to run")
    from datatrove.executor.ray import RayPipelineExecutor

    ray_executors = build_executors(
        MiningConfig(output=tmp_path, repos=[zoo], executor=ExecutorConfig(kind="ray"))
    )
    assert isinstance(ray_executors[0], RayPipelineExecutor)


@pytest.mark.slow
def test_killed_run_resumes_without_loss_or_duplicates(tmp_path: Path) -> None:
    repo = tmp_path / "big.git"
    build_repository(repo, single_file_history(1500, files=200), bare=True)
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    command = [
        sys.executable, "-m", "pipelines.cli", "mine", "--repos", str(repo), "--license", "MIT",
        "--tasks", "6", "--workers", "1",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])}
    process = subprocess.Popen(
        [*command, "--out", str(crashed)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
    )  # fmt: skip
    completions = crashed / "logs" / "mine" / "completions"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if completions.is_dir() and len(list(completions.iterdir())) >= 2:
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    done = len(list(completions.iterdir())) if completions.is_dir() else 0
    assert 0 < done < 6, f"the kill should land mid-stage ({done}/6 tasks complete)"
    assert not (crashed / "stats.json").exists()

    subprocess.run([*command, "--out", str(crashed)], check=True, capture_output=True, env=env)
    subprocess.run([*command, "--out", str(clean)], check=True, capture_output=True, env=env)
    resumed_rows, clean_rows = read_rows(crashed), read_rows(clean)
    resumed_ids = [r["id"] for r in resumed_rows]
    assert len(resumed_ids) == len(set(resumed_ids))
    assert sorted(resumed_ids) == sorted(r["id"] for r in clean_rows)
    resumed_stats = json.loads((crashed / "stats.json").read_text())
    clean_stats = json.loads((clean / "stats.json").read_text())
    for key in ("rows_in", "rows_out", "drops_by_reason", "accounted"):
        assert resumed_stats[key] == clean_stats[key]
    assert clean_stats["rows_in"] == 1501 and clean_stats["accounted"] is True


def test_stats_name_each_repository_with_its_licence_and_yield(mined: Path, zoo: Path) -> None:
    stats = json.loads((mined / "stats.json").read_text())
    repos = stats["repositories"]
    assert sorted(repos) == ["fork", "gpl", "main", "nolicense"]
    assert {name: r["license"] for name, r in repos.items()} == {
        "fork": "MIT", "gpl": "GPL-3.0", "main": "MIT", "nolicense": "unknown",
    }  # fmt: skip
    assert [name for name, r in repos.items() if not r["allowed"]] == ["gpl", "nolicense"]
    assert stats["repositories_not_allowed"] == 2
    assert sum(r["commits"] for r in repos.values()) == stats["rows_in"]
    assert sum(r["rows_out"] for r in repos.values()) == stats["rows_out"] == 8
    assert repos["gpl"]["rows_out"] == repos["nolicense"]["rows_out"] == 0
    assert repos["gpl"]["commits"] == 2 and repos["gpl"]["candidates"] == 0
    main = repos["main"]
    assert main["yield"] == round(main["rows_out"] / main["commits"], 6) > 0
