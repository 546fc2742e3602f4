"""Leaderboards (Markdown, HTML) and plots across run directories in the CRB format.

Any folder holding ``scores.parquet`` (and optionally ``results.json``) is a run: the
published runs work as they are. Published accuracies are taken from ``results.json`` when
present; the bootstrap intervals, macro averages and ties are computed from the scores, for
all runs together (one bootstrap pass per group, shared by runs over the same pairs).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import polars as pl

from bench.results import (
    DEFAULT_BOOTSTRAP,
    BootstrapConfig,
    FailureRule,
    ScoresError,
    crb_results,
    extras_for_runs,
)
from bench.run_dir import RunFiles, read_run
from bench.shortcuts import shortcuts_markdown
from curation.criteria import ASPECTS
from curation.languages import LANGUAGE_NAMES
from curation.run_fingerprint import replace_atomically, write_text_atomically

ASPECT_LABELS: dict[str, str] = {
    "Functional_Correctness": "Correctness",
    "Runtime_Efficiency": "Runtime",
    "Memory_Efficiency": "Memory",
    "Readability_Maintainability": "Readability",
    "Security_Hardness": "Security",
}


@dataclass(frozen=True)
class RunSummary:
    """What the report shows of one run."""

    name: str
    results: dict[str, Any]
    extras: dict[str, Any]
    cross: pl.DataFrame  # language, aspect, accuracy, count

    @property
    def accuracy(self) -> float:
        return self.results["overall"]["accuracy"]


def _cross_table(scores: pl.DataFrame) -> pl.DataFrame:
    correct = pl.col("chosen_score") > pl.col("rejected_score")
    return (
        scores.group_by("language", "aspect")
        .agg(correct.fill_null(False).mean().alias("accuracy"), pl.len().alias("count"))
        .sort("language", "aspect")
    )


def expand_run_dirs(paths: Sequence[Path]) -> list[Path]:
    """Run directories as given, with a folder of runs (such as the published
    ``crb-runs/``) replaced by the run directories inside it, in name order."""
    runs: list[Path] = []
    for path in map(Path, paths):
        if RunFiles(path).scores.is_file():
            runs.append(path)
            continue
        inside = (
            sorted(p for p in path.iterdir() if RunFiles(p).scores.is_file())
            if path.is_dir()
            else []
        )
        if not inside:
            raise ScoresError(f"{path}: neither a run directory nor a folder of runs")
        runs += inside
    return runs


def load_runs(
    directories: Sequence[Path], bootstrap: BootstrapConfig = DEFAULT_BOOTSTRAP
) -> list[RunSummary]:
    """Summaries of the runs (folders of runs expanded), best overall accuracy first."""
    directories = expand_run_dirs(directories)
    names = [Path(d).resolve().name for d in directories]
    if len(set(names)) != len(names):
        raise ValueError(f"run directories must have distinct names, got {', '.join(names)}")
    tables = [read_run(Path(d)) for d in directories]
    extras = extras_for_runs(tables, FailureRule(), bootstrap)
    summaries = []
    for directory, name, table, extra in zip(directories, names, tables, extras, strict=True):
        files = RunFiles(Path(directory))
        results = (
            json.loads(files.results.read_text()) if files.results.is_file() else crb_results(table)
        )
        summaries.append(RunSummary(name, results, extra, _cross_table(table)))
    return sorted(summaries, key=lambda s: -s.accuracy)


def _cell(accuracy: float | None, interval: Sequence[float | None] | None) -> str:
    if accuracy is None:
        return "-"
    text = f"{100 * accuracy:.2f}"
    if interval and None not in interval:
        text += f" [{100 * interval[0]:.1f}, {100 * interval[1]:.1f}]"
    return text


def leaderboard_rows(runs: Sequence[RunSummary], key: str, names: Sequence[str]) -> list[list[str]]:
    """One row per run: name, pairs, overall with CI, each group of ``key`` with its CI,
    the macro average and the tie count."""
    rows = []
    for run in runs:
        pairs = str(run.results["overall"]["total_examples"])
        row = [run.name, pairs, _cell(run.accuracy, run.extras["ci"]["overall"])]
        for name in names:
            group = run.results[key].get(name)
            row.append(_cell(group["accuracy"], run.extras["ci"][key].get(name)) if group else "-")
        macro = run.extras["macro_accuracy"][key]
        row += [f"{100 * macro:.2f}" if macro is not None else "-", str(run.extras["ties"])]
        rows.append(row)
    return rows


def _sections(runs: Sequence[RunSummary]) -> list[dict[str, Any]]:
    sections = []
    for key, title, names, labels in (
        ("by_aspect", "By aspect", ASPECTS, [ASPECT_LABELS[a] for a in ASPECTS]),
        ("by_language", "By language", LANGUAGE_NAMES, list(LANGUAGE_NAMES)),
    ):
        header = ["Model", "Pairs", "Overall", *labels, "Macro", "Ties"]
        sections.append(
            {"title": title, "header": header, "rows": leaderboard_rows(runs, key, names)}
        )
    sections.append(
        {
            "title": "What the headline number hides",
            "header": [
                "Model",
                "Pairs",
                "Overall",
                "Ties as half",
                "Ties",
                "Missing scores",
                "Parse failures",
            ],
            "rows": [hidden_row(run) for run in runs],
        }
    )
    return sections


def hidden_row(run: RunSummary) -> list[str]:
    """Ties, missing scores and parse failures of a run, and its accuracy if ties counted
    half. Parse failures are the published count when results.json has one (LMUnit counts
    failed responses, R3 failed pairs), else the pairs flagged in the scores."""
    overall, extras = run.results["overall"], run.extras
    failures = overall.get("parse_failures", overall.get("total_parse_failures"))
    half = extras["accuracy_ties_as_half"]
    return [
        run.name,
        str(overall["total_examples"]),
        f"{100 * run.accuracy:.2f}",
        f"{100 * half:.2f}" if half is not None else "-",
        str(extras["ties"]),
        str(extras["missing_scores"]),
        str(failures if failures is not None else extras["parse_failed_pairs"]),
    ]


NOTE = (
    "Accuracy in % (micro average; a pair is correct only when chosen > rejected, ties and "
    "missing scores are wrong). Brackets: 95% percentile bootstrap interval, pairs resampled "
    "within each group. Macro: unweighted mean over the groups. Ties: pairs scored equal. "
    "Heatmap cells show accuracy and the number of pairs (n) behind it. Runs over fewer "
    "pairs than the benchmark holds are not comparable as they stand: see Pairs."
)


def leaderboard_markdown(runs: Sequence[RunSummary]) -> str:
    lines = ["# CRB leaderboard", "", NOTE, ""]
    for section in _sections(runs):
        lines += [f"## {section['title']}", ""]
        lines.append("| " + " | ".join(section["header"]) + " |")
        lines.append("|" + "|".join(["---"] + ["---:"] * (len(section["header"]) - 1)) + "|")
        lines += ["| " + " | ".join(row) + " |" for row in section["rows"]]
        lines.append("")
    return "\n".join(lines)


HTML_TEMPLATE = jinja2.Environment(autoescape=True).from_string(
    """<!doctype html>
