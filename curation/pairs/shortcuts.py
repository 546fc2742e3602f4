"""Surface shortcuts: how well features that ignore what code does predict a pair's label.

A preference set in which the chosen side is nearly always longer (or shorter, or more
commented) teaches a reward model to count characters, and a benchmark built the same way
rewards it for doing so. This module measures that risk: for each surface feature
(``length`` in characters, ``lines``, ``comment_share`` of non-blank lines,
``identifier_length`` as the mean length of identifier-like tokens) the accuracy of the
baseline "the side with the higher value is chosen", per aspect x language. 0.5 is a
feature that says nothing; 1.0 or 0.0 is a feature that gives the label away (in one
direction or the other). :func:`balance_pairs` drops pairs, deterministically, until no
feature predicts the label above a threshold in either direction on any aspect.

It is a pure function of the pair columns (``chosen``, ``rejected``, ``language``,
``aspect``, ``id``), so assembly (the dataset card) and ``bench`` (the report) share it;
like ``criteria`` and ``languages`` it imports nothing else from ``curation``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

DEFAULT_MAX_ACCURACY = 0.65
# Line comment markers per language; the other six languages use C-style comments.
_HASH_COMMENTS = frozenset({"Python", "Ruby"})
_C_COMMENT = ("//", "/*", "*")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def comment_share(code: str, language: str | None) -> float:
    """Share of non-blank lines that are comment lines (a line-prefix rule, no parser)."""
    markers = ("#",) if language in _HASH_COMMENTS else _C_COMMENT
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    if not lines:
        return 0.0
    return sum(line.startswith(markers) for line in lines) / len(lines)


def identifier_length(code: str, _language: str | None = None) -> float:
    """Mean length of identifier-like tokens (keywords included: they are surface too)."""
    names = _IDENTIFIER.findall(code)
    return sum(map(len, names)) / len(names) if names else 0.0


FEATURES: dict[str, Callable[[str, str | None], float]] = {
    "length": lambda code, _language: float(len(code)),
    "lines": lambda code, _language: float(len(code.splitlines())),
    "comment_share": comment_share,
    "identifier_length": identifier_length,
}


def _agreement(frame: pl.DataFrame, feature: str) -> list[float]:
    """Per pair: 1 when the chosen side has the higher value, 0 when lower, 0.5 on a tie."""
    function = FEATURES[feature]
    out = []
    for chosen, rejected, language in zip(
        frame["chosen"], frame["rejected"], frame["language"], strict=True
    ):
        a, b = function(chosen or "", language), function(rejected or "", language)
        out.append(1.0 if a > b else 0.0 if a < b else 0.5)
    return out


def feature_agreement(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame``'s ``aspect`` and ``language`` with one agreement column per feature."""
    return frame.select("aspect", "language").with_columns(
        pl.Series(feature, _agreement(frame, feature), dtype=pl.Float64) for feature in FEATURES
    )


def shortcut_table(frame: pl.DataFrame) -> pl.DataFrame:
    """Accuracy of "higher is chosen" per feature, per aspect x language and per aspect
    (``language`` = "all"), with the pair count. Empty input gives an empty table."""
    agreement = feature_agreement(frame)
    columns = [pl.col(feature).mean() for feature in FEATURES]
    by_language = agreement.group_by("aspect", "language").agg(*columns, pl.len().alias("pairs"))
    by_aspect = agreement.group_by("aspect").agg(*columns, pl.len().alias("pairs"))
    table = pl.concat(
        [by_language, by_aspect.with_columns(pl.lit("all").alias("language"))], how="diagonal"
    )
    return table.select("aspect", "language", *FEATURES, "pairs").sort("aspect", "language")


def strongest(row: dict) -> tuple[str, str, float]:
    """(feature, direction, accuracy) of the best single-feature baseline of a table row:
    "higher" or "lower" is chosen, whichever predicts the label better."""
    best = ("", "higher", 0.0)
    for feature in FEATURES:
        value = row[feature]
        for direction, accuracy in (("higher", value), ("lower", 1.0 - value)):
            if accuracy > best[2]:
                best = (feature, direction, accuracy)
    return best


def shortcut_records(frame: pl.DataFrame) -> list[dict]:
    """The table as JSON-ready rows, each with its strongest shortcut."""
    rows = []
    for row in shortcut_table(frame).iter_rows(named=True):
        feature, direction, accuracy = strongest(row)
        rows.append(
            {
                **{key: round(value, 4) if isinstance(value, float) else value
                   for key, value in row.items()},
                "strongest": f"{direction} {feature}",
                "strongest_accuracy": round(accuracy, 4),
            }
        )  # fmt: skip
    return rows


def shortcut_markdown(records: list[dict], max_accuracy: float = DEFAULT_MAX_ACCURACY) -> str:
    """A Markdown table of :func:`shortcut_records`; cells above ``max_accuracy`` (either
    direction) in bold."""
    header = ["aspect", "language", "pairs", *FEATURES, "strongest shortcut"]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in records:
        cells = [row["aspect"], row["language"], str(row["pairs"])]
        for feature in FEATURES:
            value = row[feature]
            text = f"{value:.2f}"
            cells.append(f"**{text}**" if max(value, 1 - value) > max_accuracy else text)
        cells.append(f"{row['strongest']} ({row['strongest_accuracy']:.2f})")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class BalanceResult:
    kept: pl.DataFrame
    dropped: int
    by_aspect: dict[str, int]


def _order(pair_id: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{pair_id}".encode()).hexdigest()


def balance_pairs(
    frame: pl.DataFrame, max_accuracy: float = DEFAULT_MAX_ACCURACY, seed: int = 0
) -> BalanceResult:
    """Drop pairs until, on every aspect, no feature predicts the label above
    ``max_accuracy`` in either direction.

    Repeatedly takes the aspect's strongest shortcut and drops just enough of the pairs it
    gets right (in a seeded hash order of their ids) to bring it to ``max_accuracy``; one
    feature's drops can raise another's accuracy, so it loops until none is above. An
    aspect whose every pair follows a shortcut loses all its pairs: that is the finding.
    """
    if not 0.5 <= max_accuracy < 1.0:
        raise ValueError(f"max_accuracy must be in [0.5, 1), got {max_accuracy}")
    kept_parts, dropped_by_aspect = [], {}
    for aspect in sorted(frame["aspect"].unique().to_list()):
        part = frame.filter(pl.col("aspect") == aspect)
        start = part.height
        while part.height:
            agreement = feature_agreement(part)
            means = {feature: agreement[feature].mean() for feature in FEATURES}
            feature, direction, accuracy = strongest(means)
            if accuracy <= max_accuracy + 1e-12:
                break
            # pairs the shortcut gets right, and how many of them must go:
            # (right - k) / (n - k) <= t  <=>  k >= (right - t n) / (1 - t)
            score = agreement[feature] if direction == "higher" else 1.0 - agreement[feature]
            right = float(score.sum())
            needed = max(1, int(-(-(right - max_accuracy * part.height) // (1 - max_accuracy))))
            candidates = part.with_columns(score.alias("_score")).filter(pl.col("_score") == 1.0)
            ranked = sorted(candidates["id"].to_list(), key=lambda i: _order(i, seed))
            drop = set(ranked[:needed])
            part = part.filter(~pl.col("id").is_in(list(drop)))
        kept_parts.append(part)
        dropped_by_aspect[aspect] = start - part.height
    kept = pl.concat(kept_parts, how="vertical") if kept_parts else frame.head(0)
    return BalanceResult(kept, sum(dropped_by_aspect.values()), dropped_by_aspect)
