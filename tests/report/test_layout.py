"""Every kind of picture, drawn by the real browser: no label is cut at the picture's edge and
no two labels overlap. The text boxes are measured by chromium itself (getBoundingClientRect
of every <text>), so what is tested is what a person sees; screenshots of the page are kept
in the test's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sekit.checks.data.figures import DriftScores
from sekit.checks.data.kinds import DRIFT
from sekit.checks.experiment.difference import HARM
from sekit.checks.experiment.figures import Arms
from sekit.checks.model.quality import PERFORMANCE
from sekit.checks.monitor.figures import SloWindows
from sekit.checks.monitor.slo import AVAILABILITY
from sekit.config.schema import Gate
from sekit.gate import evaluate_gates
from sekit.report import ProjectInfo, Report, render
from sekit.report.html import pictures
from sekit.results import CheckResult, Finding, Severity
from tests.report.test_html import picture_report

pytestmark = pytest.mark.browser

LONG = "a very long feature name that no label column can hold on one line"


def crowded_report() -> Report:
    """Every figure kind, with what made labels collide or get cut before: long slice and
    class names, a p95 limit near the top of the chart beside the warm-up band, thirty
    features, a monitor series with broken windows, three experiment arms."""
    base = picture_report()
    checks: list[CheckResult] = []
    for check in base.checks:
        if check.id == "model.slices":
            slices = [
                {
                    "slice": "mean_radius in (13.38, 15.765]",
                    "value": 0.81,
                    "rows": 40,
                    "interval": [0.7, 0.9],
                },
                {
                    "slice": f"{LONG} = 'a value as long as the name itself, or longer'",
                    "value": 0.88,
                    "rows": 60,
                    "interval": [0.8, 0.95],
                },
                {"slice": "x", "value": 0.99, "rows": 300, "interval": [0.97, 1.0]},
            ]
            kept = check.findings[0].evidence | {"slices": slices}
            check = check.model_copy(
                update={"findings": (check.findings[0].model_copy(update={"evidence": kept}),)}
            )
        if check.id == "model.quality":
            labels = ["benign", "malignant tumour of the left breast", "not yet known"]
            matrix = [[100, 7, 1], [3, 61, 2], [0, 1, 9]]
            from sekit.checks.model.figures import Confusion

            check = check.model_copy(
                update={
                    "findings": (Confusion(labels=labels, matrix=matrix).finding(PERFORMANCE, "m"),)
                }
            )
        checks.append(check)
    scores = {f"feature_{i:02d}_{'x' * (i % 7)}": 0.3 / (i + 1) for i in range(30)}
    scores[LONG] = 0.5
    checks.append(
        CheckResult.from_findings(
            id="data.drift",
            suite="data",
            findings=[
                Finding(
                    kind="drift",
                    severity=Severity.FAIL,
                    message="drifted",
                    column=LONG,
                    evidence={"dataset": "production"},
                ),
                DriftScores(scores={"production": scores}, min_effect=0.1).finding(
                    DRIFT, "effects"
                ),
            ],
        )
    )
    points = [
        {
            "start": f"2026-12-0{1 + h // 24}T{h % 24:02d}:00:00+00:00",
            "n": 100,
            "value": 0.999 if h % 9 else 0.9,
            "low": 0.98,
            "high": 1.0,
            "p_adjusted": 0.5,
            "broken": h % 9 == 0,
        }
        for h in range(48)
    ]
    windows = SloWindows.model_validate(
        {
            "series": {
                "monitor.availability": {"bound": 0.99, "direction": "min", "points": points}
            },
            "window_s": 3600.0,
            "source": "logs/requests.jsonl",
        }
    )
    checks.append(
        CheckResult.from_findings(
            id="monitor.slo", suite="monitor", findings=[windows.finding(AVAILABILITY, "windows")]
        )
    )
    arms = Arms.model_validate(
        {
            "metric": "corrected answers per user",
            "lower_is_better": True,
            "arms": [
                {
                    "name": name,
                    "users": 400,
                    "observations": 900,
                    "mean": m,
                    "low": m - 0.02,
                    "high": m + 0.03,
                }
                for name, m in (("control", 0.12), ("canary with the new prompt", 0.1), ("b", 0.2))
            ],
            "decisions": [],
        }
    )
    checks.append(
        CheckResult.from_findings(
            id="experiment.difference", suite="experiment", findings=[arms.finding(HARM, "arms")]
        )
    )
    metrics = {k: v for c in checks for k, v in c.qualified_metrics().items()}
    # the bound near the top of the latency chart, where the legend and warm-up label sit
    return Report(
        project=ProjectInfo(name="layout", root="."),
        verdict="fail",
        checks=checks,
        metrics=metrics,
        gates=evaluate_gates(metrics, {"load.p95_ms": Gate(max=51)}),
    )


MEASURE = """
const out = [];
for (const svg of document.querySelectorAll('svg')) {
  const frame = svg.getBoundingClientRect();
  const boxes = [];
  for (const text of svg.querySelectorAll('text')) {
    const r = text.getBoundingClientRect();
    if (r.width === 0) continue;
    boxes.push({text: text.textContent, left: r.left, right: r.right, top: r.top,
                bottom: r.bottom});
  }
  out.push({frame: {left: frame.left, right: frame.right, top: frame.top,
                    bottom: frame.bottom}, boxes: boxes});
}
return out;
"""


def _overlap(a: dict[str, Any], b: dict[str, Any], slack: float = 1.0) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["left"], b["left"]) > slack
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > slack
    )


def problems(measured: list[dict[str, Any]]) -> list[str]:
    found = []
    for index, picture in enumerate(measured):
        frame = picture["frame"]
        boxes = picture["boxes"]
        for box in boxes:
            if (
                box["left"] < frame["left"] - 0.5
                or box["right"] > frame["right"] + 0.5
                or box["top"] < frame["top"] - 0.5
                or box["bottom"] > frame["bottom"] + 0.5
            ):
                found.append(f"picture {index}: {box['text']!r} is cut at the edge")
        for i, first in enumerate(boxes):
            for second in boxes[i + 1 :]:
                if _overlap(first, second):
                    found.append(f"picture {index}: {first['text']!r} overlaps {second['text']!r}")
    return found


@pytest.mark.parametrize("width", [1280, 760])
def test_no_label_is_cut_or_overlaps(browser: Any, tmp_path: Path, width: int) -> None:
    report = crowded_report()
    assert len(pictures(report)) >= 10  # every kind: bars, lines, heatmap, with marks
    page = tmp_path / "report.html"
    page.write_text(render(report, "html"))
    browser.set_window_size(width, 1200)
    browser.get(page.as_uri())
    measured = browser.execute_script(MEASURE)
    assert len(measured) == len(pictures(report))
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(width, height)
    browser.save_screenshot(str(tmp_path / f"report-{width}.png"))
    assert problems(measured) == []


def test_the_measure_finds_an_overlap_and_a_cut(browser: Any, tmp_path: Path) -> None:
    """The control: two labels drawn on top of each other and one past the edge are found."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!doctype html><svg viewBox="0 0 200 50" width="200" font-size="12">'
        '<text x="10" y="20">limit 200</text><text x="14" y="22">warm-up</text>'
        '<text x="190" y="40">cut off here</text></svg>'
    )
    browser.get(page.as_uri())
    found = problems(browser.execute_script(MEASURE))
    assert any("overlaps" in p for p in found) and any("cut" in p for p in found)
