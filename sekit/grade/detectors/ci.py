"""Continuous integration: tests in CI, a gate that can block, pre-commit, tagged releases."""

from __future__ import annotations

import re
from typing import Any

from sekit.grade.detectors.common import Outcome, ci_files, line_of, scaled, yaml_documents
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

PUBLISH = re.compile(
    r"docker(/build-push-action|\s+push)|buildx.*--push|twine upload|gh-action-pypi-publish|"
    r"action-gh-release|gh release create|create-release|upload-release-asset|"
    r"poetry publish|helm push|ghcr\.io|registry\.gitlab|\$CI_REGISTRY",
    re.IGNORECASE,
)


@item("ci.tests", "continuous integration", "CI runs the tests", points=5)
def ci_tests(repo: Repository) -> Outcome:
    """A CI configuration that runs the tests (pytest, tox, nox, make test, ``sekit check
    tests``); half for CI that does not."""
    files = ci_files(repo)
    if not files:
        return Outcome("missing", ["no CI configuration (GitHub Actions, GitLab CI, Jenkins, ...)"])
    hits = repo.grep(
        r"^(?!\s*#).*\b(pytest|tox|nox|make test|unittest|coverage run|sekit\s+check\s+tests)\b",
        tuple(files),
    )
    if hits:
        return Outcome("met", [str(h) for h in hits[:2]])
    return Outcome("partial", [f"{files[0]}: CI exists but does not run the tests"])


@item("ci.gate", "continuous integration", "CI runs `sekit gate` before deploying", points=4)
def ci_gate(repo: Repository) -> Outcome:
    """CI runs `sekit gate` where it can block (not `|| true`, not allowed to fail), and the
    deploy job ships what the gate passed: a deploy job that trains again ships a model no
    gate saw (half)."""
    files = ci_files(repo)
    hits = repo.grep(r"^(?!\s*#).*sekit\s+gate", tuple(files)) if files else []  # not comments
    if not hits:
        return Outcome("missing", ["CI does not run `sekit gate`: nothing blocks a failing model"])
    disarmed = [h for h in hits if "|| true" in h.text or "|| exit 0" in h.text]
    disarmed += repo.grep(r"continue-on-error:\s*true|allow_failure:\s*true", tuple(files))
    if disarmed:
        return Outcome("partial", [f"{disarmed[0]}: the gate cannot block a deployment"])
    retrained = training_deploys(repo)
    if retrained:
        return Outcome("partial", [str(hits[0]), *retrained[:2]], 0.5)
    return Outcome("met", [str(h) for h in hits[:2]])


DEPLOYS = re.compile(r"deploy|release|publish|ship|docker|image|push", re.IGNORECASE)
TRAINS = re.compile(
    r"\bdvc\s+(repro|exp\s+run)\b|\bmake\s+(train|model|all)\b|"
    r"python3?\s+(-m\s+)?[\w./-]*(train|pipeline|fit)\w*\b",
    re.IGNORECASE,
)
GITLAB_KEYWORDS = {
    "stages", "variables", "default", "include", "workflow", "image", "services", "cache",
    "before_script", "after_script",
}  # fmt: skip


def _commands(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float)]
    return []


def _deploy_jobs(repo: Repository, relative: str) -> list[tuple[str, list[str]]]:
    """(job, its commands) for each job that deploys, in a GitHub or GitLab CI file."""
    jobs: list[tuple[str, list[str]]] = []
    for document in yaml_documents(repo, relative):
        if not isinstance(document, dict):
            continue
        if relative.startswith(".github/"):
            for name, job in (document.get("jobs") or {}).items():
                if not isinstance(job, dict):
                    continue
                if DEPLOYS.search(str(name)) or "environment" in job:
                    steps = [s for s in job.get("steps") or [] if isinstance(s, dict)]
                    jobs.append((str(name), [c for s in steps for c in _commands(s.get("run"))]))
        else:
            for name, job in document.items():
                if str(name) in GITLAB_KEYWORDS or str(name).startswith("."):
                    continue
                if isinstance(job, dict) and DEPLOYS.search(f"{name} {job.get('stage', '')}"):
                    commands = _commands(job.get("before_script")) + _commands(job.get("script"))
                    jobs.append((str(name), commands))
    return jobs


def training_deploys(repo: Repository) -> list[str]:
    """Evidence of deploy jobs that train a model instead of shipping the gated one."""
    found = []
    for relative in ci_files(repo):
        if not relative.startswith((".github/", ".gitlab-ci")):
            continue
        for job, commands in _deploy_jobs(repo, relative):
            trains = next((m for c in commands if (m := TRAINS.search(c))), None)
            if trains:
                where = line_of(repo, relative, re.escape(trains.group(0)))
                found.append(
                    f"{where}: the {job} job trains ({trains.group(0)}): it ships a model no "
                    "gate saw; deploy the artifact that the gated job kept"
                )
    return found


@item("ci.precommit", "continuous integration", "pre-commit hooks", points=2)
def precommit(repo: Repository) -> Outcome:
    """A pre-commit configuration with hooks."""
    if ".pre-commit-config.yaml" not in repo.files:
        return Outcome("missing", ["no .pre-commit-config.yaml"])
    hooks = repo.grep(r"-\s*id:", (".pre-commit-config.yaml",), limit=50)
    if hooks:
        return Outcome("met", [f".pre-commit-config.yaml: {len(hooks)} hooks"])
    return Outcome("partial", [".pre-commit-config.yaml without hooks"])


def _triggers(document: Any) -> Any:
    # YAML 1.1 reads the key `on` as True.
    if isinstance(document, dict):
        return document.get("on", document.get(True))
    return None


def _tag_triggered(repo: Repository, relative: str) -> str | None:
    """Where a CI file runs on a version tag or a published release, or None."""
    for document in yaml_documents(repo, relative):
        triggers = _triggers(document)
        if isinstance(triggers, dict):
            push = triggers.get("push")
            if isinstance(push, dict) and push.get("tags") is not None:
                return line_of(repo, relative, r"^\s*tags\s*:")
            if "release" in triggers:
                return line_of(repo, relative, r"^\s*release\s*:")
        elif isinstance(triggers, list) and "release" in triggers:
            return line_of(repo, relative, r"release")
    text = repo.text(relative) or ""
    if re.search(r"\$CI_COMMIT_TAG|only:\s*\n\s*-\s*tags|refs/tags|buildingTag\(\)", text):
        return line_of(repo, relative, r"CI_COMMIT_TAG|tags|refs/tags|buildingTag")
    return None


@item(
    "ci.release",
    "continuous integration",
    "releases from version tags, artifacts published",
    points=3,
)
def releases(repo: Repository) -> Outcome:
    """Half for a release workflow started by a version tag, half for publishing an artifact
    (an image, a package, a release with the model) from CI."""
    files = ci_files(repo)
    tagged = [where for f in files if (where := _tag_triggered(repo, f))]
    published = repo.grep(PUBLISH.pattern, tuple(files), limit=3) if files else []
    evidence = []
    if tagged:
        evidence.append(f"release on a tag: {tagged[0]}")
    if published:
        evidence.append(f"publishes: {published[0]}")
    if not evidence:
        return Outcome(
            "missing", ["no CI workflow releases on a version tag or publishes an artifact"]
        )
    return scaled(0.5 * bool(tagged) + 0.5 * bool(published), evidence)


ITEMS: tuple[Item, ...] = (ci_tests, ci_gate, precommit, releases)
