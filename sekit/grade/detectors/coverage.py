"""Test coverage and the numbers a workflow keeps in the README: coverage measured (by
pytest-cov, coverage.py or ``sekit check tests``), measured in CI, a linter in CI, and test
adequacy, coverage and the lint score written into the README by a workflow.

With ``sekit grade --run`` the coverage is measured in the sandbox (the tests step runs the
team's tests under pytest-cov with sekit's coverage configuration); the measurement, not the
configuration, is then what earns the "measured" part, and a run that measured nothing earns
nothing for it (fail closed).
"""

from __future__ import annotations

import re

from sekit.grade.detectors.common import Outcome, ci_files, from_parts, from_shares
from sekit.grade.detectors.item import Item, item
from sekit.grade.detectors.workflows import Step, steps
from sekit.grade.repository import Repository

MEASURES = re.compile(r"--cov\b|--cov=|coverage run|sekit check tests|codecov", re.I)
LINTERS = re.compile(
    r"\b(pylint|ruff\s+check|ruff\b|flake8|mypy|black\s+--check|pre-commit\s+run|eslint|"
    r"checkstyle|bandit)\b(?![.-])",  # not a file or badge named after one: pylint.txt
    re.IGNORECASE,
)
ADEQUACY = re.compile(
    r"sekit\s+grade|mllint|ml[-_ ]?test[-_ ]?score|test[-_ ]adequacy|adequacy", re.IGNORECASE
)
WRITES_README = re.compile(
    r"(sed\s+-i|>>?|perl\s+-pi|git\s+add|python).*README|README.*(sed|awk)|"
    r"sekit\s+report\s+.*--readme|dynamic-badges-action|coverage-badge|readme-update|"
    r"add-and-commit|git-auto-commit-action",
    re.IGNORECASE,
)
README_NUMBERS = {
    "coverage": re.compile(r"coverage", re.IGNORECASE),
    "adequacy": re.compile(r"ml[-_ %20]*test[-_ %20]*score|adequacy|mlts", re.IGNORECASE),
    "lint": re.compile(r"pylint|lint[-_ %20]*score|ruff|flake8", re.IGNORECASE),
}


