"""The benchmarks import sekit's insides (a check's function, a suite's specs) and run only when
someone measures: a refactor that moves a name breaks them silently. Every ``from sekit... import
name`` in ``benchmarks/`` must resolve (imported here, nothing is run)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _imports() -> list[tuple[str, str, str | None]]:
    found: list[tuple[str, str, str | None]] = []
    for path in sorted(BENCHMARKS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sekit"):
                found += [(path.name, node.module or "", a.name) for a in node.names]
            elif isinstance(node, ast.Import):
                found += [
                    (path.name, a.name, None) for a in node.names if a.name.startswith("sekit")
                ]
    return found


def test_the_benchmarks_import_sekit() -> None:
    assert len(_imports()) > 20  # the scan sees the benchmarks' imports


@pytest.mark.parametrize(("benchmark", "module", "name"), _imports())
def test_every_name_a_benchmark_imports_exists(
    benchmark: str, module: str, name: str | None
) -> None:
    imported = importlib.import_module(module)
    if name is not None and not hasattr(imported, name):
        importlib.import_module(f"{module}.{name}")  # a submodule, or ModuleNotFoundError
