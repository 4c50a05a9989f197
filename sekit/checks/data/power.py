"""How well features predict the label on rows they were not fitted on ("power").

A feature's power comes from a one-feature lookup model: numbers are cut into 20 quantile bins,
categories are used as they are; each bin predicts its majority class (classification) or its
mean (regression). Power is the accuracy gain over always predicting the majority class, scaled
to 0..1, or the R² (floored at 0). Fitting on one part and scoring on another keeps an
identifier column, which fits its own rows perfectly, from looking powerful.

To compare a feature with *the other features together*, both are given the same learner
(scikit-learn's ``HistGradientBoosting``) and the same cross-validation folds, and scored on
the same held-out rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sekit.subjects.datasets import DataBundle
from sekit.subjects.types import is_number, looks_categorical

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

BINS = 20
MAX_ROWS = 200_000  # rows per side used to estimate a feature's power
CV_ROWS = 20_000  # rows used to compare a feature with the others (cross-validated)
FOLDS = 3


def feature_power(
    fit_x: pd.Series,
    fit_y: pd.Series,
    score_x: pd.Series,
    score_y: pd.Series,
    *,
    classification: bool,
) -> float:
    """How well ``x`` alone predicts ``y`` on the scoring rows: 0 (no better than a constant)
    to 1 (perfectly)."""
    fit_codes, score_codes = _codes(fit_x, score_x)
    if classification:
        fit_labels, score_labels = _codes(fit_y, score_y, categorical=True)
        return _class_power(fit_codes, fit_labels, score_codes, score_labels)
    return _regression_power(
        fit_codes, fit_y.to_numpy(dtype="float64"), score_codes, score_y.to_numpy(dtype="float64")
    )


def _class_power(
    fit_x: np.ndarray, fit_y: np.ndarray, score_x: np.ndarray, score_y: np.ndarray
) -> float:
    """Each bin predicts its majority class; gain in accuracy over the overall majority."""
    import numpy as np

    fit_x, score_x = fit_x + 1, score_x + 1  # code -1 (missing) becomes bin 0
    bins = int(max(fit_x.max(), score_x.max())) + 1
    labels = int(max(fit_y.max(), score_y.max())) + 1
    table = np.bincount(fit_x * labels + fit_y, minlength=bins * labels).reshape(bins, labels)
    fallback = int(np.bincount(fit_y, minlength=labels).argmax())
    majority = np.where(table.sum(axis=1) > 0, table.argmax(axis=1), fallback)
    accuracy = float(np.mean(majority[score_x] == score_y))
    baseline = float(np.mean(score_y == fallback))
    if baseline >= 1:
        return 0.0
    return max(0.0, (accuracy - baseline) / (1 - baseline))


def _regression_power(
    fit_x: np.ndarray, fit_y: np.ndarray, score_x: np.ndarray, score_y: np.ndarray
) -> float:
    """Each bin predicts its mean; R² on the scoring rows, floored at 0."""
    import numpy as np

    fit_x, score_x = fit_x + 1, score_x + 1
    bins = int(max(fit_x.max(), score_x.max())) + 1
    valid = ~np.isnan(fit_y)
    sums = np.bincount(fit_x[valid], weights=fit_y[valid], minlength=bins)
    counts = np.bincount(fit_x[valid], minlength=bins)
    fallback = float(fit_y[valid].mean())
    means = np.where(counts > 0, sums / np.maximum(counts, 1), fallback)
    keep = ~np.isnan(score_y)
    actual = score_y[keep]
    total = float(np.sum((actual - actual.mean()) ** 2))
    if total == 0:
        return 0.0
    error = float(np.sum((actual - means[score_x[keep]]) ** 2))
    return max(0.0, 1 - error / total)


def _codes(
    fit: pd.Series, score: pd.Series, *, categorical: bool | None = None, bins: int = BINS
) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes shared by both sides: quantile bins for numbers, else the values."""
    import numpy as np
    import pandas as pd

    if categorical is None:
        categorical = not is_number(fit) or looks_categorical(fit)
    if categorical:
        codes, _ = pd.factorize(pd.concat([fit, score], ignore_index=True))
        return codes[: len(fit)], codes[len(fit) :]
    fit_values = fit.to_numpy(dtype="float64", na_value=np.nan)
    score_values = score.to_numpy(dtype="float64", na_value=np.nan)
    if np.isnan(fit_values).all():
        return np.full(len(fit_values), -1), np.full(len(score_values), -1)
    edges = np.unique(np.nanquantile(fit_values, np.linspace(0, 1, bins + 1))[1:-1])

    def cut(values: np.ndarray) -> np.ndarray:
        codes = np.searchsorted(edges, values, side="right")
        return np.where(np.isnan(values), -1, codes)

    return cut(fit_values), cut(score_values)


