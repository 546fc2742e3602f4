"""The per-commit rules of the mining recipe as one datatrove step, and the diff enricher.

The rules themselves are the pure functions of ``curation/mining/filters.py`` plus the
tree-sitter check here; :class:`CommitFilter` binds them to a config and to the document
layout of ``records.py`` and counts each drop as ``dropped_<reason>``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.utils.batching import batched
from tree_sitter import Node

from curation.code import ParsedSource, SourceTooLargeError, parse_source
from curation.mining.diffs import unified_diff
from curation.mining.filters import (
    FilterConfig,
    contents_reason,
    language_reason,
    license_reason,
    message_reason,
)
from curation.steps.mining.parses import ParseCache
from curation.steps.mining.readers import tally

# Metadata key under which CommitFilter leaves the parse of the new contents for the MinHash
# signature step, so that each side of a commit is parsed once. It lives only in memory
# between the two steps (the signature step removes it) and is never written.
PARSED_NEW = "_parsed_new"


def reaches_depth(node: Node, depth: int) -> bool:
    """Whether some root-to-leaf path under ``node`` has at least ``depth`` nodes (the depth
    of ``curation.code.analyze``), stopping at the first such path instead of walking the
    whole tree: for the usual threshold of 3 this looks at a handful of nodes."""
    if depth <= 1:
        return True
    return any(reaches_depth(child, depth - 1) for child in node.children)


def parse_reason(
    side: str,
    source: str,
    language: str,
    config: FilterConfig,
    previous: ParsedSource | None = None,
) -> tuple[ParsedSource | None, str | None]:
    """(parse, None) when ``source`` parses without errors to an AST of depth >= N, else
    (None, reason). ``has_error`` on the root is exactly ``not analyze(...).parses`` (it
    covers ERROR and MISSING nodes), so one parse and no full analysis suffice.
    ``previous``, the parse of the commit's other side, makes the parse incremental."""
    try:
        parsed = parse_source(source, language, config.max_file_bytes, previous)
    except SourceTooLargeError:
        return None, "file_too_large"
    root = parsed.tree.root_node
    if root.has_error:
        return None, f"{side}_parse_error"
    if not reaches_depth(root, config.min_ast_depth):
        return None, "shallow_ast"
    return parsed, None


class CommitFilter(PipelineStep):
    """Every per-commit rule, in the recipe's order; the first that fails names the drop.

    1. language: one of the 8, or of ``allowed_languages``
    2. message: length, trivial messages, merge and revert markers
    3. licence: an allowed (by default permissive) licence
    4. contents: size caps, generated and minified files, identical or whitespace-only changes
    5. tree-sitter: both versions parse without errors and have AST depth >= N

    One step rather than one per rule: a datatrove step costs every document a generator hop
    and a few stat updates, which for files of a few dozen lines weighed as much as the
    rules themselves. A kept document carries the parse of its new contents under
    :data:`PARSED_NEW` for the MinHash signature step.

    ``parse=False`` stops after rule 4: the mining pipeline runs the tree-sitter rule as
    :class:`SyntaxFilter` after aspect tagging, because parsing both sides is most of the
    cost of a candidate and most real candidates match no aspect (1,271 of 1,611 on a
    Ruby history), which a look at the message decides for almost nothing.
    """

    type = "🔻 - FILTER"
    name = "🔎 commit rules"

    def __init__(
        self, config: FilterConfig | None = None, batch_size: int = 64, parse: bool = True
    ) -> None:
        super().__init__()
        self.config = config or FilterConfig()
        self.batch_size = batch_size
        self.parse = parse

    def reason(self, doc: Document) -> str | None:
        """Why ``doc`` is dropped, or ``None`` (then its new-side parse is in the metadata)."""
        meta, config = doc.metadata, self.config
        reason = (
            language_reason(meta.get("language"), config)
            or message_reason(meta.get("message") or meta.get("subject") or "", config)
            or license_reason(meta.get("license"), config.licenses)
            or contents_reason(meta["path"], meta["old_contents"], doc.text, config)
        )
        if reason is not None or not self.parse:
            return reason
        return syntax_reason(doc, config)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        for batch in batched(data, self.batch_size):
            with self.track_time("batch"):
                reasons = [self.reason(doc) for doc in batch]
            counts = Counter(f"dropped_{reason}" for reason in reasons if reason)
            counts["dropped"] = sum(counts.values())
            counts["forwarded"] = len(batch) - counts["dropped"]
            tally(self, counts)
            yield from (doc for doc, reason in zip(batch, reasons, strict=True) if not reason)


def syntax_reason(
    doc: Document,
    config: FilterConfig,
    parse=parse_reason,
    parsed_before: Callable[[str, str], ParsedSource | None] | None = None,
) -> str | None:
    """Rule 5 of :class:`CommitFilter`: both sides parse, deep enough; on success the parse
    of the new side is left under :data:`PARSED_NEW`. The new side is parsed as an edit
    of the old one (incrementally). ``parse`` is :func:`parse_reason` or a cache in front
    of it; ``parsed_before(language, source)``, the cache's parses, may hold the new side
    already (git log lists the newer commit, whose old side it is, first): then the old
    side is the one parsed as an edit, of the new, instead of from scratch."""
    meta, language = doc.metadata, doc.metadata.get("language")
    newer = parsed_before(language, doc.text) if parsed_before is not None else None
    old, reason = parse("old", meta["old_contents"], language, config, newer)
    if reason is not None:
        return reason
    parsed, reason = parse("new", doc.text, language, config, old)
    if parsed is not None:
        meta[PARSED_NEW] = parsed
    return reason


class SyntaxFilter(CommitFilter):
    """The tree-sitter rule alone, for commits that already passed ``CommitFilter(parse=
    False)`` and the aspect tagger: only what can still be kept is parsed, once per side,
    and the new side's parse is reused by the MinHash signature step. A file version
    that two commits share is parsed once (:class:`ParseCache`)."""

    name = "🌲 tree-sitter rule"

    def __init__(self, config: FilterConfig | None = None, batch_size: int = 64) -> None:
        super().__init__(config, batch_size)
        self.parses = ParseCache(parse_reason)

    def reason(self, doc: Document) -> str | None:
        return syntax_reason(doc, self.config, self.parses.parse_reason, self.parses.parsed)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        try:
            yield from super().run(data, rank, world_size)
        finally:
            self.stat_update("parses_reused", value=self.parses.hits, unit="task")


class UnifiedDiff(PipelineStep):
    """Adds the unified diff; placed after dedup so that only written commits pay for it."""

    type = "✍ - ENRICH"
    name = "± unified diff"

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1):
        for doc in data:
            with self.track_time():
                meta = doc.metadata
                meta["diff"] = unified_diff(meta["old_contents"], doc.text, meta["path"])
            yield doc
