"""``sekit trace REQUEST_ID``: where one served answer came from.

Three questions, each answered from what the project already keeps:

1. **Which model answered?** The prediction log's line for the request (``--log``, else the
   first log that holds it of ``[monitor].log``, ``[experiment].log``, ``[data].production``
   and the other ``.jsonl`` logs in their folders, such as the load test's
   ``logs/load-test.jsonl`` of a scaffolded project): its time, model version,
   arm, status, answer and inputs; and the label that came back for it, if any
   (``[monitor].feedback``).
2. **Which pipeline made that model?** The MLflow run tagged with that ``model_version`` (the
   scaffold's train stage tags every run with ``model_version``, ``git_commit`` and
   ``data_md5``; store: ``[model].tracking_uri``, ``MLFLOW_TRACKING_URI`` or ``mlflow.db``):
   the run, its parameters and metrics, its registered versions and aliases, and the git
   commit of the pipeline.
3. **Which data trained it?** ``dvc.lock`` as committed with that data: DVC's workflow
   commits the lock *after* ``dvc repro``, so the lock is read from the first commit whose
   ``dvc.lock`` holds the run's ``data_md5`` (``git log -S``), else from the working tree.
   A lock found only in the working tree answers the question, with a *caveat*: it is not
   kept until it is committed (``git add dvc.lock && git commit``), which the trace says.
   In it, the stage whose output has that hash, and from it the chain of
   stages and files back to the first (gather), each with its hash. A code commit marked
   ``-dirty`` means the model was trained from uncommitted code; the trace says so.

A question that cannot be answered is a *gap* with its reason (no MLflow store, no run with
that version, no git, no stage with that hash); ``sekit trace`` exits 1 when there is one, so
a CI step can require complete provenance (``--strict``: a caveat too). A request id that no
log holds is a usage error (exit 2). MLflow is imported only when a store exists.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.errors import InputError, UsageError
from sekit.fs import shown_path

if TYPE_CHECKING:
    from sekit.config.schema import Config

SERVED_FIELDS = ("timestamp", "model_version", "arm", "user_id", "status", "latency_ms")


@dataclass
class Step:
    """One stage of the pipeline at that commit: what it ran, read and wrote (path -> md5)."""

    stage: str
    cmd: str
    deps: dict[str, str]
    outs: dict[str, str]


@dataclass
class Trace:
    request_id: str
    log: str
    served: dict[str, Any]  # the log's line
    feedback: Any = None  # the label that came back, if any
    run: dict[str, Any] | None = None  # the MLflow run
    commit: str | None = None  # the pipeline's code, as the run recorded it
    dirty: bool = False
    lock_commit: str | None = None  # the commit whose dvc.lock records the training data
    data: dict[str, str] | None = None  # the training data: path, md5
    lineage: list[Step] = field(default_factory=list)  # from the training data back
    gaps: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)  # answered, but not yet kept

    def shown(self) -> dict[str, Any]:
        return {
            "request_id": self.request_id,
            "log": self.log,
            "served": self.served,
            "feedback": self.feedback,
            "run": self.run,
            "commit": self.commit,
            "dirty": self.dirty,
            "lock_commit": self.lock_commit,
            "data": self.data,
            "lineage": [step.__dict__ for step in self.lineage],
            "gaps": self.gaps,
            "caveats": self.caveats,
        }


def trace(config: Config, request_id: str, *, log: Path | None = None) -> Trace:
    path, line = _look_up(config, request_id, log)
    found = Trace(request_id=request_id, log=shown_path(path, config.root), served=line)
    found.feedback = _feedback(config, request_id)
    version = line.get("model_version") or line.get("answer_model_version")
    if version is None:
        found.gaps.append("the log's line has no model_version: the service must log it")
        return found
    found.run = _run(config, str(version), found.gaps)
    if found.run is None:
        return found
    commit = str(found.run["tags"].get("git_commit") or "")
    if not commit or commit == "unknown":
        found.gaps.append(f"run {found.run['run_id']} has no git_commit tag")
        return found
    found.dirty = commit.endswith("-dirty")
    found.commit = commit.removesuffix("-dirty")
    data_md5 = found.run["tags"].get("data_md5")
    if not data_md5:
        found.gaps.append(f"run {found.run['run_id']} has no data_md5 tag")
        return found
    stages = _lock_with(config.root, str(data_md5), found)
    if stages is not None:
        found.data, found.lineage = _lineage(stages, str(data_md5), found.gaps)
    return found


def _logs(config: Config) -> list[Path]:
    """The served logs to look a request up in: the configured ones, then the other
    ``.jsonl`` files in their folders."""
    from sekit.checks.monitor.settings import Monitor

    candidates: list[Path | None] = []
    monitor = config.table(Monitor)
    candidates.append(monitor.log if monitor is not None else None)
    with contextlib.suppress(Exception):
        from sekit.checks.experiment.settings import Experiment

        experiment = config.table(Experiment)
        candidates.append(experiment.log if experiment is not None else None)
    candidates.append(config.data.production if config.data is not None else None)
    configured = [c for c in candidates if c is not None]
    if not configured:
        raise UsageError(
            "no prediction log to look the request up in",
            hint="pass --log, or set [monitor].log or [data].production",
        )
    beside = [
        other
        for folder in dict.fromkeys(c.parent for c in configured)
        if folder.is_dir()
        for other in sorted(folder.glob("*.jsonl"))
    ]
    return list(dict.fromkeys([*configured, *beside]))


def _look_up(config: Config, request_id: str, log: Path | None) -> tuple[Path, dict[str, Any]]:
    """The log that holds the request and its line: ``log`` when given, else the first of
    :func:`_logs` that holds it."""
    if log is not None:
        return log, _served(log, request_id, config.root)
    logs = _logs(config)
    existing = [path for path in logs if path.is_file()]
    if not existing:
        raise InputError(logs[0], "no such prediction log", hint="pass --log")
    for path in existing:
        with contextlib.suppress(UsageError):
            return path, _served(path, request_id, config.root)
    searched = ", ".join(shown_path(path, config.root) for path in existing)
    raise UsageError(
        f"request {request_id!r} is in none of the prediction logs ({searched})",
        hint="copy the request_id from an answer or from the log, or pass --log",
    )


def _served(path: Path, request_id: str, root: Path) -> dict[str, Any]:
    """The log's last line for the request (a retry logs again)."""
    if not path.is_file():
        raise InputError(path, "no such prediction log", hint="pass --log")
    found: dict[str, Any] | None = None
    lines = 0
    try:
        with path.open(encoding="utf-8") as handle:
            for text in handle:
                if request_id not in text:
                    lines += 1
                    continue
                lines += 1
                with contextlib.suppress(json.JSONDecodeError):
                    record = json.loads(text)
                    if isinstance(record, dict) and str(record.get("request_id")) == request_id:
                        found = record
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the prediction log: {exc}") from None
    if found is None:
        raise UsageError(
            f"request {request_id!r} is not in {shown_path(path, root)} ({lines} lines)",
            hint="copy the request_id from an answer or from the log",
        )
    return found


