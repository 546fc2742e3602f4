"""``codepref mine``: run (or resume) the commit-mining pipeline and print its stats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipelines.config_file import ConfigFileOption
from pipelines.options import OverwriteOption, parse_languages

# datatrove, the mining filters and the secret scanner load in the command body:
# `codepref mine --help` imports none of them.


def register(app: typer.Typer) -> None:
    app.command("mine")(mine)


def _languages(names: list[str]) -> frozenset[str] | None:
    wanted = parse_languages(names)
    return frozenset(wanted) if wanted else None


def mine(
    out: Annotated[Path, typer.Option("--out", help="Output folder (commits/, stats.json).")],
    repos: Annotated[
        list[Path] | None,
        typer.Option("--repos", help="Repository, or folder of repositories; repeatable."),
    ] = None,
    remote: Annotated[
        list[Path] | None,
        typer.Option("--remote", help="Commit metadata (.parquet/.jsonl) to fetch by sha."),
    ] = None,
    benchmark: Annotated[
        list[Path] | None,
        typer.Option("--benchmark", help="CRB-format Parquet to decontaminate against."),
    ] = None,
    executor: Annotated[
        str, typer.Option("--executor", help="local, slurm or ray (datatrove executors).")
    ] = "local",
    tasks: Annotated[int, typer.Option("--tasks", min=1, help="Tasks per sharded stage.")] = 1,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Tasks run at once.")] = 1,
    license: Annotated[
        str | None, typer.Option("--license", help="SPDX id for every repo (skips detection).")
    ] = None,
    allow_license: Annotated[
        list[str] | None,
        typer.Option("--allow-license", help="Allowed SPDX ids (default: permissive set)."),
    ] = None,
    languages: Annotated[
        list[str] | None,
        typer.Option("--languages", help="Only these languages (repeat or comma list)."),
    ] = None,
    keep_untagged: Annotated[
        bool, typer.Option("--keep-untagged", help="Keep commits that match no aspect.")
    ] = False,
    secret_policy: Annotated[
        str,
        typer.Option(
            "--secrets",
            help="A commit with a secret: 'drop' it, or 'redact' the secret to <SECRET_n>.",
        ),
    ] = "drop",
    fetch_timeout: Annotated[float, typer.Option(help="Seconds per git fetch.")] = 60.0,
    fetch_workers: Annotated[int, typer.Option(help="Concurrent fetches per task.")] = 8,
    slurm_partition: Annotated[str | None, typer.Option(help="Slurm partition.")] = None,
    slurm_time: Annotated[str, typer.Option(help="Slurm time limit per job.")] = "04:00:00",
    overwrite: OverwriteOption = False,
    config: ConfigFileOption = None,
) -> None:
    """Mine single-file commits from git history into deduplicated, aspect-tagged Parquet.

    Rerun with the same inputs and settings to resume; --out records them
    (run_fingerprint.json) and refuses a different run unless --overwrite."""
    from curation.executors import ExecutorConfig, SlurmOptions
    from curation.mining.filters import FilterConfig
    from curation.mining.gitlog import find_repositories
    from curation.mining.licenses import PERMISSIVE_LICENSES
    from curation.mining.remote import FetchConfig
    from curation.privacy.secrets import SecretPolicy
    from curation.run_fingerprint import RunFingerprint, claim_output
    from pipelines.mining import MiningConfig, run_mining

    if executor == "slurm" and not slurm_partition:
        raise typer.BadParameter("--executor slurm needs --slurm-partition")
    try:
        executor_config = ExecutorConfig(
            kind=executor,  # type: ignore[arg-type]
            tasks=tasks,
            workers=workers,
            start_method="fork",
            slurm=SlurmOptions(partition=slurm_partition, time=slurm_time),
        )
        config = MiningConfig(
            output=out,
            repos=list(repos or []),
            remote_metadata=list(remote or []),
            benchmarks=list(benchmark or []),
            license=license,
            filters=FilterConfig(
                licenses=frozenset(allow_license) if allow_license else PERMISSIVE_LICENSES,
                allowed_languages=_languages(list(languages or [])),
            ),
            fetch=FetchConfig(timeout_s=fetch_timeout, workers=fetch_workers),
            keep_untagged=keep_untagged,
            secret_policy=SecretPolicy(secret_policy),
            executor=executor_config,
        )
        settings = {
            "license": license,
            "allow_license": sorted(allow_license or []),
            "languages": sorted(_languages(list(languages or [])) or []),
            "keep_untagged": keep_untagged,
            "tasks": tasks,
        }
        # Each repository by its HEAD commit; a typo fails here, before --out is touched.
        inputs = {"repo": find_repositories(repos or []), "remote": remote, "benchmark": benchmark}
        claim_output(out, RunFingerprint.of("mine", inputs, settings), overwrite)
        stats_path = run_mining(config)
    except (ValueError, FileNotFoundError) as error:
        raise typer.BadParameter(str(error)) from error
    except ImportError as error:  # e.g. --executor ray without ray installed
        raise typer.BadParameter(f"--executor {executor}: {error}") from error
    console = Console()
    if not stats_path.exists():
        console.print(f"submitted; {stats_path} is written when the last stage finishes")
        return
    stats = json.loads(stats_path.read_text("utf-8"))
    table = Table("", "rows", title=f"codepref mine -> {out}")
    table.add_row("rows in", str(stats["rows_in"]))
    for reason, count in stats["drops_by_reason"].items():
        table.add_row(f"  dropped: {reason}", str(count))
    table.add_row("rows out", str(stats["rows_out"]))
    for language, count in stats["by_language"].items():
        table.add_row(f"  {language}", str(count))
    for aspect, count in stats["by_aspect"].items():
        table.add_row(f"  {aspect}", str(count))
    console.print(table)
