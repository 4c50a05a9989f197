"""The ML Test Score (Breck, Cai, Nielsen, Salib, Sculley: "The ML Test Score: A Rubric for ML
Production Readiness and Technical Debt Reduction", IEEE Big Data 2017).

28 tests in four sections of seven. A test earns 1 point when automated tests cover it and ran
green, 0.5 when it is done by hand and the results are documented, 0 otherwise (skipped or
failing tests earn nothing). A section's score is the sum of its tests; the final score is the
lowest section score.

Evidence sekit accepts, read without running anything:

* automated: pytest tests marked ``@pytest.mark.mlts("data-1")`` (or listed under
  ``[grade.mlts]`` in sekit.toml) that passed in a JUnit XML report: one the team's CI wrote
  into the repository, or the one ``sekit grade --run`` produces; with ``--run``, also sekit's
  own checks that passed (e.g. ``data.schema`` for data-1);
* manual: a document ``docs/mlts/<test>.md`` (or one named under ``[grade.evidence]``) of at
  least 40 words and without template placeholders.
"""

from __future__ import annotations

import ast
import re
import tomllib
import xml.etree.ElementTree as ET
from typing import Any

from sekit.grade.model import MLTestScore
from sekit.grade.repository import Repository

TESTS: dict[str, str] = {
    "data-1": "Feature expectations are captured in a schema",
    "data-2": "All features are beneficial",
    "data-3": "No feature's cost is too much",
    "data-4": "Features adhere to meta-level requirements",
    "data-5": "The data pipeline has appropriate privacy controls",
    "data-6": "New features can be added quickly",
    "data-7": "All input feature code is tested",
    "model-1": "Model specs are reviewed and submitted",
    "model-2": "Offline and online metrics correlate",
    "model-3": "All hyperparameters have been tuned",
    "model-4": "The impact of model staleness is known",
    "model-5": "A simpler model is not better",
    "model-6": "Model quality is sufficient on important data slices",
    "model-7": "The model is tested for considerations of inclusion",
    "infra-1": "Training is reproducible",
    "infra-2": "Model specs are unit tested",
    "infra-3": "The ML pipeline is integration tested",
    "infra-4": "Model quality is validated before serving",
    "infra-5": "The model is debuggable",
    "infra-6": "Models are canaried before serving",
    "infra-7": "Serving models can be rolled back",
    "monitor-1": "Dependency changes result in notification",
    "monitor-2": "Data invariants hold for inputs",
    "monitor-3": "Training and serving are not skewed",
    "monitor-4": "Models are not too stale",
    "monitor-5": "Models are numerically stable",
    "monitor-6": "Computing performance has not regressed",
    "monitor-7": "Prediction quality has not regressed",
}
SECTIONS = ("data", "model", "infra", "monitor")

# sekit checks that, having passed in a `--run` of `sekit gate`, automate an ML Test Score test.
SEKIT_CHECKS: dict[str, tuple[str, ...]] = {
    "data-1": ("data.schema", "data.out_of_range", "data.unexpected_category"),
    "data-3": ("data.label_leakage",),
    "model-5": ("model.simple_baseline",),
    "model-6": ("model.slices",),
    "model-7": ("model.behaviour",),
    "infra-4": ("model.quality",),
    "monitor-2": ("data.drift",),
    "monitor-5": ("model.behaviour",),
    "monitor-6": ("load.locust",),
    "monitor-7": ("model.previous",),
}

BANDS = (
    (0.0, "0: more of a research project than a productionized system"),
    (1.0, "(0, 1]: not totally untested, but there may be serious holes in reliability"),
    (2.0, "(1, 2]: a first pass at productionization; more investment may be needed"),
    (3.0, "(2, 3]: reasonably tested; more of the tests and procedures may be automated"),
    (5.0, "(3, 5]: strong automated testing and monitoring, fit for mission-critical systems"),
    (float("inf"), "> 5: exceptional levels of automated testing and monitoring"),
)


def band(final: float) -> str:
    return next(text for limit, text in BANDS if final <= limit)


def tagged_tests(repo: Repository, config: dict[str, Any]) -> dict[str, list[str]]:
    """ML Test Score id -> pytest node ids, from ``mlts`` markers and ``[grade.mlts]``."""
    found: dict[str, list[str]] = {}
    for relative in repo.files:
        if not relative.endswith(".py") or "test" not in relative.rsplit("/", 1)[-1]:
            continue
        if "mlts" not in (repo.text(relative) or ""):
            continue
        tree = repo.python(relative)
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for decorator in node.decorator_list:
                    test_id = _mlts_argument(decorator)
                    if test_id in TESTS:
                        found.setdefault(test_id, []).append(f"{relative}::{node.name}")
    mapped = config.get("grade", {}).get("mlts", {}) if isinstance(config, dict) else {}
    for test_id, nodes in mapped.items() if isinstance(mapped, dict) else []:
        if test_id in TESTS and isinstance(nodes, list):
            found.setdefault(test_id, []).extend(str(n) for n in nodes)
    return found


