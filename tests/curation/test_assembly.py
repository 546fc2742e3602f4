"""Tests of ``curation/assembly/`` and ``codepref assemble``: ids, reading several producers,
drops, system prompts, group splits, caps, the dataset folder, its card and its stats."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from huggingface_hub import DatasetCard
from typer.testing import CliRunner

from curation.assembly import (
    AssemblyConfig,
    DropLog,
    OutputExistsError,
    PairsInputError,
    SplitFractions,
    SystemPromptShares,
    assemble,
    assemble_pairs,
    choose_system_prompt,
    group_key,
    pair_id,
    parse_row,
    size_category,
    split_for_group,
)
from curation.criteria import ASPECTS, aspect_system_prompt
from curation.schema import PAIRS, find_problems
from pipelines.cli import app


def row(i: int, **overrides: Any) -> dict[str, Any]:
    """A valid producer row; ``i`` makes its code unique."""
    base = {
        "id": f"src-{i}",
        "prompt": f"Write a function that returns {i}.",
        "chosen": f"def f():\n    return {i}\n",
        "rejected": f"def f():\n    return {i} + 1\n",
        "language": "Python",
        "aspect": "Functional_Correctness",
        "source": "unit",
        "label_method": "execution",
        "confidence": 0.9,
        "evidence": json.dumps({"problem_id": f"prob-{i}"}),
    }
    base.update(overrides)
    return base


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


# ---- ids -------------------------------------------------------------------------------


def test_pair_id_ignores_line_endings_and_trailing_space_but_not_meaning():
    base = pair_id("p", "a = 1\nb = 2\n", "a = 2\n", "Functional_Correctness")
    assert len(base) == 32 and int(base, 16) >= 0
    assert pair_id("p\r\n", "a = 1  \r\nb = 2\r\n\r\n", "\na = 2", "Functional_Correctness") == base
    assert pair_id("p", "a = 2\n", "a = 1\nb = 2\n", "Functional_Correctness") != base
    assert pair_id("p", "a = 1\nb = 2\n", "a = 2\n", "Runtime_Efficiency") != base
    assert pair_id("p", "a = 1\n  b = 2\n", "a = 2\n", "Functional_Correctness") != base


# ---- reading ---------------------------------------------------------------------------


def test_aliases_and_spellings_are_normalised(tmp_path: Path):
    themis = row(1, language="C#", aspect="security")
    themis["input"] = themis.pop("prompt")
    themis["subset"] = themis.pop("source")
    pair = parse_row(
        {**themis, "prompt": themis["input"], "source": themis["subset"]}, "f.parquet", 0
    )
    assert (pair.language, pair.aspect) == ("CSharp", "Security_Hardness")
    path = write(tmp_path / "themis.parquet", [themis])
    assembled = assemble_pairs([path])
    [kept] = assembled.pairs
    assert kept.prompt == "Write a function that returns 1."
    assert kept.source == "unit"
    assert kept.language == "CSharp"
    assert kept.evidence["origin"] == {"file": "themis.parquet", "row": 0, "id": "src-1"}
    assert kept.evidence["problem_id"] == "prob-1"


def test_a_file_missing_a_column_is_an_error_naming_it(tmp_path: Path):
    bad = row(1)
    del bad["rejected"]
    path = write(tmp_path / "broken.parquet", [bad])
    with pytest.raises(PairsInputError, match=r"broken\.parquet: missing column\(s\) rejected"):
        assemble_pairs([path])
    with pytest.raises(PairsInputError, match="no such file"):
        assemble_pairs([tmp_path / "absent.parquet"])


def test_missing_label_method_needs_a_default(tmp_path: Path):
    unlabelled = row(1)
    del unlabelled["label_method"]
    path = write(tmp_path / "crb.parquet", [unlabelled])
    with pytest.raises(PairsInputError, match="--label-method"):
        assemble_pairs([path])
    [pair] = assemble_pairs([path], AssemblyConfig(default_label_method="inherited")).pairs
    assert pair.label_method == "inherited"


def test_invalid_rows_are_dropped_counted_and_named(tmp_path: Path):
    rows = [
        row(1),
        row(2, language="Kotlin"),
        row(3, aspect="vibes"),
        row(4, chosen="   "),
        row(5, rejected="def f():\n    return 5\n"),  # same as chosen up to normalisation
        row(6, confidence=1.5),
        row(7, label_method="guess"),
        row(8, evidence="not json"),
    ]
    assembled = assemble_pairs([write(tmp_path / "mixed.parquet", rows)])
    assert sorted(p.evidence["origin"]["id"] for p in assembled.pairs) == ["src-1", "src-8"]
    assert assembled.drops.counts == Counter(
        {
            "invalid:language": 1,
            "invalid:aspect": 1,
            "invalid:chosen": 1,
            "invalid:identical": 1,
            "invalid:confidence": 1,
            "invalid:label_method": 1,
        }
    )
    assert assembled.drops.examples["invalid:language"][0].startswith("src-2 (mixed.parquet#1)")
    assert "Kotlin" in assembled.drops.examples["invalid:language"][0]
    kept_note = next(p for p in assembled.pairs if p.evidence["origin"]["id"] == "src-8")
    assert kept_note.evidence["note"] == "not json"


def test_duplicates_keep_the_best_evidenced_label(tmp_path: Path):
    inherited = write(tmp_path / "a.parquet", [row(1, label_method="inherited", id="old")])
    executed = write(
        tmp_path / "b.parquet",
        [row(1, label_method="execution", id="new", chosen="def f():\r\n    return 1  \r\n")],
    )
    assembled = assemble_pairs([inherited, executed])
    [pair] = assembled.pairs
    assert pair.label_method == "execution"
    assert pair.evidence["origin"]["id"] == "new"
    assert assembled.drops.counts == Counter({"duplicate_id": 1})
    assert "a.parquet#0" in assembled.drops.examples["duplicate_id"][0]


def test_contradicting_pairs_are_both_dropped(tmp_path: Path):
    forward = row(1)
    backward = row(1, id="swapped", chosen=forward["rejected"], rejected=forward["chosen"])
    other = row(2)
    assembled = assemble_pairs([write(tmp_path / "c.parquet", [forward, backward, other])])
    assert [p.evidence["origin"]["id"] for p in assembled.pairs] == ["src-2"]
    assert assembled.drops.counts == Counter({"contradiction": 2})


# ---- system prompts --------------------------------------------------------------------


def test_system_prompt_shares_are_met_and_seeded_per_pair():
    shares = SystemPromptShares()
    modes = Counter()
    for i in range(6000):
        mode, text = choose_system_prompt(f"id{i}", "Runtime_Efficiency", shares, seed=3)
        modes[mode] += 1
        if mode == "none":
            assert text is None
        elif mode == "aspect":
            assert text == aspect_system_prompt("Runtime_Efficiency")
        else:
            assert all(aspect.replace("_", " ") in text for aspect in ASPECTS)
    # 6000 draws: the binomial standard deviation of a share is <= 0.0065; allow 4 sigma.
    assert abs(modes["none"] / 6000 - 0.15) < 0.026
    assert abs(modes["aspect"] / 6000 - 0.60) < 0.026
    assert abs(modes["all_criteria"] / 6000 - 0.25) < 0.026
    assert choose_system_prompt("x", "Memory_Efficiency", shares, 1) == choose_system_prompt(
        "x", "Memory_Efficiency", shares, 1
    )


def test_all_criteria_prompts_are_shuffled():
    shares = SystemPromptShares(0, 0, 1)
    orders = {
        tuple(line.split(":")[0] for line in text.splitlines()[1:])
        for text in (
            choose_system_prompt(f"id{i}", "Memory_Efficiency", shares)[1] for i in range(50)
        )
    }
    assert len(orders) > 10


def test_shares_parse_and_reject_nonsense():
    assert SystemPromptShares.parse("15,60,25").fractions()["aspect"] == pytest.approx(0.6)
    assert SystemPromptShares.parse("0,1,0").fractions() == {
        "none": 0.0,
        "aspect": 1.0,
        "all_criteria": 0.0,
    }
    with pytest.raises(ValueError):
        SystemPromptShares.parse("1,2")
    with pytest.raises(ValueError):
        SystemPromptShares(-1, 1, 1)


# ---- splits ----------------------------------------------------------------------------


def test_group_key_prefers_group_then_repo_then_problem_then_prompt():
    def pair(**overrides: Any):
        return parse_row(row(1, **overrides), "f.parquet", 0)

    assert group_key(pair(group="g7")) == "group:g7"
    assert group_key(pair(evidence=json.dumps({"repo": "o/r", "problem_id": "p"}))) == "repo:o/r"
    assert group_key(pair()) == "problem:prob-1"
    prompt_key = group_key(pair(evidence=None))
    assert prompt_key.startswith("prompt:")
    assert group_key(pair(evidence=None, prompt="Write a function that returns 1.\r\n")) == (
        prompt_key
    )


def test_split_of_a_group_is_deterministic_and_follows_the_fractions():
    fractions = SplitFractions(0.8, 0.1, 0.1)
    splits = Counter(split_for_group(f"repo:r{i}", fractions, seed=5) for i in range(5000))
    assert abs(splits["train"] / 5000 - 0.8) < 0.03
    assert abs(splits["test"] / 5000 - 0.1) < 0.03
    assert split_for_group("repo:x", fractions, 5) == split_for_group("repo:x", fractions, 5)
    assert {split_for_group(f"g{i}", SplitFractions(1.0, 0.0, 0.0)) for i in range(200)} == {
        "train"
    }
    with pytest.raises(ValueError):
        SplitFractions(0.5, 0.2, 0.2)


def test_no_group_spans_two_splits_and_row_order_does_not_matter(tmp_path: Path):
    rows = [
        row(
            i,
            evidence=json.dumps({"repo": f"org/repo{i % 37}"}),
            aspect=ASPECTS[i % len(ASPECTS)],
        )
        for i in range(600)
    ]
    config = AssemblyConfig(splits=SplitFractions(0.6, 0.2, 0.2), seed=11)
    first = assemble_pairs([write(tmp_path / "a.parquet", rows)], config)
    shuffled = rows[:]
    random.Random(0).shuffle(shuffled)
    second = assemble_pairs([write(tmp_path / "b.parquet", shuffled)], config)
    groups: dict[str, set[str]] = {}
    for pair in first.pairs:
        groups.setdefault(group_key(pair), set()).add(pair.split or "")
    assert len(groups) == 37
    assert all(len(splits) == 1 for splits in groups.values())
    assert {s for splits in groups.values() for s in splits} == {"train", "validation", "test"}
    assert [(p.id, p.split, p.system) for p in first.pairs] == [
        (p.id, p.split, p.system) for p in second.pairs
    ]


# ---- caps ------------------------------------------------------------------------------


def test_caps_bound_each_aspect_language_cell(tmp_path: Path):
    rows = [row(i, language="Python") for i in range(50)]
    rows += [row(100 + i, language="Go") for i in range(7)]
    rows += [
        row(200 + i, language="Python", aspect="Readability_Maintainability") for i in range(3)
    ]
    assembled = assemble_pairs(
        [write(tmp_path / "cap.parquet", rows)], AssemblyConfig(max_per_cell=10)
    )
    cells = Counter((p.aspect, p.language) for p in assembled.pairs)
    assert cells == {
        ("Functional_Correctness", "Python"): 10,
        ("Functional_Correctness", "Go"): 7,
        ("Readability_Maintainability", "Python"): 3,
    }
    assert assembled.drops.counts == Counter({"over_cap": 40})


# ---- the dataset folder ----------------------------------------------------------------


@pytest.fixture(scope="module")
def producers(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Three producers: execution pairs, commit pairs (Themis-style columns, no confidence),
    and judged pairs that repeat one execution pair and carry one invalid row."""
    root = tmp_path_factory.mktemp("producers")
    execution = [
        row(
            i,
            language=("Python", "Cpp", "Java", "Go")[i % 4],
            aspect=("Functional_Correctness", "Runtime_Efficiency", "Memory_Efficiency")[i % 3],
            source="EXEC",
            evidence=json.dumps({"problem_id": f"prob-{i % 40}", "executions": [f"e{i}"]}),
        )
        for i in range(240)
    ]
    commits = []
    for i in range(120):
        commit = row(
            1000 + i,
            language=("JavaScript", "Ruby", "C", "C#")[i % 4],
            aspect=("readability", "security")[i % 2],
            label_method="commit",
            evidence=json.dumps({"repo": f"org/r{i % 15}", "commit": f"{i:040x}"}),
        )
        commit["input"] = commit.pop("prompt")
        commit["subset"] = "COMMITS"
        del commit["source"], commit["confidence"]
        commits.append(commit)
    judged = [
        row(2000 + i, source="JUDGE", label_method="judge", aspect="Readability_Maintainability")
        for i in range(30)
    ]
    judged.append(row(0, source="JUDGE", label_method="judge", language="Python"))  # dup of exec
    judged.append(row(3000, language="Fortran", source="JUDGE"))
    return [
        write(root / "execution.parquet", execution),
        write(root / "commits.parquet", commits),
        write(root / "judged.parquet", judged),
    ]


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


