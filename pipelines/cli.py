"""The ``codepref`` command: one typer app onto which every package mounts its commands.

Each package owns its commands in its own ``cli.py`` and exposes ``register(app)``; this
module only lists them (name, owning module, one-line help) and the root group imports a
package when its command runs, so ``codepref --help`` loads none of them
(:mod:`pipelines.lazy_commands`). Failures are reported by :mod:`pipelines.errors`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from pipelines.errors import DEBUG_KEY
from pipelines.lazy_commands import CommandEntry, LazyGroup

# Each command, the module that owns it, and its one-line help (kept equal to the
# command's own by tests/pipelines/test_cli.py). The module is imported when it runs.
COMMANDS: dict[str, CommandEntry] = {
    "demo": CommandEntry(
        "pipelines.demo:demo",
        "Run the main job on the bundled sample data: execution and commit pairs, a dataset "
        "with its card, a small RM trained on CPU and its benchmark report.",
    ),
    "run": CommandEntry(
        "pipelines.run:run", "Run (or resume) a pipeline described by a config file."
    ),
    "generate": CommandEntry(
        "pipelines.generation_cli:generate",
        "Sample candidates per problem, run them, and pair them by measured correctness.",
    ),
    "parse": CommandEntry(
        "curation.cli",
        "Parse files with tree-sitter: language, parse status, AST depth, nodes, functions.",
    ),
    "mine": CommandEntry(
        "pipelines.mining_cli",
        "Mine single-file commits from git history into deduplicated, aspect-tagged Parquet.",
    ),
    "execute": CommandEntry(
        "pipelines.execution_cli",
        "Run solutions in the sandbox and write executions, pairs and summary.json.",
    ),
    "mutate": CommandEntry(
        "pipelines.execution_cli",
        "List the mutants of a source file (and optionally write them as files).",
    ),
    "judge": CommandEntry(
        "pipelines.judge_cli",
        "Judge preference pairs with an LLM on an OpenAI-compatible endpoint.",
    ),
    "assemble": CommandEntry(
        "pipelines.assembly_cli",
        "Assemble pairs tables into a dataset folder: shards, dataset card and stats.",
    ),
    "push": CommandEntry(
        "pipelines.assembly_cli",
        "Push a dataset folder to the Hugging Face Hub (token from HF_TOKEN or `hf auth login`).",
    ),
    "sandbox": CommandEntry(
        "sandbox.cli", "Run untrusted code in isolation (Docker engine or processes)."
    ),
    "train": CommandEntry(
        "pipelines.rm_cli",
        "Train a Bradley-Terry reward model on pairs shards (launch with `accelerate launch` "
        "or `torchrun` for several processes).",
    ),
    "score": CommandEntry(
        "pipelines.rm_cli",
        "Score every pair: id, chosen_score, rejected_score (+ language/aspect/subset).",
    ),
    "bench": CommandEntry(
        "pipelines.bench_cli",
        "Evaluate reward models on CRB-format pairs; reproduce and compare published runs.",
    ),
}


class CodeprefGroup(LazyGroup):
    entries = COMMANDS


app = typer.Typer(
    name="codepref",
    help="Curate multi-criteria code-preference data; train and evaluate code reward models.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    cls=CodeprefGroup,
)


@app.callback()
def _root(
    ctx: typer.Context,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of a failure.")
    ] = False,
) -> None:
    """codepref: mine, label and assemble code-preference pairs; train and benchmark RMs."""
    ctx.meta[DEBUG_KEY] = debug


def main() -> None:
    app()


if __name__ == "__main__":
    main()
