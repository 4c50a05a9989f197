"""CI workflows read as data: each step with its job, its workflow's triggers and its line.

GitHub Actions files are read job by job and step by step (``run`` scripts and ``uses`` actions
with their ``with`` inputs); a GitLab CI file's jobs are read as steps of their scripts. Nothing
is run; YAML is read with ``safe_load``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sekit.grade.detectors.common import ci_files, yaml_documents
from sekit.grade.repository import Repository

GITLAB_KEYWORDS = {
    "stages", "variables", "default", "include", "workflow", "image", "services", "cache",
    "before_script", "after_script",
}  # fmt: skip


@dataclass(frozen=True)
class Step:
    path: str
    job: str
    run: str = ""  # the shell script
    uses: str = ""  # the action
    inputs: dict[str, str] = field(default_factory=dict)  # the action's ``with``
    triggers: tuple[str, ...] = ()  # push-tags, push-branches:main, release, schedule, ...
    condition: str = ""  # the step's or job's ``if``/``rules``

    @property
    def text(self) -> str:
        inputs = " ".join(f"{k}: {v}" for k, v in self.inputs.items())
        return f"{self.uses} {inputs} {self.run}"

    def line(self, repo: Repository, pattern: str) -> str:
        """``path:line: text`` where ``pattern`` first matches in this step's file."""
        regex = re.compile(pattern, re.IGNORECASE)
        for number, text in enumerate((repo.text(self.path) or "").splitlines(), start=1):
            if regex.search(text):
                return f"{self.path}:{number}: {text.strip()[:100]}"
        return f"{self.path} (job {self.job})"


def _triggers(document: dict[Any, Any]) -> tuple[str, ...]:
    on = document.get("on", document.get(True))  # YAML 1.1 reads the key `on` as True
    found: list[str] = []
    if isinstance(on, str):
        found.append(on)
    elif isinstance(on, list):
        found += [str(t) for t in on]
    elif isinstance(on, dict):
        for event, spec in on.items():
            tags_only = isinstance(spec, dict) and "tags" in spec and "branches" not in spec
            if not tags_only:  # `push: {tags: [...]}` runs for tags, never for branches
                found.append(str(event))
            if isinstance(spec, dict):
                if spec.get("tags") is not None:
                    found.append(f"{event}-tags")
                branches = spec.get("branches")
                for branch in branches if isinstance(branches, list) else [branches]:
                    if isinstance(branch, str):
                        found.append(f"{event}-branches:{branch}")
    return tuple(found)


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    return "" if value is None else str(value)


def _documents(repo: Repository, relative: str) -> list[Any]:
    """The file's YAML documents as written: ``${{ github.run_number }}`` is a GitHub
    expression to keep, not a Helm action to blank out (``yaml_documents`` does that)."""
    import yaml

    try:
        return [d for d in yaml.safe_load_all(repo.text(relative) or "") if d is not None]
    except (yaml.YAMLError, RecursionError):
        return yaml_documents(repo, relative)


def steps(repo: Repository) -> list[Step]:
    """Every step of every CI workflow (cached)."""
    cache: dict[str, Any] = repo.__dict__.setdefault("_detector_cache", {})
    if "workflow_steps" in cache:
        found: list[Step] = cache["workflow_steps"]
        return found
    found = []
    for relative in ci_files(repo):
        for document in _documents(repo, relative):
            if not isinstance(document, dict):
                continue
            if relative.startswith(".github/"):
                found += _github(relative, document)
            elif relative.endswith(".gitlab-ci.yml"):
                found += _gitlab(relative, document)
    cache["workflow_steps"] = found
    return found


def _github(relative: str, document: dict[str, Any]) -> list[Step]:
    triggers = _triggers(document)
    found = []
    jobs = document.get("jobs")
    for name, job in (jobs or {}).items() if isinstance(jobs, dict) else []:
        if not isinstance(job, dict):
            continue
        for step in job.get("steps") or []:
            if not isinstance(step, dict):
                continue
            inputs = step.get("with")
            found.append(
                Step(
                    relative,
                    str(name),
                    _text(step.get("run")),
                    str(step.get("uses") or ""),
                    {str(k): _text(v) for k, v in inputs.items()}
                    if isinstance(inputs, dict)
                    else {},
                    triggers,
                    f"{_text(job.get('if'))} {_text(step.get('if'))}".strip(),
                )
            )
    return found


def _gitlab(relative: str, document: dict[str, Any]) -> list[Step]:
    found = []
    for name, job in document.items():
        if str(name) in GITLAB_KEYWORDS or str(name).startswith(".") or not isinstance(job, dict):
            continue
        script = "\n".join(
            _text(job.get(key)) for key in ("before_script", "script", "after_script")
        )
        rules = f"{_text(job.get('rules'))} {_text(job.get('only'))}"
        triggers = ("push-tags",) if re.search(r"CI_COMMIT_TAG|\btags\b", rules) else ("push",)
        found.append(Step(relative, str(name), script, "", {}, triggers, rules.strip()))
    return found
