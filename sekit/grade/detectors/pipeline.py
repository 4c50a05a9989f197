"""The ML pipeline: its stages by what they do, a tool that reruns only what changed,
tracked experiments, sekit's gates, fairness analysis.

Stages come from the pipeline's definition when there is one (``dvc.yaml`` stages with their
commands, Makefile targets), else from the code's file and function names. A stage is
recognised by what it does: ``get_data``, ``prepare``, ``featurize``, ``train``, ``evaluate``
count like ``ingest``, ``sanitize``, ``features``, ``train``, ``evaluate``.
"""

from __future__ import annotations

import re
from typing import Any

from sekit.grade.detectors.common import Outcome, line_of, non_test, scaled, sources, yaml_documents
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

STAGES = {
    "gather": r"ingest|gather|scrap|collect|fetch|download|crawl|get_?data|load_?data|acquir|"
    r"extract|pull_?data|import_?data",
    "sanitize": r"saniti[sz]|clean|pre_?process|prepar|validat|wrangl|filter|parse",
    "features": r"featur|vectori[sz]|embed|tokeni[sz]|encod|transform",
    "train": r"train|fit\b|fit_",
    "evaluate": r"evaluat|metric|assess|benchmark|scor(e|ing)\b",
    "output": r"predict|inferen|output|serv(e|ing)|export|package|deploy|publish|upload",
}


