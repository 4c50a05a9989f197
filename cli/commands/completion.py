"""``sekit completion SHELL``."""

from __future__ import annotations

import click


@click.command(short_help="Print the shell completion script.")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> int:
    """Print the completion script for SHELL; load it from your shell's startup file.

    \b
    Examples:
      eval "$(sekit completion bash)"     # in ~/.bashrc
      eval "$(sekit completion zsh)"      # in ~/.zshrc
      sekit completion fish > ~/.config/fish/completions/sekit.fish
    """
    from click.shell_completion import get_completion_class

    from sekit_cli.app import cli

    completer = get_completion_class(shell)
    assert completer is not None  # click ships bash, zsh and fish
    click.echo(completer(cli, {}, "sekit", "_SEKIT_COMPLETE").source())
    return 0
