"""Writing the dataset folder: zstd Parquet shards under ``data/{split}/``, one file family
per aspect, so that per-aspect configs of the card are plain glob patterns.

Layout::

    DIR/README.md                                    dataset card (YAML metadata + tables)
    DIR/stats.json                                   the card's numbers, machine-readable
    DIR/data/{split}/{aspect}-{i:05d}-of-{n:05d}.parquet

Rows in a shard are sorted by pair id: a stable order that is also a shuffle, since ids are
hashes. Shards are plain Parquet (schema PAIRS) that ``datasets``, polars and DuckDB read as
they are.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pyarrow.parquet as pq

from curation.assembly.records import Pair
from curation.criteria import ASPECTS
from curation.run_fingerprint import replace_atomically
from curation.schema import PAIRS, SPLITS, from_rows

# What assembly owns inside an output folder; only these are ever replaced.
OWNED_ENTRIES: tuple[str, ...] = ("data", "README.md", "stats.json")


class OutputExistsError(FileExistsError):
    """The output folder already holds a dataset and overwriting was not asked for."""


@dataclass(frozen=True)
class ShardFile:
    """One written shard: its path relative to the dataset folder and what it holds."""

    path: str
    split: str
    aspect: str
    rows: int
    bytes: int


def prepare_output(out_dir: Path, overwrite: bool = False) -> None:
    """Make ``out_dir`` ready: refuse to mix with an earlier dataset (stale shards would be
    read as part of the new one) unless ``overwrite``, which removes only what assembly owns."""
    existing = [name for name in OWNED_ENTRIES if (out_dir / name).exists()]
    if existing and not overwrite:
        raise OutputExistsError(
            f"{out_dir} already holds a dataset ({', '.join(existing)}); "
            "pass --overwrite to replace it or choose another --out"
        )
    for name in existing:
        target = out_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()
    out_dir.mkdir(parents=True, exist_ok=True)


def write_shards(pairs: list[Pair], out_dir: Path, rows_per_shard: int) -> list[ShardFile]:
    """Write every (split, aspect) group of ``pairs`` as zstd Parquet shards."""
    if rows_per_shard < 1:
        raise ValueError(f"rows_per_shard must be >= 1, got {rows_per_shard}")
    by_cell: dict[tuple[str, str], list[Pair]] = {}
    for pair in pairs:
        if pair.split not in SPLITS:
            raise ValueError(f"pair {pair.id} has no valid split: {pair.split!r}")
        by_cell.setdefault((pair.split, pair.aspect), []).append(pair)
    written: list[ShardFile] = []
    for split in SPLITS:
        for aspect in ASPECTS:
            cell = sorted(by_cell.get((split, aspect), []), key=lambda pair: pair.id)
            if not cell:
                continue
            count = math.ceil(len(cell) / rows_per_shard)
            folder = out_dir / "data" / split
            folder.mkdir(parents=True, exist_ok=True)
            for index in range(count):
                rows = cell[index * rows_per_shard : (index + 1) * rows_per_shard]
                table = from_rows((pair.row() for pair in rows), PAIRS, f"{split}/{aspect}")
                path = folder / f"{aspect}-{index:05d}-of-{count:05d}.parquet"
                replace_atomically(path, partial(pq.write_table, table, compression="zstd"))
                written.append(
                    ShardFile(
                        path=path.relative_to(out_dir).as_posix(),
                        split=split,
                        aspect=aspect,
                        rows=len(rows),
                        bytes=path.stat().st_size,
                    )
                )
    return written
