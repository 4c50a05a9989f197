"""Data quality: ``constant_column``, ``class_imbalance``, ``outliers`` and
``correlated_features``. All vectorised.
"""

from __future__ import annotations

from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.spec import CheckSpec, Kind, MltsClaim, Rule, default, on, share
from sekit.config.data import Quality
from sekit.results import Finding, Outcome
from sekit.subjects.datasets import DataBundle, bundle_from_config
from sekit.subjects.types import is_number, looks_categorical


def check_constant_columns(bundle: DataBundle) -> Outcome:
    findings: list[Finding] = []
    frame = bundle.train.frame
    for column in bundle.features:
        series = frame[column]
        first = series.iloc[0]
        same = (
            series.isna().all()
            if first != first or first is None
            else bool((series == first).all())
        )
        if same:
            findings.append(
                finding(
                    CONSTANT_COLUMN,
                    "warn",
                    f"{bundle.train.source}: {column!r} has the single "
                    f"value {first!r}; it carries no information (add it to data.ignore, or drop "
                    "it)",
                    column=column,
                    value=first,
                )
            )
    return outcome(
        findings,
        worst_summary(findings, f"all {len(bundle.features)} features vary"),
        {"constant_columns": len(findings)},
    )


def check_class_imbalance(bundle: DataBundle) -> Outcome:
    if bundle.label is None or not bundle.is_classification():
        return Outcome.skipped(reason="no classification label")
    counts = bundle.train.frame[bundle.label].value_counts(dropna=True)
    ratio = float(counts.iloc[-1] / counts.iloc[0]) if len(counts) > 1 else 1.0
    findings: list[Finding] = []
    distribution = {str(k): int(v) for k, v in counts.items()}
    if len(counts) < 2:
        findings.append(
            finding(
                CLASS_IMBALANCE,
                "fail",
                f"{bundle.train.source}: the label {bundle.label!r} has "
                f"a single class {counts.index[0]!r}; nothing can be learned",
                column=bundle.label,
                classes=distribution,
            )
        )
    elif ratio < bundle.quality.min_class_ratio:
        findings.append(
            finding(
                CLASS_IMBALANCE,
                "warn",
                f"{bundle.train.source}: class {counts.index[-1]!r} has "
                f"{counts.iloc[-1]:,} rows, {ratio:.1%} of the largest class {counts.index[0]!r} "
                f"({counts.iloc[0]:,}); report per-class metrics, consider resampling or "
                "class weights",
                column=bundle.label,
                classes=distribution,
                ratio=ratio,
            )
        )
    return outcome(
        findings,
        worst_summary(findings, f"{len(counts)} classes, smallest/largest = {ratio:.2f}"),
        {"class_ratio": ratio},
    )


def check_outliers(bundle: DataBundle) -> Outcome:
    import numpy as np

    findings: list[Finding] = []
    frame = bundle.train.frame
    k = bundle.quality.outlier_iqr
    flagged_cells = numeric_cells = 0
    for column in bundle.features:
        series = frame[column]
        if not is_number(series) or looks_categorical(series):
            continue
        values = series.to_numpy(dtype="float64", na_value=np.nan)
        q1, q3 = np.nanquantile(values, [0.25, 0.75])
        iqr = q3 - q1
        numeric_cells += int(np.count_nonzero(~np.isnan(values)))
        if not iqr > 0:
            continue
        low, high = q1 - k * iqr, q3 + k * iqr
        mask = (values < low) | (values > high)
        count = int(mask.sum())
        if not count:
            continue
        flagged_cells += count
        share = count / len(values)
        outlying = values[mask]
        findings.append(
            finding(
                OUTLIERS,
                "warn" if share > bundle.quality.max_outlier_ratio else "info",
                f"{bundle.train.source}: {count:,} values of {column!r} ({percent(share)}) lie "
                f"beyond {k:g} IQR of the quartiles [{low:.4g}, {high:.4g}], e.g. "
                f"{[float(f'{v:.4g}') for v in outlying[:3]]}",
                column=column,
                count=count,
                share=share,
                bounds=[low, high],
                rows=list(frame.index[np.flatnonzero(mask)[:10]]),
            )
        )
    ratio = flagged_cells / numeric_cells if numeric_cells else 0.0
    return outcome(
        findings,
        worst_summary(findings, f"{percent(ratio)} of numeric values are outliers"),
        {"outlier_ratio": ratio},
    )


