"""Grades in the terminal: the ranked class, and each team's items with --verbose."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sekit.grade.model import ClassReport, HistoryReport, TeamGrade

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
    for name in (
        "#",
        "team",
        "score",
        "template",
        "own work",
        "ML Test Score",
        "weakest section",
        "trend",
    ):
        table.add_column(
            name, justify="right" if name in ("#", "score", "template", "own work") else "left"
        )
    rank = 0
    for team in report.ranked():
        if team.score is None:
            table.add_row("", escape(team.team), "[fail]—[/]", "", "", "", "", "")
            continue
        rank += 1
        trend = " → ".join(f"{s:g}" for s in [*team.trend, team.score]) if team.trend else ""
        mlts = f"{team.mlts.final:g}" if team.mlts else "—"
        template = f"{team.template.score:g}" if team.template else ""
        gain = f"{team.gain:+g}" if team.gain is not None else ""
        table.add_row(
            str(rank),
            escape(team.team),
            f"{team.score:g}",
            template,
            gain,
            mlts,
            escape(_weakest(team)),
            trend,
        )
    out.print(table)
    if quiet:
        return
    for team in report.ranked():
        if team.score is None:
            out.print(f"[fail]{escape(team.team)}[/]: {escape(team.reason or '')}")
            continue
        shown = team.items if verbose else [i for i in team.items if i.status != "met"]
        if not shown and team.run is None:
            continue
        out.print(f"\n[bold]{escape(team.team)}[/] [muted]{escape(team.path)}[/]")
        if team.template is not None:
            out.print(
                f"  the untouched template scores {team.template.score:g} "
                f"([muted]{escape(team.template.source)}[/]); own work {team.gain:+g}"
            )
        if team.collected is not None:
            rerun = ", re-run in the sandbox" if team.collected.rerun else ""
            out.print(f"  CI report: [bold]{team.collected.status}[/]{rerun}")
            for reason in team.collected.reasons:
                out.print(f"    [muted]{escape(reason)}[/]")
        if team.repositories:
            shown_parts = ", ".join(
                f"{Path(r.path).name} {'—' if r.score is None else f'{r.score:g}'}"
                for r in team.repositories
            )
            out.print(f"  {len(team.repositories)} repositories, each on its own: {shown_parts}")
        if team.run is not None:
            out.print(f"  run in sandbox: {escape(team.run.sandbox)}")
            for step in team.run.steps:
                out.print(f"    {step.name}: {escape(step.outcome)} ({step.duration_s:g}s)")
                for stopped in step.contained:
                    out.print(f"      [warn]contained:[/] {escape(stopped)}")
        if team.mlts is not None:
            out.print(f"  ML Test Score {team.mlts.final:g} ({escape(team.mlts.band)})")
            for line in team.mlts.why:
                out.print(f"    [muted]{escape(line)}[/]")
        for item in shown:
            out.print(
                f"  [{STATUS[item.status]}]{item.status:>12}[/] {item.points:g}/"
                f"{item.max_points:g} {escape(item.title)}"
            )
            for line in item.evidence[: 3 if verbose else 1]:
                out.print(f"               [muted]{escape(line)}[/]")


SPARKS = " ▁▂▃▄▅▆▇█"


def print_history(out: Console, history: HistoryReport) -> None:
    """The grade at each point of a repository's history, with a bar per point."""
    table = Table(
        title=f"{history.team}: readiness over time (one point per {history.by})",
        title_justify="left",
    )
    for name in ("date", "commit", "score", "", "ML Test Score", "subject"):
        table.add_column(name, justify="right" if name == "score" else "left")
    for point in history.points:
        score = point.score or 0.0
        bar = "█" * int(score // 5) + SPARKS[int((score % 5) / 5 * 8)].strip()
        table.add_row(
            point.date,
            point.commit,
            "—" if point.score is None else f"{point.score:g}",
            f"[pass]{bar}[/]",
            "—" if point.mlts_final is None else f"{point.mlts_final:g}",
            escape(point.subject),
        )
    out.print(table)


def print_collection(out: Console, report: ClassReport) -> None:
    """The class's CI reports: how many per status, and the re-run sample."""
    if report.collection is None:
        return
    shown = ", ".join(f"{n} {status}" for status, n in report.collection.statuses.items())
    out.print(f"\nCI reports: {shown}")
    out.print(
        f"re-ran {len(report.collection.sampled)} in the sandbox (fraction "
        f"{report.collection.fraction:g}, seed {report.collection.seed}): "
        + (", ".join(report.collection.sampled) or "none")
    )
    flagged = [
        t.team
        for t in report.teams
        if t.collected is not None and t.collected.status not in ("accepted",)
    ]
    if flagged:
        out.print(f"[warn]flagged[/]: {', '.join(flagged)}")
