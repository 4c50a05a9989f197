"""The package layout: setuptools' package list, and the library/command-layer boundary."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_folder_is_listed_in_pyproject() -> None:
    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    on_disk = set()
    for top, name in (("sekit", "sekit"), ("cli", "sekit_cli")):
        for init in (ROOT / top).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / top)
            parts = [name, *relative.parts] if relative.parts else [name]
            if "templates" not in parts:
                on_disk.add(".".join(parts))
    assert on_disk == listed


def test_the_library_never_imports_click_or_rich() -> None:
    offenders = []
    for path in (ROOT / "sekit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            # `python -m sekit` (sekit/__main__.py) is the one bridge to the command layer.
            banned = {"click", "rich"} | ({"sekit_cli"} if path.name != "__main__.py" else set())
            offenders += [
                f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in banned
            ]
    assert offenders == []
