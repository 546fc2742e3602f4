"""Commit-message trailers that name people (``Signed-off-by: Name <mail>``).

Kept apart from ``pii.py`` because the readers strip them from every message they read,
so that no author name or address is written to any table, intermediate shards included;
this module imports nothing heavy for that reason.
"""

from __future__ import annotations

import re

_TRAILER = re.compile(
    r"^(?:signed-off-by|co-authored-by|reviewed-by|acked-by|tested-by|reported-by|"
    r"suggested-by|helped-by|reviewed-on|cc)[ \t]*:.*(?:\n|$)",
    re.I | re.M,
)


def strip_trailers(message: str) -> tuple[str, int]:
    """(message without its people trailers and trailing blank lines, trailers removed)."""
    if ":" not in message:
        return message, 0
    text, count = _TRAILER.subn("", message)
    return (text.rstrip("\n") if count else text), count
