"""The eight languages codepref handles: canonical names, aliases, extensions and grammars.

This is the one place that knows about languages. Every other module (readers, the sandbox
runners, the code analysis, rm/ and bench/) imports its names from here, so a spelling such
as ``C#`` or ``c++`` is normalised exactly once and writers always emit the canonical
strings of Themis-CodeRewardBench (``C, CSharp, Cpp, Go, Java, JavaScript, Python, Ruby``).
"""

from __future__ import annotations

import functools
import importlib
import re
import threading
from dataclasses import dataclass
from pathlib import PurePath

from tree_sitter import Language as TSLanguage
from tree_sitter import Parser


class UnknownLanguageError(ValueError):
    """Raised for a language name that is neither canonical nor a known alias."""


@dataclass(frozen=True)
class Language:
    """One programming language and how codepref recognises and parses it.

    ``function_types`` are the tree-sitter node types that define a named function or
    method; ``comment_types`` the node types that hold comments. Both are grammar facts,
    kept next to the grammar so the analysis code stays language-agnostic.
    """

    name: str
    aliases: tuple[str, ...]
    extensions: tuple[str, ...]
    grammar_module: str
    function_types: frozenset[str]
    comment_types: frozenset[str] = frozenset({"comment"})
    grammar_function: str = "language"

    @property
    def grammar(self) -> TSLanguage:
        """The tree-sitter grammar, loaded once per process."""
        return _load_grammar(self.grammar_module, self.grammar_function)

    def parser(self) -> Parser:
        """A parser for this language, reused within the calling thread.

        tree-sitter parsers are cheap to reuse but not safe to share between threads,
        so each thread keeps its own.
        """
        cache: dict[str, Parser] = _THREAD_PARSERS.__dict__.setdefault("parsers", {})
        parser = cache.get(self.name)
        if parser is None:
            parser = cache[self.name] = Parser(self.grammar)
        return parser


_THREAD_PARSERS = threading.local()


@functools.cache
def _load_grammar(module_name: str, function_name: str) -> TSLanguage:
    module = importlib.import_module(module_name)
    return TSLanguage(getattr(module, function_name)())


_C_FUNCTIONS = frozenset({"function_definition"})

LANGUAGES: dict[str, Language] = {
    lang.name: lang
    for lang in (
        Language(
            name="C",
            aliases=("c",),
            extensions=(".c", ".h"),
            grammar_module="tree_sitter_c",
            function_types=_C_FUNCTIONS,
        ),
        Language(
            name="CSharp",
            aliases=("c#", "csharp", "cs", "c-sharp", "c_sharp"),
            extensions=(".cs",),
            grammar_module="tree_sitter_c_sharp",
            function_types=frozenset(
                {"method_declaration", "constructor_declaration", "local_function_statement"}
            ),
        ),
        Language(
            name="Cpp",
            aliases=("cpp", "c++", "cxx", "cplusplus"),
            extensions=(".cpp", ".cc", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++", ".ipp"),
            grammar_module="tree_sitter_cpp",
            function_types=_C_FUNCTIONS,
        ),
        Language(
            name="Go",
            aliases=("go", "golang"),
            extensions=(".go",),
            grammar_module="tree_sitter_go",
            function_types=frozenset({"function_declaration", "method_declaration"}),
        ),
        Language(
            name="Java",
            aliases=("java",),
            extensions=(".java",),
            grammar_module="tree_sitter_java",
            function_types=frozenset({"method_declaration", "constructor_declaration"}),
            comment_types=frozenset({"line_comment", "block_comment"}),
        ),
        Language(
            name="JavaScript",
            aliases=("javascript", "js", "node", "nodejs", "ecmascript"),
            extensions=(".js", ".mjs", ".cjs", ".jsx"),
            grammar_module="tree_sitter_javascript",
            function_types=frozenset(
                {
                    "function_declaration",
                    "generator_function_declaration",
                    "method_definition",
                    "variable_declarator",
                }
            ),
        ),
        Language(
            name="Python",
            aliases=("python", "py", "python3"),
            extensions=(".py", ".pyw", ".pyi"),
            grammar_module="tree_sitter_python",
            function_types=frozenset({"function_definition"}),
        ),
        Language(
            name="Ruby",
            aliases=("ruby", "rb"),
            extensions=(".rb", ".rake", ".gemspec"),
            grammar_module="tree_sitter_ruby",
            function_types=frozenset({"method", "singleton_method"}),
        ),
    )
}

LANGUAGE_NAMES: tuple[str, ...] = tuple(LANGUAGES)

_ALIASES: dict[str, str] = {
    spelling: lang.name
    for lang in LANGUAGES.values()
    for spelling in (lang.name.lower(), *lang.aliases)
}

_EXTENSIONS: dict[str, str] = {
    ext: lang.name for lang in LANGUAGES.values() for ext in lang.extensions if ext != ".h"
}

# A `.h` header is C unless its content shows a construct C does not have.
_CPP_HEADER_MARKERS = re.compile(
    rb"^\s*class\s+\w+\s*(?:final\s*)?[:{]"
    rb"|^\s*struct\s+\w+\s*(?:final\s*)?:[^:]"
    rb"|^\s*namespace\s+\w*\s*\{"
    rb"|^\s*template\s*<"
    rb"|\bstd::"
    rb"|^\s*(?:public|private|protected)\s*:"
    rb"|^\s*#\s*include\s*<(?:iostream|string|vector|map|memory|algorithm|cstdint|cstdio)>"
    rb"|^\s*using\s+namespace\b",
    re.MULTILINE,
)


def normalize_language(name: str) -> str:
    """Return the canonical spelling of a language name or alias (``C#`` -> ``CSharp``)."""
    canonical = _ALIASES.get(name.strip().lower())
    if canonical is None:
        raise UnknownLanguageError(
            f"unknown language {name!r}; expected one of {', '.join(LANGUAGE_NAMES)} "
            "or an alias such as C#, C++, js, py"
        )
    return canonical


def get_language(name: str) -> Language:
    """The :class:`Language` for a canonical name or any alias."""
    return LANGUAGES[normalize_language(name)]


def language_for_path(path: str | PurePath, content: bytes | str | None = None) -> str | None:
    """The language of a file from its extension, or ``None`` when it is not one of the 8.

    ``.h`` headers need the content to decide: they are C unless a C++-only construct
    (a class with a body, a namespace, a template, ``std::``) appears in them.
    """
    suffix = PurePath(path).suffix.lower()
    if suffix == ".h":
        if content is None:
            return "C"
        data = content.encode("utf-8", "replace") if isinstance(content, str) else content
        return "Cpp" if _CPP_HEADER_MARKERS.search(data) else "C"
    return _EXTENSIONS.get(suffix)
