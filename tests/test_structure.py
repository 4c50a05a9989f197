"""The library's shape: modules a reader can hold, and no import cycles.

An import is any ``import`` statement (functions included, ``if TYPE_CHECKING:`` excluded), a
literal ``importlib.import_module("...")``, and the registry's entry points (``sekit.checks``
loads each suite module that pyproject.toml lists)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

SEKIT = Path(__file__).resolve().parent.parent / "sekit"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SEKIT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in SEKIT.rglob("*.py")}


def imports_of(name: str, path: Path, *, typing: bool = False) -> set[str]:
    """The sekit modules a module imports, at any depth (functions included), outside
    ``if TYPE_CHECKING:`` unless ``typing``. ``from package import submodule`` counts as the
    submodule."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]

    def visit(node: ast.AST) -> None:
        if (
            not typing
            and isinstance(node, ast.If)
            and ast.unparse(node.test).endswith("TYPE_CHECKING")
        ):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            called = ast.unparse(node.func)
            target = node.args[0].value
            if called.endswith("import_module") and isinstance(target, str):
                found.add(target)
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                nested = f"{source}.{alias.name}"
                found.add(nested if nested in MODULES else source)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in MODULES and m != name}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def strong(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                strong(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            strong(node)
    return found


def entry_point_modules() -> set[str]:
    """The modules pyproject.toml lists in the ``sekit.suites`` entry-point group."""
    project = tomllib.loads((SEKIT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    points = project["project"]["entry-points"]["sekit.suites"]
    return {value.split(":")[0] for value in points.values()}


def graph(*, typing: bool = False) -> dict[str, set[str]]:
    found = {name: imports_of(name, path, typing=typing) for name, path in MODULES.items()}
    found["sekit.checks"] |= entry_point_modules()
    return found


def test_no_import_cycles() -> None:
    assert cycles(graph()) == []


def test_the_graph_follows_importlib_and_the_entry_points() -> None:
    edges = graph()
    assert "sekit.checks.data.suite" in edges["sekit.checks"]
    assert "sekit.checks.data.drift" in edges["sekit.checks.data.suite"]  # its list of checks
    assert "sekit.checks.model.behaviour.check" in edges["sekit.checks.model.suite"]


def test_the_cycle_finder_finds_one() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by concept"


def test_the_library_does_not_import_its_command_layer() -> None:
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        assert "sekit_cli" not in {
            alias.name.split(".")[0]
            for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (
                node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
            )
        }, name


def test_one_helper_suggests_a_name() -> None:
    """Every "did you mean" is :func:`sekit.errors.did_you_mean`: one wording, one cutoff
    default."""
    suggesting = sorted(
        name
        for name, path in MODULES.items()
        if "get_close_matches" in path.read_text(encoding="utf-8")
    )
    assert suggesting == ["sekit.errors"]
