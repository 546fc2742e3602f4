"""Learnable pairs made offline from real code, for smoke runs, tests and the benchmark.

A CPU smoke run must show that training works, which needs pairs whose preferred side a
small model can learn in minutes, and it may not download anything. Real Python functions
from an installed environment (site-packages) are the chosen side; the rejected side is the
same function after a syntax-breaking edit, and tree-sitter proves the edit broke it (the
chosen side parses, the rejected side does not). The edits remove or garble tokens that a
WordPiece tokenizer keeps (brackets, colons, keywords), since an uncased encoder does not see
indentation.
"""

from __future__ import annotations

import json
import random
import re
import sysconfig
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pyarrow as pa

from curation.code import analyze
from curation.schema import PAIRS, validate

Mutation = Callable[[list[str], random.Random], list[str] | None]


def _drop_header_colons(lines: list[str], rng: random.Random) -> list[str] | None:
    """Remove the ``:`` that ends ``def``/``if``/``for`` headers."""
    header = re.compile(r"^(\s*(?:def|if|elif|else|for|while|try|except|with|class)\b.*):\s*$")
    hits = [i for i, line in enumerate(lines) if header.match(line)]
    if not hits:
        return None
    out = list(lines)
    for i in hits:
        out[i] = header.sub(r"\1", out[i])
    return out


def _unbalance_brackets(lines: list[str], rng: random.Random) -> list[str] | None:
    """Delete every closing bracket on a few lines."""
    hits = [i for i, line in enumerate(lines) if re.search(r"[)\]}]", line)]
    if not hits:
        return None
    out = list(lines)
    for i in rng.sample(hits, k=min(len(hits), 3)):
        out[i] = re.sub(r"[)\]}]", "", out[i])
    return out


def _truncate_body(lines: list[str], rng: random.Random) -> list[str] | None:
    """Cut the function in the middle of an expression and leave junk brackets."""
    if len(lines) < 4:
        return None
    cut = rng.randrange(2, len(lines))
    line = lines[cut]
    return [*lines[:cut], line[: max(1, len(line) // 2)] + " ( [ ,"]


def _garble_keywords(lines: list[str], rng: random.Random) -> list[str] | None:
    """Replace structural keywords with stray operators."""
    pattern = re.compile(r"\b(return|if|for|in|def|else|not|and|or)\b")
    text = "\n".join(lines)
    if len(pattern.findall(text)) < 2:
        return None
    return pattern.sub(lambda m: rng.choice(["= =", ") (", ", ,", "::"]), text).split("\n")


MUTATIONS: dict[str, Mutation] = {
    "drop_header_colons": _drop_header_colons,
    "unbalance_brackets": _unbalance_brackets,
    "truncate_body": _truncate_body,
    "garble_keywords": _garble_keywords,
}


def default_root() -> Path:
    """The running interpreter's site-packages: real code that is always there."""
    return Path(sysconfig.get_paths()["purelib"])


def python_functions(
    path: Path, *, min_lines: int = 4, max_lines: int = 16, max_chars: int = 450
) -> list[tuple[str, str]]:
    """``(name, source)`` of the short functions of one ``*.py`` file, dedented."""
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return []
    if len(text) > 200_000:
        return []
    analysis = analyze(text, "Python")
    if not analysis.parses:
        return []
    lines = text.split("\n")
    found = []
    for fn in analysis.functions:
        body = lines[fn.start_line - 1 : fn.end_line]
        indent = len(body[0]) - len(body[0].lstrip())
        body = [line[indent:] for line in body]
        source = "\n".join(body)
        if min_lines <= len(body) <= max_lines and len(source) <= max_chars:
            found.append((fn.name, source))
    return found


def learnable_pairs(
    n: int, seed: int = 0, root: str | Path | None = None, per_file: int = 3
) -> pl.DataFrame:
    """``n`` pairs (a PAIRS-schema frame): a parsing function vs. a broken copy of it.

    Files under ``root`` (default: site-packages) are visited in a seeded order and at most
    ``per_file`` functions are taken from each, so the pairs span many packages while only
    as many files are parsed as needed. A mutant that still parses is skipped. Fewer than
    ``n`` usable functions raises, so a test never trains on less than it asked for.
    """
    rng = random.Random(seed)
    files = sorted(Path(root or default_root()).rglob("*.py"))
    rng.shuffle(files)
    kinds = list(MUTATIONS)
    rows: list[dict] = []
    for path in files:
        if len(rows) == n:
            break
        functions = python_functions(path)
        rng.shuffle(functions)
        for name, source in functions[:per_file]:
            if len(rows) == n:
                break
            kind = rng.choice(kinds)
            mutated = MUTATIONS[kind](source.split("\n"), rng)
            if mutated is None:
                continue
            rejected = "\n".join(mutated)
            if rejected == source or analyze(rejected, "Python").parses:
                continue
            rows.append(
                {
                    "id": f"smoke-{seed}-{len(rows)}",
                    "prompt": f"Write the Python function `{name}`.",
                    "chosen": source,
                    "rejected": rejected,
                    "language": "Python",
                    "aspect": "Functional_Correctness",
                    "source": "site-packages",
                    "label_method": "inherited",
                    "confidence": 1.0,
                    "system": None,
                    "evidence": json.dumps(
                        {"path": str(path), "mutation": kind, "check": "tree-sitter"}
                    ),
                    "split": "train",
                }
            )
    if len(rows) < n:
        raise ValueError(f"{root}: only {len(rows)} usable functions, {n} pairs asked for")
    table = validate(pa.Table.from_pylist(rows), PAIRS, "smoke pairs")
    return pl.from_arrow(table)


def write_train_eval(
    out_dir: str | Path, n_train: int, n_eval: int, seed: int = 0, root: str | Path | None = None
) -> tuple[Path, Path]:
    """Write disjoint train and held-out Parquet files of learnable pairs."""
    frame = learnable_pairs(n_train + n_eval, seed, root)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    train = frame.head(n_train)
    held_out = frame.tail(n_eval).with_columns(pl.lit("test").alias("split"))
    train_path, eval_path = out / "train.parquet", out / "eval.parquet"
    train.write_parquet(train_path, compression="zstd")
    held_out.write_parquet(eval_path, compression="zstd")
    return train_path, eval_path
