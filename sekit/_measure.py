"""Run a command, wait for it with ``wait4`` and write what it used (``sekit.processes.measured``).

    python -I -S _measure.py REPORT COMMAND...

Standalone (no sekit import, no site packages): the command is forked from this small
interpreter, so its peak resident set is its own. The exit code is the command's (128 + the
signal when a signal ended it).
"""

import json
import os
import subprocess
import sys
from pathlib import Path


def main() -> int:
    report, argv = sys.argv[1], sys.argv[2:]
    try:
        child = subprocess.Popen(argv)
    except OSError as error:
        print(f"cannot run {argv[0]}: {error}", file=sys.stderr)
        return 127
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = 0  # reaped here; Popen must not wait for it again
    with Path(report).open("w", encoding="utf-8") as handle:
        json.dump(
            {
                "cpu_seconds": usage.ru_utime + usage.ru_stime,
                "peak_rss_bytes": usage.ru_maxrss * 1024,  # Linux reports KiB
            },
            handle,
        )
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
