"""The ``codepref`` command: one typer app onto which every package mounts its commands.

Each package owns its commands in its own ``cli.py`` and exposes ``register(app)``; this
module only assembles them, so adding a command never touches another package.
"""

from __future__ import annotations

import typer

import curation.cli
import pipelines.assembly_cli
import pipelines.bench_cli
import pipelines.execution_cli
import pipelines.judge_cli
import pipelines.mining_cli
import rm.cli
import sandbox.cli
from pipelines.demo import demo
from pipelines.generation import generate
from pipelines.run import run

app = typer.Typer(
    name="codepref",
    help="Curate multi-criteria code-preference data; train and evaluate code reward models.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def _root() -> None:
    """codepref: mine, label and assemble code-preference pairs; train and benchmark RMs."""


app.command("demo")(demo)
app.command("run")(run)
app.command("generate")(generate)
curation.cli.register(app)
pipelines.mining_cli.register(app)
pipelines.execution_cli.register(app)
pipelines.judge_cli.register(app)
pipelines.assembly_cli.register(app)
sandbox.cli.register(app)
rm.cli.register(app)
pipelines.bench_cli.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
