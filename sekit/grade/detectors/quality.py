"""Code quality: tools configured, lint findings per line, formatting, docstrings and types.

ruff is the one program grading runs on a team's files. It is a dependency of sekit (so it is
never missing), it only reads the files it is given (``--isolated``: the team's configuration
is not read, so a team cannot switch rules off or exclude its files), and sekit hands it the
exact list of Python files that the repository index holds. When it is missing or fails, the
items are ``not_assessed`` with the reason: never a pass.
"""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from typing import Any

from sekit.grade.detectors.common import Outcome, pyproject, scaled, sources
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

RUFF_TIMEOUT = 120.0
LINT_SELECT = "E9,F,B,S,PL"
# assert in tests, pickle and non-cryptographic random are how ML code is written; magic
# numbers are thresholds in ML code. None of them is a defect worth a lower grade.
LINT_IGNORE = "S101,S301,S311,S403,PLR2004"
CHUNK = 400

TOOL_KINDS = {
    "lint": ("ruff", "flake8", "pylint"),
    "format": ("black", "isort", "ruff-format", "yapf", "autopep8"),
    "types": ("mypy", "pyright", "pytype"),
    "security": ("bandit",),
}
CONFIG_FILES = {
    ".flake8": "flake8",
    "tox.ini:flake8": "flake8",
    "setup.cfg:flake8": "flake8",
    ".pylintrc": "pylint",
    "pylintrc": "pylint",
    "mypy.ini": "mypy",
    ".mypy.ini": "mypy",
    "setup.cfg:mypy": "mypy",
    ".bandit": "bandit",
    "bandit.yaml": "bandit",
    "bandit.yml": "bandit",
    ".isort.cfg": "isort",
    "ruff.toml": "ruff",
    ".ruff.toml": "ruff",
    "pyrightconfig.json": "pyright",
}


def _configured_tools(repo: Repository) -> dict[str, str]:
    """tool -> how it is set up: "configured" (config or hook) or "listed" (a dependency)."""
    found: dict[str, str] = {}
    data = pyproject(repo)
    for tool in data.get("tool", {}):
        if tool in {t for tools in TOOL_KINDS.values() for t in tools}:
            found[tool] = "configured"
    if isinstance(data.get("tool", {}).get("ruff"), dict) and "format" in data["tool"]["ruff"]:
        found["ruff-format"] = "configured"
    for name, tool in CONFIG_FILES.items():
        path, _, section = name.partition(":")
        if path in repo.files and (not section or f"[{section}" in (repo.text(path) or "")):
            found[tool] = "configured"
    hooks = repo.grep(
        r"id:\s*(ruff|ruff-format|black|flake8|mypy|pylint|isort|bandit)\b",
        (".pre-commit-config.yaml",),
        limit=30,
    )
    for hit in hooks:
        found[hit.text.split(":", 1)[1].strip().split()[0]] = "configured"
    listed = " ".join(
        (repo.text(f) or "")
        for f in ["pyproject.toml", *repo.exists("*requirements*.txt"), "environment.yml"]
        if f in repo.files
    ).lower()
    for tool in {t for tools in TOOL_KINDS.values() for t in tools}:
        if tool not in found and tool != "ruff-format" and f"{tool}" in listed:
            found[tool] = "listed"
    return found


@item(
    "quality.linters",
    "code quality",
    "linters, formatter, type checker, security scanner",
    points=3,
)
def linters(repo: Repository) -> Outcome:
    """A share per kind of tool (lint, format, types, security): whole when configured (a
    config file or a pre-commit hook), half when only listed as a dependency."""
    found = _configured_tools(repo)
    share = 0.0
    parts = []
    for kind, tools in TOOL_KINDS.items():
        present = [t for t in tools if t in found]
        if not present:
            continue
        configured = [t for t in present if found[t] == "configured"]
        share += 1.0 if configured else 0.5
        parts.append(
            f"{kind}: {', '.join(configured or present)}" + ("" if configured else " (listed only)")
        )
    if not parts:
        return Outcome("missing", ["no linter, formatter, type checker or security scanner set up"])
    return scaled(share / len(TOOL_KINDS), [f"set up: {'; '.join(parts)}"])


def _ruff() -> list[str] | None:
    found = shutil.which("ruff")
    if found:
        return [found]
    import importlib.util

    return [sys.executable, "-m", "ruff"] if importlib.util.find_spec("ruff") else None


def _python_files(repo: Repository) -> list[str]:
    return [f for f in repo.files if f.endswith(".py")]


