"""Consoles that honour NO_COLOR, non-terminal output and --quiet."""

from __future__ import annotations

import os
import sys

from rich.console import Console
from rich.theme import Theme

THEME = Theme(
    {
        "pass": "bold green",
        "warn": "bold yellow",
        "fail": "bold red",
        "error": "bold magenta",
        "skipped": "dim",
        "info": "cyan",
        "muted": "dim",
        "metric": "cyan",
    }
)


def console(*, stderr: bool = False) -> Console:
    """A rich console on stdout (results) or stderr (progress and messages).

    Colour is off when ``NO_COLOR`` is set or the stream is not a terminal (rich decides both);
    a non-terminal gets a generous width so that CI logs do not wrap tables.
    """
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else int(os.environ.get("COLUMNS", "120"))
    return Console(file=stream, theme=THEME, highlight=False, width=width)
