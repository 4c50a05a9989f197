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


def _service(root: Path, sources: list[str]) -> tuple[Guess | None, Guess | None, Guess | None]:
    for relative in sources:
        if "test" in relative.lower():
            continue
        try:
            text = (root / relative).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for framework, pattern in APPS:
            match = pattern.search(text)
            if match is None:
                continue
            variable = match.group(1)
            module = relative.removesuffix(".py").replace("/", ".")
            if framework == "fastapi":
                command = f"uvicorn {module}:{variable} --host 127.0.0.1 --port {{port}}"
            else:
                command = f"flask --app {module}:{variable} run --host 127.0.0.1 --port {{port}}"
            where = f"{relative}: {variable} = {framework.title()}(...)"
            routes = ROUTE.findall(text)
            health = next((r for r in routes if re.search(r"health|ping|ready|live", r)), None)
            predict = next((r for r in routes if re.search(r"predict|infer|classif", r)), None)
            return (
                Guess(command, f"{where} (run from the repository's root)"),
                Guess(health, f"a route in {relative}") if health else None,
                Guess(predict, f"a route in {relative}") if predict else None,
            )
    return None, None, None


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
    found.service, found.health, found.endpoint = _service(root, sources)
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
