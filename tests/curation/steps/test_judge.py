"""datatrove steps JudgePairs, RateCommits and SynthesizeInstructions (curation/steps/judge.py)
against the loopback server, including a full LocalPipelineExecutor run."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import ParquetReader
from datatrove.pipeline.writers import ParquetWriter

from curation.judge.backends import OpenAIConfig
from curation.judge.documents import commit_document, pair_adapter, pair_document
from curation.judge.pairwise import PairToJudge
from curation.judge.protocol import JudgeProtocol, KeepRule
from curation.schema import JUDGEMENTS, validate
from curation.steps.judge import JudgePairs, RateCommits, SynthesizeInstructions, judgement_adapter


def config(url: str) -> OpenAIConfig:
    return OpenAIConfig(base_url=url, model="judge-x", backoff_initial_s=0.01, max_retries=1)


def test_pipeline_reads_judges_and_writes_judgements(scripted, pair_rows, tmp_path, content_judge):
    pair_rows[2]["language"] = "Kotlin"  # a bad row: counted and dropped, not fatal

    def answers(payload: dict, index: int) -> dict:
        wrong = pair_rows[4]["prompt"] in payload["messages"][-1]["content"]
        return {"text": content_judge(payload, prefer="rejected" if wrong else "chosen")}

    scripted.state.reset(answers)
    pq.write_table(pa.Table.from_pylist(pair_rows), tmp_path / "pairs.parquet")
    executor = LocalPipelineExecutor(
        pipeline=[
            ParquetReader(str(tmp_path), glob_pattern="pairs.parquet", adapter=pair_adapter),
            JudgePairs(
                config(scripted.url),
                JudgeProtocol(samples=3),
                cache_folder=str(tmp_path / "cache"),
                report_folder=str(tmp_path / "reports"),
                batch_size=2,
            ),
            ParquetWriter(
                str(tmp_path / "judgements"), adapter=judgement_adapter, schema=JUDGEMENTS
            ),
        ],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    )
    executor.run()
    [path] = (tmp_path / "judgements").glob("*.parquet")
    table = validate(pq.read_table(path), JUDGEMENTS, "judgements")
    assert table.column("pair_id").to_pylist() == ["pair-0", "pair-1", "pair-3", "pair-5"]
    assert {v["chosen"] for v in table.column("votes").to_pylist()} == {3}
    report = json.loads((tmp_path / "reports" / "judge-report-00000.json").read_text())
    assert report["decisions"] == {"agree": 4, "judge_prefers_rejected": 1}
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    judge_stats = next(s["stats"] for s in stats if "Judge pairs" in s["name"])
    assert judge_stats["dropped_bad_pair"] == 1
    assert judge_stats["dropped_judge_prefers_rejected"] == 1
    assert judge_stats["kept"] == 4
    assert judge_stats["verdict_A"]["total"] + judge_stats["verdict_B"]["total"] == 15
    assert judge_stats["verdict_A"]["total"] == report["position_bias"]["picks_a"]
    assert (tmp_path / "cache" / "judge-cache.sqlite").is_file()


def test_flipped_pairs_are_swapped(scripted, pair_rows, content_judge):
    scripted.state.reset(lambda payload, index: {"text": content_judge(payload, prefer="rejected")})
    step = JudgePairs(
        config(scripted.url), JudgeProtocol(samples=2, keep=KeepRule(flip_rejected=True))
    )
    [document] = list(step.run(iter([pair_document(PairToJudge.from_row(pair_rows[0]))])))
    assert document.metadata["judge_decision"] == "flipped"
    assert document.metadata["chosen"] == pair_rows[0]["rejected"]
    assert document.metadata["rejected"] == pair_rows[0]["chosen"]


def test_keep_all_annotates_without_filtering(scripted, pair_rows):
    scripted.state.reset(lambda payload, index: {"text": "no verdict"})
    step = JudgePairs(config(scripted.url), JudgeProtocol(samples=2), keep_all=True)
    documents = [pair_document(PairToJudge.from_row(row)) for row in pair_rows[:2]]
    out = list(step.run(iter(documents)))
    assert [d.metadata["judge_decision"] for d in out] == ["too_many_errors"] * 2
    assert out[0].metadata["judgement"]["votes"]["error"] == 2


COMMIT = {
    "repo": "o/r",
    "language": "Python",
    "path": "a.py",
    "message": "Avoid quadratic scan",
    "old_contents": "def f(xs, ys):\n    return [x for x in xs if x in ys]\n",
    "new_contents": "def f(xs, ys):\n    s = set(ys)\n    return [x for x in xs if x in s]\n",
    "aspects": ["Runtime_Efficiency"],
}


def test_rate_commits_keeps_high_ratings(scripted):
    scripted.state.reset(
        lambda payload, index: {
            "text": "<rating>5</rating>"
            if "(c1)" in payload["messages"][-1]["content"]
            else "<rating>3</rating>"
        }
    )
    documents = [
        commit_document({**COMMIT, "id": cid, "message": f"Avoid quadratic scan ({cid})"})
        for cid in ("c1", "c2")
    ]
    documents.append(commit_document({**COMMIT, "id": "c3", "old_contents": None}))
    step = RateCommits(config(scripted.url))
    kept = list(step.run(iter(documents)))
    assert [d.id for d in kept] == ["c1"]
    assert kept[0].metadata["review_rating"] == 5.0
    assert kept[0].metadata["review"]["aspect"] == "Runtime_Efficiency"
    assert step.stats["dropped_below_min_rating"].total == 1
    assert step.stats["dropped_bad_commit"].total == 1


def test_synthesize_instructions(scripted):
    scripted.state.reset(
        lambda payload, index: {
            "text": "<instruction>Filter xs by membership in ys.</instruction>"
            if index == 0
            else "sorry"
        }
    )
    documents = [commit_document({**COMMIT, "id": "c1"})]
    step = SynthesizeInstructions(config(scripted.url), seed=4)
    [document] = list(step.run(iter(documents)))
    assert document.metadata["instruction"] == "Filter xs by membership in ys."
    assert document.metadata["instruction_style"] in {
        "course_assignment",
        "qa_question",
        "search_query",
        "contest_problem",
        "review_request",
    }
    assert list(step.run(iter([commit_document({**COMMIT, "id": "c2"})]))) == []
    assert step.stats["dropped_missing_tag"].total == 1