def _feedback(config: Config, request_id: str) -> Any:
    from sekit.checks.monitor.settings import Monitor

    monitor = config.table(Monitor)
    if monitor is None or monitor.feedback is None or not monitor.feedback.exists():
        return None
    from sekit.subjects.feedback import read_feedback

    label = config.data.label if config.data is not None else None
    labels = read_feedback(monitor.feedback, label)
    hit = labels[labels["request_id"].astype(str) == request_id]
    return None if hit.empty else hit["label"].iloc[-1]


def _run(config: Config, version: str, gaps: list[str]) -> dict[str, Any] | None:
    from sekit.subjects.mlflow_models import tracking_uri

    store = tracking_uri(config.root, config.model.tracking_uri if config.model else None)
    if store is None:
        gaps.append(f"no MLflow store (no mlflow.db in {config.root}) to find model {version}")
        return None
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    try:
        import mlflow
        from mlflow.exceptions import MlflowException
    except ImportError:
        gaps.append("MLflow is not installed here: pip install mlflow")
        return None
    client = mlflow.MlflowClient(tracking_uri=store, registry_uri=store)
    try:
        experiments = [e.experiment_id for e in client.search_experiments()]
        runs = client.search_runs(
            experiments, filter_string=f"tags.model_version = '{_quoted(version)}'"
        )
        if not runs:
            gaps.append(f"no MLflow run in {store} is tagged model_version = {version}")
            return None
        found = runs[0]
        registered = []
        for listed in client.search_model_versions(f"run_id = '{found.info.run_id}'"):
            # a search leaves the aliases out; the version itself has them
            version_ = client.get_model_version(listed.name, str(listed.version))
            registered.append(
                {
                    "name": version_.name,
                    "version": str(version_.version),
                    "aliases": sorted(getattr(version_, "aliases", []) or []),
                }
            )
    except MlflowException as exc:
        gaps.append(f"cannot read the MLflow store {store}: {str(exc).splitlines()[0]}")
        return None
    return {
        "run_id": found.info.run_id,
        "experiment_id": found.info.experiment_id,
        "started": found.info.start_time,
        "params": dict(found.data.params),
        "metrics": dict(found.data.metrics),
        "tags": {k: v for k, v in found.data.tags.items() if not k.startswith("mlflow.")},
        "registered": registered,
    }


