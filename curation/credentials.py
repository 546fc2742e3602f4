"""Credentials that are used but never written: API keys, Hub tokens, passwords.

A :class:`Secret` holds its value in the process that was given it and shows ``***``
everywhere else: ``repr``/``str`` (error messages, config dumps), JSON (datatrove's
``executor.json`` falls back to ``str``) and pickles (Slurm's ``executor.pik``, Ray and
multiprocessing workers). A pickled secret carries only the *name* of the environment
variable it resolves from, so a worker reads the value from its own environment; a value
given on the command line is exported under that name first (:meth:`Secret.export`), which
local, Slurm (``--export=ALL``) and Ray workers inherit.

:func:`redact` blanks credential-like keys of any config or summary before it is written,
and importing this module installs a loguru patcher that masks every secret value this
process has seen, in every log line (datatrove's task logs included).
"""

from __future__ import annotations

import dataclasses
import os
import re
from typing import Any

from loguru import logger

MASK = "***"

# Keys whose values are credentials, whatever the config they sit in.
CREDENTIAL_KEY = re.compile(
    r"(api[_-]?key|token|secret|password|passwd|credential|authorization|private[_-]?key)",
    re.IGNORECASE,
)
# Counters that merely mention tokens (prompt_tokens, max_tokens) are not credentials, nor
# is a choice of what to do with secrets (secret_policy: drop or redact).
_NOT_CREDENTIAL = re.compile(
    r"tokens\b|tokens_|token_count|_tokens$|tokenizer|_policy$", re.IGNORECASE
)

# Values known in this process; log lines and error texts are scrubbed of them.
_KNOWN: set[str] = set()
# Names of the variables secrets were exported under (for executors that start workers
# elsewhere, such as a Ray cluster, and must hand them the variables explicitly).
_EXPORTED: set[str] = set()
# Shorter values would mask ordinary words; real keys and tokens are far longer.
_MIN_MASKED_LENGTH = 6


def _remember(value: str) -> None:
    if len(value) >= _MIN_MASKED_LENGTH:
        _KNOWN.add(value)


def mask(text: str) -> str:
    """``text`` with every secret value this process knows replaced by ``***``."""
    for value in sorted(_KNOWN, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    return text


class Secret:
    """A credential resolved from ``env`` (or the value given here), shown as ``***``."""

    __slots__ = ("_value", "env")

    def __init__(self, value: str | None = None, env: str = "") -> None:
        self.env = env
        self._value = value or None
        if self._value is not None:
            _remember(self._value)

    @classmethod
    def from_env(cls, *names: str) -> Secret | None:
        """The secret in the first set variable of ``names``, or None."""
        for name in names:
            if os.environ.get(name):
                return cls(os.environ[name], env=name)
        return None

    @classmethod
    def coerce(cls, value: Secret | str | None, env: str) -> Secret | None:
        """A config field's value as a Secret (a plain string resolves from ``env``)."""
        if value is None or isinstance(value, Secret):
            return value
        return cls(str(value), env=env)

    def reveal(self) -> str | None:
        """The value itself: only for the request header or client that needs it."""
        value = self._value or (os.environ.get(self.env) if self.env else None)
        if value:
            _remember(value)
        return value

    def export(self) -> None:
        """Put the value in this process's environment under ``env``, so that workers
        started from here (local pools, sbatch, Ray) resolve the unpickled secret."""
        if self._value and self.env:
            os.environ[self.env] = self._value
            _EXPORTED.add(self.env)

    def __bool__(self) -> bool:
        return bool(self.reveal())

    def __repr__(self) -> str:
        return f"Secret(env={self.env!r}, value={MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Secret) and self.env == other.env and self.reveal() == other.reveal()
        )

    def __hash__(self) -> int:
        return hash(self.env)

    def __reduce__(self) -> tuple[type[Secret], tuple[None, str]]:
        # Only the variable's name crosses a process or file boundary, never the value.
        return (Secret, (None, self.env))

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        # dataclasses.asdict deep-copies fields; in-process copies keep the value.
        return Secret(self._value, self.env)


def exported_environment() -> dict[str, str]:
    """The variables secrets were exported under, with their values: for a Ray
    ``runtime_env`` (held by the cluster in memory, never written under ``--out``)."""
    return {name: os.environ[name] for name in sorted(_EXPORTED) if os.environ.get(name)}


def is_credential_key(key: str) -> bool:
    return bool(CREDENTIAL_KEY.search(key)) and not _NOT_CREDENTIAL.search(key)


def redact(value: Any) -> Any:
    """A JSON-ready copy of ``value`` (dicts, lists, dataclasses) with every Secret and
    every non-empty value under a credential-like key replaced by ``***``."""
    if isinstance(value, Secret):
        return MASK
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {
            key: (MASK if value_ and is_credential_key(str(key)) else redact(value_))
            for key, value_ in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return mask(value)
    return value


def _mask_record(record: dict[str, Any]) -> None:
    if _KNOWN:
        record["message"] = mask(record["message"])
        if record["exception"] is not None:
            # The traceback text is rendered later; scrub the exception's message now.
            error = record["exception"].value
            if error is not None and error.args:
                error.args = tuple(mask(a) if isinstance(a, str) else a for a in error.args)


logger.configure(patcher=_mask_record)