def read_front_matter(card: str) -> dict[str, Any]:
    assert card.startswith("---\n")
    _, front, _ = card.split("---\n", 2)
    return yaml.safe_load(front)


def test_folder_layout_is_zstd_shards_per_split_and_aspect(dataset: Path):
    shards = sorted(dataset.glob("data/*/*.parquet"))
    assert shards
    for shard in shards:
        split, name = shard.parent.name, shard.name
        assert split in ("train", "validation", "test")
        aspect = name.split("-")[0]
        assert aspect in ASPECTS
        table = pq.read_table(shard)
        assert table.num_rows <= 20
        assert not find_problems(table, PAIRS)
        assert set(table.column("split").to_pylist()) == {split}
        assert set(table.column("aspect").to_pylist()) == {aspect}
        metadata = pq.ParquetFile(shard).metadata
        assert metadata.row_group(0).column(0).compression == "ZSTD"
    assert any("-00001-of-" in shard.name for shard in shards)  # rows_per_shard=20 splits cells


def test_stats_account_for_every_input_row(dataset: Path):
    stats = json.loads((dataset / "stats.json").read_text())
    frame = pl.read_parquet(str(dataset / "data" / "*" / "*.parquet"))
    assert stats["input_rows"] == 240 + 120 + 32
    assert stats["rows"] == frame.height
    assert stats["rows"] + stats["dropped"] == stats["input_rows"]
    assert stats["drops"]["duplicate_id"]["count"] == 1
    assert stats["drops"]["invalid:language"]["count"] == 1
    assert stats["drops"]["over_cap"]["count"] > 0
    for entry in stats["counts"]:
        matching = frame.filter(
            (pl.col("split") == entry["split"])
            & (pl.col("aspect") == entry["aspect"])
            & (pl.col("language") == entry["language"])
            & (pl.col("source") == entry["source"])
        )
        assert matching.height == entry["count"]
    assert sum(entry["count"] for entry in stats["counts"]) == frame.height
    cell_max = frame.group_by("aspect", "language").len()["len"].max()
    assert cell_max <= 25
    assert stats["label_method"] == dict(Counter(frame["label_method"].to_list()))
    modes = stats["system_prompt"]
    assert modes["none"] == frame["system"].null_count()
    assert frame["id"].n_unique() == frame.height
    # lineage: every row names its producer row
    origins = [json.loads(e)["origin"] for e in frame["evidence"].to_list()]
    assert {o["file"] for o in origins} == {
        "execution.parquet",
        "commits.parquet",
        "judged.parquet",
    }


