"""The label in disguise: a feature, or two, from which the label follows exactly (part of
``label_leakage``).

A strong feature may be honest; a feature from which the label *follows exactly*, on rows it
was not learned from, is the label kept in another form. Each relation is learned on the
training rows and must then hold on the test rows (without a test set: learned on one half of
train, checked on the other), to the precision the columns are recorded in. Nothing here is a
test of significance: a relation that holds on every held-out row is a fact, which is why these
findings block by default (``docs/explanation/trust.md``: certain from the data itself).

* **a transform** of a numeric label: ``x = a + b * T(label)`` with ``T`` the identity (unit
  changes, complements, shifts), the log, ``log(1 + y)``, the square root, the square or the
  reciprocal;
* **a recoding or a lookup**: each value of the feature (a code, a name, a number) belongs to
  one value of the label, and the table learned on train tells every test row's label (an
  entity's id is not a lookup: a random split of repeated entities is ``repeated_entities``;
  a score of at most ``FEW_VALUES`` values, which a transform cannot judge, is looked up too);
* **a threshold**: sorting by a numeric feature puts the classes in as many runs as there are
  classes (``inlf = hours > 0``), and the cut points learned on train sort the test rows;
* **two columns**: the sum or the difference of two numeric features is the label (riders =
  casual + registered), or a recoding of its classes.

A relation counts when it holds on at least ``MIN_HELD`` of the rows it is learned on and of
the rows it is checked on, and there are at least ``MIN_ROWS`` of those (a data-entry error in
one row does not hide a leak; a handful of rows proves nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sekit.checks.data.transforms import (
    LEVELS,
    MIN_HELD,
    MIN_ROWS,
    as_transform,
    exact,
    held,
    numbers,
    resolution,
)
from sekit.subjects.datasets import DataBundle
from sekit.subjects.types import is_number

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MAX_PAIRS = 60  # numeric features looked at in pairs (the first, in the table's order)
SCREEN = 64  # rows a pair is screened on before it is checked on all of them
FEW_VALUES = 20  # a numeric label of at most this many values is looked up as classes are


@dataclass(frozen=True)
class Disguise:
    """One relation that gives the label away."""

    columns: tuple[str, ...]
    relation: str  # how the label follows, in words
    checked: int  # rows it was checked on (not learned from)
    where: str  # which rows those are


def _sides(bundle: DataBundle) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(rows to learn on, rows to check on, what the check rows are), labelled rows only."""
    import numpy as np

    label = bundle.label
    assert label is not None
    train = bundle.sampled("train", 100_000)
    train = train[train[label].notna()]
    if bundle.test is not None and label in bundle.test.frame.columns:
        test = bundle.sampled("test", 100_000)
        return train, test[test[label].notna()], "test rows"
    half = np.random.default_rng(0).random(len(train)) < 0.5
    return train[half], train[~half], "training rows it was not learned from"


def _lookup(fit: pd.Series, fit_y: pd.Series, check: pd.Series, check_y: pd.Series) -> bool:
    """Each value of the feature on the learning rows has one label, and that table gives
    the label of the checked rows (nearly all of which have a value it knows). ``fit_y`` and
    ``check_y``: the label as text (:func:`_as_text`, made once for every feature)."""
    import pandas as pd

    if is_number(fit) and _mostly_distinct(fit[fit_y.notna()]):
        return False  # the table below would have a value per row or so (and costs the most)
    # A value with two labels among a few rows has them among all: most features are out
    # before all their values are written as text.
    screen = pd.DataFrame({"x": fit.iloc[:SCREEN].astype("string"), "y": fit_y.iloc[:SCREEN]})
    if _two_labels(screen.dropna()):
        return False
    learned = pd.DataFrame({"x": fit.astype("string"), "y": fit_y}).dropna()
    if len(learned) < MIN_ROWS or _two_labels(learned):
        return False
    table = learned.groupby("x")["y"].first()
    if len(table) < 2 or len(table) > len(learned) / 2:
        return False  # one value per row or so: nothing is learned, nothing is checked
    told = check.astype("string").map(table)
    known = told.notna()
    if float(known.mean()) < MIN_HELD:
        return False
    return held((told[known] == check_y[known]).to_numpy(dtype=bool))


