"""Reading ``pairs`` tables from several producers into :class:`Pair` records.

Producers (execution pairs, commit pairs, judged pairs, imported datasets) do not agree on
every detail: Themis-style data names the prompt ``input`` and the source ``subset``, some
spell languages ``C#`` or aspects ``security``, some carry no ``label_method``. The reader
normalises all of that once. A file that cannot be used at all (unreadable, a required
column missing) is an error naming the file; a bad row is dropped and counted under a reason
that names the row, so that one broken producer row never sinks a whole assembly.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from curation.assembly.ids import pair_ids
from curation.assembly.records import DropLog, Pair
from curation.criteria import UnknownAspectError, normalize_aspect
from curation.languages import UnknownLanguageError, normalize_language
from curation.pairs.columns import alias_renames, describe_aliases
from curation.schema import LABEL_METHODS

REQUIRED_COLUMNS: tuple[str, ...] = ("prompt", "chosen", "rejected", "language", "aspect", "source")


class PairsInputError(ValueError):
    """An input file that cannot be assembled at all; the message names the file."""


class InvalidRow(ValueError):
    """A row that cannot become a pair; ``reason`` is the drop-reason key it is counted under."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def expand_inputs(paths: Sequence[Path]) -> list[Path]:
    """Parquet files named directly, and the ``*.parquet`` files under directories (sorted),
    in the order given: that order decides nothing but the reading order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.rglob("*.parquet"))
            if not found:
                raise PairsInputError(f"{path}: directory holds no .parquet file")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise PairsInputError(f"{path}: no such file or directory, check the path")
    return files


def load_table(path: Path, default_label_method: str | None = None) -> pa.Table:
    """Read one Parquet file with column aliases applied; fail naming the file when it is
    unreadable or lacks a required column."""
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as error:
        raise PairsInputError(f"{path}: not a readable Parquet file ({error})") from error
    renames = alias_renames(table.column_names)
    names = [renames.get(name, name) for name in table.column_names]
    table = table.rename_columns(names)
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    if missing:
        raise PairsInputError(
            f"{path}: missing column(s) {', '.join(missing)} "
            f"(a pairs table needs {', '.join(REQUIRED_COLUMNS)}; "
            f"aliases accepted: {describe_aliases()})"
        )
    if "label_method" not in names and default_label_method is None:
        raise PairsInputError(
            f"{path}: no label_method column; say how its labels were made "
            f"(--label-method, one of {', '.join(LABEL_METHODS)})"
        )
    return table


def read_pairs(
    path: Path, drops: DropLog, default_label_method: str | None = None
) -> Iterator[Pair]:
    """The valid pairs of one file; invalid rows go to ``drops`` as ``invalid:<what>``."""
    table = load_table(path, default_label_method)
    for index, row in enumerate(table.to_pylist()):
        try:
            yield parse_row(row, path.name, index, default_label_method)
        except InvalidRow as invalid:
            drops.drop(invalid.reason, f"{row_ref(row, path.name, index)}: {invalid}")


def row_ref(row: dict[str, Any], file_name: str, index: int) -> str:
    """How a report names a row: its producer id when it has one, and always file and row."""
    original = row.get("id")
    where = f"{file_name}#{index}"
    return f"{original} ({where})" if original else where


def parse_row(
    row: dict[str, Any], file_name: str, index: int, default_label_method: str | None = None
) -> Pair:
    """One input row as a normalised :class:`Pair`, or :class:`InvalidRow` saying why not.

    Evidence is kept as a JSON object (a non-JSON string is kept under ``note``) and gains an
    ``origin`` entry with the producer's id, file and row (chaining any earlier ``origin``):
    the lineage that lets a reader of the assembled dataset find the judgements and
    executions filed under the producer's id.
    """
    texts = {name: _text(row, name) for name in ("prompt", "chosen", "rejected", "source")}
    try:
        language = normalize_language(str(row.get("language") or ""))
    except UnknownLanguageError as error:
        raise InvalidRow("invalid:language", str(error)) from error
    try:
        aspect = normalize_aspect(str(row.get("aspect") or ""))
    except UnknownAspectError as error:
        raise InvalidRow("invalid:aspect", str(error)) from error
    label_method = row.get("label_method") or default_label_method
    if label_method not in LABEL_METHODS:
        raise InvalidRow(
            "invalid:label_method",
            f"label_method {label_method!r} is not one of {', '.join(LABEL_METHODS)}",
        )
    identity, reverse = pair_ids(texts["prompt"], texts["chosen"], texts["rejected"], aspect)
    if identity == reverse:
        raise InvalidRow("invalid:identical", "chosen and rejected are the same code")
    confidence = _confidence(row.get("confidence"))
    evidence = _evidence(row.get("evidence"))
    origin: dict[str, Any] = {"file": file_name, "row": index, "id": row.get("id")}
    if "origin" in evidence:  # re-assembling an assembled dataset: keep the chain
        origin["from"] = evidence["origin"]
    evidence["origin"] = origin
    group = row.get("group")
    return Pair(
        id=identity,
        reverse_id=reverse,
        prompt=texts["prompt"],
        chosen=texts["chosen"],
        rejected=texts["rejected"],
        language=language,
        aspect=aspect,
        source=texts["source"].strip(),
        label_method=label_method,
        confidence=confidence,
        evidence=evidence,
        group=str(group) if group not in (None, "") else None,
        origin_file=file_name,
        origin_row=index,
    )


def _text(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if not isinstance(value, str):
        raise InvalidRow(f"invalid:{name}", f"{name} is {type(value).__name__}, not text")
    if not value.strip():
        raise InvalidRow(f"invalid:{name}", f"{name} is empty")
    return value


def _confidence(value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise InvalidRow("invalid:confidence", f"confidence {value!r} is not a number") from error
    if not math.isfinite(number) or not 0.0 <= number <= 1.0:
        raise InvalidRow("invalid:confidence", f"confidence {value!r} is outside [0, 1]")
    return number


def _evidence(value: Any) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except json.JSONDecodeError:
            return {"note": value}
        return dict(parsed) if isinstance(parsed, dict) else {"note": parsed}
    return {"note": value}
