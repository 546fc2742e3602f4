"""Stats aggregation of the mining report (``curation/steps/mining_writers.py``)."""

from __future__ import annotations

import json
from pathlib import Path

from curation.steps.mining.writers import drops_by_reason, load_stage_stats


def _write(folder: Path, rank: int, steps: list[dict]) -> None:
    (folder / "stats").mkdir(parents=True, exist_ok=True)
    (folder / "stats" / f"{rank:05d}.json").write_text(json.dumps(steps))


def test_stage_stats_sum_every_task_file(tmp_path: Path) -> None:
    reader = {"name": "📖 - READER: 🌳 git history", "time_stats": 0}
    _write(tmp_path, 0, [{**reader, "stats": {"rows_in": 3, "dropped_root_commit": 1}}])
    _write(tmp_path, 1, [{**reader, "stats": {"rows_in": {"total": 5, "n": 5, "mean": 1}}}])
    assert load_stage_stats(tmp_path) == [
        {"step": reader["name"], "rows_in": 8, "dropped_root_commit": 1}
    ]
    assert load_stage_stats(tmp_path / "none") == []


def test_drops_by_reason_labels_datatrove_dedup_filters() -> None:
    stages = {
        "mine": [
            {"step": "🔻 - FILTER: ✉ commit message", "dropped": 3, "dropped_trivial_message": 2,
             "dropped_message_too_short": 1},
        ],
        "write": [
            {"step": "🫂 - DEDUPS: 💥 exact-deduplication stage 3", "dropped": 4},
            {"step": "🫂 - DEDUP: 🎯 MinHash stage 4", "dropped": 5},
            {"step": "💽 - WRITER: 📒 Parquet", "total": 9},
        ],
    }  # fmt: skip
    assert drops_by_reason(stages) == {
        "exact_duplicate": 4,
        "message_too_short": 1,
        "near_duplicate": 5,
        "trivial_message": 2,
    }
