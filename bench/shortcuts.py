"""Surface-shortcut baselines of a benchmark, beside the reward models scored on it.

A reward model's accuracy means little if "the longer answer wins" scores as well on the
same pairs. ``bench run`` writes, next to each run's results, the accuracy per aspect x
language of baselines that read only surface features (``curation.pairs.shortcuts``: length,
lines, comment share, identifier length); ``bench report`` puts the table under the
leaderboard.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from curation.pairs.shortcuts import DEFAULT_MAX_ACCURACY, shortcut_markdown, shortcut_records
from curation.run_fingerprint import write_text_atomically

SHORTCUTS_FILE = "shortcuts.json"


def write_shortcuts(pairs: pl.DataFrame, run_dir: Path) -> Path:
    """``run_dir/shortcuts.json``: the shortcut table of the pairs a run was scored on."""
    path = Path(run_dir) / SHORTCUTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    records = shortcut_records(pairs) if pairs.height else []
    write_text_atomically(path, json.dumps(records, indent=2) + "\n")
    return path


def shortcuts_markdown(directories: Sequence[Path]) -> str:
    """The report's section, from the first run directory that has a shortcut table
    (runs compared in one report are scored on the same pairs); empty when none has."""
    for directory in directories:
        path = Path(directory) / SHORTCUTS_FILE
        if not path.is_file():
            continue
        records = json.loads(path.read_text())
        overall = [r for r in records if r["language"] == "all"]
        detail = [r for r in records if r["language"] != "all"]
        return (
            "\n## Surface shortcuts of the benchmark pairs\n\n"
            "Share of pairs whose chosen side has the higher value of a surface feature "
            f"(0.5: no signal; bold: beyond {DEFAULT_MAX_ACCURACY:g} either way, a baseline "
            "reading the feature scores that well). From "
            f"`{path}`.\n\n{shortcut_markdown(overall)}\n"
            f"<details><summary>per aspect x language</summary>\n\n"
            f"{shortcut_markdown(detail)}\n</details>\n"
        )
    return ""
