"""The seams between packages that the pair contract (``curation/pairs``) closes.

Each test here failed before the contract existed: ``codepref score`` and ``codepref bench
run`` rendered a pair differently, assembly's "no system prompt" was drawn again by ``rm``,
and modes and column aliases had several spellings.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch
from transformers import AutoTokenizer
from typer.testing import CliRunner

from bench.dataset import normalize_pairs
from bench.scorers import SYSTEM_PROMPT_MODES
from curation.assembly import AssemblyConfig, SplitFractions, assemble
from curation.assembly.reader import load_table
from curation.judge.pairwise import PairToJudge
from curation.pairs.columns import COLUMN_ALIASES
from curation.pairs.files import read_pairs
from curation.pairs.system import FIXED_MODES, SYSTEM_MODES, SystemPromptShares, with_system_prompts
from curation.schema import PAIRS, VOCABULARIES
from pipelines.cli import app
from rm.model import RewardModel
from rm.reward_config import TrainConfig
from tests.fixtures.assembly_producers import row, write

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("curation", "sandbox", "rm", "bench", "pipelines")


@pytest.fixture(scope="module")
def checkpoint(minilm_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A saved codepref RM (MiniLM encoder) whose head is not zero, so scores differ."""
    model = RewardModel.from_pretrained(minilm_path)
    torch.manual_seed(3)
    with torch.no_grad():
        model.seq_cls.score.weight.normal_(0, 1)
    out = tmp_path_factory.mktemp("ckpt") / "rm"
    model.save(out, AutoTokenizer.from_pretrained(minilm_path))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["none", "aspect", "all"])
def test_score_and_bench_run_give_the_same_scores(
    mode: str, checkpoint: Path, smoke_files: tuple[Path, Path], tmp_path: Path
) -> None:
    pairs = read_pairs(str(smoke_files[1])).head(8)
    pairs.write_parquet(tmp_path / "pairs.parquet")
    runner = CliRunner()
    scored = runner.invoke(
        app,
        [
            "score",
            "--model",
            str(checkpoint),
            "--pairs",
            str(tmp_path / "pairs.parquet"),
            "--out",
            str(tmp_path / "score" / "scores.parquet"),
            "--system-prompt",
            mode,
            "--max-length",
            "256",
        ],
    )
    assert scored.exit_code == 0, scored.output
    benched = runner.invoke(
        app,
        [
            "bench",
            "run",
            "--data",
            str(tmp_path / "pairs.parquet"),
            "--out",
            str(tmp_path / "bench"),
            "--model",
            str(checkpoint),
            "--scorer",
            "seqcls",
            "--system-prompt",
            mode,
            "--max-length",
            "256",
        ],
    )
    assert benched.exit_code == 0, benched.output
    a = pl.read_parquet(tmp_path / "score" / "scores.parquet").sort("id")
    b = pl.read_parquet(tmp_path / "bench" / "scores.parquet").sort("id")
    assert a["id"].to_list() == b["id"].to_list() == sorted(pairs["id"].to_list())
    for column in ("chosen_score", "rejected_score"):
        assert a[column].n_unique() > 4  # a real head: the comparison is not 0 == 0
        np.testing.assert_allclose(a[column].to_numpy(), b[column].to_numpy(), rtol=1e-4, atol=1e-5)


def test_assembled_none_stays_none_in_training(tmp_path: Path) -> None:
    """Assembly draws 15 % "no system prompt"; rm must keep that share, not redraw it."""
    rows = [row(i, evidence=f'{{"problem_id": "p{i}"}}') for i in range(2000)]
    out = tmp_path / "ds"
    config = AssemblyConfig(seed=5, splits=SplitFractions(1.0, 0.0, 0.0), max_per_cell=10_000)
    assemble([write(tmp_path / "in.parquet", rows)], out, config)
    assert "system_kind" in PAIRS.names
    shards = pl.read_parquet(out / "**" / "*.parquet")
    assert set(shards["system_kind"].unique()) == set(SYSTEM_MODES)
    recorded = Counter(shards["system_kind"])
    # what rm trains on: the trainer's own call, with its default shares and a seed
    frame = with_system_prompts(read_pairs(str(out)), SystemPromptShares(), seed=11)
    realised = Counter(frame["system_kind"])
    assert realised == recorded
    assert abs(realised["none"] / frame.height - 0.15) < 0.03
    assert frame.filter(pl.col("system_kind") == "none")["system"].null_count() == realised["none"]


def test_one_spelling_per_system_prompt_mode() -> None:
    assert SYSTEM_MODES == ("none", "aspect", "all")
    assert VOCABULARIES["system_kind"] == SYSTEM_MODES
    assert SYSTEM_PROMPT_MODES == FIXED_MODES == (*SYSTEM_MODES, "given")
    assert TrainConfig().eval_system in FIXED_MODES
    assert set(SystemPromptShares().fractions()) == set(SYSTEM_MODES)
    old = re.compile(r"""["'](all_criteria|full)["']""")
    offenders = [
        f"{path.relative_to(REPO)}:{n}"
        for package in PACKAGES
        if package != "sandbox"  # no prompts there; "full" is a device name (/dev/full)
        for path in sorted((REPO / package).rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if old.search(line)
    ]
    assert offenders == []


def test_one_alias_table_read_by_every_reader(tmp_path: Path) -> None:
    alias_table = re.compile(r"""["']input["']\s*:\s*["']prompt["']""")
    copies = [
        str(path.relative_to(REPO))
        for package in PACKAGES
        for path in sorted((REPO / package).rglob("*.py"))
        if alias_table.search(path.read_text())
    ]
    assert copies == ["curation/pairs/columns.py"]
    # every reader of pairs accepts every alias
    base = {
        "id": "x1",
        "prompt": "Write f.",
        "chosen": "def f(): return 1",
        "rejected": "def f(): return",
        "language": "Python",
        "aspect": "Functional_Correctness",
        "source": "unit",
        "label_method": "execution",
    }
    for alias, canonical in COLUMN_ALIASES.items():
        aliased = {alias if k == canonical else k: v for k, v in base.items()}
        path = tmp_path / f"{alias}.parquet"
        pq.write_table(pa.Table.from_pylist([aliased]), path)
        assert read_pairs(str(path))[canonical].to_list() == [base[canonical]], alias
        assert canonical in load_table(path).column_names, alias
        crb = normalize_pairs(pl.read_parquet(path)).pairs
        assert crb[canonical if canonical != "source" else "subset"][0] == base[canonical], alias
        judged = PairToJudge.from_row(aliased)
        if canonical != "source":
            assert getattr(judged, canonical) == base[canonical], alias
