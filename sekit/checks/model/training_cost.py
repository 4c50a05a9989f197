"""``model.training_cost``: what training the model at ``[model].path`` cost, as measured.

sekit does not train a model on its own; ``sekit retrain`` runs the team's training command
(``[retrain].train``) and measures it: the wall time, the CPU seconds and the largest
resident set of the command and every process it waited for (``wait4``, so a ``dvc repro``
and the ``python train.py`` it ran are both counted), and the md5 of the model file it left,
one line of ``training.jsonl`` beside ``[retrain].record``, written as soon as the training
ends (the gate of the same run reads it). This check finds the training that made the model
file the config names, by that md5, and reports its numbers as metrics for the gates (CMU's
M1 "training cost": ``model.training_seconds = { max = 600 }``).

Without a training record the check is skipped (nothing was measured; a gate on its metrics
then blocks as not measured). A record whose trainings did not make this model file (it was
trained by hand since) is not measured, which blocks: the numbers of another model are never
credited to this one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sekit.bounds import measured
from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome
from sekit.checks.model.footprint import needs_file
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.fs import read_records
from sekit.results import Outcome, not_measured


def _trainings(path: Path) -> list[dict[str, Any]]:
    """The training record's lines, newest first (a line that is not a JSON object is an
    input error: the record is sekit's, and a damaged one is not read around)."""
    return [item for _, item in read_records(path, hint="remove the line")][::-1]


def check_training_cost(ctx: Context) -> Outcome:
    from sekit.provenance import md5
    from sekit.retrain.policy import training_path

    config = ctx.config
    assert config.model is not None and isinstance(config.model.path, Path)  # needs_file
    path = training_path(config)
    shown = path.relative_to(config.root) if path.is_relative_to(config.root) else path
    trained = _trainings(path)
    if not trained:
        return Outcome.skipped(
            reason=f"no training was measured ({shown} does not exist): `sekit retrain` runs "
            "[retrain].train and measures it",
        )
    model_md5 = md5(config.model.path)
    match = next((t for t in trained if t.get("model_md5") == model_md5), None)
    if match is None:
        message = (
            f"training cost not measured: none of the {len(trained)} trainings in {shown} "
            f"made the model at [model].path (md5 {model_md5[:8]}); it was trained otherwise "
            "since. Train it with `sekit retrain` to measure it"
        )
        return outcome([not_measured(message, metric=TRAINING_SECONDS.name)], message)
    when = str(match.get("time", "?"))
    values = {
        "training_seconds": match.get("wall_seconds"),
        "training_cpu_seconds": match.get("cpu_seconds"),
        "training_peak_bytes": match.get("peak_rss_bytes"),
    }
    metrics = {name: float(v) for name, v in values.items() if v is not None and measured(v)}
    missing = [name for name in values if name not in metrics]
    if missing:
        message = (
            f"training cost not measured: the training of {when} in {shown} that made the "
            f"model recorded no {', '.join(missing)}"
        )
        return outcome([not_measured(message, metric=f"model.{missing[0]}")], message)
    told = (
        f"trained by `sekit retrain` on {when}: {metrics['training_seconds']:.1f} s wall, "
        f"{metrics['training_cpu_seconds']:.1f} CPU s, "
        f"{metrics['training_peak_bytes'] / 1e6:.0f} MB at most in memory"
    )
    return outcome([finding(TRAINING_COST, "info", told, run=when)], told, metrics)


# --- declarations ----------------------------------------------------------------------

TRAINING_COST = Kind(
    "training_cost",
    "what training the model cost: wall time, CPU time and peak memory (info)",
    (
        "A model retrained every day costs its training every day: a pipeline that grew from "
        "minutes to hours, or out of the machine's memory, stops the retraining loop."
    ),
    "Compare the numbers with earlier runs in the retraining history.",
    "Sample or window the training data, cache features, or train incrementally.",
    trust=(
        "Measured by the kernel for the training command and the processes it waited for "
        "(wait4's rusage); a process it left running is not counted."
    ),
)

TRAINING_SECONDS = Metric(
    "model.training_seconds",
    "wall time of the training command that made the model, in seconds",
    "Measured by sekit retrain's train step.",
    "Growing from run to run: the data or the pipeline grew.",
    "See training_cost.",
    gate="max = 600",
)
TRAINING_CPU_SECONDS = Metric(
    "model.training_cpu_seconds",
    "CPU seconds (user and system) of the training command and its processes",
    "Above the wall time: the training ran on several cores.",
    "What the training costs on a machine billed by CPU time.",
    "See training_cost.",
)
TRAINING_PEAK_BYTES = Metric(
    "model.training_peak_bytes",
    "the largest resident memory of the training command or a process it ran, in bytes",
    "ru_maxrss of the command and the processes it waited for.",
    "Near the machine's memory: the next larger data set will not train.",
    "See training_cost.",
    gate="max = 4_000_000_000",
)

TRAINING_COST_CHECK = CheckSpec(
    id="model.training_cost",
    title="the training cost of the model (measured by sekit retrain), for the gates",
    func=check_training_cost,
    emits="`training_cost` (info); error when the history's runs did not make this model",
    kinds=(TRAINING_COST,),
    metrics=(TRAINING_SECONDS, TRAINING_CPU_SECONDS, TRAINING_PEAK_BYTES),
    requires=needs_file,
    settings=("[retrain].train", "[retrain].record", "[model].path"),
)
