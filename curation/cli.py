"""Commands of the curation package: ``codepref parse``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from curation.code import SourceTooLargeError, analyze
from curation.languages import (
    LANGUAGE_NAMES,
    UnknownLanguageError,
    language_for_path,
    normalize_language,
)

_SKIPPED_DIRECTORIES = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv"})


def register(app: typer.Typer) -> None:
    app.command("parse")(parse)


def iter_source_files(paths: list[Path]) -> Iterator[Path]:
    """Files named directly, and files under directories whose extension is one of the 8
    languages (version-control and dependency folders skipped), in sorted order."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if _SKIPPED_DIRECTORIES.intersection(child.relative_to(path).parts[:-1]):
                    continue
                if child.is_file() and language_for_path(child) is not None:
                    yield child
        else:
            yield path


def parse(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to analyse.")],
    lang: Annotated[
        str | None,
        typer.Option("--lang", help=f"Force a language ({', '.join(LANGUAGE_NAMES)} or an alias)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file.")] = False,
) -> None:
    """Parse files with tree-sitter: language, parse status, AST depth, nodes, functions."""
    console = Console()
    errors = Console(stderr=True, soft_wrap=True)
    forced = None
    if lang is not None:
        try:
            forced = normalize_language(lang)
        except UnknownLanguageError as error:
            raise typer.BadParameter(str(error), param_hint="--lang") from error
    table = Table("file", "language", "parses", "errors", "depth", "nodes", "functions")
    failures = 0
    for path in iter_source_files(paths):
        if not path.exists():
            errors.print(f"[red]{path}: no such file[/red]")
            failures += 1
            continue
        data = path.read_bytes()
        language = forced or language_for_path(path, data)
        if language is None:
            errors.print(f"[yellow]{path}: unknown extension; pass --lang[/yellow]")
            failures += 1
            continue
        try:
            result = analyze(data, language)
        except SourceTooLargeError as error:
            errors.print(f"[red]{path}: {error}[/red]")
            failures += 1
            continue
        if as_json:
            print(json.dumps({"path": str(path), **asdict(result)}))
        else:
            table.add_row(
                str(path),
                result.language,
                "yes" if result.parses else "[red]no[/red]",
                str(result.error_count),
                str(result.depth),
                str(result.named_node_count),
                ", ".join(result.function_names),
            )
    if not as_json:
        console.print(table)
    if failures:
        raise typer.Exit(code=1)
