"""Behaviour properties of the model, tested with Hypothesis (CheckList's MFT/INV/DIR for tables).

Always: no ``crash`` on schema-valid input, valid outputs (``invalid_output``), the same input
gives the same output (``nondeterminism``). From ``[[behaviour]]``: ``invariance``,
``directional`` and ``minimum``.

**Batches.** Each Hypothesis example is one batch of rows, so the model predicts vectorised.
A batch is up to three rows that Hypothesis draws value by value (these find edge values and
shrink to simple ones) plus a bulk of rows filled with numpy from a seed and a size that
Hypothesis also draws: schema-valid random rows for the contract properties, rows of the
training set for invariance and directional properties (behaviour on realistic inputs). Each
column has its own random stream, so a shorter bulk is a prefix of a longer one: Hypothesis
shrinks the size to the first failing row and the explicit rows to their simplest failing
values; sekit then keeps only the rows that break the property, so a failure reports a minimal
example. Half the examples use the full batch size, so throughput stays high.

**Profiles.** With ``CI`` set: derandomized, no deadline, no example database (reproducible
runs). Locally: the example database lives in ``.sekit/hypothesis/``, so a failure found once
is replayed first on the next run.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.data._common import finding
from sekit.checks.model.subject import ModelUnderTest, subject_from_config
from sekit.errors import InputError
from sekit.results import CheckResult, Finding
from sekit.strategies import FeatureProfile, profiles

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from hypothesis import settings as Settings

EXPLICIT_ROWS = 3
EXAMPLE_ROWS = 5  # rows shown in a finding


class Violation(Exception):
    """Raised inside a property when a batch breaks it."""

    def __init__(
        self, kind: str, message: str, rows: list[int], detail: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind, self.message, self.rows, self.detail = kind, message, rows, detail or {}


@dataclass
class Outcome:
    name: str
    kind: str
    cases: int = 0
    seconds: float = 0.0
    finding: Finding | None = None
    note: str | None = None


@dataclass
class Case:
    """What Hypothesis draws for one example."""

    explicit: list[dict[str, Any]]
    size: int  # rows of bulk
    seed: int
    values: list[Any] = field(default_factory=list)  # new values for the feature under test


# --- building batches --------------------------------------------------------------------------


class Batches:
    def __init__(
        self, features: list[FeatureProfile], rows: int, realistic: pd.DataFrame | None
    ) -> None:
        self.features = features
        self.names = [f.name for f in features]
        self.rows = rows
        self.realistic = realistic

    def strategy(self, varied: FeatureProfile | None = None) -> Any:
        """Cases for a property; with ``varied`` (invariance, directional) the rows come from
        the training data only and Hypothesis draws the new values of the varied feature."""
        from hypothesis import strategies as st

        from sekit.strategies import rows

        full = self.rows - EXPLICIT_ROWS if self.rows > EXPLICIT_ROWS else self.rows
        explicit = (
            st.lists(rows(self.features), max_size=EXPLICIT_ROWS) if varied is None else st.just([])
        )
        return st.builds(
            Case,
            explicit=explicit,
            # shrinks towards a small bulk; generates the full size half of the time
            size=st.one_of(st.integers(0, full), st.just(full)),
            seed=st.integers(0, 2**32 - 1),
            values=(
                st.lists(varied.strategy(), min_size=EXPLICIT_ROWS, max_size=EXPLICIT_ROWS)
                if varied is not None
                else st.just([])
            ),
        )

    def frame(self, case: Case, *, realistic: bool) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        parts = []
        if case.explicit:
            parts.append(pd.DataFrame.from_records(case.explicit, columns=self.names))
        size = case.size
        if size > 0:
            if realistic and self.realistic is not None and len(self.realistic):
                rng = np.random.default_rng(case.seed)
                picked = rng.integers(0, len(self.realistic), size)
                parts.append(self.realistic.iloc[picked][self.names])
            else:
                parts.append(
                    pd.DataFrame(
                        {
                            f.name: f.bulk(np.random.default_rng([case.seed, i]), size)
                            for i, f in enumerate(self.features)
                        }
                    )
                )
        if not parts:
            return pd.DataFrame({name: [] for name in self.names})
        return (
            pd.concat(parts, ignore_index=True)
            if len(parts) > 1
            else parts[0].reset_index(drop=True)
        )


# --- running one property ----------------------------------------------------------------------


def hypothesis_settings(ctx: Context, examples: int) -> Settings:
    from hypothesis import HealthCheck, Verbosity, settings
    from hypothesis.database import DirectoryBasedExampleDatabase

    common: dict[str, Any] = {
        "max_examples": examples,
        "deadline": None,
        "print_blob": False,
        "verbosity": Verbosity.quiet,  # sekit reports; Hypothesis must not print
        "report_multiple_bugs": False,
        "suppress_health_check": list(HealthCheck),
    }
    if ctx.options.ci:
        return settings(derandomize=True, database=None, **common)
    return settings(
        database=DirectoryBasedExampleDatabase(str(ctx.workdir / "hypothesis")), **common
    )


@contextlib.contextmanager
def shrink_budget(seconds: float) -> Iterator[None]:
    """Bound the time Hypothesis spends shrinking one failure (its own limit is 300 s).

    Hypothesis reads this module constant when it starts shrinking; the example reported is
    the smallest found within the budget.
    """
    from hypothesis.internal.conjecture import engine

    previous = getattr(engine, "MAX_SHRINKING_SECONDS", None)
    if previous is None:
        yield
        return
    engine.MAX_SHRINKING_SECONDS = seconds  # type: ignore[assignment]
    try:
        yield
    finally:
        engine.MAX_SHRINKING_SECONDS = previous


def run_property(
    name: str,
    kind: str,
    strategy: Any,
    check: Callable[[Case], int],
    config: Settings,
    describe: Callable[[Case, Violation], list[dict[str, Any]]],
    *,
    shrink_seconds: float = 20.0,
) -> Outcome:
    """Run ``check`` on Hypothesis examples; return cases checked and the minimal failure."""
    from hypothesis import given
    from hypothesis.errors import HypothesisException

    outcome = Outcome(name, kind)
    last: list[tuple[Case, Violation]] = []

    @config
    @given(strategy)
    def prop(case: Case) -> None:
        try:
            outcome.cases += check(case)
        except Violation as violation:
            last.append((case, violation))
            raise

    # One example database entry per property, not one per closure's source code.
    prop.hypothesis.inner_test._hypothesis_internal_add_digest = name.encode()
    start = time.perf_counter()
    try:
        with shrink_budget(shrink_seconds):
            prop()
    except Violation:
        case, violation = last[-1]  # Hypothesis replays the shrunk example last
        example = describe(case, violation)
        detail = {
            k: v for k, v in violation.detail.items() if k != "feature" and not k.startswith("_")
        }
        outcome.finding = finding(
            violation.kind,
            "fail",
            f"{name}: {violation.message}",
            column=violation.detail.get("feature"),
            property=name,
            example=example,
            failing_rows=len(violation.rows),
            detail=detail,
            reproduce="rerun `sekit check model`: locally the failing example is replayed "
            "from .sekit/hypothesis; with CI set the run is derandomized",
        )
    except HypothesisException as exc:
        outcome.note = f"{name} could not be tested: {type(exc).__name__}"
    outcome.seconds = time.perf_counter() - start
    return outcome


# --- the properties ----------------------------------------------------------------------------


def _records(frame: pd.DataFrame, rows: list[int]) -> list[dict[str, Any]]:
    from sekit.results import jsonable

    picked = frame.iloc[rows[:EXAMPLE_ROWS]]
    return [
        jsonable({k: _plain(v) for k, v in record.items()})
        for record in picked.to_dict(orient="records")
    ]


def _plain(value: Any) -> Any:
    """A numpy scalar as a plain Python value; NaN as None."""
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", 0) == 0:
        value = item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _show(value: Any) -> str:
    return repr(_plain(value))


def _isolate(frame: pd.DataFrame, fails: Callable[[pd.DataFrame], bool]) -> list[int]:
    """The position of a single failing row, or of the smallest failing half found."""
    for position in range(min(len(frame), 64)):
        if fails(frame.iloc[[position]]):
            return [position]
    rows = list(range(len(frame)))
    while len(rows) > 1:
        half = rows[: len(rows) // 2]
        if fails(frame.iloc[half]):
            rows = half
        elif fails(frame.iloc[rows[len(rows) // 2 :]]):
            rows = rows[len(rows) // 2 :]
        else:
            break
    return rows


def contract_properties(
    subject: ModelUnderTest, batches: Batches
) -> list[tuple[str, str, Any, Callable[[Case], int]]]:
    import numpy as np

    def frame(case: Case) -> pd.DataFrame:
        from hypothesis import assume

        made = batches.frame(case, realistic=False)
        assume(len(made) > 0)
        return made

    def crashes(rows: pd.DataFrame) -> bool:
        try:
            subject.predict(rows)
            if subject.has_proba:
                subject.predict_proba(rows)
        except Exception:
            return True
        return False

    def no_crash(case: Case) -> int:
        rows = frame(case)
        try:
            subject.predict(rows)
            if subject.has_proba:
                subject.predict_proba(rows)
        except Exception as exc:
            culprits = _isolate(rows, crashes)
            raise Violation(
                "crash",
                f"{type(exc).__name__}: {str(exc)[:200]}",
                culprits,
                {"exception": type(exc).__name__},
            ) from None
        return len(rows)

    def valid_output(case: Case) -> int:
        from hypothesis import assume

        rows = frame(case)
        try:
            predicted = subject.predict(rows)
            proba = subject.predict_proba(rows) if subject.has_proba else None
        except Exception:
            assume(False)  # crashes are the crash property's business
            raise
        n = len(rows)
        if predicted.shape[0] != n:
            raise Violation(
                "invalid_output", f"{n} rows gave {predicted.shape[0]} predictions", list(range(n))
            )
        if subject.task == "regression":
            bad = ~np.isfinite(predicted.astype("float64"))
            if bad.any():
                raise Violation(
                    "invalid_output",
                    "the prediction is not a finite number",
                    np.flatnonzero(bad).tolist(),
                    {"value": str(predicted[bad][0])},
                )
            return n
        if subject.classes:
            known = np.isin(
                predicted,
                np.asarray(subject.classes, dtype=predicted.dtype)
                if predicted.dtype.kind != "O"
                else np.asarray(subject.classes),
            )
            if not known.all():
                raise Violation(
                    "invalid_output",
                    f"predicted the unknown class "
                    f"{_show(predicted[~known][0])}; classes are "
                    f"{[_plain(c) for c in subject.classes]}",
                    np.flatnonzero(~known).tolist(),
                )
        if proba is not None:
            if proba.shape != (n, len(subject.classes) or proba.shape[1]):
                raise Violation(
                    "invalid_output",
                    f"predict_proba has shape {proba.shape}, "
                    f"expected ({n}, {len(subject.classes)})",
                    list(range(n)),
                )
            outside = ((proba < 0) | (proba > 1) | ~np.isfinite(proba)).any(axis=1)
            sums = proba.sum(axis=1)
            off = ~np.isclose(sums, 1.0, atol=1e-6)
            if outside.any():
                rows_bad = np.flatnonzero(outside).tolist()
                raise Violation(
                    "invalid_output",
                    "a probability is outside [0, 1]",
                    rows_bad,
                    {"probabilities": proba[rows_bad[0]].tolist()},
                )
            if off.any():
                rows_bad = np.flatnonzero(off).tolist()
                raise Violation(
                    "invalid_output",
                    f"probabilities sum to {sums[rows_bad[0]]:.6g}, not 1",
                    rows_bad,
                    {"probabilities": proba[rows_bad[0]].tolist()},
                )
        return n

    def deterministic(case: Case) -> int:
        from hypothesis import assume

        rows = frame(case)
        try:
            first = subject.predict(rows)
            second = subject.predict(rows)
            reversed_rows = rows.iloc[::-1]
            third = subject.predict(reversed_rows)[::-1]
        except Exception:
            assume(False)
            raise
        for other, how in ((second, "predicting it again"), (third, "reordering the batch")):
            differ = ~_same(first, other)
            if differ.any():
                bad = np.flatnonzero(differ).tolist()
                raise Violation(
                    "nondeterminism",
                    f"the same row gave {_show(first[bad[0]])}, "
                    f"then {_show(other[bad[0]])} after {how}",
                    bad,
                )
        return len(rows)

    strategy = batches.strategy()
    return [
        ("no crash on schema-valid input", "crash", strategy, no_crash),
        ("valid outputs", "invalid_output", strategy, valid_output),
        ("same input, same output", "nondeterminism", strategy, deterministic),
    ]


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    import numpy as np

    same: np.ndarray
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        same = np.isclose(
            a.astype("float64"), b.astype("float64"), rtol=1e-9, atol=1e-12, equal_nan=True
        )
    else:
        same = np.asarray(a == b)
    return same


def _output(subject: ModelUnderTest, output: str) -> Callable[[pd.DataFrame], np.ndarray]:
    if output == "prediction":
        if subject.task == "classification" and not all(
            isinstance(c, int | float) or hasattr(c, "dtype") for c in subject.classes
        ):
            raise InputError(
                subject.source,
                "a directional property on 'prediction' needs numeric predictions",
                key="behaviour.output",
                hint='use output = "proba:<class>"',
            )
        return lambda rows: subject.predict(rows).astype("float64")
    label = output.removeprefix("proba:")
    if not subject.has_proba:
        raise InputError(
            subject.source,
            f"output {output!r} needs predict_proba, which the model lacks",
            key="behaviour.output",
        )
    index = subject.class_index(label)
    return lambda rows: subject.predict_proba(rows)[:, index]


def invariance(
    subject: ModelUnderTest, batches: Batches, feature: FeatureProfile
) -> Callable[[Case], int]:
    import numpy as np

    def check(case: Case) -> int:
        from hypothesis import assume

        rows = batches.frame(case, realistic=True)
        assume(len(rows) > 0)
        changed = rows.copy()
        new = feature.bulk(np.random.default_rng([case.seed, 10_001]), len(rows))
        explicit = min(len(case.values), len(rows))
        new = new.astype(object) if explicit else new
        for i in range(explicit):
            new[i] = case.values[i]
        changed[feature.name] = new
        before, after = subject.predict(rows), subject.predict(changed)
        differ = ~_same(before, after)
        if differ.any():
            bad = np.flatnonzero(differ).tolist()
            first = bad[0]
            raise Violation(
                "invariance_violation",
                f"changing {feature.name!r} from "
                f"{_show(rows.iloc[first][feature.name])} to "
                f"{_show(changed.iloc[first][feature.name])} changed the prediction "
                f"from {_show(before[first])} to {_show(after[first])}",
                bad,
                {
                    "feature": feature.name,
                    "changed_to": _plain(changed.iloc[first][feature.name]),
                    "before": _plain(before[first]),
                    "after": _plain(after[first]),
                },
            )
        return len(rows)

    return check


def directional(
    subject: ModelUnderTest, batches: Batches, feature: FeatureProfile, expect: str, output: str
) -> Callable[[Case], int]:
    import numpy as np

    if feature.kind not in ("float", "int"):
        raise InputError(
            subject.source,
            f"a directional property needs a numeric feature; {feature.name!r} is {feature.kind}",
            key="behaviour.feature",
        )
    measure = _output(subject, output)
    low = feature.low if feature.low is not None else 0.0
    high = feature.high if feature.high is not None else low + 1.0
    span = max(high - low, 1e-9)

    def check(case: Case) -> int:
        from hypothesis import assume

        rows = batches.frame(case, realistic=True)
        old = rows[feature.name].to_numpy(dtype="float64", na_value=np.nan)
        steps = np.random.default_rng([case.seed, 10_002]).uniform(0, span / 2, len(rows))
        for i, value in enumerate(case.values[: len(rows)]):
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                steps[i] = abs(float(value) - low) / 2 + span / 1000
        new = np.minimum(old + steps, high)
        if feature.kind == "int":
            new = np.ceil(new)
            new = np.where(new > high, np.floor(old), new)
        moved = ~np.isnan(old) & (new > old)
        assume(moved.any())
        base = rows[moved].reset_index(drop=True)
        raised = base.copy()
        raised[feature.name] = (
            new[moved].astype(base[feature.name].dtype, copy=False)
            if feature.kind == "int"
            else new[moved]
        )
        before, after = measure(base), measure(raised)
        wrong = (after < before - 1e-9) if expect == "non-decreasing" else (after > before + 1e-9)
        if wrong.any():
            bad = np.flatnonzero(wrong).tolist()
            first = bad[0]
            raise Violation(
                "directional_violation",
                f"raising {feature.name!r} from "
                f"{base.iloc[first][feature.name]:.6g} to "
                f"{raised.iloc[first][feature.name]:.6g} moved {output} from "
                f"{before[first]:.6g} to {after[first]:.6g}; expected {expect}",
                bad,
                {
                    "feature": feature.name,
                    "raised_to": float(raised.iloc[first][feature.name]),
                    "before": float(before[first]),
                    "after": float(after[first]),
                    "_frame": base,
                },
            )
        return int(moved.sum())

    return check


# --- the check ---------------------------------------------------------------------------------


def check_behaviour(ctx: Context) -> CheckResult:
    from sekit.checks.data.bundle import bundle_from_config

    subject = subject_from_config(ctx)
    config = ctx.config
    section = config.model
    assert section is not None
    data = bundle_from_config(ctx) if config.data is not None else None
    columns = config.data.columns if config.data is not None else {}
    train = data.train.frame if data is not None else None
    if not subject.features:
        return CheckResult.skipped(
            id="model.behaviour",
            suite="model",
            reason="the model's features are unknown: configure [data]",
        )
    profile_list = profiles(columns, train, subject.features)
    by_name = {p.name: p for p in profile_list}
    realistic = data.sampled("train", 20_000)[subject.features] if data is not None else None
    batches = Batches(profile_list, section.batch_rows, realistic)
    settings = hypothesis_settings(ctx, section.examples)

    outcomes: list[Outcome] = []
    for name, kind, strategy, prop in contract_properties(subject, batches):
        outcomes.append(
            run_property(
                name,
                kind,
                strategy,
                prop,
                settings,
                _describer(batches, realistic=False),
                shrink_seconds=section.shrink_seconds,
            )
        )
    for index, item in enumerate(config.behaviour):
        label = item.name or f"behaviour[{index}] {item.kind}"
        if item.kind == "minimum":
            from sekit.checks.model.minimum import run_minimum

            outcomes.append(run_minimum(label, subject, item, config.data))
            continue
        feature = by_name.get(item.feature)
        if feature is None:
            raise InputError(
                config.source,
                f"behaviour[{index}].feature {item.feature!r} is not "
                f"a feature of the model ({', '.join(subject.features[:10])})",
                key=f"behaviour[{index}].feature",
            )
        if item.kind == "invariance":
            prop = invariance(subject, batches, feature)
            kind = "invariance_violation"
        else:
            prop = directional(subject, batches, feature, item.expect, item.output)
            kind = "directional_violation"
        outcomes.append(
            run_property(
                label,
                kind,
                batches.strategy(feature),
                prop,
                settings,
                _describer(batches, realistic=True),
                shrink_seconds=section.shrink_seconds,
            )
        )

    findings = [o.finding for o in outcomes if o.finding is not None]
    notes = [o.note for o in outcomes if o.note]
    cases = sum(o.cases for o in outcomes)
    seconds = sum(o.seconds for o in outcomes)
    findings.append(
        finding(
            "invalid_output",
            "info",
            "properties tested",
            properties=[
                {
                    "property": o.name,
                    "kind": o.kind,
                    "cases": o.cases,
                    "seconds": round(o.seconds, 3),
                    "passed": o.finding is None and o.note is None,
                    "note": o.note,
                }
                for o in outcomes
            ],
        )
    )
    failed = [o for o in outcomes if o.finding is not None]
    summary = (
        f"{len(outcomes) - len(failed)}/{len(outcomes)} properties hold on {cases:,} "
        f"generated rows ({cases / seconds:,.0f} rows/s)"
        if seconds
        else "no property ran"
    )
    if failed:
        summary = f"{len(failed)} of {len(outcomes)} properties fail: {failed[0].finding.message}"  # type: ignore[union-attr]
    if notes:
        summary += "; " + "; ".join(notes)
    result = CheckResult.from_findings(
        id="model.behaviour",
        suite="model",
        findings=findings,
        summary=summary,
        metrics={
            "behaviour.cases": cases,
            "behaviour.failures": len(failed) + len(notes),
            "behaviour.properties": len(outcomes),
            "behaviour.rows_per_second": cases / seconds if seconds else 0.0,
        },
    )
    if notes and not failed:
        from sekit.results import Status

        result = result.model_copy(update={"status": Status.ERROR})
    return result


def _describer(
    batches: Batches, *, realistic: bool
) -> Callable[[Case, Violation], list[dict[str, Any]]]:
    def describe(case: Case, violation: Violation) -> list[dict[str, Any]]:
        frame = violation.detail.get("_frame")
        if frame is None:
            frame = batches.frame(case, realistic=realistic)
        return _records(frame, violation.rows)

    return describe
