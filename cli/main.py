"""The ``sekit`` console script.

``sekit --help`` and ``sekit --version`` are answered from static text without importing click
(which alone costs about four times Python's own start-up); ``tests/cli/test_help.py`` keeps the
static text identical to what click renders. Everything else goes through :mod:`sekit_cli.app`.
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
    from sekit_cli.app import cli

    return cli.main(args, prog_name="sekit")


if __name__ == "__main__":
    raise SystemExit(main())
