"""The aspect term lists, one ``<Aspect>.txt`` per aspect (a package so that they ship)."""

from __future__ import annotations
