"""``--config FILE`` on every pipeline command: a YAML or TOML file of the command's options.

The file sets options by name (``max_pairs: 4`` or ``max-pairs: 4``; positional arguments
by their name too, e.g. ``pairs: [a.parquet]``) and the command line overrides it. It is
read by an eager option that fills click's ``default_map`` before any other parameter is
processed, so the precedence is click's own: a flag given on the command line, then its
environment variable, then the file, then the default (``ctx.get_parameter_source`` tells
which one a value came from). Each value is converted by the option's own type when the
file is read, so a wrong type is reported with the file and the key, as is an unknown key;
the error reaches the user as one line through :mod:`pipelines.errors` (exit 2).

A command whose typed config has fields without a flag (``train``: ``TrainConfig``'s
``epochs``, ``loss``...) names that dataclass; such keys are checked against its field
types (:func:`pipelines.config.from_dict`) and handed to the command by :func:`file_fields`.

Secrets are never read from a config file (config files are committed, copied and
printed): a credential key is refused, naming the environment variable to use instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer import _click

from curation.credentials import is_credential_key
from pipelines.config import ConfigError, from_dict, read_config_file

FIELDS_KEY = "codepref.config_file.fields"
FieldsSpec = type | Callable[[], type] | None
CONFIG_HELP = "YAML/TOML file of this command's options by name; flags given here override it."


def apply_config_file(
    ctx: typer.Context, path: Path | None, fields: FieldsSpec = None
) -> dict[str, Any]:
    """Read ``path`` into ``ctx.default_map`` (the values of the command's parameters that
    the command line does not give) and return the keys that are fields of ``fields``."""
    if path is None:
        return {}
    data = read_config_file(path)
    if fields is not None and not isinstance(fields, type):
        fields = fields()
    params = _by_key(ctx.command)
    known_fields = set() if fields is None else {f.name for f in dataclasses.fields(fields)}
    defaults: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for raw_key, value in data.items():
        key = str(raw_key).replace("-", "_")
        if is_credential_key(key):
            raise ConfigError(
                f"{path}: {raw_key} is a credential and is not read from a config file "
                "(config files are shared and committed); set it in the environment "
                "(e.g. CODEPREF_JUDGE_API_KEY) instead"
            )
        param = params.get(key)
        if param is not None:
            defaults[str(param.name)] = _checked(ctx, param, value, f"{path}: {raw_key}")
        elif key in known_fields:
            extra[key] = value
        else:
            known = sorted(set(params) | known_fields)
            raise ConfigError(
                f"{path}: unknown key {raw_key!r} for `{ctx.command_path}`; known: "
                f"{', '.join(known)}"
            )
    if extra and fields is not None:
        from_dict(fields, extra, str(path))  # unknown nested keys and wrong types
    ctx.default_map = {**(ctx.default_map or {}), **defaults}
    ctx.meta[FIELDS_KEY] = extra
    return extra


def _by_key(command: _click.Command) -> dict[str, _click.Parameter]:
    """The command's parameters by the key a file names them with: an option by its long
    name (``--max-pairs`` -> ``max_pairs``, ``--sandbox`` whatever the Python name), an
    argument by its name (``pairs``)."""
    keys: dict[str, _click.Parameter] = {}
    for param in command.params:
        long = [opt for opt in param.opts if opt.startswith("--")]
        names = [opt[2:].replace("-", "_") for opt in long] or [str(param.name)]
        for name in names:
            if name != "config":
                keys[name] = param
    return keys


def _checked(ctx: _click.Context, param: _click.Parameter, value: Any, where: str) -> Any:
    """``value`` in the shape the parameter takes, after its own type accepted it."""
    many = param.multiple or param.nargs == -1
    if many and not isinstance(value, list | tuple):
        value = [value]
    elif not many and isinstance(value, list | tuple | dict):
        raise ConfigError(f"{where}: expected one value, got a {type(value).__name__}")
    try:  # typer's own conversion of the parameter, as for a value typed on the line
        param.get_runtime_param().coerce(value, param=param, ctx=ctx)  # type: ignore[attr-defined]
    except _click.exceptions.BadParameter as error:
        raise ConfigError(f"{where}: {error.format_message()}") from None
    return value


def file_fields(ctx: typer.Context) -> dict[str, Any]:
    """The keys of the ``--config`` file that are config fields without a flag."""
    return dict(ctx.meta.get(FIELDS_KEY, {}))


def config_file_option(fields: FieldsSpec = None) -> Any:
    """The ``--config`` option; ``fields``: the command's typed config (or a function
    that imports it, when importing it is slow), whose fields without a flag the file may
    set too (read them with :func:`file_fields`)."""

    def callback(ctx: typer.Context, value: Path | None) -> Path | None:
        apply_config_file(ctx, value, fields)
        return value

    return typer.Option(
        "--config", is_eager=True, callback=callback, dir_okay=False, help=CONFIG_HELP
    )


ConfigFileOption = Annotated[Path | None, config_file_option()]
