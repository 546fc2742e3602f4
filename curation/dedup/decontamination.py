"""13-gram decontamination against a benchmark given as Parquet.

A mined commit must not share a 13-token window with any prompt or response of the
benchmark the reward model will be evaluated on (CRB columns ``prompt``, ``chosen``,
``rejected``), or the evaluation would reward memorisation. Tokens are words and single
punctuation characters of the lowercased text, so the rule treats prose (prompts,
messages) and code alike and does not depend on a grammar.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import xxhash

_TOKEN = re.compile(r"\w+|[^\w\s]")

BENCHMARK_COLUMNS: tuple[str, ...] = ("prompt", "chosen", "rejected")


def text_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _hash(window: list[str]) -> int:
    return xxhash.xxh64_intdigest("\x1f".join(window).encode("utf-8", "surrogatepass"))


def ngram_hashes(text: str, n: int) -> set[int]:
    """64-bit hashes of every ``n``-token window of ``text`` (none when it is shorter)."""
    tokens = text_tokens(text)
    return {_hash(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@dataclass
class DecontaminationIndex:
    """The set of n-gram hashes of a benchmark; membership tests are O(1) per window."""

    hashes: frozenset[int]
    n: int = 13
    rows: int = 0

    @classmethod
    def from_texts(cls, texts: Iterable[str], n: int = 13) -> DecontaminationIndex:
        hashes: set[int] = set()
        rows = 0
        for text in texts:
            rows += 1
            hashes |= ngram_hashes(text, n)
        return cls(frozenset(hashes), n, rows)

    @classmethod
    def from_parquet(
        cls, paths: Sequence[Path | str], n: int = 13, columns: Sequence[str] = BENCHMARK_COLUMNS
    ) -> DecontaminationIndex:
        """Index the ``columns`` of every Parquet file; a file lacking one of them is an
        error naming the file and the columns it does have."""
        texts: list[str] = []
        for path in paths:
            schema = pq.read_schema(path)
            missing = [c for c in columns if c not in schema.names]
            if missing:
                raise ValueError(
                    f"{path}: benchmark file lacks column(s) {', '.join(missing)}; "
                    f"it has {', '.join(schema.names)}"
                )
            table = pq.read_table(path, columns=list(columns))
            for column in columns:
                texts.extend(v for v in table.column(column).to_pylist() if v)
        return cls.from_texts(texts, n)

    def contaminated(self, text: str) -> bool:
        """True when ``text`` shares at least one n-gram with the benchmark."""
        if not self.hashes:
            return False
        tokens = text_tokens(text)
        n = self.n
        return any(_hash(tokens[i : i + n]) in self.hashes for i in range(len(tokens) - n + 1))