def test_no_group_crosses_splits_in_the_written_dataset(dataset: Path):
    frame = pl.read_parquet(str(dataset / "data" / "*" / "*.parquet"))
    evidence = [json.loads(e) for e in frame["evidence"].to_list()]
    keys = [e.get("repo") or e.get("problem_id") for e in evidence]
    per_group = Counter()
    seen: dict[str, str] = {}
    for key, split in zip(keys, frame["split"].to_list(), strict=True):
        assert seen.setdefault(key, split) == split
        per_group[split] += 1
    assert len(per_group) >= 2


def test_card_metadata_and_tables_match_the_shards(dataset: Path):
    card = (dataset / "README.md").read_text()
    meta = read_front_matter(card)
    stats = json.loads((dataset / "stats.json").read_text())
    assert meta["license"] == "apache-2.0"
    assert meta["size_categories"] == ["n<1K"]
    assert "text-classification" in meta["task_categories"]
    configs = {config["config_name"]: config for config in meta["configs"]}
    present = {
        a
        for a in ASPECTS
        if stats["aspect_language"][a] and sum(stats["aspect_language"][a].values())
    }
    assert set(configs) == {"default", *present}
    assert configs["default"]["default"] is True
    assert {f["split"] for f in configs["default"]["data_files"]} == set(stats["splits"])
    assert configs["Runtime_Efficiency"]["data_files"][0]["path"].endswith(
        "Runtime_Efficiency-*.parquet"
    )
    info = {entry["config_name"]: entry for entry in meta["dataset_info"]}
    assert [f["name"] for f in info["default"]["features"]] == PAIRS.names
    assert sum(s["num_examples"] for s in info["default"]["splits"]) == stats["rows"]
    total = stats["rows"]
    fc = stats["aspect_language"]["Functional_Correctness"]
    fc_line = " | ".join(str(n) for n in fc.values())
    assert f"| Functional_Correctness | {fc_line} | {sum(fc.values())} |" in card
    assert card.count(f"| {total:,} |") >= 1
    assert f"{stats['rows']:,} code-preference pairs" in card
    for reason, entry in stats["drops"].items():
        assert f"| `{reason}` | {entry['count']:,} |" in card
    assert "| COMMITS | Readability_Maintainability |" in card
    assert "evidence.repo" in card
    # huggingface_hub's own card parser accepts the metadata.
    parsed = DatasetCard.load(dataset / "README.md").data
    assert parsed.license == "apache-2.0"
    assert [c["config_name"] for c in parsed.configs] == [c["config_name"] for c in meta["configs"]]


