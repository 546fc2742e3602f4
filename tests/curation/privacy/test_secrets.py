"""``curation/privacy/secrets.py``: detect-secrets plugins on planted fake credentials.

Fake secrets are assembled from pieces so this file holds no literal a scanner flags.
"""

from __future__ import annotations

from curation.privacy.secrets import SecretFinding, SecretScanner, placeholders, redact

SLACK = "xox" + "p-" + "2222222222-3333333333-" + "9f8e7d6c5b4a39281706ab"
AWS = "AKIA" + "J3K4L5M6N7P8Q9R2"
PASSWORD_URL = "mysql://deploy:" + "Zq7xW2pL9vK4" + "@10.1.2.3/app"
PEM = "-----BEGIN OPENSSH " + "PRIVATE KEY-----"
ENTROPY = "q8ZrT2mVx9LpW4sKd7" + "NfB3hJ6yUcE1aG"

CLEAN = """import hashlib

SHA256_EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
RUN_ID = "123e4567-e89b-12d3-a456-426614174000"
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
password = os.environ["PASSWORD"]


def digest(data):
    return hashlib.sha256(data).hexdigest()
"""


def kinds(findings: list[SecretFinding]) -> dict[str, int]:
    return {f.slug: f.line for f in findings}


def test_each_planted_credential_is_found_on_its_line() -> None:
    text = "\n".join(
        [
            "import os",
            f'SLACK = "{SLACK}"',
            f'aws_access_key_id = "{AWS}"',
            f'DSN = "{PASSWORD_URL}"',
            f'KEY = """{PEM}',
            '"""',
            f'token = "{ENTROPY}"',
            'db_password = "correct-horse-battery"',
        ]
    )
    found = kinds(SecretScanner().scan([("new_contents", text)], "settings.py"))
    assert found == {
        "slack_token": 2,
        "aws_access_key": 3,
        "basic_auth_credentials": 4,
        "private_key": 5,
        "high_entropy_assignment": 7,
        "secret_keyword": 8,
    }


def test_hashes_uuids_sequences_and_indirections_are_not_secrets() -> None:
    assert SecretScanner().scan([("new_contents", CLEAN)], "clean.py") == []


def test_a_random_literal_counts_only_when_assigned() -> None:
    scanner = SecretScanner()
    assert scanner.scan([("x", f'call("{ENTROPY}")')], "a.py") == []
    (finding,) = scanner.scan([("x", f'    api_token: "{ENTROPY}"')], "a.yaml")
    assert finding.slug == "high_entropy_assignment"


def test_a_line_shared_by_two_fields_is_reported_once_where_it_first_appears() -> None:
    line = f'SLACK = "{SLACK}"'
    findings = SecretScanner().scan(
        [("old_contents", f"x = 1\n{line}\n"), ("new_contents", f"x = 2\n{line}\n")], "a.py"
    )
    assert [(f.where, f.line, f.slug) for f in findings] == [("old_contents", 2, "slack_token")]


def test_the_value_never_appears_in_a_finding_repr() -> None:
    (finding,) = SecretScanner().scan([("message", f"leaked {AWS} oops")])
    assert AWS not in repr(finding) and AWS not in str(finding)
    assert finding.value == AWS


def test_placeholders_are_stable_per_value_and_replace_on_every_side() -> None:
    scanner = SecretScanner()
    old = f'A = "{SLACK}"\nB = "{AWS}"\n'
    new = f'B = "{AWS}"\nA = "{SLACK}"\nC = 1\n'
    mapping = placeholders(scanner.scan([("old", old), ("new", new)], "a.py"))
    assert sorted(mapping.values()) == ["<SECRET_1>", "<SECRET_2>"]
    assert redact(old, mapping).splitlines()[0] == redact(new, mapping).splitlines()[1]
    assert SLACK not in redact(new, mapping) and AWS not in redact(new, mapping)
