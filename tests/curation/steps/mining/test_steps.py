"""The mining steps one by one: readers, filters, tagging, dedup and decontamination."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
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
from curation.dedup import CODE_MINHASH_CONFIG, MERSENNE_PRIME, band_dtype, band_records
from curation.mining.filters import FilterConfig
from curation.mining.records import CommitRecord, to_document
from curation.steps.mining.decontamination import DecontaminationFilter
from curation.steps.mining.dedup import (
    CodeMinhashSignature,
    ExactDedupedSignatures,
    SortedMinhashBuckets,
)
from curation.steps.mining.filters import PARSED_NEW, CommitFilter, UnifiedDiff, reaches_depth
from curation.steps.mining.readers import (
    SHARD_ROW,
    CommitShardLoader,
    CommitShardReader,
    CommitShardRows,
    LocalHistoryReader,
    RemoteCommitReader,
)
from curation.steps.mining.tagging import AspectTagging
from pipelines.mining import MiningConfig, run_mining
from tests.fixtures.synthetic_repos import SyntheticCommit, build_repository


def _doc(
    new: str, old: str = "x = 0\n", language: str = "Python", subject: str = "Fix crash on input"
) -> Document:
    return to_document(
        CommitRecord(
            repo="r", commit=str(abs(hash(new)))[:12].ljust(40, "0"), parent="0" * 40,
            path="a.py", language=language, old_contents=old, new_contents=new,
            subject=subject, message=subject, license="MIT",
        )
    )  # fmt: skip


def _stats(step) -> dict:
    return {k: v.total for k, v in step.stats.stats.items()}


GO_OLD = "package a\n\nfunc F() int {\n\treturn 1\n}\n"
GO_NEW = "package a\n\nfunc F() int {\n\treturn 2\n}\n"


def test_commit_filter_names_the_first_failing_rule() -> None:
    step = CommitFilter(FilterConfig(allowed_languages=frozenset({"Python", "Go"})))
    unlicensed = _doc("def f():\n    return 2\n")
    unlicensed.metadata["license"] = "GPL-3.0-only"
    docs = [
        _doc("def f():\n    return 1\n"),  # kept
        _doc(GO_NEW, old=GO_OLD, language="Go"),  # kept
        _doc("x = 1\n", language=""),  # not_a_language
        _doc("x = 1;\n", language="C"),  # language_not_selected
        _doc("def f(:\n", subject="wip"),  # message before syntax: message_too_short
        unlicensed,  # license_not_allowed
        _doc("x = 0\n"),  # identical_contents
        _doc("def f(:\n"),  # new_parse_error
        _doc("def f():\n    return 1\n", old="def (\n"),  # old_parse_error
        _doc("# only a comment\n", old="# another\n"),  # shallow_ast
        _doc("x" * 300_000),  # file_too_large
    ]
    kept = list(step.run(iter(docs)))
    assert kept == docs[:2]
    assert [d.metadata[PARSED_NEW].data for d in kept] == [d.text.encode() for d in kept]
    stats = _stats(step)
    assert {k: v for k, v in stats.items() if k.startswith("dropped_")} == {
        f"dropped_{reason}": 1
        for reason in (
            "not_a_language", "language_not_selected", "message_too_short",
            "license_not_allowed", "identical_contents", "new_parse_error", "old_parse_error",
            "shallow_ast", "file_too_large",
        )
    }  # fmt: skip
    assert stats["forwarded"] == 2 and stats["dropped"] == 9


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
    texts = [other, base, near, edited, other]  # the last is an exact duplicate of the first
    docs = [_doc(t) for t in texts]
    raw, dups, sigs, buckets, remove = (
        tmp_path / n for n in ("raw", "dups", "sigs", "buckets", "remove")
    )
    signer = CodeMinhashSignature(str(raw))
    assert list(signer.run(iter(docs), rank=3)) == docs  # passes every document on
    assert _stats(signer)["signed"] == 5
    # what ExactFindDedups writes for mine task 3: its position 4 duplicates position 0
    (dups / "0000").mkdir(parents=True)
    np.array([4], dtype="<u4").tofile(dups / "0000" / "00003.c4_dup")
    bands = CODE_MINHASH_CONFIG.num_buckets
    for rank in range(3):  # three tasks share the 14 bands
        ExactDedupedSignatures(str(raw), str(dups), str(sigs)).run(None, rank, 3)
    assert len(list(sigs.glob("bucket_*/00003.minhash.sig"))) == bands
    records = np.fromfile(
        sigs / "bucket_000" / "00003.minhash.sig", dtype=band_dtype(CODE_MINHASH_CONFIG)
    )
    assert sorted(records["field9"]) == [0, 1, 2, 3]  # position 4 gone, the rest unchanged
    assert records.tolist() == sorted(records.tolist())  # sorted as the bucket stage needs
    LocalPipelineExecutor(
        [MinhashDedupBuckets(str(sigs), str(buckets), config=CODE_MINHASH_CONFIG)],
        tasks=bands, workers=1, logging_dir=str(tmp_path / "l2"),
    ).run()  # fmt: skip
    LocalPipelineExecutor(
        [MinhashDedupCluster(str(buckets), str(remove), config=CODE_MINHASH_CONFIG)],
        logging_dir=str(tmp_path / "l3"),
    ).run()
    behind_exact = [_doc(t) for t in texts[:4]]
    kept = [d.text for d in MinhashDedupFilter(str(remove)).run(iter(behind_exact), rank=3)]
    assert kept == [other, base]


def test_signatures_reuse_the_filter_parse(tmp_path: Path) -> None:
    """A document that passed CommitFilter is signed from its parse, which is then dropped;
    the signature is the one a fresh parse gives."""
    source = "def f(values):\n    return [v * 2 for v in values if v > 1]\n"
    [filtered] = CommitFilter().run(iter([_doc(source)]))
    assert PARSED_NEW in filtered.metadata
    fresh = _doc(source)
    for name, doc in (("reused", filtered), ("fresh", fresh)):
        list(CodeMinhashSignature(str(tmp_path / name)).run(iter([doc])))
    assert PARSED_NEW not in filtered.metadata
    for band in range(CODE_MINHASH_CONFIG.num_buckets):
        path = f"bucket_{band:03d}/00000.minhash.sig"
        assert (tmp_path / "reused" / path).read_bytes() == (tmp_path / "fresh" / path).read_bytes()


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
    # as many repositories as tasks or more: whole repositories (balanced by size, see
    # test_mining_repositories.py), each in exactly one task
    shards = [reader.shard(rank, 2) for rank in range(2)]
    assert sorted(repo for repos, _, _ in shards for repo in repos) == reader.repos
    assert all(repos and (rank, world) == (0, 1) for repos, rank, world in shards)
    assert reader.shard(1, 4) == (reader.repos, 1, 4)
    for world in (1, 2, 3, 5):
        ids = [
            doc.id
            for rank in range(world)
            for doc in LocalHistoryReader([tmp_path], license="MIT").run(None, rank, world)
        ]
        assert len(ids) == len(set(ids)) == 15  # 3 repos x 5 non-root commits


def test_shard_writer_rows_and_loader(tmp_path: Path) -> None:
    from curation.steps.mining.writers import CommitShardWriter

    docs = [_doc("x = 1\n"), _doc("y = 2\n", language="Ruby"), _doc("z = 3\n")]
    writer = CommitShardWriter(str(tmp_path), batch_size=2)
    assert list(writer.run(iter(docs), rank=2)) == docs
    assert _stats(writer)["written"] == 3
    assert pq.ParquetFile(tmp_path / "00002.parquet").metadata.num_row_groups == 2
    assert list(writer.run(iter([]), rank=4)) == [] and not (tmp_path / "00004.parquet").exists()
    full = list(CommitShardReader(tmp_path).run(None, rank=2))
    assert [(d.id, d.text, d.metadata["old_contents"]) for d in full] == [
        (d.id, d.text, "x = 0\n") for d in docs
    ]
    handles = list(CommitShardRows(tmp_path).run(None, rank=2))
    assert [(h.id, h.text, h.metadata) for h in handles] == [
        (d.id, "", {SHARD_ROW: row}) for row, d in enumerate(docs)
    ]
    loaded = list(CommitShardLoader(tmp_path).run(iter([handles[0], handles[2]]), rank=2))
    assert [(d.id, d.text, d.metadata["old_contents"]) for d in loaded] == [
        (docs[0].id, "x = 1\n", "x = 0\n"),
        (docs[2].id, "z = 3\n", "x = 0\n"),  # from the second row group
    ]
    assert list(CommitShardRows(tmp_path).run(None, rank=4)) == []
    stale = Document(text="", id="not-this-one", metadata={SHARD_ROW: 1})
    with pytest.raises(ValueError, match=r"00002.parquet: row 1 holds .* the shard changed"):
        list(CommitShardLoader(tmp_path).run(iter([stale]), rank=2))


def _band_files(folder: Path, rng: np.random.Generator, tasks: int, rows: int) -> None:
    """Sorted signature files whose bands collide often: a first hash among a few values
    spread over the 61-bit range (one at the very bound, which datatrove's merge ignores),
    three more hashes of two values each, the rest constant."""
    config = CODE_MINHASH_CONFIG
    firsts = np.array([1, 2**40, 2**59 + 3, 2**60, int(MERSENNE_PRIME) - 1, int(MERSENNE_PRIME)])
    for band in range(config.num_buckets):
        for task in range(tasks):
            signatures = np.full((rows, config.num_buckets * 8), 7, dtype=np.uint64)
            signatures[:, band * 8] = rng.choice(firsts, size=rows)
            signatures[:, band * 8 + 1 : band * 8 + 4] = rng.integers(0, 2, size=(rows, 3))
            ids = rng.permutation(rows).astype(np.uint32)
            records = band_records(signatures, ids, band, config)
            records.sort(order=records.dtype.names)
            path = folder / f"bucket_{band:03d}" / f"{task:05d}.minhash.sig"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(records.tobytes())


def test_sorted_buckets_write_what_datatrove_writes(tmp_path: Path) -> None:
    _band_files(tmp_path / "sigs", np.random.default_rng(3), tasks=3, rows=40)
    (tmp_path / "sigs" / "bucket_000" / "00003.minhash.sig").write_bytes(b"")  # an empty task
    bands, sigs = CODE_MINHASH_CONFIG.num_buckets, str(tmp_path / "sigs")
    theirs = MinhashDedupBuckets(sigs, str(tmp_path / "theirs"), config=CODE_MINHASH_CONFIG)
    for band in range(bands):
        theirs.run(None, band, bands)
    expected = [(tmp_path / "theirs" / f"{b:05d}_00.dups").read_bytes() for b in range(bands)]
    pairs = sum(len(e) // 16 for e in expected)
    assert pairs > 500  # the files did collide
    for slice_records in (7, 1 << 20):  # many hash slices, and one
        out = tmp_path / f"ours{slice_records}"
        ours = SortedMinhashBuckets(sigs, str(out), config=CODE_MINHASH_CONFIG)
        ours.slice_records = slice_records
        for rank in range(4):  # four tasks share the 14 bands
            ours.run(None, rank, 4)
        assert [(out / f"{b:05d}_00.dups").read_bytes() for b in range(bands)] == expected
        assert _stats(ours)["total_matches"] == pairs
    with pytest.raises(ValueError, match="index"):
        SortedMinhashBuckets(sigs, str(tmp_path / "x"), index_folder=sigs).run(None, 0, 1)


def test_syntax_filter_runs_only_the_tree_sitter_rule_after_the_cheap_ones() -> None:
    """The pipeline's order: CommitFilter(parse=False) keeps what only a parse can reject,
    and SyntaxFilter rejects it, leaving the new side's parse for the signature step."""
    from curation.steps.mining.filters import SyntaxFilter

    docs = [
        _doc("def f():\n    return 1\n"),
        _doc("def f(:\n"),  # new_parse_error
        _doc("# only a comment\n", old="# another\n"),  # shallow_ast
    ]
    cheap = CommitFilter(parse=False)
    passed = list(cheap.run(iter(docs)))
    assert passed == docs and all(PARSED_NEW not in d.metadata for d in passed)
    syntax = SyntaxFilter()
    assert list(syntax.run(iter(passed))) == docs[:1]
    assert docs[0].metadata[PARSED_NEW].data == docs[0].text.encode()
    stats = _stats(syntax)
    assert stats["dropped_new_parse_error"] == 1 and stats["dropped_shallow_ast"] == 1
