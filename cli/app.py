"""The click application: a lazily loading command group and the one error handler.

Subcommands are imported only when they run, so ``sekit check --help`` never pays for
``sekit grade``'s imports. Errors map to exit codes in exactly one place, :meth:`SekitGroup.main`:
a :class:`~sekit.errors.SekitError` prints one line and exits with its code (2), click's usage
errors exit 2, Ctrl-C exits 130, and anything else is an internal error (3) whose traceback is
shown only with ``--debug`` (or ``SEKIT_DEBUG=1``).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

import click

from sekit import __version__
from sekit.errors import SekitError

# name -> (module, attribute, short help). The short help is shown by `sekit --help` without
# importing the module; tests/cli/test_help.py checks it matches the command's own.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "new": ("sekit_cli.commands.new", "new", "Scaffold a team project."),
    "init": ("sekit_cli.commands.init", "init", "Add sekit to an existing repository."),
    "check": (
        "sekit_cli.commands.check",
        "check",
        "Run the checks of every configured suite, or of one.",
    ),
    "gate": ("sekit_cli.commands.gate", "gate", "Run the checks and block or pass a deployment."),
    "report": ("sekit_cli.commands.report", "report", "Render a saved report."),
    "grade": ("sekit_cli.commands.grade", "grade", "Grade team repositories for readiness."),
    "config": ("sekit_cli.commands.config", "config", "Validate the config or print its schema."),
    "explain": ("sekit_cli.commands.explain", "explain", "Explain a finding kind or metric."),
    "up": ("sekit_cli.commands.up", "up", "Run the system's services here, without Docker."),
    "trace": ("sekit_cli.commands.trace", "trace", "Where one served answer came from."),
    "retrain": (
        "sekit_cli.commands.retrain",
        "retrain",
        "Retrain on feedback when due; promote what passes.",
    ),
    "exercise": (
        "sekit_cli.commands.exercise",
        "exercise",
        "Hands-on exercises on broken projects.",
    ),
    "completion": (
        "sekit_cli.commands.completion",
        "completion",
        "Print the shell completion script.",
    ),
}

CONTEXT_SETTINGS: dict[str, Any] = {
    "help_option_names": ["-h", "--help"],
    # Help is rendered at a fixed width so that the static `sekit --help` text stays exact.
    "terminal_width": 80,
    "max_content_width": 80,
}


def _debug_requested(args: Sequence[str]) -> bool:
    return "--debug" in args or os.environ.get("SEKIT_DEBUG", "") not in ("", "0")


def fail(message: str, code: int) -> NoReturn:
    click.echo(f"sekit: error: {message}", err=True)
    sys.exit(code)


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[None]:
    """SIGTERM (a CI runner cancelling the job) unwinds like Ctrl-C, so services and load
    generators are stopped on the way out instead of being orphaned."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def _terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class SekitGroup(click.Group):
    """A group that loads commands lazily and maps every error to an exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, short) for name, (_, _, short) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> NoReturn:
        argv = list(sys.argv[1:] if args is None else args)
        try:
            with _sigterm_unwinds():
                result = super().main(
                    argv,
                    prog_name=prog_name or "sekit",
                    complete_var=complete_var,
                    standalone_mode=False,
                    **extra,
                )
            code = result if isinstance(result, int) else 0
        except SekitError as exc:
            for line in str(exc).splitlines() or [""]:
                click.echo(f"sekit: error: {line}", err=True)
            if exc.details and _debug_requested(argv):
                click.echo(exc.details.rstrip("\n"), err=True)
            code = exc.exit_code
        except click.ClickException as exc:
            exc.show()
            code = exc.exit_code
        except (KeyboardInterrupt, click.Abort):
            click.echo("\nsekit: interrupted", err=True)
            code = 130
        except BrokenPipeError:
            # The reader went away (`sekit report | head`): stop quietly.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            code = 1
        except Exception as exc:
            if _debug_requested(argv):
                traceback.print_exc()
            click.echo(f"sekit: internal error: {type(exc).__name__}: {exc}", err=True)
            if not _debug_requested(argv):
                click.echo(
                    "(this is a bug in sekit; rerun with --debug for the traceback and report it)",
                    err=True,
                )
            code = 3
        sys.exit(code)


@click.group(name="sekit", cls=SekitGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="sekit", message="%(prog)s %(version)s")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def cli(debug: bool) -> None:
    """Scaffold, check, gate and grade ML-enabled software projects.

    sekit tests the data, the model and the service of a team project, blocks a
    deployment in CI when a check fails or a metric misses its bound, and writes the
    readiness reports that instructors grade from.

    \b
    Examples:
      sekit check data              # data tests on the configured datasets
      sekit gate                    # run all checks, evaluate [gates], exit 1 to block
      sekit report --format markdown

    \b
    Exit codes: 0 passed, 1 a check failed or a gate blocked, 2 usage, config or
    input error, 3 internal error, 130 interrupted.
    Shell completion: eval "$(sekit completion bash)"  (or zsh, fish).
    """
    if debug:
        os.environ["SEKIT_DEBUG"] = "1"
