"""Tree-sitter mutation operators for the 8 languages, and mutant generation."""

from __future__ import annotations

from curation.mutation.mutants import Mutant, find_sites, generate_mutants
from curation.mutation.operators import GRAMMARS, OPERATORS, Site

__all__ = ["GRAMMARS", "OPERATORS", "Mutant", "Site", "find_sites", "generate_mutants"]
