"""What every scorer shares: the :class:`PairScores` it returns, the :class:`Scorer`
protocol, and the progress helpers. Scorers import this module; it imports no scorer, so
``pipelines.judge_scorer`` and ``bench.scorers`` no longer import each other."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import polars as pl


@dataclass
class PairScores:
    """Scores for each pair in input order; NaN marks a missing score (counted wrong)."""

    chosen: np.ndarray
    rejected: np.ndarray
    flags: dict[str, np.ndarray] = field(default_factory=dict)


class Scorer(Protocol):
    name: str

    def score(self, pairs: pl.DataFrame) -> PairScores: ...

    def describe(self) -> dict[str, Any]: ...


def progress(items: list, label: str, enabled: bool) -> Iterator:
    if not enabled:
        yield from items
        return
    from rich.progress import track

    yield from track(items, description=label, transient=True)


@contextmanager
def progress_callback(total: int, label: str, enabled: bool) -> Iterator[Callable[[int], None]]:
    """A rich progress bar driven by a ``advance(n)`` callback (for judge backends)."""
    if not enabled:
        yield lambda n: None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)
