"""The dataset card (README.md): YAML metadata the Hub and ``datasets`` read, then tables.

The metadata declares one ``default`` config (all aspects) and one config per aspect, each
with its splits as glob patterns over the shards, plus features, licence, size category and
task categories. ``datasets.load_dataset(DIR)`` and ``load_dataset(DIR, "Runtime_Efficiency")``
use these configs as they are; the Hub renders them as the dataset viewer's subsets.
Everything is rendered from the stats dict, so the card states exactly what the shards hold.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import yaml

from curation.assembly.shortcuts import SHORTCUT_DROP, shortcut_section
from curation.criteria import ASPECT_DESCRIPTIONS, ASPECTS
from curation.languages import LANGUAGE_NAMES
from curation.schema import PAIRS, SPLITS

LABEL_METHOD_MEANINGS: dict[str, str] = {
    "execution": "both programs ran in a sandbox on the same tests; the measurements decide",
    "judge": "LLM judges compared the two in randomised A/B order; the votes decide",
    "commit": "chosen is a file after a commit that names the aspect, rejected the file before",
    "inherited": "the label of the source dataset, taken as it is",
}

COLUMN_MEANINGS: dict[str, str] = {
    "id": "stable pair id: hash of the normalised prompt, chosen, rejected and aspect",
    "prompt": "the task or instruction",
    "chosen": "the preferred code",
    "rejected": "the dispreferred code",
    "language": f"one of {', '.join(LANGUAGE_NAMES)}",
    "aspect": f"one of {', '.join(ASPECTS)}",
    "source": "the producer or source dataset of the pair",
    "label_method": "how the label was made: " + ", ".join(LABEL_METHOD_MEANINGS),
    "confidence": "strength of the label in [0, 1] when the producer measured one",
    "system": "the system prompt drawn for this pair (null: none)",
    "system_kind": "none, aspect or all: which system prompt the pair carries (none is "
    "a real choice, not a missing value)",
    "evidence": "JSON: what proves the label, and `origin` (producer id, file, row)",
    "split": "train, validation or test",
}

_SIZE_CATEGORIES: tuple[tuple[int, str], ...] = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)


def size_category(rows: int) -> str:
    """The Hub's ``size_categories`` bucket for a row count."""
    for bound, name in _SIZE_CATEGORIES:
        if rows < bound:
            return name
    return "n>1B"


def arrow_dtype(data_type: pa.DataType) -> str:
    """The ``datasets`` feature dtype of a plain Arrow type used in the PAIRS schema."""
    if pa.types.is_string(data_type):
        return "string"
    if pa.types.is_float64(data_type):
        return "float64"
    if pa.types.is_int64(data_type):
        return "int64"
    raise ValueError(f"no dataset-card dtype for Arrow type {data_type}")


def card_metadata(stats: dict[str, Any], pretty_name: str, license: str) -> dict[str, Any]:
    """The YAML front matter as a dict."""
    files = stats["files"]
    features = [{"name": field.name, "dtype": arrow_dtype(field.type)} for field in PAIRS]
    configs: list[dict[str, Any]] = []
    infos: list[dict[str, Any]] = []
    names = ["default", *[a for a in ASPECTS if any(f["aspect"] == a for f in files)]]
    for name in names:
        chosen = [f for f in files if name == "default" or f["aspect"] == name]
        pattern = "*.parquet" if name == "default" else f"{name}-*.parquet"
        splits = [s for s in SPLITS if any(f["split"] == s for f in chosen)]
        config: dict[str, Any] = {
            "config_name": name,
            "data_files": [{"split": s, "path": f"data/{s}/{pattern}"} for s in splits],
        }
        if name == "default":
            config["default"] = True
        configs.append(config)
        infos.append(
            {
                "config_name": name,
                "features": [dict(feature) for feature in features],
                "splits": [
                    {
                        "name": s,
                        "num_examples": sum(f["rows"] for f in chosen if f["split"] == s),
                    }
                    for s in splits
                ],
                "download_size": sum(f["bytes"] for f in chosen),
            }
        )
    return {
        "pretty_name": pretty_name,
        "license": license,
        "language": ["en"],
        "tags": ["code", "preference", "reward-modeling", "codepref"],
        "task_categories": ["text-classification", "text-generation"],
        "size_categories": [size_category(stats["rows"])],
        "configs": configs,
        "dataset_info": infos,
    }