<html><head><meta charset="utf-8"><title>CRB leaderboard</title>
<style>
body { font-family: sans-serif; margin: 2em; }
table { border-collapse: collapse; margin-bottom: 2em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; }
td { text-align: right; } td:first-child { text-align: left; }
</style></head><body>
<h1>CRB leaderboard</h1>
<p>{{ note }}</p>
{% for section in sections %}
<h2>{{ section.title }}</h2>
<table><tr>{% for h in section.header %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in section.rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% endfor %}
{% for image in images %}<p><img src="{{ image }}" alt="{{ image }}"></p>
{% endfor %}
</body></html>
"""
)


def leaderboard_html(runs: Sequence[RunSummary], images: Sequence[str] = ()) -> str:
    return HTML_TEMPLATE.render(note=NOTE, sections=_sections(runs), images=list(images))


def plot_aspects(runs: Sequence[RunSummary], path: Path) -> Path:
    """Grouped bars: accuracy per aspect, one bar per model, 95% intervals as error bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    width = 0.8 / max(len(runs), 1)
    x = np.arange(len(ASPECTS))
    fig, ax = plt.subplots(figsize=(max(8, 1.6 * len(ASPECTS) + 0.25 * len(runs)), 5))
    for i, run in enumerate(runs):
        accuracy = np.array(
            [run.results["by_aspect"].get(a, {}).get("accuracy", np.nan) for a in ASPECTS]
        )
        bounds = np.array(
            [run.extras["ci"]["by_aspect"].get(a, [np.nan, np.nan]) for a in ASPECTS], dtype=float
        )
        errors = np.abs(np.stack([accuracy - bounds[:, 0], bounds[:, 1] - accuracy]))
        ax.bar(
            x + (i - (len(runs) - 1) / 2) * width,
            100 * accuracy,
            width,
            yerr=100 * errors,
            capsize=2,
            label=f"{run.name} ({100 * run.accuracy:.1f})",
        )
    ax.set_xticks(x, [ASPECT_LABELS[a] for a in ASPECTS])
    ax.set_ylabel("accuracy (%)")
    ax.set_ylim(0, 100)
    ax.axhline(50, color="grey", linewidth=0.8, linestyle="--")
    ax.set_title("CRB accuracy by aspect (95% bootstrap CI); dashed: coin flip")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3)
    fig.tight_layout()
    replace_atomically(path, partial(fig.savefig, dpi=120, format="png"))
    plt.close(fig)
    return path


