"""Shared by the benchmarks: machine facts and writing results to benchmarks/results/."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "executable": sys.executable,
    }


def record(name: str, numbers: dict[str, Any]) -> Path:
    """Write ``results/<name>.json`` with the numbers, the machine and the date."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    document = {
        "benchmark": name,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        **numbers,
    }
    path.write_text(json.dumps(document, indent=2) + "\n")
    return path
