"""Secret detection with Yelp's ``detect-secrets`` plugins, and stable redaction.

A mined commit that carries a credential must never reach a published dataset. The
detectors are the maintained ``detect-secrets`` plugins (AWS, Slack, GitHub, private
keys, passwords in connection URLs, JWTs, ...) plus its keyword detector (``password =
"..."``), and its Base64/hex entropy measures applied to strings *assigned* to a name
(``token = "q8Zr..."``): a random-looking literal bound to a variable is how most
hand-rolled keys appear, while entropy alone flags every hash and test vector.

The plugins are called through ``analyze_string`` with the library's heuristic false-
positive filters (sequential strings, UUIDs, ids, templates, ``$VAR`` and indirect
references), not through ``detect-secrets``' file scanner: that one needs files on disk
and global settings, and its verification step would contact the services the keys
belong to. A finding carries the detector and the line, never printed with its value.
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import accumulate

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.filters import heuristic
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.plugins.high_entropy_strings import (
    Base64HighEntropyString,
    HexHighEntropyString,
    HighEntropyStringsPlugin,
)
from detect_secrets.plugins.keyword import (
    QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
    REGEX_BY_FILETYPE,
    KeywordDetector,
)
from detect_secrets.util.filetype import determine_file_type

# Plugins not used as secret detectors: public IPs are personal data (``pii.py``), and the
# entropy plugins only count inside assignments (see :meth:`SecretScanner._line_hits`).
_NOT_SECRET_DETECTORS = frozenset(
    {"IPPublicDetector", "Base64HighEntropyString", "HexHighEntropyString"}
)
HIGH_ENTROPY_ASSIGNMENT = "High Entropy Assignment"
# ``name = "..."``, ``name: "..."``, ``name := "..."``, ``:name => "..."``, ``"name": "..."``
_ASSIGNMENT = re.compile(r"""^[ \t]*[\w.\[\]'":@$-]+[ \t]*(?:=|:=|:|=>)[ \t]*(?:b|r|u)?['"]""")
# Every match of the keyword detector (its ``DENYLIST``) and of the keyword-style service
# detectors below (``<service>_api_key = ...``, case-insensitive, slow to search for in a
# whole file) holds one of these words; only lines with one are given to them.
_CREDENTIAL_WORDS = ("key", "pw", "pass", "token", "secret", "contrase", "cloudant", "softlayer")
_CREDENTIAL_WORD = re.compile("(?i)" + "|".join(_CREDENTIAL_WORDS))
_KEYWORD_STYLE = frozenset(
    {"CloudantDetector", "IbmCloudIamDetector", "IbmCosHmacDetector", "SoftlayerDetector"}
)
# A hash, not a key: a digest length on a line that says so (BigCode's pii rule).
_HASH_WORDS = re.compile(r"sha|md5|hash|digest|checksum|fingerprint|etag|integrity", re.I)
_HASH_LENGTHS = frozenset({32, 40, 56, 64, 96, 128})
# Every entropy finding is at least this long: shorter literals are words, not keys.
MIN_KEY_LENGTH = 20


class SecretPolicy(enum.StrEnum):
    """What the miner does with a commit that holds a secret."""

    DROP = "drop"
    REDACT = "redact"


@dataclass(frozen=True)
class SecretFinding:
    """One secret: which detector found it, where (a field name) and on which line."""

    kind: str
    value: str
    where: str
    line: int

    def __repr__(self) -> str:  # the value never reaches a log or an error
        return f"SecretFinding(kind={self.kind!r}, where={self.where!r}, line={self.line})"

    @property
    def slug(self) -> str:
        """The detector as a stats key: ``slack_token``, ``aws_access_key``..."""
        return re.sub(r"[^a-z0-9]+", "_", self.kind.lower()).strip("_")


@cache
def _plugins() -> tuple[BasePlugin, ...]:
    return tuple(
        cls()
        for cls in get_mapping_from_secret_type_to_class().values()
        if cls.__name__ not in _NOT_SECRET_DETECTORS
    )


@cache
def _entropy_plugins() -> tuple[HighEntropyStringsPlugin, ...]:
    return (Base64HighEntropyString(), HexHighEntropyString())


def _false_positive(secret: str, line: str, plugin: BasePlugin) -> bool:
    """``detect-secrets``' default heuristic filters, applied to one candidate."""
    return (
        heuristic.is_sequential_string(secret)
        or heuristic.is_potential_uuid(secret)
        or heuristic.is_likely_id_string(secret, line, plugin)
        or heuristic.is_templated_secret(secret)
        or heuristic.is_prefixed_with_dollar_sign(secret)
        or heuristic.is_indirect_reference(line)
        or heuristic.is_not_alphanumeric_string(secret)
    )


def is_hash_literal(value: str, line: str) -> bool:
    return len(value) in _HASH_LENGTHS and bool(_HASH_WORDS.search(line))