def _run_ruff(repo: Repository, args: list[str]) -> tuple[list[dict[str, Any]], str | None]:
    """ruff's JSON findings for the repository's Python files, or (``[]``, why it failed)."""
    command = _ruff()
    if command is None:
        return [], "ruff is not installed (it is a dependency of sekit: reinstall sekit)"
    files = _python_files(repo)
    found: list[dict[str, Any]] = []
    for start in range(0, len(files), CHUNK):
        try:
            done = subprocess.run(
                [
                    *command,
                    *args,
                    *("--isolated", "--no-cache", "--output-format", "json", "--"),
                    *files[start : start + CHUNK],
                ],
                cwd=repo.root,
                capture_output=True,
                timeout=RUFF_TIMEOUT,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return [], f"ruff did not finish: {type(exc).__name__}"
        if done.returncode not in (0, 1):
            message = done.stderr.decode(errors="replace").strip().splitlines()
            return [], f"ruff failed (exit {done.returncode}): {message[-1] if message else ''}"
        if not done.stdout.strip():  # ruff always prints a JSON list, [] when clean
            return [], "ruff printed nothing (is it really ruff?)"
        try:
            items = json.loads(done.stdout)
        except json.JSONDecodeError:
            return [], "ruff printed no JSON"
        if not isinstance(items, list):
            return [], "ruff printed no JSON list"
        found += [i for i in items if isinstance(i, dict)]
    return found, None


def _relative(repo: Repository, filename: str) -> str:
    root = str(repo.root.resolve()) + "/"
    return filename[len(root) :] if filename.startswith(root) else filename


@item("quality.lint_clean", "code quality", "few lint findings per 1,000 lines", points=3)
def lint_findings(repo: Repository) -> Outcome:
    """Findings of ruff's bug, security and pylint rules per 1,000 lines, counted continuously:
    full credit up to 2 per 1,000, none from 22."""
    lines = repo.lines_of(("*.py",))
    if not lines:
        return Outcome("missing", ["no Python code"])
    findings, failure = _run_ruff(
        repo, ["check", "--select", LINT_SELECT, "--ignore", LINT_IGNORE, "--exit-zero"]
    )
    if failure:
        return Outcome("not_assessed", [failure])
    per_thousand = len(findings) / lines * 1000
    codes: dict[str, int] = {}
    for finding in findings:
        code = str(finding.get("code") or "?")
        codes[code] = codes.get(code, 0) + 1
    top = ", ".join(f"{c} x{n}" for c, n in sorted(codes.items(), key=lambda kv: -kv[1])[:4])
    evidence = [
        f"ruff ({LINT_SELECT}): {len(findings)} findings in {lines:,} lines "
        f"({per_thousand:.1f} per 1,000){': ' + top if top else ''}"
    ]
    evidence += [
        f"{_relative(repo, str(f.get('filename')))}:{f.get('location', {}).get('row')}: "
        f"{f.get('code')} {f.get('message')}"
        for f in findings[:3]
    ]
    share = 1.0 - max(0.0, per_thousand - 2.0) / 20.0
    return scaled(share, evidence)


def _line_length(repo: Repository) -> int:
    tool = pyproject(repo).get("tool", {})
    for name in ("ruff", "black"):
        value = tool.get(name, {}).get("line-length") if isinstance(tool.get(name), dict) else None
        if isinstance(value, int) and 40 <= value <= 320:
            return value
    return 88


@item("quality.formatted", "code quality", "code formatted consistently", points=2)
def formatting(repo: Repository) -> Outcome:
    """The share of Python files a formatter would leave as they are (ruff format, black's
    style, at the line length the team configured)."""
    files = _python_files(repo)
    if not files:
        return Outcome("missing", ["no Python code"])
    length = _line_length(repo)
    findings, failure = _run_ruff(repo, ["format", "--check", "--line-length", str(length)])
    if failure:
        return Outcome("not_assessed", [failure])
    unformatted = sorted({_relative(repo, str(f.get("filename"))) for f in findings})
    share = 1 - len(unformatted) / len(files)
    evidence = [
        f"{len(files) - len(unformatted)} of {len(files)} Python files formatted "
        f"(black style, line length {length})"
    ]
    if unformatted:
        evidence.append(f"would be reformatted: {', '.join(unformatted[:3])}")
    return scaled(share, evidence, met_at=0.95)


@item("quality.documented", "code quality", "docstrings and type annotations", points=2)
def documented(repo: Repository) -> Outcome:
    """Half for docstrings on public modules, classes and functions, half for type annotations
    on function signatures (of the code, not the tests)."""
    documented_count = public = annotated = functions = 0
    for relative in sources(repo):
        tree = repo.python(relative)
        if tree is None or not tree.body:
            continue
        public += 1
        documented_count += ast.get_docstring(tree) is not None
        for node in ast.walk(tree):
            if isinstance(
                node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef
            ) and not node.name.startswith("_"):
                public += 1
                documented_count += ast.get_docstring(node) is not None
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions += 1
                args = [
                    a
                    for a in [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
                    if a.arg not in ("self", "cls")
                ]
                annotated += node.returns is not None and all(a.annotation for a in args)
    if not public:
        return Outcome("missing", ["no Python code"])
    doc_share = documented_count / public
    type_share = annotated / functions if functions else 0.0
    evidence = [
        f"docstrings on {documented_count} of {public} public modules, classes and functions",
        f"type annotations on {annotated} of {functions} function signatures",
    ]
    return scaled(0.5 * doc_share + 0.5 * type_share, evidence, met_at=0.8)


ITEMS: tuple[Item, ...] = (linters, lint_findings, formatting, documented)