def markdown_table(headers: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render_card(stats: dict[str, Any], pretty_name: str, license: str) -> str:
    """The whole README.md: front matter, then what the dataset holds and how it was made."""
    front = yaml.safe_dump(
        card_metadata(stats, pretty_name, license), sort_keys=False, allow_unicode=True
    )
    config = stats["config"]
    shares = config["system_prompt_shares"]
    fractions = config["split_fractions"]
    sections = [
        f"# {pretty_name}",
        (
            f"{stats['rows']:,} code-preference pairs (prompt, chosen code, rejected code), each "
            f"labelled with one of {len(ASPECTS)} criteria and one of {len(LANGUAGE_NAMES)} "
            f"languages, assembled by codepref from {stats['input_rows']:,} input rows "
            f"({stats['dropped']:,} dropped, reasons below)."
        ),
        "## Loading",
        (
            "```python\nfrom datasets import load_dataset\n\n"
            'pairs = load_dataset("REPO_OR_FOLDER")  # all aspects\n'
            'runtime = load_dataset("REPO_OR_FOLDER", "Runtime_Efficiency")\n```\n\n'
            '```python\nimport polars as pl\n\npl.read_parquet("data/train/*.parquet")\n```'
        ),
        "## Columns",
        markdown_table(
            ["column", "type", "meaning"],
            [[f.name, arrow_dtype(f.type), COLUMN_MEANINGS[f.name]] for f in PAIRS],
        ),
        "## Splits",
        (
            "Pairs are split by group so that no group is in two splits. The group of a pair is "
            "its input `group` column if set, else the repository of its commit "
            "(`evidence.repo`), else its problem (`evidence.problem_id`), else its normalised "
            "prompt. A group's split is a seeded hash of its key "
            f"(seed {config['seed']}; target shares of groups: train {fractions['train']}, "
            f"validation {fractions['validation']}, test {fractions['test']})."
        ),
        markdown_table(
            ["split", "pairs", "groups"],
            [[s, f"{v['rows']:,}", f"{v['groups']:,}"] for s, v in stats["splits"].items()],
        ),
        "## Pairs per aspect and language",
        _aspect_language_table(stats),
        "## Pairs per source and aspect",
        _source_aspect_table(stats),
        "## Pairs per source, aspect and language",
        _source_aspect_language_table(stats),
        "## Label methods",
        markdown_table(
            ["label_method", "pairs", "meaning"],
            [[m, f"{n:,}", LABEL_METHOD_MEANINGS[m]] for m, n in stats["label_method"].items()],
        ),
        "## System prompts",
        (
            "Each pair carries no system prompt, the description of its own aspect, or all "
            "criteria in shuffled order, drawn per pair from a generator seeded by the pair id "
            f"(target shares {shares['none']:g} / {shares['aspect']:g} / "
            f"{shares['all']:g})."
        ),
        markdown_table(
            ["mode", "pairs"], [[m, f"{n:,}"] for m, n in stats["system_prompt"].items()]
        ),
        *_test_suite_section(stats),
        "## Surface shortcuts",
        shortcut_section(stats),
        "## Dropped rows",
        _drops_section(stats, config),
        "## Secrets and personal data",
        _privacy_section(stats.get("mining")),
        *_repositories_section(stats.get("mining")),
        "## Criteria",
        markdown_table(["aspect", "description"], [[a, ASPECT_DESCRIPTIONS[a]] for a in ASPECTS]),
        "## Licence",
        (
            f"Declared licence: `{license}`. Pairs keep the licence of the code they come "
            "from; commit pairs record their repository in `evidence`."
        ),
    ]
    return f"---\n{front}---\n\n" + "\n\n".join(sections) + "\n"


def _test_suite_section(stats: dict[str, Any]) -> list[str]:
    """Pairs by the true negative rate of the test suite that labelled them (the share of
    known-wrong solutions its tests catch); absent when no pair's suite was measured."""
    tnr = stats.get("test_suite_tnr") or {}
    if not tnr:
        return []
    return [
        "## Test-suite quality",
        (
            "Execution pairs whose problem's test suite was measured, by the suite's true "
            "negative rate: the share of known-wrong solutions (mutants, planted bugs, "
            "rejected submissions) that fail its tests (`evidence.test_suite`; `none`: no "
            "known-wrong solution to measure it)."
        ),
        markdown_table(["TNR", "pairs"], [[bucket, f"{n:,}"] for bucket, n in tnr.items()]),
    ]


PRIVACY_PRACTICE = (
    "Every shard of this folder was scanned for secrets with the plugins of Yelp's "
    "`detect-secrets` (cloud and service keys and tokens, private keys, passwords in "
    "connection URLs, `password = ...` keywords) plus random-looking literals assigned to "
    "a name; `codepref assemble` and `codepref push` refuse a folder where one is found. "
    "Mined commits follow the practice of BigCode's PII pipeline for The Stack: a commit "
    "with a secret is dropped (or, when mining with `--secrets redact`, the secret becomes "
    "`<SECRET_n>`, the same on both sides of the pair); e-mail addresses become `<EMAIL>`, "
    "key-like literals `<KEY>`, and public IP addresses a documentation address "
    "(`192.0.2.x`, `2001:db8::x`; private, loopback and version-like addresses stay); "
    "message trailers that name people (`Signed-off-by:`, `Co-authored-by:`...) are "
    "removed. No table has an author name or e-mail column."
)


def _privacy_section(mining: dict[str, Any] | None) -> str:
    if mining is None:
        return PRIVACY_PRACTICE
    rows = [
        ["secret policy", mining["secret_policy"]],
        ["commits dropped for a secret", f"{mining['dropped_secret']:,}"],
        ["secrets redacted", f"{mining['secrets_redacted']:,}"],
        *[
            [f"commits with a secret: {kind}", f"{n:,}"]
            for kind, n in mining["commits_with_secrets_by_detector"].items()
        ],
        *[[f"replaced: {kind}", f"{n:,}"] for kind, n in mining["pii_replacements"].items()],
    ]
    return PRIVACY_PRACTICE + "\n\n" + markdown_table(["mined commits", "count"], rows)


def _repositories_section(mining: dict[str, Any] | None) -> list[str]:
    if not mining or not mining["repositories"]:
        return []
    rows = [
        [
            name, r["license"], f"{r['commits']:,}", f"{r['candidates']:,}",
            f"{r['rows_out']:,}", f"{r['yield']:.2%}",
        ]
        for name, r in mining["repositories"].items()
    ]  # fmt: skip
    return [
        "## Mined repositories",
        "Commits read, single-file candidates, rows kept after every filter and deduplication, "
        "and the yield (rows kept per commit), per repository.",
        markdown_table(["repository", "licence", "commits", "candidates", "rows", "yield"], rows),
    ]


def _aspect_language_table(stats: dict[str, Any]) -> str:
    matrix = stats["aspect_language"]
    rows = [
        [
            aspect,
            *[f"{matrix[aspect][lang]:,}" for lang in LANGUAGE_NAMES],
            f"{sum(matrix[aspect].values()):,}",
        ]
        for aspect in ASPECTS
    ]
    totals = [sum(matrix[a][lang] for a in ASPECTS) for lang in LANGUAGE_NAMES]
    rows.append(["**total**", *[f"{n:,}" for n in totals], f"{sum(totals):,}"])
    return markdown_table(["aspect", *LANGUAGE_NAMES, "total"], rows)


def _source_aspect_table(stats: dict[str, Any]) -> str:
    matrix = stats["source_aspect"]
    rows = [
        [source, *[f"{counts[a]:,}" for a in ASPECTS], f"{sum(counts.values()):,}"]
        for source, counts in matrix.items()
    ]
    return markdown_table(["source", *ASPECTS, "total"], rows)


def _source_aspect_language_table(stats: dict[str, Any]) -> str:
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for entry in stats["counts"]:
        row = cells.setdefault((entry["source"], entry["aspect"]), dict.fromkeys(LANGUAGE_NAMES, 0))
        row[entry["language"]] += entry["count"]
    order = {aspect: index for index, aspect in enumerate(ASPECTS)}
    rows = [
        [
            source,
            aspect,
            *[f"{counts[lang]:,}" for lang in LANGUAGE_NAMES],
            f"{sum(counts.values()):,}",
        ]
        for (source, aspect), counts in sorted(
            cells.items(), key=lambda kv: (kv[0][0], order[kv[0][1]])
        )
    ]
    return markdown_table(["source", "aspect", *LANGUAGE_NAMES, "total"], rows)


def _drops_section(stats: dict[str, Any], config: dict[str, Any]) -> str:
    drops = stats["drops"]
    if not drops:
        return "No input row was dropped."
    cap = config.get("max_per_cell")
    notes = {
        "duplicate_id": "same pair id as a kept pair (better-evidenced label kept)",
        "contradiction": "the same prompt and aspect also prefer the other side",
        "over_cap": f"beyond the cap of {cap} pairs per (aspect, language)",
        SHORTCUT_DROP: "balanced away: a surface feature predicted the label on its aspect",
    }
    rows = [
        [f"`{reason}`", f"{entry['count']:,}", notes.get(reason, "invalid input row")]
        for reason, entry in drops.items()
    ]
    return markdown_table(["reason", "rows", "meaning"], rows) + (
        "\n\nExample rows per reason are listed in `stats.json` (`drops`)."
    )