def test_folder_loads_with_datasets_offline(dataset: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets

    stats = json.loads((dataset / "stats.json").read_text())
    files = {
        split: sorted(str(p) for p in (dataset / "data" / split).glob("*.parquet"))
        for split in stats["splits"]
    }
    loaded = datasets.load_dataset("parquet", data_files=files, cache_dir=str(tmp_path / "c1"))
    assert {split: loaded[split].num_rows for split in loaded} == {
        split: value["rows"] for split, value in stats["splits"].items()
    }
    assert loaded["train"].features["confidence"].dtype == "float64"
    # The card's YAML configs are what `load_dataset(folder)` and the Hub use.
    default = datasets.load_dataset(str(dataset), cache_dir=str(tmp_path / "c2"))
    assert sum(default[s].num_rows for s in default) == stats["rows"]
    runtime = datasets.load_dataset(
        str(dataset), "Runtime_Efficiency", cache_dir=str(tmp_path / "c3")
    )
    aspects = {a for s in runtime for a in runtime[s]["aspect"]}
    assert aspects == {"Runtime_Efficiency"}
    expected = sum(stats["aspect_language"]["Runtime_Efficiency"].values())
    assert sum(runtime[s].num_rows for s in runtime) == expected


def test_assembly_is_deterministic(producers: list[Path], dataset: Path, tmp_path: Path):
    config = AssemblyConfig(
        seed=7,
        splits=SplitFractions(0.7, 0.15, 0.15),
        max_per_cell=25,
        rows_per_shard=20,
        license="apache-2.0",
    )
    again = assemble(list(reversed(producers)), tmp_path / "again", config)
    first = pl.read_parquet(str(dataset / "data" / "*" / "*.parquet")).sort("id")
    second = pl.read_parquet(str(again.path / "data" / "*" / "*.parquet")).sort("id")
    assert first.equals(second)
    assert sorted(p.name for p in dataset.rglob("*.parquet")) == sorted(
        p.name for p in again.path.rglob("*.parquet")
    )
    same_order = assemble(producers, tmp_path / "same", config)
    assert (same_order.path / "README.md").read_bytes() == (dataset / "README.md").read_bytes()
    assert (same_order.path / "stats.json").read_bytes() == (dataset / "stats.json").read_bytes()


def test_reassembling_a_dataset_keeps_ids_and_chains_lineage(dataset: Path, tmp_path: Path):
    shards = sorted((dataset / "data").rglob("*.parquet"))
    again = assemble_pairs(shards, AssemblyConfig(seed=7, splits=SplitFractions(0.7, 0.15, 0.15)))
    first = pl.read_parquet(str(dataset / "data" / "*" / "*.parquet"))
    assert sorted(p.id for p in again.pairs) == sorted(first["id"].to_list())
    assert [p.split for p in again.pairs] == first.sort("id")["split"].to_list()
    origin = again.pairs[0].evidence["origin"]
    assert origin["id"] == again.pairs[0].id
    assert origin["from"]["file"] in {"execution.parquet", "commits.parquet", "judged.parquet"}


def test_output_folder_is_not_overwritten_by_accident(producers: list[Path], tmp_path: Path):
    out = tmp_path / "ds"
    assemble(producers[:1], out)
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputExistsError, match="--overwrite"):
        assemble(producers[:1], out)
    assemble(producers[2:], out, overwrite=True)
    assert (out / "notes.txt").read_text() == "mine"
    frame = pl.read_parquet(str(out / "data" / "*" / "*.parquet"))
    assert set(frame["source"].to_list()) == {"JUDGE"}


