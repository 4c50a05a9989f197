"""How each built-in rubric item is judged, from files and git history only.

Every detector returns ``(status, evidence)``: ``met`` earns the item's points, ``partial``
half, ``missing`` and ``template`` nothing. ``template`` means text that the team has not
filled in: a ``TODO(team)`` marker, or a file no commit has changed since ``sekit new``.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Callable
from typing import Any

from sekit.grade.repository import Repository

Outcome = tuple[str, list[str]]
SCAFFOLD_SUBJECT = "Project scaffolded by sekit new"
TEMPLATE_MARKERS = ("TODO(team)", "lorem ipsum", "Member 1", "{{ ")
CI_FILES = (
    ".github/workflows/*.yml",
    ".github/workflows/*.yaml",
    ".gitlab-ci.yml",
    "Jenkinsfile",
    ".circleci/config.yml",
    "azure-pipelines.yml",
    "bitbucket-pipelines.yml",
)
LARGE_BLOB = 5_000_000


def _tests(repo: Repository) -> list[str]:
    return sorted(
        {
            f
            for g in ("*tests/*.py", "*test/*.py", "*test_*.py", "*_test.py")
            for f in repo.exists(g)
        }
        - {f for f in repo.files if "conftest" in f}
    )


def _sources(repo: Repository) -> list[str]:
    tests = set(_tests(repo))
    return [f for f in repo.files if f.endswith(".py") and f not in tests and "conftest" not in f]


OWN_WORDS = 40


def _unfilled(repo: Repository, relative: str) -> str | None:
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
    generated = _scaffolded(repo, relative)
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


def _scaffolded(repo: Repository, relative: str) -> str | None:
    """The file as `sekit new` wrote it, when the history starts from the scaffold."""
    first = (
        repo.git("log", "--format=%H", "--fixed-strings", f"--grep={SCAFFOLD_SUBJECT}") or ""
    ).split()
    if not first:
        return None
    return repo.git("show", f"{first[-1]}:{relative}")


def _pyproject(repo: Repository) -> dict[str, Any]:
    text = repo.text("pyproject.toml") if "pyproject.toml" in repo.files else None
    try:
        return tomllib.loads(text) if text else {}
    except tomllib.TOMLDecodeError:
        return {}


def git(repo: Repository) -> Outcome:
    if not repo.is_git:
        return "missing", ["no .git folder: the project is not under version control"]
    count = int((repo.git("rev-list", "--count", "HEAD") or "0").strip() or 0)
    last = (repo.git("log", "-1", "--format=%h %s") or "").strip()
    evidence = [f"{count} commits; latest: {last}"]
    return ("met" if count >= 5 else "partial" if count else "missing"), evidence


def no_large_files(repo: Repository) -> Outcome:
    if not repo.is_git:
        return "missing", ["no git history to check"]
    objects = repo.git("rev-list", "--objects", "--all")
    if objects is None:
        return "not_assessed", ["git could not list the history in time"]
    try:
        done = subprocess.run(
            [
                "git",
                "-c",
                f"safe.directory={repo.root.resolve()}",
                "cat-file",
                "--batch-check=%(objecttype) %(objectsize) %(rest)",
            ],
            cwd=repo.root,
            input=objects.encode(),
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "not_assessed", ["git could not size the history in time"]
    large = []
    for line in done.stdout.decode(errors="replace").splitlines():
        kind, size, *rest = [*line.split(" ", 2), ""]
        if kind == "blob" and int(size) > LARGE_BLOB:
            large.append(f"{rest[0] or '?'}: {int(size) / 1e6:.1f} MB in the history")
    if large:
        return "missing", [*large[:5], "version large files with DVC or git LFS instead"]
    return "met", [f"no file over {LARGE_BLOB / 1e6:.0f} MB in the history"]


def data_versioning(repo: Repository) -> Outcome:
    dvc = repo.exists("*.dvc") + repo.exists("dvc.yaml") + repo.exists(".dvc/config")
    if dvc:
        return "met", [f"DVC: {', '.join(dvc[:3])}"]
    lfs = repo.grep(r"filter=lfs", (".gitattributes",))
    if lfs:
        return "met", [f"git LFS: {lfs[0]}"]
    ignored = repo.grep(r"^/?data/?$", (".gitignore",))
    if ignored:
        return "partial", [
            f"{ignored[0]}: data is not committed (regenerated by the "
            "pipeline) but not versioned either"
        ]
    return "missing", ["no DVC, no git LFS, and data is not kept out of git"]


def dependencies(repo: Repository) -> Outcome:
    project = _pyproject(repo).get("project", {})
    if isinstance(project, dict) and project.get("dependencies"):
        return "met", [f"pyproject.toml: {len(project['dependencies'])} dependencies (PEP 621)"]
    locks = [f for f in ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock") if f in repo.files]
    if locks:
        return "met", [f"lock file: {locks[0]}"]
    requirements = repo.exists("requirements*.txt")
    if requirements:
        pinned = repo.grep(r"^[A-Za-z0-9_.\-]+\s*(==|>=|~=)", tuple(requirements))
        if pinned:
            return "met", [f"{requirements[0]} with versions, e.g. {pinned[0]}"]
        return "partial", [f"{requirements[0]} without versions"]
    return "missing", ["no pyproject.toml dependencies, lock file or requirements.txt"]


def dev_dependencies(repo: Repository) -> Outcome:
    data = _pyproject(repo)
    extras = data.get("project", {}).get("optional-dependencies", {})
    groups = data.get("dependency-groups", {})
    poetry = data.get("tool", {}).get("poetry", {}).get("group", {})
    named = [k for k in [*extras, *groups, *poetry] if k in {"dev", "test", "tests", "lint"}]
    if named:
        return "met", [f"pyproject.toml: development group {named[0]!r}"]
    files = repo.exists("requirements-dev*.txt") + repo.exists("dev-requirements*.txt")
    if files:
        return "met", [files[0]]
    return "missing", ["no development dependency group or requirements-dev.txt"]


def linters(repo: Repository) -> Outcome:
    tool = _pyproject(repo).get("tool", {})
    found = [
        name for name in ("ruff", "black", "flake8", "pylint", "mypy", "isort") if name in tool
    ]
    for config, name in (
        (".ruff.toml", "ruff"),
        ("ruff.toml", "ruff"),
        (".flake8", "flake8"),
        (".pylintrc", "pylint"),
        ("mypy.ini", "mypy"),
    ):
        if config in repo.files and name not in found:
            found.append(name)
    hooks = repo.grep(r"id:\s*(ruff|black|flake8|mypy|pylint)", (".pre-commit-config.yaml",))
    if hooks and "pre-commit" not in found:
        found.append("pre-commit")
    if len(found) >= 2 or "ruff" in found:
        return "met", [f"configured: {', '.join(found)}"]
    if found:
        return "partial", [f"configured: {found[0]} only"]
    return "missing", ["no linter or formatter configured"]


def lint_findings(repo: Repository) -> Outcome:
    command = [shutil.which("ruff")] if shutil.which("ruff") else [sys.executable, "-m", "ruff"]
    try:
        done = subprocess.run(
            [
                *command,
                "check",
                "--isolated",
                "--select",
                "E9,F,B",
                "--output-format",
                "json",
                "--exit-zero",
                "--no-cache",
                ".",
            ],
            cwd=repo.root,
            capture_output=True,
            timeout=120,
        )
        findings = json.loads(done.stdout or b"[]")
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        return "not_assessed", ["ruff is not available (pip install ruff) or took too long"]
    lines = repo.lines_of(("*.py",))
    if not lines:
        return "missing", ["no Python code"]
    per_thousand = len(findings) / lines * 1000
    codes: dict[str, int] = {}
    for item in findings:
        codes[item.get("code") or "?"] = codes.get(item.get("code") or "?", 0) + 1
    top = ", ".join(f"{c} x{n}" for c, n in sorted(codes.items(), key=lambda kv: -kv[1])[:4])
    evidence = [
        f"ruff (E9, F, B): {len(findings)} findings in {lines:,} lines "
        f"({per_thousand:.1f} per 1,000){': ' + top if top else ''}"
    ]
    evidence += [
        f"{f['filename'].replace(str(repo.root.resolve()) + '/', '')}:"
        f"{f['location']['row']}: {f['code']} {f['message']}"
        for f in findings[:3]
    ]
    status = "met" if per_thousand <= 5 else "partial" if per_thousand <= 20 else "missing"
    return status, evidence


def _test_functions(repo: Repository) -> list[str]:
    found: list[str] = []
    for relative in _tests(repo):
        tree = repo.python(relative)
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
                "test"
            ):
                found.append(f"{relative}::{node.name}")
    return found


def unit_tests(repo: Repository) -> Outcome:
    tests = _test_functions(repo)
    status = "met" if len(tests) >= 10 else "partial" if len(tests) >= 3 else "missing"
    return status, [f"{len(tests)} test functions", *tests[:3]]


def data_tests(repo: Repository) -> Outcome:
    hits = repo.grep(
        r"sekit\.data|pandera|great_expectations|deepchecks|DataReport",
        tuple(_tests(repo)) or ("tests/*",),
    )
    named = [f for f in _tests(repo) if re.search(r"test_(data|schema|quality)", f)]
    if hits:
        return "met", [str(h) for h in hits[:3]]
    if named:
        return "partial", [f"{named[0]}: named like a data test, without a data-test library"]
    return "missing", ["no data tests (sekit.data, pandera, Great Expectations, Deepchecks)"]


def behaviour_tests(repo: Repository) -> Outcome:
    hits = repo.grep(
        r"@given|from hypothesis|sekit_model|sekit_frames|sekit_rows",
        tuple(_tests(repo)) or ("tests/*",),
    )
    configured = repo.grep(r"^\[\[behaviour\]\]", ("sekit.toml",))
    evidence = [str(h) for h in (hits + configured)[:3]]
    if hits and configured:
        return "met", evidence
    if hits or configured:
        return "partial", evidence
    return "missing", ["no property-based or behaviour tests of the model"]


def load_tests(repo: Repository) -> Outcome:
    files = repo.exists("*locustfile*.py") + [
        h.path for h in repo.grep(r"from locust import|import locust", ("*.py",), limit=3)
    ]
    configured = repo.grep(r"^\[load\]|^\[service\]", ("sekit.toml",))
    if files or len(configured) >= 1:
        return "met", [*sorted(set(files))[:2], *(str(c) for c in configured[:2])]
    return "missing", ["no locustfile and no [service]/[load] in sekit.toml"]


def test_ratio(repo: Repository) -> Outcome:
    test_lines = sum(len((repo.text(f) or "").splitlines()) for f in _tests(repo))
    code_lines = sum(len((repo.text(f) or "").splitlines()) for f in _sources(repo))
    if not code_lines:
        return "missing", ["no Python code"]
    ratio = test_lines / code_lines
    status = "met" if ratio >= 0.5 else "partial" if ratio >= 0.2 else "missing"
    return status, [f"{test_lines:,} lines of tests for {code_lines:,} lines of code ({ratio:.2f})"]


def _ci(repo: Repository) -> list[str]:
    return sorted({f for pattern in CI_FILES for f in repo.exists(pattern)})


def ci_tests(repo: Repository) -> Outcome:
    files = _ci(repo)
    if not files:
        return "missing", ["no CI configuration (GitHub Actions, GitLab CI, Jenkins, ...)"]
    hits = repo.grep(r"\b(pytest|tox|nox|make test)\b", tuple(files))
    if hits:
        return "met", [str(h) for h in hits[:2]]
    return "partial", [f"{files[0]}: CI exists but does not run the tests"]


def ci_gate(repo: Repository) -> Outcome:
    files = _ci(repo)
    hits = repo.grep(r"^(?!\s*#).*sekit\s+gate", tuple(files)) if files else []  # not comments
    if not hits:
        return "missing", ["CI does not run `sekit gate`: nothing blocks a failing model"]
    disarmed = [h for h in hits if "|| true" in h.text or "|| exit 0" in h.text]
    disarmed += repo.grep(r"continue-on-error:\s*true|allow_failure:\s*true", tuple(files))
    if disarmed:
        return "partial", [f"{disarmed[0]}: the gate cannot block a deployment"]
    return "met", [str(h) for h in hits[:2]]


def precommit(repo: Repository) -> Outcome:
    if ".pre-commit-config.yaml" not in repo.files:
        return "missing", ["no .pre-commit-config.yaml"]
    hooks = repo.grep(r"-\s*id:", (".pre-commit-config.yaml",), limit=50)
    if hooks:
        return "met", [f".pre-commit-config.yaml: {len(hooks)} hooks"]
    return "partial", [".pre-commit-config.yaml without hooks"]


def _document(
    repo: Repository, globs: tuple[str, ...], what: str, *, min_words: int, numbers: int = 0
) -> Outcome:
    candidates = sorted({f for g in globs for f in repo.exists(g)})
    if not candidates:
        return "missing", [f"no {what}"]
    path = candidates[0]
    unfilled = _unfilled(repo, path)
    if unfilled:
        return "template", [unfilled]
    text = repo.text(path) or ""
    words = len(text.split())
    found = re.findall(
        r"(?:[<>]=?|≥|≤)\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*(?:ms|s\b|%|GB|MB|"
        r"seconds|requests|users)",
        text,
    )
    evidence = [
        f"{path}: {words} words"
        + (f", {len(found)} quantified requirements, e.g. {found[0]!r}" if found else "")
    ]
    if words >= min_words and len(found) >= numbers:
        return "met", evidence
    return "partial", evidence


def readme(repo: Repository) -> Outcome:
    return _document(
        repo, ("README.md", "README.rst", "README.txt", "README"), "README", min_words=150
    )


def requirements(repo: Repository) -> Outcome:
    return _document(
        repo,
        ("docs/*requirement*", "*requirement*.md", "docs/*spec*.md", "docs/*srs*"),
        "requirements specification",
        min_words=200,
        numbers=3,
    )


def model_card(repo: Repository) -> Outcome:
    return _document(
        repo, ("*model_card*", "*model-card*", "*modelcard*"), "model card", min_words=150
    )


STAGES = {
    "gather": r"ingest|gather|scrap|collect|fetch|download|crawl",
    "sanitize": r"sanitiz|clean|preprocess|validat",
    "features": r"feature",
    "train": r"train|fit",
    "evaluate": r"evaluat|metric|score",
    "output": r"predict|inference|output|serve",
}


def pipeline_stages(repo: Repository) -> Outcome:
    names = _sources(repo)
    found: dict[str, str] = {}
    for stage, pattern in STAGES.items():
        match = next((f for f in names if re.search(pattern, f.rsplit("/", 1)[-1], re.I)), None)
        if match is None:
            hit = repo.grep(rf"def \w*({pattern})\w*\(", tuple(names) or ("*.py",), limit=1)
            match = str(hit[0]) if hit else None
        if match:
            found[stage] = match
    evidence = [f"{stage}: {where}" for stage, where in found.items()]
    missing = [s for s in STAGES if s not in found]
    if missing:
        evidence.append(f"not found: {', '.join(missing)}")
    status = "met" if len(found) >= 5 else "partial" if len(found) >= 3 else "missing"
    return status, evidence


def sekit_config(repo: Repository) -> Outcome:
    from sekit.config import load_config
    from sekit.errors import ConfigError

    if "sekit.toml" not in repo.files and not repo.grep(r"^\[tool\.sekit", ("pyproject.toml",)):
        return "missing", ["no sekit.toml or [tool.sekit]"]
    try:
        config = load_config(repo.root)  # reads TOML only; runs nothing
    except ConfigError as exc:
        return "partial", [f"sekit.toml does not validate: {exc.problems[0]}"]
    parts = {
        "schema": bool(config.data and config.data.columns),
        "behaviour": bool(config.behaviour),
        "gates": len(config.gates) >= 3,
    }
    evidence = [f"{name}: {'yes' if ok else 'no'}" for name, ok in parts.items()]
    evidence.append(f"{len(config.gates)} gates, {len(config.behaviour)} behaviour properties")
    return ("met" if all(parts.values()) else "partial"), evidence


def service(repo: Repository) -> Outcome:
    framework = repo.grep(
        r"from (fastapi|flask|starlette|django|bentoml|litestar)|"
        r"import (fastapi|flask)",
        ("*.py",),
        limit=2,
    )
    health = repo.grep(r"""["'](/health|/healthz|/ping|/ready)["']""", ("*.py",), limit=2)
    if framework and health:
        return "met", [str(framework[0]), str(health[0])]
    if framework:
        return "partial", [str(framework[0]), "no health endpoint"]
    return "missing", ["no web service found"]


def monitoring(repo: Repository) -> Outcome:
    logging = repo.grep(
        r"log_prediction|requests\.jsonl|prediction.?log|prometheus|"
        r"opentelemetry",
        _non_test(repo),
        limit=2,
    )
    drift = repo.grep(
        r"drift|evidently|sekit check data|^production\s*=",
        (*_non_test(repo), "sekit.toml"),
        limit=2,
    )
    evidence = [str(h) for h in (logging + drift)[:3]]
    if logging and drift:
        return "met", evidence
    if logging or drift:
        return "partial", evidence
    return "missing", ["served predictions are neither logged nor checked for drift"]


def _non_test(repo: Repository) -> tuple[str, ...]:
    return tuple(_sources(repo)) or ("*.py",)


def feedback_loop(repo: Repository) -> Outcome:
    endpoint = repo.grep(r"""["']/feedback|def \w*feedback""", _non_test(repo), limit=2)
    reused = repo.grep(
        r"feedback",
        tuple(f for f in _sources(repo) if re.search(r"ingest|sanitiz|train|pipeline|feature", f)),
        limit=2,
    )
    evidence = [str(h) for h in (endpoint + reused)[:3]]
    if endpoint and reused:
        return "met", evidence
    if endpoint or reused:
        return "partial", evidence
    return "missing", ["no way for feedback from the deployed system to reach training"]


def reproducibility(repo: Repository) -> Outcome:
    seeds = repo.grep(
        r"random_state\s*=|\bseed\b|manual_seed|np\.random\.seed",
        (*_non_test(repo), "params.*", "*.toml", "*.yaml"),
        limit=2,
    )
    params = [
        f
        for f in repo.files
        if re.fullmatch(
            r"(params|config|hyperparameters?)\.(toml|ya?ml|json)", f.rsplit("/", 1)[-1]
        )
    ]
    evidence = [str(h) for h in seeds[:1]] + params[:1]
    if seeds and params:
        return "met", evidence
    if seeds or params:
        return "partial", evidence or ["seeds or a parameter file, not both"]
    return "missing", ["no fixed seeds and no parameter file"]


def custom(repo: Repository, files: tuple[str, ...], pattern: str | None) -> Outcome:
    matches = sorted({f for g in files for f in repo.exists(g)})
    if not matches:
        return "missing", [f"no file matches {', '.join(files)}"]
    if pattern is None:
        return "met", matches[:3]
    hits = repo.grep(pattern, tuple(matches), flags=0)
    if hits:
        return "met", [str(h) for h in hits[:3]]
    return "missing", [f"{matches[0]}: does not contain /{pattern}/"]


DETECTORS: dict[str, Callable[[Repository], Outcome]] = {
    "git": git,
    "no_large_files": no_large_files,
    "data_versioning": data_versioning,
    "dependencies": dependencies,
    "dev_dependencies": dev_dependencies,
    "linters": linters,
    "lint_findings": lint_findings,
    "unit_tests": unit_tests,
    "data_tests": data_tests,
    "behaviour_tests": behaviour_tests,
    "load_tests": load_tests,
    "test_ratio": test_ratio,
    "ci_tests": ci_tests,
    "ci_gate": ci_gate,
    "precommit": precommit,
    "readme": readme,
    "requirements": requirements,
    "model_card": model_card,
    "pipeline_stages": pipeline_stages,
    "sekit_config": sekit_config,
    "service": service,
    "monitoring": monitoring,
    "feedback_loop": feedback_loop,
    "reproducibility": reproducibility,
}
