"""The ML Test Score (Breck, Cai, Nielsen, Salib, Sculley: "The ML Test Score: A Rubric for ML
Production Readiness and Technical Debt Reduction", IEEE Big Data 2017).

28 tests in four sections of seven. A test earns 1 point when it is automated and ran green, 0.5
when it is done by hand and the results are documented, 0 otherwise; a section's score is the
sum of its tests, the final score the lowest section. Evidence that a team can forge earns
nothing:

* **automated** credit only from what sekit itself ran: pytest tests that claim a test (marked
  ``@pytest.mark.mlts("data-1")`` or listed under ``[grade.mlts]``) and passed in the run of
  ``sekit grade --run``, or sekit checks that ended ``pass`` (not ``warn``) in that run's
  ``sekit gate``. A JUnit file committed to the repository is shown as *self-reported* and earns
  nothing; a skipped, failing or never-run test earns nothing;
* **manual** credit from a document ``docs/mlts/<test>.md`` (or one named under
  ``[grade.evidence]``) of at least 40 words, without template placeholders, that is not a copy
  of another test's document (one filler text for 28 tests earns nothing).

Untagged tests that look like they address a test (by their file and name) are listed as
candidates, with what tagging them would earn. The mapping of every sekit check to the paper's
tests, each justified by the paper's wording, is declared by the checks themselves
(``CheckSpec.mlts``) and shown in ``docs/explanation/ml-test-score.md``.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from sekit.grade.mlts_reasons import reasons
from sekit.grade.model import MLTestScore
from sekit.grade.repository import Repository
from sekit.scaffold import TODO_MARKER

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
MIN_WORDS = 40
SIMILAR = 0.8  # two documents sharing this share of their 5-word phrases are copies

BANDS = (
    (0.0, "0: more of a research project than a productionized system"),
    (1.0, "(0, 1]: not totally untested, but there may be serious holes in reliability"),
    (2.0, "(1, 2]: a first pass at productionization; more investment may be needed"),
    (3.0, "(2, 3]: reasonably tested; more of the tests and procedures may be automated"),
    (5.0, "(3, 5]: strong automated testing and monitoring, fit for mission-critical systems"),
    (float("inf"), "> 5: exceptional levels of automated testing and monitoring"),
)

# What an untagged test's file and name suggest it covers (a hint, never credit).
SECTION_OF_FILE = {
    "data": r"data|feature",
    "model": r"model|mutamorph|metamorph|development|slice",
    "infra": r"infra|integration|pipeline|train",
    "monitor": r"monitor",
}
HINTS = {
    "data-1": r"schema|dtype|column|type",
    "data-2": r"importance|beneficial|ablation|unused|correlat",
    "data-3": r"feature_cost|cost",
    "data-5": r"privacy|anonymi|pii",
    "data-7": r"feature|preprocess|transform|tokeni|vectori|clean",
    "model-3": r"hyperparam|tuning|grid",
    "model-4": r"stale",
    "model-5": r"baseline|simpl|dummy",
    "model-6": r"slice|segment|subgroup",
    "model-7": r"fair|inclusion|bias|demographic",
    "infra-1": r"reproduc|determinis|nondetermin|non_determin|seed",
    "infra-2": r"spec|loss|train_step",
    "infra-3": r"integration|pipeline|end_to_end|e2e",
    "infra-4": r"quality|accuracy|threshold|performance",
    "infra-6": r"canary|shadow",
    "infra-7": r"rollback|roll_back",
    "monitor-2": r"invariant|drift|serving|input",
    "monitor-3": r"skew|consisten",
    "monitor-5": r"nan|inf\b|numeric|stab",
    "monitor-6": r"latency|memory|throughput|speed|ram|cost",
    "monitor-7": r"regress|degrad|prediction_quality",
}


@dataclass(frozen=True)
class Mapping:
    checks: tuple[str, ...]
    why: str
    requires: str | None = None


def mapping() -> dict[str, Mapping]:
    """ML Test Score id -> the checks that automate it (all must pass), why, and a metric that
    must be positive for the claim to hold."""
    from sekit.checks import specs

    found: dict[str, Mapping] = {}
    for spec in specs():
        if spec.engine != "native":
            continue
        for claim in spec.mlts:
            if claim.test not in TESTS:
                raise ValueError(f"{spec.id} claims an unknown ML Test Score test {claim.test!r}")
            known = found.get(claim.test)
            if known is None:
                found[claim.test] = Mapping((spec.id,), claim.why, claim.requires)
            else:
                found[claim.test] = Mapping(
                    (*known.checks, spec.id), known.why, known.requires or claim.requires
                )
    return {test: found[test] for test in TESTS if test in found}


def band(final: float) -> str:
    return next(text for limit, text in BANDS if final <= limit)


def sekit_checks() -> dict[str, tuple[str, ...]]:
    """ML Test Score id -> the sekit checks that automate it (from the checks' declarations)."""
    return {test: row.checks for test, row in mapping().items()}


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

    Parsed with defusedxml (no entity expansion). A parametrised test counts as passed only
    when every parametrisation passed.
    """
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    results: dict[str, str] = {}
    try:
        root = SafeET.fromstring(xml_text)
    except (SafeET.ParseError, DefusedXmlException, ValueError):
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


def committed_junit(repo: Repository) -> tuple[dict[str, str], list[str]]:
    """Outcomes that JUnit files committed to the repository claim, and those files.

    They are self-reported: shown beside the grade, never credited.
    """
    results: dict[str, str] = {}
    files = []
    for relative in repo.files:
        name = relative.rsplit("/", 1)[-1].lower()
        if name.endswith(".xml") and (
            "junit" in name or "test" in name or relative.startswith("reports/")
        ):
            text = repo.text(relative)
            if text and "<testsuite" in text:
                files.append(relative)
                results.update(junit_results(text))
    return results, files


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + 5]) for i in range(max(1, len(words) - 4))}


def _copies(documents: dict[str, str]) -> dict[str, str]:
    """test id -> the id of another test whose document this one copies."""
    shingles = {test_id: _shingles(text) for test_id, text in documents.items()}
    copies: dict[str, str] = {}
    ids = sorted(shingles)
    for i, first in enumerate(ids):
        for second in ids[i + 1 :]:
            a, b = shingles[first], shingles[second]
            if a and b and len(a & b) / min(len(a), len(b)) >= SIMILAR:
                copies.setdefault(first, second)
                copies.setdefault(second, first)
    return copies


def _candidates(repo: Repository, tagged: dict[str, list[str]]) -> dict[str, list[str]]:
    """Untagged test functions that look like they address a test: id -> node ids."""
    from sekit.grade.detectors.common import test_functions

    claimed = {node for nodes in tagged.values() for node in nodes}
    found: dict[str, list[str]] = {}
    for function in test_functions(repo):
        node = str(function)
        if node in claimed:
            continue
        file_name = function.path.rsplit("/", 1)[-1]
        sections = [
            s for s, pattern in SECTION_OF_FILE.items() if re.search(pattern, file_name, re.I)
        ]
        for test_id, pattern in HINTS.items():
            section = test_id.split("-")[0]
            if sections and section not in sections:
                continue
            if re.search(pattern, function.name, re.IGNORECASE):
                found.setdefault(test_id, []).append(node)
                break
    return found


def score(
    repo: Repository,
    *,
    junit: dict[str, str] | None,
    gate_report: dict[str, Any] | None,
    self_reported: dict[str, str] | None = None,
) -> MLTestScore:
    """The ML Test Score of a repository.

    ``junit`` holds the outcomes of the tests sekit ran (``--run``), ``gate_report`` the report
    of the ``sekit gate`` it ran; both None without ``--run``. ``self_reported`` holds what
    committed JUnit files claim: shown, never credited.
    """
    config = _config(repo)
    tagged = tagged_tests(repo, config)
    candidates = _candidates(repo, tagged)
    evidence_docs = config.get("grade", {}).get("evidence", {}) if config else {}
    statuses = {
        str(c.get("id")): str(c.get("status"))
        for c in (gate_report or {}).get("checks", [])
        if isinstance(c, dict)
    }
    metrics = (gate_report or {}).get("metrics", {})
    rows = mapping()
    documents = {}
    for test_id in TESTS:
        document = evidence_docs.get(test_id) if isinstance(evidence_docs, dict) else None
        document = document or f"docs/mlts/{test_id}.md"
        text = repo.text(document) if document in repo.files else None
        if text:
            documents[test_id] = (document, text)
    copies = _copies({k: text for k, (_, text) in documents.items()})
    tests: dict[str, dict[str, Any]] = {}
    for test_id, title in TESTS.items():
        credit, how, evidence = 0.0, "none", []
        nodes = tagged.get(test_id, [])
        if nodes:
            outcomes = [_outcome(node, junit or {}) for node in nodes]
            evidence = [f"{node}: {outcome}" for node, outcome in zip(nodes, outcomes, strict=True)]
            if junit is not None and all(o == "passed" for o in outcomes):
                credit, how = 1.0, "automated"
            claimed = [_outcome(node, self_reported or {}) for node in nodes]
            if junit is None and any(c != "not run" for c in claimed):
                evidence.append(
                    f"self-reported in a committed JUnit file: {', '.join(claimed)} "
                    "(no credit; `sekit grade --run` runs the tests)"
                )
        row = rows.get(test_id)
        ran = [c for c in (row.checks if row else ()) if statuses.get(c, "skipped") != "skipped"]
        needed = row.requires if row else None
        if ran and needed and not (isinstance(metrics, dict) and metrics.get(needed)):
            evidence.append(f"sekit gate: {', '.join(ran)} ran without {needed} (no credit)")
        elif ran and all(statuses[c] == "pass" for c in ran):
            if credit < 1:
                credit, how = 1.0, "automated"
            evidence.append(f"sekit gate: {', '.join(ran)} passed")
        elif ran:
            shown = ", ".join(f"{c} {statuses[c]}" for c in ran)
            evidence.append(f"sekit gate: {shown} (credit needs every one to pass)")
        if credit < 1 and test_id in documents:
            document, text = documents[test_id]
            if test_id in copies:
                evidence.append(
                    f"{document}: a copy of the document for {copies[test_id]} (no credit)"
                )
            elif len(text.split()) < MIN_WORDS:
                evidence.append(f"{document}: under {MIN_WORDS} words (no credit)")
            elif any(m in text for m in (TODO_MARKER, "lorem ipsum")):
                evidence.append(f"{document}: still template text (no credit)")
            else:
                credit, how = max(credit, 0.5), "manual"
                evidence.append(f"{document}: documented")
        if credit == 0 and test_id in candidates:
            shown = ", ".join(candidates[test_id][:2])
            evidence.append(
                f"candidate: {shown}: mark it @pytest.mark.mlts({test_id!r}); "
                "`sekit grade --run` then credits it when it passes"
            )
        tests[test_id] = {"title": title, "credit": credit, "how": how, "evidence": evidence}
    sections = {
        s: sum(t["credit"] for k, t in tests.items() if k.startswith(f"{s}-")) for s in SECTIONS
    }
    final = min(sections.values())
    why = reasons(sections, tagged, candidates, ran=junit is not None or gate_report is not None)
    return MLTestScore(
        data=sections["data"],
        model=sections["model"],
        infra=sections["infra"],
        monitor=sections["monitor"],
        final=final,
        band=band(final),
        tests=tests,
        why=why,
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
