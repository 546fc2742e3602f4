"""How much `analyze` costs on top of a bare tree-sitter parse, per language.

Corpus: real source files already on the machine: Python from site-packages, Go and Ruby
standard libraries from the Debian packages, C/C++ from toolchain and CPython trees, the
JDK's src.zip when installed (`apt-get install openjdk-17-source`), any C# and JavaScript
found. Each file is parsed with a bare `Parser.parse` and analysed with
`curation.code.analyze` in the same run, best of three passes. Target: analyze <= 1.5x parse.

    python benchmarks/parse.py [--mb-per-language 4]
"""

from __future__ import annotations

import argparse
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.table import Table

from curation.code import analyze
from curation.languages import LANGUAGE_NAMES, get_language, language_for_path

ROOTS = (
    Path(sys.prefix) / "lib",
    Path("/usr/share/go-1.19/src"),
    Path("/usr/lib/go/src"),
    Path("/usr/lib/ruby"),
    Path("/usr/share/rubygems-integration"),
    Path("/usr/include"),
    Path("/usr/share/nodejs"),
    Path("/usr/lib/node_modules"),
    Path("/usr/share/doc"),
    Path("/root/.pyenv/versions"),
)
JDK_SOURCES = (Path("/usr/lib/jvm/openjdk-17/lib/src.zip"),)
MAX_FILE_BYTES = 512 * 1024
TARGET_RATIO = 1.5


def iter_files(roots: tuple[Path, ...]) -> Iterator[tuple[str, bytes]]:
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            language = language_for_path(path)
            if language is None or not path.is_file():
                continue
            try:
                size = path.stat().st_size
            except OSError:
                continue
            if 0 < size <= MAX_FILE_BYTES:
                data = path.read_bytes()
                yield language_for_path(path, data) or language, data
    for archive in JDK_SOURCES:
        if archive.is_file():
            with zipfile.ZipFile(archive) as zipped:
                for name in zipped.namelist():
                    if name.endswith(".java"):
                        yield "Java", zipped.read(name)


def collect(budget_bytes: int) -> dict[str, list[bytes]]:
    corpus: dict[str, list[bytes]] = {name: [] for name in LANGUAGE_NAMES}
    sizes = dict.fromkeys(LANGUAGE_NAMES, 0)
    for language, data in iter_files(ROOTS):
        if sizes[language] < budget_bytes:
            corpus[language].append(data)
            sizes[language] += len(data)
        if all(size >= budget_bytes for size in sizes.values()):
            break
    return corpus


def best_of(repeats: int, run) -> float:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb-per-language", type=float, default=4.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    console = Console()
    with console.status("collecting corpus"):
        corpus = collect(int(args.mb_per_language * 1024 * 1024))

    table = Table(title="analyze vs bare tree-sitter parse (same bytes, same run)")
    for column in ("language", "files", "MB", "parse MB/s", "analyze MB/s", "analyze files/s"):
        table.add_column(column, justify="right")
    table.add_column("analyze / parse", justify="right")
    worst = 0.0
    for language, files in corpus.items():
        if not files:
            table.add_row(language, "0", "-", "-", "-", "-", "no corpus on this machine")
            continue
        parser_ = get_language(language).parser()
        megabytes = sum(map(len, files)) / 1e6
        parse_s = best_of(args.repeats, lambda p=parser_, f=files: [p.parse(d) for d in f])
        analyze_s = best_of(
            args.repeats, lambda f=files, lang=language: [analyze(d, lang) for d in f]
        )
        ratio = analyze_s / parse_s
        worst = max(worst, ratio)
        table.add_row(
            language,
            str(len(files)),
            f"{megabytes:.2f}",
            f"{megabytes / parse_s:.1f}",
            f"{megabytes / analyze_s:.1f}",
            f"{len(files) / analyze_s:,.0f}",
            f"[{'green' if ratio <= TARGET_RATIO else 'red'}]{ratio:.2f}x[/]",
        )
    console.print(table)
    console.print(f"worst ratio {worst:.2f}x (target <= {TARGET_RATIO}x)")


if __name__ == "__main__":
    main()
