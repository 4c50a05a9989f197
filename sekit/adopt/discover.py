"""What an existing repository already has, found by reading its files (nothing is run or
imported): data files (in git, or versioned by DVC: ``*.dvc`` files and ``dvc.yaml`` outs),
the label column, the model artefact, the web service, the tests and the CI.

Every finding carries *why* it was chosen, so ``sekit init`` can write it beside the value.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TABLES = (".csv", ".tsv", ".parquet", ".pq", ".jsonl", ".ndjson")
MODELS = (".joblib", ".jbl", ".pkl", ".pickle", ".skops")
PREPROCESSORS = re.compile(r"vectori[sz]er|bow|encoder|scaler|tokeni[sz]er|preprocess", re.I)
SKIP = {".git", ".dvc", ".sekit", "node_modules", ".venv", "venv", "env", "__pycache__", ".tox"}
LABELS = ("label", "labels", "target", "class", "y", "outcome", "sentiment", "liked", "quality")
LABEL_IN_CODE = re.compile(
    r"""^\s*(?:y|labels?|targets?|label_col(?:umn)?|target_col(?:umn)?|label_name)\s*=\s*"""
    r"""(?:\w+\s*\[\s*["']([^"']+)["']\s*\]|["']([^"']+)["'])"""
)
APPS = (
    ("fastapi", re.compile(r"^(\w+)\s*=\s*FastAPI\(", re.M)),
    ("flask", re.compile(r"^(\w+)\s*=\s*Flask\(", re.M)),
)
ROUTE = re.compile(r"""@\w+\.(?:get|post|route|api_route)\(\s*["'](/[^"']*)["']""")


@dataclass(frozen=True)
class Guess:
    """A value and the reason it was chosen (written as the value's comment)."""

    value: str
    why: str


@dataclass
class Found:
    """Everything :func:`discover` found, and what it could not decide."""

    train: Guess | None = None
    test: Guess | None = None
    label: Guess | None = None
    model: Guess | None = None
    task: Guess | None = None
    service: Guess | None = None
    health: Guess | None = None
    endpoint: Guess | None = None
    tests: list[str] = field(default_factory=list)
    ci: list[str] = field(default_factory=list)
    dvc: bool = False
    undecided: list[str] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return any((self.train, self.model, self.service))


def _files(root: Path) -> Iterator[str]:
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP and not d.endswith(".egg-info"))
        for name in sorted(names):
            yield (Path(folder) / name).relative_to(root).as_posix()


def _yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _dvc_paths(root: Path, files: list[str]) -> dict[str, str]:
    """Paths DVC versions -> where it says so (a ``.dvc`` file, a ``dvc.yaml`` stage)."""
    found: dict[str, str] = {}
    for relative in files:
        if relative.endswith(".dvc") and not relative.startswith(".dvc/"):
            document = _yaml(root / relative)
            for out in (document or {}).get("outs", []) if isinstance(document, dict) else []:
                if isinstance(out, dict) and isinstance(out.get("path"), str):
                    folder = Path(relative).parent
                    found[(folder / out["path"]).as_posix()] = relative
    stages = _yaml(root / "dvc.yaml") if "dvc.yaml" in files else None
    declared = stages.get("stages") if isinstance(stages, dict) else None
    for name, stage in declared.items() if isinstance(declared, dict) else []:
        if not isinstance(stage, dict):
            continue
        for key in ("outs", "metrics"):
            for out in stage.get(key) or []:
                path = next(iter(out)) if isinstance(out, dict) else out
                if isinstance(path, str) and "${" not in path:
                    found.setdefault(path.rstrip("/"), f"dvc.yaml, stage {name!r}")
    if isinstance(stages, dict):
        for name, artifact in (stages.get("artifacts") or {}).items():
            if isinstance(artifact, dict) and artifact.get("type") == "model":
                path = artifact.get("path")
                if isinstance(path, str):
                    found[path] = f"dvc.yaml, model artifact {name!r}"
    return found


def _rank_data(path: str) -> tuple[int, str]:
    name = path.lower()
    score = 0
    score -= 4 * ("train" in name)
    score -= 2 * ("processed" in name or "prepared" in name or "clean" in name)
    score += 3 * any(w in name for w in ("test", "metric", "score", "report", "coverage"))
    return score, path


def _header(path: Path) -> list[str] | None:
    """The column names of a local CSV/TSV (its first line), or None."""
    if path.suffix.lower() not in (".csv", ".tsv") or not path.is_file():
        return None
    try:
        with path.open(encoding="utf-8", errors="replace", newline="") as handle:
            first = handle.readline()
    except OSError:
        return None
    tabs = path.suffix.lower() == ".tsv" or first.count("\t") > first.count(",")
    delimiter = "\t" if tabs else ","
    return next(csv.reader([first], delimiter=delimiter), None)


def _label(root: Path, train: str | None, sources: list[str]) -> Guess | None:
    header = _header(root / train) if train else None
    if header:
        for wanted in LABELS:
            for column in header:
                if column.strip().lower() == wanted:
                    return Guess(column.strip(), f"a column of {train} named like a label")
        last = header[-1].strip()
        if last:
            return Guess(last, f"the last column of {train} (no column is named like a label)")
    for relative in sorted(sources, key=lambda f: "test" in f.lower()):  # code before tests
        try:
            text = (root / relative).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            match = LABEL_IN_CODE.search(line)
            if match:
                column = match.group(1) or match.group(2)
                return Guess(column, f"{relative}:{number}: {line.strip()[:70]}")
    return None


@dataclass(frozen=True)
class _App:
    """A FastAPI or Flask app found in a source file, and how it ranks as the model service."""

    relative: str
    framework: str
    variable: str
    routes: tuple[str, ...]

    @property
    def predicts(self) -> bool:
        return any(re.search(r"predict|infer|classif|recommend", r) for r in self.routes)

    def rank(self) -> tuple[int, int, str]:
        """The model service first: an app with a prediction route, then a file named like a
        service (serve, service, api, model) over one named like a user interface (app, ui)."""
        stem = Path(self.relative).stem.lower()
        named = 0 if re.search(r"serv|api|model|predict|infer", stem) else 1
        return (0 if self.predicts else 1, named, self.relative)


def _command(app: _App, root: Path) -> tuple[str, str]:
    """How to start ``app`` from the repository's root, and what that assumes.

    A module inside a ``src/`` layout package (``src/clinic/serve.py`` with
    ``src/clinic/__init__.py``) is imported by its package name (``clinic.serve``), as it is
    once installed; uvicorn is told where the package lives (``--app-dir src``) so the command
    also works before ``pip install -e .``. Flask has no such option: the package must be
    installed.
    """
    parts = app.relative.removesuffix(".py").split("/")
    src_layout = (
        len(parts) > 2 and parts[0] == "src" and (root / "src" / parts[1] / "__init__.py").is_file()
    )
    module = ".".join(parts[1:] if src_layout else parts)
    if app.framework == "fastapi":
        folder = " --app-dir src" if src_layout else ""
        command = f"uvicorn {module}:{app.variable}{folder} --host 127.0.0.1 --port {{port}}"
        return command, "run from the repository's root"
    command = f"flask --app {module}:{app.variable} run --host 127.0.0.1 --port {{port}}"
    return command, (
        "run from the repository's root, with the package installed (pip install -e .)"
        if src_layout
        else "run from the repository's root"
    )


FRAMEWORKS = {"fastapi": "FastAPI", "flask": "Flask"}


def _service(
    root: Path, sources: list[str]
) -> tuple[Guess | None, Guess | None, Guess | None, str | None]:
    """The model service (its command, health route and prediction route), and a note when
    several apps were candidates."""
    apps: list[_App] = []
    for relative in sources:
        if "test" in relative.lower():
            continue
        try:
            text = (root / relative).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for framework, pattern in APPS:
            match = pattern.search(text)
            if match is not None:
                apps.append(_App(relative, framework, match.group(1), tuple(ROUTE.findall(text))))
                break
    if not apps:
        return None, None, None, None
    app = min(apps, key=_App.rank)
    command, assumption = _command(app, root)
    where = f"{app.relative}: {app.variable} = {FRAMEWORKS[app.framework]}(...)"
    health = next((r for r in app.routes if re.search(r"health|ping|ready|live", r)), None)
    predict = next(
        (r for r in app.routes if re.search(r"predict|infer|classif|recommend", r)), None
    )
    others = [a.relative for a in apps if a is not app]
    note = (
        f"[service]: chose {app.relative} of {len(apps)} apps "
        f"({'it has a prediction route' if app.predicts else 'by its name'}; "
        f"also {', '.join(others[:3])}): check it"
        if others
        else None
    )
    return (
        Guess(command, f"{where} ({assumption})"),
        Guess(health, f"a route in {app.relative}") if health else None,
        Guess(predict, f"a route in {app.relative}") if predict else None,
        note,
    )


def discover(root: Path) -> Found:
    """Read ``root`` and guess what ``sekit.toml`` should say (see the module's docstring)."""
    files = list(_files(root))
    found = Found(dvc=(root / ".dvc").is_dir() or "dvc.yaml" in files)
    versioned = _dvc_paths(root, files)
    present = {f for f in files if f.lower().endswith(TABLES)}
    tables = sorted(present | {p for p in versioned if p.lower().endswith(TABLES)}, key=_rank_data)
    folders = [p for p in versioned if not Path(p).suffix]

    def where(path: str) -> str:
        if path in versioned:
            state = "" if (root / path).exists() else "; not here yet: `dvc pull`"
            return f"versioned by DVC ({versioned[path]}{state})"
        return "a data file in the repository"

    trains = [t for t in tables if "test" not in t.lower()]
    if trains:
        found.train = Guess(trains[0], where(trains[0]))
        others = [t for t in trains[1:] if Path(t).suffix == Path(trains[0]).suffix]
        if others:
            found.undecided.append(
                f"[data].train: chose {trains[0]} of {len(trains)} candidates "
                f"({', '.join(others[:3])}...): check it"
            )
    elif folders:
        found.undecided.append(
            f"[data].train: DVC versions folders ({', '.join(folders[:3])}), not files: "
            "name the training file inside"
        )
    else:
        found.undecided.append("[data].train: no CSV, TSV, Parquet or JSON-lines data found")
    tests = [t for t in tables if re.search(r"(^|[/_.-])test", t.lower())]
    if tests:
        found.test = Guess(tests[0], where(tests[0]))
    sources = [f for f in files if f.endswith(".py")]
    found.label = _label(root, found.train.value if found.train else None, sources)
    if found.train and found.label is None:
        found.undecided.append("[data].label: no label column found: name it")

    models = sorted(
        {p for p in [*files, *versioned] if p.lower().endswith(MODELS)},
        key=lambda p: (p not in versioned, "model" not in p.lower(), p),
    )
    artefacts = [m for m in models if not PREPROCESSORS.search(Path(m).name)]
    preprocessors = [m for m in models if PREPROCESSORS.search(Path(m).name)]
    declared = [p for p, w in versioned.items() if "model artifact" in w]
    chosen = declared[0] if declared else artefacts[0] if artefacts else None
    if chosen is not None:
        why = versioned.get(chosen, "a model file in the repository")
        found.model = Guess(chosen, why)
        found.task = Guess("classification", "a guess: set regression if it predicts a number")
        if preprocessors:
            found.undecided.append(
                f"[model].loader: the model is used after {preprocessors[0]} (a preprocessor): "
                "sekit feeds it raw rows, so write a loader (module:function returning an "
                "object whose predict() takes raw rows) and set [model].loader"
            )
    else:
        found.undecided.append("[model].path: no model file (joblib, pickle, skops) found")
    found.service, found.health, found.endpoint, choice = _service(root, sources)
    if choice is not None:
        found.undecided.append(choice)
    if found.service is None:
        found.undecided.append("[service]: no FastAPI or Flask app found in this repository")
    elif found.health is None:
        found.undecided.append("[service].health: no health route found: add one (GET /health)")
    found.tests = sorted({f.split("/")[0] for f in files if re.search(r"(^|/)test_\w+\.py$", f)})
    found.ci = [
        f
        for f in files
        if f.startswith(".github/workflows/") or f in (".gitlab-ci.yml", "Jenkinsfile")
    ]
    return found