def _two_labels(rows: pd.DataFrame) -> bool:
    """Whether a value of ``x`` has two values of ``y``."""
    return len(rows) > 0 and int(rows.groupby("x")["y"].nunique().max()) > 1


def _mostly_distinct(numbers: pd.Series) -> bool:
    """More distinct values than half the values present, so more distinct texts too (a
    number's text is a function of it): no lookup is learned. Cheaper than writing texts."""
    present = int(numbers.notna().sum())
    return present > 0 and int(numbers.nunique()) > present / 2


def _as_text(fit: pd.Series, check: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """The label of both sides as text (lookups), and as codes of one coding (thresholds):
    made once for every feature."""
    import numpy as np
    import pandas as pd

    texts = np.concatenate([fit.to_numpy().astype(str), check.to_numpy().astype(str)])
    codes = pd.factorize(texts)[0]
    return fit.astype("string"), check.astype("string"), codes


def _threshold(fit: np.ndarray, fit_y: np.ndarray, check: np.ndarray, check_y: np.ndarray) -> bool:
    """Sorting the learning rows by the feature puts the classes in as many runs as there
    are classes (no value shared by two classes), and those runs sort the checked rows.
    ``fit_y`` and ``check_y``: the label's codes (one coding of its text for both sides)."""
    import numpy as np

    keep = ~np.isnan(fit)
    if int(keep.sum()) < MIN_ROWS:
        return False
    x, y = fit[keep], fit_y[keep]
    # Classes that are runs of the sorted rows are runs of any subset of them too: the first
    # rows rule most features out before all of them are sorted.
    if _runs(x[:SCREEN], y[:SCREEN]) is None:
        return False
    found = _runs(x, y)
    if found is None:
        return False
    values, first, runs = found
    if len(runs) < 2:
        return False  # one class
    last = np.r_[first[1:] - 1, len(values) - 1]
    present = ~np.isnan(check)
    if present.sum() < MIN_ROWS:
        return False
    # each checked row belongs to the run it falls in (cut halfway between runs)
    cuts = (values[last[:-1]] + values[first[1:]]) / 2
    told = runs[np.searchsorted(cuts, check[present], side="right")]
    return held(told == check_y[present])


def _runs(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Sorted by ``x``, each class of ``y`` in one run and no value of ``x`` in two classes:
    (the sorted values, where each run starts, its class); None when not (or one class)."""
    import numpy as np

    classes = len(np.unique(y))
    order = np.argsort(x, kind="stable")
    values, y = x[order], y[order]
    differs = y[1:] != y[:-1]
    if bool((differs & (values[1:] == values[:-1])).any()):
        return None  # a value shared by two classes
    change = np.r_[True, differs]
    if int(change.sum()) != classes:
        return None
    return values, np.flatnonzero(change), y[change]


def find(bundle: DataBundle, skip: set[str]) -> list[Disguise]:
    """Every feature (or pair) from which the label follows exactly; ``skip``: the columns
    that name an entity (their lookup is repeated_entities' to report)."""
    label = bundle.label
    assert label is not None
    fit, check, where = _sides(bundle)
    if len(fit) < MIN_ROWS or len(check) < MIN_ROWS:
        return []
    features = [c for c in bundle.features if c in check.columns and c not in skip]
    y_fit, y_check = fit[label], check[label]
    y_text, y_check_text, y_codes = _as_text(y_fit, y_check)
    numeric_y = numbers(y_fit)
    classes = int(y_fit.nunique())
    classification = bundle.is_classification()
    y_sides: tuple[np.ndarray, np.ndarray] | None = None
    y_step = 0.0
    check_y = numbers(y_check)
    if numeric_y is not None and check_y is not None and not classification:
        y_sides = (numeric_y, check_y)
        y_step = resolution(numeric_y)
    found: list[Disguise] = []
    numeric: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for column in features:
        x_fit, x_check = numbers(fit[column]), numbers(check[column])
        if x_fit is not None and x_check is not None:
            numeric[column] = (x_fit, x_check)
        relation = None
        if y_sides is not None and x_fit is not None and x_check is not None:
            formula = as_transform((x_fit, x_check), y_sides, (resolution(x_fit), y_step))
            if formula is not None:
                relation = f"{column!r} {formula}"
        if relation is None and (classification or classes <= FEW_VALUES):
            if _lookup(fit[column], y_text, check[column], y_check_text):
                relation = f"each value of {column!r} belongs to one {label!r}"
            elif (
                classification
                and x_fit is not None
                and x_check is not None
                and classes <= 20
                and _threshold(x_fit, y_codes[: len(fit)], x_check, y_codes[len(fit) :])
            ):
                relation = f"{label!r} is {column!r} cut at {classes - 1} point(s)"
        if relation is not None:
            found.append(Disguise((column,), relation, len(check), where))
    taken = {c for d in found for c in d.columns}
    pairs = [c for c in numeric if c not in taken][:MAX_PAIRS]
    labels = (y_text, y_check_text, classes)
    found += _pairs(bundle, pairs, numeric, labels, y_sides, y_step, len(check), where)
    return found


def _pairs(
    bundle: DataBundle,
    names: list[str],
    numeric: dict[str, tuple[np.ndarray, np.ndarray]],
    labels: tuple[pd.Series, pd.Series, int],
    y_sides: tuple[np.ndarray, np.ndarray] | None,
    y_step: float,
    checked: int,
    where: str,
) -> list[Disguise]:
    """Two numeric features whose sum or difference is the label (numbers) or a recoding of
    its classes: screened on a few rows, then checked on all. ``labels``: the label as text
    on both sides, and its number of classes."""
    import numpy as np
    import pandas as pd

    if len(names) < 2:
        return []
    classification = bundle.is_classification()
    if y_sides is None and not classification:
        return []
    steps = {c: resolution(numeric[c][0]) for c in names}
    head = min(SCREEN, len(numeric[names[0]][0]))
    found: list[Disguise] = []
    used: set[str] = set()
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if a in used or b in used:
                continue
            for sign, word in ((1.0, "+"), (-1.0, "-")):
                made = tuple(numeric[a][k] + sign * numeric[b][k] for k in (0, 1))
                relation = None
                if y_sides is not None:
                    tolerance = (y_step + steps[a] + steps[b]) / 2 + 1e-9
                    equal = all(
                        exact(np.abs(m - y)[np.isfinite(m) & np.isfinite(y)], y[np.isfinite(y)])
                        for m, y in zip(made, y_sides, strict=True)
                    )
                    if equal:
                        found.append(
                            Disguise(
                                (a, b), f"{bundle.label!r} = {a!r} {word} {b!r}", checked, where
                            )
                        )
                        used |= {a, b}
                        break
                    if tolerance * LEVELS > float(np.nanmax(y_sides[0]) - np.nanmin(y_sides[0])):
                        continue  # a few whole numbers add up by accident, within precision
                    screen = np.abs(made[0][:head] - y_sides[0][:head]) <= tolerance * (
                        1 + 1e-9 * np.abs(y_sides[0][:head])
                    )
                    if np.nanmean(screen) < 0.9:
                        continue
                    within = all(
                        held(
                            (np.abs(m - y) <= tolerance * (1 + 1e-9 * np.abs(y)))[
                                np.isfinite(m) & np.isfinite(y)
                            ]
                        )
                        for m, y in zip(made, y_sides, strict=True)
                    )
                    if within:
                        relation = f"{bundle.label!r} = {a!r} {word} {b!r}"
                elif classification:
                    values = made[0][:head]
                    if len(np.unique(values[np.isfinite(values)])) > labels[2]:
                        continue
                    if _lookup(
                        pd.Series(made[0]),
                        labels[0].reset_index(drop=True),
                        pd.Series(made[1]),
                        labels[1].reset_index(drop=True),
                    ):
                        relation = f"{a!r} {word} {b!r} recodes {bundle.label!r}"
                if relation is not None:
                    found.append(Disguise((a, b), relation, checked, where))
                    used |= {a, b}
                    break
    return found
