"""SPDX licence of a repository, detected from its licence file.

Only commits from permissively licensed repositories may become training data, so the
miner needs the licence of every repository it walks. Licence texts are recognised by
phrases that are fixed in each licence's official text (and survive reflowing), not by a
file name, so ``LICENSE``, ``COPYING`` or ``LICENSE.md`` all work.
"""

from __future__ import annotations

import re
from pathlib import Path

from curation.mining.gitlog import GitError, git

# Licences that allow use as training data with attribution at most.
PERMISSIVE_LICENSES: frozenset[str] = frozenset(
    {
        "MIT",
        "MIT-0",
        "Apache-2.0",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "0BSD",
        "ISC",
        "Unlicense",
        "BSL-1.0",
        "Zlib",
        "CC0-1.0",
    }
)

# File names (lowercase, extension removed) that hold a repository's licence.
_LICENSE_STEMS = ("license", "licence", "copying", "unlicense", "license-mit", "license-apache")

# Ordered: the first rule whose phrases all occur wins (e.g. LGPL before GPL).
_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AGPL-3.0", ("gnu affero general public license", "version 3")),
    ("LGPL-3.0", ("gnu lesser general public license", "version 3")),
    ("LGPL-2.1", ("gnu lesser general public license", "version 2.1")),
    ("GPL-3.0", ("gnu general public license", "version 3")),
    ("GPL-2.0", ("gnu general public license", "version 2")),
    ("MPL-2.0", ("mozilla public license", "2.0")),
    ("Apache-2.0", ("apache license", "version 2.0")),
    ("BSL-1.0", ("boost software license - version 1.0",)),
    ("Unlicense", ("this is free and unencumbered software released into the public domain",)),
    ("CC0-1.0", ("cc0 1.0 universal",)),
    ("MIT-0", ("permission is hereby granted, free of charge", "without restriction")),
    ("ISC", ("permission to use, copy, modify, and/or distribute this software for any purpose",)),
    ("0BSD", ("permission to use, copy, modify, and/or distribute this software for any purpose",)),
    ("BSD-3-Clause", ("redistribution and use in source and binary forms", "neither the name")),
    ("BSD-2-Clause", ("redistribution and use in source and binary forms",)),
    ("Zlib", ("this notice may not be removed or altered from any source distribution",)),
)


def detect_license(text: str) -> str | None:
    """The SPDX id of a licence text, or ``None`` when it is not one we recognise."""
    flat = re.sub(r"\s+", " ", text.lower())
    for spdx, phrases in _RULES:
        if all(phrase in flat for phrase in phrases):
            if spdx == "MIT-0" and "the above copyright notice" in flat:
                return "MIT"  # MIT requires the notice; MIT-0 is the same text without it
            if spdx in ("ISC", "0BSD"):
                return (
                    "ISC"
                    if "copyright notice and this permission notice appear" in flat
                    else "0BSD"
                )
            return spdx
    return None


def is_license_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return name.split(".", 1)[0] in _LICENSE_STEMS


def repository_license(repo: Path | str, revision: str = "HEAD") -> str | None:
    """The licence of the files at the top of ``revision``, or ``None`` if none is found.

    An empty repository, or one without a recognisable licence file, has no licence; the
    licence filter then drops its commits unless a licence is given explicitly.
    """
    try:
        listing = git(repo, "ls-tree", "-z", "--name-only", revision)
    except GitError:
        return None
    for name in sorted(n.decode("utf-8", "replace") for n in listing.split(b"\0") if n):
        if is_license_file(name):
            try:
                text = git(repo, "cat-file", "blob", f"{revision}:{name}")
            except GitError:
                continue
            spdx = detect_license(text.decode("utf-8", "replace"))
            if spdx is not None:
                return spdx
    return None
