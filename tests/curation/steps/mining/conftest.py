"""Shared helpers of the mining step tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from datatrove.data import Document

from curation.mining.records import CommitRecord, to_document


@pytest.fixture
def change_doc() -> Callable[[str, str, str], Document]:
    """A Python commit document from its old and new contents and a commit-id prefix."""

    def make(old: str, new: str, commit: str) -> Document:
        return to_document(
            CommitRecord(
                repo="r", commit=commit.ljust(40, "0"), parent="0" * 40, path="a.py",
                language="Python", old_contents=old, new_contents=new, subject="Fix f",
                message="Fix f", license="MIT",
            )
        )  # fmt: skip

    return make
