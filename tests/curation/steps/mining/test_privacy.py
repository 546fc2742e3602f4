"""The privacy step (``curation/steps/mining_privacy.py``) inside the real pipeline, on a
repository built with git that has planted fake secrets and personal data.

The fake secrets are assembled from pieces so that this file itself holds no token a
scanner would flag; each has the exact shape of the real credential.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from curation.privacy.secrets import SecretPolicy
from pipelines.mining import MiningConfig, run_mining

SLACK = "xox" + "b-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"
AWS = "AKIA" + "IOSFODNN7" + "QWERTYU"
DB_URL = "postgres://admin:" + "hunter2Tr0mb0ne" + "@db.internal:5432/orders"
PRIVATE_KEY = "-----BEGIN RSA " + "PRIVATE KEY-----"
AUTHOR_EMAIL = "jane.roe@corp-mail.io"
AUTHOR_NAME = "Jane Roe"


def _module(name: str, body: str) -> str:
    """A distinct Python module (distinct enough that MinHash keeps each one)."""
    names = ["alpha", "beta", "gamma", "delta", "eps", "zeta"]
    words = [f"{name}_{i}_{w}" for i, w in enumerate(names)]
    helpers = "\n\n".join(
        f"def {w}(values):\n    total = {i}\n    for v in values:\n"
        f"        total += v * {i + 3} - len('{w}')\n    return total\n"
        for i, w in enumerate(words)
    )
    return f"{body}\n\n{helpers}\n"


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": AUTHOR_NAME,
        "GIT_AUTHOR_EMAIL": AUTHOR_EMAIL,
        "GIT_COMMITTER_NAME": AUTHOR_NAME,
        "GIT_COMMITTER_EMAIL": AUTHOR_EMAIL,
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    ).stdout


def _commit(repo: Path, files: dict[str, str], message: str) -> str:
    for path, text in files.items():
        (repo / path).write_text(text)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD").strip()


BEFORE = {
    "slack.py": _module("slack", f'SLACK_TOKEN = "{SLACK}"\n\ndef post(x):\n    return x + 1'),
    "aws.py": _module("aws", "def upload(x):\n    return x + 1"),
    "db.py": _module("db", "def connect(x):\n    return x + 1"),
    "keys.py": _module("keys", "def sign(x):\n    return x + 1"),
    "contact.py": _module("contact", "def notify(x):\n    return x + 1"),
}
AFTER = {
    "slack.py": (
        BEFORE["slack.py"].replace("return x + 1", "return max(x, 0) + 1"),
        "Fix crash when the webhook client posts a negative count",
    ),
    "aws.py": (
        BEFORE["aws.py"].replace("def upload", f'AWS_KEY = "{AWS}"\n\n\ndef upload'),
        "Fix memory leak in the upload buffer pool",
    ),
    "db.py": (
        BEFORE["db.py"].replace("def connect", f'DATABASE_URL = "{DB_URL}"\n\n\ndef connect'),
        "Fix SQL injection in the order lookup query",
    ),
    "keys.py": (
        BEFORE["keys.py"].replace("def sign", f'PEM = """{PRIVATE_KEY}\nMIIEow"""\n\n\ndef sign'),
        "Fix crash in the signing helper on empty input",
    ),
    "contact.py": (
        BEFORE["contact.py"].replace(
            "def notify(x):\n    return x + 1",
            "# maintainer: bob.smith@corp-mail.io, server 93.184.216.34, local 127.0.0.1\n"
            "def notify(x):\n    return max(x, 0) + 1",
        ),
        "Fix crash when notify gets a negative count\n\n"
        "Reported by alice.doe@corp-mail.io\n\nSigned-off-by: Jane Roe <jane.roe@corp-mail.io>",
    ),
}


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("planted")
    _git(repo, "init", "-q", "-b", "main")
    _commit(repo, dict(BEFORE), "Initial import of the service modules")
    for path, (text, message) in AFTER.items():
        _commit(repo, {path: text}, message)
    return repo


def _mine(repo: Path, out: Path, policy: SecretPolicy) -> tuple[dict, list[dict]]:
    stats = json.loads(
        run_mining(
            MiningConfig(output=out, repos=[repo], license="MIT", secret_policy=policy)
        ).read_text()
    )
    shards = sorted((out / "commits").glob("*.parquet"))
    rows = [row for shard in shards for row in pq.read_table(shard).to_pylist()]
    return stats, rows


def test_default_policy_drops_every_planted_secret(planted: Path, tmp_path: Path) -> None:
    stats, rows = _mine(planted, tmp_path, SecretPolicy.DROP)
    assert [r["path"] for r in rows] == ["contact.py"]
    privacy = stats["privacy"]
    assert stats["drops_by_reason"]["secret"] == 4
    assert privacy["dropped_secret"] == 4
    assert privacy["secret_policy"] == "drop"
    by_detector = privacy["commits_with_secrets_by_detector"]
    assert by_detector["slack_token"] == 1
    assert by_detector["aws_access_key"] == 1
    assert by_detector["basic_auth_credentials"] == 1
    assert by_detector["private_key"] == 1
    assert stats["accounted"] is True
    written = json.dumps(rows, default=str)
    for secret in (SLACK, AWS, "hunter2Tr0mb0ne", PRIVATE_KEY):
        assert secret not in written


def test_personal_data_is_replaced_and_counted(planted: Path, tmp_path: Path) -> None:
    stats, rows = _mine(planted, tmp_path, SecretPolicy.DROP)
    (row,) = rows
    assert "bob.smith@corp-mail.io" not in row["new_contents"]
    assert "# maintainer: <EMAIL>, server 192.0.2.1, local 127.0.0.1" in row["new_contents"]
    assert "93.184.216.34" not in row["diff"] and "<EMAIL>" in row["diff"]
    assert row["message"] == "Fix crash when notify gets a negative count\n\nReported by <EMAIL>"
    pii = stats["privacy"]["pii_replacements"]
    # the new side holds one e-mail and one public address, the message an e-mail (its
    # trailer went at read time); the diff is built after the replacement
    assert pii == {"email": 2, "ip_address": 1}


def test_author_never_reaches_a_table(planted: Path, tmp_path: Path) -> None:
    _mine(planted, tmp_path, SecretPolicy.REDACT)
    for table in (tmp_path / "commits", tmp_path / "work" / "mined"):
        for path in table.glob("*.parquet"):
            text = json.dumps(pq.read_table(path).to_pylist(), default=str)
            assert AUTHOR_EMAIL not in text and AUTHOR_NAME not in text


def test_redact_policy_keeps_pairs_with_stable_placeholders(planted: Path, tmp_path: Path) -> None:
    stats, rows = _mine(planted, tmp_path, SecretPolicy.REDACT)
    by_path = {r["path"]: r for r in rows}
    assert sorted(by_path) == ["aws.py", "contact.py", "db.py", "keys.py", "slack.py"]
    slack = by_path["slack.py"]
    # the token is on both sides: the same placeholder on both, and the pair is still a pair
    assert 'SLACK_TOKEN = "<SECRET_1>"' in slack["old_contents"]
    assert 'SLACK_TOKEN = "<SECRET_1>"' in slack["new_contents"]
    assert slack["old_contents"] != slack["new_contents"]
    # an unchanged line on both sides: context in the diff, never a change
    assert "-SLACK_TOKEN" not in slack["diff"] and "+SLACK_TOKEN" not in slack["diff"]
    assert 'AWS_KEY = "<SECRET_1>"' in by_path["aws.py"]["new_contents"]
    assert "<SECRET_1>" in by_path["db.py"]["new_contents"]
    assert stats["privacy"]["secret_policy"] == "redact"
    assert stats["privacy"]["secrets_redacted"] >= 4
    assert "secret" not in stats["drops_by_reason"]
    written = json.dumps(rows, default=str)
    for secret in (SLACK, AWS, "hunter2Tr0mb0ne"):
        assert secret not in written
