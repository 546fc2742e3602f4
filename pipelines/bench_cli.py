"""``codepref bench``: run, report, compare and rescore reward-model evaluations."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipelines.config_file import ConfigFileOption
from pipelines.options import OverwriteOption, parse_languages

if TYPE_CHECKING:
    from bench.scoring import Scorer

# bench (polars, numpy, scipy, torch for seqcls) and the judge load in the command bodies:
# `codepref bench --help` imports none of them.

bench_app = typer.Typer(
    help="Evaluate reward models on CRB-format pairs; reproduce and compare published runs.",
    no_args_is_help=True,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)

Resamples = Annotated[int, typer.Option(help="Bootstrap resamples for the 95% intervals.")]
Seed = Annotated[int, typer.Option(help="Seed of the bootstrap (and of the random scorer).")]


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")


def _fail(error: Exception) -> None:
    errors.print(f"[red]error:[/red] {escape(str(error))}", highlight=False)
    raise typer.Exit(2)


@bench_app.command("run")
def run(
    data: Annotated[str, typer.Option(help="Parquet file, folder, or HF dataset id.")],
    out: Annotated[Path, typer.Option(help="Run directory to write.")],
    model: Annotated[
        str | None, typer.Option(help="Path or id of an AutoModelForSequenceClassification RM.")
    ] = None,
    scorer: Annotated[
        str, typer.Option(help="seqcls, judge, random, longer or shorter.")
    ] = "seqcls",
    system_prompt: Annotated[
        str, typer.Option(help="System prompt: none, aspect, all, or given (the pairs' column).")
    ] = "none",
    hf_config: Annotated[
        str | None, typer.Option("--hf-config", help="HF dataset config, e.g. Full.")
    ] = None,
    split: Annotated[str, typer.Option(help="HF split.")] = "test",
    aspects: Annotated[
        list[str] | None, typer.Option("--aspects", help="Keep these aspects (repeat).")
    ] = None,
    languages: Annotated[
        list[str] | None,
        typer.Option("--languages", help="Keep these languages (repeat or comma list)."),
    ] = None,
    subset: Annotated[list[str] | None, typer.Option(help="Keep these subsets.")] = None,
    sample: Annotated[int | None, typer.Option(help="Stratified sample size.")] = None,
    batch_size: Annotated[int, typer.Option(help="seqcls batch size.")] = 8,
    max_length: Annotated[int, typer.Option(help="seqcls max tokens per response.")] = 4096,
    truncation_side: Annotated[
        str, typer.Option(help="Which end of an over-long response is cut: left or right.")
    ] = "right",
    trust_remote_code: Annotated[bool, typer.Option(help="Allow custom model code.")] = False,
    batch_invariant: Annotated[
        bool, typer.Option(help="float64 compute, float32 scores (CPU).")
    ] = True,
    device: Annotated[str, typer.Option(help="torch device.")] = "cpu",
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint", envvar="CODEPREF_JUDGE_URL", help="OpenAI-compatible base URL (judge)."
        ),
    ] = None,
    api_key: Annotated[
        str | None, typer.Option(envvar="OPENAI_API_KEY", help="Judge API key.")
    ] = None,
    strict: Annotated[bool, typer.Option(help="Fail on rows with missing fields.")] = False,
    resamples: Resamples = 1000,
    seed: Seed = 0,
    config: ConfigFileOption = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Score CRB pairs with a model or baseline and write a run directory."""
    from bench.dataset import DatasetError, load_pairs, select_pairs
    from bench.evaluate import evaluate
    from bench.results import BootstrapConfig
    from bench.scorers import SYSTEM_PROMPT_MODES
    from bench.shortcuts import write_shortcuts
    from curation.run_fingerprint import OutputInUseError, RunFingerprint, claim_output

    if system_prompt not in SYSTEM_PROMPT_MODES:
        _fail(ValueError(f"--system-prompt must be one of {', '.join(SYSTEM_PROMPT_MODES)}"))
    if scorer in ("seqcls", "judge") and not model:
        _fail(
            ValueError(
                f"--model is required for the {scorer} scorer, pass --model PATH_OR_ID "
                "(or --scorer longer, shorter or random)"
            )
        )
    if scorer == "judge" and not endpoint:
        _fail(ValueError("--endpoint (or CODEPREF_JUDGE_URL) is required for the judge scorer"))
    try:
        loaded = load_pairs(data, hf_config, split, strict)
        wanted = parse_languages(languages)
        pairs = select_pairs(loaded.pairs, aspects, wanted, subset, sample, seed)
    except (DatasetError, ValueError) as error:
        _fail(error)
    console.print(loaded.summary())
    options = {
        "model": model,
        "base_url": endpoint,
        "api_key": api_key,
        "system_prompt": system_prompt,
        "batch_size": batch_size,
        "max_length": max_length,
        "truncation_side": truncation_side,
        "trust_remote_code": trust_remote_code,
        "batch_invariant": batch_invariant,
        "device": device,
        "seed": seed,
    }
    data_info = {
        "source": data,
        "config": hf_config,
        "split": split,
        "filters": {"aspect": aspects, "language": list(wanted or []) or None, "subset": subset},
        "sample": sample,
        "dropped": loaded.dropped,
    }
    # What changes the scores: the pairs and their selection, the model, how it reads them
    # (not batch size or device: scoring is batch-invariant), the bootstrap.
    settings = {
        key: value
        for key, value in {**options, **data_info, "scorer": scorer, "resamples": resamples}.items()
        if key not in ("api_key", "batch_size", "device", "dropped")
    }
    local = {"data": _local_path(data), "model": _local_path(model)}
    try:
        claim_output(out, RunFingerprint.of("bench run", local, settings), overwrite)
    except OutputInUseError as error:
        _fail(error)
    files = evaluate(
        pairs, make_scorer(scorer, options), out, data_info, BootstrapConfig(resamples, seed)
    )
    write_shortcuts(pairs, out)
    _print_results(files.results)


