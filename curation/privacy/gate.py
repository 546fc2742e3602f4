"""The last gate before publication: a dataset folder with a detectable secret is refused.

``codepref assemble`` runs it on the folder it wrote and ``codepref push`` on the folder
it is about to upload, so a secret that slipped past mining (a pairs table built by hand,
an older mining run, an LLM that echoed a key) still never reaches the Hub. The error
names the file, the row, the column and the detector, never the secret itself.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from curation.privacy.secrets import SecretFinding, SecretScanner


class SecretInDatasetError(ValueError):
    """A dataset folder holds a secret; the message says where, without the value."""


def _string_columns(schema: pa.Schema) -> list[str]:
    return [
        f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
    ]


def scan_table_file(path: Path, scanner: SecretScanner) -> tuple[int, str, SecretFinding] | None:
    """The first (row, column, finding) of a Parquet file, or ``None`` when it is clean."""
    shard = pq.ParquetFile(path)
    columns = _string_columns(shard.schema_arrow)
    if not columns:
        return None
    start = 0
    for batch in shard.iter_batches(batch_size=1024, columns=columns):
        data = {name: batch.column(name).to_pylist() for name in columns}
        for offset in range(batch.num_rows):
            findings = scanner.scan((name, data[name][offset]) for name in columns)
            if findings:
                return start + offset, findings[0].where, findings[0]
        start += batch.num_rows
    return None


def check_dataset_folder(folder: Path | str) -> int:
    """Scans every Parquet file under ``folder``; returns the number of files scanned.

    Raises :class:`SecretInDatasetError` at the first secret, naming file, row (0-based),
    column, line and detector.
    """
    folder = Path(folder)
    scanner = SecretScanner()
    files = sorted(folder.rglob("*.parquet"))
    for path in files:
        found = scan_table_file(path, scanner)
        if found is not None:
            row, column, finding = found
            raise SecretInDatasetError(
                f"{path}: row {row}, column {column!r}, line {finding.line}: a secret "
                f"({finding.kind}); the dataset folder is refused"
            )
    return len(files)
