"""13-gram decontamination (``curation/dedup/decontamination.py``)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curation.dedup import DecontaminationIndex, ngram_hashes, text_tokens

WORDS = " ".join(f"w{i}" for i in range(20))


def test_tokens_and_ngrams() -> None:
    assert text_tokens("If (x>=10) return Foo;") == [
        "if",
        "(",
        "x",
        ">",
        "=",
        "10",
        ")",
        "return",
        "foo",
        ";",
    ]
    assert len(ngram_hashes(WORDS, 13)) == 20 - 13 + 1
    assert ngram_hashes("too short", 13) == set()


def test_shared_13_gram_is_detected_and_12_is_not() -> None:
    index = DecontaminationIndex.from_texts([WORDS])
    thirteen = " ".join(f"w{i}" for i in range(3, 16))
    twelve = " ".join(f"w{i}" for i in range(3, 15))
    assert index.contaminated(f"prefix {thirteen} suffix")
    assert index.contaminated(thirteen.upper())
    assert not index.contaminated(f"{twelve} other words here")
    assert not DecontaminationIndex.from_texts([]).contaminated(WORDS)


def test_from_parquet(tmp_path: Path) -> None:
    path = tmp_path / "b.parquet"
    pq.write_table(pa.table({"prompt": [WORDS], "chosen": ["c " * 20], "rejected": [None]}), path)
    index = DecontaminationIndex.from_parquet([path])
    assert index.rows == 2 and index.contaminated("c " * 13) and index.contaminated(WORDS)
    bad = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"input": ["x"]}), bad)
    with pytest.raises(ValueError, match=r"bad.parquet: benchmark file lacks column\(s\) prompt"):
        DecontaminationIndex.from_parquet([bad])