def _measured_locally(repo: Repository) -> str | None:
    for hit in repo.grep(
        r"--cov\b|--cov=|^\[tool\.coverage|^\[coverage:|^\[run\]|^\[tests\]",
        ("pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".coveragerc", "sekit.toml"),
        limit=1,
    ):
        return str(hit)
    return None


@item("tests.coverage", "tests", "test coverage measured, and in CI", points=3)
def coverage(repo: Repository) -> Outcome:
    """Coverage measured automatically (pytest-cov or coverage.py configured, or sekit's
    ``[tests]``; with ``--run``: measured in the sandbox) and measured in a CI workflow: half
    each."""
    in_ci = next((s for s in steps(repo) if MEASURES.search(s.text)), None)
    configured = re.search(r"^\[tests\]", repo.text("sekit.toml") or "", re.M)
    if in_ci is None and "sekit.toml" in repo.files and configured:  # sekit gate measures it
        in_ci = next((s for s in steps(repo) if re.search(r"sekit\s+gate", s.run)), None)
    evidence = []
    run = repo.run.coverage if repo.run is not None else None
    if repo.run is not None:
        if run is not None and run.share is not None:
            evidence.append(
                f"measured in the sandbox: {run.share:.1%} of {run.statements} statements"
            )
            measured = True
        else:
            why = run.note if run is not None and run.note else "the tests step measured nothing"
            evidence.append(f"not measured in the sandbox: {why}")
            measured = False
    else:
        where = _measured_locally(repo)
        measured = where is not None or in_ci is not None
        if where:
            evidence.append(f"coverage configured: {where}")
    if in_ci is not None:
        evidence.append(f"measured in CI: {in_ci.line(repo, MEASURES.pattern)}")
    return from_parts(
        {"measured": (0.5, measured), "in_ci": (0.5, in_ci is not None)},
        evidence,
        "test coverage is measured nowhere (pytest-cov, coverage.py, sekit check tests)",
    )


@item("ci.lint", "continuous integration", "a linter runs in CI on every push", points=1)
def ci_lint(repo: Repository) -> Outcome:
    """A linter runs in CI on every push (met), or only as a pre-commit hook (half)."""
    pushed = [
        s
        for s in steps(repo)
        if any(t.startswith("push") for t in s.triggers) or s.path.endswith(".gitlab-ci.yml")
    ]
    found = next((s for s in pushed if LINTERS.search(s.text)), None)
    if found is None:
        found = next((s for s in steps(repo) if LINTERS.search(s.text)), None)
        if found is not None:
            return Outcome(
                "partial",
                [f"a linter in CI, not on every push: {found.line(repo, LINTERS.pattern)}"],
            )
    if found is not None:
        return Outcome("met", [f"lint on every push: {found.line(repo, LINTERS.pattern)}"])
    hook = repo.grep(LINTERS.pattern, (".pre-commit-config.yaml",), limit=1)
    if hook:
        return Outcome("partial", [f"only a pre-commit hook, not in CI: {hook[0]}"])
    if not ci_files(repo):
        return Outcome("missing", ["no CI configuration"])
    return Outcome("missing", ["CI runs no linter"])


@item(
    "ci.readme",
    "continuous integration",
    "test adequacy, coverage and lint score kept in the README by CI",
    points=1,
)
def readme_numbers(repo: Repository) -> Outcome:
    """Test adequacy computed in CI (an ML Test Score: ``sekit grade``, mllint, a script of
    the team's; 0.25), and coverage, adequacy and the lint score in the README, each written
    there by a workflow (0.25 each; a number the workflow does not update, half)."""
    readme = next((f for f in repo.files if re.fullmatch(r"README(\.\w+)?", f, re.I)), None)
    text = repo.text(readme) if readme else ""
    writer: Step | None = next((s for s in steps(repo) if WRITES_README.search(s.text)), None)
    written = _written(repo, writer)
    adequacy = next((s for s in steps(repo) if ADEQUACY.search(s.text)), None)
    evidence = []
    if adequacy is not None:
        evidence.append(f"adequacy in CI: {adequacy.line(repo, ADEQUACY.pattern)}")
    shares: dict[str, tuple[float, float]] = {"adequacy_ci": (0.25, float(adequacy is not None))}
    for name, pattern in README_NUMBERS.items():
        shown = readme is not None and bool(pattern.search(_badges(text or "")))
        updated = shown and bool(pattern.search(written))
        shares[name] = (0.25, 1.0 if updated else 0.5 if shown else 0.0)
        if shown and readme is not None:
            line = _badge_line(text or "", readme, pattern)
            evidence.append(f"{name} in the README{', updated by CI' if updated else ''}: {line}")
    if writer is None and any(v for _, v in list(shares.values())[1:]):
        evidence.append("no workflow writes the README: the numbers there go stale")
    return from_shares(shares, evidence, "no test numbers in the README, none computed in CI")


BADGE = re.compile(r"!\[|shields\.io|\d+(\.\d+)?\s*(%|/10)")


def _badges(text: str) -> str:
    """The README's badges and lines that carry a number (a percentage or a score)."""
    return "\n".join(line for line in text.splitlines() if BADGE.search(line))


def _badge_line(text: str, readme: str, pattern: re.Pattern[str]) -> str:
    for number, line in enumerate(text.splitlines(), start=1):
        if BADGE.search(line) and pattern.search(line):
            return f"{readme}:{number}: {line.strip()[:90]}"
    return readme


SEKIT_BADGES = re.compile(r"sekit\s+report\b.*--readme", re.IGNORECASE)


def _written(repo: Repository, writer: Step | None) -> str:
    """What the workflows write into the README: the text of the steps of the writing job
    (``sekit report --readme`` writes the coverage badge of the report it is given)."""
    if writer is None:
        return ""
    text = "\n".join(s.text for s in steps(repo) if s.path == writer.path and s.job == writer.job)
    return text + ("\ncoverage" if SEKIT_BADGES.search(text) else "")


ITEMS: tuple[Item, ...] = (coverage, ci_lint, readme_numbers)
