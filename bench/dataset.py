"""CRB-format preference pairs: reading, normalising, filtering and sampling.

A benchmark source is a Parquet file, a folder of Parquet files, or (online) a Hugging Face
dataset id such as ``Themis/CodeRewardBench`` with a config (``Full``,
``Stratified_Aspect``, ``Stratified_Language``), resolved and read through the pair contract
(:mod:`curation.pairs`), whose alias table is the only one. A pair's ``source`` is called
``subset`` in CRB's run format, the layout every bench table keeps. Language/aspect
spellings (``C#``, ``readability``) are normalised. A row with a missing field is never
dropped silently: it is reported by id, and ``strict`` turns the report into an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from curation.criteria import normalize_aspect
from curation.languages import normalize_language
from curation.pairs.columns import PairsError, alias_renames
from curation.pairs.files import is_hub_id, read_hub, resolve_pair_files

CRB_COLUMNS: tuple[str, ...] = (
    "id",
    "prompt",
    "chosen",
    "rejected",
    "language",
    "aspect",
    "subset",
)


class DatasetError(ValueError):
    """A benchmark source that cannot be read as CRB pairs; the message names it."""


@dataclass
class PairSet:
    """Normalised CRB pairs plus what was set aside and why (reason -> ids)."""

    pairs: pl.DataFrame
    dropped: dict[str, list[str]] = field(default_factory=dict)
    source: str = ""

    @property
    def dropped_count(self) -> int:
        return sum(len(ids) for ids in self.dropped.values())

    def summary(self) -> str:
        parts = [f"{self.pairs.height} pairs from {self.source}"]
        for reason, ids in sorted(self.dropped.items()):
            shown = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
            parts.append(f"dropped {len(ids)} ({reason}): {shown}")
        return "; ".join(parts)


def read_source(source: str | Path, config: str | None = None, split: str = "test") -> pl.DataFrame:
    """Raw rows of a Parquet file, a folder of Parquet files, or a Hugging Face dataset id."""
    files = resolve_pair_files(str(source))
    if files:
        frames = []
        for file in files:
            try:
                frames.append(pl.read_parquet(file))
            except (OSError, pl.exceptions.PolarsError) as error:
                raise DatasetError(f"{file}: cannot read Parquet ({error})") from error
        return pl.concat(frames, how="diagonal_relaxed")
    if Path(source).is_dir():
        raise DatasetError(f"{source}: folder holds no .parquet files")
    if not is_hub_id(str(source)):
        raise DatasetError(
            f"{source}: no such file or folder, check the path (or give a Hub dataset id)"
        )
    try:
        return read_hub(str(source), config, split)
    except PairsError as error:
        raise DatasetError(str(error)) from error


def normalize_pairs(raw: pl.DataFrame, source: str = "pairs", strict: bool = False) -> PairSet:
    """Rename aliases, check fields, canonicalise spellings; report dropped rows by id."""
    table = raw.rename(alias_renames(raw.columns))
    if "source" in table.columns and "subset" not in table.columns:
        table = table.rename({"source": "subset"})
    if "id" not in table.columns:
        table = table.with_row_index("id").with_columns(pl.format("{}_{}", pl.lit("row"), "id"))
    if "subset" not in table.columns:
        table = table.with_columns(pl.lit("unknown").alias("subset"))
    absent = [c for c in CRB_COLUMNS if c not in table.columns]
    if absent:
        raise DatasetError(f"{source}: missing column(s) {', '.join(absent)}")
    table = table.select(pl.col(c).cast(pl.String) for c in CRB_COLUMNS)

    dropped: dict[str, list[str]] = {}
    for column in CRB_COLUMNS[1:]:
        absent_value = pl.col(column).is_null()
        if column != "prompt":  # an empty prompt is legitimate, an empty response is not
            absent_value = absent_value | (pl.col(column).str.strip_chars() == "")
        bad = table.filter(absent_value)
        if bad.height:
            dropped[f"missing {column}"] = bad["id"].fill_null("<no id>").to_list()
            table = table.join(bad.select("id"), on="id", how="anti")
    missing_id = table.filter(pl.col("id").is_null())
    if missing_id.height:
        dropped["missing id"] = [f"row {i}" for i in range(missing_id.height)]
        table = table.filter(pl.col("id").is_not_null())
    duplicated = table.filter(pl.col("id").is_duplicated())["id"].unique().sort().to_list()
    if duplicated:
        raise DatasetError(f"{source}: duplicate pair id(s) {', '.join(duplicated[:10])}")

    for column, normalize in (("language", normalize_language), ("aspect", normalize_aspect)):
        mapping: dict[str, str] = {}
        for value in table[column].unique().to_list():
            try:
                mapping[value] = normalize(value)
            except ValueError:
                ids = table.filter(pl.col(column) == value)["id"].to_list()
                dropped.setdefault(f"unknown {column} {value!r}", []).extend(ids)
        table = table.filter(pl.col(column).is_in(list(mapping)))
        table = table.with_columns(pl.col(column).replace_strict(mapping))
    result = PairSet(table, dropped, source)
    if strict and dropped:
        raise DatasetError(f"{source}: {result.summary()}")
    return result


def load_pairs(
    source: str | Path,
    config: str | None = None,
    split: str = "test",
    strict: bool = False,
) -> PairSet:
    """Read and normalise a benchmark source (see :func:`read_source`)."""
    return normalize_pairs(read_source(source, config, split), str(source), strict)


def _canonical(values: Sequence[str] | None, normalize) -> list[str] | None:
    return None if not values else [normalize(v) for v in values]


def select_pairs(
    pairs: pl.DataFrame,
    aspects: Sequence[str] | None = None,
    languages: Sequence[str] | None = None,
    subsets: Sequence[str] | None = None,
    sample: int | None = None,
    seed: int = 0,
) -> pl.DataFrame:
    """Filter by aspect, language and subset (aliases accepted), then take a seeded sample.

    The sample is stratified by aspect (proportional, at least one pair per aspect present)
    so that a quick run still reports every criterion; order follows the input.
    """
    table = pairs
    wanted_aspects = _canonical(aspects, normalize_aspect)
    wanted_languages = _canonical(languages, normalize_language)
    if wanted_aspects:
        table = table.filter(pl.col("aspect").is_in(wanted_aspects))
    if wanted_languages:
        table = table.filter(pl.col("language").is_in(wanted_languages))
    if subsets:
        table = table.filter(pl.col("subset").is_in(list(subsets)))
    if sample is None or sample >= table.height:
        return table
    if sample <= 0:
        raise DatasetError(f"sample size must be positive, got {sample}")
    indexed = table.with_row_index("_row")
    sizes = dict(indexed.group_by("aspect").agg(pl.len()).sort("aspect").iter_rows())
    if sample < len(sizes):
        return indexed.sample(sample, seed=seed).sort("_row").drop("_row")
    quotas = _proportional_quotas(sizes, sample)
    picked = [
        indexed.filter(pl.col("aspect") == aspect).sample(quota, seed=seed)
        for aspect, quota in quotas.items()
    ]
    return pl.concat(picked).sort("_row").drop("_row")


def _proportional_quotas(sizes: dict[str, int], sample: int) -> dict[str, int]:
    """Largest-remainder shares of ``sample`` (at least one each) that sum to ``sample``."""
    total = sum(sizes.values())
    exact = {key: sample * size / total for key, size in sizes.items()}
    quotas = {key: min(sizes[key], max(1, int(share))) for key, share in exact.items()}
    by_remainder = sorted(exact, key=lambda key: (-(exact[key] - int(exact[key])), key))
    while sum(quotas.values()) < sample:
        growable = [key for key in by_remainder if quotas[key] < sizes[key]]
        quotas[growable[0]] += 1
        by_remainder = growable[1:] + growable[:1]
    while sum(quotas.values()) > sample:
        largest = max(quotas, key=lambda key: (quotas[key], key))
        quotas[largest] -= 1
    return quotas
