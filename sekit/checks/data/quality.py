"""Data quality: ``duplicate_rows``, ``conflicting_labels``, ``constant_column``,
``class_imbalance`` and ``outliers``. All vectorised; row identity is a shared 64-bit row hash.
"""

from __future__ import annotations

from sekit.checks.data._common import example_rows, finding, percent, result, worst_summary
from sekit.checks.data.bundle import DataBundle
from sekit.checks.data.types import is_number, looks_categorical
from sekit.results import CheckResult, Finding


def check_duplicates(bundle: DataBundle) -> CheckResult:
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    limit = bundle.quality.max_duplicate_ratio
    for dataset in (d for d in bundle.datasets if d.role != "production"):
        columns = [str(c) for c in dataset.frame.columns]
        hashes = bundle.row_hashes(dataset.role, columns)
        duplicated = hashes.duplicated()
        count = int(duplicated.sum())
        share = count / len(hashes)
        metrics[
            "duplicate_ratio" if dataset.role == "train" else f"{dataset.role}_duplicate_ratio"
        ] = share
        if not count:
            continue
        rows = example_rows(duplicated)
        first = hashes[hashes == hashes[rows[0]]].index[0] if rows else None
        findings.append(
            finding(
                "duplicate_rows",
                "fail" if share > limit else "warn",
                f"{dataset.source}: {count:,} rows ({percent(share)}) repeat an earlier row"
                + (f" (limit {percent(limit)})" if share > limit else ""),
                dataset=dataset.role,
                count=count,
                share=share,
                rows=rows,
                first_copy_of=first,
            )
        )
    return result(
        "data.duplicates", findings, worst_summary(findings, "no duplicate rows"), metrics
    )


def check_conflicting_labels(bundle: DataBundle) -> CheckResult:
    import pandas as pd

    if bundle.label is None:
        return CheckResult.skipped(
            id="data.conflicting_labels", suite="data", reason="no label column (data.label)"
        )
    if not bundle.is_classification():
        return CheckResult.skipped(
            id="data.conflicting_labels",
            suite="data",
            reason="the label is continuous (regression)",
        )
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    limit = bundle.quality.max_conflicting_ratio
    for dataset in (d for d in (bundle.train, bundle.test) if d is not None):
        features = bundle.shared_features(dataset)
        hashes = bundle.row_hashes(dataset.role, features)
        pairs = pd.DataFrame({"h": hashes.to_numpy(), "y": dataset.frame[bundle.label].to_numpy()})
        distinct = pairs.drop_duplicates()
        conflicted = distinct["h"][distinct["h"].duplicated()].unique()
        involved = hashes.isin(conflicted)
        count = int(involved.sum())
        share = count / len(hashes)
        metrics["conflicting_ratio" if dataset.role == "train" else "test_conflicting_ratio"] = (
            share
        )
        if not count:
            continue
        rows = example_rows(involved)
        labels = dataset.frame.loc[hashes == hashes[rows[0]], bundle.label].unique().tolist()
        findings.append(
            finding(
                "conflicting_labels",
                "fail" if share > limit else "warn",
                f"{dataset.source}: {len(conflicted):,} feature rows appear with different labels "
                f"({count:,} rows, {percent(share)}), e.g. rows {rows[:3]} labelled {labels[:4]}",
                dataset=dataset.role,
                groups=len(conflicted),
                count=count,
                share=share,
                rows=rows,
                labels=labels[:10],
            )
        )
    return result(
        "data.conflicting_labels",
        findings,
        worst_summary(findings, "every feature row has one label"),
        metrics,
    )


def check_constant_columns(bundle: DataBundle) -> CheckResult:
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
                    "constant_column",
                    "warn",
                    f"{bundle.train.source}: {column!r} has the single "
                    f"value {first!r}; it carries no information (add it to data.ignore, or drop "
                    "it)",
                    column=column,
                    value=first,
                )
            )
    return result(
        "data.constant_columns",
        findings,
        worst_summary(findings, f"all {len(bundle.features)} features vary"),
        {"constant_columns": len(findings)},
    )


def check_class_imbalance(bundle: DataBundle) -> CheckResult:
    if bundle.label is None or not bundle.is_classification():
        return CheckResult.skipped(
            id="data.class_imbalance", suite="data", reason="no classification label"
        )
    counts = bundle.train.frame[bundle.label].value_counts(dropna=True)
    ratio = float(counts.iloc[-1] / counts.iloc[0]) if len(counts) > 1 else 1.0
    findings: list[Finding] = []
    distribution = {str(k): int(v) for k, v in counts.items()}
    if len(counts) < 2:
        findings.append(
            finding(
                "class_imbalance",
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
                "class_imbalance",
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
    return result(
        "data.class_imbalance",
        findings,
        worst_summary(findings, f"{len(counts)} classes, smallest/largest = {ratio:.2f}"),
        {"class_ratio": ratio},
    )


def check_outliers(bundle: DataBundle) -> CheckResult:
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
                "outliers",
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
    return result(
        "data.outliers",
        findings,
        worst_summary(findings, f"{percent(ratio)} of numeric values are outliers"),
        {"outlier_ratio": ratio},
    )


def check_correlated_features(bundle: DataBundle) -> CheckResult:
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
                        "correlated_features",
                        "warn",
                        f"{numeric[i]!r} and {numeric[j]!r} are "
                        f"correlated at {matrix[i, j]:.3f} (limit {limit:g}); one of them is "
                        "redundant",
                        column=numeric[j],
                        pair=[numeric[i], numeric[j]],
                        correlation=float(matrix[i, j]),
                    )
                )
    return result(
        "data.correlated_features",
        findings,
        worst_summary(findings, f"strongest correlation {strongest:.2f}"),
        {"max_correlation": strongest},
    )
