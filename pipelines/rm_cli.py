"""``codepref train`` and ``codepref score``: the CLI of `rm`, in the one CLI layer."""

from __future__ import annotations

import glob
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from curation.run_fingerprint import RunFingerprint, claim_output
from pipelines.config_file import config_file_option, file_fields
from pipelines.options import OverwriteOption

if TYPE_CHECKING:
    from rm.reward_config import TrainConfig

console = Console()


def _is_local(spec: str) -> bool:
    """A --pairs value meant as a local path (a Hub dataset id has no suffix or glob)."""
    return bool(Path(spec).suffix) or spec.startswith((".", "/", "~")) or "*" in spec


def _train_config() -> type:
    from rm.reward_config import TrainConfig  # torch loads only when train runs

    return TrainConfig


def train_command(
    ctx: typer.Context,
    pairs: Annotated[
        list[str] | None, typer.Option("--pairs", help="Pairs Parquet: paths, dirs, globs.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Base model or checkpoint (name or path).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Output directory.")] = None,
    eval_pairs: Annotated[
        str | None, typer.Option("--eval-pairs", help="Held-out pairs file.")
    ] = None,
    max_steps: Annotated[int | None, typer.Option("--max-steps")] = None,
    max_length: Annotated[int | None, typer.Option("--max-length")] = None,
    micro_batch_size: Annotated[int | None, typer.Option("--micro-batch-size")] = None,
    global_batch_size: Annotated[int | None, typer.Option("--global-batch-size")] = None,
    lr: Annotated[float | None, typer.Option("--lr")] = None,
    head_lr: Annotated[
        float | None, typer.Option("--head-lr", help="The score head's rate (default: --lr).")
    ] = None,
    pooling: Annotated[
        str | None,
        typer.Option(
            "--pooling", help="What an encoder's head reads: last (token) or mean (of states)."
        ),
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue from the latest checkpoint.")
    ] = False,
    config: Annotated[Path | None, config_file_option(_train_config)] = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Train a Bradley-Terry reward model on pairs shards (launch with `accelerate launch`
    or `torchrun` for several processes)."""
    missing = [spec for spec in pairs or () if _is_local(spec) and not glob.glob(spec)]
    if missing:  # before torch is imported and the model looked up
        raise typer.BadParameter(
            f"no pairs file matches {', '.join(missing)}; give Parquet files, folders or globs",
            param_hint="--pairs",
        )
    from rm.reward_config import TrainConfig
    from rm.reward_trainer import train

    overrides = {
        "pairs": pairs or None,
        "model": model,
        "out": str(out) if out else None,
        "eval_pairs": eval_pairs,
        "max_steps": max_steps,
        "max_length": max_length,
        "micro_batch_size": micro_batch_size,
        "global_batch_size": global_batch_size,
        "lr": lr,
        "head_lr": head_lr,
        "pooling": pooling,
        "seed": seed,
        "resume": resume or None,
    }
    # The file's TrainConfig fields without a flag, then every option (the file's values
    # for those the command line does not give, see pipelines/config_file.py).
    given = {k: v for k, v in overrides.items() if v is not None}
    cfg = TrainConfig.from_dict({**file_fields(ctx), **given}, origin=str(config or "options"))
    if not cfg.model or not cfg.pairs:
        raise typer.BadParameter("--model and --pairs are required (or set them in --config)")
    claim_training_output(cfg, overwrite)
    result = train(cfg)
    table = Table(title=f"reward model saved to {result.out}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    table.add_row("steps", str(result.steps))
    table.add_row("pairs/s", f"{result.pairs_per_second:.2f}")
    table.add_row("tokens/s", f"{result.tokens_per_second:.0f}")
    if result.eval_report:
        table.add_row("held-out accuracy", f"{result.eval_report['overall']['accuracy']:.4f}")
    console.print(table)


# Fields of TrainConfig that do not change the trained model.
UNFINGERPRINTED = ("out", "resume", "log_steps", "eval_steps", "save_steps", "eval_batch_size")


def claim_training_output(cfg: TrainConfig, overwrite: bool) -> None:
    """Record the run in its output directory (:mod:`curation.run_fingerprint`): local pairs
    files and a local base model by size and mtime, every setting that changes the model.
    Under ``torchrun`` or ``accelerate launch`` only the first process claims the folder."""
    if int(os.environ.get("RANK", "0")) != 0:
        return
    local = [
        Path(path) for spec in cfg.pairs if _is_local(spec) for path in sorted(glob.glob(spec))
    ]
    inputs = {
        "pairs": local,
        "eval_pairs": Path(cfg.eval_pairs)
        if cfg.eval_pairs and _is_local(cfg.eval_pairs)
        else None,
        "model": Path(cfg.model) if Path(cfg.model).exists() else None,
    }
    fingerprint = RunFingerprint.of_config("train", cfg, UNFINGERPRINTED, inputs)
    claim_output(Path(cfg.out), fingerprint, overwrite)


def score_command(
    model: Annotated[Path, typer.Option("--model", help="A reward model saved by codepref train.")],
    pairs: Annotated[str, typer.Option("--pairs", help="Pairs (or CRB) Parquet to score.")],
    out: Annotated[Path, typer.Option("--out", help="Output Parquet (CRB run format).")],
    batch_size: Annotated[int, typer.Option("--batch-size")] = 8,
    max_length: Annotated[int, typer.Option("--max-length")] = 4096,
    system: Annotated[
        str,
        typer.Option(
            "--system-prompt", help="System prompt: none, aspect, all, or given (pair column)."
        ),
    ] = "aspect",
    device: Annotated[str | None, typer.Option("--device")] = None,
) -> None:
    """Score every pair: id, chosen_score, rejected_score (+ language/aspect/subset)."""
    if not model.exists():  # before torch is imported
        raise typer.BadParameter(
            f"{model}: no such model folder, give the --out of `codepref train`",
            param_hint="--model",
        )
    if _is_local(pairs) and not glob.glob(pairs):
        raise typer.BadParameter(
            f"no pairs file matches {pairs}; give a Parquet file, folder or glob",
            param_hint="--pairs",
        )
    from rm.score import accuracy_report, score_file

    frame = score_file(
        model,
        pairs,
        out,
        batch_size=batch_size,
        max_length=max_length,
        system=system,
        device=device,
    )
    report = accuracy_report(frame)
    console.print(f"scored {frame.height} pairs -> {out}")
    console.print_json(json.dumps(report["overall"]))


def register(app: typer.Typer) -> None:
    """Mount ``train`` and ``score`` on the root ``codepref`` app."""
    app.command("train")(train_command)
    app.command("score")(score_command)