def test_size_categories():
    assert size_category(999) == "n<1K"
    assert size_category(1000) == "1K<n<10K"
    assert size_category(354_010) == "100K<n<1M"


def test_drop_log_keeps_a_bounded_list_of_examples():
    log = DropLog()
    for i in range(50):
        log.drop("invalid:aspect", f"row {i}")
    assert log.total == 50
    assert log.as_dict()["invalid:aspect"]["examples"][:2] == ["row 0", "row 1"]
    assert len(log.as_dict()["invalid:aspect"]["examples"]) == 10


# ---- CLI -------------------------------------------------------------------------------


def test_cli_assemble_writes_the_folder_and_reports(producers: list[Path], tmp_path: Path):
    out = tmp_path / "cli"
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "assemble",
            *map(str, producers),
            "--out",
            str(out),
            "--max-per-cell",
            "30",
            "--seed",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    stats = json.loads((out / "stats.json").read_text())
    assert f"{stats['rows']} pairs from {stats['input_rows']} input rows" in result.output
    assert "duplicate_id" in result.output
    assert stats["config"]["seed"] == 2 and stats["config"]["max_per_cell"] == 30
    again = runner.invoke(app, ["assemble", str(producers[0]), "--out", str(out)])
    assert again.exit_code == 1
    assert "--overwrite" in again.output
    bad = runner.invoke(app, ["assemble", str(tmp_path / "nope.parquet"), "--out", str(out)])
    assert bad.exit_code == 1
    assert "nope.parquet: no such file" in bad.output
    shares = runner.invoke(
        app, ["assemble", str(producers[0]), "--out", str(tmp_path / "x"), "--system-shares", "1"]
    )
    assert shares.exit_code != 0


