"""tree-sitter code analysis for the 8 languages: structure, comments and token streams."""

from __future__ import annotations

from curation.code.analysis import CodeAnalysis, FunctionSpan, analyze
from curation.code.source import (
    DEFAULT_MAX_BYTES,
    ParsedSource,
    SourceTooLargeError,
    parse_source,
)
from curation.code.tokens import normalized_tokens, strip_comments, token_bytes

__all__ = [
    "DEFAULT_MAX_BYTES",
    "CodeAnalysis",
    "FunctionSpan",
    "ParsedSource",
    "SourceTooLargeError",
    "analyze",
    "normalized_tokens",
    "parse_source",
    "strip_comments",
    "token_bytes",
]
