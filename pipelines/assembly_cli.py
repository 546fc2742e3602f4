"""Commands ``codepref assemble`` (pairs tables -> dataset folder) and ``codepref push``
(dataset folder -> Hugging Face Hub)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from curation.criteria import ASPECTS
from curation.languages import LANGUAGE_NAMES
from pipelines.config_file import ConfigFileOption
from pipelines.options import OverwriteOption

# pyarrow and polars (the schema, assembly, the Hub client) load in the command bodies:
# `codepref assemble --help` and `push --help` import none of them. The label methods are
# listed here for the help (curation.schema.LABEL_METHODS; tests/pipelines/
# test_assembly_cli.py keeps the two equal).
LABEL_METHODS_HELP = "execution, judge, commit, inherited"

# The assembly stack (polars, scipy) and the Hub client load in the command bodies:
# `codepref assemble --help` and `codepref push --help` import neither.


def register(app: typer.Typer) -> None:
    app.command("assemble")(assemble_command)
    app.command("push")(push_command)


def assemble_command(
    pairs: Annotated[
        list[Path],
        typer.Argument(help="pairs Parquet files or folders of them (several producers)."),
    ],
    out: Annotated[Path, typer.Option("--out", help="Dataset folder to write.")],
    seed: Annotated[int, typer.Option(help="Seed of system prompts, splits and caps.")] = 0,
    splits: Annotated[
        str, typer.Option(help="Shares of groups per split: train,validation,test.")
    ] = "0.9,0.05,0.05",
    system_shares: Annotated[
        str, typer.Option(help="System prompt shares: none,aspect,all.")
    ] = "15,60,25",
    max_per_cell: Annotated[
        int | None, typer.Option(help="Cap of pairs per (aspect, language).")
    ] = None,
    balance_shortcuts: Annotated[
        float | None,
        typer.Option(
            help="Drop pairs until no surface feature (length, lines, comment share, "
            "identifier length) predicts the label above this accuracy on any aspect (e.g. 0.65)."
        ),
    ] = None,
    rows_per_shard: Annotated[int, typer.Option(help="Rows per Parquet shard.")] = 50_000,
    label_method: Annotated[
        str | None,
        typer.Option(help=f"label_method of inputs without one ({LABEL_METHODS_HELP})."),
    ] = None,
    license: Annotated[str, typer.Option(help="Licence id for the dataset card.")] = "other",
    name: Annotated[str, typer.Option(help="Pretty name for the dataset card.")] = "codepref pairs",
    overwrite: OverwriteOption = False,
    mining_stats: Annotated[
        list[Path] | None,
        typer.Option(
            help="stats.json of `codepref mine` runs: repositories and privacy counts for the card."
        ),
    ] = None,
    config: ConfigFileOption = None,
) -> None:
    """Assemble pairs tables into a dataset folder: shards, dataset card and stats."""
    from curation.assembly import (
        AssemblyConfig,
        OutputExistsError,
        PairsInputError,
        SplitFractions,
        SystemPromptShares,
        assemble,
    )
    from curation.run_fingerprint import RunFingerprint, claim_output

    console = Console()
    try:
        config = AssemblyConfig(
            seed=seed,
            system_prompts=SystemPromptShares.parse(system_shares),
            splits=SplitFractions.parse(splits),
            max_per_cell=max_per_cell,
            balance_shortcuts=balance_shortcuts,
            rows_per_shard=rows_per_shard,
            default_label_method=label_method,
            license=license,
            pretty_name=name,
            mining_stats=tuple(mining_stats or ()),
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    # The card's licence and name do not change rows; a rerun rewrites the card anyway.
    fingerprint = RunFingerprint.of_config(
        "assemble", config, ignore=("license", "pretty_name"), inputs={"pairs": pairs}
    )
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("reading pairs", total=None)

        def advance(path: Path, rows: int) -> None:
            progress.update(task, advance=rows, description=f"read {path.name}")

        try:
            # The same run into its folder is redone in place (overwrite=True below): the
            # fingerprint, checked once the inputs are read, refuses any other.
            folder = assemble(
                pairs,
                out,
                config,
                overwrite=True,
                on_file=advance,
                claim=lambda folder: claim_output(folder, fingerprint, overwrite),
            )
        except (PairsInputError, OutputExistsError, ValueError) as error:
            # a bad input or a folder in use: the one-line input error (exit 2)
            Console(stderr=True).print(f"error: {error}", style="red", markup=False, soft_wrap=True)
            raise typer.Exit(code=2) from error
    stats = folder.stats
    table = Table(title="pairs per aspect x language")
    table.add_column("aspect", no_wrap=True)
    for header in (*LANGUAGE_NAMES, "total"):
        table.add_column(header, justify="right")
    for aspect in ASPECTS:
        row = stats["aspect_language"][aspect]
        table.add_row(aspect, *[str(row[lang]) for lang in LANGUAGE_NAMES], str(sum(row.values())))
    console.print(table)
    if stats["drops"]:
        drops = Table("reason", "rows", "examples", title="dropped")
        for reason, entry in stats["drops"].items():
            drops.add_row(reason, str(entry["count"]), "; ".join(entry["examples"][:3]))
        console.print(drops)
    splits_text = ", ".join(f"{s} {v['rows']}" for s, v in stats["splits"].items())
    console.print(
        f"{stats['rows']} pairs from {stats['input_rows']} input rows ({splits_text}); "
        f"{len(folder.shards)} shards, card at {folder.card_path}"
    )


def push_command(
    folder: Annotated[Path, typer.Argument(help="Dataset folder made by `codepref assemble`.")],
    repo_id: Annotated[str, typer.Option("--repo-id", help="Target dataset repo, ORG/NAME.")],
    private: Annotated[bool, typer.Option(help="Create the repo private.")] = False,
    revision: Annotated[
        str | None, typer.Option(help="Branch to push to (created if missing); default main.")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Print the plan; contact nothing.")] = False,
    message: Annotated[str, typer.Option(help="Commit message.")] = "Upload codepref dataset",
    hub_endpoint: Annotated[
        str | None,
        typer.Option(
            "--hub-endpoint", help="Hub endpoint (default HF_ENDPOINT or huggingface.co)."
        ),
    ] = None,
) -> None:
    """Push a dataset folder to the Hugging Face Hub (token from HF_TOKEN or `hf auth login`)."""
    from curation.hub import HubPushError, PushConfig, PushInputError, plan_push, push_dataset

    console = Console()
    config = PushConfig(
        repo_id=repo_id,
        private=private,
        revision=revision,
        commit_message=message,
        endpoint=hub_endpoint,
    )
    try:
        if dry_run:
            for line in plan_push(folder, config).describe():
                console.print(line, markup=False, highlight=False)
            console.print("dry run: nothing was sent")
            return
        result = push_dataset(
            folder,
            config,
            on_commit=lambda number, total, url: console.print(f"commit {number}/{total}: {url}"),
        )
    except HubPushError as error:
        # the folder or repo id: an input error (exit 2); the Hub or the network: exit 1
        code = 2 if isinstance(error, PushInputError) else 1
        Console(stderr=True).print(f"error: {error}", style="red", markup=False, soft_wrap=True)
        raise typer.Exit(code=code) from error
    console.print(
        f"pushed {result.files} files ({result.bytes:,} bytes) to {result.repo_url} "
        f"branch {result.branch} in {len(result.commit_urls)} commit(s)"
    )
