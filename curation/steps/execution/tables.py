"""Write the execution pipeline's tables, and summarise them.

The writer is the pipeline's last step: it collects the ``solutions`` (with mutants),
``executions`` and ``pairs`` rows of its task's documents and writes one Parquet shard
of each, validated against curation/schema.py, under ``<out>/<table>/<rank>.parquet``,
plus the mutant candidate counts. :func:`summarize` reads them back for the summary JSON
and the table of mutants generated / compiled / killed / equivalent.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep

from curation.schema import EXECUTIONS, PAIRS, SOLUTIONS, validate
from curation.steps.pairs.executions import FAILING_STATUSES

TABLES: dict[str, pa.Schema] = {"solutions": SOLUTIONS, "executions": EXECUTIONS, "pairs": PAIRS}


class ExecutionTablesWriter(PipelineStep):
    """Writes ``solutions``, ``executions`` and ``pairs`` shards and mutant counts.

    Pair ids already seen in this task are dropped and counted (``duplicate_pairs``):
    the same code pair can come from two problems with the same prompt.
    """

    name = "💾 Execution tables"
    type = "💽 - WRITER"

    def __init__(self, output_dir: str | Path) -> None:
        super().__init__()
        self.output_dir = Path(output_dir)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        candidates: dict[str, Counter[str]] = defaultdict(Counter)
        pair_ids: set[str] = set()
        for document in data or ():
            language = document.metadata["problem"]["language"]
            candidates[language].update(document.metadata.get("mutant_candidates", {}))
            rows["solutions"].extend(document.metadata.get("solutions", []))
            rows["executions"].extend(document.metadata.get("executions", []))
            for pair in document.metadata.get("pairs", []):
                if pair["id"] in pair_ids:
                    self.stat_update("duplicate_pairs")
                    continue
                pair_ids.add(pair["id"])
                rows["pairs"].append(pair)
            yield document
        for name, schema in TABLES.items():
            table = validate(pa.Table.from_pylist(rows[name], schema=schema), schema, name)
            path = self.output_dir / name / f"{rank:05d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, path, compression="zstd")
            self.stat_update(f"rows_{name}", value=table.num_rows)
        counts = self.output_dir / "mutant_candidates" / f"{rank:05d}.json"
        counts.parent.mkdir(parents=True, exist_ok=True)
        counts.write_text(json.dumps({lang: dict(c) for lang, c in candidates.items()}))


def read_table(output_dir: str | Path, name: str) -> pa.Table:
    """All shards of one table of an execution output folder."""
    shards = sorted((Path(output_dir) / name).glob("*.parquet"))
    if not shards:
        return TABLES[name].empty_table()
    return pa.concat_tables([pq.read_table(shard) for shard in shards])


def pair_labels(output_dir: str | Path) -> set[tuple[str, str, str]]:
    """``(aspect, chosen solution id, rejected solution id)`` of every pair written: what a
    rerun must reproduce (test-retest), whatever the pair ids and evidence values."""
    found = set()
    for row in read_table(output_dir, "pairs").select(["aspect", "evidence"]).to_pylist():
        evidence = json.loads(row["evidence"])
        found.add(
            (row["aspect"], evidence["chosen"]["solution_id"], evidence["rejected"]["solution_id"])
        )
    return found


def mutant_rows(
    solutions: list[dict[str, Any]],
    executions: list[dict[str, Any]],
    candidates: dict[str, dict[str, int]],
) -> list[dict[str, Any]]:
    """Per language and operator: mutants generated (candidates that parse), executed,
    compiled, killed (compiled and failed a test) and equivalent (passed every test)."""
    status = {row["solution_id"]: row["status"] for row in executions}
    table: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for language, counts in candidates.items():
        for operator, count in counts.items():
            table[(language, operator)]["generated"] += count
    for solution in solutions:
        if solution["origin"] != "mutant":
            continue
        operator = json.loads(solution["meta"])["operator"]
        counter = table[(solution["language"], operator)]
        verdict = status.get(solution["id"])
        if verdict is None:
            continue
        counter["executed"] += 1
        if verdict not in ("COMPILE_ERROR", "SANDBOX_ERROR"):
            counter["compiled"] += 1
        if verdict in FAILING_STATUSES:
            counter["killed"] += 1
        if verdict == "OK":
            counter["equivalent"] += 1
    columns = ("generated", "executed", "compiled", "killed", "equivalent")
    return [
        {"language": language, "operator": operator, **{c: counts[c] for c in columns}}
        for (language, operator), counts in sorted(table.items())
    ]


def summarize(output_dir: str | Path, problems: int) -> dict[str, Any]:
    """The summary JSON of an execution run: problems, problems with pairs, pairs (total
    and per aspect and language), executions by status, and the mutant table."""
    output_dir = Path(output_dir)
    solutions = read_table(output_dir, "solutions").to_pylist()
    executions = read_table(output_dir, "executions").to_pylist()
    pairs = read_table(output_dir, "pairs").select(["aspect", "language", "evidence"]).to_pylist()
    candidates: dict[str, dict[str, int]] = defaultdict(dict)
    for shard in sorted((output_dir / "mutant_candidates").glob("*.json")):
        for language, counts in json.loads(shard.read_text()).items():
            merged = Counter(candidates[language])
            merged.update(counts)
            candidates[language] = dict(merged)
    with_pairs = {json.loads(pair["evidence"])["problem_id"] for pair in pairs}
    fc_problems = {
        json.loads(pair["evidence"])["problem_id"]
        for pair in pairs
        if pair["aspect"] == "Functional_Correctness"
    }
    mutants = mutant_rows(solutions, executions, candidates)
    totals = Counter()
    for row in mutants:
        totals.update({k: v for k, v in row.items() if isinstance(v, int)})
    return {
        "problems": problems,
        "problems_with_pairs": len(with_pairs),
        "problems_with_correctness_pairs": len(fc_problems),
        "pairs": len(pairs),
        "pairs_by_aspect": dict(sorted(Counter(p["aspect"] for p in pairs).items())),
        "pairs_by_language": dict(sorted(Counter(p["language"] for p in pairs).items())),
        "solutions": len(solutions),
        "executions_by_status": dict(sorted(Counter(e["status"] for e in executions).items())),
        "mutants": dict(totals),
        "mutants_by_operator": mutants,
    }
