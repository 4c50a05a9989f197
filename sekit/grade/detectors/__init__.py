"""How each built-in rubric item is judged, from files and git history only.

One module per rubric section; every detector takes the team's :class:`Repository` (one shared,
cached index of its files and history) and returns an :class:`Outcome`: a status (``met``,
``partial``, ``missing``, ``template``, ``not_assessed``), its evidence (file and line, test,
commit) and the share of the item's points it earns. ``template`` means text the team has not
filled in; ``not_assessed`` means a tool grading needs failed: it never counts as met.
What each detector looks for, and what it cannot see: ``docs/explanation/grading.md``.
"""

from __future__ import annotations

from collections.abc import Callable

from sekit.grade.detectors import (
    alerts,
    ansible,
    ci,
    commits,
    compose,
    configuration,
    coverage,
    dashboards,
    deps,
    docs,
    istio,
    kubernetes,
    lintrules,
    metrics,
    ops,
    pipeline,
    quality,
    release,
    secrets,
    system,
    tests,
    vagrant,
    vcs,
)
from sekit.grade.detectors.common import SCAFFOLD_SUBJECT, Outcome
from sekit.grade.repository import Repository

Detector = Callable[[Repository], Outcome]

DETECTORS: dict[str, Detector] = {
    "git": vcs.git,
    "no_large_files": vcs.no_large_files,
    "data_versioning": vcs.data_versioning,
    "dependencies": deps.dependencies,
    "dev_dependencies": deps.dev_dependencies,
    "linters": quality.linters,
    "lint_findings": quality.lint_findings,
    "formatting": quality.formatting,
    "documented": quality.documented,
    "secrets": secrets.secrets,
    "unit_tests": tests.unit_tests,
    "data_tests": tests.data_tests,
    "behaviour_tests": tests.behaviour_tests,
    "load_tests": tests.load_tests,
    "test_ratio": tests.test_ratio,
    "ci_tests": ci.ci_tests,
    "ci_gate": ci.ci_gate,
    "precommit": ci.precommit,
    "releases": ci.releases,
    "readme": docs.readme,
    "requirements": docs.requirements,
    "model_card": docs.model_card,
    "reports": docs.reports,
    "pipeline_stages": pipeline.pipeline_stages,
    "pipeline_tool": pipeline.pipeline_tool,
    "experiments": pipeline.experiments,
    "sekit_config": pipeline.sekit_config,
    "fairness": pipeline.fairness,
    "service": ops.service,
    "application": ops.application,
    "container": ops.container,
    "monitoring": ops.monitoring,
    "alerting": ops.alerting,
    "release_experiments": ops.release_experiments,
    "feedback_loop": ops.feedback_loop,
    "retraining": system.retraining,
    "availability": system.availability,
    "reproducibility": ops.reproducibility,
    "commit_messages": commits.messages,
    "pull_requests": commits.pull_requests,
    "lint_rules": lintrules.lint_rules,
    "coverage": coverage.coverage,
    "ci_lint": coverage.ci_lint,
    "readme_numbers": coverage.readme_numbers,
    "configuration": configuration.configuration,
    "app_metrics": metrics.monitoring,
    "grafana": dashboards.grafana,
    "alert_channel": alerts.alert_channel,
    "release_versions": release.release_versions,
    "images": release.images,
    "libraries": release.libraries,
    "compose": compose.compose,
    "kubernetes": kubernetes.kubernetes,
    "helm": kubernetes.helm,
    "istio": istio.istio,
    "traffic_use_case": istio.traffic_use_case,
    "vagrant": vagrant.vagrant,
    "ansible_software": ansible.software,
    "ansible_cluster": ansible.cluster,
}


def custom(repo: Repository, files: tuple[str, ...], pattern: str | None) -> Outcome:
    """An instructor's own item: a file matching ``files`` (containing ``pattern``)."""
    matches = sorted({f for g in files for f in repo.exists(g)})
    if not matches:
        return Outcome("missing", [f"no file matches {', '.join(files)}"])
    if pattern is None:
        return Outcome("met", matches[:3])
    hits = repo.grep(pattern, tuple(matches), flags=0)
    if hits:
        return Outcome("met", [str(h) for h in hits[:3]])
    return Outcome("missing", [f"{matches[0]}: does not contain /{pattern}/"])


__all__ = ["DETECTORS", "SCAFFOLD_SUBJECT", "Detector", "Outcome", "custom"]
