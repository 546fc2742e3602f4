"""The assembled dataset folder shared by the assembly tests (built once per module)."""

from __future__ import annotations

from pathlib import Path

import pytest

from curation.assembly import (
    AssemblyConfig,
    SplitFractions,
    assemble,
)
from tests.fixtures.assembly_producers import make_producers


@pytest.fixture(scope="module")
def producers(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make_producers(tmp_path_factory.mktemp("producers"))


@pytest.fixture(scope="module")
def dataset(producers: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dataset") / "ds"
    config = AssemblyConfig(
        seed=7,
        splits=SplitFractions(0.7, 0.15, 0.15),
        max_per_cell=25,
        rows_per_shard=20,
        license="apache-2.0",
    )
    assemble(producers, out, config)
    return out