def _quoted(text: str) -> str:
    return text.replace("'", "")


def _lock_with(root: Path, data_md5: str, found: Trace) -> dict[str, Any] | None:
    """dvc.lock's stages as recorded with the training data: the first commit whose dvc.lock
    holds ``data_md5`` (DVC's workflow commits the lock *after* ``dvc repro``, so this is
    usually the commit after the run's code commit), else the working tree's lock."""
    import yaml

    git_root = _git(root, "rev-parse", "--show-toplevel")
    if git_root is None:
        found.gaps.append(f"{root} is not a git repository: no commit records the training data")
        return None
    inside = Path(root).resolve().relative_to(Path(git_root).resolve())
    lock = (inside / "dvc.lock").as_posix().removeprefix("./")
    history = _git(root, "log", "--all", "--format=%H", "--reverse", f"-S{data_md5}", "--", lock)
    data: bytes | None = None
    if history:
        found.lock_commit = history.splitlines()[0]
        data = _git_bytes(root, "show", f"{found.lock_commit}:{lock}")
        where = f"{lock} at commit {found.lock_commit[:12]}"
    elif (root / "dvc.lock").is_file() and data_md5.encode() in (root / "dvc.lock").read_bytes():
        found.lock_commit = None
        data = (root / "dvc.lock").read_bytes()
        where = f"{lock} in the working tree"
        found.caveats.append(
            f"the training data is recorded only in the working tree's {lock}, not in a "
            f"commit: `git add {lock} && git commit -m 'Record the trained data'` keeps it"
        )
    if data is None:
        found.gaps.append(f"no commit of {lock} (nor the working tree's) records md5 {data_md5}")
        return None
    try:
        document = yaml.safe_load(data.decode("utf-8")) or {}
    except UnicodeDecodeError:
        found.gaps.append(f"{where} is not UTF-8 text: DVC writes it in UTF-8")
        return None
    except yaml.YAMLError:
        found.gaps.append(f"{where} is not valid YAML")
        return None
    stages = document.get("stages", {}) if isinstance(document, dict) else {}
    return stages if isinstance(stages, dict) else {}


def _git(root: Path, *args: str) -> str | None:
    """git's answer as text (hashes, paths); None when git fails."""
    data = _git_bytes(root, *args)
    return None if data is None else data.decode("utf-8", errors="replace").strip()


def _git_bytes(root: Path, *args: str) -> bytes | None:
    """git's answer as it is: a file's content is decoded by its reader, which says so when
    it is not the text it should be."""
    try:
        done = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def _files(entries: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in entries or []:
        if isinstance(entry, dict) and "path" in entry:
            found[str(entry["path"])] = str(entry.get("md5", ""))
    return found


def _lineage(
    stages: dict[str, Any], data_md5: str, gaps: list[str]
) -> tuple[dict[str, str] | None, list[Step]]:
    """The training data (the output with ``data_md5``) and the stages that made it, from it
    back to the first."""
    steps = {
        name: Step(
            name, str(body.get("cmd", "")), _files(body.get("deps")), _files(body.get("outs"))
        )
        for name, body in stages.items()
        if isinstance(body, dict)
    }
    data = None
    for step in steps.values():
        for path, md5 in (*step.outs.items(), *step.deps.items()):
            if md5 == data_md5:
                data = {"path": path, "md5": md5}
                break
        if data is not None:
            break
    if data is None:
        gaps.append(f"no file in that dvc.lock has the training data's md5 {data_md5}")
        return None, []
    producer = {path: step for step in steps.values() for path in step.outs}
    chain: list[Step] = []
    wanted, seen = [data["path"]], set()
    while wanted:
        path = wanted.pop(0)
        making = producer.get(path)
        if making is None or making.stage in seen:
            continue
        seen.add(making.stage)
        chain.append(making)
        wanted.extend(making.deps)
    return data, chain
