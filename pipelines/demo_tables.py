"""The demo's result tables: the reward model's accuracy next to the surface shortcuts.

A held-out accuracy is only worth what it adds over a baseline that reads surface
features; the demo therefore prints, per aspect, the RM's accuracy and CI beside
"longer is better" and the strongest single-feature shortcut on the same pairs, and the
shortcut table of the dataset it trained on.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from curation.pairs.shortcuts import DEFAULT_MAX_ACCURACY, FEATURES

RM_RUN = "codepref-minilm"
LENGTH_RUN = "longer-is-better"


def _interval(interval: list[float] | None) -> str:
    return "" if not interval else f"[{interval[0]:.3f}, {interval[1]:.3f}]"


def _flag(value: float) -> str:
    text = f"{value:.2f}"
    return f"[bold red]{text}[/]" if max(value, 1 - value) > DEFAULT_MAX_ACCURACY else text


def shortcut_summary(records: list[dict[str, Any]], where: str) -> Table:
    """Per aspect (all languages): each feature's "higher is chosen" accuracy."""
    table = Table(
        "aspect",
        "pairs",
        *FEATURES,
        "strongest shortcut",
        title=f"surface shortcuts, {where}: share of pairs whose chosen side is higher "
        f"(red: beyond {DEFAULT_MAX_ACCURACY:g} either way)",
    )
    for row in records:
        if row["language"] != "all":
            continue
        table.add_row(
            row["aspect"],
            str(row["pairs"]),
            *(_flag(row[feature]) for feature in FEATURES),
            f"{row['strongest']} {row['strongest_accuracy']:.2f}",
        )
    return table


def accuracy_summary(evaluation: dict[str, Any]) -> Table:
    """The RM per aspect and overall, with the length baseline and the strongest shortcut."""
    rm = evaluation["runs"][RM_RUN]
    length = evaluation["runs"][LENGTH_RUN]
    shortcuts = {r["aspect"]: r for r in evaluation.get("shortcuts", []) if r["language"] == "all"}
    table = Table(
        "aspect",
        "pairs",
        "RM accuracy",
        "RM 95% CI",
        "longer-is-better",
        "strongest surface shortcut",
        title="held-out benchmark: the reward model next to surface baselines",
    )
    for aspect, row in rm["by_aspect"].items():
        interval = rm["extras"]["ci"]["by_aspect"].get(aspect)
        above = interval is not None and interval[0] > 0.5
        shortcut = shortcuts.get(aspect)
        table.add_row(
            aspect,
            str(row["count"]),
            f"[green]{row['accuracy']:.3f}[/]" if above else f"{row['accuracy']:.3f}",
            _interval(interval),
            f"{length['by_aspect'][aspect]['accuracy']:.3f}",
            "" if shortcut is None else
            f"{shortcut['strongest']} {shortcut['strongest_accuracy']:.3f}",
        )  # fmt: skip
    overall = rm["overall"]
    table.add_row(
        "[bold]overall",
        str(overall["total_examples"]),
        f"[bold]{overall['accuracy']:.3f}",
        _interval(rm["extras"]["ci"]["overall"]),
        f"{length['overall']['accuracy']:.3f}",
        "",
    )
    return table
