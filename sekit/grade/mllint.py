"""``sekit grade --format mllint``: the readiness report in mllint's categories and Markdown.

mllint (bvobart/mllint, unmaintained since 2022) is still named by course rubrics ("mllint is
used to assess these practices and is part of the continuous integration pipeline"). This
writes sekit's grade in mllint's layout, so such a course switches with one line in CI: the
same six categories, mllint's rule slug where sekit's item checks the same practice (``git``,
no big files, DVC, dependencies declared and separated, linters used, Black's style, tests
present, CI used), and a ``sekit/`` slug where sekit checks more than mllint did. Items outside
mllint's categories (documentation, the ML pipeline, operation) are counted at the end.
A rule's score is the item's credit; its weight the item's points; a category's score the
weighted mean, as in mllint's report.
"""

from __future__ import annotations

from sekit.grade.model import ClassReport, ItemResult, TeamGrade

CATEGORIES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Version Control",
        "version-control",
        (
            ("vcs.git", "version-control/code/git"),
            ("vcs.no_large_files", "version-control/code/git-no-big-files"),
            ("vcs.data_versioning", "version-control/data/dvc"),
        ),
    ),
    (
        "Dependency Management",
        "dependency-management",
        (
            ("deps.declared", "dependency-management/use"),
            ("deps.dev_separate", "dependency-management/use-dev"),
        ),
    ),
    (
        "Code Quality",
        "code-quality",
        (
            ("quality.linters", "code-quality/use-linters"),
            ("quality.formatted", "code-quality/black/no-issues"),
            ("quality.lint_clean", "code-quality/sekit/lint-clean"),
            ("quality.documented", "code-quality/sekit/documented"),
            ("quality.secrets", "code-quality/sekit/no-secrets"),
        ),
    ),
    (
        "Data Quality",
        "data-quality",
        (
            ("tests.data", "data-quality/sekit/data-tests"),
            ("ml.gates", "data-quality/sekit/schema-and-gates"),
        ),
    ),
    (
        "Testing",
        "testing",
        (
            ("tests.unit", "testing/has-tests"),
            ("tests.ratio", "testing/sekit/test-ratio"),
            ("tests.behaviour", "testing/sekit/behaviour-tests"),
            ("tests.load", "testing/sekit/load-tests"),
        ),
    ),
    (
        "Continuous Integration",
        "ci",
        (
            ("ci.tests", "ci/use"),
            ("ci.gate", "ci/sekit/gate"),
            ("ci.precommit", "ci/sekit/pre-commit"),
            ("ci.release", "ci/sekit/release"),
        ),
    ),
)
MAPPED = {item for _, _, rules in CATEGORIES for item, _ in rules}


def _mark(passed: bool) -> str:
    return "✅" if passed else "❌"


def _team(team: TeamGrade, report: ClassReport) -> str:
    lines = [
        "# ML Project Report",
        "**Project** | **Details**",
        "--------|--------",
        f"Date    | {report.graded_at}",
        f"Path    | `{team.path}`",
        f"Team    | {team.team}",
        f"Rubric  | `{report.rubric_version}` (sekit)",
    ]
    if team.commit:
        lines.append(f"Git: Commit     | `{team.commit}`")
    lines += ["", "---", "", "## Reports", ""]
    if team.score is None:
        return "\n".join([*lines, f"Not graded: {team.reason}", ""])
    items = {item.id: item for item in team.items}
    for title, slug, rules in CATEGORIES:
        present = [(items[i], rule) for i, rule in rules if i in items]
        if not present:
            continue
        weight = sum(item.max_points for item, _ in present)
        score = 100 * sum(item.points for item, _ in present) / weight if weight else 0.0
        lines += [
            f"### {title} (`{slug}`) — **{score:.1f}**%",
            "",
            "Passed | Score | Weight | Rule | Slug",
            ":-----:|------:|-------:|------|-----",
        ]
        lines += [
            f"{_mark(item.credit >= 1)} | {100 * item.credit:.1f}% | {item.max_points:g} | "
            f"{item.title} | `{rule}`"
            for item, rule in present
        ]
        lines += [
            " | _Total_ | | | ",
            f"{_mark(score >= 100)} | **{score:.1f}**% | | {title} | `{slug}`",
            "",
        ]
        lines += _details([item for item, _ in present])
    rest = [i for i in team.items if i.id not in MAPPED]
    if rest:
        earned = sum(i.points for i in rest)
        lines += [
            "---",
            "",
            f"{len(rest)} more sekit items outside mllint's categories (documentation, ML "
            f"pipeline, operation): {earned:g} of {sum(i.max_points for i in rest):g} points; "
            f"readiness score {team.score:g}/100 (`sekit grade -v`).",
            "",
        ]
    return "\n".join(lines)


def _details(items: list[ItemResult]) -> list[str]:
    lines: list[str] = []
    for item in items:
        if item.credit >= 1:
            continue
        lines += [f"#### Details — {item.title} — ❌", ""]
        lines += [f"- {line}" for line in item.evidence] or ["- no evidence found"]
        lines.append("")
    return lines


def to_mllint(report: ClassReport) -> str:
    """Each team's report in mllint's Markdown layout, one after the other."""
    return "\n\n".join(_team(team, report) for team in report.teams)
