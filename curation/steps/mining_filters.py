"""datatrove filters over mined commits; each drop is counted as ``dropped_<reason>``.

The rules themselves are the pure functions of ``curation/mining/filters.py``; these
classes only bind them to a config and to the document layout of ``records.py``.
"""

from __future__ import annotations

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter
from tree_sitter import Node

from curation.code import SourceTooLargeError, parse_source
from curation.mining.diffs import unified_diff
from curation.mining.filters import (
    FilterConfig,
    contents_reason,
    license_reason,
    message_reason,
)

FilterResult = bool | tuple[bool, str]


def _verdict(reason: str | None) -> FilterResult:
    return True if reason is None else (False, reason)


class LanguageFilter(BaseFilter):
    """Keeps the 8 languages, or the subset in ``FilterConfig.allowed_languages``."""

    name = "🈯 language"

    def __init__(self, config: FilterConfig | None = None) -> None:
        super().__init__()
        self.config = config or FilterConfig()

    def filter(self, doc: Document) -> FilterResult:
        language = doc.metadata.get("language")
        if not language:
            return False, "not_a_language"
        allowed = self.config.allowed_languages
        return _verdict(None if allowed is None or language in allowed else "language_not_selected")


class CommitMessageFilter(BaseFilter):
    """Message length, trivial messages, merge and revert markers."""

    name = "✉ commit message"

    def __init__(self, config: FilterConfig | None = None) -> None:
        super().__init__()
        self.config = config or FilterConfig()

    def filter(self, doc: Document) -> FilterResult:
        message = doc.metadata.get("message") or doc.metadata.get("subject") or ""
        return _verdict(message_reason(message, self.config))


class LicenseFilter(BaseFilter):
    """Keeps commits of repositories under an allowed (by default permissive) licence."""

    name = "⚖ licence"

    def __init__(self, config: FilterConfig | None = None) -> None:
        super().__init__()
        self.config = config or FilterConfig()

    def filter(self, doc: Document) -> FilterResult:
        return _verdict(license_reason(doc.metadata.get("license"), self.config.licenses))


class CommitContentsFilter(BaseFilter):
    """Size caps, generated and minified files, identical or whitespace-only changes."""

    name = "📏 contents"

    def __init__(self, config: FilterConfig | None = None) -> None:
        super().__init__()
        self.config = config or FilterConfig()

    def filter(self, doc: Document) -> FilterResult:
        meta = doc.metadata
        return _verdict(contents_reason(meta["path"], meta["old_contents"], doc.text, self.config))


def reaches_depth(node: Node, depth: int) -> bool:
    """Whether some root-to-leaf path under ``node`` has at least ``depth`` nodes (the depth
    of ``curation.code.analyze``), stopping at the first such path instead of walking the
    whole tree: for the usual threshold of 3 this looks at a handful of nodes."""
    if depth <= 1:
        return True
    return any(reaches_depth(child, depth - 1) for child in node.children)


class SyntaxFilter(BaseFilter):
    """Both versions parse without errors in their language and have AST depth >= N.

    ``has_error`` on the root is exactly ``not analyze(...).parses`` (it covers ERROR and
    MISSING nodes), so this needs one parse per side and no full analysis.
    """

    name = "🌲 tree-sitter"

    def __init__(self, config: FilterConfig | None = None) -> None:
        super().__init__()
        self.config = config or FilterConfig()

    def filter(self, doc: Document) -> FilterResult:
        language = doc.metadata["language"]
        for side, source in (("old", doc.metadata["old_contents"]), ("new", doc.text)):
            try:
                root = parse_source(source, language, self.config.max_file_bytes).tree.root_node
            except SourceTooLargeError:
                return False, "file_too_large"
            if root.has_error:
                return False, f"{side}_parse_error"
            if not reaches_depth(root, self.config.min_ast_depth):
                return False, "shallow_ast"
        return True


class UnifiedDiff(PipelineStep):
    """Adds the unified diff; placed after the filters so only kept commits pay for it."""

    type = "✍ - ENRICH"
    name = "± unified diff"

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        for doc in data:
            with self.track_time():
                meta = doc.metadata
                meta["diff"] = unified_diff(meta["old_contents"], doc.text, meta["path"])
            yield doc
