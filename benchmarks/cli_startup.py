"""Benchmark of ``codepref`` start-up: ``codepref --help`` next to its floors.

Each command runs ``--repeats`` times in a fresh interpreter; the table shows the median
and best wall time of: ``python -c pass`` (the interpreter alone), ``import typer`` (the
CLI framework, which the help needs), ``codepref --help`` (lists every command without
importing any package: see pipelines/lazy_commands.py) and the help of every command,
which imports its own module but not the heavy packages its command body needs. Target:
every one under 0.5 s on a quiet machine.

    .venv/bin/python benchmarks/cli_startup.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path; the repository root serves pipelines.
sys.path.insert(0, str(REPO))

from pipelines.cli import COMMANDS as CLI_COMMANDS  # noqa: E402  (a light module)

COMMANDS: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "python -c 'import typer'": [sys.executable, "-c", "import typer"],
    "codepref --help": [sys.executable, "-m", "pipelines.cli", "--help"],
    **{
        f"codepref {name} --help": [sys.executable, "-m", "pipelines.cli", name, "--help"]
        for name in CLI_COMMANDS
    },
}


def wall_times(command: list[str], repeats: int) -> list[float]:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=environment, cwd=REPO)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    table = Table("command", "median s", "best s", "x python -c pass (median)")
    floor = None
    for name, command in COMMANDS.items():
        times = wall_times(command, args.repeats)
        median = statistics.median(times)
        floor = floor or median
        table.add_row(name, f"{median:.3f}", f"{min(times):.3f}", f"{median / floor:.1f}")
    Console().print(table)
    load = os.getloadavg()[0]
    Console().print(f"load average {load:.1f} on {os.cpu_count()} CPUs during the run")


if __name__ == "__main__":
    main()
