"""Grades in the terminal: the ranked class, and each team's items with --verbose."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sekit.grade.model import ClassReport, TeamGrade

STATUS = {
    "met": "pass",
    "partial": "warn",
    "missing": "fail",
    "template": "fail",
    "not_assessed": "skipped",
}


def _weakest(team: TeamGrade) -> str:
    if not team.sections:
        return ""
    name, section = min(team.sections.items(), key=lambda kv: kv[1]["score"])
    return f"{name} ({section['score']:g})"


def print_grades(out: Console, report: ClassReport, *, verbose: bool, quiet: bool) -> None:
    table = Table(title=f"readiness ({report.rubric_version})", title_justify="left")
    for name in ("#", "team", "score", "ML Test Score", "weakest section", "trend"):
        table.add_column(name, justify="right" if name in ("#", "score") else "left")
    rank = 0
    for team in report.ranked():
        if team.score is None:
            table.add_row("", escape(team.team), "[fail]—[/]", "", "", "")
            continue
        rank += 1
        trend = " → ".join(f"{s:g}" for s in [*team.trend, team.score]) if team.trend else ""
        mlts = f"{team.mlts.final:g}" if team.mlts else "—"
        table.add_row(
            str(rank), escape(team.team), f"{team.score:g}", mlts, escape(_weakest(team)), trend
        )
    out.print(table)
    if quiet:
        return
    for team in report.ranked():
        if team.score is None:
            out.print(f"[fail]{escape(team.team)}[/]: {escape(team.reason or '')}")
            continue
        shown = team.items if verbose else [i for i in team.items if i.status != "met"]
        if not shown:
            continue
        out.print(f"\n[bold]{escape(team.team)}[/] [muted]{escape(team.path)}[/]")
        if team.mlts is not None:
            out.print(f"  ML Test Score {team.mlts.final:g} ({escape(team.mlts.band)})")
        for item in shown:
            out.print(
                f"  [{STATUS[item.status]}]{item.status:>12}[/] {item.points:g}/"
                f"{item.max_points:g} {escape(item.title)}"
            )
            for line in item.evidence[: 3 if verbose else 1]:
                out.print(f"               [muted]{escape(line)}[/]")
