"""Grades for the learning management system (CSV) and for people (one offline HTML file)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sekit.grade.mlts import SECTIONS, TESTS
from sekit.grade.model import ClassReport
from sekit.report import svg

TEMPLATES = Path(__file__).parent / "templates"


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
        writer.writerow(
            [
                rank if team.score is not None else "",
                team.team,
                team.path,
                "" if team.score is None else team.score,
                "" if team.mlts is None else team.mlts.final,
                *(team.sections.get(s, {}).get("score", "") for s in sections),
                sum(m["commits"] for m in members),
                len(members),
                team.commit or "",
                team.reason or "",
                report.rubric_version,
                report.graded_at,
            ]
        )
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