def _fit_and_score(bundle: DataBundle) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows a lookup is fitted on and the rows it is scored on (labelled rows only): train
    and test, or two halves of train (cached per run: every feature and pair uses them)."""
    import numpy as np

    if "power:rows" not in bundle._cache:
        label = bundle.label
        assert label is not None
        if bundle.test is not None and label in bundle.test.frame.columns:
            fit, score = bundle.sampled("train", MAX_ROWS), bundle.sampled("test", MAX_ROWS)
        else:
            train = bundle.sampled("train", 2 * MAX_ROWS)
            half = np.random.default_rng(0).random(len(train)) < 0.5
            fit, score = train[half], train[~half]
        bundle._cache["power:rows"] = (fit[fit[label].notna()], score[score[label].notna()])
    rows: tuple[pd.DataFrame, pd.DataFrame] = bundle._cache["power:rows"]
    return rows


def _labels(bundle: DataBundle, fit: pd.DataFrame, score: pd.DataFrame) -> tuple[Any, Any]:
    """The label of the fitting and the scoring rows: shared class codes, or numbers (cached)."""
    if "power:labels" not in bundle._cache:
        label = bundle.label
        assert label is not None
        bundle._cache["power:labels"] = (
            _codes(fit[label], score[label], categorical=True)
            if bundle.is_classification()
            else (fit[label].to_numpy(dtype="float64"), score[label].to_numpy(dtype="float64"))
        )
    labels: tuple[Any, Any] = bundle._cache["power:labels"]
    return labels


def _lookup_power(
    bundle: DataBundle, fit: pd.DataFrame, score: pd.DataFrame, codes: tuple[Any, Any]
) -> float:
    fit_labels, score_labels = _labels(bundle, fit, score)
    if bundle.is_classification():
        return _class_power(codes[0], fit_labels, codes[1], score_labels)
    return _regression_power(codes[0], fit_labels, codes[1], score_labels)


def powers(bundle: DataBundle) -> dict[str, float]:
    """Each feature's power alone (a one-feature lookup, fitted and scored on other rows)."""
    fit, score = _fit_and_score(bundle)
    if len(fit) == 0 or len(score) == 0:
        return {}
    return {
        column: _lookup_power(bundle, fit, score, _codes(fit[column], score[column]))
        for column in bundle.features
        if column in score.columns
    }


def joint_power(bundle: DataBundle, columns: list[str], bins: int = 8) -> float:
    """The power of a lookup on the joint values of a few features (numbers cut into ``bins``
    quantile bins each): a cheap screen for a small set that gives the label away together."""
    import numpy as np
    import pandas as pd

    fit, score = _fit_and_score(bundle)
    if len(fit) == 0 or len(score) == 0 or any(c not in score.columns for c in columns):
        return 0.0
    joint_fit = np.zeros(len(fit), dtype="int64")
    joint_score = np.zeros(len(score), dtype="int64")
    for column in columns:
        a, b = _codes(fit[column], score[column], bins=bins)
        size = int(max(a.max(initial=0), b.max(initial=0))) + 2
        joint_fit, joint_score = joint_fit * size + a + 1, joint_score * size + b + 1
    dense = _codes(pd.Series(joint_fit), pd.Series(joint_score), categorical=True)
    return _lookup_power(bundle, fit, score, dense)


@dataclass(frozen=True)
class Contest:
    """A feature against all the other features together, on the same held-out rows."""

    alone: float  # power of the feature alone
    rest: float  # power of the other features together
    p_value: float  # that the feature alone is not better than the rest (one-sided, paired)
    rows: int
    left_out: tuple[str, ...]  # near-copies of the feature, left out of "the rest" too


def contest(
    bundle: DataBundle, columns: list[str], features: list[str], rivals: list[str]
) -> Contest:
    """Cross-validated comparison of ``columns`` (one feature, or a small set) alone with the
    other features: all of them together, each of the ``rivals`` (the strongest others) alone,
    and for a set each of its members alone; the best of them is "the rest"."""
    import numpy as np

    from sekit import stats

    label = bundle.label
    assert label is not None
    classification = bundle.is_classification()
    import pandas as pd

    frames = [bundle.sampled("train", CV_ROWS)]
    if bundle.test is not None and label in bundle.test.frame.columns:
        test = bundle.sampled("test", CV_ROWS)
        frames.append(test[frames[0].columns.intersection(test.columns)])
    data = pd.concat(frames, ignore_index=True)
    data = data[data[label].notna()]
    if len(data) > CV_ROWS:
        data = data.sample(n=CV_ROWS, random_state=0)
    twins = tuple(
        g for g in features if g not in columns and any(_twin(data[c], data[g]) for c in columns)
    )
    rest = [g for g in features if g not in columns and g not in twins and g in data.columns]
    folds = np.random.default_rng(0).integers(0, FOLDS, len(data))
    y = data[label]
    # The challengers: all the other features together, and the strongest others alone (a
    # model of many features can lose to its best feature on a small data set).
    # A set of features must also beat each of its members alone: a pair of which one already
    # tells the label (iris' petals) is that one feature, not a leak split over two columns.
    members = [[c] for c in columns] if len(columns) > 1 else []
    challengers = [rest, *([g] for g in rivals if g in rest), *members]
    alone_pred = _cross_validated(data, list(columns), y, folds, classification)
    scored = [_cross_validated(data, group, y, folds, classification) for group in challengers]
    truth = y.to_numpy()
    if classification:
        rest_pred = max(scored, key=lambda p: float(np.mean(p == truth)))
    else:
        rest_pred = min(scored, key=lambda p: float(np.mean((p - truth.astype(float)) ** 2)))
    if classification:
        alone_right = alone_pred == truth
        rest_right = rest_pred == truth
        base = float(np.mean(truth == y.value_counts().index[0]))
        scale = max(1 - base, 1e-9)
        alone = max(0.0, (float(np.mean(alone_right)) - base) / scale)
        rest_power = max(0.0, (float(np.mean(rest_right)) - base) / scale)
        # alone as the "deployed" model, the rest as the "candidate": is the rest worse?
        p_value = stats.mcnemar(rest_right, alone_right)[0]
    else:
        actual = truth.astype("float64")
        total = float(np.sum((actual - actual.mean()) ** 2)) or 1e-9
        alone_err = (alone_pred.astype("float64") - actual) ** 2
        rest_err = (rest_pred.astype("float64") - actual) ** 2
        alone = max(0.0, 1 - float(alone_err.sum()) / total)
        rest_power = max(0.0, 1 - float(rest_err.sum()) / total)
        _, _, _, p_value = stats.paired_bootstrap(rest_err, alone_err)
    return Contest(alone, rest_power, p_value, len(data), twins)


