"""Whether a numeric feature is a transform of a numeric label, to the precision both are
recorded in (part of the label in disguise, :mod:`.disguise`): ``x = a + b * T(y)`` with ``T``
the identity, the log, ``log(1 + y)``, the square root, the square or the reciprocal, learned
on one side and holding on the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.subjects.types import is_number

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MIN_HELD = 0.99  # share of rows the relation holds on, learned and checked
MIN_ROWS = 20  # checked rows, at least
LEVELS = 10  # a transform must tell this many values of the feature apart, within precision


def resolution(values: np.ndarray) -> float:
    """The step a numeric column is recorded in: 10**-d for the fewest decimals d (at most
    10) that write every value; 0 for values recorded to no fixed precision."""
    import numpy as np

    sample = values[np.isfinite(values)][:2000]
    if len(sample) == 0:
        return 0.0
    scale = max(float(np.max(np.abs(sample))), 1.0)
    for places in range(11):
        if np.allclose(sample, np.round(sample, places), rtol=0, atol=1e-9 * scale):
            return float(10.0**-places)
    return 0.0


def numbers(series: pd.Series) -> np.ndarray | None:
    import numpy as np

    if not is_number(series):
        return None
    return series.to_numpy(dtype="float64", na_value=np.nan)


TRANSFORMS = ("", "log", "log1p", "sqrt", "square", "reciprocal")


def transform(name: str, y: np.ndarray) -> np.ndarray:
    import numpy as np

    made: np.ndarray = y
    with np.errstate(all="ignore"):
        if name == "log":
            made = np.log(y)
        elif name == "log1p":
            made = np.log1p(y)
        elif name == "sqrt":
            made = np.sqrt(y)
        elif name == "square":
            made = y**2
        elif name == "reciprocal":
            made = 1 / y
    return made


def exact(residual: np.ndarray, values: np.ndarray) -> bool:
    """Equal to the float on at least MIN_HELD of at least MIN_ROWS rows of at least three
    values (a relation between a few whole numbers that holds exactly is no accident of
    rounding)."""
    import numpy as np

    if len(values) < MIN_ROWS or len(np.unique(values)) < 3:
        return False
    scale = float(np.max(np.abs(values))) or 1.0
    return held(residual <= 1e-9 * scale)


def held(ok: np.ndarray) -> bool:
    return len(ok) >= MIN_ROWS and float(ok.mean()) >= MIN_HELD


def as_transform(
    x: tuple[np.ndarray, np.ndarray], y: tuple[np.ndarray, np.ndarray], steps: tuple[float, float]
) -> str | None:
    """``x = a + b * T(y)`` on both sides, within the columns' recorded precision."""
    import numpy as np

    for name in TRANSFORMS:
        sides = []
        for xs, ys in zip(x, y, strict=True):
            ty = transform(name, ys)
            keep = np.isfinite(xs) & np.isfinite(ty)
            sides.append((xs[keep], ys[keep], ty[keep]))
        fit_x, _, fit_t = sides[0]
        if len(fit_x) < MIN_ROWS or np.ptp(fit_t) == 0 or np.ptp(fit_x) == 0:
            continue
        slope, intercept = np.polyfit(fit_t, fit_x, 1)
        if slope == 0:
            continue
        holds = True
        # the fitted line must span the ten levels, not the feature alone: a feature that is
        # zero on nearly every row fits any label within its precision with a flat line
        span = abs(slope) * float(np.ptp(np.concatenate([side[2] for side in sides])))
        for xs, ys, ty in sides:
            if len(xs) < MIN_ROWS:
                holds = False
                break
            half = steps[1] / 2
            spread = np.abs(transform(name, ys + half) - transform(name, ys - half))
            spread = np.where(np.isfinite(spread), spread, 0.0)
            residual = np.abs(xs - (intercept + slope * ty))
            if exact(residual, xs):
                continue  # exact to the float: no precision to allow for
            # half a step of each column, and half again for the fitted line's own error
            tolerance = 1.5 * (steps[0] / 2 + abs(slope) * spread / 2) + 1e-9 * (1 + np.abs(xs))
            # coarse columns (a few whole numbers) agree within their precision by accident:
            # the relation must tell at least LEVELS values of the feature apart
            if float(np.max(tolerance)) * LEVELS > span:
                holds = False
            holds = holds and held(residual <= tolerance)
        if holds:
            what = f"{name}(label)" if name else "label"
            return f"= {intercept:.4g} + {slope:.4g} * {what}"
    return None
