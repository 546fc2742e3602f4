"""Option parsing shared by every command, so one thing has one spelling and one meaning.

- ``--endpoint`` (env ``CODEPREF_JUDGE_URL``): the OpenAI-compatible LLM endpoint;
- ``--sandbox``: the sandbox backend (auto, docker, process); ``--engine``: the LLM engine;
- ``--languages``: repeated options, comma lists, or both;
- ``--overwrite``: replace a different earlier run recorded in ``--out``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from curation.languages import UnknownLanguageError, normalize_language

ENDPOINT_ENV = "CODEPREF_JUDGE_URL"

# A pipeline command's --out records its run (curation.run_fingerprint); a different run
# into it is refused unless asked to start fresh.
OverwriteOption = Annotated[
    bool, typer.Option("--overwrite", help="Replace a different earlier run in --out.")
]


def parse_languages(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """``--languages python --languages cpp,java`` -> ``("Python", "Cpp", "Java")``."""
    if not values:
        return None
    try:
        names = [normalize_language(n) for value in values for n in value.split(",") if n.strip()]
    except UnknownLanguageError as error:
        raise typer.BadParameter(str(error), param_hint="--languages") from error
    return tuple(dict.fromkeys(names)) or None
