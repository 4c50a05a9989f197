"""``sekit config validate`` and ``sekit config schema``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sekit_cli.options import config_option, format_option, quiet_option


@click.group(short_help="Validate the config or print its schema.")
def config() -> None:
    """Validate sekit.toml (or [tool.sekit] in pyproject.toml), or print its JSON Schema.

    \b
    Examples:
      sekit config validate
      sekit config validate --config other/sekit.toml --format json
      sekit config schema > sekit.schema.json
    """


@config.command(short_help="Check a config: syntax, keys, values and files.")
@click.option(
    "--no-files",
    is_flag=True,
    help="Do not require the files the config names to exist yet (for a fresh "
    "checkout, before the pipeline has produced data and model).",
)
@format_option("table", "json")
@config_option
@quiet_option
def validate(no_files: bool, fmt: str, config_path: Path | None, quiet: bool) -> int:
    """Check the config: TOML syntax, known keys, value types, and named files.

    Exit code 0 when it is valid, 2 with one line per problem otherwise.

    \b
    Examples:
      sekit config validate
      sekit config validate --no-files   # in pre-commit, before data exists
    """
    from sekit.config.files import missing_files
    from sekit.config.loader import load_config
    from sekit.errors import ConfigError
    from sekit.runner import check_settings

    loaded = load_config(config_path)
    check_settings(loaded)  # the kinds and check ids it names exist in the installed suites
    problems = [] if no_files else missing_files(loaded)
    if problems:
        raise ConfigError(problems)
    configured = [
        name for name in ("data", "model", "service") if getattr(loaded, name) is not None
    ]
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "valid": True,
                    "path": str(loaded.source),
                    "sections": configured,
                    "gates": list(loaded.gates),
                },
                indent=2,
            )
        )
    elif not quiet:
        sections = ", ".join(f"[{s}]" for s in configured) or "no check sections"
        click.echo(f"{loaded.source}: valid ({sections}; {len(loaded.gates)} gates)")
    return 0


@config.command(short_help="Print the config's JSON Schema.")
def schema() -> int:
    """Print the JSON Schema of sekit.toml, for editors (e.g. Taplo / Even Better TOML).

    \b
    Example:
      sekit config schema > .sekit.schema.json
    """
    from sekit.config.files import json_schema

    click.echo(json.dumps(json_schema(), indent=2))
    return 0