def _mlts_argument(decorator: ast.expr) -> str | None:
    if (
        isinstance(decorator, ast.Call)
        and getattr(decorator.func, "attr", None) == "mlts"
        and decorator.args
        and isinstance(decorator.args[0], ast.Constant)
    ):
        value = decorator.args[0].value
        return value if isinstance(value, str) else None
    return None


def junit_results(xml_text: str) -> dict[str, str]:
    """pytest node id (``path::function``) -> passed | failed | skipped, from JUnit XML.

    A parametrised test counts as passed only when every parametrisation passed.
    """
    results: dict[str, str] = {}
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError:
        return results
    for case in root.iter("testcase"):
        classname = case.get("classname", "")
        name = re.sub(r"\[.*\]$", "", case.get("name", ""))
        parts = classname.split(".")
        module = "/".join(p for p in parts if p and not p[:1].isupper())
        node = f"{module}.py::{name}"
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        else:
            outcome = "passed"
        if results.get(node) in (None, "passed"):  # a failed or skipped case sticks
            results[node] = outcome
    return results


def committed_junit(repo: Repository) -> dict[str, str]:
    results: dict[str, str] = {}
    for relative in repo.files:
        name = relative.rsplit("/", 1)[-1].lower()
        if name.endswith(".xml") and ("junit" in name or relative.startswith("reports/")):
            text = repo.text(relative)
            if text and "<testsuite" in text:
                results.update(junit_results(text))
    return results


def score(
    repo: Repository, *, junit: dict[str, str], gate_report: dict[str, Any] | None
) -> MLTestScore:
    config = _config(repo)
    tagged = tagged_tests(repo, config)
    evidence_docs = config.get("grade", {}).get("evidence", {}) if config else {}
    passed_checks = {
        c["id"]
        for c in (gate_report or {}).get("checks", [])
        if c.get("status") in ("pass", "warn")
    }
    tests: dict[str, dict[str, Any]] = {}
    for test_id, title in TESTS.items():
        credit, how, evidence = 0.0, "none", []
        nodes = tagged.get(test_id, [])
        if nodes:
            outcomes = [_outcome(node, junit) for node in nodes]
            evidence = [f"{node}: {outcome}" for node, outcome in zip(nodes, outcomes, strict=True)]
            if all(o == "passed" for o in outcomes):
                credit, how = 1.0, "automated"
        checks = [c for c in SEKIT_CHECKS.get(test_id, ()) if c in passed_checks]
        if credit < 1 and checks:
            credit, how = 1.0, "automated"
            evidence.append(f"sekit gate: {', '.join(checks)} passed")
        if credit < 1:
            document = evidence_docs.get(test_id) or f"docs/mlts/{test_id}.md"
            text = repo.text(document) if document in repo.files else None
            if (
                text
                and len(text.split()) >= 40
                and not any(m in text for m in ("TODO(team)", "lorem ipsum"))
            ):
                credit, how = max(credit, 0.5), "manual"
                evidence.append(f"{document}: documented")
        tests[test_id] = {"title": title, "credit": credit, "how": how, "evidence": evidence}
    sections = {
        s: sum(t["credit"] for k, t in tests.items() if k.startswith(f"{s}-")) for s in SECTIONS
    }
    final = min(sections.values())
    return MLTestScore(
        data=sections["data"],
        model=sections["model"],
        infra=sections["infra"],
        monitor=sections["monitor"],
        final=final,
        band=band(final),
        tests=tests,
    )


def _outcome(node: str, junit: dict[str, str]) -> str:
    if node in junit:
        return junit[node]
    short = node.split("::")[-1]
    matches = [
        v
        for k, v in junit.items()
        if k.endswith(f"::{short}")
        and k.split("::")[0].endswith(node.split("::")[0].rsplit("/", 1)[-1])
    ]
    return matches[0] if matches else "not run"


def _config(repo: Repository) -> dict[str, Any]:
    if "sekit.toml" not in repo.files:
        return {}
    try:
        return tomllib.loads(repo.text("sekit.toml") or "")
    except tomllib.TOMLDecodeError:
        return {}
