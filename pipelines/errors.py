"""One place turns a failure into the line a user reads: ``error: <what>, <where>, <what to do>``.

Every command of the ``codepref`` app runs inside :class:`ErrorReportingGroup`. A failure
caused by the input (a missing or unreadable file, bad UTF-8, invalid JSON or Parquet, a
value a config or table must not hold) is printed as one line on stderr and exits 2; any
other exception is a bug and exits 1 with its type named. ``codepref --debug <command>``
(or ``CODEPREF_DEBUG=1``) lets the traceback through instead. Messages pass through
:func:`curation.credentials.mask`, so a secret never reaches the terminal this way either.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import typer
from typer import _click
from typer.core import TyperGroup
from typer.exceptions import TyperException

DEBUG_KEY = "codepref.debug"
INPUT_ERROR = 2
INTERNAL_ERROR = 1


def describe(error: BaseException) -> tuple[str, int]:
    """The one-line message and exit code of ``error``."""
    if isinstance(error, UnicodeDecodeError):
        return (
            f"error: input is not UTF-8 text ({error.reason} at byte {error.start}), "
            "re-encode the file as UTF-8",
            INPUT_ERROR,
        )
    if isinstance(error, json.JSONDecodeError):
        return (
            f"error: invalid JSON ({error.msg}) at line {error.lineno} column {error.colno}, "
            "fix the file",
            INPUT_ERROR,
        )
    if isinstance(error, FileNotFoundError | IsADirectoryError | NotADirectoryError):
        if error.filename is None:  # raised with a message of our own
            return f"error: {_one_line(str(error))}, check the path", INPUT_ERROR
        return f"error: {error.strerror}: {error.filename}, check the path", INPUT_ERROR
    if isinstance(error, PermissionError):
        return f"error: permission denied: {error.filename}, check its mode", INPUT_ERROR
    if isinstance(error, ValueError):
        return f"error: {_one_line(str(error)) or type(error).__name__}", INPUT_ERROR
    return (
        f"error: internal error {type(error).__name__}: {_one_line(str(error))}, rerun with "
        "--debug for the traceback and report it",
        INTERNAL_ERROR,
    )


def _one_line(text: str) -> str:
    from curation.credentials import mask

    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return mask("; ".join(lines))


def debug_requested(ctx: _click.Context) -> bool:
    return bool(ctx.meta.get(DEBUG_KEY)) or os.environ.get("CODEPREF_DEBUG", "") not in ("", "0")


class ErrorReportingGroup(TyperGroup):
    """The root command group: runs a command and reports its failure as one line."""

    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _click.exceptions.UsageError as error:
            # A bad option or argument value: one line, and where to read the usage.
            if debug_requested(ctx):
                raise
            command = error.ctx.command_path if error.ctx is not None else "codepref"
            sys.stderr.write(
                f"error: {_one_line(error.format_message())}, see `{command} --help`\n"
            )
            raise typer.Exit(code=error.exit_code) from None
        except (TyperException, typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as error:
            if debug_requested(ctx):
                raise
            message, code = describe(error)
            sys.stderr.write(message + "\n")
            raise typer.Exit(code=code) from None
