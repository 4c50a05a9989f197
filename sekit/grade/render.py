"""Grades for the learning management system (CSV) and for people (one offline HTML file).

CSV cells that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) are prefixed with ``'``: a team's text never runs in the
instructor's spreadsheet. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sekit.grade.mlts import SECTIONS, TESTS
from sekit.grade.model import ClassReport, HistoryReport
from sekit.report import svg

TEMPLATES = Path(__file__).parent / "templates"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """A CSV cell that no spreadsheet evaluates as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(report: ClassReport) -> str:
    """One row per team: score, ML Test Score, section scores, process."""
    sections = sorted({name for team in report.teams for name in team.sections})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "rank",
            "team",
            "path",
            "score",
            "template_score",
            "gain",
            "mlts_final",
            *sections,
            "commits",
            "members",
            "commit",
            "reason",
            "rubric_version",
            "graded_at",
        ]
    )
    rank = 0
    for team in report.ranked():
        rank += team.score is not None
        members = team.process.get("members", [])
        row = [
            rank if team.score is not None else "",
            team.team,
            team.path,
            "" if team.score is None else team.score,
            "" if team.template is None else team.template.score,
            "" if team.gain is None else team.gain,
            "" if team.mlts is None else team.mlts.final,
            *(team.sections.get(s, {}).get("score", "") for s in sections),
            sum(m["commits"] for m in members),
            len(members),
            team.commit or "",
            team.reason or "",
            report.rubric_version,
            report.graded_at,
        ]
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def to_html(report: ClassReport) -> str:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    ranked = report.ranked()
    overview = svg.bars(
        [(t.team, t.score or 0.0) for t in ranked if t.score is not None], maximum=100
    )
    members = {
        t.path: svg.bars(
            [(m["name"] or m["email"], float(m["commits"])) for m in t.process.get("members", [])][
                :8
            ],
            unit=" commits",
        )
        for t in ranked
    }
    activity = {
        t.path: svg.lines(
            {"commits": list(enumerate(t.process.get("weeks", {}).values()))},
            x_label="week",
            y_label="commits",
        )
        if len(t.process.get("weeks", {})) > 1
        else ""
        for t in ranked
    }
    return env.get_template("grades.html.j2").render(
        report=report,
        ranked=ranked,
        overview=overview,
        members=members,
        activity=activity,
        sections=SECTIONS,
        tests=TESTS,
        Markup=Markup,
    )


def history_svg(history: HistoryReport) -> str:
    """The grade over the repository's history: score and ML Test Score (x 10) per point."""
    return svg.lines(
        {
            "score": [(i, p.score) for i, p in enumerate(history.points)],
            "ML Test Score x 10": [
                (i, None if p.mlts_final is None else p.mlts_final * 10)
                for i, p in enumerate(history.points)
            ],
        },
        x_label=f"{history.by} (oldest to newest)",
        y_label="score",
    )


def history_html(history: HistoryReport) -> str:
    import jinja2
    from markupsafe import Markup

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    return env.get_template("history.html.j2").render(
        history=history, chart=Markup(history_svg(history))
    )
