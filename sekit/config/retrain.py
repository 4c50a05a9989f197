"""``[retrain]``: when the retraining loop retrains, and how (``sekit retrain``)."""

from __future__ import annotations

import shlex

from pydantic import Field, field_validator, model_validator

from sekit.config.values import Duration, ModelLocation, ProjectPath, Section


class Retrain(Section):
    """``[retrain]``: the retraining loop's policy (new labels, a failing monitor, a schedule)
    and its steps: pull the feedback, retrain, gate, compare with the champion, promote, switch
    the running service (``sekit retrain``)."""

    min_labels: int | None = Field(
        None,
        ge=1,
        description="retrain when at least this many labels came back since the last retraining "
        "(rows of `labels`)",
    )
    on_monitor: bool = Field(
        False,
        description="retrain when `sekit check monitor` fails on the served log (accuracy drop, "
        "drift, SLOs)",
    )
    every: Duration | None = Field(
        None, gt=0, description="retrain when the last retraining is older than this (e.g. 3d)"
    )
    labels: ProjectPath | None = Field(
        None,
        description="the labelled feedback that training uses (csv, parquet or jsonl), counted "
        "for min_labels, e.g. feedback/labelled.csv",
    )
    pull: str | None = Field(
        None,
        min_length=1,
        description="command that brings the feedback into `labels` before anything is decided",
    )
    train: str = Field(
        "dvc repro", min_length=1, description="command that retrains ([model].path is its output)"
    )
    promote: str | None = Field(
        None,
        min_length=1,
        description="command that makes the retrained model the champion (run only when the gate "
        "and the release check pass)",
    )
    champion: ModelLocation | None = Field(
        None,
        description="the deployed model `sekit check release` compares against (default: "
        "[model].baseline), e.g. models:/<name>@champion",
    )
    reload: str | None = Field(
        None,
        min_length=1,
        description="the running service's URL, or env:VAR (the switch is skipped while VAR is "
        "unset): after promotion, POST <reload>/admin/reload switches it to `serve` without "
        "downtime",
    )
    serve: str | None = Field(
        None,
        min_length=1,
        description="what the service is told to load (default: champion), e.g. "
        "models:/<name>@champion",
    )
    token: str = Field(
        "ADMIN_TOKEN",
        pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="environment variable holding the service's admin token (never the token)",
    )
    record: ProjectPath | None = Field(
        None,
        description="JSON lines, one record per `sekit retrain` run, to commit (default: "
        "retrain/history.jsonl)",
    )
    timeout: Duration = Field(1800.0, gt=0, description="time limit of each command")
    golden: ProjectPath | None = Field(
        None,
        description="held-out labelled rows that feedback never changes (csv; the scaffold's "
        "pipeline keeps data/golden/golden.csv): the retrained model must not be worse than the "
        "champion on them, by golden_margin and by McNemar's exact test, or it is not promoted",
    )
    golden_margin: float = Field(
        0.0,
        ge=0,
        lt=1,
        description="how much worse on the golden rows a retrained model may be and still be "
        "promoted: accuracy points (classification) or relative MAE increase (regression)",
    )

    @field_validator("pull", "train", "promote")
    @classmethod
    def _a_command_line(cls, value: str | None) -> str | None:
        if value is None:
            return value
        try:
            words = shlex.split(value)
        except ValueError as exc:
            raise ValueError(f"not a command line ({exc})") from None
        if not words:
            raise ValueError("the command is empty")
        return value

    @model_validator(mode="after")
    def _a_trigger(self) -> Retrain:
        if self.min_labels is None and not self.on_monitor and self.every is None:
            raise ValueError(
                "no trigger: set min_labels, on_monitor = true or every (or several); "
                "`sekit retrain --force` retrains regardless"
            )
        if self.min_labels is not None and self.labels is None:
            raise ValueError("min_labels counts the rows of `labels`: set labels too")
        return self
