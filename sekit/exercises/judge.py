"""Judging an exercise: the safety net kept, the pipeline running, the fault gone."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from sekit.exercises.catalogue import READINESS_GAIN, READINESS_ITEMS, Exercise, Verdict
from sekit.exercises.project import project_importable, run_pipeline

MIN_ROWS_SHARE = 0.9  # processed rows must stay at 90% of the dataset
MIN_TEST_SHARE = 0.2


def judge(exercise: Exercise, folder: Path, original: Any) -> Verdict:
    rejected = weakened(exercise, folder, original)
    if rejected:
        return Verdict("rejected", rejected)
    if exercise.suite == "ci":
        return _ci(folder)
    if exercise.suite == "grade":
        return _readiness(folder)
    if exercise.suite == "release":
        from sekit.exercises.project import deploy_original

        failure = deploy_original(folder)
        if failure:
            return Verdict("not_fixed", [failure])
    with project_importable(folder) as env:
        failure = run_pipeline(folder, env)
        if failure:
            return Verdict("not_fixed", [f"the pipeline fails: {failure}"])
        verdict = _suite(exercise, folder)
        # thinned data is a way out only when the checks then pass (in unfair-clinic the
        # handed-out fault itself leaves rows out of training)
        thinned = _data_kept(folder, original) if verdict.status == "fixed" else []
        return Verdict("rejected", thinned) if thinned else verdict


# --- the safety net ----------------------------------------------------------------------------


def _toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}


def weakened(exercise: Exercise, folder: Path, original: Any) -> list[str]:
    """What the student loosened or removed in sekit.toml (or the payload), one line each."""
    try:
        now = _toml((folder / "sekit.toml").read_text())
    except OSError:
        return ["sekit.toml is gone"]
    before = _toml(original.files["sekit.toml"])
    problems: list[str] = []
    for table in exercise.protect:
        if table == "gates":
            problems += _gates(before.get("gates", {}), now.get("gates", {}))
        elif table in ("severity", "checks"):
            extra = {
                k: v for k, v in now.get(table, {}).items() if before.get(table, {}).get(k) != v
            }
            if extra:
                problems.append(
                    f"sekit.toml: [{table}] was changed ({', '.join(extra)}): "
                    "checks must not be switched off or lowered"
                )
        elif table == "behaviour":
            missing = [b for b in before.get("behaviour", []) if b not in now.get("behaviour", [])]
            for item in missing:
                problems.append(
                    f"sekit.toml: the behaviour property {item.get('name')!r} was "
                    "removed or changed"
                )
        elif before.get(table) != now.get(table):
            problems.append(
                f"sekit.toml: [{table}] was changed; this exercise keeps it as handed out"
            )
    if "service" in exercise.protect:
        payload = "tests/load/payload.json"
        current = (folder / payload).read_text() if (folder / payload).exists() else ""
        if current != original.files[payload]:
            problems.append(f"{payload} was changed: the load test must send the same requests")
    for pattern in exercise.keep:
        path = pattern.format(package=original.package)
        current = (folder / path).read_text() if (folder / path).exists() else ""
        if current != original.files.get(path, ""):
            problems.append(f"{path} was changed: this exercise keeps it as handed out")
    return problems


def _gates(before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    problems = []
    for metric, bound in before.items():
        current = now.get(metric)
        if current is None:
            problems.append(f"sekit.toml: the gate on {metric} was removed")
            continue
        if "max" in bound and (current.get("max") is None or current["max"] > bound["max"]):
            problems.append(
                f"sekit.toml: the gate {metric} was loosened (max {bound['max']} -> "
                f"{current.get('max')})"
            )
        if "min" in bound and (current.get("min") is None or current["min"] < bound["min"]):
            problems.append(
                f"sekit.toml: the gate {metric} was loosened (min {bound['min']} -> "
                f"{current.get('min')})"
            )
    return problems


def _data_kept(folder: Path, original: Any) -> list[str]:
    """The processed data (with the golden rows kept aside) must keep (almost) all rows, with a
    real test set in which every clinic (the scaffold's protected attribute) keeps its place: a
    group taken out of the test set, or renamed into another, can no longer be found unfair."""
    import pandas as pd

    from sekit.scaffold.datasets import CLINICS, load

    if original.template == "endpoint":
        return []  # a pipeline around a given model: no training data to thin out
    expected = load(original.template).rows
    try:
        train = pd.read_csv(folder / "data/processed/train.csv")
        test = pd.read_csv(folder / "data/processed/test.csv")
        # the golden rows the sanitize stage keeps aside for sekit retrain are kept rows too
        golden_csv = folder / "data/golden/golden.csv"
        golden = pd.read_csv(golden_csv) if golden_csv.is_file() else train.iloc[:0]
        kept = pd.concat([train, test, golden[[c for c in train.columns if c in golden]]])
        distinct = len(kept.drop_duplicates())
    except (OSError, ValueError) as exc:
        return [f"the processed data cannot be read ({type(exc).__name__})"]
    problems = []
    if distinct < MIN_ROWS_SHARE * expected:
        problems.append(
            f"only {distinct} of the dataset's {expected} rows are left in "
            "data/processed: fix the cause, not the data"
        )
    if len(test) < MIN_TEST_SHARE * distinct:
        problems.append(f"the test set has {len(test)} rows, too few to measure anything")
    groups = test["clinic"].astype(str) if "clinic" in test.columns else pd.Series([], dtype=str)
    counts = groups.value_counts()
    thin = [c for c in CLINICS if int(counts.get(c, 0)) < len(test) / len(CLINICS) / 2]
    if thin:
        problems.append(
            f"the test set has (almost) no rows from clinic {', '.join(thin)}: every clinic "
            "stays in the test set, as often as in the data"
        )
    return problems


# --- the fault ---------------------------------------------------------------------------------

SUITE_METRICS = {
    "data": ("data.",),
    "model": ("model.", "behaviour."),
    "load": ("load.",),
    "release": ("release.",),
    "endpoint": ("client.",),  # endpoint.* budgets are the model suite's (model.endpoint)
}


def _suite(exercise: Exercise, folder: Path) -> Verdict:
    from sekit.checks.context import RunOptions
    from sekit.config.loader import load_config
    from sekit.gate import build_report
    from sekit.runner import run_checks

    config = load_config(folder)
    results = run_checks(config, suites=[exercise.suite], options=RunOptions(ci=True))
    prefixes = SUITE_METRICS[exercise.suite]
    suite_gates = {m: g for m, g in config.gates.items() if m.startswith(prefixes)}
    report = build_report(config.model_copy(update={"gates": suite_gates}), results, gate=True)
    if report.verdict == "pass":
        slower = _slower_for_everyone(exercise, config, folder)
        if slower:
            return Verdict("rejected", [slower])
        committed = _secrets(folder) if exercise.suite == "endpoint" else []
        if committed:
            return Verdict("not_fixed", committed)
        return Verdict("fixed", [f"the {exercise.suite} checks and their gates pass"])
    messages = [
        f"{c.id}: {f.message}"
        for c in report.checks
        if c.status.blocks
        for f in c.findings
        if f.severity.value == "fail"
    ][:4]
    messages += [f"gate {g.metric}: {g.reason}" for g in report.gates if not g.passed]
    return Verdict("not_fixed", messages)


def _secrets(folder: Path) -> list[str]:
    """Keys in the files, as the grader finds them (sekit.grade.detectors.secrets)."""
    from sekit.grade.detectors.secrets import secrets
    from sekit.grade.repository import Repository

    found = secrets(Repository(folder))
    return [] if found.status == "met" else found.evidence


def _slower_for_everyone(exercise: Exercise, config: Any, folder: Path) -> str | None:
    """A release compares two models on one service: a service made slow for both hides a
    slow model. Asked only when the release passes. To hide the exercise's ensemble from the p95
    ratio, every answer must be slowed by about twice its own latency, so the deployed model's
    *median* must stay within half the load test's p95 bound. The median, not the p95: while
    the handed-out ensemble hogs the CPU, the fast deployed model's p95 went above the bound in
    a CI run (221 ms against 200). Measured after the reference fix with 0-4 busy loops beside
    it on 2 cores: median 14-28 ms, p95 36-120 ms."""
    if exercise.suite != "release":
        return None
    gate = config.gates.get("load.p95_ms")
    median = _deployed_median(folder / ".sekit" / "release-samples.jsonl")
    if gate is None or gate.max is None or median is None or median <= gate.max / 2:
        return None
    return (
        f"the deployed model now answers in {median:.0f} ms (median), above half the "
        f"{gate.max:g} ms bound: the service was made slower for every model, which hides a "
        "slow one"
    )


def _deployed_median(samples: Path) -> float | None:
    import statistics

    from sekit.subjects.answers import read_samples

    latencies = read_samples(samples)["deployed"].latencies
    return statistics.median(latencies) if latencies else None


def _ci(folder: Path) -> Verdict:
    from sekit.grade.detectors.ci import ci_gate
    from sekit.grade.repository import Repository

    found = ci_gate(Repository(folder))
    problems = [] if found.status == "met" else [f"the gate does not block: {found.evidence[0]}"]
    github = folder / ".github/workflows/ci.yml"
    gitlab = folder / ".gitlab-ci.yml"
    github_text = github.read_text() if github.exists() else ""
    gitlab_text = gitlab.read_text() if gitlab.exists() else ""
    if not re.search(r"^  deploy:", github_text, re.M) or not re.search(
        r"needs:\s*\[?\s*test-and-gate", github_text
    ):
        problems.append(
            ".github/workflows/ci.yml: the deploy job must still exist and need "
            "the job that runs the gate"
        )
    if not re.search(r"^deploy:", gitlab_text, re.M) or "stage: deploy" not in gitlab_text:
        problems.append(
            ".gitlab-ci.yml: the deploy job must still exist, in the stage after the gate"
        )
    if not re.search(r"^\s*run:.*sekit gate", github_text, re.M) or not re.search(
        r"^\s*-\s*sekit gate", gitlab_text, re.M
    ):
        problems.append("both CI files must still run `sekit gate`")
    if problems:
        return Verdict("not_fixed", problems)
    return Verdict("fixed", ["a failing gate now stops the deployment in both CI files"])


def _readiness(folder: Path) -> Verdict:
    from sekit.grade import grade_one
    from sekit.grade.repository import Repository
    from sekit.grade.rubric import builtin

    team = grade_one(folder, builtin())
    if team.score is None:
        return Verdict("not_fixed", [team.reason or "the project cannot be graded"])
    items = {i.id: i for i in team.items}
    open_items = [
        f"{items[i].title}: {items[i].status}" for i in READINESS_ITEMS if items[i].status != "met"
    ]
    working = _commits_with_changes(Repository(folder))
    problems = list(open_items)
    if working < 5:
        problems.append(f"{working} commits change files; make at least 5 as you work")
    if team.gain is None or team.gain < READINESS_GAIN:
        shown = "unknown" if team.gain is None else f"{team.gain:+g}"
        problems.append(
            f"your work adds {shown} points to the untouched template's score; "
            f"{READINESS_GAIN:+g} needed"
        )
    if problems:
        return Verdict("not_fixed", problems)
    return Verdict("fixed", [f"score {team.score:g}, {team.gain:+g} over the template: ready"])


def _commits_with_changes(repo: Any) -> int:
    history = repo.history
    if history is None:
        return 0
    return sum(1 for commit in history.commits if history.changes(commit))
