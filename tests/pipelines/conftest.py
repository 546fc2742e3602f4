"""A real git repository with single-file commits whose messages carry aspect terms."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.synthetic_repos import SyntheticCommit, build_repository

MIT = """MIT License

Permission is hereby granted, free of charge, to any person obtaining a copy of this
software, to deal in the Software without restriction, subject to the following
conditions: The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.
"""

QUERY_V1 = """import sqlite3


def find_user(connection, name):
    cursor = connection.cursor()
    cursor.execute("SELECT id FROM users WHERE name = '" + name + "'")
    return cursor.fetchone()
"""

QUERY_V2 = """import sqlite3


def find_user(connection, name):
    cursor = connection.cursor()
    cursor.execute("SELECT id FROM users WHERE name = ?", (name,))
    return cursor.fetchone()
"""

TOTAL_V1 = """package stats

func Total(values []int) int {
\ttotal := 0
\tfor i := 0; i < len(values); i++ {
\t\tfor j := 0; j <= i; j++ {
\t\t\tif j == i {
\t\t\t\ttotal += values[i]
\t\t\t}
\t\t}
\t}
\treturn total
}
"""

TOTAL_V2 = """package stats

func Total(values []int) int {
\ttotal := 0
\tfor _, v := range values {
\t\ttotal += v
\t}
\treturn total
}
"""


@pytest.fixture
def commit_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "service"
    build_repository(
        repo,
        [
            SyntheticCommit(
                "Add user lookup and stats helpers",
                files={"LICENSE": MIT, "db/users.py": QUERY_V1, "stats/total.go": TOTAL_V1},
            ),
            SyntheticCommit(
                "Fix SQL injection in user lookup by using a parameterized query",
                files={"db/users.py": QUERY_V2},
            ),
            SyntheticCommit(
                "Speed up Total: remove the quadratic inner loop",
                files={"stats/total.go": TOTAL_V2},
            ),
            SyntheticCommit("wip", files={"db/users.py": QUERY_V2 + "\n# todo\n"}),
        ],
    )
    return repo