def test_surface_shortcuts_are_in_the_stats_and_the_card_and_can_be_balanced(tmp_path: Path):
    # 20 of 30 chosen sides are the longer one: "longer is better" scores 0.667
    longer, shorter = "def f():\n    return {i}  # the value\n", "def f():\n    return {i}\n"
    rows = [row(i, chosen=longer.format(i=i), rejected=shorter.format(i=i)) for i in range(20)]
    rows += [row(i, chosen=shorter.format(i=i), rejected=longer.format(i=i)) for i in range(20, 30)]
    source = write(tmp_path / "long.parquet", rows)
    plain = assemble([source], tmp_path / "plain", AssemblyConfig())
    overall = {r["aspect"]: r for r in plain.stats["shortcuts"] if r["language"] == "all"}
    assert overall["Functional_Correctness"]["length"] == pytest.approx(20 / 30, abs=1e-4)
    assert overall["Functional_Correctness"]["pairs"] == 30
    card = (tmp_path / "plain" / "README.md").read_text()
    assert "## Surface shortcuts" in card and "**0.67**" in card

    balanced = assemble([source], tmp_path / "balanced", AssemblyConfig(balance_shortcuts=0.65))
    # (20 - k) / (30 - k) <= 0.65 needs k = 2
    assert balanced.stats["drops"]["surface_shortcut"]["count"] == 2
    assert balanced.stats["rows"] == 28
    assert "`surface_shortcut`" in (tmp_path / "balanced" / "README.md").read_text()
    with pytest.raises(ValueError, match="balance_shortcuts"):
        AssemblyConfig(balance_shortcuts=0.3)
