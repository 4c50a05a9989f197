"""Options every command shares, so they are spelled and documented the same everywhere."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

RESULT_FORMATS = ("table", "json", "markdown")


def config_option(func: F) -> F:
    return click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path),
        default=None,
        metavar="PATH",
        help="Config file or project folder (default: sekit.toml, else [tool.sekit] in "
        "pyproject.toml, searched upward from here).",
    )(func)


def quiet_option(func: F) -> F:
    return click.option(
        "--quiet", "-q", is_flag=True, help="Print only errors and the final result."
    )(func)


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices or RESULT_FORMATS),
            default=default,
            show_default=True,
            help="Output format.",
        )(func)

    return decorate