def _dvc_stages(repo: Repository) -> dict[str, tuple[str, dict[str, Any]]]:
    """stage name -> (file, definition) from every dvc.yaml."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    for relative in repo.exists("*dvc.yaml"):
        for document in yaml_documents(repo, relative):
            stages = document.get("stages") if isinstance(document, dict) else None
            if isinstance(stages, dict):
                for name, spec in stages.items():
                    found[str(name)] = (relative, spec if isinstance(spec, dict) else {})
    return found


def _make_targets(repo: Repository) -> dict[str, str]:
    targets: dict[str, str] = {}
    for relative in repo.exists("Makefile") + repo.exists("*/Makefile"):
        for number, line in enumerate((repo.text(relative) or "").splitlines(), 1):
            match = re.match(r"^([A-Za-z0-9_./-]+)\s*:(?!=)", line)
            if match and not match.group(1).startswith("."):
                targets[match.group(1)] = f"{relative}:{number}: {line.strip()[:80]}"
    return targets


def _classify(text: str) -> list[str]:
    return [stage for stage, pattern in STAGES.items() if re.search(pattern, text, re.IGNORECASE)]


@item("ml.pipeline", "ML pipeline", "the pipeline stages, gather to output", points=5)
def pipeline_stages(repo: Repository) -> Outcome:
    """A share per stage found (gather, sanitize, features, train, evaluate, output); met at
    five of six (a training repository that hands its model to a separate service has no
    output stage). Around a given endpoint (the course's first phase: ``[model].endpoint``) the
    stage that calls it stands for training and evaluation."""
    found: dict[str, str] = {}
    if _calls_an_endpoint(repo):
        calling = _call_stage(repo)
        if calling is not None:
            found["train"] = found["evaluate"] = f"{calling} (calls the given endpoint)"
    for name, (relative, spec) in _dvc_stages(repo).items():
        command = spec.get("cmd", "")
        command = " ".join(command) if isinstance(command, list) else str(command)
        stages = _classify(name) or _classify(" ".join(re.findall(r"[\w./-]+\.py", command)))
        where = line_of(repo, relative, r"^\s*" + re.escape(name) + r"\s*:")
        for stage in stages:
            found.setdefault(stage, f"{where} (DVC stage {name!r})")
    tracked = [f for f in repo.exists("*.dvc") if "outs:" in (repo.text(f) or "")]
    if tracked and "gather" not in found:  # raw data pulled from a DVC remote
        found["gather"] = f"{tracked[0]} (data pulled with `dvc pull`)"
    for name, where in _make_targets(repo).items():
        for stage in _classify(name):
            found.setdefault(stage, f"{where} (Makefile)")
    names = sources(repo)
    for stage, pattern in STAGES.items():
        if stage in found:
            continue
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
    return scaled(len(found) / 6, evidence, met_at=5 / 6)


def _calls_an_endpoint(repo: Repository) -> bool:
    return bool(repo.grep(r"^\s*endpoint\s*=\s*[\"']https?://", ("sekit.toml",), limit=1))


def _call_stage(repo: Repository) -> str | None:
    """Where the pipeline calls the endpoint: a DVC stage or a module named for it."""
    for name, (relative, _) in _dvc_stages(repo).items():
        if re.search(r"call|query|request|infer|ask|llm|api", name, re.I):
            return line_of(repo, relative, r"^\s*" + re.escape(name) + r"\s*:")
    hit = repo.grep(
        r"\.post\(|chat\.completions|/predict", tuple(sources(repo)) or ("*.py",), limit=1
    )
    return str(hit[0]) if hit else None


ORCHESTRATORS = re.compile(
    r"from (kedro|prefect|zenml|metaflow|airflow|dagster|luigi)\b|import (kedro|prefect|zenml|"
    r"metaflow|airflow|dagster|luigi)\b",
)


@item("ml.pipeline_tool", "ML pipeline", "a pipeline tool reruns only what changed", points=3)
def pipeline_tool(repo: Repository) -> Outcome:
    """A pipeline tool that reruns only what changed: DVC stages with dependencies and outputs
    (or metrics, plots; a ``dvc.lock`` shows it ran), a Makefile with file targets, or an
    orchestrator."""
    stages = _dvc_stages(repo)
    if stages:
        wired = [  # a last stage may write only metrics or plots
            n
            for n, (_, spec) in stages.items()
            if spec.get("deps") and any(spec.get(k) for k in ("outs", "metrics", "plots"))
        ]
        relative = next(iter(stages.values()))[0]
        evidence = [f"{relative}: {len(stages)} stages, {len(wired)} with deps and outs"]
        locked = "dvc.lock" in repo.files or any(f.endswith("/dvc.lock") for f in repo.files)
        if locked:
            evidence.append("dvc.lock records the last run")
        share = 0.4 + 0.4 * (len(wired) / len(stages)) + 0.2 * locked
        return scaled(share, evidence, met_at=0.8)
    targets = _make_targets(repo)
    files = [w for t, w in targets.items() if "." in t.rsplit("/", 1)[-1]]
    if files:
        return Outcome("met", [f"Makefile with file targets: {files[0]}"])
    orchestrated = repo.grep(ORCHESTRATORS.pattern, non_test(repo), limit=1)
    if orchestrated:
        return Outcome("met", [f"orchestrator: {orchestrated[0]}"])
    for name in ("Snakefile", "dvc.yaml"):
        if name in repo.files:
            return Outcome("met", [name])
    if targets:
        return Outcome(
            "partial", [f"Makefile targets without files: {next(iter(targets.values()))}"]
        )
    return Outcome(
        "missing",
        ["no pipeline tool (DVC stages, Makefile, orchestrator) reruns only what changed"],
    )


TRACKING = (
    r"mlflow\.(log_\w+|autolog|start_run|set_experiment|\w+\.log_model)|"
    r"\bLive\(|dvclive|wandb\.(init|log)|neptune\.init|comet_ml|SummaryWriter\("
)
LOGS_METRICS = r"mlflow\.(log_metrics?|autolog)\b|\.log_metric\(|wandb\.log\(|Live\(|dvclive"
LOGS_PARAMS = r"mlflow\.(log_params?|autolog)\b|\.log_param\(|wandb\.config"
LOGS_MODEL = r"mlflow\.\w+\.log_model|mlflow\.register_model|log_artifact"


@item("ml.experiments", "ML pipeline", "experiments tracked with their metrics", points=3)
def experiments(repo: Repository) -> Outcome:
    """Tracked experiments, each part with its evidence: a tracking library in the training
    code (MLflow, DVCLive, W&B, ...) 0.4; metrics recorded where a comparison tool finds them
    (logged metrics, DVC metrics) 0.3; parameters recorded (logged, or DVC params) 0.15; the
    model logged with its run (an MLflow model, an artifact) 0.15."""
    code = non_test(repo)
    logged = repo.grep(TRACKING, code, limit=3)
    dvc_yaml = [(r, repo.text(r) or "") for r in repo.exists("*dvc.yaml")]
    dvc_metrics = [r for r, text in dvc_yaml if re.search(r"^\s*metrics\s*:", text, re.M)]
    dvc_params = [r for r, text in dvc_yaml if re.search(r"^\s*params\s*:", text, re.M)]
    metrics = repo.grep(LOGS_METRICS, code, limit=1)
    params = repo.grep(LOGS_PARAMS, code, limit=1)
    model = repo.grep(LOGS_MODEL, code, limit=1)
    parts = [
        (0.4, [f"tracking: {h}" for h in logged[:2]]),
        (
            0.3,
            [f"metrics logged: {h}" for h in metrics[:1]]
            + [f"{r}: DVC metrics" for r in dvc_metrics[:1]]
            + list(repo.exists("*dvclive/metrics.json"))[:1],
        ),
        (
            0.15,
            [f"parameters logged: {h}" for h in params[:1]]
            + [f"{r}: DVC params" for r in dvc_params[:1]],
        ),
        (0.15, [f"model logged with its run: {h}" for h in model[:1]]),
    ]
    evidence = [line for _, lines in parts for line in lines]
    if not evidence:
        return Outcome("missing", ["no experiment tracking (MLflow, DVC metrics, DVCLive, W&B)"])
    return scaled(sum(weight for weight, lines in parts if lines), evidence, met_at=0.85)


@item("ml.gates", "ML pipeline", "sekit.toml with schema, behaviour and gates", points=3)
def sekit_config(repo: Repository) -> Outcome:
    """A valid sekit config: a quarter for it, the rest shared by a schema, behaviour
    properties and at least three gates; for a chat model also by its prompt under version
    control, repeated trials and prompt-injection probes; for a recommender also by ranking
    metrics gated, a gain over the most popular items gated, and a split by time."""
    from sekit.config.loader import load_config
    from sekit.errors import ConfigError

    if "sekit.toml" in repo.files:  # the index holds no link that leads outside
        source = repo.root / "sekit.toml"
    elif repo.grep(r"^\[tool\.sekit", ("pyproject.toml",)):
        source = repo.root / "pyproject.toml"
    else:
        return Outcome("missing", ["no sekit.toml or [tool.sekit]"])
    try:
        config = load_config(source)  # reads TOML only; runs nothing
    except ConfigError as exc:
        return Outcome("partial", [f"sekit.toml does not validate: {exc.problems[0]}"], 0.25)
    model = config.model
    # a given endpoint's contract is its answers (labels, a JSON Schema): that is its schema
    contract = model is not None and bool(model.labels or model.answer_schema)
    from sekit.grade.detectors.ranking import ranking_parts

    # a text endpoint's and a recommender's behaviour tests run without configuration
    unconfigured = model is not None and (model.calls_text or model.task == "ranking")
    parts = {
        "schema": bool(config.data and config.data.columns) or contract,
        "behaviour": bool(config.behaviour) or unconfigured,
        "gates": len(config.gates) >= 3,
        **ranking_parts(config),
    }
    if model is not None and model.protocol == "openai" and model.endpoint is not None:
        parts.update(_chat_parts(repo, model))
    evidence = [f"{name}: {'yes' if ok else 'no'}" for name, ok in parts.items()]
    evidence.append(f"{len(config.gates)} gates, {len(config.behaviour)} behaviour properties")
    return scaled(0.25 + 0.75 * sum(parts.values()) / len(parts), evidence)


def _chat_parts(repo: Repository, model: Any) -> dict[str, bool]:
    """What a chat model's config is credited for, from files only: the prompt in a file that
    is committed (not inline in the config), repeated trials written down (a sampling model's
    verdicts are rates), and injection probes the team engaged with (a guard in the prompt
    file, or a [model.injection] table of its own: the defaults alone earn nothing)."""
    prompt = _committed(repo, model.prompt_file)
    guard = False
    if prompt is not None and prompt.endswith(".toml"):
        text = repo.text(prompt) or ""
        guard = bool(re.search(r"^\s*\[guard", text, re.MULTILINE))
    return {
        "prompt under version control": prompt is not None,
        "repeated trials": model.text.trials > 1,
        "injection probes": model.injection.probes > 0
        and (guard or "injection" in model.model_fields_set),
    }


def _committed(repo: Repository, path: Any) -> str | None:
    """``path`` (absolute, from the config) as a file of the repository, or None."""
    if path is None:
        return None
    try:
        relative = path.relative_to(repo.root.resolve()).as_posix()
    except ValueError:
        return None
    return relative if relative in repo.files else None


FAIRNESS = (
    r"\bfairlearn\b|\baif360\b|MetricFrame|demographic_parity|equali[sz]ed_odds|"
    r"disparate_impact|equal_opportunity"
)


@item("ml.fairness", "ML pipeline", "fairness analysed per group", points=2)
def fairness(repo: Repository) -> Outcome:
    """A fairness analysis: per-group metrics with a fairness library or sekit's
    ``[model].sensitive``, in code, tests or config."""
    used = repo.grep(FAIRNESS, ("*.py", "*.ipynb"), limit=3)
    declared = repo.grep(r"^\s*sensitive\s*=", ("sekit.toml", "pyproject.toml"), limit=1)
    evidence = [str(h) for h in (declared + used)[:3]]
    if used or declared:
        return Outcome("met", evidence)
    mentioned = repo.grep(r"\bfairness\b|\bbias(ed)?\b.*\bgroup", ("*.md",), limit=1)
    if mentioned:
        return Outcome("partial", [f"{mentioned[0]}: discussed, not measured"], 0.3)
    return Outcome(
        "missing", ["no fairness analysis (per-group metrics, Fairlearn, sensitive attributes)"]
    )


ITEMS: tuple[Item, ...] = (pipeline_stages, pipeline_tool, experiments, sekit_config, fairness)