def _local_path(spec: str | None) -> Path | None:
    """A local file or folder given as a string (a Hub id is recorded as a setting)."""
    return Path(spec) if spec and Path(spec).exists() else None


def _print_results(path: Path) -> None:
    results = json.loads(path.read_text())
    table = Table(title=str(path.parent))
    table.add_column("group")
    table.add_column("accuracy", justify="right")
    table.add_column("count", justify="right")
    overall = results["overall"]
    table.add_row("overall", f"{overall['accuracy']:.4f}", str(overall["total_examples"]))
    for name, group in results["by_aspect"].items():
        table.add_row(name, f"{group['accuracy']:.4f}", str(group["count"]))
    console.print(table)


@bench_app.command("report")
def report(
    runs: Annotated[list[Path], typer.Argument(help="Run directories (CRB format).")],
    out: Annotated[Path, typer.Option(help="Folder for the leaderboard and plots.")],
    resamples: Resamples = 1000,
    seed: Seed = 0,
) -> None:
    """Leaderboard (Markdown + HTML) with CIs and PNG plots across run directories."""
    from bench.report import write_report
    from bench.results import BootstrapConfig, ScoresError

    try:
        files = write_report(runs, out, BootstrapConfig(resamples, seed))
    except (ScoresError, ValueError) as error:
        _fail(error)
    for path in (files.markdown, files.html, files.aspects_png, files.heatmap_png):
        console.print(f"wrote {path}")


