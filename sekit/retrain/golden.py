"""The golden rows: the retrained model against the champion on rows feedback cannot change.

Feedback goes into the training data, and with it into every test split made after it: a loop
fed wrong labels measures each new model on a different, and differently wrong, test set, and
can promote models that get worse each time (0.977, 0.954, 0.943). ``[retrain].golden`` names
rows the pipeline keeps aside before any feedback joins (the scaffold fixes them by a hash of
each row's features in the sanitize stage; feedback rows never enter them), so every challenger
and every champion are compared on the same rows with the same labels.

**The rule (non-inferiority on the golden rows).** Both models predict every golden row; the
comparison is paired. Classification: ``lost`` rows only the champion gets right, ``won`` rows
only the challenger does. The challenger is *not* promoted when

* its golden accuracy is below the champion's by more than ``[retrain].golden_margin``
  (default 0: ``lost > won`` refuses it; it may lose no ground at all), or
* McNemar's exact test (scipy's binomial test on the ``lost + won`` rows that differ) finds it
  worse, one-sided p below :data:`ALPHA`: with a margin, a loss inside the margin still counts
  when it is beyond chance.

Regression: the mean absolute error instead of accuracy (the margin is a relative increase of
the MAE), and the paired bootstrap of the absolute errors instead of McNemar's test.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.errors import InputError

if TYPE_CHECKING:
    from sekit.config.schema import Config

ALPHA = 0.05


@dataclass(frozen=True)
class Comparison:
    """The two models on the golden rows, and the decision."""

    rows: int
    metric: str  # accuracy | mae
    champion: float
    challenger: float
    lost: int | None  # classification: rows only the champion gets right
    won: int | None  # classification: rows only the challenger gets right
    p_value: float  # that the challenger is worse (one-sided)
    margin: float
    promote: bool
    why: str

    def record(self) -> dict[str, Any]:
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def decide(
    challenger_loss: Any, champion_loss: Any, *, classification: bool, margin: float
) -> Comparison:
    """The rule of this module on per-row losses (0/1 for a wrong class, absolute errors)."""
    import numpy as np

    from sekit import stats

    new, old = np.asarray(challenger_loss, float), np.asarray(champion_loss, float)
    rows = len(new)
    lost = won = None
    if classification:
        p_value, lost, won = stats.mcnemar(new == 0, old == 0)
        metric, ours, theirs = "accuracy", 1 - float(np.mean(new)), 1 - float(np.mean(old))
        drop = theirs - ours
        shown = (
            f"accuracy {ours:.3f} against the champion's {theirs:.3f} ({lost} rows lost, {won} won"
        )
    else:
        _, _, _, p_value = stats.paired_bootstrap(new, old)
        metric, ours, theirs = "mae", float(np.mean(new)), float(np.mean(old))
        drop = (ours - theirs) / max(theirs, 1e-12)
        shown = f"MAE {ours:.4g} against the champion's {theirs:.4g} ("
    shown += f"; p = {p_value:.2g}, McNemar)" if classification else f"p = {p_value:.2g})"
    where = f"on the {rows} golden rows"
    if drop > margin + 1e-12:
        allowed = "no loss" if margin == 0 else f"a margin of {margin:g}"
        promote, why = False, f"worse than the champion {where}: {shown}; {allowed} is allowed"
    elif p_value < ALPHA:
        promote, why = False, f"worse than the champion beyond chance {where}: {shown}"
    else:
        promote, why = True, f"not worse than the champion {where}: {shown}"
    return Comparison(rows, metric, theirs, ours, lost, won, float(p_value), margin, promote, why)


def golden_rows(path: Path, label: str) -> Any:
    """The golden rows (csv), labelled; an input error naming the file when they cannot be used."""
    import pandas as pd

    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(
            path,
            "file not found",
            key="retrain.golden",
            hint="the pipeline writes it (the scaffold's sanitize stage: dvc repro)",
        ) from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(path, f"not a readable CSV ({exc})", key="retrain.golden") from None
    if label not in frame.columns:
        raise InputError(
            path, f"has no label column {label!r} ([data].label)", key="retrain.golden"
        )
    frame = frame[frame[label].notna()]
    if frame.empty:
        raise InputError(path, "has no labelled row", key="retrain.golden")
    return frame


def compare(config: Config, champion: Config) -> Comparison:
    """``config``'s model (the challenger) against ``champion``'s on ``[retrain].golden``."""
    from sekit.checks.context import Context
    from sekit.subjects.model import subject_from_config
    from sekit.subjects.testset import per_row_losses

    settings = config.retrain
    assert settings is not None and settings.golden is not None
    if config.data is None or config.data.label is None:
        raise InputError(config.source, "the golden rows need [data].label", key="retrain.golden")
    frame = golden_rows(settings.golden, config.data.label)
    truth = frame[config.data.label]
    losses = []
    for subject_config in (config, champion):
        context = Context(subject_config)
        try:
            subject = subject_from_config(context)
            loss, classification = per_row_losses(subject, frame, truth)
        finally:
            context.close()
        losses.append(loss)
    return decide(
        losses[0], losses[1], classification=classification, margin=settings.golden_margin
    )
