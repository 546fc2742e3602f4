"""``codepref sandbox run | check | images``: run a file, check the machine, manage images."""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from curation.languages import LANGUAGE_NAMES, language_for_path, normalize_language

from .api import HARNESS, Limits, Program, RunResult, Status, TestCase
from .backends.process import UnisolatedError
from .factory import open_sandbox
from .runners import HELLO_WORLD
from .supervisor_binary import SupervisorBuildError, supervisor_binary

app = typer.Typer(help="Run untrusted code in isolation (Docker engine or processes).")
console = Console(stderr=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="sandbox")


def read_tests(path: Path) -> list[TestCase]:
    """Test cases from JSON lines ``{"stdin": ..., "expected_stdout": ...}`` (``input`` and
    ``output`` are accepted too); a line without an expected output is harness style."""
    tests = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict):
                raise ValueError("not a JSON object")
        except ValueError as error:
            raise typer.BadParameter(f"{path}, line {number}: {error}") from None
        expected = row.get("expected_stdout", row.get("output"))
        tests.append(
            TestCase(stdin=row.get("stdin", row.get("input", "")), expected_stdout=expected)
        )
    if not tests:
        raise typer.BadParameter(f"{path}: no test cases")
    return tests


def _announce(sandbox: object) -> None:
    image = getattr(sandbox, "image", None) or ", ".join(
        getattr(getattr(sandbox, "images", None), "names", lambda: [])()
    )
    console.print(f"[bold yellow]sandbox backend: {sandbox.name}[/] ({image})")


def _print_result(result: RunResult) -> None:
    table = Table(title=f"{result.status.value} ({result.backend})")
    for column in ("test", "status", "exit", "wall s", "cpu s", "peak KiB"):
        table.add_column(column)
    for index, outcome in enumerate(result.tests, start=1):
        table.add_row(
            str(index),
            outcome.status.value,
            str(outcome.exit_code),
            f"{outcome.wall_s:.3f}",
            f"{outcome.cpu_s:.3f}",
            str(outcome.peak_memory_kb),
        )
    console.print(table)
    if result.status is Status.COMPILE_ERROR or result.status is Status.SANDBOX_ERROR:
        console.print(result.compile_output)
    elif result.stderr_tail:
        console.print(result.stderr_tail, markup=False, highlight=False)


@app.command()
def run(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Source file.")],
    lang: Annotated[str | None, typer.Option("--lang", help="Default: from the suffix.")] = None,
    stdin: Annotated[
        Path | None, typer.Option("--stdin", exists=True, help="Fed to stdin.")
    ] = None,
    tests: Annotated[Path | None, typer.Option("--tests", exists=True, help="JSONL tests.")] = None,
    backend: Annotated[
        str, typer.Option("--sandbox", help="Sandbox backend: auto, docker or process.")
    ] = "auto",
    time_s: Annotated[float, typer.Option("--time", help="Time limit per test, s.")] = 5.0,
    memory_mb: Annotated[int, typer.Option("--memory", help="Memory limit, MiB.")] = 512,
    as_json: Annotated[bool, typer.Option("--json", help="Print the RunResult as JSON.")] = False,
    unsafe_no_isolation: Annotated[
        bool,
        typer.Option(
            "--unsafe-no-isolation",
            help="Where the kernel refuses namespaces, run the process backend anyway: the "
            "program then runs as you, can read and write your files and reach the network.",
        ),
    ] = False,
) -> None:
    """Compile FILE once and run it on each test (or once, harness style); exit 1 unless OK."""
    try:
        source = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise typer.BadParameter(
            f"{file}: not UTF-8 text ({error.reason} at byte {error.start}); re-encode it",
            param_hint="FILE",
        ) from None
    limits = Limits(time_s=time_s, memory_mb=memory_mb)  # refuses --time -1 before any work
    language = normalize_language(lang) if lang else language_for_path(file, source)
    if language is None:
        raise typer.BadParameter(f"{file}: unknown language; pass --lang ({LANGUAGE_NAMES})")
    if tests is not None:
        cases = read_tests(tests)
    elif stdin is not None:
        cases = [TestCase(stdin=stdin.read_text(encoding="utf-8"))]
    else:
        cases = [HARNESS]
    logging.basicConfig(level=logging.WARNING)
    try:
        sandbox = open_sandbox(
            backend, workers=1, limits=limits, allow_unisolated=unsafe_no_isolation
        )
    except UnisolatedError as error:
        typer.secho(f"REFUSED: {error}", fg="red", bold=True, err=True)
        raise typer.Exit(2) from None
    with sandbox:
        _announce(sandbox)
        result = sandbox.run(Program(language, source), cases)
    if as_json:
        typer.echo(json.dumps(asdict(result), default=str, indent=2))
    else:
        _print_result(result)
        typer.echo(result.stdout_tail, nl=False)
    raise typer.Exit(0 if result.passed else 1)


