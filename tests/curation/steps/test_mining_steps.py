"""The mining steps one by one: readers, filters, tagging, dedup and decontamination."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datatrove.data import Document
from datatrove.executor.local import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
)

from curation.code import analyze, parse_source
from curation.dedup import CODE_MINHASH_CONFIG
from curation.mining.filters import FilterConfig
from curation.mining.records import CommitRecord, to_document
from curation.mining.synthetic import SyntheticCommit, build_repository
from curation.steps.mining import MiningConfig, run_mining
from curation.steps.mining_decontam import DecontaminationFilter
from curation.steps.mining_dedup import CodeMinhashSignature, CodeTokenText
from curation.steps.mining_filters import (
    LanguageFilter,
    SyntaxFilter,
    UnifiedDiff,
    reaches_depth,
)
from curation.steps.mining_readers import (
    CommitShardReader,
    LocalHistoryReader,
    RemoteCommitReader,
)
from curation.steps.mining_tagging import AspectTagging


def _doc(
    new: str, old: str = "x = 0\n", language: str = "Python", subject: str = "Fix crash on input"
) -> Document:
    return to_document(
        CommitRecord(
            repo="r", commit=str(abs(hash(new)))[:12].ljust(40, "0"), parent="0" * 40,
            path="a.py", language=language, old_contents=old, new_contents=new,
            subject=subject, message=subject,
        )
    )  # fmt: skip


def _stats(step) -> dict:
    return {k: v.total for k, v in step.stats.stats.items()}


def test_syntax_filter_reasons() -> None:
    step = SyntaxFilter()
    docs = [
        _doc("def f():\n    return 1\n"),
        _doc("def f(:\n"),
        _doc("def f():\n    return 1\n", old="def (\n"),
        _doc("# only a comment\n", old="# another\n"),
        _doc("x" * 300_000),
    ]
    kept = list(step.run(iter(docs)))
    assert len(kept) == 1
    stats = _stats(step)
    assert stats["dropped_new_parse_error"] == 1 and stats["dropped_old_parse_error"] == 1
    assert stats["dropped_shallow_ast"] == 1 and stats["dropped_file_too_large"] == 1


def test_language_filter_subset() -> None:
    step = LanguageFilter(FilterConfig(allowed_languages=frozenset({"Go"})))
    docs = [_doc("x = 1\n"), _doc("package a\n", language="Go"), _doc("?", language="")]
    kept = list(step.run(iter(docs)))
    assert [d.metadata["language"] for d in kept] == ["Go"]
    stats = _stats(step)
    assert stats["dropped_language_not_selected"] == 1 and stats["dropped_not_a_language"] == 1


def test_tagging_and_diff() -> None:
    step = AspectTagging()
    docs = [_doc("x = 1\n", subject="Speed up the hot path"), _doc("x = 2\n", subject="Bump it")]
    kept = list(UnifiedDiff().run(step.run(iter(docs))))
    assert [d.metadata["aspects"] for d in kept] == [["Runtime_Efficiency"]]
    assert kept[0].metadata["diff"] == "--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 0\n+x = 1\n"
    stats = _stats(step)
    assert stats["dropped_no_aspect"] == 1 and stats["language_Python/Runtime_Efficiency"] == 1
    keep = AspectTagging(keep_untagged=True)
    assert len(list(keep.run(iter([_doc("x = 2\n", subject="Bump version")])))) == 1


def test_decontamination_filter(tmp_path: Path) -> None:
    bench = tmp_path / "crb.parquet"
    code = "def add(a, b):\n    result = a + b\n    return result\n"
    prompt = "please write a function that adds two numbers and returns the result to the caller"
    pq.write_table(pa.table({"prompt": [prompt], "chosen": [code], "rejected": ["pass"]}), bench)
    step = DecontaminationFilter([bench])
    docs = [_doc(code), _doc("x = 1\n", subject=f"Fix crash: {prompt}"), _doc("y = 2\n")]
    assert len(list(step.run(iter(docs)))) == 1
    stats = _stats(step)
    assert stats["dropped_contaminated_code"] == 1 and stats["dropped_contaminated_message"] == 1
    with pytest.raises(FileNotFoundError, match="does not exist"):
        DecontaminationFilter([tmp_path / "missing.parquet"])


def test_minhash_stages_on_code_tokens(tmp_path: Path) -> None:
    base = "\n".join(
        f"def f{i}(values):\n    return sum(v * {i} for v in values if v > {i})" for i in range(12)
    )
    near = base.replace("    return", "      return") + "\n# a trailing comment\n"  # same tokens
    edited = base.replace("f11", "g11")  # one token of 120 differs: Jaccard ~0.9
    other = (
        "class Stack:\n    def __init__(self):\n        self.items = []\n\n"
        "    def push(self, item):\n        self.items.append(item)\n"
    )
    docs = [_doc(t) for t in (base, near, edited, other)]
    sigs, buckets, remove = (str(tmp_path / n) for n in ("sigs", "buckets", "remove"))
    LocalPipelineExecutor(
        [lambda data, rank, ws: iter(docs), CodeTokenText(), CodeMinhashSignature(sigs)],
        logging_dir=str(tmp_path / "l1"),
    ).run()
    LocalPipelineExecutor(
        [MinhashDedupBuckets(sigs, buckets, config=CODE_MINHASH_CONFIG)],
        tasks=CODE_MINHASH_CONFIG.num_buckets, workers=1, logging_dir=str(tmp_path / "l2"),
    ).run()  # fmt: skip
    LocalPipelineExecutor(
        [MinhashDedupCluster(buckets, remove, config=CODE_MINHASH_CONFIG)],
        logging_dir=str(tmp_path / "l3"),
    ).run()
    fresh = [_doc(t) for t in (base, near, edited, other)]  # CodeTokenText rewrote `docs`
    kept = [d.text for d in MinhashDedupFilter(remove).run(iter(fresh))]
    assert kept == [base, other]


def test_shard_reader_missing_shard_yields_nothing(tmp_path: Path) -> None:
    assert list(CommitShardReader(tmp_path).run(None, rank=3)) == []


def test_remote_pipeline_end_to_end(tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    old = "def area(w, h):\n    return w * w\n"
    new = "def area(w, h):\n    return w * h\n"
    shas = build_repository(
        origin,
        [
            SyntheticCommit("Initial import", {"area.py": old}),
            SyntheticCommit("Fix incorrect area for rectangles", {"area.py": new}),
        ],
        bare=True,
    )
    files = {"old_file": "area.py", "new_file": "area.py", "license": "MIT"}
    rows = [
        {"commit": shas[1], "repos": [origin.as_uri()], "unix_time": 1_700_000_060,
         "message": "Fix incorrect area for rectangles", **files},
        {"commit": "3" * 40, "repos": [origin.as_uri()], "message": "Fix incorrect area", **files},
        {"commit": shas[1], "repos": [(tmp_path / "gone.git").as_uri()],
         "message": "Fix incorrect area for squares", **files},
    ]  # fmt: skip
    metadata = tmp_path / "commits.jsonl"
    metadata.write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = MiningConfig(output=tmp_path / "out", remote_metadata=[metadata])
    stats = json.loads(run_mining(config).read_text())
    assert stats["rows_in"] == 3 and stats["rows_out"] == 1 and stats["accounted"]
    assert stats["drops_by_reason"] == {"remote_unreachable": 1, "sha_not_found": 1}
    [row] = pq.read_table(tmp_path / "out" / "commits" / "00000.parquet").to_pylist()
    assert (row["old_contents"], row["new_contents"], row["repo"]) == (old, new, origin.as_uri())


def test_remote_reader_rejects_bad_files(tmp_path: Path) -> None:
    bad = tmp_path / "rows.jsonl"
    bad.write_text('{"commit": "a"}\nnot json\n')
    with pytest.raises(ValueError, match=r"rows.jsonl:2: not JSON"):
        list(RemoteCommitReader([bad]).run(None))
    csv = tmp_path / "rows.csv"
    csv.write_text("x")
    with pytest.raises(ValueError, match=r"must be \.parquet or \.jsonl"):
        list(RemoteCommitReader([csv]).run(None))


@pytest.mark.parametrize(
    ("source", "language"),
    [
        ("x = 1\n", "Python"),
        ("# only a comment\n", "Python"),
        ("", "Go"),
        ("package main\n\nfunc main() {\n\tprintln(1)\n}\n", "Go"),
        ("int main(void) { return 0; }\n", "C"),
        ("puts 1\n", "Ruby"),
    ],
)
def test_reaches_depth_agrees_with_analyze(source: str, language: str) -> None:
    root = parse_source(source, language).tree.root_node
    depth = analyze(source, language).depth
    assert [reaches_depth(root, d) for d in range(1, 8)] == [d <= depth for d in range(1, 8)]


def test_local_reader_shards_by_repo_or_by_commit(tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        build_repository(
            tmp_path / name,
            [SyntheticCommit(f"{name}{i}", {"x.py": f"x = {i}\n"}) for i in range(6)],
        )
    reader = LocalHistoryReader([tmp_path], license="MIT")
    assert reader.shard(1, 2) == ([str(tmp_path / "b")], 0, 1)
    assert reader.shard(1, 4) == (reader.repos, 1, 4)
    for world in (1, 2, 3, 5):
        ids = [
            doc.id
            for rank in range(world)
            for doc in LocalHistoryReader([tmp_path], license="MIT").run(None, rank, world)
        ]
        assert len(ids) == len(set(ids)) == 15  # 3 repos x 5 non-root commits


def test_shard_reader_columns(tmp_path: Path) -> None:
    from curation.steps.mining_writers import commits_writer

    docs = [_doc("x = 1\n"), _doc("y = 2\n", language="Ruby")]
    with commits_writer(tmp_path) as writer:
        for doc in docs:
            writer.write(doc, rank=2)
    full = list(CommitShardReader(tmp_path).run(None, rank=2))
    assert [(d.id, d.text, d.metadata["old_contents"]) for d in full] == [
        (d.id, d.text, "x = 0\n") for d in docs
    ]
    light = list(CommitShardReader(tmp_path, ("id", "language", "new_contents")).run(None, 2))
    assert [(d.id, d.text, d.metadata) for d in light] == [
        (docs[0].id, "x = 1\n", {"language": "Python"}),
        (docs[1].id, "y = 2\n", {"language": "Ruby"}),
    ]
    with pytest.raises(ValueError, match="must include id and new_contents"):
        CommitShardReader(tmp_path, ("language",))
