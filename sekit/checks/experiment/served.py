"""An experiment's observations, from the prediction log (and the feedback store).

The log is read by :mod:`sekit.subjects.servedlog` (each line validated; invalid lines left out and
counted, and beyond :func:`sekit.bounds.tolerated` the run is not measured: an input error).
Every line of the log with an arm and a user is a request of the experiment; lines marked
``synthetic`` (load tests) and lines outside ``[experiment].start``/``end`` are not (with
``start`` or ``end`` every line needs its time, with a zone). The
metric per request is a field of the log (a number, or true/false as 1/0), or, for
``accuracy`` and ``absolute_error``, the served answer against the label that came back for
that request id (requests without feedback then carry no observation). Each user's
observations are averaged into one value per user (:mod:`.analysis`).

Prometheus is not a source here: its counters have no user, so neither stickiness nor the
user as the unit can be read from them; the log has both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.experiment.options import ExperimentOptions
from sekit.checks.experiment.settings import FEEDBACK_METRICS, LOWER_IS_BETTER, Experiment
from sekit.errors import InputError, UsageError
from sekit.fs import shown_path

if TYPE_CHECKING:
    import pandas as pd

    from sekit.subjects import servedlog


def settings(ctx: Context) -> Experiment:
    found = ctx.config.table(Experiment)
    assert found is not None  # the suite applies only with [experiment]
    return found


def log_path(ctx: Context) -> Path | None:
    """--log, [experiment].log, [monitor].log, else [data].production."""
    from sekit.checks.monitor.settings import Monitor

    chosen = ctx.options.of(ExperimentOptions).log
    if chosen is not None:
        if not chosen.exists():
            raise UsageError(f"--log {chosen}: no such file", hint="name the service's log")
        return chosen
    experiment = settings(ctx)
    if experiment.log is not None:
        return experiment.log
    monitor = ctx.config.table(Monitor)
    if monitor is not None and monitor.log is not None:
        return monitor.log
    data = ctx.config.data
    return data.production if data is not None else None


def feedback_path(ctx: Context) -> Path | None:
    from sekit.checks.monitor.settings import Monitor

    experiment = settings(ctx)
    if experiment.feedback is not None:
        return experiment.feedback
    monitor = ctx.config.table(Monitor)
    return monitor.feedback if monitor is not None else None


@dataclass(frozen=True)
class Observations:
    """The experiment's requests (``user``, ``arm``, ``value``; value missing where the request
    carries no observation) and where they came from."""

    frame: pd.DataFrame
    source: str
    requests: int  # lines of the experiment (with an arm and a user)
    outside: int  # lines without an arm or user, synthetic, or outside start/end
    problems: servedlog.Problems  # invalid lines, left out

    def per_user(self) -> pd.DataFrame:
        """One row per sticky user with observations: arm, value (the user's mean), count."""
        rows = self.frame.dropna(subset=["value"])
        arms = self.frame.groupby("user")["arm"].nunique()
        sticky = rows[rows["user"].map(arms) == 1]
        grouped = sticky.groupby("user").agg(
            arm=("arm", "first"), value=("value", "mean"), count=("value", "size")
        )
        return grouped.reset_index()


def observations(ctx: Context, metric: str | None = None) -> Observations:
    """The experiment's requests with ``metric`` (default ``[experiment].metric``) as each
    one's value; read once per metric."""
    if metric is None or metric == settings(ctx).metric:
        return ctx.shared("experiment.observations", lambda: _read(ctx))
    return ctx.shared(f"experiment.observations.{metric}", lambda: _read(ctx, metric))


def no_log_reason(ctx: Context) -> str | None:
    path = log_path(ctx)
    if path is None:
        return "no prediction log: set [experiment].log (or [monitor].log)"
    if not path.exists():
        return f"no requests logged yet ({shown_path(path, ctx.config.root)} does not exist)"
    return None


def _read(ctx: Context, metric: str | None = None) -> Observations:
    import pandas as pd

    from sekit.subjects import servedlog

    experiment = settings(ctx)
    if metric is not None:
        experiment = experiment.model_copy(update={"metric": metric})
    path = log_path(ctx)
    assert path is not None
    counted = () if experiment.metric in FEEDBACK_METRICS else _counts(experiment.metric)
    fields = servedlog.Fields(
        timestamp=experiment.timestamp,
        request_id=experiment.request_id,
        counts=counted,
        required=(experiment.timestamp,) if experiment.start or experiment.end else (),
    )
    kept, problems = servedlog.read_judged(
        path, fields, unmeasured="the experiment is not measured", unusable=_unusable
    )
    frame = pd.DataFrame.from_records([line.record for line in kept])
    if experiment.start is not None or experiment.end is not None:
        frame["_time"] = pd.Series(
            [line.time for line in kept], index=frame.index, dtype="datetime64[ns, UTC]"
        )
    for field, key in ((experiment.arm, "arm"), (experiment.user, "user")):
        if field not in frame.columns:
            raise InputError(
                path,
                f"the log has no {field!r} field: set [experiment].{key} to the log's field "
                f"that names the {key}",
                key=f"experiment.{key}",
            )
    keep = frame[experiment.arm].notna() & frame[experiment.user].notna()
    if "synthetic" in frame.columns:
        keep &= frame["synthetic"].ne(True)
    if experiment.start is not None or experiment.end is not None:
        keep &= _within(frame, experiment)
    inside = frame[keep]
    values = _values(ctx, inside, experiment, path)
    kept_frame = pd.DataFrame(
        {
            "user": inside[experiment.user].astype(str).to_numpy(),
            "arm": inside[experiment.arm].astype(str).to_numpy(),
            "value": values.to_numpy(dtype="float64"),
        }
    )
    return Observations(
        frame=kept_frame,
        source=shown_path(path, ctx.config.root),
        requests=len(kept_frame),
        outside=int((~keep).sum()),
        problems=problems,
    )


def _unusable(problems: servedlog.Problems) -> tuple[str, str | None]:
    told = f": {problems.describe()}" if problems.invalid else ""
    return f"the prediction log holds no usable JSON object per line{told}", None


def _counts(metric: str) -> tuple[str, ...]:
    """A metric field that counts something (tokens, cost) must not be negative."""
    return (metric,) if metric in LOWER_IS_BETTER and metric != "latency_ms" else ()


def _within(frame: pd.DataFrame, experiment: Experiment) -> pd.Series:
    times = frame["_time"]
    inside = times.notna()
    if experiment.start is not None:
        inside &= times >= _utc(experiment.start)
    if experiment.end is not None:
        inside &= times <= _utc(experiment.end)
    return inside


def _utc(moment: Any) -> Any:
    import pandas as pd

    stamp = pd.Timestamp(moment)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _values(ctx: Context, frame: pd.DataFrame, experiment: Experiment, path: Path) -> pd.Series:
    """The metric per request (NaN: no observation)."""
    import pandas as pd

    metric = experiment.metric
    if metric in FEEDBACK_METRICS:
        return _from_feedback(ctx, frame, experiment, path)
    if metric not in frame.columns:
        raise InputError(
            path,
            f"the log has no {metric!r} field to measure: set [experiment].metric to accuracy, "
            "absolute_error or a field of the log",
            key="experiment.metric",
        )
    column = frame[metric]
    if column.map(lambda v: isinstance(v, bool)).any():
        column = column.map(lambda v: float(v) if isinstance(v, bool) else v)
    numbers = pd.to_numeric(column, errors="coerce")
    if numbers.notna().sum() == 0 and len(frame):
        raise InputError(
            path,
            f"the log's {metric!r} field holds no number or true/false value",
            key="experiment.metric",
        )
    return numbers.where(numbers.map(lambda v: math.isfinite(v) if v == v else False))


def _from_feedback(
    ctx: Context, frame: pd.DataFrame, experiment: Experiment, path: Path
) -> pd.Series:
    import pandas as pd

    from sekit.subjects.feedback import as_labels, read_feedback

    store = feedback_path(ctx)
    if store is None:
        raise UsageError(
            f"[experiment].metric = {experiment.metric!r} needs the feedback store",
            hint="set [experiment].feedback (or [monitor].feedback)",
        )
    label = ctx.config.data.label if ctx.config.data is not None else None
    field = experiment.prediction or (
        "prediction" if "prediction" in frame.columns else f"answer_{label}" if label else None
    )
    if field is None or field not in frame.columns:
        raise InputError(
            path,
            f"the log has no prediction field ({field or 'prediction'}): set "
            "[experiment].prediction",
            key="experiment.prediction",
        )
    if experiment.request_id not in frame.columns:
        raise InputError(
            path,
            f"the log has no {experiment.request_id!r} field to join the feedback on",
            key="experiment.request_id",
        )
    labels = read_feedback(store, label).set_index("request_id")["label"]
    truth = frame[experiment.request_id].map(labels)
    if experiment.metric == "accuracy":
        served, true = as_labels(frame[field]), as_labels(truth)
        right = (served == true).astype("float64")
        return right.where(true.notna())
    served_n = pd.to_numeric(frame[field], errors="coerce")
    true_n = pd.to_numeric(truth, errors="coerce")
    return (served_n - true_n).abs()
