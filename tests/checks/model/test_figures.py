"""The model checks' pictures mark exactly what their checks report: the weak slices, the
groups served worse; the overall value is drawn as a reference, never as a limit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sekit.checks.context import Context
from sekit.checks.model.fairness import check_fairness
from sekit.checks.model.figures import group_figures, slice_figures
from sekit.config.schema import Config
from tests.checks.model.test_quality import WrongOnBigCells, results
from tests.checks.release.models import MissesPositivesInBatch
from tests.report.svgread import red_bars, texts


def test_the_weak_slices_and_only_they_are_red(project: Callable[..., Config], clean: Any) -> None:
    result = results(project(WrongOnBigCells(clean), behaviour=""))["model.slices"]
    weak = {
        f.evidence["slice"]
        for f in result.findings
        if f.kind == "weak_slice" and f.severity.value != "info"
    }
    assert weak
    [picture] = slice_figures(result, {})
    assert red_bars(picture.svg) == weak
    labels = texts(picture.svg)
    assert not any(label.startswith("limit") for label in labels)  # it is no bound
    assert any(label.startswith("overall ") for label in labels)


def test_a_clean_model_has_no_red_slice(project: Callable[..., Config], clean: Any) -> None:
    result = results(project(clean, behaviour=""))["model.slices"]
    # the clean model has no failing slice; with older scikit-learn one slice warns, and
    # then that slice, the one the finding names, is the only red bar
    assert result.status.value in ("pass", "warn")
    assert not [f for f in result.findings if f.severity.value == "fail"]
    named = {str(f.evidence["slice"]) for f in result.findings if f.severity.value == "warn"}
    assert len(named) <= 1
    [picture] = slice_figures(result, {})
    assert red_bars(picture.svg) == named


SENSITIVE = 'sensitive = ["batch"]\npositive_class = "1"'


def test_the_group_served_worse_is_red(project: Callable[..., Config], clean: Any) -> None:
    biased = MissesPositivesInBatch(clean, every=1)
    result = check_fairness(Context(project(biased, behaviour="", extra=SENSITIVE)))
    reported = {
        f"{f.evidence['metric']} · {f.evidence['group']}"
        for f in result.findings
        if f.kind == "unfair_outcome" and f.severity.value == "fail"
    }
    assert reported
    [picture] = group_figures(result, {})
    assert red_bars(picture.svg) == reported
    clean_result = check_fairness(Context(project(clean, behaviour="", extra=SENSITIVE)))
    assert red_bars(group_figures(clean_result, {})[0].svg) == set()
