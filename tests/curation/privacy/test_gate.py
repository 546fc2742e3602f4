"""``curation/privacy/gate.py``: a dataset folder with a secret is refused, naming where."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.privacy.gate import SecretInDatasetError, check_dataset_folder

TOKEN = "xox" + "b-" + "123456789012-1234567890123-" + "AbCdEfGhIjKlMnOpQrStUvWx"


def _shard(path: Path, chosen: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"id": f"r{i}", "chosen": c, "score": float(i)} for i, c in enumerate(chosen)]
    pq.write_table(pa.Table.from_pylist(rows), path)


def test_clean_folder_passes_and_counts_files(tmp_path: Path) -> None:
    _shard(tmp_path / "data" / "train" / "a.parquet", ["x = 1\n", "y = 2\n"])
    _shard(tmp_path / "data" / "test" / "b.parquet", ["z = 3\n"])
    assert check_dataset_folder(tmp_path) == 2


def test_secret_is_refused_with_file_row_and_column_but_not_value(tmp_path: Path) -> None:
    shard = tmp_path / "data" / "train" / "a.parquet"
    _shard(shard, ["x = 1\n", "y = 2\n", f'x = 1\nSLACK = "{TOKEN}"\n'])
    with pytest.raises(SecretInDatasetError) as raised:
        check_dataset_folder(tmp_path)
    message = str(raised.value)
    assert message.startswith(f"{shard}: row 2, column 'chosen', line 2: a secret (Slack Token)")
    assert TOKEN not in message
