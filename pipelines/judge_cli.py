"""``codepref judge``: label or verify a pairs Parquet file with an LLM judge.

Writes into ``--out``: ``judgements.parquet`` (the ``judgements`` table, one row per pair),
``kept.parquet`` (the input rows the keep rule kept, flipped ones swapped, with a
``judge_confidence`` column), ``report.json`` (decisions, parse errors, position bias,
request counters, the protocol) and ``cache.sqlite`` (the response cache, so rerunning the
same command after a crash only pays for what had not finished). ``run_fingerprint.json``
records the input and the protocol: a different judging into the same folder is refused.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipelines.config_file import ConfigFileOption
from pipelines.options import OverwriteOption

if TYPE_CHECKING:
    import pyarrow as pa

    from curation.judge.backends import Backend
    from curation.judge.pairwise import PairJudgement

# pyarrow, scipy (the keep rule's statistics) and the judge stack load in the command
# body: `codepref judge --help` imports none of them.
MAX_SHOWN_BAD_ROWS = 5


def register(app: typer.Typer) -> None:
    app.command("judge")(judge)


def judge(
    pairs: Annotated[Path, typer.Argument(help="Parquet file of pairs (id, prompt, chosen, …).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder.")],
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            envvar="CODEPREF_JUDGE_URL",
            help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1.",
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", envvar="CODEPREF_JUDGE_MODEL", help="Model name.")
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            envvar="CODEPREF_JUDGE_API_KEY",
            help="Bearer token (OPENAI_API_KEY is read too).",
            show_envvar=False,
        ),
    ] = None,
    aspect: Annotated[
        str | None, typer.Option("--aspect", help="Judge every pair on this aspect.")
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine", help="openai (any OpenAI-compatible endpoint) or vllm (offline, GPU)."
        ),
    ] = "openai",
    tensor_parallel: Annotated[
        int, typer.Option("--tensor-parallel-size", help="GPUs per model (vllm engine).")
    ] = 1,
    generations: Annotated[
        int, typer.Option("--generations", help="Judge completions per pair and order.")
    ] = 8,
    temperature: Annotated[float, typer.Option()] = 0.8,
    top_p: Annotated[float, typer.Option("--top-p")] = 0.95,
    max_tokens: Annotated[int, typer.Option("--max-tokens")] = 1024,
    both_orders: Annotated[bool, typer.Option("--both-orders", help="Ask in A/B and B/A.")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the A/B order draw.")] = 0,
    min_share: Annotated[
        float, typer.Option("--min-share", help="Winner's share of valid votes must exceed it.")
    ] = 0.5,
    max_error_share: Annotated[float, typer.Option("--max-error-share")] = 0.25,
    flip_rejected: Annotated[
        bool, typer.Option("--flip-rejected", help="Keep pairs the judge reverses, swapped.")
    ] = False,
    concurrency: Annotated[int, typer.Option(help="Requests in flight.")] = 64,
    timeout: Annotated[float, typer.Option(help="Seconds per request.")] = 300.0,
    max_retries: Annotated[int, typer.Option("--max-retries")] = 6,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Pairs per batch.")] = 1024,
    max_failed_share: Annotated[
        float | None,
        typer.Option(
            "--max-failed-share",
            help="Fail the run (exit 1) when more than this share of requests failed "
            "for good; by default only a run in which every request failed.",
        ),
    ] = None,
    config: ConfigFileOption = None,
    overwrite: OverwriteOption = False,
) -> None:
    """Judge preference pairs with an LLM on an OpenAI-compatible endpoint."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from curation.credentials import mask, redact
    from curation.criteria import UnknownAspectError, normalize_aspect
    from curation.judge.cache import ResponseCache
    from curation.judge.pairwise import BadPairError, PairJudge, PairToJudge, missing_columns
    from curation.judge.protocol import JudgeProtocol, KeepRule
    from curation.run_fingerprint import (
        RunFingerprint,
        claim_output,
        replace_atomically,
        write_text_atomically,
    )
    from curation.schema import JUDGEMENTS, from_rows

    console = Console(stderr=True)
    if not pairs.is_file():
        raise typer.BadParameter(f"{pairs}: no such file", param_hint="PAIRS")
    if aspect is not None:
        try:
            aspect = normalize_aspect(aspect)
        except UnknownAspectError as error:
            raise typer.BadParameter(str(error), param_hint="--aspect") from error
    try:
        backend = _backend(
            engine, endpoint, model, api_key, concurrency, timeout, max_retries, tensor_parallel
        )
        protocol = JudgeProtocol(
            samples=generations,
            temperature=temperature,
            top_p=top_p,
            max_tokens=max_tokens,
            both_orders=both_orders,
            seed=seed,
            keep=KeepRule(
                min_share=min_share, max_error_share=max_error_share, flip_rejected=flip_rejected
            ),
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from error
    try:
        source = pq.ParquetFile(pairs)
    except (pa.ArrowInvalid, OSError) as error:
        raise typer.BadParameter(f"{pairs}: not a Parquet file ({error})") from error
    missing = missing_columns(source.schema_arrow.names, aspect)
    if missing:
        raise typer.BadParameter(
            f"{pairs}: no column {', '.join(missing)} (columns: "
            f"{', '.join(source.schema_arrow.names)})",
            param_hint="PAIRS",
        )

    # The verdicts depend on the pairs, the judge and the protocol; not on how fast it is asked.
    settings = {
        "aspect": aspect,
        "engine": engine,
        "endpoint": endpoint,
        "model": model,
        "protocol": asdict(protocol),
    }
    claim_output(out, RunFingerprint.of("judge", {"pairs": pairs}, settings), overwrite)
    judgement_rows: list[dict] = []
    kept_tables: list[pa.Table] = []
    bad_rows = 0
    requests_per_pair = 2 if both_orders else 1
    with ResponseCache(out / "cache.sqlite") as cache:
        pair_judge = PairJudge(backend, protocol, cache)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("judging", total=source.metadata.num_rows * requests_per_pair)
            offset = 0
            for batch in source.iter_batches(batch_size=batch_size):
                table = pa.Table.from_batches([batch])
                valid_rows, batch_pairs = [], []
                for index, row in enumerate(table.to_pylist()):
                    try:
                        batch_pairs.append(
                            PairToJudge.from_row(
                                row, aspect=aspect, where=f"{pairs} row {offset + index}"
                            )
                        )
                    except BadPairError as error:
                        bad_rows += 1
                        progress.advance(task, requests_per_pair)
                        if bad_rows <= MAX_SHOWN_BAD_ROWS:
                            console.print(
                                f"skipped: {error}", style="yellow", soft_wrap=True, markup=False
                            )
                        continue
                    valid_rows.append(index)
                offset += table.num_rows
                judgements = pair_judge.judge(
                    batch_pairs, progress=lambda done: progress.advance(task, done)
                )
                judgement_rows.extend(judgement.row() for judgement in judgements)
                kept_tables.append(_kept_rows(table, valid_rows, judgements))

    judgements_table = from_rows(judgement_rows, JUDGEMENTS, "judgements")
    replace_atomically(
        out / "judgements.parquet",
        lambda path: pq.write_table(judgements_table, path, compression="zstd"),
    )
    if not kept_tables:  # an empty input file still gets an (empty) kept table
        empty = source.schema_arrow.empty_table()
        kept_tables.append(empty.append_column("judge_confidence", pa.array([], pa.float64())))
    kept = pa.concat_tables(kept_tables)
    replace_atomically(
        out / "kept.parquet", lambda path: pq.write_table(kept, path, compression="zstd")
    )
    report = {
        "input": str(pairs),
        "rows": source.metadata.num_rows,
        "bad_rows": bad_rows,
        **pair_judge.report(),
        "cache": {"hits": cache.hits, "misses": cache.misses},
        "protocol": asdict(protocol),
    }
    write_text_atomically(out / "report.json", json.dumps(redact(report), indent=2) + "\n")
    _print_summary(Console(), report)
    stats = backend.stats
    failed = (
        stats.failures == stats.requests
        if max_failed_share is None
        else stats.failed_share > max_failed_share
    )
    if stats.failures and failed:
        console.print(
            f"error: {stats.failures} of {stats.requests} judge requests failed "
            f"(first: {mask(stats.first_error or 'unknown')}), endpoint "
            f"{getattr(getattr(backend, 'config', None), 'base_url', engine)}; check that the "
            "server is up and the model name is right, or raise --max-failed-share",
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(code=1)


def _backend(
    engine: str,
    endpoint: str | None,
    model: str | None,
    api_key: str | None,
    concurrency: int,
    timeout: float,
    max_retries: int,
    tensor_parallel: int,
) -> Backend:
    """The chosen backend; raises ValueError for a bad choice or a missing setting."""
    from curation.judge.backends import OpenAIBackend, OpenAIConfig, VLLMBackend, VLLMConfig

    if engine == "openai":
        config = OpenAIConfig.from_env(
            base_url=endpoint,
            model=model,
            api_key=api_key,
            concurrency=concurrency,
            timeout_s=timeout,
            max_retries=max_retries,
        )
        return OpenAIBackend(config)
    if engine == "vllm":
        if importlib.util.find_spec("vllm") is None:
            raise ValueError(
                "--engine vllm needs the optional dependency: pip install 'codepref[vllm]'"
            )
        return VLLMBackend(VLLMConfig(model=model or "", tensor_parallel_size=tensor_parallel))
    raise ValueError(f"unknown --engine {engine!r}; expected openai or vllm")


def _kept_rows(table: pa.Table, valid_rows: list[int], judgements: list[PairJudgement]) -> pa.Table:
    """The kept input rows, chosen/rejected swapped where the decision flipped the pair."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keep = [
        (row, judgement.decision)
        for row, judgement in zip(valid_rows, judgements, strict=True)
        if judgement.decision.keep
    ]
    kept = table.take(pa.array([row for row, _ in keep], type=pa.int64()))
    flipped = pa.array([decision.flipped for _, decision in keep], type=pa.bool_())
    if "chosen" in kept.column_names and "rejected" in kept.column_names:
        chosen, rejected = kept.column("chosen"), kept.column("rejected")
        swapped_chosen = pc.if_else(flipped, rejected, chosen)
        swapped_rejected = pc.if_else(flipped, chosen, rejected)
        kept = kept.set_column(kept.schema.get_field_index("chosen"), "chosen", swapped_chosen)
        kept = kept.set_column(
            kept.schema.get_field_index("rejected"), "rejected", swapped_rejected
        )
    confidence = pa.array([decision.confidence for _, decision in keep], type=pa.float64())
    return kept.append_column("judge_confidence", confidence)


def _print_summary(console: Console, report: dict) -> None:
    table = Table("measure", "value", title=f"judge {report['judge']}")
    table.add_row("pairs judged", str(report["pairs"]))
    table.add_row("kept", str(report["kept"]))
    table.add_row("bad input rows", str(report["bad_rows"]))
    for reason, count in report["decisions"].items():
        table.add_row(f"decision {reason}", str(count))
    for reason, count in report["parse_errors"].items():
        table.add_row(f"parse error {reason}", str(count))
    bias = report["position_bias"]
    share_a = bias["share_a"]
    table.add_row("share of A among A/B verdicts", "-" if share_a is None else f"{share_a:.3f}")
    if bias["order_flip_rate"] is not None:
        table.add_row("order flip rate", f"{bias['order_flip_rate']:.3f}")
    backend = report["backend"]
    table.add_row(
        "requests / retries / failures", "{requests} / {retries} / {failures}".format(**backend)
    )
    table.add_row("cache hits", str(report["cache"]["hits"]))
    console.print(table)
