"""Parses shared between the commits of one task: a file version is parsed once.

A file edited by consecutive commits appears twice: as the new side of the older commit
and the old side of the newer one. On real histories about one candidate in six that
reaches the tree-sitter rule has such a side (35 of 253 on a Ruby history, 49 of 399 on
a Go one), and the large, often-edited files are the ones that repeat and cost the most
to parse. The cache is bounded by the source bytes it holds (trees take about ten times
their source).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from curation.code import ParsedSource
from curation.mining.filters import FilterConfig

Outcome = tuple[ParsedSource | None, str | None]
# parse_reason of curation/steps/mining/filters.py:
# (side, source, language, config, parse of the other side) -> outcome
ParseRule = Callable[[str, str, str, FilterConfig, ParsedSource | None], Outcome]
_SIDE = "{side}"


class ParseCache:
    """The outcome of the tree-sitter rule per (language, source), most recent kept."""

    def __init__(self, rule: ParseRule, max_bytes: int = 4 << 20) -> None:
        self.rule = rule
        self.max_bytes = max_bytes
        self.hits = 0
        self._entries: OrderedDict[tuple[str, str], Outcome] = OrderedDict()
        self._bytes = 0

    def __getstate__(self) -> dict:
        # a step is pickled into every worker: ship it empty (trees cannot be pickled)
        return {**self.__dict__, "_entries": OrderedDict(), "_bytes": 0, "hits": 0}

    def parsed(self, language: str, source: str) -> ParsedSource | None:
        """The parse of ``source`` held here, if it passed the rule (not counted as a hit:
        nothing was spared yet)."""
        outcome = self._entries.get((language, source))
        return None if outcome is None else outcome[0]

    def parse_reason(
        self,
        side: str,
        source: str,
        language: str,
        config: FilterConfig,
        previous: ParsedSource | None = None,
    ) -> Outcome:
        key = (language, source)
        outcome = self._entries.get(key)
        if outcome is None:
            outcome = self.rule(_SIDE, source, language, config, previous)
            self._entries[key] = outcome
            self._bytes += len(source)
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                (_, old_source), _ = self._entries.popitem(last=False)
                self._bytes -= len(old_source)
        else:
            self.hits += 1
            self._entries.move_to_end(key)
        parsed, reason = outcome
        return parsed, reason.replace(_SIDE, side) if reason else None
