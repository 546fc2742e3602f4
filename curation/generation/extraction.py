"""Strict extraction of a candidate's code from a model's answer.

The code is the one fenced block tagged with the problem's language (``python``/``py``,
``cpp``/``c++``, ...). An answer without such a block, or with two of them, yields no
candidate and a counted reason; an untagged block is not taken either: guessing which
text is the program would put prose or another language's code in the sandbox and label
the model's formatting slip as a wrong solution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A fence of 3+ backticks or tildes, its info string, the body, the same fence closing it.
_BLOCK = re.compile(r"^[ \t]*(`{3,}|~{3,})[ \t]*([^\n`]*)\n(.*?)^[ \t]*\1[ \t]*$", re.M | re.S)

TAGS: dict[str, frozenset[str]] = {
    "C": frozenset({"c", "h"}),
    "CSharp": frozenset({"csharp", "cs", "c#"}),
    "Cpp": frozenset({"cpp", "c++", "cc", "cxx", "hpp"}),
    "Go": frozenset({"go", "golang"}),
    "Java": frozenset({"java"}),
    "JavaScript": frozenset({"javascript", "js", "node", "nodejs"}),
    "Python": frozenset({"python", "py", "python3"}),
    "Ruby": frozenset({"ruby", "rb"}),
}

EMPTY = "empty_answer"
NO_BLOCK = "no_block_in_language"
SEVERAL = "several_blocks_in_language"
BLANK = "blank_block"


@dataclass(frozen=True)
class Extracted:
    """The code, or the reason there is none (one of the constants above)."""

    code: str | None
    failure: str | None = None


def extract_code(answer: str | None, language: str) -> Extracted:
    if answer is None or not answer.strip():
        return Extracted(None, EMPTY)
    tags = TAGS[language]
    blocks = [
        body
        for _, info, body in _BLOCK.findall(answer)
        if (info.strip().split() or [""])[0].lower() in tags
    ]
    if not blocks:
        return Extracted(None, NO_BLOCK)
    if len(blocks) > 1:
        return Extracted(None, SEVERAL)
    if not blocks[0].strip():
        return Extracted(None, BLANK)
    return Extracted(blocks[0])
