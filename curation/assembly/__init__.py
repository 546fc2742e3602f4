"""Pair assembly: stable ids, lineage, system prompts, group splits, caps, dataset card."""

from __future__ import annotations

from curation.assembly.assemble import (
    AssembledPairs,
    AssemblyConfig,
    DatasetFolder,
    assemble,
    assemble_pairs,
    write_dataset,
)
from curation.assembly.card import card_metadata, render_card, size_category
from curation.assembly.ids import normalize_text, pair_id
from curation.assembly.reader import PairsInputError, expand_inputs, parse_row
from curation.assembly.records import DropLog, Pair
from curation.assembly.splits import SplitFractions, group_key, split_for_group
from curation.assembly.writer import OutputExistsError, ShardFile
from curation.pairs.system import SYSTEM_MODES, SystemPromptShares, choose_system_prompt

__all__ = [
    "SYSTEM_MODES",
    "AssembledPairs",
    "AssemblyConfig",
    "DatasetFolder",
    "DropLog",
    "OutputExistsError",
    "Pair",
    "PairsInputError",
    "ShardFile",
    "SplitFractions",
    "SystemPromptShares",
    "assemble",
    "assemble_pairs",
    "card_metadata",
    "choose_system_prompt",
    "expand_inputs",
    "group_key",
    "normalize_text",
    "pair_id",
    "parse_row",
    "render_card",
    "size_category",
    "split_for_group",
    "write_dataset",
]
