"""Commands of execution labelling: ``codepref execute`` and ``codepref mutate``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from curation.mutation import OPERATORS
from pipelines.config_file import ConfigFileOption
from pipelines.options import OverwriteOption, parse_languages

if TYPE_CHECKING:
    from curation.executors import ExecutorConfig
    from curation.readers import Problem, Solution
    from curation.steps.execution.execute import ExecutionConfig
    from curation.steps.execution.inject_bugs import BugInjectionConfig
    from curation.steps.execution.mutate import MutationConfig
    from curation.steps.pairs.executions import PairingConfig

# The sandbox, datatrove, scipy and the readers load in the command bodies: `codepref
# execute --help` and `codepref mutate --help` import none of them.


def register(app: typer.Typer) -> None:
    app.command("execute")(execute)
    app.command("mutate")(mutate)


def _operators(text: str | None) -> tuple[str, ...]:
    if not text:
        return OPERATORS
    chosen = tuple(part.strip() for part in text.split(",") if part.strip())
    unknown = sorted(set(chosen) - set(OPERATORS))
    if unknown:
        raise typer.BadParameter(
            f"unknown operators {unknown}; expected some of {', '.join(OPERATORS)}",
            param_hint="--operators",
        )
    return chosen


def load_inputs(
    problems: Path | None,
    solutions: Path | None,
    humaneval_x: Path | None,
    samples: bool,
    languages: tuple[str, ...] | None,
) -> tuple[list[Problem], list[Solution]]:
    """Problems and solutions from exactly one of: two table files, a HumanEval-X file,
    or the bundled sample set."""
    from curation.readers import read_humaneval_x, read_problems, read_solutions
    from curation.samples import load_samples

    chosen = sum((problems is not None or solutions is not None, humaneval_x is not None, samples))
    if chosen != 1:
        raise typer.BadParameter(
            "give PROBLEMS and SOLUTIONS, or --humaneval-x FILE, or --samples (exactly one)"
        )
    if humaneval_x is not None:
        found = read_humaneval_x(humaneval_x)
    elif samples:
        found = load_samples(languages)
    else:
        if problems is None or solutions is None:
            raise typer.BadParameter("PROBLEMS and SOLUTIONS are both needed")
        found = read_problems(problems), read_solutions(solutions)
    if languages is not None:
        keep = [p for p in found[0] if p.language in languages]
        ids = {p.id for p in keep}
        return keep, [s for s in found[1] if s.problem_id in ids]
    return found


def check_inputs(problems: list[Problem], solutions: list[Solution], console: Console) -> None:
    """Refuse inputs that would make an empty run, and count the solutions left out:
    a run that exits 0 with nothing done reads as success."""
    from curation.readers import TableReadError

    if not problems:
        raise TableReadError(
            "no problems to run (the input is empty or --languages/--limit "
            "kept none), give a problems file with rows"
        )
    ids = {problem.id for problem in problems}
    orphans = [solution for solution in solutions if solution.problem_id not in ids]
    if orphans and len(orphans) == len(solutions):
        raise TableReadError(
            f"none of the {len(solutions)} solutions names a problem of the input "
            f"(first problem_id {orphans[0].problem_id!r}), check the two files belong together"
        )
    if orphans:
        console.print(
            f"[yellow]{len(orphans)} of {len(solutions)} solutions name no problem of the input "
            f"(first problem_id {orphans[0].problem_id!r}); they are left out[/yellow]"
        )


def run_execution_pipeline(
    problems: list[Problem],
    solutions: list[Solution],
    out: Path,
    execution: ExecutionConfig,
    pairing: PairingConfig,
    mutation: MutationConfig | None,
    executor: ExecutorConfig | None = None,
    bugs: BugInjectionConfig | None = None,
) -> dict[str, Any]:
    """Read -> (mutate) -> (inject LLM bugs) -> execute -> pair -> write, on datatrove's
    local executor; returns the summary, also written to ``<out>/summary.json``."""
    from curation.executors import ExecutorConfig, build_executor, run_stages
    from curation.run_fingerprint import write_text_atomically
    from curation.steps.execution.documents import ProblemReader
    from curation.steps.execution.execute import ExecuteSolutions
    from curation.steps.execution.inject_bugs import InjectBugs
    from curation.steps.execution.mutate import MutateSolutions
    from curation.steps.execution.tables import ExecutionTablesWriter, summarize
    from curation.steps.pairs.executions import PairExecutions

    steps = [ProblemReader(problems, solutions)]
    if mutation is not None:
        steps.append(MutateSolutions(mutation))
    if bugs is not None:
        steps.append(InjectBugs(bugs))
    steps += [ExecuteSolutions(execution), PairExecutions(pairing), ExecutionTablesWriter(out)]
    # One worker per task by default: each task already runs its sandbox jobs in parallel.
    config = executor or ExecutorConfig(workers=1)
    if config.logging_dir is None:
        config.logging_dir = str(out / "logs")
    run_stages([build_executor(steps, config, "execute")], config)
    summary = summarize(out, problems=len(problems))
    write_text_atomically(out / "summary.json", json.dumps(summary, indent=2) + "\n")
    return summary


def print_summary(summary: dict[str, Any], console: Console) -> None:
    table = Table("problems", "with pairs", "with FC pairs", "pairs", *summary["pairs_by_aspect"])
    table.add_row(
        str(summary["problems"]),
        str(summary["problems_with_pairs"]),
        str(summary["problems_with_correctness_pairs"]),
        str(summary["pairs"]),
        *(str(count) for count in summary["pairs_by_aspect"].values()),
    )
    console.print(table)
    if summary["mutants_by_operator"]:
        mutants = Table(
            "language",
            "operator",
            "generated",
            "executed",
            "compiled",
            "killed",
            "equivalent",
            title="mutants",
        )
        for row in summary["mutants_by_operator"]:
            mutants.add_row(*(str(value) for value in row.values()))
        console.print(mutants)


def execute(
    problems: Annotated[
        Path | None, typer.Argument(help="Problems table (.parquet/.jsonl).")
    ] = None,
    solutions: Annotated[
        Path | None, typer.Argument(help="Solutions table (.parquet/.jsonl).")
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path("out/execute"),
    humaneval_x: Annotated[
        Path | None,
        typer.Option("--humaneval-x", help="A HumanEval-X .jsonl[.gz] file (any language)."),
    ] = None,
    samples: Annotated[bool, typer.Option("--samples", help="The bundled sample set.")] = False,
    languages: Annotated[
        list[str] | None,
        typer.Option("--languages", help="Only these languages (repeat or comma list)."),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Only the first N problems.")] = None,
    mutants: Annotated[
        bool, typer.Option("--mutants", help="Add mutants of trusted solutions.")
    ] = False,
    max_mutants: Annotated[int, typer.Option(help="Mutants run per solution.")] = 6,
    operators: Annotated[
        str | None, typer.Option(help=f"Mutation operators ({', '.join(OPERATORS)}).")
    ] = None,
    backend: Annotated[
        str, typer.Option("--sandbox", help="Sandbox backend: auto, docker, process.")
    ] = "auto",
    workers: Annotated[int, typer.Option(help="Parallel sandbox workers.")] = 2,
    repeats: Annotated[int, typer.Option(help="Runs of each passing solution.")] = 5,
    instructions: Annotated[
        bool,
        typer.Option(
            "--instructions",
            help="Count instructions (the runtime measure then; valgrind, much slower).",
        ),
    ] = False,
    ratio: Annotated[float, typer.Option(help="Efficiency ratio threshold.")] = 2.0,
    alpha: Annotated[float, typer.Option(help="Significance level.")] = 0.05,
    max_pairs: Annotated[int, typer.Option(help="Pairs per problem and aspect.")] = 4,
    tasks: Annotated[int, typer.Option(help="datatrove tasks (shards).")] = 1,
    llm_bugs: Annotated[
        bool,
        typer.Option(
            "--llm-bugs",
            help="Ask an OpenAI-compatible server for a wrong variant of each trusted "
            "solution (CODEPREF_JUDGE_URL / CODEPREF_JUDGE_MODEL, or the options).",
        ),
    ] = False,
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="OpenAI-compatible LLM endpoint.")
    ] = None,
    llm_model: Annotated[
        str | None, typer.Option("--model", help="LLM model name (--llm-bugs).")
    ] = None,
    overwrite: OverwriteOption = False,
    config: ConfigFileOption = None,
) -> None:
    """Run solutions in the sandbox and write executions, pairs and summary.json.

    Rerun with the same inputs and settings to resume; --out records them
    (run_fingerprint.json) and refuses a different run unless --overwrite."""
    from curation.executors import ExecutorConfig
    from curation.judge.backends import OpenAIConfig
    from curation.run_fingerprint import RunFingerprint, claim_output
    from curation.steps.execution.execute import ExecutionConfig
    from curation.steps.execution.inject_bugs import BugInjectionConfig
    from curation.steps.execution.mutate import MutationConfig
    from curation.steps.pairs.executions import PairingConfig

    console = Console(stderr=True)
    # A bad file or language raises a ValueError naming it: the CLI root prints it as one line.
    wanted = parse_languages(languages)
    found_problems, found_solutions = load_inputs(problems, solutions, humaneval_x, samples, wanted)
    if limit is not None:
        found_problems = found_problems[:limit]
    check_inputs(found_problems, found_solutions, console)
    pairing = PairingConfig(ratio=ratio, alpha=alpha, max_pairs_per_aspect=max_pairs)
    if 1 < repeats < pairing.repeats_needed:
        console.print(
            f"[yellow]with {repeats} repeats ({pairing.discard_costliest} set aside per side) "
            f"CPU-time and memory pairs cannot be significant at alpha {alpha} "
            f"(use --repeats {pairing.repeats_needed} or more)[/yellow]"
        )
    bugs = None
    if llm_bugs:
        try:
            llm = OpenAIConfig.from_env(base_url=endpoint, model=llm_model)
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="--endpoint") from error
        bugs = BugInjectionConfig(llm)
    settings = {
        "samples": samples,
        "languages": wanted,
        "limit": limit,
        "mutants": [max_mutants, _operators(operators)] if mutants else None,
        "llm_bugs": bugs.backend.model if bugs is not None else None,
        "repeats": repeats,
        "instructions": instructions,
        "ratio": ratio,
        "alpha": alpha,
        "max_pairs": max_pairs,
        "tasks": tasks,
    }
    inputs = {"problems": problems, "solutions": solutions, "humaneval_x": humaneval_x}
    claim_output(out, RunFingerprint.of("execute", inputs, settings), overwrite)
    summary = run_execution_pipeline(
        found_problems,
        found_solutions,
        out,
        ExecutionConfig(
            backend=backend,
            workers=workers,
            repeats=repeats,
            count_instructions=instructions,
        ),
        pairing,
        MutationConfig(operators=_operators(operators), max_mutants=max_mutants)
        if mutants
        else None,
        executor=ExecutorConfig(tasks=tasks, workers=1),
        bugs=bugs,
    )
    print_summary(summary, Console())


def mutate(
    source: Annotated[Path, typer.Argument(help="A source file in one of the 8 languages.")],
    lang: Annotated[str | None, typer.Option("--lang", help="Force the language.")] = None,
    operators: Annotated[
        str | None, typer.Option(help=f"Mutation operators ({', '.join(OPERATORS)}).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most N mutants.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write each mutant as a file here.")
    ] = None,
) -> None:
    """List the mutants of a source file (and optionally write them as files)."""
    from curation.languages import (
        LANGUAGE_NAMES,
        UnknownLanguageError,
        language_for_path,
        normalize_language,
    )
    from curation.mutation import generate_mutants

    console = Console()
    if not source.is_file():
        raise typer.BadParameter(f"{source}: no such file, check the path", param_hint="SOURCE")
    try:
        language = normalize_language(lang) if lang else language_for_path(source)
    except UnknownLanguageError as error:
        raise typer.BadParameter(str(error), param_hint="--lang") from error
    if language is None:
        raise typer.BadParameter(
            f"{source}: unknown extension, pass --lang (one of {', '.join(LANGUAGE_NAMES)})",
            param_hint="SOURCE",
        )
    try:
        code = source.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise typer.BadParameter(
            f"{source}: not UTF-8 text ({error.reason} at byte {error.start}); re-encode it",
            param_hint="SOURCE",
        ) from None
    try:
        found = generate_mutants(code, language, _operators(operators), limit)
    except ValueError as error:
        raise typer.BadParameter(f"{source}: {error}", param_hint="SOURCE") from None
    table = Table("#", "operator", "line", "original", "replacement")
    for index, mutant in enumerate(found):
        table.add_row(
            str(index), mutant.operator, str(mutant.line), mutant.original, mutant.replacement
        )
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            name = f"{source.stem}.mutant{index:03d}.{mutant.operator}{source.suffix}"
            (out / name).write_text(mutant.code, encoding="utf-8")
    console.print(table)
    console.print(f"{len(found)} mutants of {source} ({language})")
