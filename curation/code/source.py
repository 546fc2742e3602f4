"""Turning untrusted input into bytes that tree-sitter can parse, with a size cap.

Mined files are arbitrary: invalid UTF-8, NUL bytes, empty files, generated files of tens
of megabytes. The parser copes with all of these except size, where a single 50 MB file
would stall a worker; so the cap is enforced here with an error that says what to change.
"""

from __future__ import annotations

from dataclasses import dataclass

from tree_sitter import Tree

from curation.languages import get_language

DEFAULT_MAX_BYTES = 8 * 1024 * 1024


class SourceTooLargeError(ValueError):
    """Raised when a source exceeds the size cap; the message names both sizes."""


@dataclass(frozen=True)
class ParsedSource:
    """Source bytes with their syntax tree and what was unusual about the bytes."""

    language: str
    data: bytes
    tree: Tree
    valid_utf8: bool
    has_nul: bool


def to_bytes(source: str | bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Encode ``source`` as UTF-8 (strings) or take it as is (bytes), enforcing the cap."""
    data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else bytes(source)
    if len(data) > max_bytes:
        raise SourceTooLargeError(
            f"source is {len(data):,} bytes, over the {max_bytes:,}-byte cap; "
            "raise max_bytes to analyse it, or filter such files out earlier"
        )
    return data


def is_valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def parse_source(
    source: str | bytes, language: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> ParsedSource:
    """Parse ``source`` in ``language`` (any alias) with the thread's cached parser."""
    lang = get_language(language)
    data = to_bytes(source, max_bytes)
    tree = lang.parser().parse(data)
    return ParsedSource(
        language=lang.name,
        data=data,
        tree=tree,
        valid_utf8=is_valid_utf8(data),
        has_nul=b"\x00" in data,
    )