@app.command()
def check(
    backend: Annotated[
        str, typer.Option("--sandbox", help="Sandbox backend: auto, docker or process.")
    ] = "auto",
) -> None:
    """Check the engine, the images and every language's toolchain; exit 1 on any FAIL."""
    from .backends.process import Isolation, detect_isolation

    rows: list[tuple[str, bool, str]] = []
    client = _docker_client()
    rows.append(
        (
            "docker engine",
            client is not None,
            ""
            if client
            else "start dockerd, or run "
            "scripts/install-system.sh; the process backend is used meanwhile",
        )
    )
    if client is not None:
        from .images import HOST_IMAGE, OFFICIAL_IMAGES, image_present

        present = image_present(client, HOST_IMAGE)
        rows.append(
            (
                "host image " + HOST_IMAGE,
                present,
                "" if present else "codepref sandbox images --host",
            )
        )
        official = sorted(set(OFFICIAL_IMAGES.values()))
        missing = [name for name in official if not image_present(client, name)]
        rows.append(
            (
                "official images",
                not missing or present,
                ""
                if not missing
                else f"missing {', '.join(missing)} (docker pull; host image used instead)",
            )
        )
    try:
        rows.append(("supervisor binary", True, str(_supervisor(client))))
    except SupervisorBuildError as error:
        rows.append(("supervisor binary", False, str(error)))
    isolation = detect_isolation()
    rows.append(
        (
            "process isolation: " + isolation.value,
            isolation is not Isolation.NONE,
            "" if isolation is not Isolation.NONE else "needs root or user namespaces",
        )
    )
    try:
        with open_sandbox(backend, workers=2, limits=Limits(time_s=10)) as sandbox:
            _announce(sandbox)
            from .api import Job

            jobs = [
                Job(Program(lang, HELLO_WORLD[lang]), (TestCase("", "hello\n"),))
                for lang in HELLO_WORLD
            ]
            for language, result in zip(
                HELLO_WORLD, sandbox.run_many(jobs, progress=False), strict=True
            ):
                why = (result.stderr_tail or result.compile_output)[-200:]
                detail = "" if result.passed else f"{result.status.value}: {why}"
                rows.append((f"{language} toolchain ({sandbox.name})", result.passed, detail))
    except Exception as error:
        rows.append((f"{backend} sandbox", False, str(error)))
    table = Table(title="codepref sandbox check")
    for column in ("check", "result", "detail / what to do"):
        table.add_column(column)
    for name, ok, todo in rows:
        table.add_row(name, "[green]OK[/]" if ok else "[red]FAIL[/]", todo)
    Console().print(table)
    raise typer.Exit(0 if all(ok for _, ok, _ in rows) else 1)


@app.command()
def supervisor(
    out: Annotated[
        Path | None, typer.Option("--out", help="Copy the binary here (to distribute it).")
    ] = None,
) -> None:
    """Build the sandbox supervisor (a static binary) if needed and print its path; with
    ``--out``, copy it there for machines that set ``CODEPREF_SUPERVISOR`` to it."""
    try:
        path = _supervisor(_docker_client())
    except SupervisorBuildError as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(1) from None
    if out is not None:
        shutil.copy2(path, out)
        path = out
    typer.echo(str(path))


@app.command()
def images(
    host: Annotated[bool, typer.Option("--host", help="Build the offline host image.")] = False,
) -> None:
    """List the image of each language (official and host); ``--host`` builds the offline
    image (an empty ``docker import``; the toolchains are bind-mounted read-only)."""
    from .images import HOST_IMAGE, OFFICIAL_IMAGES, build_host_image, image_present

    client = _docker_client()
    if client is None:
        console.print("[red]no Docker engine answers[/]: start dockerd first")
        raise typer.Exit(1)
    if host:
        build_host_image(client)
        console.print(f"built {HOST_IMAGE} (empty filesystem; host toolchains mounted read-only)")
    table = Table(title="sandbox images")
    for column in ("language", "official image", "present", "host image", "present"):
        table.add_column(column)
    host_present = "yes" if image_present(client, HOST_IMAGE) else "no"
    for language, name in OFFICIAL_IMAGES.items():
        present = "yes" if image_present(client, name) else "no"
        table.add_row(language, name, present, HOST_IMAGE, host_present)
    Console().print(table)


def _supervisor(client) -> Path:
    """The supervisor binary, built with the host's Go or else in the engine's Go image."""
    go_image = None
    if client is not None:
        from .images import resolve_images

        go_image = resolve_images(client).for_language("Go")
    return supervisor_binary(client, go_image)


def _docker_client():
    try:
        import docker

        client = docker.from_env(timeout=30)
        client.ping()
    except Exception:
        return None
    return client
