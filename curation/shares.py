"""Shares written on a command line as ``"a,b,c"``: one number per named part, in order.

System-prompt modes and dataset splits are both given this way; one parser gives both the
same error messages.
"""

from __future__ import annotations


def parse_shares(text: str, names: tuple[str, ...], what: str) -> tuple[float, ...]:
    """The numbers of ``text``, one per name (``what`` names them in errors)."""
    parts = [part.strip() for part in text.split(",")]
    if len(parts) != len(names):
        raise ValueError(f"expected {len(names)} {what} {','.join(names)}; got {text!r}")
    try:
        return tuple(float(part) for part in parts)
    except ValueError as error:
        raise ValueError(f"{what} must be numbers: {text!r}") from error
