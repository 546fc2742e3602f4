"""``codepref generate``: run (or resume) the generation pipeline and print its summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from pipelines.config_file import ConfigFileOption
from pipelines.options import ENDPOINT_ENV, OverwriteOption, parse_languages

# The problem-set readers, datatrove, the sandbox and the LLM backends load in the command
# body: `codepref generate --help` imports none of them. The layouts are listed here for
# the help (curation.readers.problem_set.LAYOUTS; tests/pipelines/test_generation_cli.py
# keeps the two equal) and checked by GenerationPipelineConfig.
LAYOUTS_HELP = "stdio, humaneval, mbpp, codecontests"


def print_summary(summary: dict[str, Any], console: Console) -> None:
    table = Table(
        "problems", "candidates", "extraction failures", "pairs", *summary["pairs_by_aspect"]
    )
    generation = summary["generation"]
    table.add_row(
        str(summary["problems"]),
        str(generation["candidates"]),
        str(generation["extraction_failures"]),
        str(summary["pairs"]),
        *(str(count) for count in summary["pairs_by_aspect"].values()),
    )
    console.print(table)
    quality = Table("TNR", "problems", title="test-suite TNR (known-wrong solutions caught)")
    for bucket, count in generation["tnr"].items():
        quality.add_row(bucket, str(count))
    console.print(quality)


def generate(
    problems: Annotated[Path, typer.Argument(help="Problem set (.jsonl/.parquet).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("out/generate"),
    layout: Annotated[str, typer.Option(help=f"Problem set layout: {LAYOUTS_HELP}.")] = "stdio",
    endpoint: Annotated[
        str | None,
        typer.Option("--endpoint", help=f"OpenAI-compatible URL (or {ENDPOINT_ENV})."),
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model name.")] = None,
    engine: Annotated[
        str, typer.Option(help="openai (any endpoint) or vllm (offline).")
    ] = "openai",
    n: Annotated[int, typer.Option("--n", min=1, help="Candidates per problem.")] = 8,
    temperature: Annotated[float, typer.Option(min=0.0)] = 0.8,
    top_p: Annotated[float, typer.Option("--top-p")] = 0.95,
    max_tokens: Annotated[int, typer.Option("--max-tokens", min=1)] = 2048,
    seed: Annotated[int | None, typer.Option(help="Sampling seed.")] = 0,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight.")] = 64,
    sandbox: Annotated[str, typer.Option("--sandbox", help="auto, docker or process.")] = "auto",
    workers: Annotated[int, typer.Option(min=1, help="Parallel sandbox workers.")] = 2,
    repeats: Annotated[int, typer.Option(min=1, help="Runs of each passing solution.")] = 5,
    margin: Annotated[
        float | None,
        typer.Option(help="Pass-rate gap of a correctness pair (default: all vs not all)."),
    ] = None,
    max_pairs: Annotated[int, typer.Option(help="Pairs per problem and aspect (k).")] = 4,
    min_tnr: Annotated[
        float | None, typer.Option("--min-tnr", help="Drop pairs of suites below this TNR.")
    ] = None,
    min_tests: Annotated[
        int, typer.Option("--min-tests", help="Top up suites below N tests with LLM inputs.")
    ] = 0,
    test_inputs: Annotated[int, typer.Option("--test-inputs", help="Inputs asked for.")] = 10,
    mutants: Annotated[
        bool, typer.Option("--mutants", help="Measure TNR on mutants of trusted solutions.")
    ] = False,
    languages: Annotated[
        list[str] | None,
        typer.Option("--languages", help="Only these languages (repeat or comma list)."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Only the first N problems.")] = None,
    tasks: Annotated[int, typer.Option(help="datatrove tasks (shards).")] = 1,
    config: ConfigFileOption = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Sample candidates per problem, run them, and pair them by measured correctness.

    Rerun with the same inputs and settings to resume; --out records them
    (run_fingerprint.json) and refuses a different run unless --overwrite."""
    from curation.executors import ExecutorConfig
    from curation.readers.tables import TableReadError
    from curation.run_fingerprint import RunFingerprint, claim_output
    from curation.steps.execution.execute import ExecutionConfig
    from curation.steps.pairs.executions import PairingConfig
    from pipelines.generation import UNFINGERPRINTED, GenerationPipelineConfig, run_generation
    from sandbox.checkers import CheckerSpecError

    console = Console(stderr=True)
    try:
        config = GenerationPipelineConfig(
            problems=problems,
            out=out,
            layout=layout,
            endpoint=endpoint,
            model=model,
            engine=engine,
            concurrency=concurrency,
            n=n,
            temperature=temperature,
            top_p=top_p,
            max_tokens=max_tokens,
            seed=seed,
            languages=list(parse_languages(languages) or ()) or None,
            limit=limit,
            min_tnr=min_tnr,
            min_tests=min_tests,
            test_inputs=test_inputs,
            mutants=mutants,
            execution=ExecutionConfig(backend=sandbox, workers=workers, repeats=repeats),
            pairing=PairingConfig(correctness_margin=margin, max_pairs_per_aspect=max_pairs),
            executor=ExecutorConfig(tasks=tasks, workers=1),
        )
        config.backend()
        fingerprint = RunFingerprint.of_config("generate", config, ignore=UNFINGERPRINTED)
        summary = run_generation(
            config, claim=lambda out: claim_output(out, fingerprint, overwrite)
        )
    except (TableReadError, CheckerSpecError, ValueError) as error:
        console.print(f"error: {error}", style="red", markup=False, soft_wrap=True)
        raise typer.Exit(code=2) from None
    print_summary(summary, Console())
