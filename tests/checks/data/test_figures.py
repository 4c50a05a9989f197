"""data.drift's picture marks exactly the features the check reports (issue: a red bar beside
"no drift in 31 features")."""

from __future__ import annotations

import sekit.data
from sekit.checks.data.figures import DriftScores, figures
from tests.checks.data.faults import LABEL, clean_frames, schema
from tests.report.svgread import all_bars, red_bars


def drawn(report: sekit.data.DataReport) -> str:
    [picture] = figures(report.result("data.drift"), {})
    return picture.svg


def test_a_difference_chance_explains_is_not_drawn_red() -> None:
    train, test = clean_frames()
    few = test.sample(15, random_state=3)  # few rows: large effects, none significant
    report = sekit.data.check(train, few, label=LABEL, columns=schema())
    result = report.result("data.drift")
    assert [f for f in result.findings if f.kind == "drift" and f.severity.value != "info"] == []
    kept = DriftScores.read(result)
    assert kept is not None
    scores = kept.scores["test"].items()
    past_limit = [f for f, v in scores if v is not None and v >= kept.min_effect]
    assert past_limit, "the case needs bars past the limit"
    svg = drawn(report)
    assert set(past_limit) <= all_bars(svg)
    assert red_bars(svg) == set()
    assert "reach the drift limit" not in figures(result, {})[0].caption


def test_the_drifted_feature_and_only_it_is_red() -> None:
    train, test = clean_frames()
    shifted = test.assign(**{"mean radius": test["mean radius"] + 4})
    report = sekit.data.check(train, shifted, label=LABEL, columns=schema())
    reported = {
        f.column
        for f in report.result("data.drift").findings
        if f.kind == "drift" and f.severity.value != "info"
    }
    assert "mean radius" in reported
    assert red_bars(drawn(report)) == reported
