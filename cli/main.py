"""The ``sekit`` console script.

``sekit --help`` and ``sekit --version`` are answered from static text without importing click
(which alone costs about four times Python's own start-up); ``tests/cli/test_help.py`` keeps the
static text identical to what click renders. ``sekit check --help`` is kept in a cache after its
first run (:mod:`sekit_cli._cached_help`). Everything else goes through :mod:`sekit_cli.app`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--help"], ["-h"]):
        from sekit_cli._help import TOP_LEVEL_HELP

        sys.stdout.write(TOP_LEVEL_HELP)
        return 0
    if args == ["--version"]:
        from sekit import __version__

        sys.stdout.write(f"sekit {__version__}\n")
        return 0
    if args in (["check", "--help"], ["check", "-h"]):
        return _check_help(args)
    from sekit_cli.app import cli

    return cli.main(args, prog_name="sekit")


def _check_help(args: list[str]) -> int:
    """``sekit check --help`` from the cache, else rendered by click and kept
    (:mod:`sekit_cli._cached_help`)."""
    import contextlib
    import io

    from sekit_cli import _cached_help

    kept = _cached_help.read(args)
    if kept is not None:
        sys.stdout.write(kept)
        return 0
    from sekit_cli.app import cli

    rendered = io.StringIO()
    with contextlib.redirect_stdout(rendered):
        try:
            cli.main(args, prog_name="sekit")
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    sys.stdout.write(rendered.getvalue())
    if code == 0:
        _cached_help.keep(args, rendered.getvalue())
    return code


if __name__ == "__main__":
    raise SystemExit(main())
