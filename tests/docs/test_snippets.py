"""The plugin page (docs/howto/plugin.md) is not run: its code is the worked example
tests/plugins/sekit_privacy, which tests/checks/test_plugins.py installs and drives. This test
holds the page to the real API and to that example: every import on the page imports, every
class the page declares is the example's (same bases), and every keyword the page passes to
sekit's own constructors and functions is one they take."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "howto" / "plugin.md"
EXAMPLE = ROOT / "tests" / "plugins" / "sekit_privacy" / "src" / "sekit_privacy" / "__init__.py"
BLOCK = re.compile(r"^```python\s*$(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


def snippets() -> list[ast.Module]:
    return [ast.parse(block) for block in BLOCK.findall(PAGE.read_text(encoding="utf-8"))]


def imported(module: ast.Module) -> dict[str, Any]:
    names: dict[str, Any] = {}
    for node in ast.walk(module):
        if isinstance(node, ast.ImportFrom) and node.module:
            source = importlib.import_module(node.module)
            for alias in node.names:
                if not hasattr(source, alias.name):  # a submodule: sekit.report.svg
                    importlib.import_module(f"{node.module}.{alias.name}")
                assert hasattr(source, alias.name), f"{node.module} has no {alias.name}"
                names[alias.asname or alias.name] = getattr(source, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names[alias.asname or alias.name] = importlib.import_module(alias.name)
    return names


def test_the_page_imports_what_exists() -> None:
    for module in snippets():
        imported(module)


def test_the_page_declares_the_examples_classes() -> None:
    example = ast.parse(EXAMPLE.read_text(encoding="utf-8"))
    bases = {
        node.name: [ast.unparse(b) for b in node.bases]
        for node in example.body
        if isinstance(node, ast.ClassDef)
    }
    declared = [n for m in snippets() for n in m.body if isinstance(n, ast.ClassDef)]
    assert declared
    for node in declared:
        assert bases.get(node.name) == [ast.unparse(b) for b in node.bases], node.name


def test_every_keyword_on_the_page_is_taken() -> None:
    names: dict[str, Any] = {}
    for module in snippets():
        names |= imported(module)
    from sekit.report import svg

    names["svg"] = svg
    checked = 0
    for module in snippets():
        for call in (n for n in ast.walk(module) if isinstance(n, ast.Call)):
            target = ast.unparse(call.func)
            head, _, attribute = target.partition(".")
            found = names.get(head)
            if found is not None and attribute:
                found = getattr(found, attribute, None)
            if found is None or not callable(found) or not call.keywords:
                continue
            parameters = inspect.signature(found).parameters
            takes_any = any(p.kind is p.VAR_KEYWORD for p in parameters.values())
            for keyword in call.keywords:
                if keyword.arg is not None and not takes_any:
                    assert keyword.arg in parameters, f"{target} takes no {keyword.arg}="
                    checked += 1
    assert checked >= 15