def plot_heatmaps(runs: Sequence[RunSummary], path: Path) -> Path:
    """One language x aspect heatmap per model, accuracy in each cell (blank: no pairs)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = min(3, max(len(runs), 1))
    rows = (len(runs) + columns - 1) // columns
    fig, axes = plt.subplots(
        rows, columns, figsize=(5.2 * columns, 4.6 * rows), squeeze=False, layout="constrained"
    )
    image = None
    for ax, run in zip(axes.ravel(), runs, strict=False):
        grid = np.full((len(LANGUAGE_NAMES), len(ASPECTS)), np.nan)
        counts = np.zeros_like(grid, dtype=np.int64)
        for language, aspect, accuracy, count in run.cross.iter_rows():
            cell = LANGUAGE_NAMES.index(language), ASPECTS.index(aspect)
            grid[cell], counts[cell] = accuracy, count
        image = ax.imshow(100 * grid, vmin=0, vmax=100, cmap="RdYlGn", aspect="auto")
        for (r, c), value in np.ndenumerate(grid):
            if not np.isnan(value):  # small cells are noisy: show how many pairs they hold
                label = f"{100 * value:.0f}\nn={counts[r, c]}"
                ax.text(c, r, label, ha="center", va="center", fontsize=7)
        ax.set_xticks(range(len(ASPECTS)), [ASPECT_LABELS[a] for a in ASPECTS], rotation=30)
        ax.set_yticks(range(len(LANGUAGE_NAMES)), LANGUAGE_NAMES)
        ax.set_title(f"{run.name} ({100 * run.accuracy:.1f})", fontsize=10)
    for ax in axes.ravel()[len(runs) :]:
        ax.axis("off")
    if image is not None:
        fig.colorbar(image, ax=axes, shrink=0.6, label="accuracy (%)")
    replace_atomically(path, partial(fig.savefig, dpi=110, format="png"))
    plt.close(fig)
    return path


@dataclass(frozen=True)
class ReportFiles:
    markdown: Path
    html: Path
    aspects_png: Path
    heatmap_png: Path


def write_report(
    directories: Sequence[Path], out: Path, bootstrap: BootstrapConfig = DEFAULT_BOOTSTRAP
) -> ReportFiles:
    """Leaderboard (Markdown + HTML) and both plots for the runs, written under ``out``."""
    if not directories:
        raise ValueError("no run directory given")
    out = Path(out)
    runs = load_runs(directories, bootstrap)  # a bad run fails before --out is made
    out.mkdir(parents=True, exist_ok=True)
    aspects_png = plot_aspects(runs, out / "accuracy_by_aspect.png")
    heatmap_png = plot_heatmaps(runs, out / "language_aspect_heatmap.png")
    markdown = out / "leaderboard.md"
    write_text_atomically(markdown, leaderboard_markdown(runs) + shortcuts_markdown(directories))
    html = out / "leaderboard.html"
    write_text_atomically(html, leaderboard_html(runs, [aspects_png.name, heatmap_png.name]))
    return ReportFiles(markdown, html, aspects_png, heatmap_png)
