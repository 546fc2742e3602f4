"""What the dataset card says about the mined commits behind a dataset: per-repository
yields and licences, and the secrets and personal data found, from the ``stats.json`` of
one or more ``codepref mine`` runs (``codepref assemble --mining-stats``)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def summarize_mining(paths: Sequence[Path]) -> dict[str, Any] | None:
    """The ``mining`` block of the assembly stats, or ``None`` without mining stats.

    Repositories of several runs are listed side by side (a name seen twice adds up);
    secret and personal-data counts are summed.
    """
    if not paths:
        return None
    repositories: dict[str, dict[str, Any]] = {}
    secrets: Counter[str] = Counter()
    pii: Counter[str] = Counter()
    policies: set[str] = set()
    dropped_secret = redacted = rows_in = rows_out = 0
    for path in paths:
        try:
            stats = json.loads(Path(path).read_text("utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise ValueError(f"{path}: not a mining stats.json ({error})") from error
        if "rows_in" not in stats or "privacy" not in stats:
            raise ValueError(f"{path}: not a mining stats.json of this version (no privacy block)")
        rows_in += stats["rows_in"]
        rows_out += stats["rows_out"]
        for name, repo in stats.get("repositories", {}).items():
            entry = repositories.setdefault(
                name, {"license": repo["license"], "commits": 0, "candidates": 0, "rows_out": 0}
            )
            for key in ("commits", "candidates", "rows_out"):
                entry[key] += repo[key]
        privacy = stats["privacy"]
        policies.add(privacy["secret_policy"])
        secrets.update(privacy["commits_with_secrets_by_detector"])
        pii.update(privacy["pii_replacements"])
        dropped_secret += privacy["dropped_secret"]
        redacted += privacy["secrets_redacted"]
    for entry in repositories.values():
        entry["yield"] = round(entry["rows_out"] / entry["commits"], 6) if entry["commits"] else 0.0
    return {
        "runs": len(paths),
        "commits": rows_in,
        "rows_out": rows_out,
        "repositories": dict(sorted(repositories.items())),
        "secret_policy": ",".join(sorted(policies)),
        "commits_with_secrets_by_detector": dict(sorted(secrets.items())),
        "dropped_secret": dropped_secret,
        "secrets_redacted": redacted,
        "pii_replacements": dict(sorted(pii.items())),
    }
