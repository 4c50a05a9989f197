"""Leakage as a feature the model will not have when it predicts (part of ``label_leakage``).

Only the second blocks (a fact about the served inputs); the others warn
(``docs/explanation/trust.md``).

* **an identifier of the label**: a counter or a code per row (``data.identifier_columns``'
  rule) that predicts the label on rows it was not fitted on: rows numbered after sorting by
  the outcome;
* **missing in production**: a predictive feature absent from, or empty in, the served inputs
  (``[data].production``, when it is a log of the inputs: it holds at least half the features);
* **missing in time order**: with a datetime column, a predictive feature missing in at least
  ``MIN_VANISH`` more of the newest ``NEWEST`` of the rows than before (one-sided Fisher test,
  Holm over the features): it is filled in only once the outcome is known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.data import measured
from sekit.checks.data.kinds import LABEL_LEAKAGE
from sekit.checks.findings import finding, percent
from sekit.results import Finding
from sekit.subjects.datasets import DataBundle

if TYPE_CHECKING:
    import pandas as pd

MIN_POWER = 0.1  # a feature that predicts at least this well matters when it goes missing
MIN_IDENTIFIER_POWER = 0.3  # an identifier that predicts the label this well was assigned by it
MIN_VANISH = 0.5  # a feature this much more often missing among the newest rows vanishes
NEWEST = 0.2  # the newest share of the rows, in time order


def identifier_findings(bundle: DataBundle, found: dict[str, float]) -> list[Finding]:
    """An identifier (a counter, a code per row) that predicts the label: the rows were
    numbered after being sorted or grouped by the outcome, and a model learns the numbering."""
    from sekit.checks.data.identifiers import looks_like_identifier

    frame = bundle.sampled("train")
    findings = []
    for column, power in found.items():
        if power < MIN_IDENTIFIER_POWER:
            continue
        why = looks_like_identifier(frame[column])
        if why is not None:
            # a warning: rows kept in time order number honest trends too
            findings.append(
                finding(
                    LABEL_LEAKAGE,
                    "warn",
                    f"{column!r} is an identifier ({why}) that predicts {bundle.label!r} (power "
                    f"{power:.2f} on rows it was not fitted on): were the rows numbered after "
                    "being sorted or grouped by the outcome? List it in data.ignore"
                    + measured.note("identifier_of_the_label"),
                    column=column,
                    power=power,
                    problem="identifier_of_the_label",
                )
            )
    return findings


def vanishing_findings(bundle: DataBundle, found: dict[str, float]) -> list[Finding]:
    """A feature that is not there when the model predicts: missing from the served inputs
    (production), or missing far more often among the newest rows (filled in only once the
    outcome is known)."""
    findings = _missing_in_production(bundle, found)
    findings += _missing_lately(bundle, found)
    return findings


def _missing_in_production(bundle: DataBundle, found: dict[str, float]) -> list[Finding]:
    production = bundle.production
    if production is None or len(production.frame) < 20:
        return []
    served = production.frame
    present = [c for c in bundle.features if c in served.columns]
    if len(present) < len(bundle.features) / 2:
        return []  # not a log of the inputs: nothing to say about one feature
    train = bundle.sampled("train")
    findings = []
    for column, power in found.items():
        if power < MIN_POWER:
            continue
        absent = column not in served.columns
        if not absent:
            empty = float(served[column].isna().mean())
            if empty < 0.95 or float(train[column].isna().mean()) > 0.5:
                continue
        where = "absent from" if absent else "empty in"
        findings.append(
            finding(
                LABEL_LEAKAGE,
                "fail",
                f"{column!r} predicts {bundle.label!r} (power {power:.2f}) but is {where} the "
                f"served inputs ({production.source}, {len(served):,} rows): the model learns "
                "from something it will not have when it predicts (known only after the fact, or "
                "never sent by the service)",
                column=column,
                power=power,
                problem="missing_in_production",
            )
        )
    return findings


def _missing_lately(bundle: DataBundle, found: dict[str, float]) -> list[Finding]:
    """In time order (a datetime column), the newest rows against the older ones: a one-sided
    Fisher test of each feature's missing count, Holm over the features; a feature vanishes
    when the test says so and it is at least MIN_VANISH more often missing."""
    import pandas as pd
    from scipy import stats as scipy_stats

    from sekit import stats

    label = bundle.label
    frames = [bundle.sampled("train")]
    if bundle.test is not None:
        frames.append(bundle.sampled("test"))
    rows = pd.concat(frames, ignore_index=True)
    clock = _time_column(bundle, rows)
    if clock is None or len(rows) < 50:
        return []
    times = pd.to_datetime(rows[clock], errors="coerce", utc=True, format="mixed")
    rows = rows.assign(_t=times).dropna(subset=["_t"]).sort_values("_t", kind="stable")
    newest = len(rows) - max(1, int(len(rows) * NEWEST))
    early, late = rows.iloc[:newest], rows.iloc[newest:]
    tested = []
    for column, power in found.items():
        if column in (clock, label) or power < MIN_POWER:
            continue
        k_late, k_early = int(late[column].isna().sum()), int(early[column].isna().sum())
        table = [[k_late, len(late) - k_late], [k_early, len(early) - k_early]]
        p = float(scipy_stats.fisher_exact(table, alternative="greater")[1])
        tested.append((column, power, k_late / len(late), k_early / len(early), p))
    findings = []
    adjusted = stats.holm([t[-1] for t in tested])
    for (column, power, late_share, early_share, _), p in zip(tested, adjusted, strict=True):
        if p < bundle.leakage.p_value and late_share - early_share >= MIN_VANISH:
            # a warning: a measurement that stopped, or one not yet reported, looks the same
            findings.append(
                finding(
                    LABEL_LEAKAGE,
                    "warn",
                    f"{column!r} predicts {bundle.label!r} (power {power:.2f}) but is missing in "
                    f"{percent(late_share)} of the newest {percent(NEWEST)} of the rows by "
                    f"{clock!r}, against {percent(early_share)} before (Fisher's exact test, Holm "
                    f"over the features, p = {p:.2g}): if it is filled in only after the fact, "
                    "the model will not have it when it predicts"
                    + measured.note("missing_in_time_order"),
                    column=column,
                    power=power,
                    newest_missing=late_share,
                    older_missing=early_share,
                    p_value=p,
                    time_column=clock,
                    problem="missing_in_time_order",
                )
            )
    return findings


def _time_column(bundle: DataBundle, rows: pd.DataFrame) -> str | None:
    """The data's clock: a column declared datetime, else one stored as dates."""
    import pandas as pd

    for name, column in bundle.columns.items():
        if column.type == "datetime" and name in rows.columns:
            return name
    for name in rows.columns:
        if pd.api.types.is_datetime64_any_dtype(rows[name]):
            return str(name)
    return None
