"""``python -m sekit`` runs the command-line interface.

The library does not import its command layer: the interface is found as the installed
``sekit`` console script (the entry point that ``pip install`` registered), so ``sekit/`` never
depends on ``sekit_cli`` at import time.
"""

from __future__ import annotations

import sys
from importlib.metadata import entry_points


def main() -> int:
    found = entry_points(group="console_scripts", name="sekit")
    if not found:
        sys.stderr.write(
            "sekit: the command-line interface is not installed (pip install sekit-ml)\n"
        )
        return 2
    command = next(iter(found)).load()
    return int(command() or 0)


if __name__ == "__main__":
    raise SystemExit(main())
