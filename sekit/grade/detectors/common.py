"""What the rubric's detectors share: the outcome type, the team's tests and sources, template
text, and the pipeline and CI files, each computed once per repository."""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

from sekit.grade.model import ItemStatus
from sekit.grade.repository import Repository
from sekit.scaffold import COMMIT_SUBJECT, TODO_MARKER

TEMPLATE_MARKERS = (TODO_MARKER, "lorem ipsum", "Member 1", "{{ ")
OWN_WORDS = 40
CREDIT = {"met": 1.0, "partial": 0.5}


@dataclass(frozen=True)
class Outcome:
    """What a detector found: a status, its evidence, and the share of the item's points.

    ``credit`` defaults to the status (met 1, partial 0.5, otherwise 0); a detector that
    measures something continuous (tests written, lint findings per line) sets it, so that
    every real step a team takes moves the grade.
    """

    status: ItemStatus
    evidence: list[str] = field(default_factory=list)
    credit: float | None = None
    parts: dict[str, tuple[float, float]] = field(default_factory=dict)
    """For an item made of independent parts (an image and its orchestration): part ->
    (weight, share found). A team of several repositories earns each part where it is."""

    @property
    def share(self) -> float:
        if self.status in ("missing", "template", "not_assessed"):
            return 0.0
        if self.credit is None:
            return CREDIT.get(self.status, 0.0)
        return round(min(1.0, max(0.0, self.credit)), 3)


def scaled(share: float, evidence: list[str], *, met_at: float = 1.0) -> Outcome:
    """An outcome from a continuous measure: full credit (met) from ``met_at`` on, a
    proportional share below it (partial), nothing at 0 (missing)."""
    share = round(max(0.0, min(1.0, share / met_at)), 3)
    status: ItemStatus = "met" if share >= 1.0 else "partial" if share > 0 else "missing"
    return Outcome(status, evidence, share)


def from_parts(found: dict[str, tuple[float, bool]], evidence: list[str], missing: str) -> Outcome:
    """An item whose share is the sum of the weights of the parts found (see ``parts``)."""
    if not evidence:
        evidence = [missing]
    outcome = scaled(sum(weight for weight, present in found.values() if present), evidence)
    parts = {name: (weight, float(present)) for name, (weight, present) in found.items()}
    return Outcome(outcome.status, outcome.evidence, outcome.credit, parts)


def from_shares(
    found: dict[str, tuple[float, float]], evidence: list[str], missing: str
) -> Outcome:
    """Like :func:`from_parts`, each part found in a share (0-1) rather than all or nothing."""
    outcome = scaled(sum(weight * share for weight, share in found.values()), evidence or [missing])
    return Outcome(outcome.status, outcome.evidence, outcome.credit, dict(found))


def _cache(repo: Repository) -> dict[str, Any]:
    cache: dict[str, Any] = repo.__dict__.setdefault("_detector_cache", {})
    return cache


# --- the team's tests and code -------------------------------------------------------------

TEST_GLOBS = ("*tests/*.py", "*test/*.py", "*test_*.py", "*_test.py", "*tests/**/*.py")


def tests(repo: Repository) -> list[str]:
    cache = _cache(repo)
    if "tests" not in cache:
        cache["tests"] = sorted(
            set(repo.matching(TEST_GLOBS))
            - {f for f in repo.files if f.rsplit("/", 1)[-1] in ("conftest.py", "__init__.py")}
        )
    found: list[str] = cache["tests"]
    return found


def sources(repo: Repository) -> list[str]:
    cache = _cache(repo)
    if "sources" not in cache:
        test_files = set(tests(repo))
        cache["sources"] = [
            f
            for f in repo.files
            if f.endswith(".py") and f not in test_files and "conftest" not in f
        ]
    found: list[str] = cache["sources"]
    return found


def non_test(repo: Repository) -> tuple[str, ...]:
    return tuple(sources(repo)) or ("*.py",)


@dataclass(frozen=True)
class TestFunction:
    """One test function, read from its syntax tree."""

    path: str
    name: str
    line: int
    node: ast.FunctionDef | ast.AsyncFunctionDef
    skipped: str | None  # "skip: reason", "xfail: reason" or None

    def __str__(self) -> str:
        return f"{self.path}::{self.name}"


def test_functions(repo: Repository) -> list[TestFunction]:
    cache = _cache(repo)
    if "test_functions" not in cache:
        found: list[TestFunction] = []
        for relative in tests(repo):
            tree = repo.python(relative)
            for node in ast.walk(tree) if tree is not None else ():
                if isinstance(
                    node, ast.FunctionDef | ast.AsyncFunctionDef
                ) and node.name.startswith("test"):
                    found.append(
                        TestFunction(relative, node.name, node.lineno, node, _skipped(node))
                    )
        cache["test_functions"] = found
    functions: list[TestFunction] = cache["test_functions"]
    return functions


def _skipped(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    for decorator in node.decorator_list:
        text = ast.unparse(decorator)
        match = re.search(r"\bmark\.(skip|skipif|xfail)\b", text)
        if match:
            why = re.search(r"reason\s*=\s*(['\"])(.*?)\1", text)
            return f"{match.group(1)}: {why.group(2) if why else text[:60]}"
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call):
            name = ast.unparse(inner.func)
            if name in ("pytest.skip", "pytest.xfail", "skip", "xfail") and inner.args:
                first = inner.args[0]
                reason = str(first.value) if isinstance(first, ast.Constant) else ast.unparse(first)
                kind = name.rsplit(".", 1)[-1]
                return f"{kind}{' (conditional)' if _guarded(node, inner) else ''}: {reason}"
    return None


