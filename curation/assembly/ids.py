"""Stable pair ids: the same pair gets the same id in every run, producer and shard order.

The id hashes the *normalised* prompt, chosen and rejected code and the aspect, so that two
producers emitting the same pair with different line endings or trailing spaces collide
(and are deduplicated), while the same code pair labelled for two aspects stays two pairs.
"""

from __future__ import annotations

import hashlib
import re

_FIELD_SEPARATOR = "\x1e"  # ASCII record separator: cannot be confused with code text
_TRAILING_SPACE = re.compile(r"[^\S\n]+$", re.MULTILINE)


def normalize_text(text: str) -> str:
    """Line endings to ``\\n``, trailing whitespace of each line removed, and leading or
    trailing blank lines dropped: the differences that never change what code means."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _TRAILING_SPACE.sub("", text).strip("\n")


def _digest(*fields: str) -> str:
    return hashlib.sha256(_FIELD_SEPARATOR.join(fields).encode("utf-8")).hexdigest()[:32]


def pair_id(prompt: str, chosen: str, rejected: str, aspect: str) -> str:
    """A 32-hex-digit id (128 bits of SHA-256) of the normalised pair and its aspect.

    The order matters: swapping chosen and rejected yields another id, which is how
    contradicting pairs are found.
    """
    return pair_ids(prompt, chosen, rejected, aspect)[0]


def pair_ids(prompt: str, chosen: str, rejected: str, aspect: str) -> tuple[str, str]:
    """The pair's id and the id of the same pair with chosen and rejected swapped,
    normalising each text once."""
    p, c, r = normalize_text(prompt), normalize_text(chosen), normalize_text(rejected)
    return _digest(aspect, p, c, r), _digest(aspect, p, r, c)


def unit_interval(*parts: str) -> float:
    """A deterministic number in [0, 1) from strings: the seeded coin that splits and caps
    flip, independent of row order and of Python's per-process hash randomisation."""
    digest = hashlib.sha256(_FIELD_SEPARATOR.join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64