def check_correlated_features(bundle: DataBundle) -> Outcome:
    """Pairs of numeric features so correlated (Pearson) that one of them is redundant."""
    import numpy as np

    frame = bundle.train.frame
    numeric = [c for c in bundle.features if is_number(frame[c])]
    findings: list[Finding] = []
    strongest = 0.0
    if len(numeric) >= 2:
        sample = frame[numeric].sample(n=min(len(frame), 200_000), random_state=0)
        values = sample.to_numpy(dtype="float64", na_value=np.nan)
        values = values[~np.isnan(values).any(axis=1)]
        if len(values) > 2:
            with np.errstate(invalid="ignore", divide="ignore"):
                matrix = np.abs(np.corrcoef(values, rowvar=False))
            np.fill_diagonal(matrix, 0)
            matrix = np.nan_to_num(matrix)
            strongest = float(matrix.max())
            limit = bundle.quality.max_correlation
            for i, j in zip(*np.nonzero(np.triu(matrix) > limit), strict=True):
                findings.append(
                    finding(
                        CORRELATED_FEATURES,
                        "warn",
                        f"{numeric[i]!r} and {numeric[j]!r} are "
                        f"correlated at {matrix[i, j]:.3f} (limit {limit:g}); one of them is "
                        "redundant",
                        column=numeric[j],
                        pair=[numeric[i], numeric[j]],
                        correlation=float(matrix[i, j]),
                    )
                )
    return outcome(
        findings,
        worst_summary(findings, f"strongest correlation {strongest:.2f}"),
        {"max_correlation": strongest},
    )


# --- declarations ----------------------------------------------------------------------

CONSTANT_COLUMN = Kind(
    "constant_column",
    "a column with a single value, which carries no information",
    "A column with one value carries no information and often signals a broken feed.",
    "Did it always have one value, or did its source stop updating?",
    "Repair the feed, or drop the column (or list it in data.ignore).",
)
CLASS_IMBALANCE = Kind(
    "class_imbalance",
    "a class far rarer than the others",
    (
        "With a rare class, accuracy looks high while the model ignores that class, which is "
        "usually the one that matters."
    ),
    "Look at per-class precision and recall, not only accuracy.",
    (
        "Report macro F1 and per-class metrics, use class weights or resampling, and choose the "
        "decision threshold on purpose."
    ),
)
OUTLIERS = Kind(
    "outliers",
    "values far outside the bulk of a column",
    "A few extreme values can dominate training (and some metrics) and often are data errors.",
    "Are the outlying rows plausible? Do they come from one source or period?",
    (
        "Correct errors in sanitize; for genuine extremes use robust models or scaling; a share "
        "above 5% usually means a mixed unit."
    ),
)
CORRELATED_FEATURES = Kind(
    "correlated_features",
    "two features so correlated that one of them is redundant",
    (
        "Near-duplicate features add no information, make models harder to interpret and can make "
        "them unstable."
    ),
    "Are the two features the same quantity in different units or a derived one?",
    "Keep one of them, or combine them; for linear models consider regularisation.",
)

BENEFICIAL = MltsClaim(
    "data-2",
    "'methods include computing correlation coefficients' between features: a constant "
    "feature or one that duplicates another adds nothing",
)

CONSTANT_COLUMNS_CHECK = CheckSpec(
    id="data.constant_columns",
    title="no constant features",
    func=on(bundle_from_config, check_constant_columns),
    emits="`constant_column` (warn)",
    kinds=(CONSTANT_COLUMN,),
    mlts=(BENEFICIAL,),
    deepchecks={"IsSingleValue": Rule(CONSTANT_COLUMN, "warn")},
)

CLASS_IMBALANCE_CHECK = CheckSpec(
    id="data.class_imbalance",
    title="classes reasonably balanced",
    func=on(bundle_from_config, check_class_imbalance),
    emits="`class_imbalance` (warn)",
    kinds=(CLASS_IMBALANCE,),
    deepchecks={"ClassImbalance": Rule(CLASS_IMBALANCE, "warn")},
    section=("[data.quality]", Quality),
    settings=("[data.quality].min_class_ratio",),
)

OUTLIERS_CHECK = CheckSpec(
    id="data.outliers",
    title="few outliers",
    func=on(bundle_from_config, check_outliers),
    emits=f"`outliers` beyond {default(Quality, 'outlier_iqr'):g} IQR: info; warn above "
    f"{share(default(Quality, 'max_outlier_ratio'))} of a column",
    kinds=(OUTLIERS,),
    deepchecks={
        "StringLengthOutOfBounds": Rule(OUTLIERS, "info"),
        "OutlierSampleDetection": Rule(OUTLIERS, "info"),
    },
    section=("[data.quality]", Quality),
    settings=("[data.quality].outlier_iqr", "[data.quality].max_outlier_ratio"),
)

CORRELATED_FEATURES_CHECK = CheckSpec(
    id="data.correlated_features",
    title="no redundant, near-identical features",
    func=on(bundle_from_config, check_correlated_features),
    emits="`correlated_features` (warn)",
    kinds=(CORRELATED_FEATURES,),
    mlts=(BENEFICIAL,),
    deepchecks={"FeatureFeatureCorrelation": Rule(CORRELATED_FEATURES, "warn")},
    section=("[data.quality]", Quality),
    settings=("[data.quality].max_correlation",),
)
