"""Tests of ``curation/assembly/records.py``."""

from __future__ import annotations

from curation.assembly import (
    DropLog,
)


def test_drop_log_keeps_a_bounded_list_of_examples():
    log = DropLog()
    for i in range(50):
        log.drop("invalid:aspect", f"row {i}")
    assert log.total == 50
    assert log.as_dict()["invalid:aspect"]["examples"][:2] == ["row 0", "row 1"]
    assert len(log.as_dict()["invalid:aspect"]["examples"]) == 10