def high_entropy_literals(text: str) -> Iterator[tuple[int, str, str]]:
    """(line index, line, value) of the quoted literals of ``text`` above their charset's
    entropy limit, hashes excluded.

    The plugins' quoted-literal patterns run once over the whole text (their charsets have
    no newline, so a match stays on its line); the line is found only for the few long
    enough to be a key.
    """
    for plugin in _entropy_plugins():
        for match in plugin.regex.finditer(text):
            value = match.group(2)
            if len(value) < MIN_KEY_LENGTH:
                continue
            line, index = _line_at(text, match.start())
            if (
                plugin.calculate_shannon_entropy(value) > plugin.entropy_limit
                and not is_hash_literal(value, line)
                and not _false_positive(value, line, plugin)
            ):
                yield index, line, value


def credential_lines(text: str, lines: list[str]) -> list[int]:
    """Indexes of the lines that hold one of the credential words, found with ``str.find``
    on the lowercased text (a case-insensitive regex per line cost most of the scan)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lowercase is longer: go line by line
        return [i for i, line in enumerate(lines) if _CREDENTIAL_WORD.search(line)]
    starts = list(accumulate((len(line) + 1 for line in lines), initial=0))
    found: set[int] = set()
    for word in _CREDENTIAL_WORDS:
        position = lowered.find(word)
        while position >= 0:
            index = bisect_right(starts, position) - 1
            found.add(index)
            position = lowered.find(word, starts[index + 1])
    return sorted(found)


class SecretScanner:
    """Finds secrets in the fields of a record.

    Each detector first searches the whole text (one C-level regex pass; almost every
    text matches none), and only a detector that matched looks at lines, to name the line
    and apply its per-line rules: scanning line by line with every plugin cost about a
    hundred times more. ``filename`` picks the keyword detector's per-language rules
    (``.py``, ``.go``...).
    """

    def __init__(self) -> None:
        plugins = _plugins()
        self.keyword = next(p for p in plugins if isinstance(p, KeywordDetector))
        self.regex_plugins = tuple(p for p in plugins if p is not self.keyword)

    def _line_hits(self, text: str, rules: dict) -> Iterator[tuple[int, str, str]]:
        """(line index, detector, value) of every secret in ``text``."""
        lines = text.split("\n")
        # lines that name a credential: the only ones the keyword-style detectors can match
        named = [(i, lines[i]) for i in credential_lines(text, lines)]
        named_text = "\n".join(line for _, line in named)
        for plugin in self.regex_plugins:
            keyword_style = type(plugin).__name__ in _KEYWORD_STYLE
            haystack = named_text if keyword_style else text
            if not any(regex.search(haystack) for regex in plugin.denylist):
                continue
            for index, line in named if keyword_style else enumerate(lines):
                for value in plugin.analyze_string(line):
                    if value and not _false_positive(value, line, plugin):
                        yield index, plugin.secret_type, value
        for index, line in named:
            for value in self.keyword.analyze_string(line, denylist_regex_to_group=rules):
                if value and not _false_positive(value, line, self.keyword):
                    yield index, self.keyword.secret_type, value
        for index, line, value in high_entropy_literals(text):
            if _ASSIGNMENT.match(line):
                yield index, HIGH_ENTROPY_ASSIGNMENT, value

    def scan(
        self, fields: Iterable[tuple[str, str | None]], filename: str = ""
    ) -> list[SecretFinding]:
        """Every secret in ``(field name, text)`` pairs, one finding per line and value.

        A line already seen in an earlier field is not scanned again: the two sides of a
        commit share most lines, so this halves the work; the finding names the field
        where the line first appeared.
        """
        rules = REGEX_BY_FILETYPE.get(
            determine_file_type(filename or "file.txt"), QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP
        )
        seen: set[str] = set()
        origin: list[tuple[str, int]] = []
        lines: list[str] = []
        for where, text in fields:
            for number, line in enumerate((text or "").splitlines(), 1):
                if line not in seen:
                    seen.add(line)
                    origin.append((where, number))
                    lines.append(line)
        findings: dict[tuple[int, str], SecretFinding] = {}
        for index, kind, value in self._line_hits("\n".join(lines), rules):
            where, number = origin[index]
            findings.setdefault((index, value), SecretFinding(kind, value, where, number))
        return list(findings.values())


def _line_at(text: str, position: int) -> tuple[str, int]:
    """The line that holds ``position`` and its 0-based index."""
    start = text.rfind("\n", 0, position) + 1
    end = text.find("\n", position)
    return text[start : end if end >= 0 else len(text)], text.count("\n", 0, start)


def redact(text: str, placeholders: dict[str, str]) -> str:
    """``text`` with every secret value replaced by its placeholder, longest first (a
    value that contains another is replaced whole)."""
    for value in sorted(placeholders, key=len, reverse=True):
        text = text.replace(value, placeholders[value])
    return text


def placeholders(findings: Iterable[SecretFinding]) -> dict[str, str]:
    """A stable placeholder per distinct secret value: ``<SECRET_1>``, ``<SECRET_2>``... in
    order of first finding, so the same key gets the same placeholder on both sides of a
    pair and a rotated key shows as a change from one placeholder to another."""
    mapping: dict[str, str] = {}
    for finding in findings:
        mapping.setdefault(finding.value, f"<SECRET_{len(mapping) + 1}>")
    return mapping
