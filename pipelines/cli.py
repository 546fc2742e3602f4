"""The ``codepref`` command: one typer app onto which every package mounts its commands.

Each package owns its commands in its own ``cli.py`` and exposes ``register(app)``; this
module only assembles them, so adding a command never touches another package.
"""

from __future__ import annotations

from typing import Annotated

import typer

import bench.cli
import curation.assembly_cli
import curation.cli
import curation.execution_cli
import curation.judge.cli
import curation.mining.cli
import rm.cli
import sandbox.cli
from pipelines.demo import demo
from pipelines.errors import DEBUG_KEY, ErrorReportingGroup
from pipelines.run import run

app = typer.Typer(
    name="codepref",
    help="Curate multi-criteria code-preference data; train and evaluate code reward models.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    cls=ErrorReportingGroup,
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


app.command("demo")(demo)
app.command("run")(run)
curation.cli.register(app)
curation.mining.cli.register(app)
curation.execution_cli.register(app)
curation.judge.cli.register(app)
curation.assembly_cli.register(app)
sandbox.cli.register(app)
rm.cli.register(app)
bench.cli.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