@bench_app.command("compare")
def compare(
    run_a: Annotated[Path, typer.Argument(help="First run directory.")],
    run_b: Annotated[Path, typer.Argument(help="Second run directory.")],
    resamples: Resamples = 1000,
    seed: Seed = 0,
    alpha: Annotated[float, typer.Option(help="Significance level.")] = 0.05,
) -> None:
    """Paired comparison (B - A) with a bootstrap CI and McNemar's test, overall and by group."""
    from bench.compare import compare_runs
    from bench.results import BootstrapConfig, ScoresError
    from bench.run_dir import read_run

    try:
        result = compare_runs(
            read_run(run_a),
            read_run(run_b),
            run_a.resolve().name,
            run_b.resolve().name,
            BootstrapConfig(resamples, seed),
            alpha,
        )
    except (ScoresError, ValueError) as error:
        _fail(error)
    table = Table(title=f"{result.name_b} - {result.name_a} on {result.shared} shared pairs")
    for column in ("group", "pairs", "A", "B", "B-A", "95% CI", "A only", "B only", "p", ""):
        table.add_column(column, justify="left" if column == "group" else "right")
    rows = [result.overall] + [d for key in result.groups for d in result.groups[key]]
    for d in rows:
        table.add_row(
            d.group,
            str(d.pairs),
            f"{d.accuracy_a:.2%}",
            f"{d.accuracy_b:.2%}",
            f"{d.difference:+.2%}",
            f"{d.ci[0]:+.2%} .. {d.ci[1]:+.2%}",
            str(d.mcnemar.only_a),
            str(d.mcnemar.only_b),
            f"{d.mcnemar.p_value:.3g}",
            "*" if d.significant else "",
        )
    console.print(table)
    if result.only_a or result.only_b:
        console.print(
            f"pairs only in {result.name_a}: {len(result.only_a)}; "
            f"only in {result.name_b}: {len(result.only_b)} (left out of the comparison)"
        )
    console.print(result.verdict())


@bench_app.command("rescore")
def rescore_command(
    scores: Annotated[Path, typer.Argument(help="A scores.parquet made elsewhere.")],
    out: Annotated[Path, typer.Option(help="Run directory to write.")],
    failure_sentinel: Annotated[
        float | None,
        typer.Option(help="Score that marks a failed response (LMUnit: 0), when no flags."),
    ] = None,
    resamples: Resamples = 1000,
    seed: Seed = 0,
    overwrite: OverwriteOption = False,
) -> None:
    """Recompute results.json (published format) and extras.json from per-pair scores."""
    from bench.results import BootstrapConfig, FailureRule, ScoresError
    from bench.run_dir import rescore
    from curation.run_fingerprint import OutputInUseError, RunFingerprint, claim_output

    settings = {"failure_sentinel": failure_sentinel, "resamples": resamples, "seed": seed}
    fingerprint = RunFingerprint.of("bench rescore", {"scores": scores}, settings)
    try:
        files = rescore(
            scores,
            out,
            FailureRule(failure_sentinel),
            BootstrapConfig(resamples, seed),
            claim=lambda directory: claim_output(directory, fingerprint, overwrite),
        )
    except (ScoresError, OutputInUseError) as error:
        _fail(error)
    _print_results(files.results)


def make_scorer(kind: str, options: Mapping[str, Any]) -> Scorer:
    """A scorer by kind (``seqcls``, ``judge``, ``random``, ``longer``, ``shorter``)."""
    from bench.scorers import LengthScorer, RandomScorer, SeqClsConfig, SeqClsScorer
    from pipelines.judge_scorer import JudgeConfig, JudgeScorer

    if kind == "random":
        return RandomScorer(seed=int(options.get("seed", 0)))
    if kind in ("longer", "shorter"):
        return LengthScorer(prefer=kind)
    if kind == "seqcls":
        fields = SeqClsConfig.__dataclass_fields__
        return SeqClsScorer(SeqClsConfig(**{k: v for k, v in options.items() if k in fields}))
    if kind == "judge":
        fields = JudgeConfig.__dataclass_fields__
        return JudgeScorer(JudgeConfig(**{k: v for k, v in options.items() if k in fields}))
    raise ValueError(f"unknown scorer {kind!r}; expected seqcls, judge, random, longer, shorter")
