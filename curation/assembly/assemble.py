"""Assembly end to end: pairs tables in, a dataset folder out.

Order of the steps, and why:

1. read and normalise every input row (aliases, canonical names, stable id, lineage);
   invalid rows are dropped as ``invalid:<what>``;
2. deduplicate by id (the best-evidenced label wins), then drop contradicting pairs;
3. cap each (aspect, language) cell, before splitting, so every split keeps the balance;
4. draw each pair's system prompt and its group's split (both seeded, order-independent);
5. write shards, ``stats.json`` and the card.

Every step is deterministic for a given seed: the same inputs give byte-identical cards and
the same shard contents, whatever the order of the input files' rows.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from curation.assembly.card import render_card
from curation.assembly.mining_summary import summarize_mining
from curation.assembly.reader import expand_inputs, read_pairs
from curation.assembly.records import DropLog, Pair
from curation.assembly.selection import cap_cells, deduplicate, drop_contradictions
from curation.assembly.shortcuts import balance_shortcuts, shortcut_stats
from curation.assembly.splits import SplitFractions, group_key, split_for_group
from curation.assembly.stats import compute_stats
from curation.assembly.writer import ShardFile, prepare_output, write_shards
from curation.pairs.system import SystemPromptShares, choose_system_prompt
from curation.privacy.gate import check_dataset_folder
from curation.run_fingerprint import write_text_atomically
from curation.schema import LABEL_METHODS


@dataclass(frozen=True)
class AssemblyConfig:
    """How to assemble; the defaults follow the published training recipe."""

    seed: int = 0
    system_prompts: SystemPromptShares = field(default_factory=SystemPromptShares)
    splits: SplitFractions = field(default_factory=SplitFractions)
    max_per_cell: int | None = None
    rows_per_shard: int = 50_000
    default_label_method: str | None = None
    license: str = "other"
    pretty_name: str = "codepref pairs"
    # stats.json of the `codepref mine` runs behind the commit pairs, for the card
    mining_stats: tuple[Path, ...] = ()
    # None: report surface shortcuts only; a number: drop pairs until no surface feature
    # predicts the label above it on any aspect (curation.pairs.shortcuts, e.g. 0.65)
    balance_shortcuts: float | None = None

    def __post_init__(self) -> None:
        if self.balance_shortcuts is not None and not 0.5 <= self.balance_shortcuts < 1.0:
            raise ValueError(f"balance_shortcuts must be in [0.5, 1), got {self.balance_shortcuts}")
        if self.default_label_method not in (None, *LABEL_METHODS):
            raise ValueError(
                f"default_label_method {self.default_label_method!r} is not one of "
                f"{', '.join(LABEL_METHODS)}"
            )

    def recorded(self) -> dict[str, Any]:
        """The settings a reader needs to reproduce the dataset, as stored in stats.json."""
        return {
            "seed": self.seed,
            "system_prompt_shares": asdict(self.system_prompts),
            "split_fractions": asdict(self.splits),
            "max_per_cell": self.max_per_cell,
            "rows_per_shard": self.rows_per_shard,
            "default_label_method": self.default_label_method,
            "balance_shortcuts": self.balance_shortcuts,
        }


@dataclass
class AssembledPairs:
    """The kept pairs (split and system prompt assigned), what was dropped, and the inputs."""

    pairs: list[Pair]
    drops: DropLog
    inputs: list[dict[str, Any]]


@dataclass(frozen=True)
class DatasetFolder:
    """A written dataset folder and its numbers."""

    path: Path
    shards: list[ShardFile]
    stats: dict[str, Any]

    @property
    def card_path(self) -> Path:
        return self.path / "README.md"


def assemble_pairs(
    paths: Sequence[Path],
    config: AssemblyConfig | None = None,
    on_file: Callable[[Path, int], None] | None = None,
) -> AssembledPairs:
    """Steps 1-4 on the given Parquet files or folders (see the module docstring).
    ``on_file(path, rows)`` is called after each file, for progress display."""
    config = config or AssemblyConfig()
    drops = DropLog()
    candidates: list[Pair] = []
    inputs: list[dict[str, Any]] = []
    for path in expand_inputs(paths):
        before = drops.total
        kept = list(read_pairs(path, drops, config.default_label_method))
        candidates.extend(kept)
        rows = len(kept) + drops.total - before
        inputs.append({"file": path.name, "rows": rows})
        if on_file is not None:
            on_file(path, rows)
    pairs = drop_contradictions(deduplicate(candidates, drops), drops)
    pairs = cap_cells(pairs, config.max_per_cell, drops, config.seed)
    if config.balance_shortcuts is not None:
        pairs = balance_shortcuts(pairs, config.balance_shortcuts, config.seed, drops)
    for pair in pairs:
        pair.system_kind, pair.system = choose_system_prompt(
            pair.id, pair.aspect, config.system_prompts, config.seed
        )
        pair.split = split_for_group(group_key(pair), config.splits, config.seed)
    pairs.sort(key=lambda pair: pair.id)
    return AssembledPairs(pairs=pairs, drops=drops, inputs=inputs)


def write_dataset(
    assembled: AssembledPairs,
    out_dir: Path,
    config: AssemblyConfig | None = None,
    overwrite: bool = False,
    claim: Callable[[Path], object] | None = None,
) -> DatasetFolder:
    """Step 5: shards under ``data/{split}/``, ``stats.json`` and ``README.md``, each
    replaced atomically. ``claim`` is called with ``out_dir`` once every input is known to
    be good, before anything is written (``codepref assemble`` checks there what the
    folder holds)."""
    config = config or AssemblyConfig()
    if not assembled.pairs:
        raise ValueError(
            f"no pair survived assembly ({assembled.drops.total} dropped: "
            f"{dict(assembled.drops.counts)}); nothing to write"
        )
    mining = summarize_mining(config.mining_stats)  # a bad file fails before any write
    if claim is not None:
        claim(out_dir)
    prepare_output(out_dir, overwrite=overwrite)
    shards = write_shards(assembled.pairs, out_dir, config.rows_per_shard)
    # the last gate: a shard with a secret stops here, before the card that makes the
    # folder pushable is written (SecretInDatasetError names the file and row)
    check_dataset_folder(out_dir / "data")
    stats = compute_stats(
        assembled.pairs, assembled.drops, assembled.inputs, shards, config.recorded()
    )
    if mining is not None:
        stats["mining"] = mining
    stats["shortcuts"] = shortcut_stats(assembled.pairs)
    write_text_atomically(
        out_dir / "stats.json", json.dumps(stats, indent=2, ensure_ascii=False) + "\n"
    )
    card = render_card(stats, pretty_name=config.pretty_name, license=config.license)
    write_text_atomically(out_dir / "README.md", card)
    return DatasetFolder(path=out_dir, shards=shards, stats=stats)


def assemble(
    paths: Sequence[Path],
    out_dir: Path,
    config: AssemblyConfig | None = None,
    overwrite: bool = False,
    on_file: Callable[[Path, int], None] | None = None,
    claim: Callable[[Path], object] | None = None,
) -> DatasetFolder:
    """Pairs tables in, dataset folder out: :func:`assemble_pairs` then :func:`write_dataset`."""
    config = config or AssemblyConfig()
    assembled = assemble_pairs(paths, config, on_file=on_file)
    return write_dataset(assembled, out_dir, config, overwrite=overwrite, claim=claim)