def _guarded(function: ast.AST, call: ast.Call) -> bool:
    """Whether a skip call sits inside an ``if`` (a conditional skip, not always skipped)."""
    for node in ast.walk(function):
        if isinstance(node, ast.If | ast.Try) and any(inner is call for inner in ast.walk(node)):
            return True
    return False


def names_in(node: ast.AST) -> set[str]:
    """Every attribute, function and variable name used in a node."""
    found: set[str] = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.Attribute):
            found.add(inner.attr)
        elif isinstance(inner, ast.Name):
            found.add(inner.id)
        elif isinstance(inner, ast.arg):
            found.add(inner.arg)
    return found


def calls_in(node: ast.AST) -> list[str]:
    """The final name of every call in a node (``df.isnull()`` gives ``isnull``)."""
    found: list[str] = []
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call):
            func = inner.func
            if isinstance(func, ast.Attribute):
                found.append(func.attr)
            elif isinstance(func, ast.Name):
                found.append(func.id)
    return found


def asserts(node: ast.AST) -> bool:
    """Whether a test checks something: ``assert``, ``pytest.raises``, ``assert_*`` calls."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Assert):
            return True
        if isinstance(inner, ast.Raise) and "AssertionError" in ast.unparse(inner):
            return True
        if isinstance(inner, ast.Call):
            name = ast.unparse(inner.func)
            if re.search(r"(^|\.)(assert\w*|raises|approx|fail)$", name):
                return True
    return False


# --- template text ------------------------------------------------------------------------


def unfilled(repo: Repository, relative: str) -> str | None:
    """Why a document counts as template text, or None.

    A placeholder left in it, or, when the project started from ``sekit new``, fewer than
    :data:`OWN_WORDS` words of the team's own since then (deleting the placeholders of the
    generated text is not filling it in).
    """
    text = repo.text(relative) or ""
    for marker in TEMPLATE_MARKERS:
        if marker in text:
            line = next(i for i, row in enumerate(text.splitlines(), 1) if marker in row)
            return f"{relative}:{line}: still holds the placeholder {marker!r}"
    generated = scaffolded(repo, relative)
    if generated is not None:
        before = {line.strip() for line in generated.splitlines()}
        own = sum(
            len(line.split())
            for line in text.splitlines()
            if line.strip() and line.strip() not in before
        )
        if own < OWN_WORDS:
            return (
                f"{relative}: {own} words of the team's own since `sekit new` generated "
                f"it (at least {OWN_WORDS} expected)"
            )
    return None


def scaffold_commit(repo: Repository) -> str | None:
    """The first commit made by ``sekit new``, when the history starts from the scaffold."""
    cache = _cache(repo)
    if "scaffold" not in cache:
        found = [c.sha for c in repo.commits if c.subject == COMMIT_SUBJECT]
        cache["scaffold"] = found[-1] if found else None
    sha: str | None = cache["scaffold"]
    return sha


def scaffolded(repo: Repository, relative: str) -> str | None:
    """The file as ``sekit new`` wrote it, when the history starts from the scaffold."""
    sha = scaffold_commit(repo)
    if sha is None or repo.history is None:
        return None
    data = repo.history.read(sha, relative)
    return None if data is None else data.decode("utf-8", errors="replace")


def pyproject(repo: Repository) -> dict[str, Any]:
    cache = _cache(repo)
    if "pyproject" not in cache:
        text = repo.text("pyproject.toml") if "pyproject.toml" in repo.files else None
        try:
            cache["pyproject"] = tomllib.loads(text) if text else {}
        except tomllib.TOMLDecodeError:
            cache["pyproject"] = {}
    data: dict[str, Any] = cache["pyproject"]
    return data


def yaml_documents(repo: Repository, relative: str) -> list[Any]:
    """The YAML documents of a file (``yaml.safe_load_all``: data only), or []."""
    import yaml

    cache = _cache(repo)
    key = f"yaml:{relative}"
    if key not in cache:
        text = repo.text(relative) or ""
        if "{{" in text:
            text = helm_to_yaml(text)
        try:
            cache[key] = [d for d in yaml.safe_load_all(text) if d is not None]
        except yaml.YAMLError:
            cache[key] = []
        except RecursionError:
            cache[key] = []
    documents: list[Any] = cache[key]
    return documents


HELM_LINE = re.compile(r"^\s*\{\{-?.*?-?\}\}\s*$", re.MULTILINE)
HELM_ACTION = re.compile(r"\{\{-?.*?-?\}\}")


def helm_to_yaml(text: str) -> str:
    """A Helm (Go) template made parseable: a line that is only an action (``{{- if }}``,
    ``{{ toYaml ... }}``) goes, an action inside a value becomes the word ``helm``. The objects
    a chart's templates declare (a PrometheusRule, a VirtualService) are then read like any
    manifest; what the values would fill in is not known, nor needed."""
    return HELM_ACTION.sub("helm", HELM_LINE.sub("", text))


def line_of(repo: Repository, relative: str, pattern: str) -> str:
    """``path:line: text`` of the first line matching ``pattern`` (or just the path)."""
    regex = re.compile(pattern, re.IGNORECASE)
    for number, line in enumerate((repo.text(relative) or "").splitlines(), start=1):
        if regex.search(line):
            return f"{relative}:{number}: {line.strip()[:100]}"
    return relative


CI_FILES = (
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    ".gitlab-ci.yml",
    "Jenkinsfile",
    ".circleci/config.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
)


def ci_files(repo: Repository) -> list[str]:
    return sorted({f for pattern in CI_FILES for f in repo.exists(pattern)})
