"""Precompiled standard headers for C++: the same compile, without re-parsing <vector>.

g++ spends most of a HumanEval-X-sized compile parsing the standard headers the program
includes. A precompiled header (PCH) of exactly the headers a program includes first, in
its own order, changes nothing of what the compiler reads: ``-include`` of it before the
program, then the program's own ``#include`` lines, which the headers' include guards make
no-ops, is the token stream of the plain compile (``<assert.h>``, which has no guard,
defines the same macros again). So a PCH is used only for the standard headers a program
includes before anything else — no macro, declaration or other header comes first — and
only for that prefix: the first non-standard header (``boost/any.hpp``) or line of code
ends it. It is never a union of headers, which would let a program that forgot an
``#include`` compile.

The PCH is made from a header file the sandbox writes (never from a program), with the
program's compile flags, by the image's own compiler inside a worker, and kept on the
trusted side in a compile cache of its own, kept across runs in the user's cache folder
(keyed, like every build, by compiler version, flags and header text: a new toolchain
makes new ones); each worker holds it as a build cache: written for its compilations
only, never present while a program runs.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .compile_cache import Build, CompileCache
from .supervisor_binary import cache_dir

# The C++17 standard library headers, the C headers in both spellings, and libstdc++'s
# <bits/stdc++.h>: files of the toolchain, never of the program.
_C_HEADERS = [
    "assert",
    "complex",
    "ctype",
    "errno",
    "fenv",
    "float",
    "inttypes",
    "iso646",
    "limits",
    "locale",
    "math",
    "setjmp",
    "signal",
    "stdalign",
    "stdarg",
    "stdbool",
    "stddef",
    "stdint",
    "stdio",
    "stdlib",
    "string",
    "tgmath",
    "time",
    "uchar",
    "wchar",
    "wctype",
]
_CPP_HEADERS = [
    "algorithm",
    "any",
    "array",
    "atomic",
    "bitset",
    "chrono",
    "codecvt",
    "complex",
    "condition_variable",
    "deque",
    "exception",
    "execution",
    "filesystem",
    "forward_list",
    "fstream",
    "functional",
    "future",
    "initializer_list",
    "iomanip",
    "ios",
    "iosfwd",
    "iostream",
    "istream",
    "iterator",
    "limits",
    "list",
    "locale",
    "map",
    "memory",
    "memory_resource",
    "mutex",
    "new",
    "numeric",
    "optional",
    "ostream",
    "queue",
    "random",
    "ratio",
    "regex",
    "scoped_allocator",
    "set",
    "shared_mutex",
    "sstream",
    "stack",
    "stdexcept",
    "streambuf",
    "string",
    "string_view",
    "system_error",
    "thread",
    "tuple",
    "type_traits",
    "typeindex",
    "typeinfo",
    "unordered_map",
    "unordered_set",
    "utility",
    "valarray",
    "variant",
    "vector",
]
STANDARD_HEADERS = frozenset(
    [f"{name}.h" for name in _C_HEADERS]
    + [f"c{name}" for name in _C_HEADERS]
    + _CPP_HEADERS
    + ["bits/stdc++.h"]
)
HEADER_NAME = "codepref-pch.h"


def header_store_dir() -> Path:
    """Where the precompiled headers of every toolchain are kept (``CODEPREF_CACHE_DIR``,
    else the user's cache folder)."""
    return cache_dir() / "headers"


def leading_includes(source: str) -> tuple[str, ...]:
    """The standard headers ``source`` includes before anything else, in its order.

    Only blank lines and comments may come before and between them; the scan stops at
    the first thing that is not an ``#include <standard header>`` line on its own
    (a macro, code, a non-standard header, a line continuation), so what it returns is
    always a prefix of what the compiler would read first."""
    headers: list[str] = []
    position, end = 0, len(source)
    while position < end:
        char = source[position]
        if char in " \t\n\r\f\v":
            position += 1
        elif source.startswith("/*", position):
            close = source.find("*/", position + 2)
            if close < 0:
                break
            position = close + 2
        elif source.startswith("//", position):
            line_end = source.find("\n", position)
            line = source[position : line_end if line_end >= 0 else end]
            if line.rstrip("\r").endswith("\\") or line_end < 0:
                break  # a comment continued on the next line
            position = line_end + 1
        elif char == "#":
            line_end = source.find("\n", position)
            if line_end < 0:
                break
            header = _standard_include(source[position:line_end])
            if header is None:
                break
            headers.append(header)
            position = line_end + 1
        else:
            break
    return tuple(headers)


def _standard_include(line: str) -> str | None:
    """The header of a line ``#include <name>`` (nothing else on it), if standard."""
    rest = line[1:].lstrip(" \t")
    if not rest.startswith("include"):
        return None
    rest = rest[len("include") :].lstrip(" \t")
    if not rest.startswith("<") or ">" not in rest:
        return None
    name, _, after = rest[1:].partition(">")
    if after.strip(" \t\r") or name not in STANDARD_HEADERS:
        return None
    return name


@dataclass(frozen=True)
class PrecompiledHeader:
    """The PCH of one ordered list of standard headers, as one compiler makes it."""

    headers: tuple[str, ...]

    @property
    def text(self) -> str:
        """The header file the PCH is compiled from (and found beside it)."""
        return "".join(f"#include <{name}>\n" for name in self.headers)

    @property
    def directory(self) -> str:
        """Where a worker holds it: a build cache, restored for compilations only."""
        digest = hashlib.sha256(self.text.encode()).hexdigest()[:16]
        return f"/tmp/.codepref-pch-{digest}"

    @property
    def path(self) -> str:
        return f"{self.directory}/{HEADER_NAME}"


class HeaderStore(CompileCache):
    """The PCHs of a sandbox: a compile cache kept in :func:`header_store_dir`, whose
    builds are what a supervisor's ``hold`` takes (see :func:`packed`)."""

    def __init__(self, directory: str | Path | None = None) -> None:
        super().__init__(header_store_dir() if directory is None else directory)
        self._asked: Counter[tuple[str, ...]] = Counter()
        self._counting = threading.Lock()

    def asked(self, headers: tuple[str, ...]) -> int:
        """Count one more program asking for ``headers``; how many have, this one included."""
        with self._counting:
            self._asked[headers] += 1
            return self._asked[headers]


def packed(header: PrecompiledHeader, made: Build) -> Build:
    """A freshly made PCH as it is stored and handed to workers: zlib-compressed (a PCH is
    tens of megabytes that compress about sixfold), with the header file beside it."""
    files = {name: (mode, zlib.compress(data, 1)) for name, (mode, data) in made.files.items()}
    files[HEADER_NAME] = (0o644, zlib.compress(header.text.encode(), 1))
    return Build(files=files, compile_s=made.compile_s)