def _cross_validated(
    data: pd.DataFrame, columns: list[str], y: pd.Series, folds: np.ndarray, classification: bool
) -> np.ndarray:
    import numpy as np

    predicted = np.empty(len(data), dtype=object if classification else "float64")
    for fold in range(FOLDS):
        fit, score = folds != fold, folds == fold
        if score.any() and fit.any():
            predicted[score] = _boosted(
                data[columns][fit], y[fit], data[columns][score], classification
            )
    return predicted


def _twin(a: pd.Series, b: pd.Series) -> bool:
    """Whether ``b`` is a near-copy of ``a`` (one determines the other: normalised mutual
    information of their codes at least 0.95)."""
    import numpy as np

    codes_a, _ = _codes(a, a)
    codes_b, _ = _codes(b, b)
    codes_a, codes_b = codes_a + 1, codes_b + 1
    ka, kb = int(codes_a.max()) + 1, int(codes_b.max()) + 1
    joint = np.bincount(codes_a * kb + codes_b, minlength=ka * kb).reshape(ka, kb) / len(a)
    pa, pb = joint.sum(axis=1), joint.sum(axis=0)
    nonzero = joint > 0
    info = float(np.sum(joint[nonzero] * np.log(joint[nonzero] / np.outer(pa, pb)[nonzero])))
    entropy = [-float(np.sum(p[p > 0] * np.log(p[p > 0]))) for p in (pa, pb)]
    smaller = min(entropy)
    return smaller > 0 and info / smaller >= 0.95


def _boosted(x: pd.DataFrame, y: pd.Series, new: pd.DataFrame, classification: bool) -> np.ndarray:
    import numpy as np
    import pandas as pd
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from threadpoolctl import threadpool_limits

    if x.shape[1] == 0:
        if classification:
            return np.full(len(new), y.value_counts().index[0], dtype=object)
        return np.full(len(new), float(y.mean()))
    both = pd.concat([x, new], ignore_index=True)
    encoded = pd.DataFrame(index=both.index)
    categorical = []
    for column in both.columns:
        series = both[column]
        if is_number(series):  # numbers keep their order, whatever their number of values
            encoded[column] = series.astype("float64")
            categorical.append(False)
        else:
            codes, _ = pd.factorize(series)
            encoded[column] = np.where(codes < 0, np.nan, codes).astype("float64")
            categorical.append(int(np.nanmax(codes, initial=0)) < 250)
    fit, score = encoded.iloc[: len(x)], encoded.iloc[len(x) :]
    kind = HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor
    leaf = int(min(20, max(3, len(x) // 30)))  # small data sets need small leaves
    model = kind(
        max_iter=60,
        min_samples_leaf=leaf,
        categorical_features=np.asarray(categorical),
        random_state=0,
    )
    # One thread below 50,000 rows: on a busy runner (pytest workers, a service beside it)
    # OpenMP threads on small data spin and wait for each other; one split of iris took 58.5 s
    # with the default threads on a loaded 2-core machine and 4.1 s with one. The model is the
    # same either way (each feature's histogram is built by one thread).
    threads = 1 if len(x) < 50_000 else None
    with threadpool_limits(limits=threads, user_api="openmp"):
        model.fit(fit, y.to_numpy() if not classification else y.astype(str).to_numpy())
        predicted = model.predict(score)
    if classification:
        lookup = {str(v): v for v in y.unique()}
        return np.asarray([lookup.get(p, p) for p in predicted], dtype=object)
    return np.asarray(predicted, dtype="float64")
