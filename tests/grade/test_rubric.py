"""The built-in rubric: items declared beside their detectors, collected from SECTIONS, pinned
by a fingerprint that forces a version bump."""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

import sekit.grade.detectors as detectors
from sekit.doctables import rubric_table
from sekit.grade import grade
from sekit.grade.detectors import ITEMS, SECTIONS, Item, collect
from sekit.grade.render import to_html
from sekit.grade.rubric import (
    BUILTIN,
    RUBRIC_FINGERPRINT,
    RUBRIC_VERSION,
    Rubric,
    fingerprint,
)
from tests.grade.conftest import Repo

DETECTORS = Path(detectors.__file__).parent


def test_the_rubric_version_names_these_items() -> None:
    now = fingerprint(BUILTIN)
    assert now == RUBRIC_FINGERPRINT, (
        f"the built-in rubric's items changed (an id, section, title, points, detector or the "
        f"rule its docstring publishes), so grades under {RUBRIC_VERSION!r} are no longer "
        "comparable with new ones: bump RUBRIC_VERSION in sekit/grade/rubric.py (say why in its "
        f"comment) and set RUBRIC_FINGERPRINT = {now!r}; then run `python -m sekit_cli.docs` "
        "and `python -m sekit.doctables`"
    )


def _fragile(repo: object) -> object:
    """Another rule."""
    raise AssertionError


CHANGES = [
    ("id", {"id": "vcs.git2"}),
    ("section", {"section": "history"}),
    ("title", {"title": "a git repository"}),
    ("points", {"points": 4}),
    ("detector", {"detect": _fragile}),
]  # fmt: skip


@pytest.mark.parametrize(("part", "change"), CHANGES, ids=[c[0] for c in CHANGES])
def test_every_part_of_an_item_moves_the_fingerprint(part: str, change: dict[str, object]) -> None:
    changed = (replace(BUILTIN[0], **change), *BUILTIN[1:])  # type: ignore[arg-type]
    assert fingerprint(changed) != fingerprint(BUILTIN), part


def test_the_published_rule_moves_the_fingerprint() -> None:
    def git(repo: object) -> object:
        """A share per commit, full at four."""
        raise AssertionError

    git.__module__, git.__qualname__ = BUILTIN[0].detect.__module__, "git"
    changed = (replace(BUILTIN[0], detect=git), *BUILTIN[1:])  # type: ignore[arg-type]
    assert changed[0].detector == BUILTIN[0].detector
    assert fingerprint(changed) != fingerprint(BUILTIN)


def test_sections_take_every_declared_item_once_in_order() -> None:
    assert [i.id for i in BUILTIN] == list(ITEMS)
    sections = [s for s, _ in SECTIONS]
    assert [i.section for i in BUILTIN] == sorted((i.section for i in BUILTIN), key=sections.index)


def _declared(path: Path) -> list[str]:
    """The functions of a module decorated with ``@item(...)``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                call = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(call, ast.Name) and call.id == "item":
                    found.append(node.name)
    return found


def test_items_are_declared_only_beside_their_detectors() -> None:
    sekit = DETECTORS.parent.parent
    outside = [
        str(path.relative_to(sekit.parent))
        for path in sekit.rglob("*.py")
        if path.parent != DETECTORS and _declared(path)
    ]
    assert outside == []
    for module in {m for _, modules in SECTIONS for m in modules}:
        listed = [i.detect.__name__ for i in module.ITEMS]
        assert sorted(_declared(Path(module.__file__))) == sorted(listed), module.__name__


NEW_ITEM = '''
from sekit.grade.detectors.common import Outcome
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository


@item("ops.runbook", "operation", "a runbook for the on-call engineer", points=2)
def runbook(repo: Repository) -> Outcome:
    """A ``RUNBOOK.md`` that says what to do when an alert fires."""
    if "RUNBOOK.md" in repo.files:
        return Outcome("met", ["RUNBOOK.md"])
    return Outcome("missing", ["no RUNBOOK.md"])


ITEMS: tuple[Item, ...] = (runbook,)
'''


def _module(tmp_path: Path, name: str, text: str) -> ModuleType:
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def test_a_new_item_is_one_module_collected_rendered_and_graded(tmp_path: Path, repo: Repo) -> None:
    runbook = _module(tmp_path, "sekit_test_runbook", NEW_ITEM)
    try:
        sections = [
            (title, (*modules, runbook) if title == "operation" else modules)
            for title, modules in SECTIONS
        ]
        items = collect(sections)
    finally:
        del sys.modules["sekit_test_runbook"]
    end = 1 + max(n for n, i in enumerate(BUILTIN) if i.section == "operation")
    ids = [i.id for i in BUILTIN]
    assert [i.id for i in items] == [*ids[:end], "ops.runbook", *ids[end:]]
    assert fingerprint(items) != RUBRIC_FINGERPRINT  # the version must be bumped
    rubric = Rubric("course-2027.1", items)
    table = rubric_table(rubric)
    assert "| `ops.runbook` | operation | 2 | A ``RUNBOOK.md`` that says what to do" in table
    assert "60 items, 148 points" in table
    with_book = repo({"RUNBOOK.md": "# When the latency alert fires\n", "README.md": "# x\n"})
    without = repo({"README.md": "# x\n"})
    report = grade([with_book, without], rubric=rubric)
    found = [next(i for i in t.items if i.id == "ops.runbook") for t in report.teams]
    assert [(i.status, i.points, i.section) for i in found] == [
        ("met", 2, "operation"),
        ("missing", 0, "operation"),
    ]
    assert report.rubric_version == "course-2027.1"
    assert "a runbook for the on-call engineer" in to_html(report)


def _item(id: str, section: str) -> Item:
    return replace(ITEMS["vcs.git"], id=id, section=section)


def _holding(*items: Item) -> ModuleType:
    module = ModuleType("declared")
    module.ITEMS = items  # type: ignore[attr-defined]
    return module


TESTS_X, OPS_Y = _item("tests.x", "tests"), _item("ops.y", "operation")
MISTAKES = [
    ("in no section", [("tests", (_holding(TESTS_X, OPS_Y),))], "in no section: ops.y"),
    ("empty section", [("operation", (_holding(TESTS_X),))], "no item of section"),
    ("one id twice", [("tests", (_holding(TESTS_X), _holding(TESTS_X)))], "twice: tests.x"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "sections", "said"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_collecting_refuses_a_mistake_in_the_lists(
    case: str, sections: list[tuple[str, tuple[ModuleType, ...]]], said: str
) -> None:
    with pytest.raises(ValueError, match=said):
        collect(sections)
