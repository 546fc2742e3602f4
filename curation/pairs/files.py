"""Where pairs come from: local files, folders (their ``*.parquet``), globs, or a Hugging Face
dataset id, read into one frame with canonical columns (see :mod:`curation.pairs.columns`).
"""

from __future__ import annotations

import glob
import logging
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from curation.criteria import normalize_aspect
from curation.languages import normalize_language
from curation.pairs.columns import REQUIRED_COLUMNS, PairsError, alias_renames

logger = logging.getLogger(__name__)


def resolve_pair_files(spec: str | Sequence[str]) -> list[str]:
    """Local files, directories (their ``*.parquet``) and globs; sorted, de-duplicated."""
    specs = [spec] if isinstance(spec, str) else list(spec)
    files: list[str] = []
    for item in specs:
        path = Path(item)
        if path.is_dir():
            files += sorted(str(p) for p in path.rglob("*.parquet"))
        elif path.is_file():
            files.append(str(path))
        else:
            files += sorted(glob.glob(item, recursive=True))
    return sorted(dict.fromkeys(files))


def read_pairs(spec: str | Sequence[str], split: str | None = None) -> pl.DataFrame:
    """Read pairs shards into one frame with canonical columns.

    ``spec`` is a path, a directory, a glob, or (when nothing local matches) a Hugging Face
    dataset repo id read with ``datasets``. Aliases are renamed, language and aspect
    normalised; ``id`` defaults to ``<file>:<row>``. A null in a required column raises
    :class:`PairsError` naming the file and row. With ``split``, rows whose ``split`` column
    differs are left out (and counted in the log).
    """
    files = resolve_pair_files(spec)
    if files:
        frames = [_normalise(pl.read_parquet(f), f) for f in files]
        frame = pl.concat(frames, how="diagonal_relaxed")
    else:
        if isinstance(spec, str) and is_hub_id(spec):
            frame = _normalise(read_hub(spec), spec)
        else:
            raise PairsError(f"no pairs files match {spec!r}")
    if split is not None and "split" in frame.columns:
        before = frame.height
        frame = frame.filter(pl.col("split") == split)
        logger.info("kept %d of %d pairs with split=%s", frame.height, before, split)
    return frame


def is_hub_id(spec: str) -> bool:
    """``owner/name`` with nothing local behind it: a Hugging Face dataset repo id."""
    return "/" in spec and not Path(spec).suffix and not spec.startswith((".", "/", "~"))


def read_hub(repo: str, config: str | None = None, split: str = "train") -> pl.DataFrame:
    """Raw rows of a Hub dataset through ``datasets`` (needs network or a warm HF cache)."""
    try:
        import datasets
    except ImportError as exc:  # pragma: no cover - datasets ships with the test extra
        raise PairsError(f"{repo!r} is not a local path and `datasets` is not installed") from exc
    try:
        ds = datasets.load_dataset(repo, config, split=split)
    except Exception as error:  # the datasets library raises many unrelated types
        raise PairsError(f"{repo} ({config or 'default'}/{split}): {error}") from error
    return pl.from_arrow(ds.data.table)


def _normalise(frame: pl.DataFrame, origin: str) -> pl.DataFrame:
    frame = frame.rename(alias_renames(frame.columns))
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise PairsError(f"{origin}: missing column(s) {', '.join(missing)}")
    if "id" not in frame.columns:
        frame = frame.with_row_index("_row").with_columns(
            (pl.lit(f"{Path(origin).name}:") + pl.col("_row").cast(pl.Utf8)).alias("id")
        )
        frame = frame.drop("_row")
    frame = frame.with_columns(pl.col("id").cast(pl.Utf8))
    for column in REQUIRED_COLUMNS:
        nulls = frame.with_row_index("_row").filter(pl.col(column).is_null())
        if nulls.height:
            row = nulls.row(0, named=True)
            raise PairsError(
                f"{origin}: row {row['_row']} (id {row['id']!r}) has a null {column!r} "
                f"({nulls.height} such rows)"
            )
    for column, fn in (("language", normalize_language), ("aspect", normalize_aspect)):
        if column in frame.columns:
            frame = frame.with_columns(_mapped(frame, column, fn, origin))
    return frame


def _mapped(frame: pl.DataFrame, column: str, fn, origin: str) -> pl.Series:
    out = []
    for i, (pair_id, value) in enumerate(zip(frame["id"], frame[column], strict=True)):
        if value is None:
            out.append(None)
            continue
        try:
            out.append(fn(value))
        except ValueError as exc:
            raise PairsError(f"{origin}: row {i} (id {pair_id!r}): {exc}") from exc
    return pl.Series(column, out, dtype=pl.Utf8)
